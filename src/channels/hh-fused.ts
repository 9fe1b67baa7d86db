/**
 * hh's exact-rate state update (rates and cnexp) in ONE WebAssembly SIMD loop over the instances,
 * two instances per f64x2 lane pair (it replaced passes over scratch planes: arguments, a batched
 * exp, the rates, then one relax per gate): per pair it reads v, computes the six rate
 * exponentials, α, β, τ = 1/(q10·(α + β)), x∞ = α/(α + β), a = (−1)/τ, the cnexp target −(x∞/τ)/a
 * and exponent dt·a, and updates x ← x + (1 − exp(dt·a))·(target − x) for m, h and n.
 *
 * Every lane does the same operations in the same order as the JavaScript (those of `hhRatesPair` in
 * ./hh.ts and of ExpBatch.relax; vtrap's two branches computed and one selected), with exp as glibc
 * / NEURON's hoc_Exp (src/channels/ir/wasm/exp.ts: the fast path inline; a pair with an argument
 * outside |x| < 512, or NaN, is recomputed by a second function whose exps go lane by lane to the
 * imported hoc_Exp, as the batched exp does), so the states are the same bits
 * (test/batch/hh-fused.test.ts). An odd last instance runs the checked function on one lane.
 *
 * The module imports the ExpBatch's memory (./exp-wasm.ts), whose first 2048 bytes are the exp
 * table the inline exps read (the same layout: src/channels/ir/wasm/exp.ts `writeExpTable`).
 * Compiled once per process; immutable.
 */
import type { ExpBatch } from './exp-wasm.ts';
import { assemble, F64, Fn, I32, OP, SIMD, V128, get, i32, memarg, set, simd, splatConst } from './ir/wasm/asm.ts';
import { expFast, expFastOutOfRange, expFastStart, expPair, expScratch, type ExpScratch } from './ir/wasm/exp.ts';
import { hocExp } from './user/runtime.ts';

// Parameters of every function: byte addresses of the v, m, h, n planes, the count, q10, dt; the
// slow functions also get the byte offset i of their pair (or lane).
const P_V = 0, P_M = 1, P_H = 2, P_N = 3, N = 4, Q10 = 5, DT = 6, I_ARG = 7;
const PARAMS = [I32, I32, I32, I32, I32, F64, F64] as const;

type Mode = 'pair' | 'single';

/** Emission into one function: constants in locals set once, loads and stores of a pair or a lane. */
class Body {
  readonly x: ExpScratch;
  private readonly consts = new Map<string, { value: number; local: number }>();
  private readonly q10: number;
  private readonly dt: number;

  constructor(readonly fn: Fn, readonly i: number, readonly mode: Mode, readonly checked: boolean) {
    this.x = expScratch(fn, (c) => this.k(c));
    this.q10 = fn.local(V128);
    this.dt = fn.local(V128);
  }

  k(c: number): number[] {
    const key = Object.is(c, -0) ? '-0' : String(c);
    let e = this.consts.get(key);
    if (e === undefined) {
      e = { value: c, local: this.fn.local(V128) };
      this.consts.set(key, e);
    }
    return get(e.local);
  }

  /** Code setting the constant locals, q10 and dt (put before the body once it is written). */
  prologue(): number[] {
    const out = [...get(Q10), ...simd(SIMD.f64x2Splat), ...set(this.q10), ...get(DT), ...simd(SIMD.f64x2Splat), ...set(this.dt)];
    for (const c of this.consts.values()) out.push(...splatConst(c.value), ...set(c.local));
    return out;
  }

  Q10 = (): number[] => get(this.q10);
  DT = (): number[] => get(this.dt);

  load(plane: number): number[] {
    return [...get(plane), ...get(this.i), OP.i32Add, ...simd(this.mode === 'pair' ? SIMD.load : SIMD.load64Splat, ...memarg(3, 0))];
  }

