/**
 * Behavioural-timescale synaptic plasticity (docs/plasticity.md, "BTSP"): a dendritic plateau
 * potentiates the synapses that were active seconds before or after it (Bittner et al. 2017,
 * Science 357:1033), in the form of Milstein et al. 2021 (eLife 10:e73046): each synapse keeps an
 * eligibility trace ET of its own presynaptic spikes, a plateau at the synapse gives an instructive
 * signal IS, and the weight moves where the two overlap,
 *
 *     dET/dt = −ET/τ_ET,                         ET ← ET + 1 at each presynaptic spike
 *     dIS/dt = (Θ[v − θ_plateau] − IS)/τ_IS,      v the local membrane potential
 *     dw/dt  = ET·IS·(k+ (w_max − w) − k− (w − w_min))
 *
 * With τ_ET > τ_IS the window is asymmetric: an input Δ seconds before the plateau is still eligible
 * when IS arrives (∝ exp(−Δ/τ_ET)), one Δ after the plateau only meets the decaying IS
 * (∝ exp(−Δ/τ_IS)). k− > 0 makes the rule bidirectional (Milstein et al. 2021: strong synapses
 * depress, weak ones potentiate, towards w* = (k+ w_max + k− w_min)/(k+ + k−)); the paper's q±
 * sigmoids of ET·IS are linear here. A brief action potential above θ_plateau adds only dt/τ_IS
 * per step to IS; plateaus lasting hundreds of ms drive it to ~1.
 *
 * Per step (after the synapse's states, with the new v): ET ← ET·exp(−dt/τ_ET),
 * IS ← IS + (1 − exp(−dt/τ_IS))·(Θ − IS) (exact for the step), then w by explicit Euler.
 * Defaults: τ_ET = 1.1 s and τ_IS = 0.38 s, the medians of Milstein et al. 2021's per-cell fits
 * (their code, github.com/neurosutras/BTSP, config/20201124_biBTSP_WD_E_90cm_best_params.yaml:
 * local_signal_decay 350–1750 ms, global_signal_decay 100–1170 ms over 22 cells), θ_plateau = −30 mV,
 * k+ = 0.5/s, k− = 0 (potentiation only, as Bittner et al. 2017).
 */
import { exp } from '../channels/exp.ts';
import type { MechanismContext } from '../channels/mechanism.ts';
import type { PlasticityRule, RuleInit, RuleState } from './rule.ts';

export interface BtspState extends RuleState {
  readonly init: RuleInit;
  readonly et: Float64Array;
  readonly is: Float64Array;
  readonly etDecay: Float64Array;
  readonly isGain: Float64Array;
}

export const btsp: PlasticityRule<BtspState> = {
  name: 'btsp',
  summary: 'behavioural-timescale plasticity: eligibility trace × plateau-driven instructive signal, seconds-long asymmetric window',
  source: 'Bittner, Milstein, Grienberger, Romani & Magee 2017, Science 357:1033; Milstein, Li, Bittner, Grienberger, Soltesz, Magee & Romani 2021, eLife 10:e73046',
  params: [
    { name: 'tau_et_ms', unit: 'ms', default: 1100, min: 1e-6, max: 1e12, description: 'decay of the eligibility trace ET' },
    { name: 'tau_is_ms', unit: 'ms', default: 380, min: 1e-6, max: 1e12, description: 'rise and decay of the instructive signal IS' },
    { name: 'theta_plateau_mV', unit: 'mV', default: -30, description: 'local v above which IS is driven (a plateau)' },
    { name: 'k_plus_per_s', unit: '1/s', default: 0.5, min: 0, description: 'potentiation rate k+' },
    { name: 'k_minus_per_s', unit: '1/s', default: 0, min: 0, description: 'depression rate k− (0: potentiation only)' },
  ],
  states: [
    { name: 'ET', unit: '1', description: 'eligibility trace (presynaptic spikes filtered with τ_ET)' },
    { name: 'IS', unit: '1', description: 'instructive signal (time above θ_plateau filtered with τ_IS)' },
  ],
  usesWMax: true,

  create(init: RuleInit): BtspState {
    const n = init.count;
    const et = init.storage.f64(n);
    const is = init.storage.f64(n);
    return { vars: { ET: et, IS: is }, init, et, is, etDecay: init.storage.f64(n), isGain: init.storage.f64(n) };
  },

  initialize(s: BtspState, ctx: MechanismContext): void {
    s.et.fill(0);
    s.is.fill(0);
    const { tau_et_ms, tau_is_ms } = s.init.params;
    for (let k = 0; k < s.et.length; k++) {
      s.etDecay[k] = exp(-ctx.dt / tau_et_ms[k]);
      s.isGain[k] = 1 - exp(-ctx.dt / tau_is_ms[k]);
    }
  },

  onPre(s: BtspState, k: number): void {
    s.et[k] += 1;
  },

  advance(s: BtspState, ctx: MechanismContext): void {
    const { w, wMin, wMax, nodes, params } = s.init;
    const { theta_plateau_mV, k_plus_per_s, k_minus_per_s } = params;
    const v = ctx.v;
    const dt_s = ctx.dt / 1000;
    const { et, is, etDecay, isGain } = s;
    for (let k = 0; k < et.length; k++) {
      et[k] *= etDecay[k];
      const drive = v[nodes[k]] > theta_plateau_mV[k] ? 1 : 0;
      is[k] += isGain[k] * (drive - is[k]);
      const overlap = et[k] * is[k];
      if (overlap > 0) w[k] += dt_s * overlap * (k_plus_per_s[k] * (wMax[k] - w[k]) - k_minus_per_s[k] * (w[k] - wMin[k]));
    }
  },
};
