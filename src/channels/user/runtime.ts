/**
 * The functions compiled mechanism kernels call besides Math's. Plain JavaScript, no mathjs; passed
 * to the generated code as parameters named `$exp`, `$vtrap`, `$efun`, `$expBatch` (expr.ts HELPER_NAME).
 */
import { exp } from '../exp.ts';

const EXP700 = exp(700);

/**
 * NEURON's `hoc_Exp`, which every nocmodl-generated `exp` call goes through: 0 below −700,
 * exp(700) above 700 (NEURON also prints a warning there), else the glibc algorithm of ../exp.ts.
 */
export function hocExp(x: number): number {
  if (x < -700) return 0;
  if (x > 700) return EXP700;
  return exp(x);
}

/** hh.mod's vtrap(x, y): y·(1 − x/y/2) if |x/y| < 1e-6, else x/(exp(x/y) − 1). */
export function vtrap(x: number, y: number): number {
  const q = x / y;
  if (Math.abs(q) < 1e-6) return y * (1 - q / 2);
  return x / (hocExp(q) - 1);
}

/** NEURON's efun(z) = z/(exp(z) − 1), with 1 − z/2 for |z| < 1e-4. */
export function efun(z: number): number {
  if (Math.abs(z) < 1e-4) return 1 - z / 2;
  return z / (hocExp(z) - 1);
}

/**
 * buf[i] ← hocExp(buf[i]) for i < n. The kernels gather the arguments of their exponentials and
 * call this once per batch: `exp` is inlined into this one loop, where a call per value from a large
 * generated kernel would stay out of line and box its double argument and result.
 */
export function expBatch(buf: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = buf[i];
    buf[i] = x < -700 ? 0 : x > 700 ? EXP700 : exp(x);
  }
}

/** What generated code may call, by the parameter name it has there. */
export const HELPERS: Readonly<Record<string, unknown>> = {
  $exp: hocExp,
  $vtrap: vtrap,
  $efun: efun,
  $expBatch: expBatch,
};
