/**
 * Homeostatic synaptic scaling (Turrigiano et al. 1998; van Rossum, Bi & Turrigiano 2000): every
 * weight is multiplied by a common factor that moves the postsynaptic firing rate toward a target,
 * slowly (docs/plasticity.md, "Scaling").
 *
 *   firing-rate estimate (Hz):  da/dt = −a/τ_a + (1000/τ_a)·Σ δ(t − t_post)
 *   scaling:                    dw/dt = w · (r_target − a) / (r_target · τ_s)
 *
 * The postsynaptic spikes are those of the synapse's `post` location: the soma (`"post":
 * "soma[0](0.5)"`) gives a cell-wide factor, `"branch"` a factor per branch driven by the
 * threshold crossings (dendritic spikes) at the branch's centre. Synapses that share a post node
 * see the same spikes, so their weights are all multiplied by the same factor: ratios between them
 * are preserved. Numerics per step: a ← a·e^{−dt/τ_a} (plus its jumps at post spikes), then
 * w ← w·(1 + dt·(r_target − a)/(r_target·τ_s)).
 */
import { exp } from '../channels/exp.ts';
import type { MechanismContext } from '../channels/mechanism.ts';
import type { PlasticityRule, RuleInit, RuleState } from './rule.ts';

export interface ScalingState extends RuleState {
  readonly init: RuleInit;
  readonly rate: Float64Array;
  readonly decay: Float64Array;
}

export const scaling: PlasticityRule<ScalingState> = {
  name: 'scaling',
  summary: 'homeostatic synaptic scaling: a multiplicative factor driven by the firing rate at the post location',
  source: 'Turrigiano GG, Leslie KR, Desai NS, Rutherford LC & Nelson SB (1998) Nature 391:892; van Rossum MCW, Bi G-q & Turrigiano GG (2000) J Neurosci 20:8812',
  params: [
    { name: 'target_rate_Hz', unit: 'Hz', default: 5, min: 1e-9, max: 1e6, description: 'firing rate the scaling drives toward' },
    { name: 'tau_scaling_ms', unit: 'ms', default: 60000, min: 1e-6, max: 1e15, description: 'time constant of the scaling (slow: minutes to hours in cultures)' },
    { name: 'tau_rate_ms', unit: 'ms', default: 1000, min: 1e-6, max: 1e15, description: 'averaging time of the firing-rate estimate' },
  ],
  states: [{ name: 'rate', unit: 'Hz', description: 'firing-rate estimate at the post location' }],
  usesPost: true,

  create(init: RuleInit): ScalingState {
    const rate = init.storage.f64(init.count);
    return { vars: { rate }, init, rate, decay: init.storage.f64(init.count) };
  },

  initialize(s: ScalingState, ctx: MechanismContext): void {
    const tau = s.init.params.tau_rate_ms;
    for (let k = 0; k < s.init.count; k++) {
      s.rate[k] = 0;
      s.decay[k] = exp(-ctx.dt / tau[k]);
    }
  },

  onPost(s: ScalingState, k: number): void {
    s.rate[k] += 1000 / s.init.params.tau_rate_ms[k];
  },

  advance(s: ScalingState, ctx: MechanismContext): void {
    const { w, params, count } = s.init;
    const target = params.target_rate_Hz;
    const tauS = params.tau_scaling_ms;
    const dt = ctx.dt;
    const rate = s.rate;
    const decay = s.decay;
    for (let k = 0; k < count; k++) {
      rate[k] *= decay[k];
      w[k] *= 1 + (dt * (target[k] - rate[k])) / (target[k] * tauS[k]);
    }
  },
};
