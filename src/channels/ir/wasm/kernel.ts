/**
 * Mechanism kernels generated from the kinetics IR (src/channels/user/compile.ts `lowerMechanism`)
 * into WebAssembly SIMD over the variant axis of a batch (src/solvers/batch/state.ts): instance k
 * of variant β is k·B + β and sits on node nodes[k]·B + β, so two neighbouring variants are one
 * f64x2 lane pair for instance arrays and node arrays alike (no gathers). An odd last variant runs
 * the same code on a pair with both lanes equal, storing lane 0.
 *
 * The arithmetic is the JavaScript-compiled kernel's, operation for operation: the same expression
 * trees (compile.ts Generator.current / advance), vtrap and efun expanded as stage.ts does, exp as
 * glibc / hoc_Exp (./exp.ts), pow, log, log10 and tanh through JavaScript's Math (imported), and
 * block-level quantities (no instance dependence) computed in JavaScript from the same emitted
 * source. So every state, current and contribution to rhs and d is the compiled kernel's bit for bit
 * (test/batch/wasm-kernel.test.ts). Density mechanisms without events only; a mechanism with its
 * rate table on keeps its JavaScript kernel (the caller decides).
 */
import { readClosure, type LoweredMechanism } from '../../user/compile.ts';
import { emit, type IR } from '../../user/expr.ts';
import { HELPERS } from '../../user/runtime.ts';
import { F64, Fn, I32, OP, SIMD, V128, get, i32, memarg, set, simd, splatConst, tee, type Import } from './asm.ts';
import { expFast, expFastOutOfRange, expFastStart, expPair, expRangeMask, expScratch, type ExpScratch } from './exp.ts';
import { affineInV, constantReciprocal, planSharedExps, reciprocal, type Affine, type Arithmetic } from './fast.ts';

/** Imported functions every kernel module has, in this order (indices 0…). */
export const KERNEL_IMPORTS: readonly Import[] = [
  { name: 'exp', params: [F64], results: [F64] },
  { name: 'pow', params: [F64, F64], results: [F64] },
  { name: 'log', params: [F64], results: [F64] },
  { name: 'log10', params: [F64], results: [F64] },
  { name: 'tanh', params: [F64], results: [F64] },
];
const IMPORT_INDEX: Readonly<Record<string, number>> = { exp: 0, pow: 1, log: 2, log10: 3, tanh: 4 };

export function kernelImports(hocExp: (x: number) => number): Record<string, (...a: number[]) => number> {
  return { exp: hocExp, pow: Math.pow, log: Math.log, log10: Math.log10, tanh: Math.tanh };
}

/** Byte addresses in the kernel's memory of the arrays one mechanism use reads and writes. */
export interface KernelLayout {
  readonly B: number;
  readonly count: number;
  /** Int32 per instance k: nodes[k]·B·8 (byte offset of its node row). */
  readonly nodeRows: number;
  readonly v: number;
  readonly rhs: number;
  /** ctx.d (the diagonal the currents add to). */
  readonly d: number;
  /** Instance arrays [instance][variant] by name: parameters, states, stored assigned and currents. */
  readonly vars: Readonly<Record<string, number>>;
  /** Node arrays [node][variant] of the ions: `${ion}.${field}` (field e, ci, co, i, didv). */
  readonly ions: Readonly<Record<string, number>>;
  /** Start of this use's scalar constants (doubles, filled by `prepare`). */
  readonly consts: number;
  /** Stored quantities (assigned, currents) somebody reads; the others are not written. */
  readonly storeVars: ReadonlySet<string>;
  /** Ions whose totals (i, didv) somebody reads. */
  readonly storeIonTotals: ReadonlySet<string>;
  /** `exact` (default): nocmodl's operations one for one; `fast`: ./fast.ts's rewrites. */
  readonly arithmetic?: Arithmetic;
  /** Byte offset of the state update's scratch (`scratchCount` doubles); absent: the one-loop update. */
  readonly scratch?: number;
}

/** Doubles of a use's state-update scratch: per lane pair of one instance, each state's a and target, and the exp mask. */
export function scratchCount(low: LoweredMechanism, B: number): number {
  return low.states.length === 0 ? 0 : Math.max(1, B >> 1) * (2 * low.states.length + 1) * 2;
}

export class UnsupportedKernelError extends Error {}

/** A generated kernel pair for one mechanism use. */
export interface GeneratedKernels {
  /** The exported kernels. */
  readonly current: Fn;
  readonly advance: Fn | null;
  /** NMODL INITIAL: the states' steady state at v (or their explicit initial values), always in exact arithmetic (null: none). */
  readonly initialize: Fn | null;
  /** Every function to put in the module (the kernels and the bodies they call for out-of-range exp). */
  readonly fns: readonly Fn[];
  /** Doubles of the constants region. */
  readonly nConsts: number;
  /** Fill the constants (t, dt, celsius, globals, block-level assigned) before either call. */
  readonly prepare: (F: Float64Array, globals: Readonly<Record<string, number>>, ctx: { t: number; dt: number; celsius: number }) => void;
}

type Pass = '' | '0' | '1';

