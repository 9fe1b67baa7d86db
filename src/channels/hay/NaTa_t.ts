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
 * Transient Na current, ModelDB 139653 `NaTa_t.mod` (Colbert & Pan 2002, as used by Hay et al. 2011):
 * ina = gNaTa_tbar·m³·h·(v − ena). Rates as nocmodl emits them (NOTES.md §2), singularity guards at
 * exactly −38 and −66 mV (the second sees the possibly shifted v).
 *
 * The state update runs in WebAssembly SIMD as ./simd.ts describes, in the same arithmetic as `naTaTRates` + cnexp (./common.ts).
 *
 * Evaluation order 32 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function naTaTRates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    let v = v0;
    if (v === -38.0) v = v + 0.0001;
    e[0] = hocExp(-(v - -38.0) / 6.0);
    e[1] = hocExp(-(-v - 38.0) / 6.0);
    if (v === -66.0) v = v + 0.0001;
    e[2] = hocExp((v - -66.0) / 6.0);
    e[3] = hocExp((-v - 66.0) / 6.0);
  }
  const E0 = e[0];
  const E1 = e[1];
  const E2 = e[2];
  const E3 = e[3];
  let v = v0;
  if (v === -38.0) v = v + 0.0001;
  const mAlpha = (0.182 * (v - -38.0)) / (1.0 - E0);
  const mBeta = (0.124 * (-v - 38.0)) / (1.0 - E1);
  const mTau = (1.0 / (mAlpha + mBeta)) / QT;
  const mInf = mAlpha / (mAlpha + mBeta);
  if (v === -66.0) v = v + 0.0001;
  const hAlpha = (-0.015 * (v - -66.0)) / (1.0 - E2);
  const hBeta = (-0.015 * (-v - 66.0)) / (1.0 - E3);
  const hTau = (1.0 / (hAlpha + hBeta)) / QT;
  const hInf = hAlpha / (hAlpha + hBeta);
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
  out[H_INF] = hInf;
  out[H_TAU] = hTau;
}

export interface NaTatInstance extends GatedInstance {
  readonly gNaTa_tbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gNaTa_t: Float64Array;
  readonly ina: Float64Array;
  readonly ion: IonState;
}

/** The state update's arithmetic (nocmodl's, as the generated kernel), for ./simd.ts. */
const SIMD = gatedSimdModule({
  pre: (s) => {
    const vm = s.def(s.shiftAt(s.v, -38));
    return [vm, s.def(s.shiftAt(vm, -66))];
  },
  // The second argument of each pair is the first negated, bit for bit: −v − c = −(v + c) and
  // (−x)/6 = −(x/6) exactly (round to nearest is symmetric), so one division serves both.
  exps: (s, [vm, vh]) => {
    const em = s.def(s.div(s.neg(s.add(vm, s.k(38))), s.k(6)));
    const eh = s.def(s.div(s.add(vh, s.k(66)), s.k(6)));
    return [em, s.neg(em), eh, s.neg(eh)];
  },
  negated: [[0, 1], [2, 3]],
  gates: (s, [vm, vh]) => {
    const am = s.def(s.div(s.mul(s.k(0.182), s.add(vm, s.k(38))), s.sub(s.k(1), s.t(0))));
    const bm = s.def(s.div(s.mul(s.k(0.124), s.sub(s.neg(vm), s.k(38))), s.sub(s.k(1), s.t(1))));
    const ah = s.def(s.div(s.mul(s.k(-0.015), s.add(vh, s.k(66))), s.sub(s.k(1), s.t(2))));
    const bh = s.def(s.div(s.mul(s.k(-0.015), s.sub(s.neg(vh), s.k(66))), s.sub(s.k(1), s.t(3))));
    return [
      [s.div(am, s.add(am, bm)), s.div(s.div(s.k(1), s.add(am, bm)), s.qt)],
      [s.div(ah, s.add(ah, bh)), s.div(s.div(s.k(1), s.add(ah, bh)), s.qt)],
    ];
  },
}, 4, 2);

const SPEC: GatedSpec = {
  name: 'NaTa_t',
  summary: 'transient Na channel (Colbert & Pan 2002), Hay et al. 2011',
  order: 32,
  gbar: 'gNaTa_tbar',
  gates: [{ name: 'm', description: 'activation' }, { name: 'h', description: 'inactivation' }],
  g: 'gNaTa_t',
  i: 'ina',
  ion: 'na',
  rateExps: 4,
  simd: SIMD,
};


/** The current when nobody reads g or i (./gated.ts fusedOhmicCurrent): g = gbar * m * m * m * h. */
const FUSED_CURRENT = fusedOhmicCurrent('gbar * m * m * m * h');

export const naTaT: Mechanism<NaTatInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): NaTatInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, naTaTRates),

  current(inst: NaTatInstance, ctx: MechanismContext): void {
    const { count, gNaTa_tbar: gbar, m, h, gNaTa_t: g } = inst;
    if (!inst.storeVars) return FUSED_CURRENT(inst, ctx, gbar, m, h);
    for (let j = 0; j < count; j++) {
      const mj = m[j];
      g[j] = gbar[j] * mj * mj * mj * h[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ina);
  },

  /** rates() and cnexp for all instances in one WebAssembly SIMD loop (./simd.ts, SIMD above). */
  advance: gatedSimdAdvance<NaTatInstance>(SPEC, QT),
};
