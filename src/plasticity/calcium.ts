/**
 * Calcium-based plasticity driven by the synapse's own NMDA calcium (docs/plasticity.md,
 * "Calcium-based rule"): the synaptic efficacy ρ of Graupner & Brunel 2012 (PNAS 109:3991),
 *
 *     τ dρ/dt = −ρ(1 − ρ)(ρ* − ρ) + γp (1 − ρ) Θ[c − θp] − γd ρ Θ[c − θd]
 *
 * (Θ the Heaviside step, the noise term of the paper left out), with the calcium c of a
 * synapse-local pool fed by the synapse's own current (./calcium-pool.ts; on an NMDA synapse the
 * Mg block makes the entry voltage dependent, as in Shouval, Bear & Cooper 2002, PNAS 99:10831).
 * Depression needs c above θd for long, potentiation above θp: single pulses at low frequency give
 * brief transients above θd only (LTD), fast trains summate above θp (LTP) — the frequency
 * dependence of Dudek & Bear 1992 that both papers reproduce.
 *
 * The weight follows ρ: w changes by (w_max − w_min)·Δρ each step, and ρ starts at
 * (w_init − w_min)/(w_max − w_min) (so w = w_min + ρ·(w_max − w_min) while this rule alone acts).
 * ρ advances by explicit Euler once per step after the pool (τ = 150 s ≫ dt).
 * Defaults: Graupner & Brunel 2012 Table 1 (θd = 1, θp = 1.3, γd = 200, γp = 321.808, τ = 150 s,
 * ρ* = 0.5, τ_Ca = 20 ms); κ (ca_per_pC) sets how much NMDA charge makes one unit of c.
 */
import type { MechanismContext } from '../channels/mechanism.ts';
import { decayFactors, stepPools } from './calcium-pool.ts';
import type { PlasticityRule, RuleInit, RuleState } from './rule.ts';

export interface CalciumState extends RuleState {
  readonly init: RuleInit;
  readonly ca: Float64Array;
  readonly rho: Float64Array;
  readonly decay: Float64Array;
  readonly current: Float64Array;
}

export const calcium: PlasticityRule<CalciumState> = {
  name: 'calcium',
  summary: 'calcium-based rule (Graupner & Brunel 2012) on a synapse-local pool fed by the synapse\'s own (NMDA) current',
  source: 'Graupner & Brunel 2012, PNAS 109:3991; Shouval, Bear & Cooper 2002, PNAS 99:10831',
  params: [
    { name: 'ca_per_pC', unit: '1/pC', default: 10, min: 0, max: 1e12, description: 'calcium (threshold units) per pC of inward synaptic charge' },
    { name: 'tau_ca_ms', unit: 'ms', default: 20, min: 1e-6, max: 1e9, description: 'decay of the local calcium' },
    { name: 'theta_d', unit: '1', default: 1, min: 0, description: 'depression threshold θd' },
    { name: 'theta_p', unit: '1', default: 1.3, min: 0, description: 'potentiation threshold θp' },
    { name: 'gamma_d', unit: '1', default: 200, min: 0, description: 'depression rate γd' },
    { name: 'gamma_p', unit: '1', default: 321.808, min: 0, description: 'potentiation rate γp' },
    { name: 'tau_rho_ms', unit: 'ms', default: 150000, min: 1e-6, max: 1e12, description: 'time constant τ of the efficacy ρ' },
    { name: 'rho_star', unit: '1', default: 0.5, min: 0, max: 1, description: 'unstable fixed point ρ* between the two stable states 0 and 1' },
  ],
  states: [
    { name: 'ca', unit: '1', description: 'synapse-local calcium, in threshold units' },
    { name: 'rho', unit: '1', description: 'synaptic efficacy ρ (0: depressed, 1: potentiated)' },
  ],
  usesWMax: true,

  create(init: RuleInit): CalciumState {
    const n = init.count;
    const ca = init.storage.f64(n);
    const rho = init.storage.f64(n);
    const current = init.synapse.i;
    if (current === undefined) throw new Error('plasticity: the calcium rule needs a synapse with a current i');
    return { vars: { ca, rho }, init, ca, rho, decay: init.storage.f64(n), current };
  },

  initialize(s: CalciumState, ctx: MechanismContext): void {
    const { w, wMin, wMax, params } = s.init;
    s.ca.fill(0);
    for (let k = 0; k < s.rho.length; k++) {
      const span = wMax[k] - wMin[k];
      // w_max = w_min leaves no room: ρ = 0 and w stays
      s.rho[k] = span > 0 ? (w[k] - wMin[k]) / span : 0;
    }
    decayFactors(s.decay, params.tau_ca_ms, ctx.dt);
  },

  advance(s: CalciumState, ctx: MechanismContext): void {
    const dt = ctx.dt;
    const { w, wMin, wMax, params } = s.init;
    stepPools(s.ca, s.decay, params.ca_per_pC, s.current, dt);
    const { theta_d, theta_p, gamma_d, gamma_p, tau_rho_ms, rho_star } = params;
    const ca = s.ca;
    const rho = s.rho;
    for (let k = 0; k < rho.length; k++) {
      const r = rho[k];
      let drive = -r * (1 - r) * (rho_star[k] - r);
      if (ca[k] > theta_p[k]) drive += gamma_p[k] * (1 - r);
      if (ca[k] > theta_d[k]) drive -= gamma_d[k] * r;
      const dr = (dt / tau_rho_ms[k]) * drive;
      rho[k] = r + dr;
      w[k] += (wMax[k] - wMin[k]) * dr;
    }
  },
};