interface Closure {
  readonly name: string;
  readonly ir: IR;
  readonly flags: { readonly inst: boolean; readonly v: boolean };
  readonly reads: readonly string[];
}

const closure = (all: readonly Closure[], roots: readonly string[]): Closure[] => readClosure(all, roots);

function assignedReads(low: LoweredMechanism, ir: IR, out: string[] = []): string[] {
  switch (ir.k) {
    case 'sym':
      if (low.symbol(ir.name)?.kind === 'assigned') out.push(ir.name);
      break;
    case 'bin':
      assignedReads(low, ir.a, out);
      assignedReads(low, ir.b, out);
      break;
    case 'neg':
    case 'not':
      assignedReads(low, ir.a, out);
      break;
    case 'call':
      ir.args.forEach((x) => assignedReads(low, x, out));
      break;
    case 'cond':
      assignedReads(low, ir.c, out);
      assignedReads(low, ir.a, out);
      assignedReads(low, ir.b, out);
      break;
    default:
      break;
  }
  return out;
}

/** Why a lowered mechanism cannot get a wasm kernel, or null. */
export function unsupportedReason(low: LoweredMechanism): string | null {
  const spec = low.spec;
  if (spec.kind !== 'density') return 'point process';
  if (spec.netReceive !== undefined || spec.postSpike !== undefined) return 'event blocks';
  if (spec.weightStates.length > 0) return 'weight states';
  if ((spec as { beforeBreakpoint?: unknown }).beforeBreakpoint !== undefined) return 'before_breakpoint block';
  if (spec.states.some((s) => (s as { ion?: string }).ion !== undefined)) return 'concentration state';
  if (low.currents.length === 0) return 'no current';
  return null;
}

/** Per-function emission state. */
class Emitter {
  readonly x: ExpScratch;
  private readonly values = new Map<string, number>();
  readonly constLocals = new Map<string, number>();
  mode: 'pair' | 'single' = 'pair';
  /** An exp was emitted since the last reset. */
  usedExp = false;
  /** fast: exponentials computed from others' (planned per body, ./fast.ts planSharedExps): code leaving exp of the site's argument. */
  shared: Map<IR, number[]> | null = null;

  /**
   * @param ia, na locals (or parameters) with the byte offsets of the instance·variant and its node
   * @param checked exp with the range check and imported fallback inline (else `expFast`)
   */
  constructor(
    readonly fn: Fn,
    readonly ia: number,
    readonly na: number,
    readonly checked: boolean,
    readonly fast: boolean,
  ) {
    this.x = expScratch(fn, (x) => this.k(x));
  }

  /** Numeric constants of the body, each in a local set once in the prologue. */
  readonly numLocals = new Map<string, { value: number; local: number }>();

  /** Code pushing the constant x (both lanes) from its local. */
  k(x: number): number[] {
    const key = Object.is(x, -0) ? '-0' : String(x);
    let c = this.numLocals.get(key);
    if (c === undefined) {
      c = { value: x, local: this.fn.local(V128) };
      this.numLocals.set(key, c);
    }
    return get(c.local);
  }

  /** exp of the v128 on the stack. */
  exp(): number[] {
    this.usedExp = true;
    return this.checked ? expPair(this.x, IMPORT_INDEX.exp) : expFast(this.x);
  }

  /** A named v128 value (fresh local per name per mode). */
  define(name: string, code: number[]): void {
    const l = this.fn.local(V128);
    this.fn.emit(code, set(l));
    this.values.set(name, l);
  }

  value(name: string): number[] {
    const l = this.values.get(name);
    if (l === undefined) throw new Error(`internal: wasm kernel value ${name} undefined`);
    return get(l);
  }

  reset(mode: 'pair' | 'single'): void {
    this.values.clear();
    this.mode = mode;
    this.usedExp = false;
    this.shared = null;
  }

  /** AND into the fast-path mask whether the v128 left by `arg` is inside exp's fast range (./exp.ts). */
  rangeCheck(arg: number[]): number[] {
    return expRangeMask(this.x, arg);
  }

  load(addrLocal: number, base: number): number[] {
    return this.mode === 'pair' ? [...get(addrLocal), ...simd(SIMD.load, ...memarg(3, base))] : [...get(addrLocal), ...simd(SIMD.load64Splat, ...memarg(3, base))];
  }

  /** Store `value` (code leaving a v128) at base + address. */
  store(addrLocal: number, base: number, value: number[]): number[] {
    return this.mode === 'pair'
      ? [...get(addrLocal), ...value, ...simd(SIMD.store, ...memarg(3, base))]
      : [...get(addrLocal), ...value, ...simd(SIMD.store64Lane, ...memarg(3, base), 0)];
  }

  /** A temporary local holding the value now on the stack (for vtrap, efun, pow). */
  temp(): number {
    return this.fn.local(V128);
  }
}

