import { describe, expect, it } from 'vitest';
import { sampleIndices, spikeTimes, spikeTimesAP, traceFeatures, unitKey } from '../../src/protocol/analysis.ts';
import { countSteps } from '../../src/solvers/index.ts';

/** NEURON's accumulated t: two half-step additions per step. */
function neuronTimes(dt: number, tstop: number): Float64Array {
  const n = countSteps(dt, tstop);
  const t = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) t[k] = t[k - 1] + 0.5 * dt + 0.5 * dt;
  return t;
}

describe('sampling at record_dt as NEURON Vector.record(&x, Dt)', () => {
  it('drops the last sample when rounding puts it past the final step (neuron-numerics §8)', () => {
    const t = neuronTimes(0.025, 1);
    const s = sampleIndices(t, 0.025, 0.1);
    expect(s.t_ms.length).toBe(10); // NEURON records 10 samples, not 11
    expect(Array.from(s.index)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
  });
  it('every step when record_dt equals dt', () => {
    const t = neuronTimes(0.025, 2);
    const s = sampleIndices(t, 0.025, 0.025);
    expect(s.index.length).toBeGreaterThanOrEqual(t.length - 1);
    for (let k = 0; k < s.index.length; k++) expect(Math.abs(t[s.index[k]] - s.t_ms[k])).toBeLessThanOrEqual(0.0125);
  });
  it('each sample is the first step within dt/2 of its time', () => {
    const t = neuronTimes(0.025, 10);
    const s = sampleIndices(t, 0.025, 0.33);
    for (let k = 0; k < s.index.length; k++) {
      const j = s.index[k];
      expect(s.t_ms[k]).toBeLessThanOrEqual(t[j] + 0.0125);
      if (j > 0) expect(s.t_ms[k]).toBeGreaterThan(t[j - 1] + 0.0125);
    }
  });
});

describe('spike times', () => {
  it('interpolates upward crossings only', () => {
    const t = Float64Array.from([0, 1, 2, 3, 4, 5, 6]);
    const v = Float64Array.from([-70, -30, 10, 30, -10, -40, 0]);
    expect(spikeTimes(t, v, -20)).toEqual([1.25, 5 + 20 / 40]);
    expect(spikeTimes(t, v, 40)).toEqual([]);
  });
  it('a value exactly at threshold counts once', () => {
    const t = Float64Array.from([0, 1, 2, 3]);
    const v = Float64Array.from([-30, -20, -20, -10]);
    expect(spikeTimes(t, v, -20)).toEqual([1]);
  });
});

describe('action potentials among the crossings', () => {
  const t = Float64Array.from({ length: 801 }, (_, k) => k * 0.05);
  it('a fast, narrow spike counts, at the interpolated crossing time', () => {
    // rest −65, rises at 100 mV/ms from 5 ms to +25 at 5.9 ms, falls back by 7 ms
    const v = Float64Array.from(t, (x) => (x < 5 ? -65 : x < 5.9 ? -65 + 100 * (x - 5) : x < 7 ? 25 - 90 * ((x - 5.9) / 1.1) : -65));
    expect(spikeTimesAP(t, v, -20)).toEqual(spikeTimes(t, v, -20));
    expect(spikeTimesAP(t, v, -20).length).toBe(1);
  });
  it('a slow creep past the threshold (5 mV/ms) does not', () => {
    const v = Float64Array.from(t, (x) => (x < 5 ? -65 : x < 16 ? -65 + 5 * (x - 5) : -65));
    expect(spikeTimes(t, v, -20).length).toBe(1);
    expect(spikeTimesAP(t, v, -20)).toEqual([]);
  });
  it('a fast rise that stays up (a plateau, a strong step) does not; one that falls within 10 ms does', () => {
    const plateau = Float64Array.from(t, (x) => (x < 5 ? -65 : x < 5.5 ? -65 + 100 * (x - 5) : x < 30 ? -15 : -65));
    expect(spikeTimes(t, plateau, -20).length).toBe(1);
    expect(spikeTimesAP(t, plateau, -20)).toEqual([]);
    const brief = Float64Array.from(t, (x) => (x < 5 ? -65 : x < 5.5 ? -65 + 100 * (x - 5) : x < 12 ? -15 : -65));
    expect(spikeTimesAP(t, brief, -20).length).toBe(1);
  });
  it('a grazing crossing (peak < 5 mV above threshold) does not', () => {
    const v = Float64Array.from(t, (x) => (x < 5 ? -65 : x < 5.5 ? -65 + 100 * (x - 5) : x < 6 ? -17 : -65));
    expect(spikeTimes(t, v, -20).length).toBe(1);
    expect(spikeTimesAP(t, v, -20)).toEqual([]);
  });
  it('a late peak (rise > 5 ms after the crossing) does not', () => {
    const v = Float64Array.from(t, (x) => (x < 5 ? -65 : x < 5.5 ? -65 + 100 * (x - 5) : x < 11 ? -15 + 4 * (x - 5.5) : -65));
    expect(spikeTimesAP(t, v, -20)).toEqual([]);
  });
});

describe('trace features', () => {
  it('rest, peak, minimum, count and latency', () => {
    const t = Float64Array.from({ length: 101 }, (_, k) => k * 0.1);
    const v = Float64Array.from(t, (x) => (x < 5 ? -65 : x < 6 ? -65 + 100 * (x - 5) : -70));
    const spikes = spikeTimes(t, v, -20);
    const f = traceFeatures(t, v, spikes, 5);
    expect(f.rest_mV).toBe(-65);
    expect(f.peak_mV).toBeCloseTo(25, 9);
    expect(f.min_mV).toBe(-70);
    expect(f.spike_count).toBe(1);
    expect(f.first_spike_latency_ms).toBeCloseTo(0.45, 9);
    // no onset: the value at t = 0, named for what it is
    expect(traceFeatures(t, Float64Array.from(t, () => -60), [], null)).toMatchObject({ v_initial_mV: -60, spike_count: 0, first_spike_latency_ms: null });
    expect(traceFeatures(t, Float64Array.from(t, () => -60), [], null)).not.toHaveProperty('rest_mV');
  });
  it('rest is the mean over the last ms before the onset, not the value at t = 0', () => {
    const t = Float64Array.from({ length: 101 }, (_, k) => k * 0.1);
    // relaxing from v_init −65 towards −70 before the stimulus at 8 ms
    const v = Float64Array.from(t, (x) => -70 + 5 * Math.exp(-x / 2));
    const f = traceFeatures(t, v, [], 8);
    const window = Array.from(t).map((x, k) => [x, v[k]]).filter(([x]) => x >= 7 - 1e-12 && x < 8 - 1e-12).map(([, y]) => y);
    expect(f.rest_mV).toBeCloseTo(window.reduce((a, b) => a + b, 0) / window.length, 12);
    expect(f.rest_mV).toBeLessThan(-69.8);
  });
  it('columns that are not v carry their unit and no spike features', () => {
    const t = Float64Array.from({ length: 11 }, (_, k) => k);
    const c = Float64Array.from(t, (x) => 5e-5 + (x === 6 ? 1e-3 : 0));
    const f = traceFeatures(t, c, null, 3, 'mM');
    expect(f).toEqual({ baseline_mM: 5e-5, peak_mM: 5e-5 + 1e-3, peak_t_ms: 6, min_mM: 5e-5, min_t_ms: 0 });
    expect(Object.keys(traceFeatures(t, c, null, null, 'mA/cm2'))).toEqual(['initial_mA_per_cm2', 'peak_mA_per_cm2', 'peak_t_ms', 'min_mA_per_cm2', 'min_t_ms']);
    expect(unitKey('1')).toBe('');
    expect(Object.keys(traceFeatures(t, c, null, null, '1'))).toEqual(['initial', 'peak', 'peak_t_ms', 'min', 'min_t_ms']);
  });
});
