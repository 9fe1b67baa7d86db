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
 *
 * `exact` (the default) keeps nocmodl's operations one for one, so that a batch equals the single
 * runs bit for bit.
 */
import type { IR } from '../../user/expr.ts';

export type Arithmetic = 'exact' | 'fast';

const num = (v: number): IR => ({ k: 'num', v });
const mul = (a: IR, b: IR): IR => ({ k: 'bin', op: '*', a, b });
const div = (a: IR, b: IR): IR => ({ k: 'bin', op: '/', a, b });

/** A nonzero finite constant whose reciprocal is a finite double. */
function invertible(c: number): boolean {
  return Number.isFinite(c) && c !== 0 && Number.isFinite(1 / c);
}

/** x / c → x · (1/c) for numeric c, throughout the tree. */
export function constantDivisions(ir: IR): IR {
  switch (ir.k) {
    case 'num':
    case 'sym':
    case 'raw':
      return ir;
    case 'bin': {
      const a = constantDivisions(ir.a);
      const b = constantDivisions(ir.b);
      if (ir.op === '/' && b.k === 'num' && invertible(b.v)) return mul(a, num(1 / b.v));
      return a === ir.a && b === ir.b ? ir : { ...ir, a, b };
    }
    case 'neg':
    case 'not': {
      const a = constantDivisions(ir.a);
      return a === ir.a ? ir : { ...ir, a };
    }
    case 'cond':
      return { ...ir, c: constantDivisions(ir.c), a: constantDivisions(ir.a), b: constantDivisions(ir.b) };
    case 'call':
      return { ...ir, args: ir.args.map(constantDivisions) };
  }
}

/**
 * 1/x with as few divisions as the form of x allows. `definition(name)` gives the expression of a
 * per-instance assigned quantity (undefined for anything else), whose parts are then read instead.
 */
export function reciprocal(x: IR, definition: (name: string) => IR | undefined, depth = 0): IR {
  if (x.k === 'num' && invertible(x.v)) return num(1 / x.v);
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
