import { instanceStorage, type Mechanism, type MechanismContext, type MechanismInstance, type InstanceInit } from '../mechanism.ts';
import { INJECTED_CURRENT, pointScale } from './common.ts';
import { uniformGenerator } from '../random.ts';

/**
 * Gaussian noise current (point process, ELECTRODE_CURRENT): while del ≤ t < del + dur,
 * i = mean + std·z_k with k = floor((t − del)/interval), held constant over each interval;
 * 0 outside the window. t is the mid-step time.
 *
 * The values z_0, z_1, … (n = ceil(dur/interval) of them) are made once, at instantiation, by
 * `gaussianSequence(seed, n)`: the same seed always gives the same current, on every platform.
 * Instances with the same seed get the same noise; give each its own seed for independent noise.
 */

/** Largest table one instance may ask for (8 bytes each). */
export const NOISE_MAX_VALUES = 10_000_000;

/**
 * Standard normal deviates from a 32-bit seed: uniforms from `uniformGenerator(seed)`
 * (../random.ts), Box–Muller on pairs: r = sqrt(−2·ln(1 − u1)), z_2m = r·cos(2π·u2),
 * z_2m+1 = r·sin(2π·u2).
 */
export function gaussianSequence(seed: number, n: number): Float64Array {
  const uniform = uniformGenerator(seed);
  const out = new Float64Array(n);
  for (let m = 0; m < n; m += 2) {
    const u1 = uniform();
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(1 - u1));
    out[m] = r * Math.cos(2 * Math.PI * u2);
    if (m + 1 < n) out[m + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** Number of held values for a window of `dur` ms sampled every `interval` ms (at least 1). */
export function noiseCount(dur: number, interval: number): number {
  return Math.max(1, Math.ceil(dur / interval));
}

export interface INoiseInstance extends MechanismInstance {
  readonly del: Float64Array;
  readonly dur: Float64Array;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly seed: Float64Array;
  readonly interval: Float64Array;
  readonly i: Float64Array;
  readonly scale: Float64Array;
  /** The currents of every instance, one after the other: instance k at offset[k], count[k] values. */
  readonly values: Float64Array;
  readonly offset: Int32Array;
  readonly nValues: Int32Array;
}

export const inoise: Mechanism<INoiseInstance> = {
  description: {
    name: 'INoise',
    kind: 'point',
    summary: 'Gaussian current noise (mean, std), a new value every interval, reproducible from a seed',
    source: 'Dendrite',
    order: 7,
    params: [
      { name: 'del', unit: 'ms', default: 0, description: 'onset' },
      { name: 'dur', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration' },
      { name: 'mean', unit: 'nA', default: 0, description: 'mean current' },
      { name: 'std', unit: 'nA', default: 0, min: 0, description: 'standard deviation' },
      { name: 'seed', unit: '1', default: 0, min: 0, max: 4294967295, description: 'seed of the random sequence (integer)' },
      { name: 'interval', unit: 'ms', default: 0.025, min: 1e-9, max: 1e9, description: 'how long each value is held' },
    ],
    globals: [],
    states: [],
    assigned: [INJECTED_CURRENT],
    ions: [],
    electrode: true,
    constantConductance: true, // its conductance is 0
  },

  instantiate(init: InstanceInit): INoiseInstance {
    const st = instanceStorage(init);
    const count = init.nodes.length;
    const { del, dur, mean, std, seed, interval } = init.params;
    const offset = st.i32(count);
    const nValues = st.i32(count);
    let total = 0;
    for (let k = 0; k < count; k++) {
      const n = noiseCount(dur[k], interval[k]);
      if (!(n <= NOISE_MAX_VALUES)) {
        throw new RangeError(`INoise instance ${k}: dur/interval gives ${n} values, more than ${NOISE_MAX_VALUES}; use a longer interval`);
      }
      if (!Number.isInteger(seed[k])) throw new RangeError(`INoise instance ${k}: seed ${seed[k]} is not an integer`);
      offset[k] = total;
      nValues[k] = n;
      total += n;
    }
    const values = st.f64(total);
    for (let k = 0; k < count; k++) {
      const z = gaussianSequence(seed[k], nValues[k]);
      for (let m = 0; m < z.length; m++) values[offset[k] + m] = mean[k] + std[k] * z[m];
    }
    const i = st.f64(count);
    return {
      count, nodes: init.nodes, del, dur, mean, std, seed, interval, i,
      scale: pointScale(init), values, offset, nValues,
      vars: { del, dur, mean, std, seed, interval, i },
    };
  },

  initialize(inst: INoiseInstance): void {
    inst.i.fill(0);
  },

  current(inst: INoiseInstance, ctx: MechanismContext): void {
    const { nodes, del, dur, interval, values, offset, nValues, i: iOut, scale, count } = inst;
    const t = ctx.t;
    const rhs = ctx.rhs;
    for (let k = 0; k < count; k++) {
      let ik = 0;
      if (t < del[k] + dur[k] && t >= del[k]) {
        let m = Math.floor((t - del[k]) / interval[k]);
        if (m >= nValues[k]) m = nValues[k] - 1;
        ik = values[offset[k] + m];
      }
      iOut[k] = ik;
      rhs[nodes[k]] += ik * scale[k];
    }
  },
};
