/**
 * A synapse-local calcium pool fed by the synapse's own current (docs/plasticity.md, "Calcium-based
 * rule"): a fixed share of the inward synaptic charge enters a small volume next to the synapse and
 * is removed with one time constant,
 *
 *     dc/dt = −c/τ_Ca + κ · max(−i, 0)
 *
 * with i the wrapped synapse's current (nA, negative inward; for NMDA it carries the Mg block, so c
 * follows the NMDA channel's voltage-dependent Ca entry) and κ in 1/pC (nA·ms = pC), so c is in the
 * units of the rule's thresholds. Over one step the decay is exact and the influx is the step's
 * charge: c ← c·exp(−dt/τ_Ca) + κ·max(−i, 0)·dt, with i the current of the step's current evaluation.
 */
import { exp } from '../channels/exp.ts';

/** exp(−dt/τ) per synapse, for the pool's exact decay (computed at finitialize). */
export function decayFactors(out: Float64Array, tau_ms: Float64Array, dt_ms: number): void {
  for (let k = 0; k < out.length; k++) out[k] = exp(-dt_ms / tau_ms[k]);
}

/** One step of every synapse's pool. */
export function stepPools(c: Float64Array, decay: Float64Array, gain_per_pC: Float64Array, i_nA: Float64Array, dt_ms: number): void {
  for (let k = 0; k < c.length; k++) {
    const inward = i_nA[k] < 0 ? -i_nA[k] : 0;
    c[k] = c[k] * decay[k] + gain_per_pC[k] * inward * dt_ms;
  }
}
