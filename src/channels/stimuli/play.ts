import { instanceStorage, type Mechanism, type MechanismContext, type MechanismInstance, type InstanceInit, type MechanismDescription } from '../mechanism.ts';
import { INJECTED_CURRENT, pointScale } from './common.ts';

/**
 * A current waveform played into the cell (point process, ELECTRODE_CURRENT): NEURON's
 * continuous `Vector.play(&IClamp.amp, tvec, 1)` into an always-on IClamp, with one difference
 * outside the waveform (below).
 *
 * Waveform w is a list of points (t_j, i_j), t non-decreasing, at least two points; instance k
 * plays waveform `wave[k]` shifted by `del[k]`: with T_j = t_j + del, at the mid-step time t
 * - T_0 ≤ t ≤ T_last: the linear interpolant, in NEURON's arithmetic: for T_{j−1} ≤ t < T_j,
 *   i = i_{j−1} + (i_j − i_{j−1})·((t − T_{j−1})/(T_j − T_{j−1})), found by NEURON's cursor search
 *   (a repeated time makes a step: the later point wins from that time on); at t = T_last the
 *   last interval with weight 1;
 * - t < T_0 or t > T_last: **0** (the waveform is off). NEURON holds i_0 before T_0 and keeps
 *   extrapolating the last interval after T_last; a waveform that starts at 0 and ends with two
 *   points at 0 behaves the same in both.
 *
 * The waveforms are data, not parameters: `createPlayedCurrent(waveforms)` makes the mechanism
 * for one set of them (the protocol builder does this per simulation); the catalogue's `IPlay`
 * has none.
 */
export interface Waveform {
  readonly t_ms: Float64Array;
  readonly i_nA: Float64Array;
}

export interface IPlayInstance extends MechanismInstance {
  readonly del: Float64Array;
  readonly wave: Float64Array;
  readonly i: Float64Array;
  readonly scale: Float64Array;
  /** Per instance: shifted times T (t + del) and the values. */
  readonly times: Float64Array[];
  readonly values: Float64Array[];
  /** NEURON's last_index_ per instance. */
  readonly cursor: Int32Array;
}

function describe(n: number): MechanismDescription {
  return {
    name: 'IPlay',
    kind: 'point',
    summary: 'a current waveform (time, current) played with linear interpolation; 0 outside it',
    source: "Dendrite; NEURON equivalent: Vector.play(&IClamp.amp, tvec, 1) (continuous)",
    order: 7,
    params: [
      { name: 'del', unit: 'ms', default: 0, description: 'shift of the waveform times' },
      { name: 'wave', unit: '1', default: 0, min: 0, max: Math.max(0, n - 1), description: 'index of the waveform' },
    ],
    globals: [],
    states: [],
    assigned: [INJECTED_CURRENT],
    ions: [],
    electrode: true,
    constantConductance: true, // its conductance is 0
  };
}

export function checkWaveform(w: Waveform): string | null {
  const n = w.t_ms.length;
  if (n < 2) return `needs at least 2 points, has ${n}`;
  if (w.i_nA.length !== n) return `has ${n} times but ${w.i_nA.length} values`;
  for (let j = 0; j < n; j++) {
    if (!Number.isFinite(w.t_ms[j]) || !Number.isFinite(w.i_nA[j])) return `point ${j} is not finite`;
    if (j > 0 && w.t_ms[j] < w.t_ms[j - 1]) return `time goes backwards at point ${j} (${w.t_ms[j]} after ${w.t_ms[j - 1]})`;
  }
  return null;
}

/** The IPlay mechanism for a given list of waveforms (instances select one with `wave`). */
export function createPlayedCurrent(waveforms: readonly Waveform[]): Mechanism<IPlayInstance> {
  for (let w = 0; w < waveforms.length; w++) {
    const bad = checkWaveform(waveforms[w]);
    if (bad !== null) throw new RangeError(`IPlay waveform ${w} ${bad}`);
  }
  return {
    description: describe(waveforms.length),

    instantiate(init: InstanceInit): IPlayInstance {
      const st = instanceStorage(init);
      const count = init.nodes.length;
      const { del, wave } = init.params;
      const times: Float64Array[] = [];
      const values: Float64Array[] = [];
      for (let k = 0; k < count; k++) {
        const w = waveforms[wave[k]];
        if (!Number.isInteger(wave[k]) || w === undefined) {
          throw new RangeError(`IPlay instance ${k}: no waveform ${wave[k]} (${waveforms.length} given)`);
        }
        const T = st.f64(w.t_ms.length);
        for (let j = 0; j < T.length; j++) T[j] = w.t_ms[j] + del[k];
        times.push(T);
        values.push(w.i_nA);
      }
      const i = st.f64(count);
      return {
        count, nodes: init.nodes, del, wave, i, scale: pointScale(init),
        times, values, cursor: st.i32(count), vars: { del, wave, i },
      };
    },

    initialize(inst: IPlayInstance): void {
      inst.i.fill(0);
      inst.cursor.fill(0);
    },

    current(inst: IPlayInstance, ctx: MechanismContext): void {
      const { nodes, times, values, cursor, i: iOut, scale, count } = inst;
      const t = ctx.t;
      const rhs = ctx.rhs;
      for (let k = 0; k < count; k++) {
        const T = times[k];
        const Y = values[k];
        const last = T.length - 1;
        let ik = 0;
        if (t >= T[0] && t <= T[last]) {
          let c: number;
          if (t >= T[last]) {
            c = last;
          } else if (t <= T[0]) {
            c = -1;
            ik = Y[0];
          } else {
            c = cursor[k];
            while (t < T[c]) c--;
            while (t >= T[c]) c++;
          }
          if (c >= 0) {
            cursor[k] = c;
            const t0 = T[c - 1];
            const t1 = T[c];
            const x0 = Y[c - 1];
            const x1 = Y[c];
            ik = t0 === t1 ? (x0 + x1) / 2 : x0 + (x1 - x0) * ((t - t0) / (t1 - t0));
          } else {
            cursor[k] = 0;
          }
        }
        iOut[k] = ik;
        rhs[nodes[k]] += ik * scale[k];
      }
    },
  };
}

/** IPlay without waveforms, for catalogue listings. */
export const iplay: Mechanism<IPlayInstance> = createPlayedCurrent([]);
