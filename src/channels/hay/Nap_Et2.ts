import type { InstanceInit, Mechanism, MechanismContext, IonState } from '../mechanism.ts';
import { hocExp as hocExpShared, QT as QT_SHARED } from './common.ts';
import { gatedDescription, gatedInitialize, gatedInstance, ohmicCurrent, type GatedInstance, type GatedSpec } from './gated.ts';

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
 * The state update is batched as ./gated.ts describes, in the same arithmetic as `napEt2Rates` + cnexp below.
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
};

const STATE = 6;
const ARGS = 8;
const INFS = 10;

export const napEt2: Mechanism<NapEt2Instance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): NapEt2Instance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, napEt2Rates),

  current(inst: NapEt2Instance, ctx: MechanismContext): void {
    const { count, gNap_Et2bar: gbar, m, h, gNap_Et2: g } = inst;
    for (let j = 0; j < count; j++) {
      const mj = m[j];
      g[j] = gbar[j] * mj * mj * mj * h[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ina);
  },

  /** rates() and cnexp for all instances, one ExpBatch.relax for the gates (./gated.ts). */
  advance(inst: NapEt2Instance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dtq = -(ctx.dt * QT);
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      let v = vNode[nodes[j]];
      buf[j] = (v + 52.6) * (1.0 / -4.6);
      if (v === -38.0) v = v + 0.0001;
      const u = v + 38.0;
      buf[1 * n + j] = -u * (1.0 / 6.0);
      buf[2 * n + j] = u * (1.0 / 6.0);
      if (v === -17.0) v = v + 0.0001;
      if (v === -64.4) v = v + 0.0001;
      buf[3 * n + j] = (v + 48.8) * 0.1;
      buf[4 * n + j] = (v + 17.0) * (1.0 / 4.63);
      buf[5 * n + j] = -(v + 64.4) * (1.0 / 2.63);
    }
    expb.run(0, 6 * n);
    // 2. x∞ and cnexp exponents
    for (let j = 0; j < n; j++) {
      let v = vNode[nodes[j]];
      buf[INFS * n + j] = 1.0 / (1.0 + buf[j]);
      if (v === -38.0) v = v + 0.0001;
      const u = v + 38.0;
      const mAlpha = (0.182 * u) / (1.0 - buf[1 * n + j]);
      const mBeta = (0.124 * -u) / (1.0 - buf[2 * n + j]);
      // τm = (6·(1/(α + β)))/qt
      buf[ARGS * n + j] = dtq * (mAlpha + mBeta) * (1.0 / 6.0);
      if (v === -17.0) v = v + 0.0001;
      if (v === -64.4) v = v + 0.0001;
      buf[(INFS + 1) * n + j] = 1.0 / (1.0 + buf[3 * n + j]);
      const hAlpha = (-2.88e-6 * (v + 17.0)) / (1.0 - buf[4 * n + j]);
      const hBeta = (6.94e-6 * (v + 64.4)) / (1.0 - buf[5 * n + j]);
      buf[(ARGS + 1) * n + j] = dtq * (hAlpha + hBeta);
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 2 * n);
  },
};
