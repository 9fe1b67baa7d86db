import { instanceStorage, type Mechanism, type MechanismContext, type MechanismInstance, type InstanceInit } from '../mechanism.ts';
import { INJECTED_CURRENT, pointScale } from './common.ts';

/**
 * Current ramp (point process, ELECTRODE_CURRENT like IClamp): while del ≤ t < del + dur,
 * i = amp0 + (amp1 − amp0)·((t − del)/dur); 0 otherwise. t is the mid-step time, as for IClamp
 * (../shared/neuron-numerics.md §5), so this is what NEURON gives for an IClamp (del, dur) whose
 * amp is Vector.play-ed continuously from amp0 at del to amp1 at del + dur (up to rounding).
 */
export interface IRampInstance extends MechanismInstance {
  readonly del: Float64Array;
  readonly dur: Float64Array;
  readonly amp0: Float64Array;
  readonly amp1: Float64Array;
  readonly i: Float64Array;
  readonly scale: Float64Array;
}

export const iramp: Mechanism<IRampInstance> = {
  description: {
    name: 'IRamp',
    kind: 'point',
    summary: 'linear current ramp from amp0 to amp1 over [del, del + dur) (positive depolarises)',
    source: 'Dendrite; NEURON equivalent: IClamp with amp played by Vector.play (continuous)',
    order: 7,
    params: [
      { name: 'del', unit: 'ms', default: 0, description: 'onset' },
      { name: 'dur', unit: 'ms', default: 1, min: 1e-12, max: 1e9, description: 'duration' },
      { name: 'amp0', unit: 'nA', default: 0, description: 'amplitude at onset' },
      { name: 'amp1', unit: 'nA', default: 0, description: 'amplitude reached at del + dur' },
    ],
    globals: [],
    states: [],
    assigned: [INJECTED_CURRENT],
    ions: [],
    electrode: true,
    constantConductance: true, // its conductance is 0
  },

  instantiate(init: InstanceInit): IRampInstance {
    const st = instanceStorage(init);
    const { del, dur, amp0, amp1 } = init.params;
    const i = st.f64(init.nodes.length);
    return {
      count: init.nodes.length, nodes: init.nodes, del, dur, amp0, amp1, i,
      scale: pointScale(init), vars: { del, dur, amp0, amp1, i },
    };
  },

  initialize(inst: IRampInstance): void {
    inst.i.fill(0);
  },

  current(inst: IRampInstance, ctx: MechanismContext): void {
    const { nodes, del, dur, amp0, amp1, i: iOut, scale, count } = inst;
    const t = ctx.t;
    const rhs = ctx.rhs;
    for (let k = 0; k < count; k++) {
      const a = amp0[k];
      const ik = t < del[k] + dur[k] && t >= del[k] ? a + (amp1[k] - a) * ((t - del[k]) / dur[k]) : 0;
      iOut[k] = ik;
      rhs[nodes[k]] += ik * scale[k];
    }
  },
};
