import type { InstanceInit, Mechanism, MechanismContext, IonState } from '../mechanism.ts';
import { hocExp as hocExpShared, QT as QT_SHARED } from './common.ts';
import { gatedDescription, gatedInitialize, gatedInstance, ohmicCurrent, type GatedInstance, type GatedSpec } from './gated.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const QT = QT_SHARED;
const M_INF = 0;
const M_TAU = 1;
const scratch = new Float64Array(2);

/**
 * M-type K current, ModelDB 139653 `Im.mod` (Adams et al. 1982, as used by Hay et al. 2011):
 * ik = gImbar·m·(v − ek); α = 3.3e-3·exp(2.5·0.04·(v + 35)), β = 3.3e-3·exp(−2.5·0.04·(v + 35)) with the
 * constant products formed left to right as NEURON does.
 *
 * The state update is batched as ./gated.ts describes, in the same arithmetic as `imRates` + cnexp below.
 *
 * Evaluation order 29 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau] (ms) to out. */
export function imRates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    const v = v0;
    e[0] = hocExp(2.5 * 0.04 * (v - -35.0));
    e[1] = hocExp(-2.5 * 0.04 * (v - -35.0));
  }
  const E0 = e[0];
  const E1 = e[1];
  const mAlpha = 3.3e-3 * E0;
  const mBeta = 3.3e-3 * E1;
  const mInf = mAlpha / (mAlpha + mBeta);
  const mTau = (1.0 / (mAlpha + mBeta)) / QT;
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
}

export interface ImInstance extends GatedInstance {
  readonly gImbar: Float64Array;
  readonly m: Float64Array;
  readonly gIm: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
}

const SPEC: GatedSpec = {
  name: 'Im',
  summary: 'muscarinic K channel (Adams et al. 1982), Hay et al. 2011',
  order: 29,
  gbar: 'gImbar',
  gates: [{ name: 'm', description: 'activation' }],
  g: 'gIm',
  i: 'ik',
  ion: 'k',
  rateExps: 2,
};

const STATE = 2;
const ARGS = 3;
const INFS = 4;

export const im: Mechanism<ImInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): ImInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, imRates),

  current(inst: ImInstance, ctx: MechanismContext): void {
    const { count, gImbar: gbar, m, gIm: g } = inst;
    for (let j = 0; j < count; j++) {
      g[j] = gbar[j] * m[j];
    }
    ohmicCurrent(inst, ctx, inst.ion, g, inst.ik);
  },

  /** rates() and cnexp for all instances, one ExpBatch.relax for the gates (./gated.ts). */
  advance(inst: ImInstance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dtq = -(ctx.dt * QT);
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      const w = vNode[nodes[j]] + 35.0;
      buf[j] = 2.5 * 0.04 * w;
      buf[1 * n + j] = -2.5 * 0.04 * w;
    }
    expb.run(0, 2 * n);
    // 2. x∞ and cnexp exponents
    for (let j = 0; j < n; j++) {
      const mAlpha = 3.3e-3 * buf[j];
      const ms = mAlpha + 3.3e-3 * buf[1 * n + j];
      buf[INFS * n + j] = mAlpha / ms;
      buf[ARGS * n + j] = dtq * ms;
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 1 * n);
  },
};
