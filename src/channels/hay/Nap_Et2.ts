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
const scratch = new Float64Array(6);

/**
 * Persistent Na current, ModelDB 139653 `Nap_Et2.mod` (Magistretti & Alonso 1999, as used by Hay et
 * al. 2011): ina = gNap_Et2bar·m³·h·(v − ena). m∞ and h∞ are Boltzmann functions (h∞ is not αh/(αh + βh));
 * τm = 6/(αm + βm)/qt with NaTa_t's αm, βm. Guards at exactly −38, −17 and −64.4 mV (NOTES.md §2).
 *
 * The state update runs in WebAssembly SIMD as ./simd.ts describes, in the same arithmetic as `napEt2Rates` + cnexp (./common.ts).
 *
 * Evaluation order 33 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function napEt2Rates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    let v = v0;
    e[0] = hocExp((v - -52.6) / -4.6);
    if (v === -38.0) v = v + 0.0001;
    e[1] = hocExp(-(v - -38.0) / 6.0);
    e[2] = hocExp(-(-v - 38.0) / 6.0);
    if (v === -17.0) v = v + 0.0001;
    if (v === -64.4) v = v + 0.0001;
    e[3] = hocExp((v - -48.8) / 10.0);
    e[4] = hocExp((v + 17.0) / 4.63);
    e[5] = hocExp(-(v + 64.4) / 2.63);
  }
  const E0 = e[0];
  const E1 = e[1];
  const E2 = e[2];
  const E3 = e[3];
  const E4 = e[4];
  const E5 = e[5];
  let v = v0;
  const mInf = 1.0 / (1.0 + E0);
  if (v === -38.0) v = v + 0.0001;
  const mAlpha = (0.182 * (v - -38.0)) / (1.0 - E1);
  const mBeta = (0.124 * (-v - 38.0)) / (1.0 - E2);
  const mTau = (6.0 * (1.0 / (mAlpha + mBeta))) / QT;
  if (v === -17.0) v = v + 0.0001;
  if (v === -64.4) v = v + 0.0001;
  const hInf = 1.0 / (1.0 + E3);
  const hAlpha = (-2.88e-6 * (v + 17.0)) / (1.0 - E4);
  const hBeta = (6.94e-6 * (v + 64.4)) / (1.0 - E5);
  const hTau = (1.0 / (hAlpha + hBeta)) / QT;
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
  out[H_INF] = hInf;
  out[H_TAU] = hTau;
}

export interface NapEt2Instance extends GatedInstance {
  readonly gNap_Et2bar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gNap_Et2: Float64Array;
  readonly ina: Float64Array;
  readonly ion: IonState;
}

/** The state update's arithmetic (nocmodl's, as the generated kernel), for ./simd.ts. */
const SIMD = gatedSimdModule({
  pre: (s) => {
    const vm = s.def(s.shiftAt(s.v, -38));
    const vh1 = s.def(s.shiftAt(vm, -17));
    return [vm, s.def(s.shiftAt(vh1, -64.4))];
  },
  exps: (s, [vm, vh]) => [
    s.div(s.add(s.v, s.k(52.6)), s.k(-4.6)),
    s.div(s.neg(s.add(vm, s.k(38))), s.k(6)),
    s.div(s.neg(s.sub(s.neg(vm), s.k(38))), s.k(6)),
    s.div(s.add(vh, s.k(48.8)), s.k(10)),
    s.div(s.add(vh, s.k(17)), s.k(4.63)),
    s.div(s.neg(s.add(vh, s.k(64.4))), s.k(2.63)),
  ],
  gates: (s, [vm, vh]) => {
    const am = s.def(s.div(s.mul(s.k(0.182), s.add(vm, s.k(38))), s.sub(s.k(1), s.t(1))));
    const bm = s.def(s.div(s.mul(s.k(0.124), s.sub(s.neg(vm), s.k(38))), s.sub(s.k(1), s.t(2))));
    const ah = s.def(s.div(s.mul(s.k(-0.00000288), s.add(vh, s.k(17))), s.sub(s.k(1), s.t(4))));
    const bh = s.def(s.div(s.mul(s.k(0.00000694), s.add(vh, s.k(64.4))), s.sub(s.k(1), s.t(5))));
    return [
      [s.div(s.k(1), s.add(s.k(1), s.t(0))), s.div(s.mul(s.k(6), s.div(s.k(1), s.add(am, bm))), s.qt)],
      [s.div(s.k(1), s.add(s.k(1), s.t(3))), s.div(s.div(s.k(1), s.add(ah, bh)), s.qt)],
    ];
  },
}, 6, 2);

const SPEC: GatedSpec = {
  name: 'Nap_Et2',
  summary: 'persistent Na channel (Magistretti & Alonso 1999), Hay et al. 2011',
  order: 33,
  gbar: 'gNap_Et2bar',
  gates: [{ name: 'm', description: 'activation' }, { name: 'h', description: 'inactivation' }],
  g: 'gNap_Et2',
  i: 'ina',
  ion: 'na',
  rateExps: 6,
  simd: SIMD,
};


/** The current when nobody reads g or i (./gated.ts fusedOhmicCurrent): g = gbar * m * m * m * h. */
const FUSED_CURRENT = fusedOhmicCurrent('gbar * m * m * m * h');

export const napEt2: Mechanism<NapEt2Instance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): NapEt2Instance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, napEt2Rates),

  current(inst: NapEt2Instance, ctx: MechanismContext): void {
    const { count, gNap_Et2bar: gbar, m, h, gNap_Et2: g } = inst;
    if (!inst.storeVars) return FUSED_CURRENT(inst, ctx, gbar, m, h);
    for (let j = 0; j < count; j++) {
      const mj = m[j];
      g[j] = gbar[j] * mj * mj * mj * h[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ina);
  },

  /** rates() and cnexp for all instances in one WebAssembly SIMD loop (./simd.ts, SIMD above). */
  advance: gatedSimdAdvance<NapEt2Instance>(SPEC, QT),
};
