/**
 * The CPU backend: float64 structure-of-arrays state and NEURON 8.2's fixed step, written once.
 *
 * Step order (../shared/neuron-numerics.md §5), t_n → t_{n+1}:
 *   1. threshold detection and event delivery (no event sources exist yet);
 *   2. t += dt/2;
 *   3. assemble: zero rhs, d and ion totals; mechanism currents in evaluation order (IClamp sees
 *      t_n + dt/2); capacitance 1e-3·cj·cm on d; axial terms;
 *   4. Hines solve for Δ; v += Δ (backward Euler) or v += 2Δ (Crank–Nicolson);
 *   5. CN only: ion totals i += (di/dv)·Δ;
 *   6. t += dt/2 (t is accumulated, never n·dt);
 *   7. mechanism states advance over dt with the new v;
 *   8. record (done by the run loop).
 * The state arrays are indexed by node; several cells side by side are simply a forest (several
 * roots) in one layout, so the same loops serve a batch.
 */
import type { IonState, Mechanism, MechanismContext, MechanismInstance } from '../channels/mechanism.ts';
import { createIonState } from '../channels/ions.ts';
import { hinesBacksubstituteUpdate, hinesTriangularize } from './hines.ts';
import type { CompiledModel } from './model.ts';

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
}

export function createCpuState(model: CompiledModel): CpuState {
  const { layout } = model;
  const n = layout.nNodes;
  const v = new Float64Array(n);
  const rhs = new Float64Array(n);
  const d = new Float64Array(n);
  const ionByName: Record<string, IonState> = {};
  const ions: IonState[] = [];
  for (const ci of model.ions) {
    const ion = createIonState(ci.name, n);
    ion.e.set(ci.e);
    ionByName[ci.name] = ion;
    ions.push(ion);
  }
  const mechanisms: BoundMechanism[] = model.mechanisms.map((cm) => {
    const needed: Record<string, IonState> = {};
    for (const u of cm.mechanism.description.ions) needed[u.ion] = ionByName[u.ion];
    const params: Record<string, Float64Array> = {};
    for (const [k, arr] of Object.entries(cm.params)) params[k] = arr.slice();
    const instance = cm.mechanism.instantiate({
      nodes: cm.nodes.slice(),
      params,
      globals: { ...cm.globals },
      area_um2: layout.area_um2,
      ions: needed,
    });
    return { mechanism: cm.mechanism, instance };
  });
  const secondOrder = model.method === 'crank_nicolson';
  const cj = secondOrder ? 2.0 / model.dt_ms : 1.0 / model.dt_ms;
  const ctx: MechanismContext = {
    t: 0,
    dt: model.dt_ms,
    celsius: model.celsius,
    v,
    rhs,
    d,
    area_um2: layout.area_um2,
  };
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
    cfac: 0.001 * cj,
    vLimit: model.vLimit_mV,
  };
}

/** Step 3: the matrix and right-hand side from v, states and ctx.t (NEURON `setup_tree_matrix`). */
export function assemble(s: CpuState): void {
  const { parent, a, b, cm, v, rhs, d, cfac } = s;
  rhs.fill(0);
  d.fill(0);
  const ions = s.ions;
  for (let k = 0; k < ions.length; k++) {
    ions[k].i.fill(0);
    ions[k].didv.fill(0);
  }
  const mechs = s.mechanisms;
  const ctx = s.ctx;
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
  const mechs = s.mechanisms;
  for (let k = 0; k < mechs.length; k++) mechs[k].mechanism.initialize(mechs[k].instance, s.ctx);
  assemble(s);
}

/**
 * One fixed step (NEURON `fadvance`). Returns −1, or the first node whose new v is non-finite or
 * beyond ±vLimit (the run loop turns that into an InstabilityError).
 */
export function fixedStep(s: CpuState): number {
  const ctx = s.ctx;
  const half = 0.5 * ctx.dt;
  // 1. (threshold detection / event delivery: nothing to do until event sources exist)
  // 2.
  ctx.t += half;
  // 3.
  assemble(s);
  // 4. (back-substitution and v += Δ or v += 2Δ in one pass)
  const { n, rhs } = s;
  hinesTriangularize(n, s.parent, s.a, s.b, s.d, rhs);
  const bad = hinesBacksubstituteUpdate(n, s.parent, s.b, s.d, rhs, s.v, s.secondOrder ? 2.0 : 1.0, s.vLimit);
  // 5.
  if (s.secondOrder) {
    const ions = s.ions;
    for (let k = 0; k < ions.length; k++) {
      const ii = ions[k].i;
      const g = ions[k].didv;
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
