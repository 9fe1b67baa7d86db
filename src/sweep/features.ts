/**
 * The measures a sweep can take from a probe's trace within a time window. Traces are read as
 * piecewise linear between samples (every integration step), so integrals, crossings and values at
 * a time are exact for that reading. Spike times come from the run itself (src/protocol/run.ts,
 * the probe's spike criterion), never from a second detector.
 */

export interface FeatureInfo {
  name: string;
  /** `unit` of the probe (mV for v, nA for a stimulus current, ...), or a fixed unit. */
  unit: (probeUnit: string) => string;
  /** Options it needs besides the window. */
  needs: readonly ('threshold' | 'at_ms' | 'before_ms')[];
  description: string;
}

const same = (u: string) => u;
const ms = () => 'ms';

export const FEATURES: readonly FeatureInfo[] = [
  { name: 'spike_count', unit: () => '1', needs: [], description: 'spikes in the window (the probe\'s spike criterion)' },
  { name: 'spike_rate', unit: () => 'Hz', needs: [], description: 'spike_count / window length' },
  { name: 'first_spike_latency', unit: ms, needs: [], description: 'first spike in the window minus the window start; empty without spikes' },
  { name: 'isi_mean', unit: ms, needs: [], description: 'mean interspike interval in the window; empty with fewer than 2 spikes' },
  { name: 'isi_cv', unit: () => '1', needs: [], description: 'standard deviation / mean of the intervals (population SD); empty with fewer than 3 spikes' },
  { name: 'peak', unit: same, needs: [], description: 'largest value in the window' },
  { name: 'min', unit: same, needs: [], description: 'smallest value in the window' },
  { name: 'mean', unit: same, needs: [], description: 'time average over the window' },
  { name: 'time_to_peak', unit: ms, needs: [], description: 'time of the largest value minus the window start' },
  { name: 'amplitude', unit: same, needs: [], description: 'peak minus the value at the window start' },
  { name: 'half_width', unit: ms, needs: [], description: 'width of the largest event at half its amplitude above the value at the window start; empty if it does not fall back within the window' },
  { name: 'time_above', unit: ms, needs: ['threshold'], description: 'total time at or above `threshold` (plateau duration)' },
  { name: 'area', unit: (u) => `${u}*ms`, needs: [], description: 'integral of (value − value at the window start) over the window' },
  { name: 'value_at', unit: same, needs: ['at_ms'], description: 'the value at `at_ms`' },
  { name: 'baseline', unit: same, needs: ['before_ms'], description: 'mean over the `span_ms` (default 1 ms) before `before_ms`' },
];

export const FEATURE_NAMES = FEATURES.map((f) => f.name);

export interface TraceView {
  t_ms: Float64Array;
  x: Float64Array;
  spikes_ms: readonly number[];
}

export interface FeatureOptions {
  from_ms: number;
  to_ms: number;
  threshold?: number;
  at_ms?: number;
  before_ms?: number;
  span_ms?: number;
}

/** The trace at time t (linear between samples; clamped to the first and last sample). */
export function valueAt(tr: TraceView, t: number): number {
  const { t_ms, x } = tr;
  const n = t_ms.length;
  if (t <= t_ms[0]) return x[0];
  if (t >= t_ms[n - 1]) return x[n - 1];
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (t_ms[mid] <= t) lo = mid;
    else hi = mid;
  }
  const f = (t - t_ms[lo]) / (t_ms[hi] - t_ms[lo]);
  return x[lo] + f * (x[hi] - x[lo]);
}

/**
 * The trace's vertices in [a, b]: the interpolated value at a, the samples strictly inside, the
 * interpolated value at b. Calls `f(t0, x0, t1, x1)` for each linear piece.
 */
function pieces(tr: TraceView, a: number, b: number, f: (t0: number, x0: number, t1: number, x1: number) => void): void {
  const { t_ms, x } = tr;
  let tp = a;
  let xp = valueAt(tr, a);
  for (let k = 0; k < t_ms.length; k++) {
    if (t_ms[k] <= a) continue;
    if (t_ms[k] >= b) break;
    f(tp, xp, t_ms[k], x[k]);
    tp = t_ms[k];
    xp = x[k];
  }
  if (b > tp) f(tp, xp, b, valueAt(tr, b));
}

