import type { InstanceInit, Mechanism, MechanismContext, IonState } from '../mechanism.ts';
import { hocExp as hocExpShared, QT as QT_SHARED } from './common.ts';
import { gatedSimdAdvance, gatedSimdModule } from './simd.ts';
import { gatedDescription, gatedInitialize, gatedInstance, ohmicCurrent, type GatedInstance, type GatedSpec, fusedOhmicCurrent } from './gated.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const QT = QT_SHARED;
const M_INF = 0;
const M_TAU = 1;
const H_INF = 2;
const H_TAU = 3;
const scratch = new Float64Array(4);

/**
 * Low-voltage-activated Ca current, ModelDB 139653 `Ca_LVAst.mod` (Avery & Johnston 1996, τ from Randall
 * 1997, shifted −10 mV, as used by Hay et al. 2011): ica = gCa_LVAstbar·m²·h·(v − eca); rates use v′ = v + 10.
 *
 * The state update runs in WebAssembly SIMD as ./simd.ts describes, in the same arithmetic as `caLvastRates` + cnexp (./common.ts).
 *
 * Evaluation order 27 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function caLvastRates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    const v = v0 + 10.0;
    e[0] = hocExp((v - -30.0) / -6.0);
    e[1] = hocExp((v - -25.0) / 5.0);
    e[2] = hocExp((v - -80.0) / 6.4);
    e[3] = hocExp((v - -40.0) / 7.0);
  }
  const E0 = e[0];
  const E1 = e[1];
  const E2 = e[2];
  const E3 = e[3];
  const mInf = 1.0 / (1.0 + E0);
  const mTau = (5.0 + 20.0 / (1.0 + E1)) / QT;
  const hInf = 1.0 / (1.0 + E2);
  const hTau = (20.0 + 50.0 / (1.0 + E3)) / QT;
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
  out[H_INF] = hInf;
  out[H_TAU] = hTau;
}

export interface CaLVAstInstance extends GatedInstance {
  readonly gCa_LVAstbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gCa_LVAst: Float64Array;
  readonly ica: Float64Array;
  readonly ion: IonState;
}

/** The state update's arithmetic (nocmodl's, as the generated kernel), for ./simd.ts. */
const SIMD = gatedSimdModule({
  pre: (s) => [s.def(s.add(s.v, s.k(10)))],
  exps: (s, [vs]) => [
    s.div(s.add(vs, s.k(30)), s.k(-6)),
    s.div(s.add(vs, s.k(25)), s.k(5)),
    s.div(s.add(vs, s.k(80)), s.k(6.4)),
    s.div(s.add(vs, s.k(40)), s.k(7)),
  ],
  gates: (s) => [
    [s.div(s.k(1), s.add(s.k(1), s.t(0))), s.div(s.add(s.k(5), s.div(s.k(20), s.add(s.k(1), s.t(1)))), s.qt)],
    [s.div(s.k(1), s.add(s.k(1), s.t(2))), s.div(s.add(s.k(20), s.div(s.k(50), s.add(s.k(1), s.t(3)))), s.qt)],
  ],
}, 4, 2);

const SPEC: GatedSpec = {
  name: 'Ca_LVAst',
  summary: 'low-voltage-activated Ca channel (Avery & Johnston 1996), Hay et al. 2011',
  order: 27,
  gbar: 'gCa_LVAstbar',
  gates: [{ name: 'm', description: 'activation' }, { name: 'h', description: 'inactivation' }],
  g: 'gCa_LVAst',
  i: 'ica',
  ion: 'ca',
  rateExps: 4,
  simd: SIMD,
};


/** The current when nobody reads g or i (./gated.ts fusedOhmicCurrent): g = gbar * m * m * h. */
const FUSED_CURRENT = fusedOhmicCurrent('gbar * m * m * h');

export const caLvast: Mechanism<CaLVAstInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): CaLVAstInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, caLvastRates),

  current(inst: CaLVAstInstance, ctx: MechanismContext): void {
    const { count, gCa_LVAstbar: gbar, m, h, gCa_LVAst: g } = inst;
    if (!inst.storeVars) return FUSED_CURRENT(inst, ctx, gbar, m, h);
    for (let j = 0; j < count; j++) {
      const mj = m[j];
      g[j] = gbar[j] * mj * mj * h[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ica);
  },

  /** rates() and cnexp for all instances in one WebAssembly SIMD loop (./simd.ts, SIMD above). */
  advance: gatedSimdAdvance<CaLVAstInstance>(SPEC, QT),
};
