/**
 * Pair-based spike-timing-dependent plasticity (docs/plasticity.md, "STDP").
 *
 * Each synapse keeps a presynaptic trace x and a postsynaptic trace y that decay with τ+ and τ−
 * and jump at their spikes: by +1 (`pairing` "all_to_all": every pre–post pair counts) or to 1
 * ("nearest": each spike pairs only with the nearest spike of the other side before it, the
 * symmetric nearest-spike scheme of Morrison, Diesmann & Gerstner 2008). At a postsynaptic spike
 * w += A+·x·f+(w); at a presynaptic spike w −= A−·y·f−(w), so a single pair with Δt = t_post − t_pre
 * changes w by A+·exp(−Δt/τ+)·f+ for Δt > 0 and by −A−·exp(Δt/τ−)·f− for Δt < 0 (Bi & Poo 1998;
 * Song, Miller & Abbott 2000). Weight dependence (`weight_dependence`):
 *   additive:       f+ = w_max, f− = w_max (hard bounds [w_min, w_max]; Song et al. 2000);
 *   multiplicative: f+ = w_max − w, f− = w − w_min (soft bounds; Rubin, Lee & Sompolinsky 2001);
 *   mixed:          f+ = w_max,     f− = w − w_min (additive potentiation, multiplicative depression;
 *                   van Rossum, Bi & Turrigiano 2000).
 * Amplitudes are fractions of w_max. Defaults: τ+ = 16.8 ms, τ− = 33.7 ms (Bi & Poo's window as fitted
 * by Bi & Poo 2001, van Rossum et al. 2000), A+ = 0.005, A− = 1.05·A+ (Song et al. 2000).
 *
 * The traces are kept exactly between events (value and time of the last update; no per-step
 * work), so the rule costs nothing between spikes. A post spike within the same step as, but
 * before, a pre event that was already delivered counts as coincident (Δt = 0).
 */
import { exp } from '../channels/exp.ts';
import type { MechanismContext } from '../channels/mechanism.ts';
import type { PlasticityRule, RuleInit, RuleState } from './rule.ts';

export interface StdpState extends RuleState {
  readonly init: RuleInit;
  /** f+ = w_max (additive, mixed) rather than w_max − w. */
  readonly additivePlus: boolean;
  /** f− = w_max (additive) rather than w − w_min. */
  readonly additiveMinus: boolean;
  readonly nearest: boolean;
  /** x and y at their last update, and the times of those updates. */
  readonly x: Float64Array;
  readonly xT: Float64Array;
  readonly y: Float64Array;
  readonly yT: Float64Array;
  readonly Aplus: Float64Array;
  readonly Aminus: Float64Array;
  readonly tauPlus: Float64Array;
  readonly tauMinus: Float64Array;
}

function decayTo(value: number, since: number, t: number, tau: number): number {
  const d = t - since;
  return d > 0 ? value * exp(-d / tau) : value;
}

export const stdp: PlasticityRule<StdpState> = {
  name: 'stdp',
  summary: 'pair-based STDP (additive or multiplicative; all-to-all or nearest-spike pairing)',
  source: 'Bi & Poo 1998, J Neurosci 18:10464; Song, Miller & Abbott 2000, Nat Neurosci 3:919; van Rossum, Bi & Turrigiano 2000, J Neurosci 20:8812; Morrison, Diesmann & Gerstner 2008, Biol Cybern 98:459',
  params: [
    { name: 'A_plus', unit: '1', default: 0.005, min: 0, max: 1, description: 'potentiation of one pair at Δt = 0+, fraction of w_max' },
    { name: 'A_minus', unit: '1', default: 0.00525, min: 0, max: 1, description: 'depression of one pair at Δt = 0−, fraction of w_max' },
    { name: 'tau_plus_ms', unit: 'ms', default: 16.8, min: 1e-6, max: 1e9, description: 'time constant of potentiation (pre before post)' },
    { name: 'tau_minus_ms', unit: 'ms', default: 33.7, min: 1e-6, max: 1e9, description: 'time constant of depression (post before pre)' },
  ],
  options: [
    { name: 'weight_dependence', values: ['additive', 'multiplicative', 'mixed'], default: 'additive', description: 'additive: steps ∝ w_max with hard bounds; multiplicative: potentiation ∝ (w_max − w), depression ∝ (w − w_min); mixed: potentiation ∝ w_max, depression ∝ (w − w_min)' },
    { name: 'pairing', values: ['all_to_all', 'nearest'], default: 'all_to_all', description: 'all_to_all: traces add up; nearest: traces reset to 1 (nearest spike pairs only)' },
  ],
  states: [],
  usesPost: true,
  usesWMax: true,

  create(init: RuleInit): StdpState {
    const n = init.count;
    return {
      vars: {},
      init,
      additivePlus: init.options.weight_dependence !== 'multiplicative',
      additiveMinus: init.options.weight_dependence === 'additive' || init.options.weight_dependence === undefined,
      nearest: init.options.pairing === 'nearest',
      x: init.storage.f64(n),
      xT: init.storage.f64(n),
      y: init.storage.f64(n),
      yT: init.storage.f64(n),
      Aplus: init.params.A_plus,
      Aminus: init.params.A_minus,
      tauPlus: init.params.tau_plus_ms,
      tauMinus: init.params.tau_minus_ms,
    };
  },

  initialize(s: StdpState): void {
    s.x.fill(0);
    s.xT.fill(0);
    s.y.fill(0);
    s.yT.fill(0);
  },

  onPre(s: StdpState, k: number, ctx: MechanismContext): void {
    const t = ctx.t;
    const { w, wMin, wMax } = s.init;
    const y = decayTo(s.y[k], s.yT[k], t, s.tauMinus[k]);
    if (y > 0) w[k] -= s.Aminus[k] * y * (s.additiveMinus ? wMax[k] : w[k] - wMin[k]);
    const x = decayTo(s.x[k], s.xT[k], t, s.tauPlus[k]);
    s.x[k] = s.nearest ? 1 : x + 1;
    s.xT[k] = t > s.xT[k] ? t : s.xT[k];
  },

  onPost(s: StdpState, k: number, t: number): void {
    const { w, wMax } = s.init;
    const x = decayTo(s.x[k], s.xT[k], t, s.tauPlus[k]);
    if (x > 0) w[k] += s.Aplus[k] * x * (s.additivePlus ? wMax[k] : wMax[k] - w[k]);
    const y = decayTo(s.y[k], s.yT[k], t, s.tauMinus[k]);
    s.y[k] = s.nearest ? 1 : y + 1;
    s.yT[k] = t > s.yT[k] ? t : s.yT[k];
  },
};
