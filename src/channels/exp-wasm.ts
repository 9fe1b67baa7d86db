/**
 * Batched exp in WebAssembly: the same glibc algorithm as ./exp.ts, bit for bit (wasm has no
 * implicit fused multiply-add, and 2^k is formed from bits exactly as glibc does, which gives the
 * same double as exp.ts's table product for every |x| < 512), but without JavaScript's bounds
 * checks, double→int conversions and table of powers of two.
 *
 * The module is assembled here from its bytes (no toolchain); each `ExpBatch` owns its own memory
 * (no shared mutable state): the 128-entry table at byte 0, then `capacity` doubles that callers use
 * as scratch (`buf`). Arguments outside 2^-54 ≤ |x| < 512 (and NaN) go to a JavaScript callback,
 * exp.ts's own fallback.
 */
import { EXP_CONSTANTS, exp } from './exp.ts';
import { f64, section, simd, sleb, str, uleb } from './ir/wasm/asm.ts';
import { EXP_TABLE_BYTES as TABLE_BYTES, writeExpTable } from './ir/wasm/exp.ts';

export interface ExpBatch {
  /** Scratch of `capacity` doubles living in the module's memory. */
  readonly buf: Float64Array;
  /** buf[off + i] ← exp(buf[off + i]) for 0 ≤ i < n. */
  run(off: number, n: number): void;
  /**
   * cnexp updates: for 0 ≤ k < n, x = buf[s + k] becomes x + (1 − exp(buf[a + k]))·(buf[inf + k] − x)
   * (ranges must not overlap).
   */
  relax(s: number, a: number, inf: number, n: number): void;
  /** The WebAssembly memory holding `buf` (other modules may import it, e.g. ./hh-fused.ts). */
  readonly memory?: WebAssembly.Memory;
}

// Opcodes.
const GET = 0x20, SET = 0x21, TEE = 0x22;
const I32 = 0x41, I64 = 0x42;
const F64_LOAD = 0x2b, I64_LOAD = 0x29, F64_STORE = 0x39;
const I32_ADD = 0x6a, I32_SUB = 0x6b, I32_AND = 0x71, I32_SHL = 0x74, I32_GE_U = 0x4f;
const I64_ADD = 0x7c, I64_SHL = 0x86, I64_SHR_U = 0x88, I32_WRAP = 0xa7;
const F64_ADD = 0xa0, F64_SUB = 0xa1, F64_MUL = 0xa2;
const I64_REINT = 0xbd, F64_REINT = 0xbf;

// The constants of ./exp.ts.
const { N, INV_LN2_N, NEG_LN2_HI_N, NEG_LN2_LO_N, SHIFT, C2, C3, C4, C5 } = EXP_CONSTANTS;

const V128 = 0x7b;
const V128_LOAD = 0x00, V128_STORE = 0x0b, I64X2_SPLAT = 0x12, F64X2_SPLAT = 0x14;
const I64X2_EXTRACT = 0x1d, I64X2_REPLACE = 0x1e, F64X2_REPLACE = 0x22;
const F64X2_LT = 0x49, F64X2_GE = 0x4c, V128_AND = 0x4e;
const I64X2_ALL_TRUE = 0xc3, I64X2_SHL = 0xcb, I64X2_ADD = 0xce;
const F64X2_ABS = 0xec, F64X2_ADD = 0xf0, F64X2_SUB = 0xf1, F64X2_MUL = 0xf2;
const I8X16_SHUFFLE = 0x0d;
/** Low 64-bit lanes of two vectors ([a0, b0]) and high ones ([a1, b1]), as i8x16.shuffle lane lists. */
const LOW_LANES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HIGH_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

/**
 * The f64x2 fast path of exp for the pair in local `vx` (all lanes in range), result in `vtmp`.
 * `vkd`, `vki`, `vr`, `vrr` (v128) and `idx0`, `idx1` (i32) are scratch locals.
 */
