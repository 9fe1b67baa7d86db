/**
 * The engine owns the state storage (issue 10 item 1): every mechanism's per-instance arrays lie in
 * the storage the engine created (a single run's slabs, a batch's WebAssembly memory), and the
 * bytes it reports are exactly those of the arrays the state holds.
 *
 * One model carries every built-in mechanism (the hand-written catalogue and the one generated
 * from the kinetics descriptions and mechanism files, src/channels/ir), density mechanisms on the
 * dendrite, point processes on three sites. Exception, checked as such: hh's and the Hay channels'
 * gates live in their kernels' own WebAssembly scratch memory (`expb`, the exp batch their
 * hand-written kernels run on), not in the engine's storage.
 */
import { describe, expect, it } from 'vitest';
import { builtinMechanisms, createCatalogue, type Catalogue } from '../../src/channels/catalogue.ts';
import { irMechanisms } from '../../src/channels/ir/index.ts';
import { heapStorage, type Mechanism, type MechanismInstance } from '../../src/channels/mechanism.ts';
import { createPlayedCurrent } from '../../src/channels/stimuli/index.ts';
import { compileModel, type MechanismUse, type SimulationRequest } from '../../src/solvers/model.ts';
import { createCpuState } from '../../src/solvers/cpu.ts';
import { createBatchState } from '../../src/solvers/batch/state.ts';
import { compileVariants } from '../../src/solvers/batch/simulate.ts';
import { CountingStorage, RegionStorage, SlabStorage } from '../../src/solvers/storage.ts';
import { dendNodes, layout, sites, soma } from '../batch/ir-cell.ts';
import { builtinRuleList, makePlasticSynapse } from '../../src/plasticity/index.ts';
import { ampa } from '../../src/channels/synapses/index.ts';

const WAVE = { t_ms: Float64Array.from([0, 1, 2]), i_nA: Float64Array.from([0, 0.1, 0]) };

/** The mechanisms given (IPlay with one waveform) and AMPA made plastic with each built-in rule. */
function catalogueOf(mechanisms: readonly Mechanism[]): Catalogue {
  const own = mechanisms.map((m) => (m.description.name === 'IPlay' ? (createPlayedCurrent([WAVE]) as unknown as Mechanism) : m));
  return createCatalogue([...own, ...plasticSynapses()]);
}

/** Every catalogue mechanism once: density ones on the soma and dendrite, point processes on the three sites. */
function everyMechanism(catalogue: Catalogue, names: readonly string[]): SimulationRequest {
  const mechanisms: MechanismUse[] = names.map((name) => {
    const d = catalogue.get(name)!.description;
    if (d.kind === 'density') return { name, nodes: [soma, ...dendNodes] };
    const params: Record<string, number> | undefined = name === 'IPlay' ? { wave: 0 } : name.includes('+') ? { w_max: 0.01 } : undefined;
    return { name, nodes: sites, ...(params ? { params } : {}) };
  });
  return { layout, mechanisms, record: [soma], dt_ms: 0.025, tstop_ms: 1, catalogue };
}

/** The typed arrays an instance keeps: its fields, its vars, and arrays of arrays (IPlay's times). */
function instanceArrays(inst: MechanismInstance): Map<string, ArrayBufferView> {
  const out = new Map<string, ArrayBufferView>();
  const add = (name: string, x: unknown) => {
    if (ArrayBuffer.isView(x)) out.set(name, x);
    else if (Array.isArray(x)) x.forEach((y, k) => ArrayBuffer.isView(y) && out.set(`${name}[${k}]`, y));
  };
  for (const [name, x] of Object.entries(inst)) add(name, x);
  for (const [name, x] of Object.entries(inst.vars)) add(`vars.${name}`, x);
  // A plastic synapse: the wrapped synapse's instance and each rule's state.
  const plastic = inst as unknown as { base?: MechanismInstance; ruleStates?: readonly Record<string, unknown>[] };
  if (plastic.base !== undefined) for (const [name, x] of instanceArrays(plastic.base)) out.set(`base.${name}`, x);
  plastic.ruleStates?.forEach((r, k) => {
    for (const [name, x] of Object.entries(r)) add(`ruleStates[${k}].${name}`, x);
    // What the rule was given: the synapse's weight and branches (parameters are the engine's).
    for (const [name, x] of Object.entries(r.init as Record<string, unknown>)) add(`ruleStates[${k}].init.${name}`, x);
  });
  return out;
}

