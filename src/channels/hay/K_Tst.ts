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
 * Transient K current, ModelDB 139653 `K_Tst.mod` (Korngreen & Sakmann 2000, shifted −10 mV, as used by
 * Hay et al. 2011): ik = gK_Tstbar·m⁴·h·(v − ek). Rates use v′ = v + 10; NEURON's pow(m, 4.0) and
 * pow(…, 2.0) are products here (ulp-level differences, NOTES.md §1).
 *
 * The state update runs in WebAssembly SIMD as ./simd.ts describes, in the same arithmetic as `kTstRates` + cnexp (./common.ts).
 *
 * Evaluation order 31 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function kTstRates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    const v = v0 + 10.0;
    e[0] = hocExp(-(v + 0.0) / 19.0);
    const xm = (v + 71.0) / 59.0;
    e[1] = hocExp(-(xm * xm));
    e[2] = hocExp(-(v + 66.0) / -10.0);
    const xh = (v + 73.0) / 23.0;
    e[3] = hocExp(-(xh * xh));
  }
  const E0 = e[0];
  const E1 = e[1];
  const E2 = e[2];
  const E3 = e[3];
  const mInf = 1.0 / (1.0 + E0);
  const mTau = (0.34 + 0.92 * E1) / QT;
  const hInf = 1.0 / (1.0 + E2);
  const hTau = (8.0 + 49.0 * E3) / QT;
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
  out[H_INF] = hInf;
  out[H_TAU] = hTau;
}

export interface KTstInstance extends GatedInstance {
  readonly gK_Tstbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gK_Tst: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
}

/** The state update's arithmetic (nocmodl's, as the generated kernel), for ./simd.ts. */
const SIMD = gatedSimdModule({
  pre: (s) => {
    const vs = s.def(s.add(s.v, s.k(10)));
    return [vs, s.def(s.div(s.add(vs, s.k(71)), s.k(59))), s.def(s.div(s.add(vs, s.k(73)), s.k(23)))];
  },
  exps: (s, [vs, xm, xh]) => [
    s.div(s.neg(s.add(vs, s.k(0))), s.k(19)),
    s.neg(s.mul(xm, xm)),
    s.div(s.neg(s.add(vs, s.k(66))), s.k(-10)),
    s.neg(s.mul(xh, xh)),
  ],
  gates: (s) => [
    [s.div(s.k(1), s.add(s.k(1), s.t(0))), s.div(s.add(s.k(0.34), s.mul(s.k(0.92), s.t(1))), s.qt)],
    [s.div(s.k(1), s.add(s.k(1), s.t(2))), s.div(s.add(s.k(8), s.mul(s.k(49), s.t(3))), s.qt)],
  ],
}, 4, 2);

const SPEC: GatedSpec = {
  name: 'K_Tst',
  summary: 'transient K channel (Korngreen & Sakmann 2000), Hay et al. 2011',
  order: 31,
  gbar: 'gK_Tstbar',
  gates: [{ name: 'm', description: 'activation' }, { name: 'h', description: 'inactivation' }],
  g: 'gK_Tst',
  i: 'ik',
  ion: 'k',
  rateExps: 4,
  simd: SIMD,
};


/** The current when nobody reads g or i (./gated.ts fusedOhmicCurrent): g = gbar * (m * m * m * m) * h. */
const FUSED_CURRENT = fusedOhmicCurrent('gbar * (m * m * m * m) * h');

export const kTst: Mechanism<KTstInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): KTstInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, kTstRates),

  current(inst: KTstInstance, ctx: MechanismContext): void {
    const { count, gK_Tstbar: gbar, m, h, gK_Tst: g } = inst;
    if (!inst.storeVars) return FUSED_CURRENT(inst, ctx, gbar, m, h);
    for (let j = 0; j < count; j++) {
      const mj = m[j];
      g[j] = gbar[j] * (mj * mj * mj * mj) * h[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ik);
  },

  /** rates() and cnexp for all instances in one WebAssembly SIMD loop (./simd.ts, SIMD above). */
  advance: gatedSimdAdvance<KTstInstance>(SPEC, QT),
};