const bin = (op: number): number[] => simd(op);
const ARITH: Readonly<Record<string, number>> = { '+': SIMD.f64x2Add, '-': SIMD.f64x2Sub, '*': SIMD.f64x2Mul, '/': SIMD.f64x2Div, '<': SIMD.f64x2Lt, '<=': SIMD.f64x2Le, '>': SIMD.f64x2Gt, '>=': SIMD.f64x2Ge, '===': SIMD.f64x2Eq, '!==': SIMD.f64x2Ne, '&&': SIMD.and, '||': SIMD.or };

/** ±2^k with 2^−k a normal double too (so that 1/x is exact). */
function isPowerOfTwo(x: number): boolean {
  const a = Math.abs(x);
  if (!(a >= 2 ** -1022 && a <= 2 ** 1022)) return false;
  return 2 ** Math.round(Math.log2(a)) === a;
}

/** Code leaving the IR's value (or mask, for conditions) as a v128 on the stack. */
function emitIR(e: Emitter, ir: IR, resolve: (name: string) => number[]): number[] {
  const r = (x: IR) => emitIR(e, x, resolve);
  switch (ir.k) {
    case 'num':
      return e.k(ir.v);
    case 'sym':
      return resolve(ir.name);
    case 'raw':
      throw new UnsupportedKernelError(`generated code "${ir.code}" in an expression`);
    case 'bin': {
      // x / 2^k = x · 2^−k exactly (both the correctly rounded x·2^−k)
      if (ir.op === '/' && ir.b.k === 'num' && isPowerOfTwo(ir.b.v)) return [...r(ir.a), ...e.k(1 / ir.b.v), ...simd(SIMD.f64x2Mul)];
      // fast: x / c = x · (1/c) to a unit in the last place
      const inv = ir.op === '/' && e.fast ? constantReciprocal(ir.b) : null;
      if (inv !== null) return [...r(ir.a), ...e.k(inv), ...simd(SIMD.f64x2Mul)];
      const op = ARITH[ir.op];
      if (op === undefined) throw new UnsupportedKernelError(`operator ${ir.op}`);
      return [...r(ir.a), ...r(ir.b), ...bin(op)];
    }
    case 'neg':
      return [...r(ir.a), ...simd(SIMD.f64x2Neg)];
    case 'not':
      return [...r(ir.a), ...simd(SIMD.not)];
    case 'cond':
      return [...r(ir.a), ...r(ir.b), ...r(ir.c), ...simd(SIMD.bitselect)];
    case 'call': {
      const args = ir.args;
      switch (ir.fn) {
        case 'exp': {
          const sh = e.shared?.get(ir);
          if (sh !== undefined) return [...e.rangeCheck(r(args[0])), ...sh];
          return [...r(args[0]), ...e.exp()];
        }
        case 'abs':
          return [...r(args[0]), ...simd(SIMD.f64x2Abs)];
        case 'sqrt':
          return [...r(args[0]), ...simd(SIMD.f64x2Sqrt)];
        case 'min':
        case 'max': {
          // Math.min(a, b, c) = min(min(a, b), c) (NaN and ±0 rules as wasm's f64x2.min/max)
          const op = ir.fn === 'min' ? SIMD.f64x2Min : SIMD.f64x2Max;
          const out = r(args[0]);
          for (let k = 1; k < args.length; k++) out.push(...r(args[k]), ...simd(op));
          return out;
        }
        case 'vtrap': {
          // stage.ts: q = x/y; |q| < 1e-6 ? y·(1 − q/2) : x/(exp(q) − 1)
          // q/2 = q·0.5 exactly; fast: x/y = x·(1/y) for a constant y
          const x = e.temp(), y = e.temp(), q = e.temp();
          const yInv = e.fast ? constantReciprocal(args[1]) : null;
          const sh = e.shared?.get(ir);
          const expQ = sh !== undefined ? [...e.rangeCheck(get(q)), ...sh] : [...get(q), ...e.exp()];
          return [
            ...r(args[0]), ...set(x), ...r(args[1]), ...set(y),
            ...(yInv === null ? [...get(x), ...get(y), ...simd(SIMD.f64x2Div)] : [...get(x), ...e.k(yInv), ...simd(SIMD.f64x2Mul)]), ...set(q),
            ...get(y), ...e.k(1), ...get(q), ...e.k(0.5), ...simd(SIMD.f64x2Mul), ...simd(SIMD.f64x2Sub), ...simd(SIMD.f64x2Mul),
            ...get(x), ...expQ, ...e.k(1), ...simd(SIMD.f64x2Sub), ...simd(SIMD.f64x2Div),
            ...get(q), ...simd(SIMD.f64x2Abs), ...e.k(1e-6), ...simd(SIMD.f64x2Lt),
            ...simd(SIMD.bitselect),
          ];
        }
        case 'efun': {
          // stage.ts: |z| < 1e-4 ? 1 − z/2 : z/(exp(z) − 1)
          const z = e.temp();
          return [
            ...r(args[0]), ...set(z),
            ...e.k(1), ...get(z), ...e.k(0.5), ...simd(SIMD.f64x2Mul), ...simd(SIMD.f64x2Sub),
            ...get(z), ...get(z), ...e.exp(), ...e.k(1), ...simd(SIMD.f64x2Sub), ...simd(SIMD.f64x2Div),
            ...get(z), ...simd(SIMD.f64x2Abs), ...e.k(1e-4), ...simd(SIMD.f64x2Lt),
            ...simd(SIMD.bitselect),
          ];
        }
        case 'log':
        case 'log10':
        case 'tanh': {
          const a = e.temp();
          const f = IMPORT_INDEX[ir.fn];
          return [
            ...r(args[0]), ...set(a),
            ...get(a), ...simd(SIMD.f64x2Extract, 0), OP.call, f, ...simd(SIMD.f64x2Splat),
            ...get(a), ...simd(SIMD.f64x2Extract, 1), OP.call, f, ...simd(SIMD.f64x2Replace, 1),
          ];
        }
        case 'pow': {
          const a = e.temp(), b = e.temp();
          const f = IMPORT_INDEX.pow;
          return [
            ...r(args[0]), ...set(a), ...r(args[1]), ...set(b),
            ...get(a), ...simd(SIMD.f64x2Extract, 0), ...get(b), ...simd(SIMD.f64x2Extract, 0), OP.call, f, ...simd(SIMD.f64x2Splat),
            ...get(a), ...simd(SIMD.f64x2Extract, 1), ...get(b), ...simd(SIMD.f64x2Extract, 1), OP.call, f, ...simd(SIMD.f64x2Replace, 1),
          ];
        }
        default:
          throw new UnsupportedKernelError(`function ${ir.fn}`);
      }
    }
  }
}

