/**
 * Impedance from a stimulus and its response (what NEURON's Impedance class gives analytically,
 * here measured): Z(f) = V̂(f)/Î(f), the ratio of the discrete-time Fourier transforms of the
 * voltage deflection and the injected current. For a linear cell starting at rest and a record
 * that lasts until the response has died away, V = h ∗ I holds exactly over the record, so the
 * ratio is the cell's transfer function at any frequency where the stimulus has power (no windowing,
 * no leakage). Evaluated directly at the requested frequencies (O(samples × frequencies)).
 *
 * Units: V in mV, I in nA, so Z in MΩ.
 */

export interface ImpedanceSpectrum {
  f_Hz: number[];
  /** |Z| (MΩ). */
  mag_Mohm: number[];
  /** arg Z (rad); negative: the voltage lags the current. */
  phase_rad: number[];
  re_Mohm: number[];
  im_Mohm: number[];
}

/** DTFT of x (baseline removed) at frequency f: Σ x[n]·e^(−iωn·dt), t in ms. */
function dtft(x: ArrayLike<number>, base: number, f_Hz: number, dt_ms: number, t0_ms: number): [number, number] {
  const w = (2 * Math.PI * f_Hz * dt_ms) / 1000;
  // rotate with a recurrence (one complex multiply per sample); resynchronise every 1024 samples
  let re = 0, im = 0;
  const cw = Math.cos(w), sw = Math.sin(w);
  let c = 1, s = 0;
  for (let n = 0; n < x.length; n++) {
    if ((n & 1023) === 0) {
      c = Math.cos(w * n);
      s = Math.sin(w * n);
    }
    const v = x[n] - base;
    re += v * c;
    im -= v * s;
    const c2 = c * cw - s * sw;
    s = s * cw + c * sw;
    c = c2;
  }
  // the samples of x sit at t0 + n·dt: a common phase shift e^(−iω·t0)
  const ph = (-2 * Math.PI * f_Hz * t0_ms) / 1000;
  return [re * Math.cos(ph) - im * Math.sin(ph), re * Math.sin(ph) + im * Math.cos(ph)];
}

/**
 * Z(f) from a current `i_nA` (sampled at t_i0 + n·dt) and a voltage `v_mV` (sampled at t_v0 + n·dt).
 * The voltage's baseline is its first sample (rest), the current's is 0.
 */
export function impedanceSpectrum(
  i_nA: ArrayLike<number>, v_mV: ArrayLike<number>, dt_ms: number, f_Hz: readonly number[], t_i0_ms = 0, t_v0_ms = 0,
): ImpedanceSpectrum {
  const out: ImpedanceSpectrum = { f_Hz: [...f_Hz], mag_Mohm: [], phase_rad: [], re_Mohm: [], im_Mohm: [] };
  const v0 = v_mV[0];
  for (const f of f_Hz) {
    const [ir, ii] = dtft(i_nA, 0, f, dt_ms, t_i0_ms);
    const [vr, vi] = dtft(v_mV, v0, f, dt_ms, t_v0_ms);
    const d = ir * ir + ii * ii;
    const re = (vr * ir + vi * ii) / d, im = (vi * ir - vr * ii) / d;
    out.re_Mohm.push(re);
    out.im_Mohm.push(im);
    out.mag_Mohm.push(Math.hypot(re, im));
    out.phase_rad.push(Math.atan2(im, re));
  }
  return out;
}

/** n frequencies spaced evenly on a log axis from lo to hi (inclusive). */
export function logFrequencies(lo_Hz: number, hi_Hz: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => lo_Hz * Math.pow(hi_Hz / lo_Hz, n === 1 ? 0 : k / (n - 1)));
}

