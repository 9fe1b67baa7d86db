import { instanceStorage, type Mechanism, type MechanismContext, type MechanismInstance, type InstanceInit } from '../mechanism.ts';
import { INJECTED_CURRENT, pointScale } from './common.ts';

/**
 * Sinusoidal current (point process, ELECTRODE_CURRENT like IClamp): while del ≤ t < del + dur,
 * i = offset + amp·sin(2π·freq·(t − del)/1000 + phase·π/180), t in ms at mid-step, freq in Hz,
 * phase in degrees; 0 outside that window (the offset too).
 */
export interface ISineInstance extends MechanismInstance {
  readonly del: Float64Array;
  readonly dur: Float64Array;
  readonly amp: Float64Array;
  readonly offset: Float64Array;
  readonly i: Float64Array;
  readonly scale: Float64Array;
  /** 2π·freq/1000 (rad/ms) and phase in radians, from the params at initialisation. */
  readonly omega: Float64Array;
  readonly phi: Float64Array;
  readonly freq: Float64Array;
  readonly phase: Float64Array;
}

export const isine: Mechanism<ISineInstance> = {
  description: {
    name: 'ISine',
    kind: 'point',
    summary: 'sinusoidal current offset + amp·sin(2π·freq·(t − del) + phase) over [del, del + dur)',
    source: 'Dendrite',
    order: 7,
    params: [
      { name: 'del', unit: 'ms', default: 0, description: 'onset' },
      { name: 'dur', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration' },
      { name: 'amp', unit: 'nA', default: 0, description: 'amplitude (half the peak-to-peak)' },
      { name: 'freq', unit: 'Hz', default: 0, min: 0, description: 'frequency' },
      { name: 'phase', unit: 'deg', default: 0, description: 'phase at onset' },
      { name: 'offset', unit: 'nA', default: 0, description: 'constant added during the window' },
    ],
    globals: [],
    states: [],
    assigned: [INJECTED_CURRENT],
    ions: [],
    electrode: true,
    constantConductance: true, // its conductance is 0
  },

  instantiate(init: InstanceInit): ISineInstance {
    const st = instanceStorage(init);
    const count = init.nodes.length;
    const { del, dur, amp, freq, phase, offset } = init.params;
    const i = st.f64(count);
    return {
      count, nodes: init.nodes, del, dur, amp, offset, freq, phase, i,
      scale: pointScale(init),
      omega: st.f64(count), phi: st.f64(count),
      vars: { del, dur, amp, freq, phase, offset, i },
    };
  },

  initialize(inst: ISineInstance): void {
    inst.i.fill(0);
    for (let k = 0; k < inst.count; k++) {
      inst.omega[k] = (2 * Math.PI * inst.freq[k]) / 1000;
      inst.phi[k] = (inst.phase[k] * Math.PI) / 180;
    }
  },

  current(inst: ISineInstance, ctx: MechanismContext): void {
    const { nodes, del, dur, amp, offset, omega, phi, i: iOut, scale, count } = inst;
    const t = ctx.t;
    const rhs = ctx.rhs;
    for (let k = 0; k < count; k++) {
      const ik = t < del[k] + dur[k] && t >= del[k] ? offset[k] + amp[k] * Math.sin(omega[k] * (t - del[k]) + phi[k]) : 0;
      iOut[k] = ik;
      rhs[nodes[k]] += ik * scale[k];
    }
  },
};