function integral(tr: TraceView, a: number, b: number): number {
  let s = 0;
  pieces(tr, a, b, (t0, x0, t1, x1) => { s += 0.5 * (x0 + x1) * (t1 - t0); });
  return s;
}

/** Largest sample (with the interpolated window ends) and its time. */
function extreme(tr: TraceView, a: number, b: number, sign: 1 | -1): { v: number; t: number } {
  let best = sign * valueAt(tr, a), bt = a;
  pieces(tr, a, b, (_t0, _x0, t1, x1) => {
    if (sign * x1 > best) { best = sign * x1; bt = t1; }
  });
  return { v: sign * best, t: bt };
}

function halfWidth(tr: TraceView, a: number, b: number): number | null {
  const base = valueAt(tr, a);
  const pk = extreme(tr, a, b, 1);
  if (!(pk.v > base)) return null;
  const half = base + (pk.v - base) / 2;
  // vertices in the window, as arrays, to walk outwards from the peak
  const ts: number[] = [];
  const xs: number[] = [];
  pieces(tr, a, b, (t0, x0) => { ts.push(t0); xs.push(x0); });
  ts.push(b);
  xs.push(valueAt(tr, b));
  let p = ts.indexOf(pk.t);
  if (p < 0) p = ts.findIndex((t) => t >= pk.t);
  let left: number | null = null;
  for (let k = p; k > 0; k--) {
    if (xs[k - 1] < half) { left = ts[k - 1] + ((half - xs[k - 1]) / (xs[k] - xs[k - 1])) * (ts[k] - ts[k - 1]); break; }
  }
  let right: number | null = null;
  for (let k = p; k < ts.length - 1; k++) {
    if (xs[k + 1] < half) { right = ts[k] + ((xs[k] - half) / (xs[k] - xs[k + 1])) * (ts[k + 1] - ts[k]); break; }
  }
  return left === null || right === null ? null : right - left;
}

function timeAbove(tr: TraceView, a: number, b: number, th: number): number {
  let s = 0;
  pieces(tr, a, b, (t0, x0, t1, x1) => {
    const u0 = x0 >= th, u1 = x1 >= th;
    if (u0 && u1) s += t1 - t0;
    else if (u0 !== u1) {
      const tc = t0 + ((th - x0) / (x1 - x0)) * (t1 - t0);
      s += u0 ? tc - t0 : t1 - tc;
    }
  });
  return s;
}

/** One feature of one trace; null where it is undefined (no spikes for a latency, ...). */
export function computeFeature(feature: string, tr: TraceView, o: FeatureOptions): number | null {
  const a = o.from_ms, b = o.to_ms;
  const spikes = tr.spikes_ms.filter((s) => s >= a && s <= b);
  const isis = spikes.slice(1).map((s, k) => s - spikes[k]);
  switch (feature) {
    case 'spike_count': return spikes.length;
    case 'spike_rate': return (spikes.length / (b - a)) * 1000;
    case 'first_spike_latency': return spikes.length > 0 ? spikes[0] - a : null;
    case 'isi_mean': return isis.length > 0 ? isis.reduce((s, v) => s + v, 0) / isis.length : null;
    case 'isi_cv': {
      if (isis.length < 2) return null;
      const m = isis.reduce((s, v) => s + v, 0) / isis.length;
      const sd = Math.sqrt(isis.reduce((s, v) => s + (v - m) ** 2, 0) / isis.length);
      return sd / m;
    }
    case 'peak': return extreme(tr, a, b, 1).v;
    case 'min': return extreme(tr, a, b, -1).v;
    case 'mean': return b > a ? integral(tr, a, b) / (b - a) : valueAt(tr, a);
    case 'time_to_peak': return extreme(tr, a, b, 1).t - a;
    case 'amplitude': return extreme(tr, a, b, 1).v - valueAt(tr, a);
    case 'half_width': return halfWidth(tr, a, b);
    case 'time_above': return timeAbove(tr, a, b, o.threshold!);
    case 'area': return integral(tr, a, b) - valueAt(tr, a) * (b - a);
    case 'value_at': return valueAt(tr, o.at_ms!);
    case 'baseline': {
      const span = o.span_ms ?? 1;
      const t1 = o.before_ms!;
      const t0 = Math.max(tr.t_ms[0], t1 - span);
      return t1 > t0 ? integral(tr, t0, t1) / (t1 - t0) : valueAt(tr, t1);
    }
    default: throw new Error(`unknown feature ${feature}`);
  }
}
