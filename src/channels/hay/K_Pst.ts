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
 * Persistent K current, ModelDB 139653 `K_Pst.mod` (Korngreen & Sakmann 2000, shifted −10 mV, as used by
 * Hay et al. 2011): ik = gK_Pstbar·m²·h·(v − ek). The rates use v′ = v + 10 (one double addition);
 * (…)^2 is glibc pow(…, 2.0) in NEURON, x·x here (equal but for rare 1-ulp cases, NOTES.md §1).
 *
 * The state update is batched as ./gated.ts describes, in the same arithmetic as `kPstRates` + cnexp below.
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
};

const STATE = 4;
const ARGS = 6;
const INFS = 8;

export const kPst: Mechanism<KPstInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): KPstInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, kPstRates),

  current(inst: KPstInstance, ctx: MechanismContext): void {
    const { count, gK_Pstbar: gbar, m, h, gK_Pst: g } = inst;
    for (let j = 0; j < count; j++) {
      const mj = m[j];
      g[j] = gbar[j] * mj * mj * h[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ik);
  },

  /**
   * rates() and cnexp for all instances in nocmodl's arithmetic (the values of the kernel generated
   * from the kinetics description, bit for bit): the rate exponentials in one batched call, then per
   * gate a = (−1)/τ, the target −(x∞/τ)/a and the exponent dt·a, and one ExpBatch.relax (./gated.ts).
   */
  advance(inst: KPstInstance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dt = ctx.dt;
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      const vs = v + 10.0;
      const x = (vs + 75.0) / 48.0;
      buf[j] = -(vs + 1.0) / 12.0;
      buf[n + j] = vs < -50.0 ? -vs * -0.026 : -vs * 0.026;
      buf[2 * n + j] = -(vs + 54.0) / -11.0;
      buf[3 * n + j] = -(x * x);
    }
    expb.run(0, 4 * n);
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      const vs = v + 10.0;
      const x = (vs + 75.0) / 48.0;
      const t0 = buf[j];
      const t1 = buf[n + j];
      const t2 = buf[2 * n + j];
      const t3 = buf[3 * n + j];
      const r_m_1 = 1.0 / (1.0 + t0);
      const r_m_2 = vs < -50.0 ? (1.25 + 175.03 * t1) / QT : (1.25 + 13.0 * t1) / QT;
      const r_h_1 = 1.0 / (1.0 + t2);
      const r_h_2 = (360.0 + (1010.0 + 24.0 * (vs + 55.0)) * t3) / QT;
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
