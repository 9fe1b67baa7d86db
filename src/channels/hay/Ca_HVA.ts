import type { InstanceInit, Mechanism, MechanismContext, IonState } from '../mechanism.ts';
import { hocExp as hocExpShared } from './common.ts';
import { gatedSimdAdvance, gatedSimdModule } from './simd.ts';
import { gatedDescription, gatedInitialize, gatedInstance, ohmicCurrent, type GatedInstance, type GatedSpec, fusedOhmicCurrent } from './gated.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const M_INF = 0;
const M_TAU = 1;
const H_INF = 2;
const H_TAU = 3;
const scratch = new Float64Array(4);

/**
 * High-voltage-activated Ca current, ModelDB 139653 `Ca_HVA.mod` (Reuveni et al. 1993, as used by Hay et
 * al. 2011): ica = gCa_HVAbar·m²·h·(v − eca); no temperature factor; guard at exactly −27 mV.
 *
 * The state update runs in WebAssembly SIMD as ./simd.ts describes, in the same arithmetic as `caHvaRates` + cnexp (./common.ts).
 *
 * Evaluation order 26 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function caHvaRates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    let v = v0;
    if (v === -27.0) v = v + 0.0001;
    e[0] = hocExp((-27.0 - v) / 3.8);
    e[1] = hocExp((-75.0 - v) / 17.0);
    e[2] = hocExp((-13.0 - v) / 50.0);
    e[3] = hocExp((-v - 15.0) / 28.0);
  }
  const E0 = e[0];
  const E1 = e[1];
  const E2 = e[2];
  const E3 = e[3];
  let v = v0;
  if (v === -27.0) v = v + 0.0001;
  const mAlpha = (0.055 * (-27.0 - v)) / (E0 - 1.0);
  const mBeta = 0.94 * E1;
  const mInf = mAlpha / (mAlpha + mBeta);
  const mTau = 1.0 / (mAlpha + mBeta);
  const hAlpha = 0.000457 * E2;
  const hBeta = 0.0065 / (E3 + 1.0);
  const hInf = hAlpha / (hAlpha + hBeta);
  const hTau = 1.0 / (hAlpha + hBeta);
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
  out[H_INF] = hInf;
  out[H_TAU] = hTau;
}

export interface CaHVAInstance extends GatedInstance {
  readonly gCa_HVAbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gCa_HVA: Float64Array;
  readonly ica: Float64Array;
  readonly ion: IonState;
}

/** The state update's arithmetic (nocmodl's, as the generated kernel), for ./simd.ts. */
const SIMD = gatedSimdModule({
  pre: (s) => [s.def(s.shiftAt(s.v, -27))],
  exps: (s, [vm]) => [
    s.div(s.sub(s.k(-27), vm), s.k(3.8)),
    s.div(s.sub(s.k(-75), vm), s.k(17)),
    s.div(s.sub(s.k(-13), vm), s.k(50)),
    s.div(s.sub(s.neg(vm), s.k(15)), s.k(28)),
  ],
  gates: (s, [vm]) => {
    const am = s.def(s.div(s.mul(s.k(0.055), s.sub(s.k(-27), vm)), s.sub(s.t(0), s.k(1))));
    const bm = s.def(s.mul(s.k(0.94), s.t(1)));
    const ah = s.def(s.mul(s.k(0.000457), s.t(2)));
    const bh = s.def(s.div(s.k(0.0065), s.add(s.t(3), s.k(1))));
    return [
      [s.div(am, s.add(am, bm)), s.div(s.k(1), s.add(am, bm))],
      [s.div(ah, s.add(ah, bh)), s.div(s.k(1), s.add(ah, bh))],
    ];
  },
}, 4, 2);

const SPEC: GatedSpec = {
  name: 'Ca_HVA',
  summary: 'high-voltage-activated Ca channel (Reuveni et al. 1993), Hay et al. 2011',
  order: 26,
  gbar: 'gCa_HVAbar',
  gates: [{ name: 'm', description: 'activation' }, { name: 'h', description: 'inactivation' }],
  g: 'gCa_HVA',
  i: 'ica',
  ion: 'ca',
  rateExps: 4,
  simd: SIMD,
};


/** The current when nobody reads g or i (./gated.ts fusedOhmicCurrent): g = gbar * m * m * h. */
const FUSED_CURRENT = fusedOhmicCurrent('gbar * m * m * h');

export const caHva: Mechanism<CaHVAInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): CaHVAInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, caHvaRates),

  current(inst: CaHVAInstance, ctx: MechanismContext): void {
    const { count, gCa_HVAbar: gbar, m, h, gCa_HVA: g } = inst;
    if (!inst.storeVars) return FUSED_CURRENT(inst, ctx, gbar, m, h);
    for (let j = 0; j < count; j++) {
      const mj = m[j];
      g[j] = gbar[j] * mj * mj * h[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ica);
  },

  /** rates() and cnexp for all instances in one WebAssembly SIMD loop (./simd.ts, SIMD above). */
  advance: gatedSimdAdvance<CaHVAInstance>(SPEC, 1),
};
