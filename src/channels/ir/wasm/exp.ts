/**
 * exp over an f64x2 pair in WebAssembly, inline in a kernel: glibc's algorithm exactly as
 * ../../exp-wasm.ts assembles it (and so bit for bit ../../exp.ts), with its 128-entry table at
 * byte 0 of the kernel's memory. Pairs with a lane outside 2^-54 ≤ |x| < 512 (or NaN) go lane by
 * lane to an imported function, NEURON's hoc_Exp (0 below −700, exp(700) above 700), as the
 * JavaScript kernels do; in range hoc_Exp is that same glibc exp.
 */
import { EXP_CONSTANTS, expTableEntry } from '../../exp.ts';
import { F64, Fn, I32, OP, SIMD, V128, f64, get, memarg, set, simd, tee } from './asm.ts';

/** Bytes of the table at byte 0 of the memory. */
export const EXP_TABLE_BYTES = 128 * 16;

const { N, INV_LN2_N, NEG_LN2_HI_N, NEG_LN2_LO_N, SHIFT, C2, C3, C4, C5 } = EXP_CONSTANTS;

/** Write the table (tail, scale bits − (i << 45)) at byte 0 of `memory`. */
export function writeExpTable(memory: WebAssembly.Memory): void {
  const table = new DataView(memory.buffer, 0, EXP_TABLE_BYTES);
  for (let i = 0; i < N; i++) {
    const [scale, tail] = expTableEntry(i);
    table.setFloat64(16 * i, tail, true);
    const sbits = new DataView(Float64Array.of(scale).buffer).getBigUint64(0, true) - (BigInt(i) << 45n);
    table.setBigUint64(16 * i + 8, sbits, true);
  }
}

/** Scratch locals an exp needs in one function (allocated once per function). */
export interface ExpScratch {
  readonly x: number;
  readonly kd: number;
  readonly ki: number;
  readonly r: number;
  readonly rr: number;
  readonly tmp: number;
  readonly idx0: number;
  readonly idx1: number;
  /** Code pushing the constant x as an f64x2 pair (e.g. a local set once before the loop). */
  readonly k: (x: number) => number[];
  /** Lanes whose arguments were all in range (|x| < 512, not NaN) over the exps of one body (`expFast`). */
  readonly ok: number;
}

export function expScratch(fn: Fn, k: (x: number) => number[] = (x) => splat(x)): ExpScratch {
  return {
    k,
    x: fn.local(V128), kd: fn.local(V128), ki: fn.local(V128), r: fn.local(V128), rr: fn.local(V128), tmp: fn.local(V128),
    idx0: fn.local(I32), idx1: fn.local(I32), ok: fn.local(V128),
  };
}

const splat = (x: number): number[] => [...f64(x), ...simd(SIMD.f64x2Splat)];

/** The fast path on local x, leaving exp on the stack (valid where 2^-54 ≤ |x| < 512). */
function fastCore(s: ExpScratch): number[] {
  const fadd = simd(SIMD.f64x2Add), fsub = simd(SIMD.f64x2Sub), fmul = simd(SIMD.f64x2Mul);
  const laneIdx = (lane: number): number[] => [...get(s.ki), ...simd(SIMD.i64x2Extract, lane), OP.i32WrapI64, OP.i32Const, 0xff, 0x00, OP.i32And, OP.i32Const, 4, OP.i32Shl];
  const load = (op: number, offset: number): number[] => [op, ...memarg(3, offset)];
  return [
    ...get(s.x), ...s.k(INV_LN2_N), ...fmul, ...s.k(SHIFT), ...fadd, ...tee(s.ki),
    ...s.k(SHIFT), ...fsub, ...set(s.kd),
    ...get(s.x), ...get(s.kd), ...s.k(NEG_LN2_HI_N), ...fmul, ...fadd, ...get(s.kd), ...s.k(NEG_LN2_LO_N), ...fmul, ...fadd,
    ...tee(s.r), ...get(s.r), ...fmul, ...set(s.rr),
    // table index (ki mod 128)·16 per lane; tail + r + r2·(C2 + r·C3) + r2·r2·(C4 + r·C5)
    ...laneIdx(0), ...set(s.idx0), ...laneIdx(1), ...set(s.idx1),
    ...get(s.idx0), ...load(OP.f64Load, 0), ...simd(SIMD.f64x2Splat), ...get(s.idx1), ...load(OP.f64Load, 0), ...simd(SIMD.f64x2Replace, 1),
    ...get(s.r), ...fadd,
    ...get(s.rr), ...s.k(C2), ...get(s.r), ...s.k(C3), ...fmul, ...fadd, ...fmul, ...fadd,
    ...get(s.rr), ...get(s.rr), ...fmul, ...s.k(C4), ...get(s.r), ...s.k(C5), ...fmul, ...fadd, ...fmul, ...fadd,
    ...set(s.tmp),
    // scale = bits(T[idx + 1] + (ki << 45)); exp = scale + scale·tmp
    ...get(s.idx0), ...load(OP.i64Load, 8), ...simd(SIMD.i64x2Splat), ...get(s.idx1), ...load(OP.i64Load, 8), ...simd(SIMD.i64x2Replace, 1),
    ...get(s.ki), OP.i32Const, 45, ...simd(SIMD.i64x2Shl), ...simd(SIMD.i64x2Add), ...tee(s.kd),
    ...get(s.kd), ...get(s.tmp), ...fmul, ...fadd,
  ];
}

