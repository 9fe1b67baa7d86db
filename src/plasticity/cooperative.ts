/**
 * Cooperative plasticity within a branch: synaptic tagging and capture with branch-local
 * plasticity-related proteins (docs/plasticity.md, "Cooperative"), after Kastellakis, Silva &
 * Poirazi 2016 (Cell Rep 17:1491) and Frey & Morris 1997. Each synapse has a calcium pool fed by
 * its own current (./calcium-pool.ts); strong local calcium tags the synapse; the summed calcium of
 * all synapses on one branch (section) above a threshold makes that branch synthesise a resource
 * (PRP) that only this branch's tagged synapses capture:
 *
 *     c_k:   dc/dt = −c/τ_Ca + κ·max(−i_k, 0)
 *     tag_k: tag ← 1 while c_k > θ_tag, else dtag/dt = −tag/τ_tag
 *     P_b:   dP/dt = −P/τ_P + r_P·Θ[Σ_{k on b} c_k − θ_branch]
 *     w_k:   dw/dt = η·tag_k·P_b(k)·(w_max − w)
 *
 * So co-active neighbours on one branch (whose calcium sums, helped by their shared NMDA
 * depolarisation) strengthen together, an equally driven synapse alone on its branch is tagged but
 * finds no resource, and an inactive neighbour finds the resource but has no tag. Branches are the
 * sections of the cell (the protocol fills each synapse's `branch`); synapses share a branch's
 * resource within one synapse type (one instance block).
 *
 * Per step, after the synapse's states: pools, branch sums, tags, P (exact decay, the synthesis
 * added as r_P·dt), then w by explicit Euler. Kastellakis et al. use tags and proteins lasting about
 * an hour; the defaults here (τ_tag = τ_P = 60 s) keep a one-minute experiment meaningful and can be
 * set to the paper's values for long runs.
 */
import { exp } from '../channels/exp.ts';
import type { MechanismContext } from '../channels/mechanism.ts';
import { decayFactors, stepPools } from './calcium-pool.ts';
import type { PlasticityRule, RuleInit, RuleState } from './rule.ts';

export interface CooperativeState extends RuleState {
  readonly init: RuleInit;
  readonly ca: Float64Array;
  readonly tag: Float64Array;
  /** The resource of each synapse's branch (a copy of `branchP`, for recording). */
  readonly prp: Float64Array;
  readonly caDecay: Float64Array;
  readonly tagDecay: Float64Array;
  readonly current: Float64Array;
  /** Per branch: summed calcium of this step, and the resource. */
  readonly branchCa: Float64Array;
  readonly branchP: Float64Array;
  readonly branchDecay: Float64Array;
  readonly branchRate: Float64Array;
  readonly branchTheta: Float64Array;
}

export const cooperative: PlasticityRule<CooperativeState> = {
  name: 'cooperative',
  summary: 'synaptic tagging and capture within a branch: co-active neighbours share a branch-local resource',
  source: 'Kastellakis, Silva & Poirazi 2016, Cell Rep 17:1491; Frey & Morris 1997, Nature 385:533',
  params: [
    { name: 'ca_per_pC', unit: '1/pC', default: 10, min: 0, max: 1e12, description: 'calcium (threshold units) per pC of inward synaptic charge' },
    { name: 'tau_ca_ms', unit: 'ms', default: 20, min: 1e-6, max: 1e9, description: 'decay of the local calcium' },
    { name: 'theta_tag', unit: '1', default: 1, min: 0, description: 'local calcium that tags the synapse' },
    { name: 'tau_tag_ms', unit: 'ms', default: 60000, min: 1e-6, max: 1e12, description: 'decay of the tag' },
    { name: 'theta_branch', unit: '1', default: 4, min: 0, description: 'summed calcium of a branch\'s synapses above which the branch makes its resource' },
    { name: 'prp_rate_per_s', unit: '1/s', default: 1, min: 0, description: 'synthesis rate r_P of the branch resource while above threshold' },
    { name: 'tau_prp_ms', unit: 'ms', default: 60000, min: 1e-6, max: 1e12, description: 'decay of the branch resource' },
    { name: 'eta_per_s', unit: '1/s', default: 0.5, min: 0, description: 'capture rate η' },
  ],
  states: [
    { name: 'ca', unit: '1', description: 'synapse-local calcium, in threshold units' },
    { name: 'tag', unit: '1', description: 'synaptic tag' },
    { name: 'prp', unit: '1', description: 'the resource of the synapse\'s branch' },
  ],
  usesWMax: true,

  create(init: RuleInit): CooperativeState {
    const n = init.count;
    const nb = init.nBranches;
    const current = init.synapse.i;
    if (current === undefined) throw new Error('plasticity: the cooperative rule needs a synapse with a current i');
    const ca = init.storage.f64(n);
    const tag = init.storage.f64(n);
    const prp = init.storage.f64(n);
    return {
      vars: { ca, tag, prp }, init, ca, tag, prp, current,
      caDecay: init.storage.f64(n), tagDecay: init.storage.f64(n),
      branchCa: init.storage.f64(nb), branchP: init.storage.f64(nb), branchDecay: init.storage.f64(nb),
      branchRate: init.storage.f64(nb), branchTheta: init.storage.f64(nb),
    };
  },

  initialize(s: CooperativeState, ctx: MechanismContext): void {
    const { params, branch } = s.init;
    s.ca.fill(0);
    s.tag.fill(0);
    s.prp.fill(0);
    s.branchP.fill(0);
    decayFactors(s.caDecay, params.tau_ca_ms, ctx.dt);
    decayFactors(s.tagDecay, params.tau_tag_ms, ctx.dt);
    // branch settings: those of the branch's first synapse (one value per branch)
    s.branchTheta.fill(NaN);
    for (let k = 0; k < s.ca.length; k++) {
      const b = branch[k];
      if (!Number.isNaN(s.branchTheta[b])) continue;
      s.branchTheta[b] = params.theta_branch[k];
      s.branchRate[b] = params.prp_rate_per_s[k];
      s.branchDecay[b] = exp(-ctx.dt / params.tau_prp_ms[k]);
    }
  },

  advance(s: CooperativeState, ctx: MechanismContext): void {
    const dt = ctx.dt;
    const { w, wMax, branch, params } = s.init;
    const { ca, tag, prp, branchCa, branchP } = s;
    stepPools(ca, s.caDecay, params.ca_per_pC, s.current, dt);
    branchCa.fill(0);
    const theta = params.theta_tag;
    for (let k = 0; k < ca.length; k++) {
      branchCa[branch[k]] += ca[k];
      tag[k] = ca[k] > theta[k] ? 1 : tag[k] * s.tagDecay[k];
    }
    const dt_s = dt / 1000;
    for (let b = 0; b < branchP.length; b++) {
      if (Number.isNaN(s.branchTheta[b])) continue;
      branchP[b] = branchP[b] * s.branchDecay[b] + (branchCa[b] > s.branchTheta[b] ? s.branchRate[b] * dt_s : 0);
    }
    const eta = params.eta_per_s;
    for (let k = 0; k < ca.length; k++) {
      const p = branchP[branch[k]];
      prp[k] = p;
      const capture = tag[k] * p;
      if (capture > 0) w[k] += dt_s * eta[k] * capture * (wMax[k] - w[k]);
    }
  },
};