  store(plane: number, value: number[]): number[] {
    return this.mode === 'pair'
      ? [...get(plane), ...get(this.i), OP.i32Add, ...value, ...simd(SIMD.store, ...memarg(3, 0))]
      : [...get(plane), ...get(this.i), OP.i32Add, ...value, ...simd(SIMD.store64Lane, ...memarg(3, 0), 0)];
  }

  exp(arg: number[]): number[] {
    return [...arg, ...(this.checked ? expPair(this.x, 0) : expFast(this.x))];
  }

  local(value: number[]): { code: number[]; get: number[] } {
    const l = this.fn.local(V128);
    return { code: [...value, ...set(l)], get: get(l) };
  }
}

const op = (code: number) => (a: number[], b: number[]): number[] => [...a, ...b, ...simd(code)];
const add = op(SIMD.f64x2Add), sub = op(SIMD.f64x2Sub), mul = op(SIMD.f64x2Mul), div = op(SIMD.f64x2Div), lt = op(SIMD.f64x2Lt);
const neg = (a: number[]): number[] => [...a, ...simd(SIMD.f64x2Neg)];
const abs = (a: number[]): number[] => [...a, ...simd(SIMD.f64x2Abs)];
/** cond ? t : f, lane by lane. */
const select = (cond: number[], t: number[], f: number[]): number[] => [...t, ...f, ...cond, ...simd(SIMD.bitselect)];

/**
 * The update of one pair (or lane): the arithmetic, and the stores of the new m, h, n. Returns
 * [code computing everything into locals, code storing].
 */
function update(b: Body): [number[], number[]] {
  const code: number[] = [];
  const def = (value: number[]): number[] => {
    const l = b.local(value);
    code.push(...l.code);
    return l.get;
  };
  const k = (c: number): number[] => b.k(c);
  const v = def(b.load(P_V));
  // exponent arguments −(v + c)/d
  const arg = (c: number, d: number): number[] => div(neg(add(v, k(c))), k(d));
  // vtrap(x, 10)·c: |q| < 1e-6 ? 10·(1 − q/2) : x/(exp(q) − 1), q = x/10 (exp(q) = exp(−(v + shift)/10))
  const vtrap10 = (c: number, x: number[], q: number[], e: number[]): number[] =>
    mul(k(c), select(lt(abs(q), k(1e-6)), mul(k(10), sub(k(1), div(q, k(2)))), div(x, sub(e, k(1)))));
  const e0 = def(b.exp(arg(40, 10)));
  const e1 = def(b.exp(arg(65, 18)));
  const e2 = def(b.exp(arg(65, 20)));
  const e3 = def(b.exp(arg(35, 10)));
  const e4 = def(b.exp(arg(55, 10)));
  const e5 = def(b.exp(arg(65, 80)));
  const xm = def(neg(add(v, k(40))));
  const qm = def(div(xm, k(10)));
  const am = def(vtrap10(0.1, xm, qm, e0));
  const bm = def(mul(k(4), e1));
  const ah = def(mul(k(0.07), e2));
  const bh = def(div(k(1), add(e3, k(1))));
  const xn = def(neg(add(v, k(55))));
  const qn = def(div(xn, k(10)));
  const an = def(vtrap10(0.01, xn, qn, e4));
  const bn = def(mul(k(0.125), e5));
  const gate = (alpha: number[], beta: number[], plane: number): number[] => {
    const sum = def(add(alpha, beta));
    const inf = def(div(alpha, sum));
    const tau = def(div(k(1), mul(b.Q10(), sum)));
    const a = def(div(k(-1), tau));
    const target = def(div(neg(div(inf, tau)), a));
    const e = def(b.exp(mul(b.DT(), a)));
    const x = def(b.load(plane));
    // relax: x + (1 − e)·(target − x)
    return def(add(x, mul(sub(k(1), e), sub(target, x))));
  };
  const m = gate(am, bm, P_M);
  const h = gate(ah, bh, P_H);
  const n = gate(an, bn, P_N);
  return [code, [...b.store(P_M, m), ...b.store(P_H, h), ...b.store(P_N, n)]];
}

