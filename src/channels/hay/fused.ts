/**
 * A state update in ONE WebAssembly SIMD loop over instance pairs with exp inline (the Hay
 * channels' ./simd.ts and SK_E2 use it): the caller writes the arithmetic of one pair with `Body`
 * (loads, stores, constants, exp); `fusedModule` wraps it into the loop.
 *
 * exp is glibc's / NEURON's hoc_Exp: the fast path inline (src/channels/ir/wasm/exp.ts's operations,
 * with each pair's two table entries read as two v128 loads and two shuffles, as ../exp-wasm.ts does:
 * ~8 % faster than lane by lane); a pair with an argument outside |x| < 512, or NaN, is recomputed
 * by a second function whose exps (ir/wasm/exp.ts `expPair`) go lane by lane to the imported
 * hoc_Exp, as the batched exp does; an odd last instance runs that function on one lane. So every
 * lane computes the IEEE operations it is given, in order, with the same exp as the JavaScript
 * kernels. `expPlusMinus` computes exp(x) and exp(−x) together (shared range reduction).
 *
 * A module imports an ExpBatch's memory (../exp-wasm.ts), whose first 2048 bytes are the exp table
 * (src/channels/ir/wasm/exp.ts `writeExpTable`).
 */
import { EXP_CONSTANTS } from '../exp.ts';
import { assemble, F64, Fn, I32, OP, SIMD, V128, get, i32, memarg, set, simd, splatConst, tee } from '../ir/wasm/asm.ts';
import { expFastOutOfRange, expFastStart, expPair, expScratch, type ExpScratch } from '../ir/wasm/exp.ts';

const { INV_LN2_N, NEG_LN2_HI_N, NEG_LN2_LO_N, SHIFT, C2, C3, C4, C5 } = EXP_CONSTANTS;
/** i8x16.shuffle (after the SIMD prefix). */
const I8X16_SHUFFLE = 0x0d;
/** Low 64-bit lanes of two vectors ([a0, b0]) and high ones ([a1, b1]), as i8x16.shuffle lane lists. */
const LOW_LANES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HIGH_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

type Mode = 'pair' | 'single';

/** Bytecode that leaves one f64x2 on the stack. */
export type Vec = readonly number[];

const op = (code: number) => (a: Vec, b: Vec): Vec => [...a, ...b, ...simd(code)];
export const add = op(SIMD.f64x2Add), sub = op(SIMD.f64x2Sub), mul = op(SIMD.f64x2Mul), div = op(SIMD.f64x2Div);
export const neg = (a: Vec): Vec => [...a, ...simd(SIMD.f64x2Neg)];

/** The two lanes' exp table entries [tail, sbits] (16 bytes at (ki mod 128)·16) into s.kd and local e1. */
function entries(s: ExpScratch, ki: number, e1: number): number[] {
  const lane = (l: number): number[] => [...get(ki), ...simd(SIMD.i64x2Extract, l), OP.i32WrapI64, OP.i32Const, 0xff, 0x00, OP.i32And, OP.i32Const, 4, OP.i32Shl];
  return [...lane(0), ...simd(SIMD.load, ...memarg(3, 0)), ...set(s.kd), ...lane(1), ...simd(SIMD.load, ...memarg(3, 0)), ...set(e1)];
}

/**
 * Code that takes a v128 x from the stack and leaves exp of both lanes on it: ir/wasm/exp.ts
 * `expFast` (the same operations; the lanes in range AND-ed into s.ok, the caller recomputes a pair
 * with a lane out of range), with the two table entries read as two v128 loads and two shuffles.
 * `e1`: a v128 scratch local.
 */
export function expFastShuffled(s: ExpScratch, e1: number): number[] {
  const fadd = simd(SIMD.f64x2Add), fsub = simd(SIMD.f64x2Sub), fmul = simd(SIMD.f64x2Mul);
  return [
    ...set(s.x),
    ...get(s.ok), ...get(s.x), ...simd(SIMD.f64x2Abs), ...s.k(512), ...simd(SIMD.f64x2Lt), ...simd(SIMD.and), ...set(s.ok),
    ...get(s.x), ...s.k(INV_LN2_N), ...fmul, ...s.k(SHIFT), ...fadd, ...tee(s.ki),
    ...s.k(SHIFT), ...fsub, ...set(s.kd),
    ...get(s.x), ...get(s.kd), ...s.k(NEG_LN2_HI_N), ...fmul, ...fadd, ...get(s.kd), ...s.k(NEG_LN2_LO_N), ...fmul, ...fadd,
    ...tee(s.r), ...get(s.r), ...fmul, ...set(s.rr),
    ...entries(s, s.ki, e1),
    ...get(s.kd), ...get(e1), ...simd(I8X16_SHUFFLE, ...LOW_LANES), ...get(s.r), ...fadd,
    ...get(s.rr), ...s.k(C2), ...get(s.r), ...s.k(C3), ...fmul, ...fadd, ...fmul, ...fadd,
    ...get(s.rr), ...get(s.rr), ...fmul, ...s.k(C4), ...get(s.r), ...s.k(C5), ...fmul, ...fadd, ...fmul, ...fadd,
    ...set(s.tmp),
    ...get(s.kd), ...get(e1), ...simd(I8X16_SHUFFLE, ...HIGH_LANES),
    ...get(s.ki), OP.i32Const, 45, ...simd(SIMD.i64x2Shl), ...simd(SIMD.i64x2Add), ...tee(s.kd),
    ...get(s.kd), ...get(s.tmp), ...fmul, ...fadd,
  ];
}

