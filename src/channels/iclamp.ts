import { instanceStorage, type Mechanism, type MechanismContext, type MechanismInstance, type InstanceInit } from './mechanism.ts';

/**
 * Current clamp, NEURON 8.2 `stim.mod` (point process, ELECTRODE_CURRENT):
 * i = amp while del ≤ t < del + dur, else 0. Evaluated at t_n + dt/2 during a step (numerics §5).
 */
export interface IClampInstance extends MechanismInstance {
  readonly del: Float64Array;
  readonly dur: Float64Array;
  readonly amp: Float64Array;
  readonly i: Float64Array;
  /** 100/area of each instance's node: nA → mA/cm². */
  readonly scale: Float64Array;
}

export const iclamp: Mechanism<IClampInstance> = {
  description: {
    name: 'IClamp',
    kind: 'point',
    summary: 'square current pulse (positive depolarises)',
    source: 'NEURON 8.2 src/nrnoc/stim.mod',
    order: 7,
    params: [
      { name: 'del', unit: 'ms', default: 0, description: 'onset' },
      { name: 'dur', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration' },
      { name: 'amp', unit: 'nA', default: 0, description: 'amplitude' },
    ],
    globals: [],
    states: [],
    assigned: [{ name: 'i', unit: 'nA', description: 'injected current' }],
    ions: [],
    electrode: true,
    constantConductance: true,
  },

  instantiate(init: InstanceInit): IClampInstance {
    const count = init.nodes.length;
    const { del, dur, amp } = init.params;
    const st = instanceStorage(init);
    const i = st.f64(count);
    const scale = st.f64(count);
    for (let k = 0; k < count; k++) scale[k] = 1e2 / init.area_um2[init.nodes[k]];
    return { count, nodes: init.nodes, del, dur, amp, i, scale, vars: { del, dur, amp, i } };
  },

  initialize(inst: IClampInstance): void {
    inst.i.fill(0);
  },

  current(inst: IClampInstance, ctx: MechanismContext): void {
    const { nodes, del, dur, amp, i: iOut, scale, count } = inst;
    const t = ctx.t;
    const rhs = ctx.rhs;
    for (let k = 0; k < count; k++) {
      const ik = t < del[k] + dur[k] && t >= del[k] ? amp[k] : 0;
      iOut[k] = ik;
      // The finite-difference conductance of a v-independent current is exactly 0: d is unchanged.
      rhs[nodes[k]] += ik * scale[k];
    }
  },
};
