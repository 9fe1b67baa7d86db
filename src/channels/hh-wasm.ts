/**
 * hh.mod's rates and cnexp coefficients for a block of instances in WebAssembly SIMD (f64x2), two
 * instances per instruction: the divisions, which dominate the state update once the rate
 * exponentials are batched, then take half the instructions. Every lane does the JavaScript
 * arithmetic of ./hh.ts exactly (IEEE operations in the same order, vtrap's two branches computed
 * and one selected), so the values are the same bits (test/channels/hh.test.ts, test/batch/catalogue.test.ts).
 *
 * The module imports the memory of an ExpBatch (./exp-wasm.ts), where hh keeps its planes: per pair
 * of instances it reads v and the six rate exponentials and writes, per gate, the cnexp target
 * −(x∞/τ)/a and exponent dt·a, with τ = 1/(q10·(α + β)), x∞ = α/(α + β), a = (−1)/τ.
 */
import type { ExpBatch } from './exp-wasm.ts';
import { f64, section, simd, str, uleb } from './ir/wasm/asm.ts';


const GET = 0x20, SET = 0x21;
const I32_ADD = 0x6a, I32_SHL = 0x74, I32_GE_U = 0x4f, I32 = 0x41;
const V128 = 0x7b;
const V128_LOAD = 0x00, V128_STORE = 0x0b, F64X2_SPLAT = 0x14, F64X2_LT = 0x49, V128_BITSELECT = 0x52;
const F64X2_ABS = 0xec, F64X2_NEG = 0xed, F64X2_ADD = 0xf0, F64X2_SUB = 0xf1, F64X2_MUL = 0xf2, F64X2_DIV = 0xf3;

type B = number[];
const g = (local: number): B => [GET, local];
const k = (x: number): B => [...f64(x), ...simd(F64X2_SPLAT)];
const op = (code: number) => (a: B, b: B): B => [...a, ...b, ...simd(code)];
const add = op(F64X2_ADD), sub = op(F64X2_SUB), mul = op(F64X2_MUL), div = op(F64X2_DIV), lt = op(F64X2_LT);
const neg = (a: B): B => [...a, ...simd(F64X2_NEG)];
const abs = (a: B): B => [...a, ...simd(F64X2_ABS)];
/** cond ? t : f, lane by lane (cond all ones or all zeros per lane). */
const select = (cond: B, t: B, f: B): B => [...t, ...f, ...cond, ...simd(V128_BITSELECT)];
const set = (local: number, value: B): B => [...value, SET, local];

// Parameters: 0 pV, 1 pE (plane 0 of the six exponentials), 2 pI (targets), 3 pA (exponents),
// 4 S (bytes between planes), 5 n (instances, even), 6 q10, 7 dt. Byte addresses.
const P_V = 0, P_E = 1, P_I = 2, P_A = 3, S = 4, N = 5, Q10_ARG = 6, DT_ARG = 7;
// i32 locals
const I = 8, END = 9, E1 = 10, E2 = 11, E3 = 12, E4 = 13, E5 = 14, I1 = 15, I2 = 16, A1 = 17, A2 = 18;
// v128 locals
const Q10 = 19, DT = 20, V = 21, XM = 22, QM = 23, AM = 24, BM = 25, AH = 26, BH = 27, XN = 28, QN = 29, AN = 30, BN = 31;
const SUM = 32, INF = 33, TAU = 34, A = 35;

const load = (ptr: number): B => [GET, ptr, GET, I, I32_ADD, ...simd(V128_LOAD, 3, 0)];
const store = (ptr: number, value: B): B => [GET, ptr, GET, I, I32_ADD, ...value, ...simd(V128_STORE, 3, 0)];
const plane = (to: number, from: number): B => [GET, from, GET, S, I32_ADD, SET, to];

/** vtrap(x, 10)·c with x in local `x`, q = x/10 in local `q`, exp(q) loaded from `pe`. */
const vtrap10 = (c: number, x: number, q: number, pe: number): B =>
  mul(k(c), select(lt(abs(g(q)), k(1e-6)), mul(k(10), sub(k(1), div(g(q), k(2)))), div(g(x), sub(load(pe), k(1)))));

/** One gate: target and exponent from α, β. */
const gate = (alpha: number, beta: number, pInf: number, pArg: number): B => [
  ...set(SUM, add(g(alpha), g(beta))),
  ...set(INF, div(g(alpha), g(SUM))),
  ...set(TAU, div(k(1), mul(g(Q10), g(SUM)))),
  ...set(A, div(k(-1), g(TAU))),
  ...store(pInf, div(neg(div(g(INF), g(TAU))), g(A))),
  ...store(pArg, mul(g(DT), g(A))),
];

/**
 * args(pV, pE, S, n): the six rate exponent arguments −(v+40)/10, −(v+65)/18, −(v+65)/20,
 * −(v+35)/10, −(v+55)/10, −(v+65)/80 from the v plane into the six planes at pE (S bytes apart).
 * Parameters 0 pV, 1 pE, 2 S, 3 n; locals 4 i, 5 end, 6 p (i32), 7 V (v128).
 */
