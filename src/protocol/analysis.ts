/**
 * What we compute from recorded traces: NEURON-style sampling at an interval, spike times
 * (upward threshold crossings, linearly interpolated) and per-probe summary features.
 */

/**
 * Samples of a trace recorded every step, taken at an interval as NEURON's
 * `Vector.record(&x, Dt)` does (../shared/neuron-numerics.md §8): sample times are accumulated by
 * repeated addition of Dt; the sample for time τ is x at the first step j with τ ≤ t_j + dt/2
 * (at the final step only τ ≤ t_j counts). Returns the indices into the full trace and the times τ.
 */
export function sampleIndices(t_ms: Float64Array, dt_ms: number, recordDt_ms: number): { index: Int32Array; t_ms: Float64Array } {
  const idx: number[] = [];
  const times: number[] = [];
  const last = t_ms.length - 1;
  let tau = 0;
  let j = 0;
  for (;;) {
    while (j < last && !(tau <= t_ms[j] + dt_ms / 2)) j++;
    if (j === last && !(tau <= t_ms[j])) break;
    idx.push(j);
    times.push(tau);
    tau += recordDt_ms;
  }
  return { index: Int32Array.from(idx), t_ms: Float64Array.from(times) };
}

/** Upward crossings of `threshold` (v[k-1] < θ ≤ v[k]), time linearly interpolated between samples. */
export function spikeTimes(t_ms: Float64Array, v: Float64Array, threshold_mV: number): number[] {
  const out: number[] = [];
  for (let k = 1; k < v.length; k++) {
    const a = v[k - 1];
    const b = v[k];
    if (a < threshold_mV && b >= threshold_mV) {
      const f = (threshold_mV - a) / (b - a);
      out.push(t_ms[k - 1] + f * (t_ms[k] - t_ms[k - 1]));
    }
  }
  return out;
}

export interface TraceFeatures {
  /** Mean over the last ms before the first stimulus (or the value at t = 0 without a stimulus or window). */
  rest_mV: number;
  peak_mV: number;
  peak_t_ms: number;
  min_mV: number;
  min_t_ms: number;
  spike_count: number;
  /** First spike time minus the earliest stimulus onset (from t = 0 without stimuli); null without spikes. */
  first_spike_latency_ms: number | null;
}

export function traceFeatures(t_ms: Float64Array, v: Float64Array, spikes: number[], firstOnset_ms: number | null): TraceFeatures {
  let peak = -Infinity, peakT = 0, min = Infinity, minT = 0;
  for (let k = 0; k < v.length; k++) {
    if (v[k] > peak) { peak = v[k]; peakT = t_ms[k]; }
    if (v[k] < min) { min = v[k]; minT = t_ms[k]; }
  }
  let rest = v[0];
  if (firstOnset_ms !== null && firstOnset_ms > 0) {
    let sum = 0, n = 0;
    for (let k = 0; k < v.length && t_ms[k] < firstOnset_ms; k++) {
      if (t_ms[k] >= firstOnset_ms - 1) { sum += v[k]; n++; }
    }
    if (n > 0) rest = sum / n;
  }
  return {
    rest_mV: rest,
    peak_mV: peak,
    peak_t_ms: peakT,
    min_mV: min,
    min_t_ms: minT,
    spike_count: spikes.length,
    first_spike_latency_ms: spikes.length > 0 ? spikes[0] - (firstOnset_ms ?? 0) : null,
  };
}
