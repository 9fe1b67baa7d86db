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
 */
import { advanceReversal, createIonState, initializeIon } from '../../channels/ions.ts';
import type { IonState, Mechanism, MechanismContext, MechanismInstance } from '../../channels/mechanism.ts';
import { SimulationSpecError } from '../errors.ts';
import type { CompiledModel } from '../model.ts';
import { EventRuntime } from '../events.ts';
import type { BoundMechanism } from '../cpu.ts';
import { batchAxialEliminate, batchAxialTriangularize, batchBacksubstitute, batchFactorize } from './hines.ts';

export interface BatchBound {
  readonly mechanism: Mechanism;
  readonly instance: MechanismInstance;
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

export function createBatchState(models: readonly CompiledModel[]): BatchState {
  checkCompatible(models);
  const m0 = models[0];
  const B = models.length;
  const layout = m0.layout;
  const n = layout.nNodes;
  const nb = n * B;
  const v = new Float64Array(nb);
  const rhs = new Float64Array(nb);
  const d = new Float64Array(nb);
  const area = new Float64Array(nb);
  for (let i = 0; i < n; i++) area.fill(layout.area_um2[i], i * B, (i + 1) * B);

  const ions: IonState[] = [];
  const ionByName: Record<string, IonState> = {};
  m0.ions.forEach((ci0, k) => {
    const style = new Uint8Array(nb);
    if (ci0.style) for (let i = 0; i < n; i++) style.fill(ci0.style[i], i * B, (i + 1) * B);
    const full = createIonState(ci0.name, nb, {
      e: interleave(models.map((m) => m.ions[k].e), n, NaN),
      ci0: interleave(models.map((m) => m.ions[k].ci0), n, NaN),
      co0: interleave(models.map((m) => m.ions[k].co0), n, NaN),
      style,
    });
    // Where no mechanism writes a concentration, ci and co keep their initial values for the whole
    // (single) run, so the copies finitialize would restore them from are not kept (16 B per node·variant).
    const ion: IonState = full.nernstAdvance === undefined ? { ...full, ci0: undefined, co0: undefined } : full;
    ions.push(ion);
    ionByName[ci0.name] = ion;
  });
  // Ion totals somebody reads (the cpu backend's rule).
  const totalsRead = new Set<string>();
  for (const p of m0.probes) if (p.kind === 'ion' && (p.variable === 'i' || p.variable === 'didv')) totalsRead.add(p.ion);
  for (const cm of m0.mechanisms) {
    for (const u of cm.mechanism.description.ions) {
      if (u.read.some((r) => r === 'i' + u.ion || r === 'i' || r === 'di' + u.ion + '_dv')) totalsRead.add(u.ion);
    }
  }
  const unreadIons = new Set(ions.map((x) => x.name).filter((x) => !totalsRead.has(x)));

  const mechanisms: BatchBound[] = m0.mechanisms.map((cm, use) => {
    const count = cm.nodes.length;
    const nodes = new Int32Array(count * B);
    for (let k = 0; k < count; k++) for (let beta = 0; beta < B; beta++) nodes[k * B + beta] = cm.nodes[k] * B + beta;
    const params: Record<string, Float64Array> = {};
    for (const name of Object.keys(cm.params)) params[name] = interleave(models.map((m) => m.mechanisms[use].params[name]), count, NaN);
    const needed: Record<string, IonState> = {};
    for (const u of cm.mechanism.description.ions) needed[u.ion] = ionByName[u.ion];
    const instance = cm.mechanism.instantiate({
      nodes,
      params,
      globals: { ...cm.globals },
      area_um2: area,
      ions: needed,
      unread: {
        vars: new Set(
          cm.mechanism.description.assigned
            .map((q) => q.name)
            .filter((name) => !m0.probes.some((p) => p.kind === 'mechanism' && p.use === use && p.variable === name)),
        ),
        ionTotals: unreadIons,
      },
    });
    return { mechanism: cm.mechanism, instance };
  });

  const secondOrder = m0.method === 'crank_nicolson';
  const cfac = 0.001 * (secondOrder ? 2.0 / m0.dt_ms : 1.0 / m0.dt_ms);
  const dConst = new Float64Array(n);
  for (let i = 0; i < n; i++) dConst[i] = cfac * layout.cm_uF_per_cm2[i] - m0.b[i];
  for (let i = 0; i < n; i++) if (layout.parent[i] >= 0) dConst[layout.parent[i]] -= m0.a[i];
  const linear = mechanisms.every((x) => x.mechanism.description.constantConductance === true);
  const detectorView: (Float64Array | null)[] = [];
  const events = models.map((m, beta): EventRuntime | null => {
    if (!m.events) {
      detectorView.push(null);
      return null;
    }
    // NET_RECEIVE of variant β's instance k is the expanded instance k·B + β.
    const targets: BoundMechanism[] = mechanisms.map((bm) => {
      const receive = bm.mechanism.netReceive;
      if (receive === undefined) return bm;
      const mechanism = { ...bm.mechanism, netReceive: (inst: MechanismInstance, k: number, w: number, c: MechanismContext) => receive.call(bm.mechanism, inst, k * B + beta, w, c) };
      return { mechanism, instance: bm.instance };
    });
    const view = new Float64Array(n);
    detectorView.push(view);
    return new EventRuntime(m.events, targets, view, m.tstop_ms, m.dt_ms);
  });
  const ctx: MechanismContext = { t: 0, dt: m0.dt_ms, celsius: m0.celsius, v, rhs, d: linear ? new Float64Array(nb) : d, area_um2: area };
  return {
    n,
    B,
    parent: layout.parent,
    a: m0.a,
    b: m0.b,
    ab: m0.a.map((x, i) => x * m0.b[i]),
    dConst,
    v,
    rhs,
    d,
    vInit: Float64Array.from(models.map((m) => m.v_init_mV)),
    mechanisms,
    advancing: mechanisms.filter((x) => x.mechanism.advance !== undefined),
    beforeBreakpoint: mechanisms.filter((x) => x.mechanism.beforeBreakpoint !== undefined),
    ions,
    correctedIons: ions.filter((x) => totalsRead.has(x.name)),
    ctx,
    secondOrder,
    linear,
    fac: new Float64Array(linear ? nb : 0),
    dinv: new Float64Array(linear ? nb : 0),
    vLimit: m0.vLimit_mV,
    events,
    detectorView,
    detectorNodes: models.map((m) => (m.events ? m.events.detectorNode : null)),
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
  for (const m of s.mechanisms) m.mechanism.current(m.instance, s.ctx);
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
  const { ctx, n, B, rhs, d, dConst } = s;
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
  else {
    for (let i = 0, k = 0; i < n; i++) {
      const di = dConst[i];
      for (let beta = 0; beta < B; beta++) d[k++] = di;
    }
  }
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
  for (let k = 0; k < mechs.length; k++) mechs[k].mechanism.current(mechs[k].instance, ctx);
  let dinv: Float64Array;
  if (s.linear) {
    batchAxialEliminate(n, B, s.parent, s.a, s.b, s.fac, s.v, rhs);
    dinv = s.dinv;
  } else {
    batchAxialTriangularize(n, B, s.parent, s.a, s.b, s.ab, s.v, d, rhs);
    dinv = d;
  }
  const bad = batchBacksubstitute(n, B, s.parent, s.b, dinv, rhs, s.v, s.secondOrder ? 2.0 : 1.0, vCheck);
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
  for (let k = 0; k < adv.length; k++) adv[k].mechanism.advance!(adv[k].instance, ctx);
  return bad;
}
