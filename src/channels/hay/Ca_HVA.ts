import type { InstanceInit, Mechanism, MechanismContext, IonState } from '../mechanism.ts';
import { hocExp as hocExpShared } from './common.ts';
import { gatedDescription, gatedInitialize, gatedInstance, ohmicCurrent, type GatedInstance, type GatedSpec } from './gated.ts';

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
 * The state update is batched as ./gated.ts describes, in the same arithmetic as `caHvaRates` + cnexp below.
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
};

const STATE = 4;
const ARGS = 6;
const INFS = 8;

export const caHva: Mechanism<CaHVAInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): CaHVAInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, caHvaRates),

  current(inst: CaHVAInstance, ctx: MechanismContext): void {
    const { count, gCa_HVAbar: gbar, m, h, gCa_HVA: g } = inst;
    for (let j = 0; j < count; j++) {
      const mj = m[j];
      g[j] = gbar[j] * mj * mj * h[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ica);
  },

  /**
   * rates() and cnexp for all instances in nocmodl's arithmetic (the values of the kernel generated
   * from the kinetics description, bit for bit): the rate exponentials in one batched call, then per
   * gate a = (−1)/τ, the target −(x∞/τ)/a and the exponent dt·a, and one ExpBatch.relax (./gated.ts).
   */
  advance(inst: CaHVAInstance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dt = ctx.dt;
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      let vm = v;
      if (vm === -27.0) vm = vm + 0.0001;
      buf[j] = (-27.0 - vm) / 3.8;
      buf[n + j] = (-75.0 - vm) / 17.0;
      buf[2 * n + j] = (-13.0 - vm) / 50.0;
      buf[3 * n + j] = (-vm - 15.0) / 28.0;
    }
    expb.run(0, 4 * n);
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      let vm = v;
      if (vm === -27.0) vm = vm + 0.0001;
      const t0 = buf[j];
      const t1 = buf[n + j];
      const t2 = buf[2 * n + j];
      const t3 = buf[3 * n + j];
      const am = (0.055 * (-27.0 - vm)) / (t0 - 1.0);
      const bm = 0.94 * t1;
      const ah = 0.000457 * t2;
      const bh = 0.0065 / (t3 + 1.0);
      const r_m_1 = am / (am + bm);
      const r_m_2 = 1.0 / (am + bm);
      const r_h_1 = ah / (ah + bh);
      const r_h_2 = 1.0 / (ah + bh);
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
