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
 * Low-voltage-activated Ca current, ModelDB 139653 `Ca_LVAst.mod` (Avery & Johnston 1996, τ from Randall
 * 1997, shifted −10 mV, as used by Hay et al. 2011): ica = gCa_LVAstbar·m²·h·(v − eca); rates use v′ = v + 10.
 *
 * The state update is batched as ./gated.ts describes, in the same arithmetic as `caLvastRates` + cnexp below.
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
};

const STATE = 4;
const ARGS = 6;
const INFS = 8;

export const caLvast: Mechanism<CaLVAstInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): CaLVAstInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, caLvastRates),

  current(inst: CaLVAstInstance, ctx: MechanismContext): void {
    const { count, gCa_LVAstbar: gbar, m, h, gCa_LVAst: g } = inst;
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
  advance(inst: CaLVAstInstance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dt = ctx.dt;
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      const vs = v + 10.0;
      buf[j] = (vs + 30.0) / -6.0;
      buf[n + j] = (vs + 25.0) / 5.0;
      buf[2 * n + j] = (vs + 80.0) / 6.4;
      buf[3 * n + j] = (vs + 40.0) / 7.0;
    }
    expb.run(0, 4 * n);
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      const vs = v + 10.0;
      const t0 = buf[j];
      const t1 = buf[n + j];
      const t2 = buf[2 * n + j];
      const t3 = buf[3 * n + j];
      const r_m_1 = 1.0 / (1.0 + t0);
      const r_m_2 = (5.0 + 20.0 / (1.0 + t1)) / QT;
      const r_h_1 = 1.0 / (1.0 + t2);
      const r_h_2 = (20.0 + 50.0 / (1.0 + t3)) / QT;
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
