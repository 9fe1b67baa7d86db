/**
 * The functions compiled mechanism kernels call. Plain JavaScript, no mathjs; passed to the
 * generated code as parameters named `$exp`, `$vtrap`, ... (see expr.ts HELPER_NAME).
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

export const HELPERS: Readonly<Record<string, (...a: number[]) => number>> = {
  $exp: hocExp,
  $log: Math.log,
  $log10: Math.log10,
  $sqrt: Math.sqrt,
  $pow: Math.pow,
  $abs: Math.abs,
  $min: Math.min,
  $max: Math.max,
  $tanh: Math.tanh,
  $vtrap: vtrap,
  $efun: efun,
};
