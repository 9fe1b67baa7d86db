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
 * Persistent K current, ModelDB 139653 `K_Pst.mod` (Korngreen & Sakmann 2000, shifted −10 mV, as used by
 * Hay et al. 2011): ik = gK_Pstbar·m²·h·(v − ek). The rates use v′ = v + 10 (one double addition);
 * (…)^2 is glibc pow(…, 2.0) in NEURON, x·x here (equal but for rare 1-ulp cases, NOTES.md §1).
 *
 * The state update runs in WebAssembly SIMD as ./simd.ts describes, in the same arithmetic as `kPstRates` + cnexp (./common.ts).
 *
 * Evaluation order 30 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function kPstRates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    const v = v0 + 10.0;
    e[0] = hocExp(-(v + 1.0) / 12.0);
    e[1] = hocExp(v < -50.0 ? -v * -0.026 : -v * 0.026);
    e[2] = hocExp(-(v + 54.0) / -11.0);
    const x = (v + 75.0) / 48.0;
    e[3] = hocExp(-(x * x));
  }
  const E0 = e[0];
  const E1 = e[1];
  const E2 = e[2];
  const E3 = e[3];
  const v = v0 + 10.0;
  const mInf = 1.0 / (1.0 + E0);
  const mTau = v < -50.0 ? (1.25 + 175.03 * E1) / QT : (1.25 + 13.0 * E1) / QT;
  const hInf = 1.0 / (1.0 + E2);
  const hTau = (360.0 + (1010.0 + 24.0 * (v + 55.0)) * E3) / QT;
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
  out[H_INF] = hInf;
  out[H_TAU] = hTau;
}

export interface KPstInstance extends GatedInstance {
  readonly gK_Pstbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gK_Pst: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
}

/** The state update's arithmetic (nocmodl's, as the generated kernel), for ./simd.ts. */
const SIMD = gatedSimdModule({
  pre: (s) => {
    const vs = s.def(s.add(s.v, s.k(10)));
    return [vs, s.def(s.div(s.add(vs, s.k(75)), s.k(48)))];
  },
  exps: (s, [vs, x]) => [
    s.div(s.neg(s.add(vs, s.k(1))), s.k(12)),
    s.ifLess(vs, s.k(-50), s.mul(s.neg(vs), s.k(-0.026)), s.mul(s.neg(vs), s.k(0.026))),
    s.div(s.neg(s.add(vs, s.k(54))), s.k(-11)),
    s.neg(s.mul(x, x)),
  ],
  gates: (s, [vs]) => [
    [
      s.div(s.k(1), s.add(s.k(1), s.t(0))),
      s.ifLess(vs, s.k(-50), s.div(s.add(s.k(1.25), s.mul(s.k(175.03), s.t(1))), s.qt), s.div(s.add(s.k(1.25), s.mul(s.k(13), s.t(1))), s.qt)),
    ],
    [s.div(s.k(1), s.add(s.k(1), s.t(2))), s.div(s.add(s.k(360), s.mul(s.add(s.k(1010), s.mul(s.k(24), s.add(vs, s.k(55)))), s.t(3))), s.qt)],
  ],
}, 4, 2);

const SPEC: GatedSpec = {
  name: 'K_Pst',
  summary: 'persistent K channel (Korngreen & Sakmann 2000), Hay et al. 2011',
  order: 30,
  gbar: 'gK_Pstbar',
  gates: [{ name: 'm', description: 'activation' }, { name: 'h', description: 'inactivation' }],
  g: 'gK_Pst',
  i: 'ik',
  ion: 'k',
  rateExps: 4,
  simd: SIMD,
};


/** The current when nobody reads g or i (./gated.ts fusedOhmicCurrent): g = gbar * m * m * h. */
const FUSED_CURRENT = fusedOhmicCurrent('gbar * m * m * h');

export const kPst: Mechanism<KPstInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): KPstInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, kPstRates),

  current(inst: KPstInstance, ctx: MechanismContext): void {
    const { count, gK_Pstbar: gbar, m, h, gK_Pst: g } = inst;
    if (!inst.storeVars) return FUSED_CURRENT(inst, ctx, gbar, m, h);
    for (let j = 0; j < count; j++) {
      const mj = m[j];
      g[j] = gbar[j] * mj * mj * h[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ik);
  },

  /** rates() and cnexp for all instances in one WebAssembly SIMD loop (./simd.ts, SIMD above). */
  advance: gatedSimdAdvance<KPstInstance>(SPEC, QT),
};
