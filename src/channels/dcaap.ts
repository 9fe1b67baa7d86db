import { exp } from './exp.ts';
import { instanceStorage, type InstanceInit, type Mechanism, type MechanismContext, type MechanismInstance } from './mechanism.ts';

/**
 * dCaAP, the dendritic Ca action potential of Gidon et al. 2020 (Science 367:83; ModelDB 254217,
 * `_mod/dCaAP.mod`, by A. Papoutsi and A. Gidon): a phenomenological density current, not
 * conductance-based. i = −(A − B)·w·K (mA/cm², NONSPECIFIC_CURRENT; it does not depend on v, so its
 * conductance is 0).
 *
 * BEFORE BREAKPOINT (`beforeBreakpoint`, at the start of every current evaluation: t = t_n + dt/2
 * with v = v_n, and once in finitialize with t = 0, v = v_init):
 *   1. if t ≥ t_dCaAP + refract_period and v > vth and w > 0: t_dCaAP = t, A = 0.001, B = 0,
 *      K = exp(((−(v − vth))/(vth − vrest))/D), K = 1 if K > 1, dcaap_count += 1;
 *   2. then, if B == 0 exactly and t ≥ t_dCaAP + sigma_diff and w > 0: B = 0.001.
 * K, set from the overshoot v − vth at the trigger, is what makes a stronger input give a smaller
 * dCaAP: with a sustained input the mechanism retriggers after refract_period at a higher v.
 *
 * States: nocmodl linearises A′ = A(1 − A)/tauA for cnexp with a = ∂f/∂A at the current A and
 * b = f(0) = 0, emitting A ← A + (1 − exp(dt·((1·(1 − A) + A·(−1))/tauA)))·(−A); the same for B
 * with tauB (fixtures/neuron/channels/NOTES.md §6). This is not the logistic equation: A and B
 * settle at 0.5, not 1. We implement the emitted update, which is what NEURON computes.
 *
 * INITIAL: A = B = 0, K = 0, t_dCaAP = −refract_period, dcaap_count = 0.
 *
 * Defaults: every PARAMETER of the .mod file except w is 0 there (tauA = 0 divides by zero), so the
 * defaults here are Gidon's `add_dcaap` values from Fig3andS9/xor.hoc: vth −36 mV, D 0.3,
 * vrest −75 mV, refract_period 200 ms, sigma_diff 21 ms, tauA 3 ms, tauB 0.4 ms; w 0 as in the
 * .mod file (0 disables the mechanism; Gidon sets w in one segment only).
 */
export interface DcaapInstance extends MechanismInstance {
  readonly w: Float64Array;
  readonly vth: Float64Array;
  readonly D: Float64Array;
  readonly vrest: Float64Array;
  readonly refract_period: Float64Array;
  readonly sigma_diff: Float64Array;
  readonly tauA: Float64Array;
  readonly tauB: Float64Array;
  readonly A: Float64Array;
  readonly B: Float64Array;
  readonly K: Float64Array;
  readonly t_dCaAP: Float64Array;
  readonly dcaap_count: Float64Array;
  readonly i: Float64Array;
}

