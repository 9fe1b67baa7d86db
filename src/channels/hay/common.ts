/**
 * What every Hay et al. 2011 channel shares, in the arithmetic nocmodl 7.7 (NEURON 8.2.2) emits
 * for the ModelDB 139653 .mod files (fixtures/neuron/channels/NOTES.md §1):
 * - `hocExp`: NEURON's hoc_Exp (0 below −700, exp(700) above 700), over the glibc exp algorithm;
 * - `QT`: the temperature factor pow(2.3, (34 − 21)/10) as glibc computes it (it ignores celsius);
 * - `cnexp`: x ← x + (1 − exp(dt·((−1)/τ)))·(−(x∞/τ)/((−1)/τ) − x), the exact emitted form (the
 *   gated channels compute the same target, exponent and update in WebAssembly SIMD, ./simd.ts).
 *
 * NEURON adds the finite-difference conductance (I(v + 0.001) − I(v))/0.001 to the diagonal, and so
 * do the channels (not g itself, which differs from it by rounding).
 */
import { exp } from '../exp.ts';
import { createExpBatchWithFallback, type ExpBatch } from '../exp-wasm.ts';
import type { InstanceInit } from '../mechanism.ts';

const expFn = exp; // a module-local binding (an imported one may compile to a getter call)

/** pow(2.3, 1.3) as glibc returns it: 0x1.79f80ef2e5449p+1 (NOTES.md §1). */
export const QT = 2.952882641412121;

/** NEURON's hoc_Exp: 0 for x < −700, exp(700) for x > 700 (NEURON prints a warning there). */
export function hocExp(x: number): number {
  if (x < -700.0) return 0.0;
  if (x > 700.0) return expFn(700.0);
  return expFn(x);
}

/** One cnexp step of x' = (xInf − x)/tau over dt, in nocmodl's algebraic form. */
export function cnexp(x: number, xInf: number, tau: number, dt: number): number {
  return x + (1.0 - hocExp(dt * (-1.0 / tau))) * (-(xInf / tau) / (-1.0 / tau) - x);
}

/** Range checks shared by the descriptions. */
export const CONDUCTANCE = { unit: 'S/cm2', min: 0, max: 1e9 } as const;

/**
 * A batched exp (../exp-wasm.ts) that computes NEURON's hoc_Exp: arguments outside the fast path's
 * range go to `hocExp`, so callers need not clamp them (`hocExpArg`). Bit-identical to hocExp.
 */
export function hocExpBatch(capacity: number): ExpBatch {
  return createExpBatchWithFallback(capacity, hocExp);
}

/**
 * What `current` must store (InstanceInit.unread): `vars` when a probe records any of the channel's
 * assigned variables, `totals` when someone reads the ion's total current and dI/dv (ion null: none).
 */
export function outputsRead(init: InstanceInit, assigned: readonly string[], ion: string | null): { vars: boolean; totals: boolean } {
  const u = init.unread;
  if (u === undefined) return { vars: true, totals: ion !== null };
  return { vars: assigned.some((x) => !u.vars.has(x)), totals: ion !== null && !u.ionTotals.has(ion) };
}
