import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance, IonState } from '../mechanism.ts';
import type { ExpBatch } from '../exp-wasm.ts';
import { CONDUCTANCE, hocExp as hocExpShared, hocExpBatch, outputsRead, QT as QT_SHARED } from './common.ts';

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
 * The state update evaluates `rates()` and the cnexp step for all instances in passes, with the
 * 2 rate exponentials and the 1 cnexp exponential of each instance in one batched call each
 * (./exp-wasm.ts: the glibc algorithm, bit-identical to ./exp.ts), in the same arithmetic as
 * `imRates` + cnexp below; NEURON's hoc_Exp limits (0 below −700, exp(700) above 700) are
 * applied to the arguments.
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

export interface ImInstance extends MechanismInstance {
  readonly gImbar: Float64Array;
  readonly m: Float64Array;
  readonly gIm: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record (initialisation). */
  readonly r: Float64Array;
  /** Someone reads gIm or ik / the k totals (InstanceInit.unread); else `current` skips them. */
  readonly storeVars: boolean;
  readonly totals: boolean;
  /**
   * hoc_Exp batch whose memory holds, in planes of count doubles: 2 rate exponents, the
   * states (STATE), the cnexp exponents dt·a (ARGS) and x∞ (INFS), for ExpBatch.relax.
   */
  readonly expb: ExpBatch;
}

const STATE = 2;
const ARGS = 3;
const INFS = 4;

export const im: Mechanism<ImInstance> = {
  description: {
    name: 'Im',
    kind: 'density',
    summary: 'muscarinic K channel (Adams et al. 1982), Hay et al. 2011',
    source: 'ModelDB 139653 mod/Im.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 29,
    params: [{ name: 'gImbar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
    ],
    assigned: [
      { name: 'gIm', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ik', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'k', read: ['ek'], write: ['ik'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): ImInstance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gImbar = init.params.gImbar;
    const expb = hocExpBatch(5 * count);
    const m = expb.buf.subarray((STATE + 0) * count, (STATE + 1) * count);
    const gIm = f(), ik = f();
    const out = outputsRead(init, ['gIm', 'ik'], 'k');
    return {
      count,
      nodes: init.nodes,
      gImbar, m, gIm, ik,
      ion: init.ions.k,
      storeVars: out.vars,
      totals: out.totals,
      r: new Float64Array(4),
      expb,
      vars: { gImbar, m, gIm, ik },
    };
  },

  initialize(inst: ImInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      imRates(v[nodes[k]], r);
      m[k] = r[M_INF];
    }
  },

  current(inst: ImInstance, ctx: MechanismContext): void {
    const { nodes, count, gImbar: gbar, m, gIm: gOut, ik: iOut } = inst;
    const E = inst.ion.e, ionI = inst.ion.i, ionG = inst.ion.didv;
    const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
    // The current is linear in v given the gates: dI/dv is g (NEURON's finite difference
    // (I(v + 0.001) − I(v))/0.001 is g up to rounding).
    if (!inst.storeVars && !inst.totals) {
      for (let j = 0; j < count; j++) {
        const node = nodes[j];
        const gj = gbar[j] * m[j];
        rhs[node] -= gj * (v[node] - E[node]);
        d[node] += gj;
      }
      return;
    }
    const sv = inst.storeVars;
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const gj = gbar[j] * m[j];
      const i0 = gj * (v[node] - E[node]);
      if (sv) {
        gOut[j] = gj;
        iOut[j] = i0;
      }
      ionI[node] += i0;
      ionG[node] += gj;
      rhs[node] -= i0;
      d[node] += gj;
    }
  },

  /**
   * rates() and cnexp for all instances: the 2 rate exponentials in one batched call, then per
   * gate x∞ (for α/β gates α/(α + β), nocmodl's target −(x∞/τ)/((−1)/τ) up to rounding) and the
   * exponent dt·((−1)/τ) with fewer divisions, and one ExpBatch.relax for x ← x + (1 − exp(dt·a))·(x∞ − x).
   */
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