/** Mask (v128 on the stack) of the lanes of local x inside the fast range. */
function inRange(s: ExpScratch): number[] {
  return [
    ...get(s.x), ...simd(SIMD.f64x2Abs), ...tee(s.tmp), ...s.k(2 ** -54), ...simd(SIMD.f64x2Ge),
    ...get(s.tmp), ...s.k(512), ...simd(SIMD.f64x2Lt), ...simd(SIMD.and),
  ];
}

/** Start of a body whose exps use `expFast`: every lane in range so far. */
export function expFastStart(s: ExpScratch): number[] {
  return [...simd(SIMD.const, ...new Array<number>(16).fill(0xff)), ...set(s.ok)];
}

/** i32 on the stack: nonzero if an exp since `expFastStart` had a lane with |x| ≥ 512 (or NaN). */
export function expFastOutOfRange(s: ExpScratch): number[] {
  return [...get(s.ok), ...simd(SIMD.i64x2AllTrue), OP.i32Eqz];
}

/**
 * exp without a branch: the fast path for both lanes, the lanes in range AND-ed into `s.ok` (the
 * caller then recomputes the whole body through `expPair`). Keeping the calls out of the hot loop
 * keeps the compiler from spilling every live vector around them. Only |x| < 512 is checked:
 * below glibc's other bound, |x| < 2^−54, the fast path gives exactly 1.0 (k = 0, scale 1, tail
 * 0, 1 + r·(…) rounds to 1), which is what exp.ts returns there (1 + x), ±0 included.
 */
export function expFast(s: ExpScratch): number[] {
  return [...set(s.x), ...expRangeMask(s, get(s.x)), ...fastCore(s)];
}

/** AND into `s.ok` whether the lanes of the v128 left by `arg` are inside the fast range (|x| < 512, not NaN). */
export function expRangeMask(s: ExpScratch, arg: readonly number[]): number[] {
  return [...arg, ...simd(SIMD.f64x2Abs), ...s.k(512), ...simd(SIMD.f64x2Lt), ...get(s.ok), ...simd(SIMD.and), ...set(s.ok)];
}

/**
 * Code that takes a v128 from the stack and leaves exp of both lanes (hoc_Exp) on it. `slow`: the
 * index of the imported scalar hoc_Exp (f64) → f64.
 */
export function expPair(s: ExpScratch, slow: number): number[] {
  return [
    ...set(s.x),
    ...inRange(s), ...simd(SIMD.i64x2AllTrue),
    OP.if, V128,
    ...fastCore(s),
    OP.else,
    ...get(s.x), ...simd(SIMD.f64x2Extract, 0), OP.call, slow, ...simd(SIMD.f64x2Splat),
    ...get(s.x), ...simd(SIMD.f64x2Extract, 1), OP.call, slow, ...simd(SIMD.f64x2Replace, 1),
    OP.end,
  ];
}

export { F64 };
