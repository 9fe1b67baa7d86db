import { instanceStorage, type Mechanism, type MechanismContext, type MechanismInstance, type InstanceInit } from '../mechanism.ts';
import { INJECTED_CURRENT, pointScale } from './common.ts';

/**
 * Chirp (ZAP) current (point process, ELECTRODE_CURRENT like IClamp): a sine whose frequency sweeps
 * from f0 to f1 over [del, del + dur), i = offset + amp·sin(θ(τ)), τ = (t − del)/1000 s, T = dur/1000 s:
 *
 * - linear sweep (exponential = 0): f(τ) = f0 + (f1 − f0)·τ/T, θ = 2π·(f0·τ + (f1 − f0)·τ²/(2T));
 * - exponential sweep (exponential = 1, f0, f1 > 0): f(τ) = f0·k^(τ/T), k = f1/f0,
 *   θ = 2π·f0·T·(k^(τ/T) − 1)/ln k (the linear form when k = 1).
 *
 * θ(0) = 0: the current starts at `offset` and rises. 0 outside the window (the offset too). t is
 * the mid-step time, as for every stimulus. Used to measure impedance over a band of frequencies in
 * one run (Puil et al. 1986; Hutcheon & Yarom 2000).
 */
export interface IChirpInstance extends MechanismInstance {
  readonly del: Float64Array;
  readonly dur: Float64Array;
  readonly amp: Float64Array;
  readonly f0: Float64Array;
  readonly f1: Float64Array;
  readonly exponential: Float64Array;
  readonly offset: Float64Array;
  readonly i: Float64Array;
  readonly scale: Float64Array;
}

/** Phase θ (rad) at τ seconds into a sweep of T seconds from f0 to f1 Hz. */
export function chirpPhase(tau_s: number, T_s: number, f0: number, f1: number, exponential: boolean): number {
  if (exponential && f0 > 0 && f1 > 0 && f1 !== f0) {
    const lk = Math.log(f1 / f0);
    return (2 * Math.PI * f0 * T_s * Math.expm1((lk * tau_s) / T_s)) / lk;
  }
  return 2 * Math.PI * (f0 * tau_s + ((f1 - f0) * tau_s * tau_s) / (2 * T_s));
}

/** Instantaneous frequency (Hz) τ seconds into the sweep. */
export function chirpFrequency(tau_s: number, T_s: number, f0: number, f1: number, exponential: boolean): number {
  if (exponential && f0 > 0 && f1 > 0) return f0 * Math.pow(f1 / f0, tau_s / T_s);
  return f0 + ((f1 - f0) * tau_s) / T_s;
}

export const ichirp: Mechanism<IChirpInstance> = {
  description: {
    name: 'IChirp',
    kind: 'point',
    summary: 'chirp (ZAP) current offset + amp·sin(θ(t)), frequency swept f0 → f1 (linear or exponential) over [del, del + dur)',
    source: 'Dendrite',
    order: 7,
    params: [
      { name: 'del', unit: 'ms', default: 0, description: 'onset' },
      { name: 'dur', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration of the sweep' },
      { name: 'amp', unit: 'nA', default: 0, description: 'amplitude (half the peak-to-peak)' },
      { name: 'f0', unit: 'Hz', default: 0, min: 0, description: 'frequency at onset' },
      { name: 'f1', unit: 'Hz', default: 0, min: 0, description: 'frequency at the end' },
      { name: 'exponential', unit: '1', default: 0, min: 0, max: 1, description: '1: exponential sweep (f0, f1 > 0), 0: linear' },
      { name: 'offset', unit: 'nA', default: 0, description: 'constant added during the window' },
    ],
    globals: [],
    states: [],
    assigned: [INJECTED_CURRENT],
    ions: [],
    electrode: true,
    constantConductance: true, // its conductance is 0
  },

  instantiate(init: InstanceInit): IChirpInstance {
    const st = instanceStorage(init);
    const count = init.nodes.length;
    const { del, dur, amp, f0, f1, exponential, offset } = init.params;
    const i = st.f64(count);
    return {
      count, nodes: init.nodes, del, dur, amp, f0, f1, exponential, offset, i,
      scale: pointScale(init),
      vars: { del, dur, amp, f0, f1, exponential, offset, i },
    };
  },

  initialize(inst: IChirpInstance): void {
    inst.i.fill(0);
  },

  current(inst: IChirpInstance, ctx: MechanismContext): void {
    const { nodes, del, dur, amp, f0, f1, exponential, offset, i: iOut, scale, count } = inst;
    const t = ctx.t;
    const rhs = ctx.rhs;
    for (let k = 0; k < count; k++) {
      let ik = 0;
      if (t >= del[k] && t < del[k] + dur[k]) {
        ik = offset[k] + amp[k] * Math.sin(chirpPhase((t - del[k]) / 1000, dur[k] / 1000, f0[k], f1[k], exponential[k] >= 0.5));
      }
      iOut[k] = ik;
      rhs[nodes[k]] += ik * scale[k];
    }
  },
};