/**
 * Emission into one function of a fused module: constants and scalar parameters in v128 locals set
 * once, loads and stores of a pair or a lane at byte offset i from an i32 address local.
 */
export class Body {
  readonly x: ExpScratch;
  private readonly consts = new Map<string, { value: number; local: number }>();
  private readonly splats = new Map<number, number>();
  private readonly extra: number[] = [];
  readonly code: number[] = [];

  constructor(readonly fn: Fn, readonly i: number, readonly mode: Mode, readonly checked: boolean) {
    this.x = expScratch(fn, (c) => [...this.k(c)]);
  }

  /** The constant c in both lanes. */
  k(c: number): Vec {
    const key = Object.is(c, -0) ? '-0' : String(c);
    let e = this.consts.get(key);
    if (e === undefined) {
      e = { value: c, local: this.fn.local(V128) };
      this.consts.set(key, e);
    }
    return get(e.local);
  }

  /** The f64 parameter p in both lanes. */
  param(p: number): Vec {
    let l = this.splats.get(p);
    if (l === undefined) {
      l = this.fn.local(V128);
      this.splats.set(p, l);
    }
    return get(l);
  }

  /** An i32 local set once in the prologue by `code`. */
  address(code: number[]): number {
    const l = this.fn.local(I32);
    this.extra.push(...code, ...set(l));
    return l;
  }

  /** Code setting the constant and parameter locals (put before the body once it is written). */
  prologue(): number[] {
    const out = [...this.extra];
    for (const [p, l] of this.splats) out.push(...get(p), ...simd(SIMD.f64x2Splat), ...set(l));
    for (const c of this.consts.values()) out.push(...splatConst(c.value), ...set(c.local));
    return out;
  }

  private at(base: number): number[] {
    return [...get(base), ...get(this.i), OP.i32Add];
  }

  /** The pair (or lane) at byte address local `base` + i. */
  load(base: number): Vec {
    return [...this.at(base), ...simd(this.mode === 'pair' ? SIMD.load : SIMD.load64Splat, ...memarg(3, 0))];
  }

  store(base: number, value: Vec): number[] {
    return this.mode === 'pair'
      ? [...this.at(base), ...value, ...simd(SIMD.store, ...memarg(3, 0))]
      : [...this.at(base), ...value, ...simd(SIMD.store64Lane, ...memarg(3, 0), 0)];
  }

  exp(arg: Vec): Vec {
    if (this.checked) return [...arg, ...expPair(this.x, 0)];
    return [...arg, ...expFastShuffled(this.x, this.e1 ??= this.fn.local(V128))];
  }

  private e1: number | undefined;

