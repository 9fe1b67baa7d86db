/**
 * The voltage-based rule of Clopath, Büsing, Vasilaki & Gerstner 2010 (Nat Neurosci 13:344) on the
 * LOCAL membrane potential u = v at the synapse (docs/plasticity.md, "Clopath").
 *
 *   τ− dū−/dt = −ū− + u,   τ+ dū+/dt = −ū+ + u,   τx dx̄/dt = −x̄ + Σ δ(t − t_pre)
 *   LTD, at each presynaptic spike:  Δw = −A_LTD · [ū− − θ−]+            (· w_max)
 *   LTP, continuously:               dw/dt = A_LTP · x̄ · [u − θ+]+ · [ū+ − θ−]+   (· w_max)
 *
 * ([a]+ = max(a, 0).) Weights here are µS, so the paper's dimensionless changes are multiplied by
 * w_max. Integration: the filters by the exact exponential step with u at t_{n+1} (ū ← u + (ū − u)·e^{−dt/τ}),
 * x̄ decays by e^{−dt/τx} per step and jumps by 1/τx at a presynaptic spike, and the LTP term is
 * applied once per step with the filters before their update (explicit Euler). The homeostatic
 * scaling of A_LTD by the mean voltage (their ū̄²/u_ref²) is not included: A_LTD is a parameter.
 */
import { exp } from '../channels/exp.ts';
import type { MechanismContext } from '../channels/mechanism.ts';
import type { PlasticityRule, RuleInit, RuleState } from './rule.ts';

export interface ClopathState extends RuleState {
  readonly init: RuleInit;
  readonly uMinus: Float64Array;
  readonly uPlus: Float64Array;
  readonly xBar: Float64Array;
  /** e^{−dt/τ} per synapse, set in initialize. */
  readonly kMinus: Float64Array;
  readonly kPlus: Float64Array;
  readonly kX: Float64Array;
}

export const clopath: PlasticityRule<ClopathState> = {
  name: 'clopath',
  summary: 'voltage-based STDP on the local membrane potential (Clopath et al. 2010)',
  source: 'Clopath C, Büsing L, Vasilaki E & Gerstner W (2010) Nat Neurosci 13:344 (Table 1, visual cortex)',
  params: [
    { name: 'A_LTD', unit: '/mV', default: 14e-5, min: 0, max: 1, description: 'depression amplitude (per presynaptic spike and mV of ū− above θ−)' },
    { name: 'A_LTP', unit: '/mV2', default: 8e-5, min: 0, max: 1, description: 'potentiation amplitude' },
    { name: 'theta_minus_mV', unit: 'mV', default: -70.6, description: 'θ−: depression threshold (the resting potential in the paper)' },
    { name: 'theta_plus_mV', unit: 'mV', default: -45.3, description: 'θ+: potentiation threshold' },
    { name: 'tau_minus_ms', unit: 'ms', default: 10, min: 1e-6, max: 1e9, description: 'τ−: filter of u for depression' },
    { name: 'tau_plus_ms', unit: 'ms', default: 7, min: 1e-6, max: 1e9, description: 'τ+: filter of u for potentiation' },
    { name: 'tau_x_ms', unit: 'ms', default: 15, min: 1e-6, max: 1e9, description: 'τx: presynaptic trace' },
  ],
  states: [
    { name: 'u_minus', unit: 'mV', description: 'ū−, low-pass filtered local v (τ−)' },
    { name: 'u_plus', unit: 'mV', description: 'ū+, low-pass filtered local v (τ+)' },
    { name: 'x_bar', unit: '/ms', description: 'x̄, low-pass filtered presynaptic spike train' },
  ],
  usesWMax: true,

  create(init: RuleInit): ClopathState {
    const n = init.count;
    const a = () => init.storage.f64(n);
    const uMinus = a();
    const uPlus = a();
    const xBar = a();
    return { vars: { u_minus: uMinus, u_plus: uPlus, x_bar: xBar }, init, uMinus, uPlus, xBar, kMinus: a(), kPlus: a(), kX: a() };
  },

  initialize(s: ClopathState, ctx: MechanismContext): void {
    const { nodes, params, count } = s.init;
    for (let k = 0; k < count; k++) {
      const v = ctx.v[nodes[k]];
      s.uMinus[k] = v;
      s.uPlus[k] = v;
      s.xBar[k] = 0;
      s.kMinus[k] = exp(-ctx.dt / params.tau_minus_ms[k]);
      s.kPlus[k] = exp(-ctx.dt / params.tau_plus_ms[k]);
      s.kX[k] = exp(-ctx.dt / params.tau_x_ms[k]);
    }
  },

  onPre(s: ClopathState, k: number): void {
    const { params, w, wMax } = s.init;
    const d = s.uMinus[k] - params.theta_minus_mV[k];
    if (d > 0) w[k] -= wMax[k] * params.A_LTD[k] * d;
    s.xBar[k] += 1 / params.tau_x_ms[k];
  },

  advance(s: ClopathState, ctx: MechanismContext): void {
    const { nodes, params, w, wMax, count } = s.init;
    const v = ctx.v;
    const dt = ctx.dt;
    const { uMinus, uPlus, xBar, kMinus, kPlus, kX } = s;
    const thMinus = params.theta_minus_mV;
    const thPlus = params.theta_plus_mV;
    const aLtp = params.A_LTP;
    for (let k = 0; k < count; k++) {
      const u = v[nodes[k]];
      const a = u - thPlus[k];
      const b = uPlus[k] - thMinus[k];
      if (a > 0 && b > 0 && xBar[k] > 0) w[k] += dt * wMax[k] * aLtp[k] * xBar[k] * a * b;
      uMinus[k] = u + (uMinus[k] - u) * kMinus[k];
      uPlus[k] = u + (uPlus[k] - u) * kPlus[k];
      xBar[k] *= kX[k];
    }
  },
};
