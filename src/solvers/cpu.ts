/**
 * The CPU backend: float64 structure-of-arrays state and NEURON 8.2's fixed step, written once.
 *
 * Step order (../shared/neuron-numerics.md §5), t_n → t_{n+1}:
 *   1. threshold detection and event delivery (events.ts);
 *   2. t += dt/2;
 *   3. assemble: zero rhs, d and ion totals; mechanism currents in evaluation order (IClamp sees
 *      t_n + dt/2); capacitance 1e-3·cj·cm on d; axial terms;
 *   4. Hines solve for Δ; v += Δ (backward Euler) or v += 2Δ (Crank–Nicolson);
 *   5. CN only: ion totals i += (di/dv)·Δ;
 *   6. t += dt/2 (t is accumulated, never n·dt);
 *   7. mechanism states advance over dt with the new v;
 *   8. record (done by the run loop);
 *   9. events due at t <= t_{n+1} (`events.endStep`, called by the run loop after recording).
 * Every current evaluation starts with the mechanisms' BEFORE BREAKPOINT blocks.
 * The state arrays are indexed by node; several cells side by side are simply a forest (several
 * roots) in one layout, so the same loops serve a batch.
 *
 * The backend owns the state's storage: one SlabStorage (./storage.ts) per state holds the per-node
 * arrays (v, rhs, d, the ions' arrays, the solver's coefficients) and every mechanism's
 * per-instance arrays (parameters copied in by the engine, the rest allocated by `instantiate`
 * through `InstanceInit.storage`); `storage.bytes` is the state's size.
 */
import type { IonState, Mechanism, MechanismContext, MechanismInstance } from '../channels/mechanism.ts';
import { advanceReversal, createIonState, initializeIon } from '../channels/ions.ts';
import {
  hinesAxialEliminate,
  hinesAxialTriangularize,
  hinesBacksubstituteInv,
  hinesFactorize,
} from './hines.ts';
import type { CompiledModel } from './model.ts';
import { EventRuntime } from './events.ts';
import { slabBytesFor, SlabStorage, storedCopy, storedCopyI32 } from './storage.ts';

export interface BoundMechanism {
  readonly mechanism: Mechanism;
  readonly instance: MechanismInstance;
}

export interface CpuState {
  readonly n: number;
  readonly parent: Int32Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly cm: Float64Array;
  readonly v: Float64Array;
  readonly rhs: Float64Array;
  readonly d: Float64Array;
  readonly mechanisms: readonly BoundMechanism[];
  /** Only the mechanisms that have states to advance. */
  readonly advancing: readonly BoundMechanism[];
  readonly ions: readonly IonState[];
  readonly ctx: MechanismContext;
  readonly secondOrder: boolean;
  /** 1e-3·cj with cj = 1/dt (BE) or 2/dt (CN), NEURON's `cfac`. */
  readonly cfac: number;
  readonly vLimit: number;
  /**
   * The bound `fixedStep` checks |v| against: the warning bound (model `vWarn_mV`) until a step
   * exceeds it, then `vLimit` (the run loop raises it). Checking costs nothing extra: the
   * back-substitution compares every new v with a bound anyway.
   */
  vCheck: number;
  /**
   * The part of the diagonal that never changes: capacitance 1e-3·cj·cm plus the axial terms
   * (−b[i] − Σ_children a[c]). Each step starts from it; mechanisms add their conductances.
   */
  readonly dConst: Float64Array;
  /** a[i]·b[i], for the elimination. */
  readonly ab: Float64Array;
  /**
   * Every mechanism has a constant conductance (e.g. pas + IClamp): the matrix is factorised once in
   * `finitialize` (fac, dinv) and mechanisms write their conductances into `ctx.d`, a scratch array.
   */
  readonly linear: boolean;
  readonly fac: Float64Array;
  readonly dinv: Float64Array;
  /**
   * Ions whose totals (i, didv) someone reads (a probe, or a mechanism reading the ion current):
   * only these are zeroed each step and corrected under CN.
   */
  readonly correctedIons: readonly IonState[];
  /** Mechanisms with a BEFORE BREAKPOINT block, called before every current evaluation. */
  readonly beforeBreakpoint: readonly BoundMechanism[];
  /** Spike sources, threshold detectors and the event queue (null: the model has no connections). */
  readonly events: EventRuntime | null;
  /**
   * Where the arrays above live (except the model's a, b and cm, shared with the compiled model, and
   * tables or scratch a mechanism keeps per use): the per-node arrays and every instance's arrays.
   */
  readonly storage: SlabStorage;
}