/** ÷ 0.001 (the finite difference's step), or × 1000 in fast arithmetic. */
function perMilli(e: Emitter): number[] {
  return e.fast ? [...e.k(1000), ...simd(SIMD.f64x2Mul)] : [...e.k(0.001), ...simd(SIMD.f64x2Div)];
}

/** A kernel body: emits its arithmetic through `e` and returns the code of its stores. */
type Body = (e: Emitter) => number[];

/**
 * A kernel: the (instance, variant) loop around `body`, which is emitted for lane pairs and for an
 * odd last variant. ia: byte offset of instance·variant j (j·8), na: of its node (nodes[k]·B + β)·8.
 * The loop's exps take the fast path only; a pair (or lane) with an argument outside its range
 * skips the stores and calls the same body compiled with checked exps (`<name>_slow_<mode>`).
 */
/**
 * A state update split in two loops over an instance's lane pairs (`kernelFns` with `phases`): the
 * first computes each pair's rates and writes what the second needs (cnexp's a and target, and the
 * exps' range mask) to `scratch`, `stride` bytes per pair; the second reads them, takes the exps of
 * dt·a and updates the states. Shorter loop bodies let the processor overlap more pairs (the fused
 * body is one long chain of dependent exps and divisions). The operations per lane are the fused
 * body's, so the values are too; a pair with an exp argument out of range is recomputed by the
 * fused body with checked exps, as in the one-loop kernel.
 */
interface Phases {
  readonly scratch: number;
  readonly stride: number;
  /** Rates of the pair at ia/na: returns the code storing the values at `sp`. */
  readonly rates: (e: Emitter, sp: number) => number[];
  /** The update of the pair at ia from the values at `sp`: returns the state stores. */
  readonly update: (e: Emitter, sp: number) => number[];
}