/** Fields that are not per-instance state: 4–6-double scratch for rates, and the engine's node areas. */
const NOT_INSTANCE_STATE = new Set(['r', 'area', 'area_um2']);

/** The instance's own exp-batch memory (hh, Hay channels), where their gates live. */
function ownScratch(inst: MechanismInstance): ArrayBufferLike | null {
  const expb = (inst as unknown as { expb?: { buf: Float64Array } }).expb;
  return expb === undefined ? null : expb.buf.buffer;
}

interface Held {
  holds(x: ArrayBufferView): boolean;
}

/** Check every per-instance array of `inst` lies in `storage` (or, gates, in its own scratch); return those in storage. */
function checkInstance(where: string, inst: MechanismInstance, storage: Held, engineArrays: ReadonlySet<ArrayBufferView>): ArrayBufferView[] {
  const inStorage: ArrayBufferView[] = [];
  const scratch = ownScratch(inst);
  for (const [name, x] of instanceArrays(inst)) {
    if (NOT_INSTANCE_STATE.has(name) || engineArrays.has(x)) continue;
    if (storage.holds(x)) inStorage.push(x);
    else expect(x.buffer === scratch, `${where}: ${name} (${x.constructor.name}[${(x as Float64Array).length}]) is neither in the engine's storage nor in the kernel's own scratch memory`).toBe(true);
  }
  return inStorage;
}

/** Distinct arrays' bytes (views counted once by place). */
function distinctBytes(xs: readonly ArrayBufferView[]): number {
  const seen = new Map<ArrayBufferLike, Set<string>>();
  let bytes = 0;
  for (const x of xs) {
    const key = `${x.byteOffset}:${x.byteLength}`;
    let s = seen.get(x.buffer);
    if (s === undefined) seen.set(x.buffer, (s = new Set()));
    if (s.has(key)) continue;
    s.add(key);
    bytes += x.byteLength;
  }
  return bytes;
}

/** AMPA made plastic with each built-in rule in turn (src/plasticity). */
function plasticSynapses(): Mechanism[] {
  return builtinRuleList().map((rule) => makePlasticSynapse(ampa, [{ rule }]) as unknown as Mechanism);
}

const CATALOGUES: readonly [string, () => Catalogue][] = [
  ['hand-written built-in kernels', () => catalogueOf(builtinMechanisms())],
  ['kernels generated from the kinetics descriptions (mechanism-file compiler)', () => catalogueOf(irMechanisms())],
];

describe('storage implementations', () => {
  it('SlabStorage: zeroed, aligned arrays in its slabs; bytes = the arrays summed; a large request gets its own slab', () => {
    const s = new SlabStorage(1024);
    const a = s.f64(10);
    const b = s.i32(3);
    const c = s.f64(5);
    const big = s.f64(1000);
    expect([...a, ...b, ...c].every((x) => x === 0)).toBe(true);
    for (const x of [a, b, c, big]) {
      expect(x.byteOffset % 8).toBe(0);
      expect(s.holds(x)).toBe(true);
    }
    expect(a.buffer).toBe(c.buffer);
    expect(big.buffer).not.toBe(a.buffer);
    expect(big.buffer.byteLength).toBe(8000);
    expect(s.bytes).toBe(80 + 12 + 40 + 8000);
    expect(s.reserved_B).toBe(1024 + 8000);
    expect(s.holds(new Float64Array(3))).toBe(false);
    // Writing one array leaves its neighbours alone.
    a.fill(1);
    b.fill(-1);
    expect(c.every((x) => x === 0)).toBe(true);
    expect(a.every((x) => x === 1)).toBe(true);
  });

  it('CountingStorage counts the extent a RegionStorage takes for the same requests (16-byte alignment)', () => {
    const sizes: [string, number][] = [['f64', 3], ['i32', 5], ['f64', 0], ['i32', 1], ['f64', 7]];
    const counting = new CountingStorage(16);
    for (const [k, n] of sizes) (k === 'f64' ? counting.f64(n) : counting.i32(n));
    const region = new RegionStorage(new ArrayBuffer(1024), 32, 32 + counting.extent_B, 16);
    for (const [k, n] of sizes) {
      const x = k === 'f64' ? region.f64(n) : region.i32(n);
      expect(x.byteOffset % 16).toBe(0);
    }
    expect(region.extent_B).toBe(counting.extent_B);
    expect(region.bytes).toBe(counting.bytes);
    expect(counting.bytes).toBe(8 * 3 + 4 * 5 + 4 * 1 + 8 * 7);
    expect(() => region.f64(1)).toThrow(/full/);
  });

  it('heapStorage (mechanisms instantiated outside an engine) counts its plain arrays', () => {
    const h = heapStorage();
    h.f64(3);
    h.i32(2);
    expect(h.bytes).toBe(32);
  });
});

