/** Measurements on recorded traces shared by the signature tests (nothing here is a reference value). */

export interface Width {
  /** Baseline: the value at `tBase_ms` (the last sample before it). */
  base: number;
  peak: number;
  peak_t: number;
  /** Time between the crossings of base + (peak − base)/2 around the peak (linearly interpolated). */
  width: number;
}

/** Full width at half amplitude of the largest excursion above the value at `tBase_ms`. */
export function halfWidth(t: Float64Array, v: Float64Array, tBase_ms: number): Width {
  let ib = 0;
  while (ib + 1 < t.length && t[ib + 1] <= tBase_ms) ib++;
  const base = v[ib];
  let ip = ib;
  for (let i = ib; i < v.length; i++) if (v[i] > v[ip]) ip = i;
  const peak = v[ip];
  const half = base + (peak - base) / 2;
  let a = ip;
  while (a > ib && v[a - 1] > half) a--;
  let z = ip;
  while (z + 1 < v.length && v[z + 1] > half) z++;
  // interpolate the two crossings
  const ta = a > 0 ? t[a - 1] + ((half - v[a - 1]) / (v[a] - v[a - 1])) * (t[a] - t[a - 1]) : t[a];
  const tz = z + 1 < v.length ? t[z] + ((v[z] - half) / (v[z] - v[z + 1])) * (t[z + 1] - t[z]) : t[z];
  return { base, peak, peak_t: t[ip], width: tz - ta };
}

/** Time spent above `level` (sum of step lengths whose end sample is above it). */
export function timeAbove(t: Float64Array, v: Float64Array, level: number): number {
  let s = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > level) s += t[i] - t[i - 1];
  return s;
}