/** A function updating the pair (or lane) at byte offset i with checked exps. */
function slowFn(name: string, mode: Mode): Fn {
  const fn = new Fn(name, [...PARAMS, I32]);
  const b = new Body(fn, I_ARG, mode, true);
  const [code, stores] = update(b);
  fn.emit(code, stores);
  fn.prepend(b.prologue());
  return fn;
}

/** advance(pV, pM, pH, pN, n, q10, dt): the loop over pairs, then an odd last lane. */
function advanceFn(): Fn {
  const fn = new Fn('advance', [...PARAMS]);
  const i = fn.local(I32);
  if (i !== I_ARG) throw new Error('internal: hh-fused: local i');
  const end = fn.local(I32);
  const b = new Body(fn, i, 'pair', false);
  const args = [...get(P_V), ...get(P_M), ...get(P_H), ...get(P_N), ...get(N), ...get(Q10), ...get(DT), ...get(i)];
  // end = (n & ~1)·8
  fn.emit(get(N), i32(-2), OP.i32And, i32(3), OP.i32Shl, set(end), i32(0), set(i));
  fn.emit(OP.block, 0x40, OP.loop, 0x40);
  fn.emit(get(i), get(end), OP.i32GeU, OP.brIf, 1);
  fn.emit(expFastStart(b.x));
  const [code, stores] = update(b);
  fn.emit(code);
  fn.emit(expFastOutOfRange(b.x), OP.if, 0x40, args);
  fn.callFn('slow_pair');
  fn.emit(OP.else, stores, OP.end);
  fn.emit(get(i), i32(16), OP.i32Add, set(i), OP.br, 0, OP.end, OP.end);
  // odd n: the last lane (i = end here)
  fn.emit(get(N), i32(1), OP.i32And, OP.if, 0x40, args);
  fn.callFn('slow_single');
  fn.emit(OP.end);
  fn.prepend(b.prologue());
  return fn;
}

const MODULE = new WebAssembly.Module(
  assemble([{ name: 'exp', params: [F64], results: [F64] }], [advanceFn(), slowFn('slow_pair', 'pair'), slowFn('slow_single', 'single')], 1),
);

export interface HhFused {
  /** m, h, n ← their cnexp update from the v plane (exact rates). */
  advance(q10: number, dt: number): void;
}

/**
 * The fused update on `expb`'s memory for `count` instances. Offsets are in doubles into
 * `expb.buf`: m, h, n and the v plane (`count` doubles each, filled by the caller before each
 * `advance`; planes must not overlap).
 */
export function hhFused(expb: ExpBatch, count: number, at: { v: number; m: number; h: number; n: number }): HhFused {
  const memory = expb.memory;
  if (memory === undefined) throw new Error('hh-fused: the ExpBatch has no WebAssembly memory');
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`hh-fused: count must be an integer >= 0, got ${count}`);
  const cap = expb.buf.length;
  for (const [name, off] of Object.entries(at)) {
    if (!(Number.isInteger(off) && off >= 0 && off + count <= cap)) {
      throw new RangeError(`hh-fused: plane ${name} [${off}, ${off + count}) outside the scratch 0..${cap}`);
    }
  }
  const run = new WebAssembly.Instance(MODULE, { env: { mem: memory, exp: hocExp } }).exports.advance as (
    pV: number, pM: number, pH: number, pN: number, n: number, q10: number, dt: number,
  ) => void;
  const byte = (off: number): number => expb.buf.byteOffset + 8 * off;
  const pV = byte(at.v), pM = byte(at.m), pH = byte(at.h), pN = byte(at.n);
  return {
    advance(q10, dt) {
      run(pV, pM, pH, pN, count, q10, dt);
    },
  };
}