/** The frequency where |Z| first falls to 1/√2 of |Z| at the lowest frequency (log-interpolated); NaN if never. */
export function cutoffFrequency(s: ImpedanceSpectrum): number {
  const ref = s.mag_Mohm[0] / Math.SQRT2;
  for (let k = 1; k < s.f_Hz.length; k++) {
    if (s.mag_Mohm[k] <= ref && s.mag_Mohm[k - 1] > ref) {
      const a = Math.log(s.mag_Mohm[k - 1] / ref) / Math.log(s.mag_Mohm[k - 1] / s.mag_Mohm[k]);
      return Math.exp(Math.log(s.f_Hz[k - 1]) + a * Math.log(s.f_Hz[k] / s.f_Hz[k - 1]));
    }
  }
  return NaN;
}

// ---------------------------------------------------------------- passive cable, analytic

/** Complex numbers as [re, im]. */
export type Complex = [number, number];
const cmul = (a: Complex, b: Complex): Complex => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const cdiv = (a: Complex, b: Complex): Complex => {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};
const cadd = (a: Complex, b: Complex): Complex => [a[0] + b[0], a[1] + b[1]];
const csqrt = (a: Complex): Complex => {
  const r = Math.hypot(a[0], a[1]);
  const re = Math.sqrt((r + a[0]) / 2);
  const im = Math.sign(a[1] || 1) * Math.sqrt(Math.max(0, (r - a[0]) / 2));
  return [re, im];
};
const ccosh = (a: Complex): Complex => [Math.cosh(a[0]) * Math.cos(a[1]), Math.sinh(a[0]) * Math.sin(a[1])];
const csinh = (a: Complex): Complex => [Math.sinh(a[0]) * Math.cos(a[1]), Math.cosh(a[0]) * Math.sin(a[1])];

/** A ball (lumped soma) and a sealed cylindrical stick, passive. */
export interface BallAndStick {
  soma_area_um2: number;
  length_um: number;
  diam_um: number;
  Rm_ohm_cm2: number;
  Ri_ohm_cm: number;
  Cm_uF_cm2: number;
}

/**
 * Impedances (MΩ, complex) of a ball and stick at frequency f: input at the soma, input at the
 * stick's tip, and the transfer between them (equal both ways). Cable equation per unit length:
 * series resistance r_a = 4Ri/(πd²), membrane admittance y_m = πd(1/Rm + iωCm); γ = √(r_a·y_m),
 * characteristic admittance Y0 = √(y_m/r_a); the stick seen from the soma end Y0·tanh(γℓ).
 */
export function ballAndStickImpedance(c: BallAndStick, f_Hz: number): { zSoma: Complex; zTip: Complex; zTransfer: Complex } {
  const w = 2 * Math.PI * f_Hz;
  const d = c.diam_um * 1e-4, l = c.length_um * 1e-4; // cm
  const ym: Complex = [(Math.PI * d) / c.Rm_ohm_cm2, Math.PI * d * w * c.Cm_uF_cm2 * 1e-6]; // S/cm
  const ra = (4 * c.Ri_ohm_cm) / (Math.PI * d * d); // Ω/cm
  const gamma = csqrt([ym[0] * ra, ym[1] * ra]); // 1/cm
  const Y0 = csqrt([ym[0] / ra, ym[1] / ra]); // S
  const gl: Complex = [gamma[0] * l, gamma[1] * l];
  const ch = ccosh(gl), sh = csinh(gl);
  const th = cdiv(sh, ch);
  const A = c.soma_area_um2 * 1e-8;
  const Ys: Complex = [A / c.Rm_ohm_cm2, A * w * c.Cm_uF_cm2 * 1e-6];
  const Yin = cadd(Ys, cmul(Y0, th));
  const toM = (z: Complex): Complex => [z[0] / 1e6, z[1] / 1e6];
  const zSoma = cdiv([1, 0], Yin);
  // V(x) = V0·(cosh γ(ℓ−x))/cosh γℓ for soma injection: transfer = Z_soma / cosh γℓ
  const zTransfer = cdiv(zSoma, ch);
  // from the tip: the stick ends on the soma's admittance Ys
  const Ytip = cmul(Y0, cdiv(cadd(Ys, cmul(Y0, th)), cadd(Y0, cmul(Ys, th))));
  const zTip = cdiv([1, 0], Ytip);
  return { zSoma: toM(zSoma), zTip: toM(zTip), zTransfer: toM(zTransfer) };
}
