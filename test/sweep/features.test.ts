import { describe, expect, it } from 'vitest';
import { computeFeature, FEATURES, valueAt, type TraceView } from '../../src/sweep/features.ts';

/** A trace sampled every dt from f. */
function trace(f: (t: number) => number, tstop: number, dt: number, spikes: number[] = []): TraceView {
  const n = Math.round(tstop / dt) + 1;
  const t_ms = Float64Array.from({ length: n }, (_, k) => k * dt);
  return { t_ms, x: t_ms.map(f), spikes_ms: spikes };
}
const win = (from_ms: number, to_ms: number, extra = {}) => ({ from_ms, to_ms, ...extra });

describe('sweep features on analytic traces', () => {
  // a triangle pulse: -70 mV, rising linearly to +30 mV between 20 and 30 ms, back to -70 at 40 ms
  const tri = (t: number) => (t < 20 || t > 40 ? -70 : t <= 30 ? -70 + 10 * (t - 20) : 30 - 10 * (t - 30));
  const T = trace(tri, 100, 0.1);

  it('peak, min, time to peak, amplitude', () => {
    expect(computeFeature('peak', T, win(0, 100))).toBeCloseTo(30, 9);
    expect(computeFeature('min', T, win(0, 100))).toBeCloseTo(-70, 9);
    expect(computeFeature('time_to_peak', T, win(10, 100))).toBeCloseTo(20, 9);
    expect(computeFeature('amplitude', T, win(10, 100))).toBeCloseTo(100, 9);
    // window inside the rising flank: the peak is the interpolated window end
    expect(computeFeature('peak', T, win(0, 25.05))).toBeCloseTo(-19.5, 9);
  });

  it('half width of a triangle is half its base', () => {
    expect(computeFeature('half_width', T, win(0, 100))).toBeCloseTo(10, 9);
    // cut before the fall: undefined
    expect(computeFeature('half_width', T, win(0, 33))).toBeNull();
  });

  it('time above a threshold (plateau duration) of a triangle', () => {
    // above -20 mV from 25 to 35 ms
    expect(computeFeature('time_above', T, win(0, 100, { threshold: -20 }))).toBeCloseTo(10, 9);
    expect(computeFeature('time_above', T, win(0, 100, { threshold: 31 }))).toBe(0);
  });

  it('area and mean: integral of the triangle', () => {
    // area above -70: 1/2 * 20 ms * 100 mV = 1000 mV ms
    expect(computeFeature('area', T, win(0, 100))).toBeCloseTo(1000, 6);
    expect(computeFeature('mean', T, win(0, 100))).toBeCloseTo(-70 + 1000 / 100, 9);
  });

  it('mean of a sine over whole periods is its offset; value at a time', () => {
    const S = trace((t) => -60 + 5 * Math.sin((2 * Math.PI * t) / 10), 100, 0.01);
    expect(computeFeature('mean', S, win(10, 50))).toBeCloseTo(-60, 6);
    expect(computeFeature('value_at', S, win(0, 100, { at_ms: 2.5 }))).toBeCloseTo(-55, 6);
    // linear ramp: the value between samples is interpolated exactly
    const R = trace((t) => 2 * t, 10, 1);
    expect(valueAt(R, 3.25)).toBeCloseTo(6.5, 12);
  });

  it('baseline: mean over the span before a time', () => {
    const R = trace((t) => 2 * t, 100, 0.1);
    expect(computeFeature('baseline', R, win(0, 100, { before_ms: 50 }))).toBeCloseTo(99, 9); // mean of 2t over [49, 50]
    expect(computeFeature('baseline', R, win(0, 100, { before_ms: 50, span_ms: 10 }))).toBeCloseTo(90, 9);
  });

  it('spike count, rate, latency, ISI mean and CV', () => {
    const S = trace(() => -65, 200, 1, [15, 25, 45, 75, 150]);
    expect(computeFeature('spike_count', S, win(10, 110))).toBe(4);
    expect(computeFeature('spike_rate', S, win(10, 110))).toBeCloseTo(40, 12);
    expect(computeFeature('first_spike_latency', S, win(10, 110))).toBeCloseTo(5, 12);
    // intervals 10, 20, 30: mean 20, population SD sqrt(200/3)
    expect(computeFeature('isi_mean', S, win(10, 110))).toBeCloseTo(20, 12);
    expect(computeFeature('isi_cv', S, win(10, 110))).toBeCloseTo(Math.sqrt(200 / 3) / 20, 12);
    expect(computeFeature('first_spike_latency', S, win(160, 200))).toBeNull();
    expect(computeFeature('isi_mean', S, win(140, 200))).toBeNull();
    expect(computeFeature('isi_cv', S, win(10, 30))).toBeNull();
  });

  it('every catalogued feature computes', () => {
    for (const f of FEATURES) {
      const v = computeFeature(f.name, T, win(0, 100, { threshold: 0, at_ms: 5, before_ms: 10 }));
      expect(v === null || Number.isFinite(v)).toBe(true);
    }
  });
});