  /**
   * [exp(x), exp(−x)] for x = `arg`, where `negArg` is code computing −x bit for bit (it is used
   * only by the checked functions, which take each lane to hoc_Exp). The fast path shares glibc's
   * range reduction between the two: for −x, z = x·InvLn2N and kd negate exactly (round to nearest
   * is symmetric), so r(−x) = −r(x), r² is the same, r·C3 and r·C5 change sign, and
   * (−x)·InvLn2N + Shift is Shift − z; only the table lookups and the last additions are done
   * twice. Each result is the bits of exp on its own (of ir/wasm/exp.ts's fast path).
   */
  expPlusMinus(arg: Vec, negArg: Vec): [Vec, Vec] {
    if (this.checked) return [this.def(this.exp(arg)), this.def(this.exp(negArg))];
    const s = this.x;
    const k = (c: number): number[] => [...this.k(c)];
    const fadd = simd(SIMD.f64x2Add), fsub = simd(SIMD.f64x2Sub), fmul = simd(SIMD.f64x2Mul);
    const local = (): number => this.fn.local(V128);
    const z = local(), ki2 = local(), rc3 = local(), rc5 = local(), rr2 = local();
    const e1 = this.e1 ??= this.fn.local(V128);
    const tail = [...get(s.kd), ...get(e1), ...simd(I8X16_SHUFFLE, ...LOW_LANES)];
    // scale = bits(sbits + (ki << 45)); exp = scale + scale·tmp (tmp in s.tmp)
    const scaled = (ki: number): number[] => [
      ...get(s.kd), ...get(e1), ...simd(I8X16_SHUFFLE, ...HIGH_LANES),
      ...get(ki), OP.i32Const, 45, ...simd(SIMD.i64x2Shl), ...simd(SIMD.i64x2Add), ...tee(s.kd),
      ...get(s.kd), ...get(s.tmp), ...fmul, ...fadd,
    ];
    const plus = this.fn.local(V128), minus = this.fn.local(V128);
    this.code.push(
      ...arg, ...set(s.x),
      // the range check of expFast (|−x| = |x|)
      ...get(s.ok), ...get(s.x), ...simd(SIMD.f64x2Abs), ...k(512), ...simd(SIMD.f64x2Lt), ...simd(SIMD.and), ...set(s.ok),
      ...get(s.x), ...k(INV_LN2_N), ...fmul, ...tee(z), ...k(SHIFT), ...fadd, ...tee(s.ki),
      ...k(SHIFT), ...fsub, ...set(s.kd),
      ...get(s.x), ...get(s.kd), ...k(NEG_LN2_HI_N), ...fmul, ...fadd, ...get(s.kd), ...k(NEG_LN2_LO_N), ...fmul, ...fadd,
      ...tee(s.r), ...get(s.r), ...fmul, ...tee(s.rr), ...get(s.rr), ...fmul, ...set(rr2),
      ...get(s.r), ...k(C3), ...fmul, ...set(rc3), ...get(s.r), ...k(C5), ...fmul, ...set(rc5),
      ...k(SHIFT), ...get(z), ...fsub, ...set(ki2),
      // exp(x): tail + r + r²·(C2 + r·C3) + r⁴·(C4 + r·C5)
      ...entries(s, s.ki, e1), ...tail, ...get(s.r), ...fadd,
      ...get(s.rr), ...k(C2), ...get(rc3), ...fadd, ...fmul, ...fadd,
      ...get(rr2), ...k(C4), ...get(rc5), ...fadd, ...fmul, ...fadd, ...set(s.tmp),
      ...scaled(s.ki), ...set(plus),
      // exp(−x): tail − r + r²·(C2 − r·C3) + r⁴·(C4 − r·C5)
      ...entries(s, ki2, e1), ...tail, ...get(s.r), ...fsub,
      ...get(s.rr), ...k(C2), ...get(rc3), ...fsub, ...fmul, ...fadd,
      ...get(rr2), ...k(C4), ...get(rc5), ...fsub, ...fmul, ...fadd, ...set(s.tmp),
      ...scaled(ki2), ...set(minus),
    );
    return [get(plus), get(minus)];
  }

  /** A local holding `value` (its computation goes into `code`). */
  def(value: Vec): Vec {
    const l = this.fn.local(V128);
    this.code.push(...value, ...set(l));
    return get(l);
  }
}

/**
 * A module exporting `advance(...params)`: `params` are WebAssembly value types, params[n] (an i32)
 * the instance count. `update(b)` writes the arithmetic of one pair (or lane) into b.code (b.def)
 * and returns the code storing its results; it must only store, never read what it stores.
 */
export function fusedModule(params: readonly number[], n: number, update: (b: Body) => number[]): WebAssembly.Module {
  if (params[n] !== I32) throw new Error('internal: fused: the count parameter must be an i32');
  const iArg = params.length;
  const checkedFn = (name: string, mode: Mode): Fn => {
    const fn = new Fn(name, [...params, I32]);
    const b = new Body(fn, iArg, mode, true);
    const stores = update(b);
    fn.emit(b.code, stores);
    fn.prepend(b.prologue());
    return fn;
  };
  const fn = new Fn('advance', [...params]);
  const i = fn.local(I32);
  if (i !== iArg) throw new Error('internal: fused: local i');
  const end = fn.local(I32);
  const b = new Body(fn, i, 'pair', false);
  const args = [...params.flatMap((_, k) => get(k)), ...get(i)];
  // end = (n & ~1)·8
  fn.emit(get(n), i32(-2), OP.i32And, i32(3), OP.i32Shl, set(end), i32(0), set(i));
  fn.emit(OP.block, 0x40, OP.loop, 0x40);
  fn.emit(get(i), get(end), OP.i32GeU, OP.brIf, 1);
  fn.emit(expFastStart(b.x));
  const stores = update(b);
  fn.emit(b.code);
  fn.emit(expFastOutOfRange(b.x), OP.if, 0x40, args);
  fn.callFn('checked_pair');
  fn.emit(OP.else, stores, OP.end);
  fn.emit(get(i), i32(16), OP.i32Add, set(i), OP.br, 0, OP.end, OP.end);
  // odd n: the last lane (i = end here)
  fn.emit(get(n), i32(1), OP.i32And, OP.if, 0x40, args);
  fn.callFn('checked_single');
  fn.emit(OP.end);
  fn.prepend(b.prologue());
  const fns = [fn, checkedFn('checked_pair', 'pair'), checkedFn('checked_single', 'single')];
  return new WebAssembly.Module(assemble([{ name: 'exp', params: [F64], results: [F64] }], fns, 1));
}

/** The module's `advance` on a memory holding the exp table at byte 0; `hocExp` is NEURON's hoc_Exp (the slow lanes). */
export function fusedKernel<K>(module: WebAssembly.Module, memory: WebAssembly.Memory, hocExp: (x: number) => number): K {
  return new WebAssembly.Instance(module, { env: { mem: memory, exp: hocExp } }).exports.advance as K;
}
