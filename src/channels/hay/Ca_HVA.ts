import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance, IonState } from '../mechanism.ts';
import type { ExpBatch } from '../exp-wasm.ts';
import { CONDUCTANCE, hocExp as hocExpShared, hocExpBatch, outputsRead } from './common.ts';

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
 * The state update evaluates `rates()` and the cnexp step for all instances in passes, with the
 * 4 rate exponentials and the 2 cnexp exponentials of each instance in one batched call each
 * (./exp-wasm.ts: the glibc algorithm, bit-identical to ./exp.ts), in the same arithmetic as
 * `caHvaRates` + cnexp below; NEURON's hoc_Exp limits (0 below −700, exp(700) above 700) are
 * applied to the arguments.
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

export interface CaHVAInstance extends MechanismInstance {
  readonly gCa_HVAbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gCa_HVA: Float64Array;
  readonly ica: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record (initialisation). */
  readonly r: Float64Array;
  /** Someone reads gCa_HVA or ica / the ca totals (InstanceInit.unread); else `current` skips them. */
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

export const caHva: Mechanism<CaHVAInstance> = {
  description: {
    name: 'Ca_HVA',
    kind: 'density',
    summary: 'high-voltage-activated Ca channel (Reuveni et al. 1993), Hay et al. 2011',
    source: 'ModelDB 139653 mod/Ca_HVA.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 26,
    params: [{ name: 'gCa_HVAbar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
      { name: 'h', unit: '1', description: 'inactivation' },
    ],
    assigned: [
      { name: 'gCa_HVA', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ica', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'ca', read: ['eca'], write: ['ica'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): CaHVAInstance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gCa_HVAbar = init.params.gCa_HVAbar;
    const expb = hocExpBatch(10 * count);
    const m = expb.buf.subarray((STATE + 0) * count, (STATE + 1) * count);
    const h = expb.buf.subarray((STATE + 1) * count, (STATE + 2) * count);
    const gCa_HVA = f(), ica = f();
    const out = outputsRead(init, ['gCa_HVA', 'ica'], 'ca');
    return {
      count,
      nodes: init.nodes,
      gCa_HVAbar, m, h, gCa_HVA, ica,
      ion: init.ions.ca,
      storeVars: out.vars,
      totals: out.totals,
      r: new Float64Array(4),
      expb,
      vars: { gCa_HVAbar, m, h, gCa_HVA, ica },
    };
  },

  initialize(inst: CaHVAInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      caHvaRates(v[nodes[k]], r);
      m[k] = r[M_INF];
      h[k] = r[H_INF];
    }
  },

  current(inst: CaHVAInstance, ctx: MechanismContext): void {
    const { nodes, count, gCa_HVAbar: gbar, m, h, gCa_HVA: gOut, ica: iOut } = inst;
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
  advance(inst: CaHVAInstance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dtq = -ctx.dt;
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      let v = vNode[nodes[j]];
      if (v === -27.0) v = v + 0.0001;
      buf[j] = (-27.0 - v) * (1.0 / 3.8);
      buf[1 * n + j] = (-75.0 - v) * (1.0 / 17.0);
      buf[2 * n + j] = (-13.0 - v) * 0.02;
      buf[3 * n + j] = (-v - 15.0) * (1.0 / 28.0);
    }
    expb.run(0, 4 * n);
    // 2. x∞ and cnexp exponents
    for (let j = 0; j < n; j++) {
      let v = vNode[nodes[j]];
      if (v === -27.0) v = v + 0.0001;
      const mAlpha = (0.055 * (-27.0 - v)) / (buf[j] - 1.0);
      const mBeta = 0.94 * buf[1 * n + j];
      const ms = mAlpha + mBeta;
      buf[INFS * n + j] = mAlpha / ms;
      buf[ARGS * n + j] = dtq * ms;
      const hAlpha = 0.000457 * buf[2 * n + j];
      const hBeta = 0.0065 / (buf[3 * n + j] + 1.0);
      const hs = hAlpha + hBeta;
      buf[(INFS + 1) * n + j] = hAlpha / hs;
      buf[(ARGS + 1) * n + j] = dtq * hs;
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 2 * n);
  },
};