function fastExpPair(vx: number, vkd: number, vki: number, vr: number, vrr: number, vtmp: number, idx0: number, idx1: number): number[] {
  const mem = (op: number, offset: number): number[] => [op, 3, ...uleb(offset)];
  const splat = (x: number): number[] => [...f64(x), ...simd(F64X2_SPLAT)];
  const fadd = simd(F64X2_ADD), fsub = simd(F64X2_SUB), fmul = simd(F64X2_MUL);
  const laneIdx = (lane: number): number[] => [GET, vki, ...simd(I64X2_EXTRACT, lane), I32_WRAP, I32, ...sleb(127), I32_AND, I32, 4, I32_SHL];
  return [
    GET, vx, ...splat(INV_LN2_N), ...fmul, ...splat(SHIFT), ...fadd, TEE, vki,
    ...splat(SHIFT), ...fsub, SET, vkd,
    GET, vx, GET, vkd, ...splat(NEG_LN2_HI_N), ...fmul, ...fadd, GET, vkd, ...splat(NEG_LN2_LO_N), ...fmul, ...fadd,
    TEE, vr, GET, vr, ...fmul, SET, vrr,
    ...laneIdx(0), SET, idx0, ...laneIdx(1), SET, idx1,
    // the two table entries [tail, sbits] (16 bytes each), then [tail0, tail1] and [sbits0, sbits1]
    GET, idx0, ...simd(V128_LOAD, 3, 0), SET, vx, GET, idx1, ...simd(V128_LOAD, 3, 0), SET, vkd,
    GET, vx, GET, vkd, ...simd(I8X16_SHUFFLE, ...LOW_LANES),
    GET, vr, ...fadd,
    GET, vrr, ...splat(C2), GET, vr, ...splat(C3), ...fmul, ...fadd, ...fmul, ...fadd,
    GET, vrr, GET, vrr, ...fmul, ...splat(C4), GET, vr, ...splat(C5), ...fmul, ...fadd, ...fmul, ...fadd,
    SET, vtmp,
    GET, vx, GET, vkd, ...simd(I8X16_SHUFFLE, ...HIGH_LANES),
    GET, vki, I32, 45, ...simd(I64X2_SHL), ...simd(I64X2_ADD), TEE, vkd,
    GET, vkd, GET, vtmp, ...fmul, ...fadd, SET, vtmp,
  ];
}

/** In-range test of both lanes of `vx` (2^-54 ≤ |x| < 512, not NaN), leaving an i32 on the stack; `vtmp` is scratch. */
function pairInRange(vx: number, vtmp: number): number[] {
  const splat = (x: number): number[] => [...f64(x), ...simd(F64X2_SPLAT)];
  return [
    GET, vx, ...simd(F64X2_ABS), TEE, vtmp, ...splat(2 ** -54), ...simd(F64X2_GE),
    GET, vtmp, ...splat(512), ...simd(F64X2_LT), ...simd(V128_AND), ...simd(I64X2_ALL_TRUE),
  ];
}

/**
 * relax(s, a, inf, n): for 0 ≤ k < n, with element offsets into the scratch,
 *   buf[s + k] ← x + (1 − exp(buf[a + k]))·(buf[inf + k] − x),  x = buf[s + k]
 * (a cnexp update; the same operations as the JavaScript expression, exp as above).
 */
