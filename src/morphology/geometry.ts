/**
 * Geometry of a section from its 3-D points, as NEURON 8.2 computes it
 * (../shared/neuron-geometry.md §7–§8): arc length, segment areas, half-segment resistances and
 * the d_lambda rule. Points are the float32 values NEURON stores.
 */

export interface Points3d {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  d: Float64Array;
}

/** Cumulative arc length at each 3-D point (µm), float32 coordinate differences as NEURON does. */
export function arcLengths(p: Points3d): Float64Array {
  const N = p.x.length;
  const arc = new Float64Array(N);
  for (let k = 1; k < N; k++) {
    const dx = Math.fround(p.x[k] - p.x[k - 1]);
    const dy = Math.fround(p.y[k] - p.y[k - 1]);
    const dz = Math.fround(p.z[k] - p.z[k - 1]);
    arc[k] = arc[k - 1] + Math.sqrt(dx * dx + dy * dy + dz * dz);
  }
  return arc;
}

/** Section length L in µm (the final arc length, floored at 1e-9 µm). */
export function sectionLength(arc: Float64Array): number {
  const L = arc.length > 0 ? arc[arc.length - 1] : 0;
  return L < 1e-9 ? 1e-9 : L;
}

/**
 * Per segment, Ra-independent: membrane area (µm²) and the ∫ds/D² integrals (1/µm) of its left
 * and right halves. Half resistance in MΩ = integral · Ra · 0.04 / π.
 */
export interface SegmentIntegrals {
  nseg: number;
  area_um2: Float64Array;
  left_per_um: Float64Array;
  right_per_um: Float64Array;
}

export function segmentIntegrals(p: Points3d, arc: Float64Array, nseg: number): SegmentIntegrals {
  const N = arc.length;
  const area = new Float64Array(nseg);
  const left = new Float64Array(nseg);
  const right = new Float64Array(nseg);
  const d = (k: number) => Math.abs(p.d[k]);
  const total = arc[N - 1];
  const ds = total / nseg;
  let j = 0; // last consumed point
  let sPrev = 0;
  let dPrev = d(0);
  let aSum = 0;
  let rSum = 0;
  const piece = (s2: number, d2: number) => {
    const delta = Math.max(s2 - sPrev, 1e-15);
    aSum += (dPrev + d2) * Math.sqrt(delta * delta + ((d2 - dPrev) / 2) ** 2);
    const prod = dPrev * d2;
    rSum += prod / delta === 0 ? 1e15 : delta / prod;
    sPrev = s2;
    dPrev = d2;
  };
  const half = (hi: number) => {
    aSum = 0;
    rSum = 0;
    while (j + 1 < N - 1 && arc[j + 1] <= hi) {
      j++;
      piece(arc[j], d(j));
    }
    const gap = arc[j + 1] - arc[j];
    const f = gap < 1e-10 ? 1 : (hi - arc[j]) / gap;
    piece(hi, (1 - f) * d(j) + f * d(j + 1));
  };
  for (let i = 0; i < nseg; i++) {
    const m = i * ds + ds / 2;
    const e = m + ds / 2;
    half(m);
    const aL = aSum;
    left[i] = rSum;
    half(e);
    area[i] = (Math.PI / 2) * (aL + aSum);
    right[i] = rSum;
  }
  return { nseg, area_um2: area, left_per_um: left, right_per_um: right };
}

/** Half-segment resistance in MΩ from an integral of ∫ds/D² (1/µm) and Ra (Ω·cm). */
export function halfResistance_MOhm(integral_per_um: number, Ra_ohm_cm: number): number {
  return (integral_per_um * Ra_ohm_cm * 0.04) / Math.PI;
}

/** NEURON's stdlib `lambda_f(freq)`: the AC length constant in µm from the 3-D points. */
export function lambdaF_um(p: Points3d, arc: Float64Array, freq_Hz: number, Ra_ohm_cm: number, cm_uF_per_cm2: number): number {
  const N = arc.length;
  const L = sectionLength(arc);
  if (N < 2) {
    const diam = Math.abs(p.d[0]);
    return 1e5 * Math.sqrt(diam / (4 * Math.PI * freq_Hz * Ra_ohm_cm * cm_uF_per_cm2));
  }
  let lam = 0;
  for (let k = 1; k < N; k++) {
    lam += (arc[k] - arc[k - 1]) / Math.sqrt(Math.abs(p.d[k - 1]) + Math.abs(p.d[k]));
  }
  lam *= Math.sqrt(2) * 1e-5 * Math.sqrt(4 * Math.PI * freq_Hz * Ra_ohm_cm * cm_uF_per_cm2);
  return L / lam;
}

/** nseg by the d_lambda rule (NEURON's fixnseg.hoc): always odd. */
export function dLambdaNseg(L_um: number, lambda_um: number, dLambda: number): number {
  const v = (L_um / (dLambda * lambda_um) + 0.9) / 2;
  return 2 * Math.trunc(v + 1e-11) + 1;
}
