/**
 * exp(x) with the algorithm of glibc ≥ 2.28 (from Arm's optimized-routines, also used by musl):
 * x = k·ln2/128 + r, exp(x) = 2^(k/128)·exp(r), a 128-entry table of 2^(i/128) as scale·(1 + tail)
 * and a degree-5 polynomial for exp(r) − 1 − r; worst-case error 0.511 ulp without fused multiply-add.
 *
 * Why not Math.exp: V8's Math.exp (fdlibm, < 1 ulp) is about twice as slow here, and this routine is
 * the one NEURON's rate functions call through glibc, so traces stay closer to NEURON's. Outside
 * 2^-54 ≤ |x| < 512 (never reached by rate functions in their normal range) it defers to Math.exp.
 *
 * The table is computed at load time from exact integer arithmetic (BigInt), not copied.
 */

const N = 128;
// The constants below are the exact doubles written in C as hex floats (given in the comments).
const INV_LN2_N = 1.4426950408889634 * N; // 0x1.71547652b82fep0 * N
const NEG_LN2_HI_N = -0.005415212348111709; // -0x1.62e42fefa0000p-8
const NEG_LN2_LO_N = -1.2864023111638346e-14; // -0x1.cf79abc9e3b3ap-47
const SHIFT = 6755399441055744.0; // 0x1.8p52
const C2 = 0.49999999999996786; // 0x1.ffffffffffdbdp-2
const C3 = 0.16666666666665886; // 0x1.555555555543cp-3
const C4 = 0.0416666808410674; // 0x1.55555cf172b91p-5
const C5 = 0.008333335853059549; // 0x1.1111167a4d017p-7
const TINY = 5.551115123125783e-17; // 0x1p-54

/** The algorithm's constants, for the WebAssembly versions (./exp-wasm.ts, ./ir/wasm/exp.ts). */
export const EXP_CONSTANTS = { N, INV_LN2_N, NEG_LN2_HI_N, NEG_LN2_LO_N, SHIFT, C2, C3, C4, C5 } as const;
const POW2_BIAS = 1100;

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** scale[i] = 2^(i/128) rounded to double, tail[i] ≈ (2^(i/128) − scale[i])/scale[i]. */
function buildTable(): { scale: Float64Array; tail: Float64Array } {
  const P = 200n;
  const scale = new Float64Array(N);
  const tail = new Float64Array(N);
  // floor(2^(1/128)·2^P): seven nested integer square roots of 2^(1 + 128P).
  let root = 1n << (1n + 128n * P);
  for (let k = 0; k < 7; k++) root = isqrt(root);
  let x = 1n << P; // 2^(i/128)·2^P, truncation error ≤ i units of 2^−P
  const twoP = 2 ** Number(P);
  for (let i = 0; i < N; i++) {
    const s = Number(x) / twoP; // Number(bigint) rounds to nearest
    const sInt = BigInt(s * twoP); // exact
    const q = 120n;
    const t = Number(((x - sInt) << q) / sInt) / 2 ** Number(q);
    scale[i] = s;
    tail[i] = t;
    x = (x * root) >> P;
  }
  return { scale, tail };
}

const { scale: SCALE, tail: TAIL } = buildTable();
/** TAB[2i] = tail_i, TAB[2i + 1] = scale_i (one cache line serves both). */
const TAB = new Float64Array(2 * N);
for (let i = 0; i < N; i++) {
  TAB[2 * i] = TAIL[i];
  TAB[2 * i + 1] = SCALE[i];
}
/** 2^j for j in [−1100, 1100]: exact powers of two (2^top multiplies scale exactly). */
const POW2 = new Float64Array(2 * POW2_BIAS + 1);
for (let j = -POW2_BIAS; j <= POW2_BIAS; j++) POW2[j + POW2_BIAS] = 2 ** j;

function expOutside(x: number): number {
  return Math.abs(x) < TINY ? 1.0 + x : Math.exp(x);
}

export function exp(x: number): number {
  const ax = Math.abs(x);
  if (!(ax >= TINY && ax < 512)) return expOutside(x);
  const kd = INV_LN2_N * x + SHIFT - SHIFT; // round to nearest integer, ties to even
  const r = x + kd * NEG_LN2_HI_N + kd * NEG_LN2_LO_N;
  const k = kd | 0;
  const i2 = (k & (N - 1)) << 1;
  const r2 = r * r;
  const tmp = TAB[i2] + r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
  const scale = TAB[i2 + 1] * POW2[(k >> 7) + POW2_BIAS];
  return scale + scale * tmp;
}

/** For tests: the table entry i as (scale, tail). */
export function expTableEntry(i: number): [number, number] {
  return [SCALE[i], TAIL[i]];
}

/**
 * buf[i] ← exp(buf[i]) for i < n. Kernels that need many exponentials per node gather the
 * arguments first and call this once: the JIT inlines `exp` into this one loop, where a scalar call
 * per value would often stay an out-of-line call that boxes its double result.
 */
export function expInPlace(buf: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) buf[i] = exp(buf[i]);
}
