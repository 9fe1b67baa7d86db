/**
 * The batch kernels' `fast` arithmetic: rewrites of a lowered expression (src/channels/user/expr.ts
 * IR) that take divisions out of the generated WebAssembly kernels, at the price of the last bits.
 * Each rewrite is exact in real arithmetic and changes the computed double by a few units in the
 * last place; the traces of a batch so compiled stay within the single runs' tolerance, which
 * test/batch/wasm-fast.test.ts measures (docs/batch.md gives the numbers).
 *
 * - x / c with c a numeric constant becomes x · (1/c) (a power of two is exact in both modes).
 * - 1/τ is formed without dividing where τ is itself a quotient: 1/(a/b) = b · (1/a), 1/(1/e) = e,
 *   following an assigned quantity to its definition. cnexp's a = −1/τ is then a product.
 * - cnexp's target −(x∞/τ)/a with a = −1/τ is x∞ itself (kernel.ts).
 * - exponentials of affine arguments s·v + c whose slopes are a power of two apart share one exp:
 *   exp(arg) = exp(c − 2^j·c_b)·exp(base)^(2^j) (`planSharedExps`; hh: six rate exps become two).
 *
 * `exact` (the default) keeps nocmodl's operations one for one, so that a batch equals the single
 * runs bit for bit.
 */
import type { IR } from '../../user/expr.ts';

export type Arithmetic = 'exact' | 'fast';

const num = (v: number): IR => ({ k: 'num', v });
const mul = (a: IR, b: IR): IR => ({ k: 'bin', op: '*', a, b });
const div = (a: IR, b: IR): IR => ({ k: 'bin', op: '/', a, b });

/**
 * 1/c when `x` is a numeric constant c whose reciprocal is a finite nonzero double, else null: the
 * constant-division rewrite x / c → x · (1/c) (kernel.ts applies it where it emits a division).
 */
export function constantReciprocal(x: IR): number | null {
  if (x.k !== 'num' || x.v === 0 || !Number.isFinite(x.v)) return null;
  const r = 1 / x.v;
  return Number.isFinite(r) && r !== 0 ? r : null;
}

/**
 * 1/x with as few divisions as the form of x allows. `definition(name)` gives the expression of a
 * per-instance assigned quantity (undefined for anything else), whose parts are then read instead.
 */
export function reciprocal(x: IR, definition: (name: string) => IR | undefined, depth = 0): IR {
  const c = constantReciprocal(x);
  if (c !== null) return num(c);
  if (x.k === 'sym' && depth < 8) {
    const d = definition(x.name);
    if (d !== undefined && d.k === 'bin' && d.op === '/') return reciprocal(d, definition, depth + 1);
  }
  if (x.k === 'bin' && x.op === '/') {
    // 1/(a/b) = b / a
    if (x.a.k === 'num' && x.a.v === 1) return x.b;
    const ra = reciprocal(x.a, definition, depth + 1);
    return divides(ra) ? div(x.b, x.a) : mul(x.b, ra);
  }
  return div(num(1), x);
}

/** Whether the expression's top operation is a division (so 1/x saved nothing). */
function divides(x: IR): boolean {
  return x.k === 'bin' && x.op === '/';
}

/** s·v + c with numeric s and c. */
export interface Affine {
  readonly s: number;
  readonly c: number;
}

/** The expression as s·v + c when it is one (v, numbers, +, −, negation, products and quotients by numbers); else null. */
export function affineInV(ir: IR, isV: (name: string) => boolean): Affine | null {
  switch (ir.k) {
    case 'num':
      return { s: 0, c: ir.v };
    case 'sym':
      return isV(ir.name) ? { s: 1, c: 0 } : null;
    case 'neg': {
      const a = affineInV(ir.a, isV);
      return a === null ? null : { s: -a.s, c: -a.c };
    }
    case 'bin': {
      const a = affineInV(ir.a, isV);
      const b = affineInV(ir.b, isV);
      if (a === null || b === null) return null;
      if (ir.op === '+') return { s: a.s + b.s, c: a.c + b.c };
      if (ir.op === '-') return { s: a.s - b.s, c: a.c - b.c };
      if (ir.op === '*' && a.s === 0) return { s: a.c * b.s, c: a.c * b.c };
      if (ir.op === '*' && b.s === 0) return { s: b.c * a.s, c: b.c * a.c };
      if (ir.op === '/' && b.s === 0 && b.c !== 0) return { s: a.s / b.c, c: a.c / b.c };
      return null;
    }
    default:
      return null;
  }
}

/** An exponential computed from another's: exp(arg) = K · exp(base)^(2^j). */
export interface SharedExp {
  /** Index of the base among the planned bases. */
  readonly base: number;
  /** The power of two: 1, 2, 4, 8 or 16. */
  readonly power: number;
  /** exp(c − power·c_base), computed here in double precision. */
  readonly factor: number;
}

/**
 * Plan exponentials of affine arguments s·v + c as powers of a few: an argument whose slope is a
 * power of two (1 to 16) times another's, of the same sign, is exp(base)^(2^j)·exp(c − 2^j·c_base)
 * (exact in real arithmetic; each squaring adds a unit or so in the last place: 8 ulp at the 16th
 * power, checked against Math.exp in test/batch/wasm-fast.test.ts). Gives, for each argument, its
 * base and power, and the bases' own arguments (the first argument of its group, kept as written).
 * hh's six rate exponentials become two (−(v+65)/18 and −(v+65)/80, whose 8th power gives the three
 * slopes of −1/10).
 */
export function planSharedExps(args: readonly Affine[]): { bases: number[]; shared: SharedExp[] } {
  const bases: number[] = [];
  const shared: SharedExp[] = [];
  // smallest |slope| first, so that a base is the gentlest argument of its group
  const order = args.map((_, k) => k).sort((x, y) => Math.abs(args[x].s) - Math.abs(args[y].s));
  const assigned = new Map<number, SharedExp>();
  for (const k of order) {
    const a = args[k];
    let found: SharedExp | null = null;
    if (a.s !== 0) {
      for (let b = 0; b < bases.length && found === null; b++) {
        const base = args[bases[b]];
        const ratio = a.s / base.s;
        for (const power of [1, 2, 4, 8, 16]) {
          if (Math.abs(ratio - power) <= 1e-12 * power) {
            const factor = Math.exp(a.c - power * base.c);
            if (Number.isFinite(factor) && factor > 0) found = { base: b, power, factor };
            break;
          }
        }
      }
    }
    if (found === null) {
      found = { base: bases.length, power: 1, factor: 1 };
      bases.push(k);
    }
    assigned.set(k, found);
  }
  for (let k = 0; k < args.length; k++) shared.push(assigned.get(k)!);
  return { bases, shared };
}