function kernelFns(name: string, L: KernelLayout, body: Body, constPrologue: (e: Emitter) => number[], phases?: Phases): Fn[] {
  const fn = new Fn(name, []);
  const ia = fn.local(I32), na = fn.local(I32);
  const e = new Emitter(fn, ia, na, false, L.arithmetic === 'fast');
  const slow: Fn[] = [];
  const k = fn.local(I32);
  const end = fn.local(I32);
  const pairBytes = (L.B & ~1) * 8;
  const slowFn = (mode: 'pair' | 'single'): string => {
    const slowName = `${name}_slow_${mode}`;
    if (slow.some((f) => f.name === slowName)) return slowName;
    const sf = new Fn(slowName, [I32, I32]);
    const se = new Emitter(sf, 0, 1, true, L.arithmetic === 'fast');
    se.reset(mode);
    const st = body(se);
    sf.emit(st);
    sf.prepend(constPrologue(se));
    slow.push(sf);
    return slowName;
  };
  const one = (mode: 'pair' | 'single') => {
    e.reset(mode);
    fn.emit(expFastStart(e.x));
    const stores = body(e);
    if (!e.usedExp) {
      fn.emit(stores);
      return;
    }
    const slowName = slowFn(mode);
    fn.emit(expFastOutOfRange(e.x), OP.if, 0x40, get(ia), get(na));
    fn.callFn(slowName);
    fn.emit(OP.else, stores, OP.end);
  };
  const twoPhase = (ph: Phases) => {
    const sp = fn.local(I32), ia0 = fn.local(I32), na0 = fn.local(I32);
    fn.emit(get(ia), set(ia0), get(na), set(na0), get(ia), i32(pairBytes), OP.i32Add, set(end));
    // 1: rates of every pair into the scratch
    fn.emit(i32(ph.scratch), set(sp));
    fn.emit(OP.block, 0x40, OP.loop, 0x40);
    fn.emit(get(ia), get(end), OP.i32GeU, OP.brIf, 1);
    e.reset('pair');
    fn.emit(expFastStart(e.x));
    fn.emit(ph.rates(e, sp));
    fn.emit(get(ia), i32(16), OP.i32Add, set(ia), get(na), i32(16), OP.i32Add, set(na), get(sp), i32(ph.stride), OP.i32Add, set(sp));
    fn.emit(OP.br, 0, OP.end, OP.end);
    // 2: the updates (a pair with an exp out of range in either loop: the fused body, checked)
    fn.emit(get(ia0), set(ia), get(na0), set(na), i32(ph.scratch), set(sp));
    fn.emit(OP.block, 0x40, OP.loop, 0x40);
    fn.emit(get(ia), get(end), OP.i32GeU, OP.brIf, 1);
    e.reset('pair');
    const stores = ph.update(e, sp);
    fn.emit(expFastOutOfRange(e.x), OP.if, 0x40, get(ia), get(na));
    fn.callFn(slowFn('pair'));
    fn.emit(OP.else, stores, OP.end);
    fn.emit(get(ia), i32(16), OP.i32Add, set(ia), get(na), i32(16), OP.i32Add, set(na), get(sp), i32(ph.stride), OP.i32Add, set(sp));
    fn.emit(OP.br, 0, OP.end, OP.end);
  };
  fn.emit(i32(0), set(ia), i32(0), set(k));
  fn.emit(OP.block, 0x40, OP.loop, 0x40);
  fn.emit(get(k), i32(L.count), OP.i32GeS, OP.brIf, 1);
  // na = nodeRows[k]
  fn.emit(get(k), i32(2), OP.i32Shl, OP.i32Load, ...memarg(2, L.nodeRows), set(na));
  if (pairBytes > 0 && phases !== undefined) twoPhase(phases);
  else if (pairBytes > 0) {
    fn.emit(get(ia), i32(pairBytes), OP.i32Add, set(end));
    fn.emit(OP.block, 0x40, OP.loop, 0x40);
    fn.emit(get(ia), get(end), OP.i32GeU, OP.brIf, 1);
    one('pair');
    fn.emit(get(ia), i32(16), OP.i32Add, set(ia), get(na), i32(16), OP.i32Add, set(na));
    fn.emit(OP.br, 0, OP.end, OP.end);
  }
  if (L.B % 2 === 1) {
    one('single');
    fn.emit(get(ia), i32(8), OP.i32Add, set(ia));
  }
  fn.emit(get(k), i32(1), OP.i32Add, set(k), OP.br, 0, OP.end, OP.end);
  fn.prepend(constPrologue(e));
  return [fn, ...slow];
}

/**
 * fast: plan the exponentials of affine arguments in `irs` (exp calls, and vtrap's exp(x/y) with a
 * constant y) as powers of a few bases (./fast.ts planSharedExps), emit the bases and their powers
 * once, and leave the derived values in `e.shared` for emitIR.
 */
function shareExps(e: Emitter, irs: readonly IR[], resolve: (name: string) => number[], isV: (name: string) => boolean): void {
  const sites: { ir: IR; arg: IR; affine: Affine }[] = [];
  const seen = new Set<IR>();
  const visit = (ir: IR): void => {
    if (seen.has(ir)) return;
    seen.add(ir);
    switch (ir.k) {
      case 'bin':
        visit(ir.a);
        visit(ir.b);
        return;
      case 'neg':
      case 'not':
        visit(ir.a);
        return;
      case 'cond':
        visit(ir.c);
        visit(ir.a);
        visit(ir.b);
        return;
      case 'call': {
        ir.args.forEach(visit);
        const arg: IR | null = ir.fn === 'exp' ? ir.args[0] : ir.fn === 'vtrap' && ir.args[1].k === 'num' ? { k: 'bin', op: '/', a: ir.args[0], b: ir.args[1] } : null;
        const affine = arg === null ? null : affineInV(arg, isV);
        if (arg !== null && affine !== null && affine.s !== 0) sites.push({ ir, arg, affine });
        return;
      }
      default:
        return;
    }
  };
  irs.forEach(visit);
  if (sites.length < 2) return;
  const plan = planSharedExps(sites.map((x) => x.affine));
  const shared = new Map<IR, number[]>();
  const powers = plan.bases.map((site, b) => {
    const local = e.fn.local(V128);
    e.fn.emit(emitIR(e, sites[site].arg, resolve), e.exp(), set(local));
    const byPower = new Map<number, number>([[1, local]]);
    const top = Math.max(...plan.shared.filter((x) => x.base === b).map((x) => x.power));
    for (let p = 2; p <= top; p *= 2) {
      const l = e.fn.local(V128);
      const prev = byPower.get(p / 2)!;
      e.fn.emit(get(prev), get(prev), simd(SIMD.f64x2Mul), set(l));
      byPower.set(p, l);
    }
    return byPower;
  });
  sites.forEach((site, k) => {
    const { base, power, factor } = plan.shared[k];
    const value = get(powers[base].get(power)!);
    shared.set(site.ir, factor === 1 ? value : [...value, ...e.k(factor), ...simd(SIMD.f64x2Mul)]);
  });
  e.shared = shared;
}

