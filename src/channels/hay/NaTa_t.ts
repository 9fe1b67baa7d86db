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
const scratch = new Float64Array(4);

/**
 * Transient Na current, ModelDB 139653 `NaTa_t.mod` (Colbert & Pan 2002, as used by Hay et al. 2011):
 * ina = gNaTa_tbar·m³·h·(v − ena). Rates as nocmodl emits them (NOTES.md §2), singularity guards at
 * exactly −38 and −66 mV (the second sees the possibly shifted v).
 *
 * The state update is batched as ./gated.ts describes, in the same arithmetic as `naTaTRates` + cnexp below.
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
};

const STATE = 4;
const ARGS = 6;
const INFS = 8;

export const naTaT: Mechanism<NaTatInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): NaTatInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, naTaTRates),

  current(inst: NaTatInstance, ctx: MechanismContext): void {
    const { count, gNaTa_tbar: gbar, m, h, gNaTa_t: g } = inst;
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
  advance(inst: NaTatInstance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dt = ctx.dt;
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      let vm = v;
      if (vm === -38.0) vm = vm + 0.0001;
      let vh = vm;
      if (vh === -66.0) vh = vh + 0.0001;
      buf[j] = -(vm + 38.0) / 6.0;
      buf[n + j] = -(-vm - 38.0) / 6.0;
      buf[2 * n + j] = (vh + 66.0) / 6.0;
      buf[3 * n + j] = (-vh - 66.0) / 6.0;
    }
    expb.run(0, 4 * n);
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      let vm = v;
      if (vm === -38.0) vm = vm + 0.0001;
      let vh = vm;
      if (vh === -66.0) vh = vh + 0.0001;
      const t0 = buf[j];
      const t1 = buf[n + j];
      const t2 = buf[2 * n + j];
      const t3 = buf[3 * n + j];
      const am = (0.182 * (vm + 38.0)) / (1.0 - t0);
      const bm = (0.124 * (-vm - 38.0)) / (1.0 - t1);
      const ah = (-0.015 * (vh + 66.0)) / (1.0 - t2);
      const bh = (-0.015 * (-vh - 66.0)) / (1.0 - t3);
      const r_m_1 = am / (am + bm);
      const r_m_2 = 1.0 / (am + bm) / QT;
      const r_h_1 = ah / (ah + bh);
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