describe('the engine owns the state storage', () => {
  for (const [label, make] of CATALOGUES) {
    it(`single run, ${label}: every mechanism's per-instance arrays lie in the state's slabs; bytes = the state's arrays`, () => {
      const catalogue = make();
      const names = catalogue.names();
      const model = compileModel(everyMechanism(catalogue, names));
      const s = createCpuState(model);
      const engine = [s.v, s.rhs, s.d, s.ctx.d, s.dConst, s.ab, s.fac, s.dinv];
      for (const ion of s.ions) engine.push(...[ion.e, ion.i, ion.didv, ion.ci, ion.co, ion.ci0!, ion.co0!]);
      for (const x of engine) expect(s.storage.holds(x)).toBe(true);
      // IPlay's waveform values are the protocol's input, shared by every instance, not instance state.
      const engineSet = new Set<ArrayBufferView>([...engine, s.ctx.area_um2, WAVE.i_nA]);
      const all: ArrayBufferView[] = [...engine];
      expect(s.mechanisms.map((m) => m.mechanism.description.name).sort()).toEqual([...names].sort());
      for (const m of s.mechanisms) {
        const name = m.mechanism.description.name;
        expect(s.storage.holds(m.instance.nodes), `${name}: nodes`).toBe(true);
        const inStorage = checkInstance(name, m.instance, s.storage, engineSet);
        // Every parameter, and at least one state or assigned variable, is in the storage.
        for (const p of m.mechanism.description.params) expect(s.storage.holds(m.instance.vars[p.name]), `${name}.${p.name}`).toBe(true);
        expect(inStorage.length, name).toBeGreaterThan(m.mechanism.description.params.length);
        all.push(...inStorage);
      }
      expect(distinctBytes(all)).toBe(s.storage.bytes);
      expect(s.storage.reserved_B).toBeGreaterThanOrEqual(s.storage.bytes);
    });

    it(`batch of 3, ${label}: every mechanism's per-instance arrays lie in the batch's WebAssembly memory region; bytes = the state's arrays`, () => {
      const catalogue = make();
      const names = catalogue.names();
      const base = everyMechanism(catalogue, names);
      const models = compileVariants(base, [{}, {}, {}]);
      const s = createBatchState(models);
      expect(s.storage.buffer).toBe(s.engine.memory.buffer);
      expect(s.linear).toBe(false);
      const engine: ArrayBufferView[] = [s.v, s.rhs, s.d, s.ctx.d, s.ctx.area_um2, s.parent, s.a, s.b, s.ab, s.dConst];
      for (const ion of s.ions) engine.push(...[ion.e, ion.i, ion.didv, ion.ci, ion.co, ...(ion.ci0 ? [ion.ci0, ion.co0!] : [])]);
      for (const x of engine) expect(s.storage.holds(x)).toBe(true);
      const engineSet = new Set<ArrayBufferView>([...engine, WAVE.i_nA]);
      const all: ArrayBufferView[] = [...engine];
      let wasmUses = 0;
      for (const m of s.mechanisms) {
        const name = m.mechanism.description.name;
        expect(s.storage.holds(m.instance.nodes), `${name}: nodes`).toBe(true);
        all.push(m.instance.nodes, ...checkInstance(`${name} (batch)`, m.instance, s.storage, engineSet));
        for (const p of m.mechanism.description.params) expect(s.storage.holds(m.instance.vars[p.name]), `${name}.${p.name}`).toBe(true);
        if (m.wasm !== null) {
          wasmUses++;
          all.push(m.wasm.nodeRows, m.wasm.consts, m.wasm.scratch);
        }
      }
      if (label.startsWith('kernels generated')) expect(wasmUses).toBeGreaterThan(0);
      expect(distinctBytes(all)).toBe(s.storage.bytes);
    });
  }
});
