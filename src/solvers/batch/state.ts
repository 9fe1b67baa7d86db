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
 * Memory and WebAssembly: the arrays the step loop touches (v, rhs, d, the ions' arrays, the
 * solver's coefficients, and every array of a mechanism with a WebAssembly kernel) live in one
 * WebAssembly.Memory owned by the state (./wasm.ts); JavaScript sees them as Float64Array views.
 * The Hines solve runs in WebAssembly SIMD over the variant axis (./wasm-hines.ts), and so do the
 * current and state updates of every density mechanism compiled from a kinetics description or a
 * mechanism file without events and with its rate table off (src/channels/ir/wasm/kernel.ts); they
 * perform the JavaScript kernels' operations in the same order, so results stay bitwise those of
 * single runs. Other mechanisms (hand-written kernels, point processes, synapses, rate tables) run
 * their JavaScript kernels on the views.
 */
import { advanceReversal, createIonState, initializeIon } from '../../channels/ions.ts';
import type { IonState, Mechanism, MechanismContext, MechanismInstance } from '../../channels/mechanism.ts';
import { lowerMechanism, type LoweredMechanism, type UserMechanism } from '../../channels/user/compile.ts';
import { constCount, generateKernels, unsupportedReason, UnsupportedKernelError, type GeneratedKernels } from '../../channels/ir/wasm/kernel.ts';
import type { Fn } from '../../channels/ir/wasm/asm.ts';
import { Arena, createBatchMemory, instantiateBatchModule, type BatchMemory } from './wasm.ts';
import { hinesFunctions } from './wasm-hines.ts';
import { SimulationSpecError } from '../errors.ts';
import type { CompiledModel } from '../model.ts';
import { EventRuntime } from '../events.ts';
import type { BoundMechanism } from '../cpu.ts';
import { batchFactorize } from './hines.ts';

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
    for (let i = 0; i < n; i++) out[i * B + beta] = x === undefined ? fallback : x[i];
  }
  return out;
}

/** [node][batch] from one per-node array per variant. */
function interleave(per: readonly (ArrayLike<number> | undefined)[], n: number, fallback: number): Float64Array {
  const B = per.length;
  const out = new Float64Array(n * B);
  for (let beta = 0; beta < B; beta++) {
    const x = per[beta];
    for (let i = 0; i < n; i++) out[i * B + beta] = x === undefined ? fallback : x[i];
  }
  return out;
}

/** The lowered IR of a use whose current and advance can run as WebAssembly, or null (JavaScript kernels). */
function wasmCandidate(m: Mechanism, globals: Readonly<Record<string, number>>): LoweredMechanism | null {
  const um = m as Partial<UserMechanism>;
  if (um.spec === undefined || typeof um.code !== 'string') return null;
  const spec = um.spec;
  if (spec.rateTable !== undefined && (globals.usetable ?? spec.rateTable.usetable) === 1) return null;
  const low = lowerMechanism(spec);
  return unsupportedReason(low) === null ? low : null;
}