/** Generate the current and advance kernels of one mechanism use (throws UnsupportedKernelError). */
export function generateKernels(low: LoweredMechanism, L: KernelLayout, name: string): GeneratedKernels {
  const why = unsupportedReason(low);
  if (why !== null) throw new UnsupportedKernelError(why);
  const assigned: Closure[] = low.assigned.map((a) => ({ name: a.name, ir: a.ir, flags: a.flags, reads: a.reads }));
  const byName = new Map(assigned.map((a) => [a.name, a]));

  // Constants: t, dt, celsius, globals, block-level assigned (computed in JavaScript as compile.ts does).
  const constIndex = new Map<string, number>();
  const constOf = (key: string): number => {
    let k = constIndex.get(key);
    if (k === undefined) {
      k = constIndex.size;
      constIndex.set(key, k);
    }
    return k;
  };
  const blockAssigned = assigned.filter((a) => !a.flags.inst);
  for (const key of ['t', 'dt', 'celsius']) constOf(key);
  for (const g of low.spec.globals) constOf(`G_${g.name}`);
  for (const a of blockAssigned) constOf(`b_${a.name}`);

  const constCode = (e: Emitter, key: string): number[] => {
    let l = e.constLocals.get(key);
    if (l === undefined) {
      l = e.fn.local(V128);
      e.constLocals.set(key, l);
    }
    return get(l);
  };
  const prologue = (e: Emitter): number[] => {
    const out: number[] = [];
    for (const [key, l] of e.constLocals) out.push(...i32(0), ...simd(SIMD.load64Splat, ...memarg(3, L.consts + 8 * constOf(key))), ...set(l));
    for (const c of e.numLocals.values()) out.push(...splatConst(c.value), ...set(c.local));
    return out;
  };

  const resolver = (e: Emitter, pass: Pass, vValue: () => number[]) => (name: string): number[] => {
    const s = low.symbol(name);
    if (s === undefined) throw new UnsupportedKernelError(`symbol ${name}`);
    switch (s.kind) {
      case 'v':
        return vValue();
      case 'time':
        return constCode(e, 't');
      case 'block':
        if (name !== 'dt' && name !== 'celsius') throw new UnsupportedKernelError(`block symbol ${name}`);
        return constCode(e, name);
      case 'global':
        return constCode(e, `G_${name}`);
      case 'param':
      case 'state': {
        const base = L.vars[name];
        if (base === undefined) throw new Error(`internal: no array for ${name}`);
        return e.load(e.ia, base);
      }
      case 'ion': {
        const base = L.ions[`${s.ion}.${s.field}`];
        if (base === undefined) throw new Error(`internal: no array for ion ${s.ion}.${s.field}`);
        return e.load(e.na, base);
      }
      case 'assigned': {
        const a = byName.get(name)!;
        if (!a.flags.inst) return constCode(e, `b_${name}`);
        if (pass !== '' && a.flags.v) return e.value(`a${pass}_${name}`);
        return e.value(`a_${name}`);
      }
      default:
        throw new UnsupportedKernelError(`symbol ${name} of kind ${s.kind}`);
    }
  };

  // current: compile.ts Generator.current
  const needCurrent = closure(assigned, low.currents.flatMap((c) => assignedReads(low, c.ir)));
  const currentBody: Body = (e) => {
    const need = needCurrent;
    e.define('v0', e.load(e.na, L.v));
    e.define('v1', [...e.value('v0'), ...e.k(0.001), ...simd(SIMD.f64x2Add)]);
    for (const a of need) if (a.flags.inst && !a.flags.v) e.define(`a_${a.name}`, emitIR(e, a.ir, resolver(e, '0', () => e.value('v0'))));
    for (const pass of ['1', '0'] as const) {
      const res = resolver(e, pass, () => e.value(`v${pass}`));
      for (const a of need) if (a.flags.v) e.define(`a${pass}_${a.name}`, emitIR(e, a.ir, res));
      for (const c of low.currents) e.define(`c${pass}_${c.name}`, emitIR(e, c.ir, res));
      const sum = low.currents.map((c) => e.value(`c${pass}_${c.name}`)).reduce((acc, x) => [...acc, ...x, ...simd(SIMD.f64x2Add)]);
      e.define(`i${pass}`, sum);
    }
    const out: number[] = [];
    for (const a of need) {
      if (!a.flags.inst || !L.storeVars.has(a.name)) continue;
      out.push(...e.store(e.ia, L.vars[a.name], e.value(a.flags.v ? `a0_${a.name}` : `a_${a.name}`)));
    }
    for (const c of low.currents) if (L.storeVars.has(c.name)) out.push(...e.store(e.ia, L.vars[c.name], e.value(`c0_${c.name}`)));
    for (const c of low.currents) {
      if (!c.ion || !L.storeIonTotals.has(c.ion)) continue;
      const ii = L.ions[`${c.ion}.i`];
      const di = L.ions[`${c.ion}.didv`];
      out.push(...e.store(e.na, ii, [...e.load(e.na, ii), ...e.value(`c0_${c.name}`), ...simd(SIMD.f64x2Add)]));
      out.push(...e.store(e.na, di, [...e.load(e.na, di), ...e.value(`c1_${c.name}`), ...e.value(`c0_${c.name}`), ...simd(SIMD.f64x2Sub), ...perMilli(e), ...simd(SIMD.f64x2Add)]));
    }
    out.push(...e.store(e.na, L.rhs, [...e.load(e.na, L.rhs), ...e.value('i0'), ...simd(SIMD.f64x2Sub)]));
    out.push(...e.store(e.na, L.d, [...e.load(e.na, L.d), ...e.value('i1'), ...e.value('i0'), ...simd(SIMD.f64x2Sub), ...perMilli(e), ...simd(SIMD.f64x2Add)]));
    return out;
  };
  const currentFns = kernelFns(`${name}_current`, L, currentBody, prologue);

  // advance: compile.ts Generator.advance (exact rates, cnexp)
  let advanceFns: Fn[] = [];
  if (low.states.length > 0) {
    const need = closure(assigned, low.states.flatMap((s) => [...assignedReads(low, s.first.ir), ...assignedReads(low, s.second.ir)]));
    const definition = (n: string): IR | undefined => {
      const a = byName.get(n);
      return a !== undefined && a.flags.inst ? a.ir : undefined;
    };
    // the rates of one pair or lane: each state's cnexp a (`ca_<state>`) and target (`t_<state>`)
    const rates = (e: Emitter): void => {
      e.define('v', e.load(e.na, L.v));
      const res = resolver(e, '', () => e.value('v'));
      if (e.fast && !e.checked) shareExps(e, [...need.filter((a) => a.flags.inst).map((a) => a.ir), ...low.states.flatMap((s) => [s.first.ir, s.second.ir])], res, (n) => low.symbol(n)?.kind === 'v');
      for (const a of need) if (a.flags.inst) e.define(`a_${a.name}`, emitIR(e, a.ir, res));
      // fast, x∞/τ form: a = −(1/τ) with 1/τ from τ's parts (./fast.ts), target x∞
      const fastInfTau = (s: (typeof low.states)[number]): boolean => e.fast && s.decl.form === 'inf_tau';
      for (const s of low.states) {
        e.define(`r_${s.decl.name}_1`, emitIR(e, s.first.ir, res));
        if (fastInfTau(s)) e.define(`r_${s.decl.name}_2`, emitIR(e, reciprocal(s.second.ir, definition), res));
        else e.define(`r_${s.decl.name}_2`, emitIR(e, s.second.ir, res));
      }
      for (const s of low.states) {
        const n = s.decl.name;
        const r1 = e.value(`r_${n}_1`);
        const r2 = e.value(`r_${n}_2`);
        const infTau = s.decl.form === 'inf_tau';
        if (fastInfTau(s)) e.define(`ca_${n}`, [...r2, ...simd(SIMD.f64x2Neg)]);
        else e.define(`ca_${n}`, infTau ? [...e.k(-1), ...r2, ...simd(SIMD.f64x2Div)] : [...r1, ...r2, ...simd(SIMD.f64x2Add), ...simd(SIMD.f64x2Neg)]);
        const ca = e.value(`ca_${n}`);
        e.define(`t_${n}`, fastInfTau(s) ? r1 : infTau ? [...r1, ...r2, ...simd(SIMD.f64x2Div), ...simd(SIMD.f64x2Neg), ...ca, ...simd(SIMD.f64x2Div)] : [...r1, ...simd(SIMD.f64x2Neg), ...ca, ...simd(SIMD.f64x2Div)]);
      }
    };
    // the update of one pair or lane from x, ca and t: x + (1 − exp(dt·a))·(target − x); returns the stores
    const update = (e: Emitter, ca: (n: string) => number[], target: (n: string) => number[]): number[] => {
      const dt = constCode(e, 'dt');
      for (const s of low.states) {
        const n = s.decl.name;
        e.define(`x_${n}`, e.load(e.ia, L.vars[n]));
        const x = e.value(`x_${n}`);
        e.define(`nx_${n}`, [...x, ...e.k(1), ...dt, ...ca(n), ...simd(SIMD.f64x2Mul), ...e.exp(), ...simd(SIMD.f64x2Sub), ...target(n), ...x, ...simd(SIMD.f64x2Sub), ...simd(SIMD.f64x2Mul), ...simd(SIMD.f64x2Add)]);
      }
      const out: number[] = [];
      for (const s of low.states) out.push(...e.store(e.ia, L.vars[s.decl.name], e.value(`nx_${s.decl.name}`)));
      return out;
    };
    const advanceBody: Body = (e) => {
      rates(e);
      return update(e, (n) => e.value(`ca_${n}`), (n) => e.value(`t_${n}`));
    };
    const S = low.states.length;
    // two loops in fast arithmetic only: measured 19.1 -> 15.0 ns per instance-variant fast, but
    // 24.9 -> 28.0 ns exact (hh at B = 16, the kernel alone), whose longer rate loop loses more
    const phases: Phases | undefined =
      L.scratch === undefined || L.arithmetic !== 'fast'
        ? undefined
        : {
            scratch: L.scratch,
            stride: (2 * S + 1) * 16,
            rates: (e, sp) => {
              rates(e);
              const out: number[] = [];
              low.states.forEach((s, j) => {
                out.push(...e.store(sp, 32 * j, e.value(`ca_${s.decl.name}`)), ...e.store(sp, 32 * j + 16, e.value(`t_${s.decl.name}`)));
              });
              out.push(...e.store(sp, 32 * S, get(e.x.ok)));
              return out;
            },
            update: (e, sp) => {
              e.fn.emit(e.load(sp, 32 * S), set(e.x.ok));
              const at = new Map(low.states.map((s, j) => [s.decl.name, j]));
              return update(e, (n) => e.load(sp, 32 * at.get(n)!), (n) => e.load(sp, 32 * at.get(n)! + 16));
            },
          };
    advanceFns = kernelFns(`${name}_advance`, L, advanceBody, prologue, phases);
  }

  // initialize: compile.ts Generator.initialize (no table: the batch's WebAssembly kernels run with rate tables off),
  // in exact arithmetic whatever L.arithmetic says, so that every variant starts from the single run's state bit for bit
  let initializeFns: Fn[] = [];
  if (low.states.length > 0) {
    const explicit = low.states.filter((s) => s.initial !== undefined);
    const implicit = low.states.filter((s) => s.initial === undefined && s.decl.ion === undefined);
    const roots = [...explicit.map((s) => s.initial!.ir), ...implicit.flatMap((s) => [s.first.ir, ...(s.decl.form === 'inf_tau' ? [] : [s.second.ir])])];
    const need = closure(assigned, roots.flatMap((ir) => assignedReads(low, ir)));
    const initializeBody: Body = (e) => {
      e.define('v', e.load(e.na, L.v));
      const res = resolver(e, '', () => e.value('v'));
      for (const a of need) if (a.flags.inst) e.define(`a_${a.name}`, emitIR(e, a.ir, res));
      for (const s of implicit) {
        const n = s.decl.name;
        e.define(`r_${n}_1`, emitIR(e, s.first.ir, res));
        if (s.decl.form === 'inf_tau') e.define(`x_${n}`, e.value(`r_${n}_1`));
        else {
          e.define(`r_${n}_2`, emitIR(e, s.second.ir, res));
          e.define(`x_${n}`, [...e.value(`r_${n}_1`), ...e.value(`r_${n}_1`), ...e.value(`r_${n}_2`), ...simd(SIMD.f64x2Add), ...simd(SIMD.f64x2Div)]);
        }
      }
      for (const s of explicit) e.define(`x_${s.decl.name}`, emitIR(e, s.initial!.ir, res));
      const out: number[] = [];
      for (const s of [...explicit, ...implicit]) out.push(...e.store(e.ia, L.vars[s.decl.name], e.value(`x_${s.decl.name}`)));
      return out;
    };
    initializeFns = kernelFns(`${name}_initialize`, { ...L, arithmetic: 'exact' }, initializeBody, prologue);
  }

  // prepare: constants in JavaScript, block-level assigned as compile.ts emits them.
  const lines: string[] = ['"use strict";'];
  const jsResolve = (n: string): string => {
    const s = low.symbol(n)!;
    switch (s.kind) {
      case 'time':
        return 'ctx.t';
      case 'block':
        return `ctx.${n}`;
      case 'global':
        return `G[${JSON.stringify(n)}]`;
      case 'assigned':
        return `b_${n}`;
      default:
        throw new UnsupportedKernelError(`block-level quantity reads ${n}`);
    }
  };
  const at = (key: string) => `F[o + ${constOf(key)}]`;
  lines.push(`${at('t')} = ctx.t;`, `${at('dt')} = ctx.dt;`, `${at('celsius')} = ctx.celsius;`);
  for (const g of low.spec.globals) lines.push(`${at(`G_${g.name}`)} = G[${JSON.stringify(g.name)}];`);
  for (const a of blockAssigned) {
    lines.push(`const b_${a.name} = ${emit(a.ir, jsResolve)};`);
    lines.push(`${at(`b_${a.name}`)} = b_${a.name};`);
  }
  const o = L.consts / 8;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const body = new Function(...Object.keys(HELPERS), `return function prepare(F, G, ctx) {\nconst o = ${o};\n${lines.join('\n')}\n};`)(...Object.values(HELPERS)) as GeneratedKernels['prepare'];
  return { current: currentFns[0], advance: advanceFns[0] ?? null, initialize: initializeFns[0] ?? null, fns: [...currentFns, ...advanceFns, ...initializeFns], nConsts: constIndex.size, prepare: body };
}

/** Doubles of a use's constants region (t, dt, celsius, globals, block-level assigned). */
export function constCount(low: LoweredMechanism): number {
  return 3 + low.spec.globals.length + low.assigned.filter((a) => !a.flags.inst).length;
}
