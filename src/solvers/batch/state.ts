/**
 * Batch state: B variants of one compiled model (same layout, mechanism uses, nodes, probes and
 * run settings; parameters, stimuli, ion settings and v_init may differ) laid out batch-innermost.
 * Per-node arrays are [node][batch] (node i of variant β at i·B + β) and per-instance arrays
 * [instance][batch] (k·B + β); the engine owns them and hands them to the kernels.
 *
 * A mechanism use becomes one "expanded" instance block of count·B instances whose instance
 * k·B + β sits on node nodes[k]·B + β: any kernel written for the Mechanism interface then runs
 * the (instance, batch) loop with the batch innermost, unchanged. The kernels are those of the
 * catalogue given (default: src/channels/ir `irCatalogue()`, generated from the kinetics
 * descriptions wherever one exists; the rest, e.g. IClamp and CaDynamics_E2, hand-written).
 *
 * Memory and WebAssembly: every array that grows with the batch (v, rhs, d, the ions' arrays, the
 * solver's coefficients, and every mechanism use's nodes, parameters and the arrays its
 * `instantiate` allocates through `InstanceInit.storage`) lives in one WebAssembly.Memory owned by
 * the state (./wasm.ts), carved by a RegionStorage (../storage.ts); JavaScript sees them as views.
 * The memory is sized by laying the state out twice: first into a CountingStorage (plain arrays,
 * thrown away; the instantiate calls run twice), then into the memory, where the arrays stay. The
 * sizing pass is setup only, about a fifth of createBatchState (best of 12 at B = 64: 8 of 45 ms
 * on the 2048-node hh cell, 9 of 37 ms on the Hay cell).
 * The Hines solve runs in WebAssembly SIMD over the variant axis (./wasm-hines.ts), and so do the
 * current and state updates of every density mechanism compiled from a kinetics description or a
 * mechanism file without events and with its rate table off (src/channels/ir/wasm/kernel.ts); they
 * perform the JavaScript kernels' operations in the same order, so results stay bitwise those of
 * single runs. Other mechanisms (hand-written kernels, point processes, synapses, rate tables) run
 * their JavaScript kernels on the views.
 */
import { advanceReversal, createIonState, initializeIon } from '../../channels/ions.ts';
import type { IonState, Mechanism, MechanismContext, MechanismInstance, StateStorage } from '../../channels/mechanism.ts';
import { lowerMechanism, type LoweredMechanism, type UserMechanism } from '../../channels/user/compile.ts';
import { constCount, generateKernels, scratchCount, unsupportedReason, UnsupportedKernelError, type GeneratedKernels } from '../../channels/ir/wasm/kernel.ts';
import type { Fn } from '../../channels/ir/wasm/asm.ts';
import type { Arithmetic } from '../../channels/ir/wasm/fast.ts';
import { Arena, createBatchMemory, instantiateBatchModule, type BatchMemory } from './wasm.ts';
import { hinesFunctions } from './wasm-hines.ts';
import { SimulationSpecError } from '../errors.ts';
import type { CompiledModel } from '../model.ts';
import { EventRuntime } from '../events.ts';
import type { BoundMechanism } from '../cpu.ts';
import { batchFactorize } from './hines.ts';
import { CountingStorage, RegionStorage } from '../storage.ts';

export interface BatchBound {
  readonly mechanism: Mechanism;
  readonly instance: MechanismInstance;
  /** WebAssembly kernels replacing the mechanism's current and advance (null: its JavaScript kernels). */
  readonly wasm: WasmKernels | null;
}

/** A mechanism use's generated WebAssembly kernels (src/channels/ir/wasm/kernel.ts). */
export interface WasmKernels {
  /** Constants (t, dt, celsius, globals, block-level quantities) into the memory, before either call. */
  prepare(ctx: MechanismContext): void;
  current(): void;
  advance: (() => void) | null;
  /** NMODL INITIAL (the JavaScript kernel's operations, exact arithmetic), or null: the JavaScript one. */
  initialize: (() => void) | null;
  /** What the kernels read besides the instance's arrays: its nodes' byte rows, its constants and the state update's scratch (views of the memory). */
  readonly nodeRows: Int32Array;
  readonly consts: Float64Array;
  readonly scratch: Float64Array;
}

