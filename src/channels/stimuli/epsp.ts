import { exp } from '../exp.ts';
import { instanceStorage, type Mechanism, type MechanismContext, type MechanismInstance, type InstanceInit } from '../mechanism.ts';
import { pointScale } from './common.ts';

/**
 * Hay et al. 2011's `epsp` (ModelDB 139653 `mod/epsp.mod`): a point current with a
 * double-exponential time course, NONSPECIFIC_CURRENT (negative i depolarises, as in NEURON):
 *   tpeak = tau0·tau1·ln(tau0/tau1)/(tau0 − tau1), adjust = 1/((1 − e(−tpeak/tau0)) − (1 − e(−tpeak/tau1))),
 *   amp = adjust·imax, i = 0 for t < onset, else −amp·((1 − e(−(t − onset)/tau0)) − (1 − e(−(t − onset)/tau1))),
 * with e(x) = 0 for x < −100, exp(x) otherwise, t the mid-step time. With tau0 < tau1 the current
 * peaks at −imax at t = onset + tpeak. Its conductance is exactly 0.
 */
export interface EpspInstance extends MechanismInstance {
  readonly onset: Float64Array;
  readonly tau0: Float64Array;
  readonly tau1: Float64Array;
  readonly imax: Float64Array;
  readonly i: Float64Array;
  readonly scale: Float64Array;
  /** adjust·imax, from the params at initialisation. */
  readonly amp: Float64Array;
}

function myexp(x: number): number {
  return x < -100 ? 0 : exp(x);
}

/** Time of the peak after onset, ms (tau0 ≠ tau1). */
export function epspPeakTime(tau0: number, tau1: number): number {
  return (tau0 * tau1 * Math.log(tau0 / tau1)) / (tau0 - tau1);
}

export const epsp: Mechanism<EpspInstance> = {
  description: {
    name: 'epsp',
    kind: 'point',
    summary: "Hay et al. 2011's double-exponential EPSP-like current, peak −imax (negative depolarises)",
    source: 'ModelDB 139653 mod/epsp.mod (Hay et al. 2011)',
    // nrnivmodl numbers compiled mechanisms after the built-ins; 37 in the Hay/Gidon build of
    // fixtures/neuron/channels. Only rounding depends on it.
    order: 37,
    params: [
      { name: 'onset', unit: 'ms', default: 0, description: 'start of the current' },
      { name: 'tau0', unit: 'ms', default: 0.2, min: 1e-9, description: 'rise time constant' },
      { name: 'tau1', unit: 'ms', default: 3.0, min: 1e-9, description: 'decay time constant' },
      { name: 'imax', unit: 'nA', default: 0, description: 'peak current magnitude' },
    ],
    globals: [],
    states: [],
    assigned: [{ name: 'i', unit: 'nA', description: 'current (NONSPECIFIC_CURRENT: negative depolarises)' }],
    ions: [],
    electrode: false,
    constantConductance: true, // its conductance is 0
  },

  instantiate(init: InstanceInit): EpspInstance {
    const st = instanceStorage(init);
    const count = init.nodes.length;
    const { onset, tau0, tau1, imax } = init.params;
    const i = st.f64(count);
    return {
      count, nodes: init.nodes, onset, tau0, tau1, imax, i, scale: pointScale(init),
      amp: st.f64(count), vars: { onset, tau0, tau1, imax, i },
    };
  },

  initialize(inst: EpspInstance): void {
    inst.i.fill(0);
    for (let k = 0; k < inst.count; k++) {
      const tau0 = inst.tau0[k];
      const tau1 = inst.tau1[k];
      const tpeak = (tau0 * tau1 * Math.log(tau0 / tau1)) / (tau0 - tau1);
      const adjust = 1 / ((1 - myexp(-tpeak / tau0)) - (1 - myexp(-tpeak / tau1)));
      inst.amp[k] = adjust * inst.imax[k];
    }
  },

  current(inst: EpspInstance, ctx: MechanismContext): void {
    const { nodes, onset, tau0, tau1, amp, i: iOut, scale, count } = inst;
    const t = ctx.t;
    const rhs = ctx.rhs;
    for (let k = 0; k < count; k++) {
      let ik = 0;
      if (!(t < onset[k])) {
        const a0 = 1 - myexp(-(t - onset[k]) / tau0[k]);
        const a1 = 1 - myexp(-(t - onset[k]) / tau1[k]);
        ik = -amp[k] * (a0 - a1);
      }
      iOut[k] = ik;
      // NONSPECIFIC_CURRENT: rhs −= i·100/area; the conductance (i(v + 0.001) − i(v))/0.001 is 0.
      rhs[nodes[k]] -= ik * scale[k];
    }
  },
};
