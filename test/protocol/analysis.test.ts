import { describe, expect, it } from 'vitest';
import { sampleIndices, spikeTimes, traceFeatures } from '../../src/protocol/analysis.ts';
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
    expect(traceFeatures(t, Float64Array.from(t, () => -60), [], null)).toMatchObject({ rest_mV: -60, spike_count: 0, first_spike_latency_ms: null });
  });
});
