import type { InstanceInit, Mechanism, MechanismContext, IonState } from '../mechanism.ts';
import { hocExp as hocExpShared, QT as QT_SHARED } from './common.ts';
import { gatedSimdAdvance, gatedSimdModule } from './simd.ts';
import { gatedDescription, gatedInitialize, gatedInstance, ohmicCurrent, type GatedInstance, type GatedSpec, fusedOhmicCurrent } from './gated.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const QT = QT_SHARED;
const M_INF = 0;
const M_TAU = 1;
const scratch = new Float64Array(2);

/**
 * M-type K current, ModelDB 139653 `Im.mod` (Adams et al. 1982, as used by Hay et al. 2011):
 * ik = gImbar·m·(v − ek); α = 3.3e-3·exp(2.5·0.04·(v + 35)), β = 3.3e-3·exp(−2.5·0.04·(v + 35)) with the
 * constant products formed left to right as NEURON does.
 *
 * The state update runs in WebAssembly SIMD as ./simd.ts describes, in the same arithmetic as `imRates` + cnexp (./common.ts).
 *
 * Evaluation order 29 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau] (ms) to out. */
export function imRates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    const v = v0;
    e[0] = hocExp(2.5 * 0.04 * (v - -35.0));
    e[1] = hocExp(-2.5 * 0.04 * (v - -35.0));
  }
  const E0 = e[0];
  const E1 = e[1];
  const mAlpha = 3.3e-3 * E0;
  const mBeta = 3.3e-3 * E1;
  const mInf = mAlpha / (mAlpha + mBeta);
  const mTau = (1.0 / (mAlpha + mBeta)) / QT;
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
}

export interface ImInstance extends GatedInstance {
  readonly gImbar: Float64Array;
  readonly m: Float64Array;
  readonly gIm: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
}

/** The state update's arithmetic (nocmodl's, as the generated kernel), for ./simd.ts. */
const SIMD = gatedSimdModule({
  pre: () => [],
  // (−0.1)·w = −(0.1·w) bit for bit: the second argument is the first negated
  exps: (s) => {
    const a = s.def(s.mul(s.k(0.1), s.add(s.v, s.k(35))));
    return [a, s.neg(a)];
  },
  negated: [[0, 1]],
  gates: (s) => {
    const am = s.def(s.mul(s.k(0.0033), s.t(0)));
    const bm = s.def(s.mul(s.k(0.0033), s.t(1)));
    return [[s.div(am, s.add(am, bm)), s.div(s.div(s.k(1), s.add(am, bm)), s.qt)]];
  },
}, 2, 1);

const SPEC: GatedSpec = {
  name: 'Im',
  summary: 'muscarinic K channel (Adams et al. 1982), Hay et al. 2011',
  order: 29,
  gbar: 'gImbar',
  gates: [{ name: 'm', description: 'activation' }],
  g: 'gIm',
  i: 'ik',
  ion: 'k',
  rateExps: 2,
  simd: SIMD,
};


/** The current when nobody reads g or i (./gated.ts fusedOhmicCurrent): g = gbar * m. */
const FUSED_CURRENT = fusedOhmicCurrent('gbar * m');

export const im: Mechanism<ImInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): ImInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, imRates),

  current(inst: ImInstance, ctx: MechanismContext): void {
    const { count, gImbar: gbar, m, gIm: g } = inst;
    if (!inst.storeVars) return FUSED_CURRENT(inst, ctx, gbar, m);
    for (let j = 0; j < count; j++) {
      g[j] = gbar[j] * m[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ik);
  },

  /** rates() and cnexp for all instances in one WebAssembly SIMD loop (./simd.ts, SIMD above). */
  advance: gatedSimdAdvance<ImInstance>(SPEC, QT),
};