function relaxBody(): number[] {
  const S = 0, A = 1, INF = 2, NN = 3, END2 = 4, ENDA = 5, IDX0 = 6, IDX1 = 7;
  const VX = 8, VKD = 9, VKI = 10, VR = 11, VRR = 12, VTMP = 13, VS = 14;
  const mem = (op: number, offset: number): number[] => [op, 3, ...uleb(offset)];
  const vmem = (op: number, offset: number): number[] => simd(op, 3, ...uleb(offset));
  const toPtr = (local: number): number[] => [GET, local, I32, 3, I32_SHL, I32, ...sleb(TABLE_BYTES), I32_ADD, SET, local];
  const bump = (local: number, by: number): number[] => [GET, local, I32, by, I32_ADD, SET, local];
  const one = [...f64(1), ...simd(F64X2_SPLAT)];
  const locals = [2, 4, 0x7f, 7, V128];
  const body = [
    ...toPtr(S), ...toPtr(A), ...toPtr(INF),
    GET, A, GET, NN, I32, 3, I32_SHL, I32_ADD, TEE, ENDA, I32, 8, I32_SUB, SET, END2,
    0x02, 0x40, 0x03, 0x40,
    GET, A, GET, END2, I32_GE_U, 0x0d, 1,
    GET, A, ...vmem(V128_LOAD, 0), SET, VX,
    ...pairInRange(VX, VTMP),
    0x04, 0x40,
    ...fastExpPair(VX, VKD, VKI, VR, VRR, VTMP, IDX0, IDX1),
    0x05,
    GET, A, ...mem(F64_LOAD, 0), 0x10, 0, ...simd(F64X2_SPLAT), GET, A, ...mem(F64_LOAD, 8), 0x10, 0, ...simd(F64X2_REPLACE, 1), SET, VTMP,
    0x0b,
    // s + (1 − e)·(inf − s)
    GET, S, GET, S, ...vmem(V128_LOAD, 0), TEE, VS,
    ...one, GET, VTMP, ...simd(F64X2_SUB),
    GET, INF, ...vmem(V128_LOAD, 0), GET, VS, ...simd(F64X2_SUB), ...simd(F64X2_MUL), ...simd(F64X2_ADD),
    ...vmem(V128_STORE, 0),
    ...bump(A, 16), ...bump(S, 16), ...bump(INF, 16),
    0x0c, 0,
    0x0b, 0x0b,
    // The last element, if n is odd: exp through the JavaScript routine (same bits).
    0x02, 0x40, 0x03, 0x40,
    GET, A, GET, ENDA, I32_GE_U, 0x0d, 1,
    GET, S,
    GET, S, ...mem(F64_LOAD, 0),
    ...f64(1), GET, A, ...mem(F64_LOAD, 0), 0x10, 0, F64_SUB,
    GET, INF, ...mem(F64_LOAD, 0), GET, S, ...mem(F64_LOAD, 0), F64_SUB, F64_MUL, F64_ADD,
    ...mem(F64_STORE, 0),
    ...bump(A, 8), ...bump(S, 8), ...bump(INF, 8),
    0x0c, 0,
    0x0b, 0x0b,
    0x0b,
  ];
  return [...locals, ...body];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  // Locals: 0 off, 1 n (params); 2 p, 3 end (i32); 4 x, 5 kd (f64); 6 ki (i64); 7 r, 8 r2 (f64);
  // 9 idx (i32); 10 tmp, 11 scale (f64); 12 end2, 13 idx1 (i32); 14 X, 15 KD, 16 KI, 17 R, 18 RR,
  // 19 TMP (v128).
  const P = 2, END = 3, X = 4, KD = 5, KI = 6, R = 7, R2 = 8, IDX = 9, TMP = 10, SCALE = 11;
  const END2 = 12, IDX1 = 13, VX = 14, VKD = 15, VKI = 16, VR = 17, VRR = 18, VTMP = 19;
  const mem = (op: number, offset: number): number[] => [op, 3, ...uleb(offset)];
  const vmem = (op: number, offset: number): number[] => simd(op, 3, ...uleb(offset));
  const splat = (x: number): number[] => [...f64(x), ...simd(F64X2_SPLAT)];
  const fadd = simd(F64X2_ADD), fsub = simd(F64X2_SUB), fmul = simd(F64X2_MUL);
  // One lane through the JavaScript exp (any lane of a pair with a special argument).
  const slowLane = (offset: number): number[] => [GET, P, GET, P, ...mem(F64_LOAD, offset), 0x10, 0, ...mem(F64_STORE, offset)];
  // table index ((ki of lane) mod 128)·16
  const laneIdx = (lane: number): number[] => [GET, VKI, ...simd(I64X2_EXTRACT, lane), I32_WRAP, I32, ...sleb(127), I32_AND, I32, 4, I32_SHL];
  const body = [
    // p = TABLE_BYTES + off·8; end = p + n·8; end2 = end − 8 (pairs while p < end2)
    GET, 0, I32, 3, I32_SHL, I32, ...sleb(TABLE_BYTES), I32_ADD, TEE, P,
    GET, 1, I32, 3, I32_SHL, I32_ADD, TEE, END, I32, 8, I32_SUB, SET, END2,
    // Pairs (f64x2): the same operations lane by lane.
    0x02, 0x40, 0x03, 0x40,
    GET, P, GET, END2, I32_GE_U, 0x0d, 1,
    GET, P, ...vmem(V128_LOAD, 0), TEE, VX,
    ...simd(F64X2_ABS), TEE, VTMP, ...splat(2 ** -54), ...simd(F64X2_GE),
    GET, VTMP, ...splat(512), ...simd(F64X2_LT), ...simd(V128_AND), ...simd(I64X2_ALL_TRUE),
    0x04, 0x40,
    GET, VX, ...splat(INV_LN2_N), ...fmul, ...splat(SHIFT), ...fadd, TEE, VKI,
    ...splat(SHIFT), ...fsub, SET, VKD,
    GET, VX, GET, VKD, ...splat(NEG_LN2_HI_N), ...fmul, ...fadd, GET, VKD, ...splat(NEG_LN2_LO_N), ...fmul, ...fadd,
    TEE, VR, GET, VR, ...fmul, SET, VRR,
    ...laneIdx(0), SET, IDX, ...laneIdx(1), SET, IDX1,
    // the two table entries [tail, sbits]; tails = [tail0, tail1]
    GET, IDX, ...simd(V128_LOAD, 3, 0), SET, VX, GET, IDX1, ...simd(V128_LOAD, 3, 0), SET, VKD,
    GET, VX, GET, VKD, ...simd(I8X16_SHUFFLE, ...LOW_LANES),
    GET, VR, ...fadd,
    GET, VRR, ...splat(C2), GET, VR, ...splat(C3), ...fmul, ...fadd, ...fmul, ...fadd,
    GET, VRR, GET, VRR, ...fmul, ...splat(C4), GET, VR, ...splat(C5), ...fmul, ...fadd, ...fmul, ...fadd,
    SET, VTMP,
    // scale bits = T[idx + 1] + (ki << 45), per lane
    GET, VX, GET, VKD, ...simd(I8X16_SHUFFLE, ...HIGH_LANES),
    GET, VKI, I32, 45, ...simd(I64X2_SHL), ...simd(I64X2_ADD), TEE, VKD,
    GET, VKD, GET, VTMP, ...fmul, ...fadd, SET, VTMP,
    GET, P, GET, VTMP, ...vmem(V128_STORE, 0),
    0x05,
    ...slowLane(0), ...slowLane(8),
    0x0b,
    GET, P, I32, 16, I32_ADD, SET, P,
    0x0c, 0,
    0x0b, 0x0b,
    // The last element, if n is odd (scalar).
    0x02, 0x40, // block
    0x03, 0x40, // loop
    GET, P, GET, END, I32_GE_U, 0x0d, 1, // br_if done
    GET, P, ...mem(F64_LOAD, 0), TEE, X,
    // (top 12 bits & 0x7ff) − top12(2^-54) ≥ top12(512) − top12(2^-54)  (unsigned): special case
    I64_REINT, I64, 52, I64_SHR_U, I32_WRAP, I32, ...sleb(0x7ff), I32_AND,
    I32, ...sleb(0x3c9), I32_SUB, I32, ...sleb(0x408 - 0x3c9), I32_GE_U,
    0x04, 0x40, // if
    GET, P, GET, X, 0x10, 0, ...mem(F64_STORE, 0),
    0x05, // else
    // kd = x·InvLn2N + Shift; ki = bits(kd); kd −= Shift
    GET, X, ...f64(INV_LN2_N), F64_MUL, ...f64(SHIFT), F64_ADD, TEE, KD,
    I64_REINT, SET, KI,
    GET, KD, ...f64(SHIFT), F64_SUB, SET, KD,
    // r = x + kd·NegLn2hiN + kd·NegLn2loN
    GET, X, GET, KD, ...f64(NEG_LN2_HI_N), F64_MUL, F64_ADD, GET, KD, ...f64(NEG_LN2_LO_N), F64_MUL, F64_ADD,
    TEE, R, GET, R, F64_MUL, SET, R2,
    // idx = (ki mod 128)·16
    GET, KI, I32_WRAP, I32, ...sleb(127), I32_AND, I32, 4, I32_SHL, SET, IDX,
    // tmp = tail + r + r2·(C2 + r·C3) + r2·r2·(C4 + r·C5)
    GET, IDX, ...mem(F64_LOAD, 0), GET, R, F64_ADD,
    GET, R2, ...f64(C2), GET, R, ...f64(C3), F64_MUL, F64_ADD, F64_MUL, F64_ADD,
    GET, R2, GET, R2, F64_MUL, ...f64(C4), GET, R, ...f64(C5), F64_MUL, F64_ADD, F64_MUL, F64_ADD,
    SET, TMP,
    // scale = asdouble(T[idx + 1] + (ki << 45))
    GET, IDX, ...mem(I64_LOAD, 8), GET, KI, I64, 45, I64_SHL, I64_ADD, F64_REINT, SET, SCALE,
    GET, P, GET, SCALE, GET, SCALE, GET, TMP, F64_MUL, F64_ADD, ...mem(F64_STORE, 0),
    0x0b, // end if
    GET, P, I32, 8, I32_ADD, SET, P,
    0x0c, 0, // br loop
    0x0b, // end loop
    0x0b, // end block
    0x0b, // end function
  ];
  const locals = [8, 2, 0x7f, 2, 0x7c, 1, 0x7e, 2, 0x7c, 1, 0x7f, 2, 0x7c, 2, 0x7f, 6, V128];
  const fn = [...locals, ...body];
  const relax = relaxBody();
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // types: 0 (f64) → f64, 1 (i32, i32) → (), 2 (i32, i32, i32, i32) → ()
    ...section(1, [3, 0x60, 1, 0x7c, 1, 0x7c, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    // imports: env.slow (type 0), env.mem (memory, min 1 page)
    ...section(2, [2, ...str('env'), ...str('slow'), 0x00, 0, ...str('env'), ...str('mem'), 0x02, 0x00, 1]),
    ...section(3, [2, 1, 2]),
    ...section(7, [2, ...str('exp'), 0x00, 1, ...str('relax'), 0x00, 2]),
    ...section(10, [2, ...uleb(fn.length), ...fn, ...uleb(relax.length), ...relax]),
  ];
  return new Uint8Array(bytes);
}


/** Compiled once per process; immutable. */
const MODULE = new WebAssembly.Module(moduleBytes());

/** Only reached outside 2^-54 ≤ |x| < 512 (or NaN), where exp.ts defers too. */
const slow = (x: number): number => exp(x);

/** A batched exp with its own memory and `capacity` doubles of scratch. */
export function createExpBatch(capacity: number): ExpBatch {
  return createExpBatchWithFallback(capacity, slow);
}

/**
 * A batched exp as `createExpBatch`, but arguments outside 2^-54 ≤ |x| < 512 (and NaN) go to
 * `fallback` instead of exp.ts's exp. For `run` and `relax` to compute f(x) for every x, `fallback`
 * must be f and f must equal exp on that range: e.g. NEURON's hoc_Exp (0 below −700, exp(700) above
 * 700), which then needs no clamping of the arguments.
 */
export function createExpBatchWithFallback(capacity: number, fallback: (x: number) => number): ExpBatch {
  const slow = fallback;
  const bytes = TABLE_BYTES + 8 * Math.max(1, capacity);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  writeExpTable(memory);
  const instance = new WebAssembly.Instance(MODULE, { env: { slow, mem: memory } });
  const kernel = instance.exports.exp as (off: number, n: number) => void;
  const run = (off: number, n: number): void => {
    if (!(off >= 0 && n >= 0 && off + n <= capacity)) throw new RangeError(`exp batch [${off}, ${off + n}) outside 0..${capacity}`);
    kernel(off, n);
  };
  const relaxKernel = instance.exports.relax as (s: number, a: number, inf: number, n: number) => void;
  const relax = (s: number, a: number, inf: number, n: number): void => {
    for (const off of [s, a, inf]) {
      if (!(off >= 0 && n >= 0 && off + n <= capacity)) throw new RangeError(`relax range [${off}, ${off + n}) outside 0..${capacity}`);
    }
    relaxKernel(s, a, inf, n);
  };
  return { buf: new Float64Array(memory.buffer, TABLE_BYTES, capacity), run, relax, memory };
}