export function createBatchState(models: readonly CompiledModel[]): BatchState {
  checkCompatible(models);
  const m0 = models[0];
  const B = models.length;
  const layout = m0.layout;
  const n = layout.nNodes;
  const nb = n * B;
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

  // 1. Plan the memory.
  const arena = new Arena();
  const at = {
    v: arena.f64(nb), rhs: arena.f64(nb), d: arena.f64(nb), ctxD: linear ? arena.f64(nb) : -1, area: arena.f64(nb),
    fac: linear ? arena.f64(nb) : 0, dinv: linear ? arena.f64(nb) : 0,
    parent: arena.i32(n), a: arena.f64(n), b: arena.f64(n), ab: arena.f64(n), dConst: arena.f64(n),
  };
  // Each ion's node lists (Nernst at finitialize / every step) from one variant's n nodes, expanded
  // to the batch (node i → i·B + β, in that order, as the per-node·variant lists would be).
  const ionNodes = m0.ions.map((ci0) => {
    const one = createIonState(ci0.name, n, ci0.style ? { style: ci0.style } : {});
    const expand = (list: Int32Array | undefined): Int32Array | undefined => {
      if (list === undefined) return undefined;
      const out = new Int32Array(list.length * B);
      for (let k = 0; k < list.length; k++) for (let beta = 0; beta < B; beta++) out[k * B + beta] = list[k] * B + beta;
      return out;
    };
    return { name: one.name, charge: one.charge, nernstInit: expand(one.nernstInit), nernstAdvance: expand(one.nernstAdvance) };
  });
  // Where no mechanism writes a concentration, ci and co keep their initial values for the whole
  // (single) run, so the copies finitialize would restore them from are not kept (16 B per node·variant).
  const ionAt = ionNodes.map((x) => {
    const keep0 = x.nernstAdvance !== undefined;
    return { e: arena.f64(nb), i: arena.f64(nb), didv: arena.f64(nb), ci: arena.f64(nb), co: arena.f64(nb), ci0: keep0 ? arena.f64(nb) : -1, co0: keep0 ? arena.f64(nb) : -1 };
  });
  const plans = m0.mechanisms.map((cm, use) => {
    const low = wasmCandidate(cm.mechanism, cm.globals);
    if (low === null) return null;
    const count = cm.nodes.length * B;
    const vars: Record<string, number> = {};
    for (const p of low.spec.parameters) vars[p.name] = arena.f64(count);
    for (const s of low.spec.states) vars[s.name] = arena.f64(count);
    for (const q of cm.mechanism.description.assigned) vars[q.name] = arena.f64(count);
    return { low, use, vars, nodeRows: arena.i32(cm.nodes.length), consts: arena.f64(constCount(low)) };
  });

  // 2. The memory and its views.
  const mem: BatchMemory = createBatchMemory(arena);
  const v = mem.f64(at.v, nb);
  const rhs = mem.f64(at.rhs, nb);
  const d = mem.f64(at.d, nb);
  const area = mem.f64(at.area, nb);
  for (let i = 0; i < n; i++) area.fill(layout.area_um2[i], i * B, (i + 1) * B);
  const ions: IonState[] = [];
  const ionByName: Record<string, IonState> = {};
  ionNodes.forEach((x, k) => {
    const A = ionAt[k];
    const per = (f: 'e' | 'ci0' | 'co0') => models.map((m) => m.ions[k][f]);
    const e = interleaveInto(mem.f64(A.e, nb), per('e'), n, NaN);
    const ci = interleaveInto(mem.f64(A.ci, nb), per('ci0'), n, NaN);
    const co = interleaveInto(mem.f64(A.co, nb), per('co0'), n, NaN);
    const ion: IonState = {
      name: x.name,
      charge: x.charge,
      e,
      i: mem.f64(A.i, nb),
      didv: mem.f64(A.didv, nb),
      ci,
      co,
      ci0: A.ci0 >= 0 ? copyInto(mem.f64(A.ci0, nb), ci) : undefined,
      co0: A.co0 >= 0 ? copyInto(mem.f64(A.co0, nb), co) : undefined,
      ...(x.nernstInit !== undefined ? { nernstInit: x.nernstInit } : {}),
      ...(x.nernstAdvance !== undefined ? { nernstAdvance: x.nernstAdvance } : {}),
    };
    ions.push(ion);
    ionByName[x.name] = ion;
  });
  const unreadIons = new Set(ions.map((x) => x.name).filter((x) => !totalsRead.has(x)));

  const mechanisms = m0.mechanisms.map((cm, use) => {
    const count = cm.nodes.length;
    const plan = plans[use];
    const nodes = new Int32Array(count * B);
    for (let k = 0; k < count; k++) for (let beta = 0; beta < B; beta++) nodes[k * B + beta] = cm.nodes[k] * B + beta;
    const params: Record<string, Float64Array> = {};
    for (const name of Object.keys(cm.params)) {
      const x = interleave(models.map((m) => m.mechanisms[use].params[name]), count, NaN);
      if (plan !== null && plan.vars[name] !== undefined) {
        params[name] = mem.f64(plan.vars[name], count * B);
        params[name].set(x);
      } else params[name] = x;
    }
    const needed: Record<string, IonState> = {};
    for (const u of cm.mechanism.description.ions) needed[u.ion] = ionByName[u.ion];
    const instance = cm.mechanism.instantiate({
      nodes,
      params,
      globals: { ...cm.globals },
      area_um2: area,
      ions: needed,
      unread: {
        vars: new Set(cm.mechanism.description.assigned.map((q) => q.name).filter((name) => !readVars(use).has(name))),
        ionTotals: unreadIons,
      },
    });
    if (plan !== null) {
      // The compiled kernels read inst.vars[name] at every call: states and stored quantities move to the memory.
      const vars = instance.vars as Record<string, Float64Array>;
      for (const [name, where] of Object.entries(plan.vars)) if (vars[name] !== params[name]) vars[name] = mem.f64(where, count * B);
      mem.i32(plan.nodeRows, count).set(cm.nodes.map((x) => x * B * 8));
    }
    return { cm, plan, instance };
  });

  // 3. Kernels and the module.
  const fns: Fn[] = [];
  const generated = mechanisms.map(({ cm, plan }, use): GeneratedKernels | null => {
    if (plan === null) return null;
    const ionsAt: Record<string, number> = {};
    m0.ions.forEach((x, k) => {
      for (const f of ['e', 'i', 'didv', 'ci', 'co'] as const) ionsAt[`${x.name}.${f}`] = ionAt[k][f];
    });
    try {
      const g = generateKernels(plan.low, {
        B, count: cm.nodes.length, nodeRows: plan.nodeRows, v: at.v, rhs: at.rhs, d: linear ? at.ctxD : at.d,
        vars: plan.vars, ions: ionsAt, consts: plan.consts, storeVars: readVars(use), storeIonTotals: totalsRead,
      }, `m${use}`);
      fns.push(...g.fns);
      return g;
    } catch (e) {
      if (e instanceof UnsupportedKernelError) return null;
      throw e;
    }
  });
  fns.push(...hinesFunctions({ n, B, parent: at.parent, a: at.a, b: at.b, ab: at.ab, dConst: at.dConst, v: at.v, rhs: at.rhs, d: at.d, fac: at.fac, dinv: at.dinv }));
  const ex = instantiateBatchModule(mem, fns);

  mem.i32(at.parent, n).set(layout.parent);
  const a = mem.f64(at.a, n);
  a.set(m0.a);
  const b = mem.f64(at.b, n);
  b.set(m0.b);
  const ab = mem.f64(at.ab, n);
  for (let i = 0; i < n; i++) ab[i] = m0.a[i] * m0.b[i];
  const secondOrder = m0.method === 'crank_nicolson';
  const cfac = 0.001 * (secondOrder ? 2.0 / m0.dt_ms : 1.0 / m0.dt_ms);
  const dConst = mem.f64(at.dConst, n);
  for (let i = 0; i < n; i++) dConst[i] = cfac * layout.cm_uF_per_cm2[i] - m0.b[i];
  for (let i = 0; i < n; i++) if (layout.parent[i] >= 0) dConst[layout.parent[i]] -= m0.a[i];

  const bound: BatchBound[] = mechanisms.map(({ cm, instance }, use) => {
    const g = generated[use];
    if (g === null) return { mechanism: cm.mechanism, instance, wasm: null };
    const globals = (instance as unknown as { globals: Readonly<Record<string, number>> }).globals;
    const F = mem.F;
    const prepare = g.prepare;
    const current = ex[g.current.name] as () => void;
    const advance = g.advance === null ? null : (ex[g.advance.name] as () => void);
    return { mechanism: cm.mechanism, instance, wasm: { prepare: (ctx: MechanismContext) => prepare(F, globals, ctx), current, advance } };
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
  const ctx: MechanismContext = { t: 0, dt: m0.dt_ms, celsius: m0.celsius, v, rhs, d: linear ? mem.f64(at.ctxD, nb) : d, area_um2: area };
  const engine: BatchEngine = {
    memory: mem.memory,
    fillD: ex.fill_d as () => void,
    triangularize: ex.triangularize as () => void,
    eliminate: (ex.eliminate ?? (() => {
      throw new Error('internal: eliminate on a nonlinear batch');
    })) as () => void,
    backsubstitute: ex.backsubstitute as (dinv: number, factor: number, limit: number) => number,
    dAt: at.d,
    dinvAt: at.dinv,
  };
  return {
    n,
    B,
    parent: layout.parent,
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
    fac: linear ? mem.f64(at.fac, nb) : new Float64Array(0),
    dinv: linear ? mem.f64(at.dinv, nb) : new Float64Array(0),
    vLimit: m0.vLimit_mV,
    events,
    detectorView,
    detectorNodes: models.map((m) => (m.events ? m.events.detectorNode : null)),
    engine,
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
  for (const m of s.mechanisms) m.mechanism.initialize(m.instance, ctx);
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
