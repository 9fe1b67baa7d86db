/**
 * What we compute from recorded traces: NEURON-style sampling at an interval, spike times
 * (upward threshold crossings that are action potentials, linearly interpolated) and per-probe
 * summary features named with their column's unit.
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

/**
 * Upward crossings of `threshold` (v[k-1] < θ ≤ v[k]), time linearly interpolated between samples.
 * Every crossing, as NEURON's APCount counts them; `spikeTimesAP` keeps only action potentials.
 */
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

/**
 * When an upward threshold crossing is an action potential (docs/protocol.md, "Spikes"):
 * - from the crossing until v falls back below the threshold, v peaks at least `min_height_mV`
 *   above the threshold, within `max_rise_ms` of the crossing;
 * - dV/dt (between consecutive samples, from the sample before the crossing up to the peak)
 *   reaches `min_slope_mV_per_ms` somewhere on the way;
 * - v falls back below the threshold within `max_width_ms` of the crossing (a trace that ends
 *   sooner is not held against it).
 * Patterned on the Allen Institute's IPFX spike detector (dV/dt ≥ 20 mV/ms onset, peak within 5 ms,
 * ≥ 2 mV high) plus a width limit: a depolarisation that creeps past the threshold (a current step
 * into a passive cell) fails the slope or rise-time test, one that stays up (a plateau, a depolarisation
 * block, a passive cell under a strong step) fails the width test.
 */
export interface SpikeCriterion {
  min_height_mV: number;
  max_rise_ms: number;
  min_slope_mV_per_ms: number;
  max_width_ms: number;
}

export const SPIKE_CRITERION: SpikeCriterion = { min_height_mV: 5, max_rise_ms: 5, min_slope_mV_per_ms: 10, max_width_ms: 10 };

/** How a probe counts spikes: action potentials only (default) or every upward crossing (APCount). */
export const SPIKE_RULES = ['action_potential', 'crossing'] as const;
export type SpikeRule = (typeof SPIKE_RULES)[number];

/**
 * The upward crossings of `threshold` that are action potentials by `criterion`, each at its
 * interpolated crossing time (the same times `spikeTimes` gives for them).
 */
export function spikeTimesAP(t_ms: Float64Array, v: Float64Array, threshold_mV: number, criterion: SpikeCriterion = SPIKE_CRITERION): number[] {
  const out: number[] = [];
  const n = v.length;
  let k = 1;
  while (k < n) {
    const a = v[k - 1];
    const b = v[k];
    if (!(a < threshold_mV && b >= threshold_mV)) {
      k++;
      continue;
    }
    const tc = t_ms[k - 1] + ((threshold_mV - a) / (b - a)) * (t_ms[k] - t_ms[k - 1]);
    let peak = b;
    let peakT = t_ms[k];
    let slope = (b - a) / (t_ms[k] - t_ms[k - 1]);
    let slopeAtPeak = slope;
    let j = k + 1;
    for (; j < n && v[j] >= threshold_mV; j++) {
      const s = (v[j] - v[j - 1]) / (t_ms[j] - t_ms[j - 1]);
      if (s > slope) slope = s;
      if (v[j] > peak) {
        peak = v[j];
        peakT = t_ms[j];
        slopeAtPeak = slope;
      }
    }
    // back below at step j (interpolated); a trace that ends above the threshold is given the benefit
    const width = j < n ? t_ms[j - 1] + ((v[j - 1] - threshold_mV) / (v[j - 1] - v[j])) * (t_ms[j] - t_ms[j - 1]) - tc : 0;
    if (peak - threshold_mV >= criterion.min_height_mV && peakT - tc <= criterion.max_rise_ms && slopeAtPeak >= criterion.min_slope_mV_per_ms && width <= criterion.max_width_ms) out.push(tc);
    k = j;
  }
  return out;
}

/** Spike times of a voltage trace by `rule`. */
export function detectSpikes(t_ms: Float64Array, v: Float64Array, threshold_mV: number, rule: SpikeRule = 'action_potential'): number[] {
  return rule === 'crossing' ? spikeTimes(t_ms, v, threshold_mV) : spikeTimesAP(t_ms, v, threshold_mV);
}

/**
 * Summary features of one column, named with the column's unit (`unitKey`):
 * - the membrane potential (`spikes` given): `rest_mV` (mean over the last ms before the first
 *   onset: stimulus or synaptic event) or, with no onset after t = 0, `v_initial_mV` (the value
 *   at t = 0); `peak_mV`, `peak_t_ms`, `min_mV`, `min_t_ms`, `spike_count`,
 *   `first_spike_latency_ms` (first spike minus the first onset, from t = 0 without one; null
 *   without spikes);
 * - any other column (`spikes` null), e.g. mM: `baseline_mM` (or `initial_mM`), `peak_mM`,
 *   `peak_t_ms`, `min_mM`, `min_t_ms`.
 */
export type TraceFeatures = Record<string, number | null>;

/** A unit as a key suffix: "mA/cm2" → "mA_per_cm2", "1" (dimensionless) → "". */
export function unitKey(unit: string): string {
  if (unit === '1' || unit === '') return '';
  return unit.replace(/\//g, '_per_').replace(/\^/g, '').replace(/[^A-Za-z0-9_]/g, '_');
}

function named(base: string, unit: string): string {
  const u = unitKey(unit);
  return u === '' ? base : `${base}_${u}`;
}

/**
 * Features of one column. `spikes`: the spike times of a membrane-potential column, null for any
 * other column. `firstOnset_ms`: the first stimulus onset or synaptic event, null when there is none.
 */
export function traceFeatures(t_ms: Float64Array, v: Float64Array, spikes: number[] | null, firstOnset_ms: number | null, unit = 'mV'): TraceFeatures {
  let peak = -Infinity, peakT = 0, min = Infinity, minT = 0;
  for (let k = 0; k < v.length; k++) {
    if (v[k] > peak) { peak = v[k]; peakT = t_ms[k]; }
    if (v[k] < min) { min = v[k]; minT = t_ms[k]; }
  }
  let rest: number | null = null;
  if (firstOnset_ms !== null && firstOnset_ms > 0) {
    let sum = 0, n = 0;
    for (let k = 0; k < v.length && t_ms[k] < firstOnset_ms; k++) {
      if (t_ms[k] >= firstOnset_ms - 1) { sum += v[k]; n++; }
    }
    if (n > 0) rest = sum / n;
  }
  const voltage = spikes !== null;
  const out: TraceFeatures = {};
  if (rest !== null) out[voltage ? 'rest_mV' : named('baseline', unit)] = rest;
  else out[voltage ? 'v_initial_mV' : named('initial', unit)] = v[0];
  out[named('peak', unit)] = peak;
  out.peak_t_ms = peakT;
  out[named('min', unit)] = min;
  out.min_t_ms = minT;
  if (spikes !== null) {
    out.spike_count = spikes.length;
    out.first_spike_latency_ms = spikes.length > 0 ? spikes[0] - (firstOnset_ms ?? 0) : null;
  }
  return out;
}