/** The engine's WebAssembly side: the memory every array above is a view of, and the solver's functions. */
export interface BatchEngine {
  readonly memory: WebAssembly.Memory;
  fillD(): void;
  triangularize(): void;
  eliminate(): void;
  /** Back-substitution with the reciprocal diagonal at byte address dinv; returns −1 or the first bad index. */
  backsubstitute(dinv: number, factor: number, limit: number): number;
  /** Byte addresses of d and of the factorised dinv (linear models). */
  readonly dAt: number;
  readonly dinvAt: number;
}

export interface BatchState {
  /** Nodes of one variant. */
  readonly n: number;
  /** Variants. */
  readonly B: number;
  readonly parent: Int32Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly ab: Float64Array;
  /** Constant part of the diagonal, per node (shared: same layout and dt). */
  readonly dConst: Float64Array;
  readonly v: Float64Array;
  readonly rhs: Float64Array;
  readonly d: Float64Array;
  readonly vInit: Float64Array;
  readonly mechanisms: readonly BatchBound[];
  readonly advancing: readonly BatchBound[];
  readonly beforeBreakpoint: readonly BatchBound[];
  readonly ions: readonly IonState[];
  readonly correctedIons: readonly IonState[];
  readonly ctx: MechanismContext;
  readonly secondOrder: boolean;
  readonly linear: boolean;
  readonly fac: Float64Array;
  readonly dinv: Float64Array;
  readonly vLimit: number;
  /**
   * Each variant's spike sources, detectors and event queue (null: none), run as the single run's
   * (events.ts) on the expanded instances: instance k of variant β is k·B + β. Detectors read v
   * through `detectorView[β]`, a per-variant copy of the detector nodes' v made before each step.
   */
  readonly events: readonly (EventRuntime | null)[];
  readonly detectorView: readonly (Float64Array | null)[];
  readonly detectorNodes: readonly (Int32Array | null)[];
  /** The WebAssembly memory and solver (see the file comment). */
  readonly engine: BatchEngine;
  /** The region of the memory that holds every array above that grows with the batch (../storage.ts). */
  readonly storage: RegionStorage;
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** Check that every variant has the structure of the first (what lock-step needs). */
export function checkCompatible(models: readonly CompiledModel[]): void {
  const m0 = models[0];
  models.forEach((m, v) => {
    const at = `variants[${v}]`;
    if (m.layout !== m0.layout && (m.layout.nNodes !== m0.layout.nNodes || !same(m.layout.parent, m0.layout.parent) || !same(m.a, m0.a) || !same(m.b, m0.b) || !same(m.layout.cm_uF_per_cm2, m0.layout.cm_uF_per_cm2) || !same(m.layout.area_um2, m0.layout.area_um2))) {
      throw new SimulationSpecError(`${at}.layout`, 'a batch needs one morphology and discretization (layout, areas, axial resistances and cm identical)');
    }
    for (const key of ['dt_ms', 'tstop_ms', 'method', 'celsius', 'vLimit_mV'] as const) {
      if (m[key] !== m0[key]) throw new SimulationSpecError(`${at}.${key}`, `a batch runs in lock-step: expected ${String(m0[key])} as in variant 0, got ${String(m[key])}`);
    }
    if (JSON.stringify(m.finalProbes ?? []) !== JSON.stringify(m0.finalProbes ?? [])) {
      throw new SimulationSpecError(`${at}.final`, 'expected the same final probes as variant 0');
    }
    if (m.mechanisms.length !== m0.mechanisms.length) {
      throw new SimulationSpecError(`${at}.mechanisms`, `expected ${m0.mechanisms.length} mechanism uses (stimuli included) as in variant 0, got ${m.mechanisms.length}`);
    }
    m.mechanisms.forEach((u, k) => {
      const u0 = m0.mechanisms[k];
      const name = u0.mechanism.description.name;
      if (u.mechanism.description.name !== name) throw new SimulationSpecError(`${at}.mechanisms`, `use ${k} is ${u.mechanism.description.name}, variant 0 has ${name}`);
      if (!same(u.nodes, u0.nodes)) throw new SimulationSpecError(`${at}.mechanisms`, `${name} sits on other nodes than in variant 0 (a batch shares the instances' places; parameters may differ)`);
      for (const g of Object.keys(u0.globals)) {
        if (u.globals[g] !== u0.globals[g]) throw new SimulationSpecError(`${at}.mechanisms`, `${name} global ${g} = ${u.globals[g]}, variant 0 has ${u0.globals[g]} (globals are one per batch)`);
      }
    });
    if (m.ions.length !== m0.ions.length || m.ions.some((x, k) => x.name !== m0.ions[k].name)) {
      throw new SimulationSpecError(`${at}.ions`, 'expected the same ions as variant 0');
    }
    if (m.probes.length !== m0.probes.length || m.probes.some((p, k) => JSON.stringify(p) !== JSON.stringify(m0.probes[k]))) {
      throw new SimulationSpecError(`${at}.record`, 'expected the same probes as variant 0');
    }
  });
}

function copyInto(out: Float64Array, x: Float64Array): Float64Array {
  out.set(x);
  return out;
}

/** [node][batch] from one per-node array per variant, into `out`. */
function interleaveInto(out: Float64Array, per: readonly (ArrayLike<number> | undefined)[], n: number, fallback: number): Float64Array {
  const B = per.length;
  for (let beta = 0; beta < B; beta++) {
    const x = per[beta];
    if (x === undefined) for (let i = 0, k = beta; i < n; i++, k += B) out[k] = fallback;
    else if (x instanceof Float64Array) for (let i = 0, k = beta; i < n; i++, k += B) out[k] = x[i];
    else for (let i = 0, k = beta; i < n; i++, k += B) out[k] = x[i];
  }
  return out;
}

/** The lowered IR of a use whose current and advance can run as WebAssembly, or null (JavaScript kernels). */
function wasmCandidate(m: Mechanism, globals: Readonly<Record<string, number>>): LoweredMechanism | null {
  const um = m as Partial<UserMechanism>;
  if (um.spec === undefined || typeof um.code !== 'string') return null;
  const spec = um.spec;
  if (spec.rateTable !== undefined && (globals.usetable ?? spec.rateTable.usetable) === 1) return null;
  const low = um.lowered ?? lowerMechanism(spec);
  return unsupportedReason(low) === null ? low : null;
}

/** Byte alignment of the batch's arrays in its memory (the SIMD kernels' vector width). */
const ALIGN_B = 16;

interface LaidUse {
  readonly cm: CompiledModel['mechanisms'][number];
  readonly instance: MechanismInstance;
  /** A use with WebAssembly kernels: its nodes' byte rows and its constants (null: JavaScript kernels). */
  readonly nodeRows: Int32Array | null;
  readonly consts: Float64Array | null;
  /** The state update's scratch (kernel.ts scratchCount; a few pairs' values, not per instance). */
  readonly scratch: Float64Array | null;
}

/**
 * Every array of the batch state whose size grows with the batch, allocated from `storage` and
 * filled: per node·variant (v, rhs, d, areas, the ions', the linear solver's), per node (the
 * shared matrix coefficients), and per use the expanded nodes, the parameters interleaved
 * [instance][batch] and what the mechanism's `instantiate` allocates. Called twice with the same
 * arguments (a counting pass, then the memory), it allocates the same arrays in the same order.
 */
function layOut(
  models: readonly CompiledModel[],
  storage: StateStorage,
  o: { readonly linear: boolean; readonly lows: readonly (LoweredMechanism | null)[]; readonly totalsRead: ReadonlySet<string>; readonly readVars: (use: number) => ReadonlySet<string> },
) {
  const m0 = models[0];
  const B = models.length;
  const layout = m0.layout;
  const n = layout.nNodes;
  const nb = n * B;
  const { linear } = o;
  const v = storage.f64(nb);
  const rhs = storage.f64(nb);
  const d = storage.f64(nb);
  const ctxD = linear ? storage.f64(nb) : d;
  const area = storage.f64(nb);
  for (let i = 0; i < n; i++) area.fill(layout.area_um2[i], i * B, (i + 1) * B);
  const fac = linear ? storage.f64(nb) : new Float64Array(0);
  const dinv = linear ? storage.f64(nb) : new Float64Array(0);
  const parent = storage.i32(n);
  parent.set(layout.parent);
  const a = storage.f64(n);
  a.set(m0.a);
  const b = storage.f64(n);
  b.set(m0.b);
  const ab = storage.f64(n);
  for (let i = 0; i < n; i++) ab[i] = m0.a[i] * m0.b[i];
  const secondOrder = m0.method === 'crank_nicolson';
  const cfac = 0.001 * (secondOrder ? 2.0 / m0.dt_ms : 1.0 / m0.dt_ms);
  const dConst = storage.f64(n);
  for (let i = 0; i < n; i++) dConst[i] = cfac * layout.cm_uF_per_cm2[i] - m0.b[i];
  for (let i = 0; i < n; i++) if (layout.parent[i] >= 0) dConst[layout.parent[i]] -= m0.a[i];

  // Each ion's node lists (Nernst at finitialize / every step) from one variant's n nodes, expanded
  // to the batch (node i → i·B + β, in that order, as the per-node·variant lists would be).
  const ions: IonState[] = [];
  const ionByName: Record<string, IonState> = {};
  m0.ions.forEach((ci0, k) => {
    const one = createIonState(ci0.name, n, ci0.style ? { style: ci0.style } : {});
    const expand = (list: Int32Array | undefined): Int32Array | undefined => {
      if (list === undefined) return undefined;
      const out = new Int32Array(list.length * B);
      for (let j = 0; j < list.length; j++) for (let beta = 0; beta < B; beta++) out[j * B + beta] = list[j] * B + beta;
      return out;
    };
    const nernstInit = expand(one.nernstInit);
    const nernstAdvance = expand(one.nernstAdvance);
    const per = (f: 'e' | 'ci0' | 'co0') => models.map((m) => m.ions[k][f]);
    const e = interleaveInto(storage.f64(nb), per('e'), n, NaN);
    const i = storage.f64(nb);
    const didv = storage.f64(nb);
    const ci = interleaveInto(storage.f64(nb), per('ci0'), n, NaN);
    const co = interleaveInto(storage.f64(nb), per('co0'), n, NaN);
    // Where no mechanism writes a concentration, ci and co keep their initial values for the whole
    // (single) run, so the copies finitialize would restore them from are not kept (16 B per node·variant).
    const keep0 = nernstAdvance !== undefined;
    const ion: IonState = {
      name: one.name,
      charge: one.charge,
      e,
      i,
      didv,
      ci,
      co,
      ci0: keep0 ? copyInto(storage.f64(nb), ci) : undefined,
      co0: keep0 ? copyInto(storage.f64(nb), co) : undefined,
      ...(nernstInit !== undefined ? { nernstInit } : {}),
      ...(nernstAdvance !== undefined ? { nernstAdvance } : {}),
    };
    ions.push(ion);
    ionByName[one.name] = ion;
  });
  const unreadIons = new Set(ions.map((x) => x.name).filter((x) => !o.totalsRead.has(x)));

  const mechanisms = m0.mechanisms.map((cm, use): LaidUse => {
    const count = cm.nodes.length;
    const low = o.lows[use];
    const nodeRows = low === null ? null : storage.i32(count);
    const consts = low === null ? null : storage.f64(constCount(low));
    const scratch = low === null ? null : storage.f64(scratchCount(low, B));
    const nodes = storage.i32(count * B);
    for (let k = 0; k < count; k++) for (let beta = 0; beta < B; beta++) nodes[k * B + beta] = cm.nodes[k] * B + beta;
    const params: Record<string, Float64Array> = {};
    for (const name of Object.keys(cm.params)) {
      params[name] = interleaveInto(storage.f64(count * B), models.map((m) => m.mechanisms[use].params[name]), count, NaN);
    }
    const needed: Record<string, IonState> = {};
    for (const u of cm.mechanism.description.ions) needed[u.ion] = ionByName[u.ion];
    const readVars = o.readVars(use);
    const instance = cm.mechanism.instantiate({
      nodes,
      params,
      globals: { ...cm.globals },
      area_um2: area,
      ions: needed,
      storage,
      unread: {
        vars: new Set(cm.mechanism.description.assigned.map((q) => q.name).filter((name) => !readVars.has(name))),
        ionTotals: unreadIons,
      },
    });
    return { cm, instance, nodeRows, consts, scratch };
  });
  return { v, rhs, d, ctxD, area, fac, dinv, parent, a, b, ab, dConst, secondOrder, ions, mechanisms };
}

/** How a batch is compiled. */
export interface BatchOptions {
  /**
   * The generated WebAssembly kernels' arithmetic: `exact` (default) does nocmodl's operations one
   * for one, so every trace equals the single run's bit for bit; `fast` takes divisions out
   * (src/channels/ir/wasm/fast.ts), within the single runs' 1e-9 mV (docs/batch.md).
   */
  readonly arithmetic?: Arithmetic;
}

export function createBatchState(models: readonly CompiledModel[], options: BatchOptions = {}): BatchState {
  const arithmetic = options.arithmetic ?? 'exact';
  if (arithmetic !== 'exact' && arithmetic !== 'fast') throw new SimulationSpecError('options.arithmetic', `expected "exact" or "fast", got ${JSON.stringify(arithmetic)}`);
  checkCompatible(models);
  const m0 = models[0];
  const B = models.length;
  const layout = m0.layout;
  const n = layout.nNodes;
  const linear = m0.mechanisms.every((cm) => cm.mechanism.description.constantConductance === true);

  // Ion totals somebody reads (the cpu backend's rule).
  const totalsRead = new Set<string>();
  for (const p of m0.probes) if (p.kind === 'ion' && (p.variable === 'i' || p.variable === 'didv')) totalsRead.add(p.ion);
  for (const cm of m0.mechanisms) {
    for (const u of cm.mechanism.description.ions) {
      if (u.read.some((r) => r === 'i' + u.ion || r === 'i' || r === 'di' + u.ion + '_dv')) totalsRead.add(u.ion);
    }
  }
  const readVars = (use: number): Set<string> =>
    new Set([...m0.probes, ...(m0.finalProbes ?? [])].filter((p) => p.kind === 'mechanism' && p.use === use).map((p) => (p as { variable: string }).variable));

  // 1. Everything the state keeps per node·variant and instance·variant comes from one storage:
  //    laid out once with a CountingStorage to size the memory (a WebAssembly memory is sized
  //    before it is viewed and never grows), then again in the memory itself (./storage.ts).
  const lows = m0.mechanisms.map((cm) => wasmCandidate(cm.mechanism, cm.globals));
  const build = (storage: StateStorage) => layOut(models, storage, { linear, lows, totalsRead, readVars });
  const counting = new CountingStorage(ALIGN_B);
  build(counting);
  const arena = new Arena();
  const begin_B = arena.f64(Math.ceil(counting.extent_B / 8));
  const mem: BatchMemory = createBatchMemory(arena);
  const storage = new RegionStorage(mem.memory.buffer, begin_B, begin_B + counting.extent_B, ALIGN_B);
  const laid = build(storage);
  if (storage.extent_B !== counting.extent_B) {
    throw new Error(`internal: the batch state took ${storage.extent_B} bytes, its sizing pass ${counting.extent_B} (an instantiate allocates differently on a second call)`);
  }
  const { v, rhs, d, ctxD, area, fac, dinv, parent, a, b, ab, dConst, secondOrder, ions, mechanisms } = laid;
  const at = (x: ArrayBufferView): number => {
    if (!storage.holds(x)) throw new Error('internal: a batch array the WebAssembly kernels use is not in the batch memory');
    return x.byteOffset;
  };
  const plans = mechanisms.map(({ cm, instance, nodeRows, consts, scratch }, use) => {
    const low = lows[use];
    if (low === null || nodeRows === null || consts === null || scratch === null) return null;
    // The compiled kernels read the instance's own arrays, where instantiate put them.
    const vars: Record<string, number> = {};
    for (const name of [...low.spec.parameters.map((q) => q.name), ...low.spec.states.map((q) => q.name), ...cm.mechanism.description.assigned.map((q) => q.name)]) {
      const x = instance.vars[name];
      if (x === undefined) throw new Error(`internal: ${cm.mechanism.description.name} has no array ${name} for its WebAssembly kernels`);
      vars[name] = at(x);
    }
    nodeRows.set(cm.nodes.map((x) => x * B * 8));
    return { low, vars, nodeRows: at(nodeRows), consts: at(consts), scratch: at(scratch) };
  });

  // 3. Kernels and the module.
  const fns: Fn[] = [];
  const ionsAt: Record<string, number> = {};
  for (const x of ions) for (const f of ['e', 'i', 'didv', 'ci', 'co'] as const) ionsAt[`${x.name}.${f}`] = at(x[f]);
  const generated = mechanisms.map(({ cm }, use): GeneratedKernels | null => {
    const plan = plans[use];
    if (plan === null) return null;
    try {
      const g = generateKernels(plan.low, {
        B, count: cm.nodes.length, nodeRows: plan.nodeRows, v: at(v), rhs: at(rhs), d: at(ctxD),
        vars: plan.vars, ions: ionsAt, consts: plan.consts, scratch: plan.scratch, storeVars: readVars(use), storeIonTotals: totalsRead, arithmetic,
      }, `m${use}`);
      fns.push(...g.fns);
      return g;
    } catch (e) {
      if (e instanceof UnsupportedKernelError) return null;
      throw e;
    }
  });
  fns.push(...hinesFunctions({
    n, B, parent: at(parent), a: at(a), b: at(b), ab: at(ab), dConst: at(dConst), v: at(v), rhs: at(rhs), d: at(d),
    fac: linear ? at(fac) : 0, dinv: linear ? at(dinv) : 0,
  }));
  const ex = instantiateBatchModule(mem, fns);

  const bound: BatchBound[] = mechanisms.map(({ cm, instance, nodeRows, consts, scratch }, use) => {
    const g = generated[use];
    if (g === null || nodeRows === null || consts === null || scratch === null) return { mechanism: cm.mechanism, instance, wasm: null };
    const globals = (instance as unknown as { globals: Readonly<Record<string, number>> }).globals;
    const F = mem.F;
    const prepare = g.prepare;
    const current = ex[g.current.name] as () => void;
    const advance = g.advance === null ? null : (ex[g.advance.name] as () => void);
    const initialize = g.initialize === null ? null : (ex[g.initialize.name] as () => void);
    return { mechanism: cm.mechanism, instance, wasm: { prepare: (ctx: MechanismContext) => prepare(F, globals, ctx), current, advance, initialize, nodeRows, consts, scratch } };
  });

  const detectorView: (Float64Array | null)[] = [];
  const events = models.map((m, beta): EventRuntime | null => {
    if (!m.events) {
      detectorView.push(null);
      return null;
    }
    // NET_RECEIVE of variant β's instance k is the expanded instance k·B + β.
    const targets: BoundMechanism[] = bound.map((bm) => {
      const receive = bm.mechanism.netReceive;
      if (receive === undefined) return bm;
      const mechanism = { ...bm.mechanism, netReceive: (inst: MechanismInstance, k: number, w: number, c: MechanismContext) => receive.call(bm.mechanism, inst, k * B + beta, w, c) };
      return { mechanism, instance: bm.instance };
    });
    const view = new Float64Array(n);
    detectorView.push(view);
    return new EventRuntime(m.events, targets, view, m.tstop_ms, m.dt_ms);
  });
  const ctx: MechanismContext = { t: 0, dt: m0.dt_ms, celsius: m0.celsius, v, rhs, d: ctxD, area_um2: area };
  const engine: BatchEngine = {
    memory: mem.memory,
    fillD: ex.fill_d as () => void,
    triangularize: ex.triangularize as () => void,
    eliminate: (ex.eliminate ?? (() => {
      throw new Error('internal: eliminate on a nonlinear batch');
    })) as () => void,
    backsubstitute: ex.backsubstitute as (dinv: number, factor: number, limit: number) => number,
    dAt: at(d),
    dinvAt: linear ? at(dinv) : 0,
  };
  return {
    n,
    B,
    parent,
    a,
    b,
    ab,
    dConst,
    v,
    rhs,
    d,
    vInit: Float64Array.from(models.map((m) => m.v_init_mV)),
    mechanisms: bound,
    advancing: bound.filter((x) => x.mechanism.advance !== undefined),
    beforeBreakpoint: bound.filter((x) => x.mechanism.beforeBreakpoint !== undefined),
    ions,
    correctedIons: ions.filter((x) => totalsRead.has(x.name)),
    ctx,
    secondOrder,
    linear,
    fac,
    dinv,
    vLimit: m0.vLimit_mV,
    events,
    detectorView,
    detectorNodes: models.map((m) => (m.events ? m.events.detectorNode : null)),
    engine,
    storage,
  };
}

/** Copy variant β's v at its detector nodes into its detector view (before threshold detection). */
function viewDetectors(s: BatchState, beta: number): void {
  const view = s.detectorView[beta]!;
  const nodes = s.detectorNodes[beta]!;
  for (let k = 0; k < nodes.length; k++) view[nodes[k]] = s.v[nodes[k] * s.B + beta];
}

/** Bytes of the arrays whose size grows with the batch (per node·variant, instance·variant). */
export function batchStateBytes(s: BatchState): number {
  const seen = new Set<ArrayBufferLike>();
  let bytes = 0;
  const add = (x: unknown) => {
    if (ArrayBuffer.isView(x) && !seen.has(x.buffer)) {
      // Views into one buffer (wasm memory, scratch regions) count once, by their buffer.
      seen.add(x.buffer);
      bytes += x.buffer.byteLength;
    }
  };
  for (const x of [s.v, s.rhs, s.d, s.ctx.d, s.ctx.area_um2, s.fac, s.dinv]) add(x);
  for (const ion of s.ions) for (const x of [ion.e, ion.i, ion.didv, ion.ci, ion.co, ion.ci0, ion.co0, ion.nernstInit, ion.nernstAdvance]) add(x);
  for (const m of s.mechanisms) {
    add(m.instance.nodes);
    for (const x of Object.values(m.instance.vars)) add(x);
    for (const x of Object.values(m.instance as unknown as Record<string, unknown>)) add(x);
  }
  return bytes;
}

/** NEURON finitialize over the batch. */
export function batchFinitialize(s: BatchState): void {
  const { ctx, B, n, v } = s;
  ctx.t = 0;
  for (let i = 0; i < n; i++) for (let beta = 0; beta < B; beta++) v[i * B + beta] = s.vInit[beta];
  for (const ion of s.ions) initializeIon(ion, ctx.celsius);
  for (const m of s.mechanisms) {
    const w = m.wasm;
    if (w === null || w.initialize === null) m.mechanism.initialize(m.instance, ctx);
    else {
      w.prepare(ctx);
      w.initialize();
    }
  }
  // Events due at t <= 0, after the INITIAL blocks (cpu.ts finitialize).
  for (let beta = 0; beta < B; beta++) s.events[beta]?.initialize(ctx);
  batchAssemble(s);
  if (s.linear) {
    const dm = ctx.d;
    const dinv = s.dinv;
    for (let i = 0; i < n; i++) for (let k = i * B; k < (i + 1) * B; k++) dinv[k] = dm[k] + s.dConst[i];
    batchFactorize(n, B, s.parent, s.a, s.b, dinv, s.fac);
  }
}

/** A use's current contributions: its WebAssembly kernel or its JavaScript one. */
function current(m: BatchBound, ctx: MechanismContext): void {
  const w = m.wasm;
  if (w === null) m.mechanism.current(m.instance, ctx);
  else {
    w.prepare(ctx);
    w.current();
  }
}

/** The one current evaluation of finitialize (cpu.ts `assemble`, which probes then read). */
function batchAssemble(s: BatchState): void {
  const { parent, a, b, v, rhs, d, n, B } = s;
  rhs.fill(0);
  d.fill(0);
  if (s.ctx.d !== d) s.ctx.d.fill(0);
  for (const ion of s.ions) {
    ion.i.fill(0);
    ion.didv.fill(0);
    advanceReversal(ion, s.ctx.celsius);
  }
  for (const m of s.beforeBreakpoint) m.mechanism.beforeBreakpoint!(m.instance, s.ctx);
  for (const m of s.mechanisms) current(m, s.ctx);
  // Axial terms of the rhs (the diagonal is rebuilt by every step, so only the rhs is formed here).
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    if (p < 0) continue;
    for (let beta = 0; beta < B; beta++) {
      const k = i * B + beta;
      const kp = p * B + beta;
      const dv = v[kp] - v[k];
      rhs[k] -= b[i] * dv;
      rhs[kp] += a[i] * dv;
    }
  }
}

