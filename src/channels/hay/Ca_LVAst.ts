import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance, IonState } from '../mechanism.ts';
import type { ExpBatch } from '../exp-wasm.ts';
import { CONDUCTANCE, hocExp as hocExpShared, hocExpBatch, outputsRead, QT as QT_SHARED } from './common.ts';

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
 * The state update evaluates `rates()` and the cnexp step for all instances in passes, with the
 * 4 rate exponentials and the 2 cnexp exponentials of each instance in one batched call each
 * (./exp-wasm.ts: the glibc algorithm, bit-identical to ./exp.ts), in the same arithmetic as
 * `caLvastRates` + cnexp below; NEURON's hoc_Exp limits (0 below −700, exp(700) above 700) are
 * applied to the arguments.
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

export interface CaLVAstInstance extends MechanismInstance {
  readonly gCa_LVAstbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gCa_LVAst: Float64Array;
  readonly ica: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record (initialisation). */
  readonly r: Float64Array;
  /** Someone reads gCa_LVAst or ica / the ca totals (InstanceInit.unread); else `current` skips them. */
  readonly storeVars: boolean;
  readonly totals: boolean;
  /**
   * hoc_Exp batch whose memory holds, in planes of count doubles: 4 rate exponents, the
   * states (STATE), the cnexp exponents dt·a (ARGS) and x∞ (INFS), for ExpBatch.relax.
   */
  readonly expb: ExpBatch;
}

const STATE = 4;
const ARGS = 6;
const INFS = 8;

export const caLvast: Mechanism<CaLVAstInstance> = {
  description: {
    name: 'Ca_LVAst',
    kind: 'density',
    summary: 'low-voltage-activated Ca channel (Avery & Johnston 1996), Hay et al. 2011',
    source: 'ModelDB 139653 mod/Ca_LVAst.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 27,
    params: [{ name: 'gCa_LVAstbar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
      { name: 'h', unit: '1', description: 'inactivation' },
    ],
    assigned: [
      { name: 'gCa_LVAst', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ica', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'ca', read: ['eca'], write: ['ica'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): CaLVAstInstance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gCa_LVAstbar = init.params.gCa_LVAstbar;
    const expb = hocExpBatch(10 * count);
    const m = expb.buf.subarray((STATE + 0) * count, (STATE + 1) * count);
    const h = expb.buf.subarray((STATE + 1) * count, (STATE + 2) * count);
    const gCa_LVAst = f(), ica = f();
    const out = outputsRead(init, ['gCa_LVAst', 'ica'], 'ca');
    return {
      count,
      nodes: init.nodes,
      gCa_LVAstbar, m, h, gCa_LVAst, ica,
      ion: init.ions.ca,
      storeVars: out.vars,
      totals: out.totals,
      r: new Float64Array(4),
      expb,
      vars: { gCa_LVAstbar, m, h, gCa_LVAst, ica },
    };
  },

  initialize(inst: CaLVAstInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      caLvastRates(v[nodes[k]], r);
      m[k] = r[M_INF];
      h[k] = r[H_INF];
    }
  },

  current(inst: CaLVAstInstance, ctx: MechanismContext): void {
    const { nodes, count, gCa_LVAstbar: gbar, m, h, gCa_LVAst: gOut, ica: iOut } = inst;
    const E = inst.ion.e, ionI = inst.ion.i, ionG = inst.ion.didv;
    const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
    // The current is linear in v given the gates: dI/dv is g (NEURON's finite difference
    // (I(v + 0.001) − I(v))/0.001 is g up to rounding).
    if (!inst.storeVars && !inst.totals) {
      for (let j = 0; j < count; j++) {
        const node = nodes[j];
        const mj = m[j];
        const gj = gbar[j] * mj * mj * h[j];
        rhs[node] -= gj * (v[node] - E[node]);
        d[node] += gj;
      }
      return;
    }
    const sv = inst.storeVars;
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const mj = m[j];
      const gj = gbar[j] * mj * mj * h[j];
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
   * rates() and cnexp for all instances: the 4 rate exponentials in one batched call, then per
   * gate x∞ (for α/β gates α/(α + β), nocmodl's target −(x∞/τ)/((−1)/τ) up to rounding) and the
   * exponent dt·((−1)/τ) with fewer divisions, and one ExpBatch.relax for x ← x + (1 − exp(dt·a))·(x∞ − x).
   */
  advance(inst: CaLVAstInstance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dtq = -(ctx.dt * QT);
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]] + 10.0;
      buf[j] = (v + 30.0) * (1.0 / -6.0);
      buf[1 * n + j] = (v + 25.0) * 0.2;
      buf[2 * n + j] = (v + 80.0) * (1.0 / 6.4);
      buf[3 * n + j] = (v + 40.0) * (1.0 / 7.0);
    }
    expb.run(0, 4 * n);
    // 2. x∞ and cnexp exponents
    for (let j = 0; j < n; j++) {
      buf[INFS * n + j] = 1.0 / (1.0 + buf[j]);
      buf[(INFS + 1) * n + j] = 1.0 / (1.0 + buf[2 * n + j]);
      // τ·qt = 5 + 20/(1 + E) = (5·(1 + E) + 20)/(1 + E), so dt·((−1)/τ) takes one division
      const pm = 1.0 + buf[1 * n + j];
      buf[ARGS * n + j] = (dtq * pm) / (5.0 * pm + 20.0);
      const ph = 1.0 + buf[3 * n + j];
      buf[(ARGS + 1) * n + j] = (dtq * ph) / (20.0 * ph + 50.0);
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 2 * n);
  },
};
