/**
 * Scalar kinetics shared by every mechanism (and, later, by GPU kernels), written in exactly the
 * algebraic form NEURON 8.2's nocmodl emits (../shared/neuron-numerics.md §6).
 * `exp` is the glibc algorithm (./exp.ts), as NEURON's compiled mechanisms call.
 */
import { exp } from './exp.ts';

const expFn = exp;

/**
 * x/(exp(x/y) − 1) with its removable singularity at x = 0 handled as hh.mod's `vtrap` does:
 * y·(1 − x/y/2) when |x/y| < 1e-6.
 */
export function vtrap(x: number, y: number): number {
  const q = x / y;
  if (Math.abs(q) < 1e-6) {
    return y * (1 - q / 2);
  }
  return x / (expFn(q) - 1);
}

/**
 * One `cnexp` step of x' = (xinf − x)/tau over dt, in nocmodl's form: with a = −1/tau and
 * b = xinf/tau, x ← x + (1 − exp(dt·a))·(−b/a − x).
 */
export function cnexpRelax(x: number, xinf: number, tau: number, dt: number): number {
  return x + (1.0 - expFn(dt * (-1.0 / tau))) * (-(xinf / tau) / (-1.0 / tau) - x);
}
