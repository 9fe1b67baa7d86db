/**
 * The plastic synapse wrapper (src/plasticity/synapse.ts) driven by hand, without a cell: which
 * synapses a postsynaptic spike reaches (one detector per distinct post node and threshold, as
 * "branch" and a somatic location give), the interpolated crossing time, the order of a
 * presynaptic event (the conductance uses w before the rules change it), the clip to the bounds,
 * and that the wrapped synapse's own numerics are untouched.
 */
import { describe, expect, it } from 'vitest';
import type { MechanismContext } from '../../src/channels/mechanism.ts';
import { ampa } from '../../src/channels/synapses/index.ts';
import { makePlasticSynapse, scaling, type PlasticityRule, type RuleState } from '../../src/plasticity/index.ts';

const N_NODES = 8;

function setup(rule: PlasticityRule, postNode: number[], wInit = 0.001, extra: Record<string, number[]> = {}) {
  const mech = makePlasticSynapse(ampa, [{ rule }]);
  const count = postNode.length;
  const params: Record<string, Float64Array> = {};
  for (const p of mech.description.params) params[p.name] = new Float64Array(count).fill(Number.isNaN(p.default) ? 0 : p.default);
  params.w_init.fill(wInit);
  params.w_max.fill(1);
  params.post_node = Float64Array.from(postNode);
  for (const [k, v] of Object.entries(extra)) params[k] = Float64Array.from(v);
  const v = new Float64Array(N_NODES).fill(-65);
  const ctx: MechanismContext = { t: 0, dt: 0.025, celsius: 6.3, v, rhs: new Float64Array(N_NODES), d: new Float64Array(N_NODES), area_um2: new Float64Array(N_NODES).fill(100) };
  const inst = mech.instantiate({
    nodes: Int32Array.from(postNode.map((_, k) => k)),
    params, globals: { n_branches: 2 }, area_um2: ctx.area_um2, ions: {},
  });
  mech.initialize(inst, ctx);
  return { mech, inst, ctx, v };
}

/** A rule that records what it is told. */
function recorder(): PlasticityRule & { post: [number, number][]; pre: [number, number, number][] } {
  const post: [number, number][] = [];
  const pre: [number, number, number][] = [];
  let w: Float64Array;
  return {
    post, pre,
    name: 'recorder', summary: '', source: '', params: [], states: [], usesPost: true,
    create(init): RuleState {
      w = init.w;
      return { vars: {} };
    },
    initialize() {},
    onPre(_s, k, ctx) {
      pre.push([k, ctx.t, w[k]]);
      w[k] += 5; // beyond w_max: the synapse clips it
    },
    onPost(_s, k, t) {
      post.push([k, t]);
    },
  };
}

describe('plastic synapse', () => {
  it('sends each post spike to the synapses that watch that node, at the interpolated crossing time', () => {
    const rec = recorder();
    const { mech, inst, ctx, v } = setup(rec, [5, 5, 6, 6]);
    // one step: v at node 5 goes from −65 to +15 mV (crossing −20 at 9/16 of the step), node 6 stays
    ctx.t = 0.025;
    v[5] = 15;
    mech.advance!(inst, ctx);
    expect(rec.post.map(([k]) => k).sort()).toEqual([0, 1]);
    for (const [, t] of rec.post) expect(t).toBeCloseTo(0.025 * (45 / 80), 12);
    // staying above threshold is no new spike; going down and up again is
    ctx.t = 0.05;
    mech.advance!(inst, ctx);
    expect(rec.post).toHaveLength(2);
    v[5] = -30;
    ctx.t = 0.075;
    mech.advance!(inst, ctx);
    v[6] = 0;
    ctx.t = 0.1;
    mech.advance!(inst, ctx);
    expect(rec.post.slice(2).map(([k]) => k).sort()).toEqual([2, 3]);
    expect(rec.post[2][1]).toBeCloseTo(0.075 + 0.025 * (45 / 65), 12);
  });

  it('an event uses the weight before the rules change it; the weight is clipped to [w_min, w_max]', () => {
    const rec = recorder();
    const { mech, inst, ctx } = setup(rec, [-1], 0.25);
    ctx.t = 3.5;
    mech.netReceive!(inst, 0, 123, ctx); // the connection weight (123) is not used
    expect(rec.pre).toEqual([[0, 3.5, 0.25]]);
    // AMPA: A and B jump by w·factor with the weight before the update
    const factor = inst.vars.factor[0];
    expect(inst.vars.B[0]).toBeCloseTo(0.25 * factor, 15);
    expect(inst.vars.w[0]).toBe(1); // 0.25 + 5, clipped to w_max = 1
  });

  it('branch-wide scaling: synapses that watch different branches scale by their own factors', () => {
    const { mech, inst, ctx, v } = setup(scaling, [5, 5, 6, 6], 0.001, { target_rate_Hz: [5, 5, 5, 5], tau_scaling_ms: [100, 100, 100, 100], tau_rate_ms: [50, 50, 50, 50] });
    // node 5 fires at 100 Hz for 200 ms, node 6 never
    for (let step = 1; step <= 8000; step++) {
      ctx.t = step * ctx.dt;
      const phase = (ctx.t % 10) / 10;
      v[5] = phase < 0.1 ? 20 : -65;
      mech.advance!(inst, ctx);
    }
    const w = inst.vars.w;
    expect(w[0]).toBe(w[1]);
    expect(w[2]).toBe(w[3]);
    expect(w[0]).toBeLessThan(0.001); // 100 Hz > 5 Hz: scaled down
    expect(w[2]).toBeGreaterThan(0.001); // silent: scaled up
    expect(inst.vars.rate[0]).toBeGreaterThan(50);
    expect(inst.vars.rate[2]).toBe(0);
  });
});