function argsBody(): B {
  const AI = 4, AEND = 5, AP = 6, AV = 7;
  const arg = (c: number, d: number): B => [
    GET, AP, GET, AI, I32_ADD,
    ...div(neg(add(g(AV), k(c))), k(d)),
    ...simd(V128_STORE, 3, 0),
    GET, AP, GET, 2, I32_ADD, SET, AP,
  ];
  return [
    2, 3, 0x7f, 1, V128,
    GET, 3, I32, 3, I32_SHL, SET, AEND,
    0x02, 0x40, 0x03, 0x40,
    GET, AI, GET, AEND, I32_GE_U, 0x0d, 1,
    GET, 0, GET, AI, I32_ADD, ...simd(V128_LOAD, 3, 0), SET, AV,
    GET, 1, SET, AP,
    ...arg(40, 10), ...arg(65, 18), ...arg(65, 20), ...arg(35, 10), ...arg(55, 10), ...arg(65, 80),
    GET, AI, I32, 16, I32_ADD, SET, AI,
    0x0c, 0,
    0x0b, 0x0b,
    0x0b,
  ];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const body: B = [
    GET, Q10_ARG, ...simd(F64X2_SPLAT), SET, Q10,
    GET, DT_ARG, ...simd(F64X2_SPLAT), SET, DT,
    ...plane(E1, P_E), ...plane(E2, E1), ...plane(E3, E2), ...plane(E4, E3), ...plane(E5, E4),
    ...plane(I1, P_I), ...plane(I2, I1), ...plane(A1, P_A), ...plane(A2, A1),
    GET, N, I32, 3, I32_SHL, SET, END,
    0x02, 0x40, 0x03, 0x40,
    GET, I, GET, END, I32_GE_U, 0x0d, 1,
    ...set(V, load(P_V)),
    ...set(XM, neg(add(g(V), k(40)))),
    ...set(QM, div(g(XM), k(10))),
    ...set(AM, vtrap10(0.1, XM, QM, P_E)),
    ...set(BM, mul(k(4), load(E1))),
    ...set(AH, mul(k(0.07), load(E2))),
    ...set(BH, div(k(1), add(load(E3), k(1)))),
    ...set(XN, neg(add(g(V), k(55)))),
    ...set(QN, div(g(XN), k(10))),
    ...set(AN, vtrap10(0.01, XN, QN, E4)),
    ...set(BN, mul(k(0.125), load(E5))),
    ...gate(AM, BM, P_I, P_A),
    ...gate(AH, BH, I1, A1),
    ...gate(AN, BN, I2, A2),
    GET, I, I32, 16, I32_ADD, SET, I,
    0x0c, 0,
    0x0b, 0x0b,
    0x0b,
  ];
  const fn = [2, 11, 0x7f, 17, V128, ...body];
  const args = argsBody();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // types: 0 rates (i32 ×6, f64 ×2) → (), 1 args (i32 ×4) → ()
    ...section(1, [2, 0x60, 8, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7c, 0x7c, 0, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 1]),
    ...section(3, [2, 0, 1]),
    ...section(7, [2, ...str('rates'), 0x00, 0, ...str('args'), 0x00, 1]),
    ...section(10, [2, ...uleb(fn.length), ...fn, ...uleb(args.length), ...args]),
  ]);
}

/** Compiled once per process; immutable. */
const MODULE = new WebAssembly.Module(moduleBytes());

export interface HhKernels {
  /** The six exponent arguments from the v plane (offsets in doubles into expb.buf; n even). */
  args(v: number, e: number, stride: number, n: number): void;
  /** The cnexp targets and exponents from v and the exponentials (offsets in doubles; n even). */
  rates(v: number, e: number, inf: number, arg: number, stride: number, n: number, q10: number, dt: number): void;
}

/**
 * The kernels on `expb`'s memory. Offsets are in doubles into `expb.buf`: v, the first of six
 * exponential planes, the first of three target planes and of three exponent planes, each `stride`
 * doubles apart; n must be even (the planes hold one padding lane when the count is odd).
 */
export function hhKernels(expb: ExpBatch): HhKernels {
  if (expb.memory === undefined) throw new Error('hh-wasm: the ExpBatch has no WebAssembly memory');
  const exports = new WebAssembly.Instance(MODULE, { env: { mem: expb.memory } }).exports;
  const rates = exports.rates as (pV: number, pE: number, pI: number, pA: number, S: number, n: number, q10: number, dt: number) => void;
  const args = exports.args as (pV: number, pE: number, S: number, n: number) => void;
  const base = expb.buf.byteOffset;
  const cap = expb.buf.length;
  // each range: [first offset, number of planes]
  const check = (n: number, stride: number, ...ranges: [number, number][]): void => {
    if (n % 2 !== 0 || ranges.some(([x, planes]) => x < 0 || x + (planes - 1) * stride + n > cap)) {
      throw new RangeError(`hh-wasm: planes outside the scratch (n ${n}, stride ${stride}, capacity ${cap})`);
    }
  };
  return {
    args(v, e, stride, n) {
      check(n, stride, [v, 1], [e, 6]);
      args(base + 8 * v, base + 8 * e, 8 * stride, n);
    },
    rates(v, e, inf, arg, stride, n, q10, dt) {
      check(n, stride, [v, 1], [e, 6], [inf, 3], [arg, 3]);
      rates(base + 8 * v, base + 8 * e, base + 8 * inf, base + 8 * arg, 8 * stride, n, q10, dt);
    },
  };
}
