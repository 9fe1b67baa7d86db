import { instanceStorage, type Mechanism, type MechanismContext, type MechanismInstance, type InstanceInit } from '../mechanism.ts';
import { INJECTED_CURRENT, pointScale } from './common.ts';

/**
 * A train of `number` square pulses (point process, ELECTRODE_CURRENT): pulse j (0 ≤ j < number)
 * is on while del_j ≤ t < del_j + dur with del_j = del + j·interval, exactly as `number` IClamps
 * with those delays would be (same comparisons, mid-step t). Pulses must not overlap
 * (dur ≤ interval); the step cost does not depend on the number of pulses.
 */
export interface IPulseTrainInstance extends MechanismInstance {
  readonly del: Float64Array;
  readonly number: Float64Array;
  readonly interval: Float64Array;
  readonly dur: Float64Array;
  readonly amp: Float64Array;
  readonly i: Float64Array;
  readonly scale: Float64Array;
}

export const ipulsetrain: Mechanism<IPulseTrainInstance> = {
  description: {
    name: 'IPulseTrain',
    kind: 'point',
    summary: 'train of square current pulses, as one IClamp per pulse at del + j·interval',
    source: 'Dendrite; NEURON equivalent: one IClamp per pulse',
    order: 7,
    params: [
      { name: 'del', unit: 'ms', default: 0, description: 'onset of the first pulse' },
      { name: 'number', unit: '1', default: 1, min: 0, max: 1e9, description: 'number of pulses' },
      { name: 'interval', unit: 'ms', default: 1, min: 1e-12, max: 1e9, description: 'onset-to-onset interval' },
      { name: 'dur', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration of each pulse (≤ interval)' },
      { name: 'amp', unit: 'nA', default: 0, description: 'amplitude of each pulse' },
    ],
    globals: [],
    states: [],
    assigned: [INJECTED_CURRENT],
    ions: [],
    electrode: true,
    constantConductance: true, // its conductance is 0
  },

  instantiate(init: InstanceInit): IPulseTrainInstance {
    const st = instanceStorage(init);
    const { del, number, interval, dur, amp } = init.params;
    const i = st.f64(init.nodes.length);
    return {
      count: init.nodes.length, nodes: init.nodes, del, number, interval, dur, amp, i,
      scale: pointScale(init), vars: { del, number, interval, dur, amp, i },
    };
  },

  initialize(inst: IPulseTrainInstance): void {
    inst.i.fill(0);
  },

  current(inst: IPulseTrainInstance, ctx: MechanismContext): void {
    const { nodes, del, number, interval, dur, amp, i: iOut, scale, count } = inst;
    const t = ctx.t;
    const rhs = ctx.rhs;
    for (let k = 0; k < count; k++) {
      let ik = 0;
      const d = del[k];
      if (t >= d) {
        const iv = interval[k];
        const n = number[k];
        const j0 = Math.floor((t - d) / iv);
        // the pulse j0 or a neighbour (rounding), tested as that pulse's IClamp would be
        for (let j = j0 - 1; j <= j0 + 1; j++) {
          if (j < 0 || j >= n) continue;
          const dj = d + j * iv;
          if (t < dj + dur[k] && t >= dj) {
            ik = amp[k];
            break;
          }
        }
      }
      iOut[k] = ik;
      rhs[nodes[k]] += ik * scale[k];
    }
  },
};
