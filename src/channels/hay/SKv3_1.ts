import type { InstanceInit, Mechanism, MechanismContext, IonState } from '../mechanism.ts';
import { hocExp as hocExpShared } from './common.ts';
import { gatedSimdAdvance, gatedSimdModule } from './simd.ts';
import { gatedDescription, gatedInitialize, gatedInstance, ohmicCurrent, type GatedInstance, type GatedSpec, fusedOhmicCurrent } from './gated.ts';

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
 * The state update runs in WebAssembly SIMD as ./simd.ts describes, in the same arithmetic as `skv31Rates` + cnexp (./common.ts).
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

/** The state update's arithmetic (nocmodl's, as the generated kernel), for ./simd.ts. */
const SIMD = gatedSimdModule({
  pre: () => [],
  exps: (s) => [s.div(s.sub(s.v, s.k(18.7)), s.k(-9.7)), s.div(s.add(s.v, s.k(46.56)), s.k(-44.14))],
  gates: (s) => [[s.div(s.k(1), s.add(s.k(1), s.t(0))), s.div(s.k(4), s.add(s.k(1), s.t(1)))]],
}, 2, 1);

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
  simd: SIMD,
};


/** The current when nobody reads g or i (./gated.ts fusedOhmicCurrent): g = gbar * m. */
const FUSED_CURRENT = fusedOhmicCurrent('gbar * m');

export const skv31: Mechanism<SKv31Instance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): SKv31Instance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, skv31Rates),

  current(inst: SKv31Instance, ctx: MechanismContext): void {
    const { count, gSKv3_1bar: gbar, m, gSKv3_1: g } = inst;
    if (!inst.storeVars) return FUSED_CURRENT(inst, ctx, gbar, m);
    for (let j = 0; j < count; j++) {
      g[j] = gbar[j] * m[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ik);
  },

  /** rates() and cnexp for all instances in one WebAssembly SIMD loop (./simd.ts, SIMD above). */
  advance: gatedSimdAdvance<SKv31Instance>(SPEC, 1),
};