/** One fixed step for every variant (cpu.ts `fixedStep`). Returns −1 or the first bad index i·B + β. */
export function batchFixedStep(s: BatchState, vCheck: number): number {
  const { ctx, B, rhs } = s;
  const half = 0.5 * ctx.dt;
  // 1. Threshold detection on v(t_n) and events due at t <= t_n + dt/2, variant by variant.
  for (let beta = 0; beta < B; beta++) {
    const ev = s.events[beta];
    if (ev === null) continue;
    viewDetectors(s, beta);
    ev.beginStep(ctx);
  }
  ctx.t += half;
  rhs.fill(0);
  if (s.linear) ctx.d.fill(0);
  else s.engine.fillD();
  const ions = s.ions;
  for (let k = 0; k < ions.length; k++) advanceReversal(ions[k], ctx.celsius);
  const read = s.correctedIons;
  for (let k = 0; k < read.length; k++) {
    read[k].i.fill(0);
    read[k].didv.fill(0);
  }
  const bb = s.beforeBreakpoint;
  for (let k = 0; k < bb.length; k++) bb[k].mechanism.beforeBreakpoint!(bb[k].instance, ctx);
  const mechs = s.mechanisms;
  for (let k = 0; k < mechs.length; k++) current(mechs[k], ctx);
  let dinvAt: number;
  if (s.linear) {
    s.engine.eliminate();
    dinvAt = s.engine.dinvAt;
  } else {
    s.engine.triangularize();
    dinvAt = s.engine.dAt;
  }
  const bad = s.engine.backsubstitute(dinvAt, s.secondOrder ? 2.0 : 1.0, vCheck);
  if (s.secondOrder) {
    const ci = s.correctedIons;
    for (let k = 0; k < ci.length; k++) {
      const ii = ci[k].i;
      const g = ci[k].didv;
      for (let j = 0; j < ii.length; j++) ii[j] += g[j] * rhs[j];
    }
  }
  ctx.t += half;
  const adv = s.advancing;
  for (let k = 0; k < adv.length; k++) {
    const m = adv[k];
    const w = m.wasm;
    if (w === null || w.advance === null) m.mechanism.advance!(m.instance, ctx);
    else {
      w.prepare(ctx);
      w.advance();
    }
  }
  return bad;
}
