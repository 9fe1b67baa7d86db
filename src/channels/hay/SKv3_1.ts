import type { InstanceInit, Mechanism, MechanismContext, IonState } from '../mechanism.ts';
import { hocExp as hocExpShared } from './common.ts';
import { gatedDescription, gatedInitialize, gatedInstance, ohmicCurrent, type GatedInstance, type GatedSpec } from './gated.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const M_INF = 0;
const M_TAU = 1;
const scratch = new Float64Array(2);

/**
 * Kv3.1 K current, ModelDB 139653 `SKv3_1.mod` (Rettig et al. 1992, as used by Hay et al. 2011):
 * ik = gSKv3_1bar·m·(v − ek); m∞ = 1/(1 + exp((v − 18.7)/(−9.7))), τ = 0.2·20/(1 + exp((v + 46.56)/(−44.14)));
 * no temperature factor.
 *
 * The state update is batched as ./gated.ts describes, in the same arithmetic as `skv31Rates` + cnexp below.
 *
 * Evaluation order 35 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau] (ms) to out. */
export function skv31Rates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    const v = v0;
    e[0] = hocExp((v - 18.7) / -9.7);
    e[1] = hocExp((v - -46.56) / -44.14);
  }
  const E0 = e[0];
  const E1 = e[1];
  const mInf = 1.0 / (1.0 + E0);
  const mTau = (0.2 * 20.0) / (1.0 + E1);
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
}

export interface SKv31Instance extends GatedInstance {
  readonly gSKv3_1bar: Float64Array;
  readonly m: Float64Array;
  readonly gSKv3_1: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
}

const SPEC: GatedSpec = {
  name: 'SKv3_1',
  summary: 'Kv3.1 fast delayed-rectifier K channel (Rettig et al. 1992), Hay et al. 2011',
  order: 35,
  gbar: 'gSKv3_1bar',
  gates: [{ name: 'm', description: 'activation' }],
  g: 'gSKv3_1',
  i: 'ik',
  ion: 'k',
  rateExps: 2,
};

const STATE = 2;
const ARGS = 3;
const INFS = 4;

export const skv31: Mechanism<SKv31Instance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): SKv31Instance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, skv31Rates),

  current(inst: SKv31Instance, ctx: MechanismContext): void {
    const { count, gSKv3_1bar: gbar, m, gSKv3_1: g } = inst;
    for (let j = 0; j < count; j++) {
      g[j] = gbar[j] * m[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ik);
  },

  /**
   * rates() and cnexp for all instances in nocmodl's arithmetic (the values of the kernel generated
   * from the kinetics description, bit for bit): the rate exponentials in one batched call, then per
   * gate a = (−1)/τ, the target −(x∞/τ)/a and the exponent dt·a, and one ExpBatch.relax (./gated.ts).
   */
  advance(inst: SKv31Instance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dt = ctx.dt;
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      buf[j] = (v - 18.7) / -9.7;
      buf[n + j] = (v + 46.56) / -44.14;
    }
    expb.run(0, 2 * n);
    for (let j = 0; j < n; j++) {
      const t0 = buf[j];
      const t1 = buf[n + j];
      const r_m_1 = 1.0 / (1.0 + t0);
      const r_m_2 = 4.0 / (1.0 + t1);
      const a_m = -1.0 / r_m_2;
      buf[(INFS) * n + j] = -(r_m_1 / r_m_2) / a_m;
      buf[(ARGS) * n + j] = dt * a_m;
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 1 * n);
  },
};