export function createCpuState(model: CompiledModel): CpuState {
  const { layout } = model;
  const n = layout.nNodes;
  const storage = new SlabStorage(slabBytesFor(n));
  const v = storage.f64(n);
  const rhs = storage.f64(n);
  const d = storage.f64(n);
  const linear = model.mechanisms.every((m) => m.mechanism.description.constantConductance === true);
  const ctxD = linear ? storage.f64(n) : d;
  const dConst = storage.f64(n);
  const ab = storage.f64(n);
  const fac = storage.f64(linear ? n : 0);
  const dinv = storage.f64(linear ? n : 0);
  const ionByName: Record<string, IonState> = {};
  const ions: IonState[] = [];
  for (const ci of model.ions) {
    const ion = createIonState(ci.name, n, ci, storage);
    ionByName[ci.name] = ion;
    ions.push(ion);
  }
  // Ions whose totals (i, didv) someone reads: a probe, or a mechanism that reads the ion current.
  const totalsRead = new Set<string>();
  for (const p of model.probes) if (p.kind === 'ion' && (p.variable === 'i' || p.variable === 'didv')) totalsRead.add(p.ion);
  for (const cm of model.mechanisms) {
    for (const u of cm.mechanism.description.ions) {
      if (u.read.some((r) => r === 'i' + u.ion || r === 'i' || r === 'di' + u.ion + '_dv')) totalsRead.add(u.ion);
    }
  }
  const unreadIons = new Set(ions.map((x) => x.name).filter((x) => !totalsRead.has(x)));
  const mechanisms: BoundMechanism[] = model.mechanisms.map((cm, use) => {
    const needed: Record<string, IonState> = {};
    for (const u of cm.mechanism.description.ions) needed[u.ion] = ionByName[u.ion];
    const params: Record<string, Float64Array> = {};
    for (const [k, arr] of Object.entries(cm.params)) params[k] = storedCopy(storage, arr);
    const instance = cm.mechanism.instantiate({
      nodes: storedCopyI32(storage, cm.nodes),
      params,
      globals: { ...cm.globals },
      area_um2: layout.area_um2,
      ions: needed,
      storage,
      unread: {
        vars: new Set(
          cm.mechanism.description.assigned
            .map((q) => q.name)
            .filter((name) => !model.probes.some((p) => p.kind === 'mechanism' && p.use === use && p.variable === name)),
        ),
        ionTotals: unreadIons,
      },
    });
    return { mechanism: cm.mechanism, instance };
  });
  const secondOrder = model.method === 'crank_nicolson';
  const cj = secondOrder ? 2.0 / model.dt_ms : 1.0 / model.dt_ms;
  const cfac = 0.001 * cj;
  const ctx: MechanismContext = {
    t: 0,
    dt: model.dt_ms,
    celsius: model.celsius,
    v,
    rhs,
    d: ctxD,
    area_um2: layout.area_um2,
  };
  const cm = layout.cm_uF_per_cm2;
  for (let i = 0; i < n; i++) dConst[i] = cfac * cm[i] - model.b[i];
  for (let i = 0; i < n; i++) if (layout.parent[i] >= 0) dConst[layout.parent[i]] -= model.a[i];
  for (let i = 0; i < n; i++) ab[i] = model.a[i] * model.b[i];
  const correctedIons = ions.filter((ion) => totalsRead.has(ion.name));
  return {
    n,
    parent: layout.parent,
    a: model.a,
    b: model.b,
    cm: layout.cm_uF_per_cm2,
    v,
    rhs,
    d,
    mechanisms,
    advancing: mechanisms.filter((m) => m.mechanism.advance !== undefined),
    ions,
    ctx,
    secondOrder,
    cfac,
    vLimit: model.vLimit_mV,
    vCheck: Math.min(model.vWarn_mV, model.vLimit_mV),
    dConst,
    ab,
    linear,
    fac,
    dinv,
    correctedIons,
    beforeBreakpoint: mechanisms.filter((m) => m.mechanism.beforeBreakpoint !== undefined),
    events: model.events ? new EventRuntime(model.events, mechanisms, v, model.tstop_ms, model.dt_ms) : null,
    storage,
  };
}

/** Step 3: the matrix and right-hand side from v, states and ctx.t (NEURON `setup_tree_matrix`). */
export function assemble(s: CpuState): void {
  const { parent, a, b, cm, v, rhs, d, cfac } = s;
  rhs.fill(0);
  d.fill(0);
  if (s.ctx.d !== d) s.ctx.d.fill(0);
  const ions = s.ions;
  for (let k = 0; k < ions.length; k++) {
    ions[k].i.fill(0);
    ions[k].didv.fill(0);
    advanceReversal(ions[k], s.ctx.celsius);
  }
  const mechs = s.mechanisms;
  const ctx = s.ctx;
  const bb = s.beforeBreakpoint;
  for (let k = 0; k < bb.length; k++) bb[k].mechanism.beforeBreakpoint!(bb[k].instance, ctx);
  for (let k = 0; k < mechs.length; k++) mechs[k].mechanism.current(mechs[k].instance, ctx);
  // Capacitance, then axial terms. Per node this is NEURON's order: its own -b after its
  // capacitance, then each child's -a in increasing child index. (Bounding the loop by an array's
  // own length lets the JIT drop bounds checks; n === v.length.)
  for (let i = 0; i < v.length; i++) {
    d[i] += cfac * cm[i];
    const p = parent[i];
    if (p >= 0) {
      const dv = v[p] - v[i];
      rhs[i] -= b[i] * dv;
      rhs[p] += a[i] * dv;
      d[i] -= b[i];
      d[p] -= a[i];
    }
  }
}

