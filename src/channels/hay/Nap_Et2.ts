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

  /**
   * rates() and cnexp for all instances in nocmodl's arithmetic (the values of the kernel generated
   * from the kinetics description, bit for bit): the rate exponentials in one batched call, then per
   * gate a = (−1)/τ, the target −(x∞/τ)/a and the exponent dt·a, and one ExpBatch.relax (./gated.ts).
   */
  advance(inst: NapEt2Instance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dt = ctx.dt;
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      let vm = v;
      if (vm === -38.0) vm = vm + 0.0001;
      let vh = vm;
      if (vh === -17.0) vh = vh + 0.0001;
      if (vh === -64.4) vh = vh + 0.0001;
      buf[j] = (v + 52.6) / -4.6;
      buf[n + j] = -(vm + 38.0) / 6.0;
      buf[2 * n + j] = -(-vm - 38.0) / 6.0;
      buf[3 * n + j] = (vh + 48.8) / 10.0;
      buf[4 * n + j] = (vh + 17.0) / 4.63;
      buf[5 * n + j] = -(vh + 64.4) / 2.63;
    }
    expb.run(0, 6 * n);
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      let vm = v;
      if (vm === -38.0) vm = vm + 0.0001;
      let vh = vm;
      if (vh === -17.0) vh = vh + 0.0001;
      if (vh === -64.4) vh = vh + 0.0001;
      const t0 = buf[j];
      const t1 = buf[n + j];
      const t2 = buf[2 * n + j];
      const t3 = buf[3 * n + j];
      const t4 = buf[4 * n + j];
      const t5 = buf[5 * n + j];
      const am = (0.182 * (vm + 38.0)) / (1.0 - t1);
      const bm = (0.124 * (-vm - 38.0)) / (1.0 - t2);
      const ah = (-0.00000288 * (vh + 17.0)) / (1.0 - t4);
      const bh = (0.00000694 * (vh + 64.4)) / (1.0 - t5);
      const r_m_1 = 1.0 / (1.0 + t0);
      const r_m_2 = (6.0 * (1.0 / (am + bm))) / QT;
      const r_h_1 = 1.0 / (1.0 + t3);
      const r_h_2 = 1.0 / (ah + bh) / QT;
      const a_m = -1.0 / r_m_2;
      buf[(INFS) * n + j] = -(r_m_1 / r_m_2) / a_m;
      buf[(ARGS) * n + j] = dt * a_m;
      const a_h = -1.0 / r_h_2;
      buf[(INFS + 1) * n + j] = -(r_h_1 / r_h_2) / a_h;
      buf[(ARGS + 1) * n + j] = dt * a_h;
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 2 * n);
  },
};