export const dcaap: Mechanism<DcaapInstance> = {
  description: {
    name: 'dCaAP',
    kind: 'density',
    summary: 'dendritic Ca action potential (phenomenological): amplitude falls as v overshoots vth at the trigger',
    source: 'Gidon et al. 2020, Science 367:83 (ModelDB 254217, _mod/dCaAP.mod; defaults from Fig3andS9/xor.hoc)',
    order: 36,
    params: [
      { name: 'w', unit: 'mA/cm2', default: 0, description: 'peak current scale; 0 disables the mechanism' },
      { name: 'vth', unit: 'mV', default: -36, description: 'trigger threshold' },
      { name: 'D', unit: '1', default: 0.3, min: 1e-12, description: 'decay of K with the overshoot, K = exp(−(v − vth)/(vth − vrest)/D)' },
      { name: 'vrest', unit: 'mV', default: -75, description: 'normalises the overshoot (vth − vrest)' },
      { name: 'refract_period', unit: 'ms', default: 200, min: 0, description: 'no new dCaAP until this long after the last trigger' },
      { name: 'sigma_diff', unit: 'ms', default: 21, min: 0, description: 'delay from the trigger to the start of B (the repolarising gate)' },
      { name: 'tauA', unit: 'ms', default: 3, min: 1e-12, description: 'time constant of A' },
      { name: 'tauB', unit: 'ms', default: 0.4, min: 1e-12, description: 'time constant of B' },
    ],
    globals: [],
    states: [
      { name: 'A', unit: '1', description: 'depolarising gate' },
      { name: 'B', unit: '1', description: 'repolarising gate' },
    ],
    assigned: [
      { name: 'i', unit: 'mA/cm2', description: 'dCaAP current (negative depolarises)' },
      { name: 'K', unit: '1', description: 'amplitude factor set at the last trigger' },
      { name: 't_dCaAP', unit: 'ms', description: 'time of the last trigger' },
      { name: 'dcaap_count', unit: '1', description: 'number of triggers' },
    ],
    ions: [],
    electrode: false,
  },

  instantiate(init: InstanceInit): DcaapInstance {
    const count = init.nodes.length;
    const p = init.params;
    const st = instanceStorage(init);
    const arr = () => st.f64(count);
    const A = arr();
    const B = arr();
    const K = arr();
    const t_dCaAP = arr();
    const dcaap_count = arr();
    const i = arr();
    const { w, vth, D, vrest, refract_period, sigma_diff, tauA, tauB } = p;
    return {
      count, nodes: init.nodes, w, vth, D, vrest, refract_period, sigma_diff, tauA, tauB, A, B, K, t_dCaAP, dcaap_count, i,
      vars: { w, vth, D, vrest, refract_period, sigma_diff, tauA, tauB, A, B, K, t_dCaAP, dcaap_count, i },
    };
  },

  initialize(inst: DcaapInstance): void {
    inst.A.fill(0);
    inst.B.fill(0);
    inst.K.fill(0);
    inst.dcaap_count.fill(0);
    inst.i.fill(0);
    for (let k = 0; k < inst.count; k++) inst.t_dCaAP[k] = -inst.refract_period[k];
  },

  beforeBreakpoint(inst: DcaapInstance, ctx: MechanismContext): void {
    const { nodes, w, vth, D, vrest, refract_period, sigma_diff, A, B, K, t_dCaAP, dcaap_count, count } = inst;
    const t = ctx.t;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      if (!(w[k] > 0)) continue;
      const vk = v[nodes[k]];
      if (t >= t_dCaAP[k] + refract_period[k] && vk > vth[k]) {
        t_dCaAP[k] = t;
        A[k] = 0.001;
        B[k] = 0;
        let kk = exp(-(vk - vth[k]) / (vth[k] - vrest[k]) / D[k]);
        if (kk > 1) kk = 1;
        K[k] = kk;
        dcaap_count[k] += 1;
      }
      if (B[k] === 0 && t >= t_dCaAP[k] + sigma_diff[k]) B[k] = 0.001;
    }
  },

  current(inst: DcaapInstance, ctx: MechanismContext): void {
    const { nodes, w, A, B, K, i: iOut, count } = inst;
    const rhs = ctx.rhs;
    for (let k = 0; k < count; k++) {
      const ik = -(A[k] - B[k]) * w[k] * K[k];
      iOut[k] = ik;
      // v-independent: the finite-difference conductance is exactly 0, d is unchanged.
      rhs[nodes[k]] -= ik;
    }
  },

  advance(inst: DcaapInstance, ctx: MechanismContext): void {
    const { A, B, tauA, tauB, count } = inst;
    const dt = ctx.dt;
    for (let k = 0; k < count; k++) {
      const a = A[k];
      A[k] = a + (1.0 - exp(dt * ((1.0 * (1.0 - a) + a * -1.0) / tauA[k]))) * -a;
      const b = B[k];
      B[k] = b + (1.0 - exp(dt * ((1.0 * (1.0 - b) + b * -1.0) / tauB[k]))) * -b;
    }
  },
};