/** NEURON `finitialize(v_init)`: t = 0, v = v_init everywhere, INITIAL blocks, one current evaluation. */
export function finitialize(s: CpuState, vInit: number): void {
  s.ctx.t = 0;
  s.v.fill(vInit);
  for (let k = 0; k < s.ions.length; k++) initializeIon(s.ions[k], s.ctx.celsius);
  const mechs = s.mechanisms;
  for (let k = 0; k < mechs.length; k++) mechs[k].mechanism.initialize(mechs[k].instance, s.ctx);
  // Events due at t <= 0 (after the INITIAL blocks, before the one current evaluation).
  if (s.events !== null) s.events.initialize(s.ctx);
  assemble(s);
  if (s.linear) {
    // The constant matrix: mechanism conductances (in ctx.d from the evaluation above) + dConst.
    const { n, dinv, dConst } = s;
    const dm = s.ctx.d;
    for (let i = 0; i < n; i++) dinv[i] = dm[i] + dConst[i];
    hinesFactorize(n, s.parent, s.a, s.b, dinv, s.fac);
  }
}

/**
 * Where a run blew up, for the error message: the first node whose v is non-finite, else the node
 * with the largest |v| (not merely the first one over the limit, which is usually a neighbour of
 * the place it started).
 */
export function worstNode(v: Float64Array): number {
  let worst = 0;
  let worstAbs = -1;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) return i;
    const ax = Math.abs(x);
    if (ax > worstAbs) {
      worstAbs = ax;
      worst = i;
    }
  }
  return worst;
}

/**
 * One fixed step (NEURON `fadvance`). Returns −1, or the first node whose new v is non-finite or
 * beyond ±vCheck (the run loop turns that into a warning, or beyond vLimit an InstabilityError).
 */
export function fixedStep(s: CpuState): number {
  const ctx = s.ctx;
  const half = 0.5 * ctx.dt;
  // 1. Threshold detection on v(t_n), then events due at t <= t_n + dt/2 (events.ts).
  if (s.events !== null) s.events.beginStep(ctx);
  // 2.
  ctx.t += half;
  // 3. Mechanism currents; the diagonal starts from its constant part. The axial terms are added
  //    inside the elimination below.
  const { n, rhs, d } = s;
  rhs.fill(0);
  if (s.linear) ctx.d.fill(0);
  else d.set(s.dConst);
  const ions = s.ions;
  for (let k = 0; k < ions.length; k++) advanceReversal(ions[k], s.ctx.celsius);
  // Ion totals nobody reads are not zeroed (what mechanisms add to them is never looked at).
  const read = s.correctedIons;
  for (let k = 0; k < read.length; k++) {
    read[k].i.fill(0);
    read[k].didv.fill(0);
  }
  const mechs = s.mechanisms;
  const bb = s.beforeBreakpoint;
  for (let k = 0; k < bb.length; k++) bb[k].mechanism.beforeBreakpoint!(bb[k].instance, ctx);
  for (let k = 0; k < mechs.length; k++) mechs[k].mechanism.current(mechs[k].instance, ctx);
  // 4. Hines solve (back-substitution and v += Δ or v += 2Δ in one pass)
  let dinv: Float64Array;
  if (s.linear) {
    hinesAxialEliminate(n, s.parent, s.a, s.b, s.fac, s.v, rhs);
    dinv = s.dinv;
  } else {
    hinesAxialTriangularize(n, s.parent, s.a, s.b, s.ab, s.v, d, rhs);
    dinv = d;
  }
  const bad = hinesBacksubstituteInv(n, s.parent, s.b, dinv, rhs, s.v, s.secondOrder ? 2.0 : 1.0, s.vCheck);
  // 5. Only for ion totals that something reads after the solve.
  if (s.secondOrder) {
    const ci = s.correctedIons;
    for (let k = 0; k < ci.length; k++) {
      const ii = ci[k].i;
      const g = ci[k].didv;
      for (let i = 0; i < n; i++) ii[i] += g[i] * rhs[i];
    }
  }
  // 6.
  ctx.t += half;
  // 7.
  const adv = s.advancing;
  for (let k = 0; k < adv.length; k++) adv[k].mechanism.advance!(adv[k].instance, ctx);
  return bad;
}
