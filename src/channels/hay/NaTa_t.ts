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
 * Transient Na current, ModelDB 139653 `NaTa_t.mod` (Colbert & Pan 2002, as used by Hay et al. 2011):
 * ina = gNaTa_tbar·m³·h·(v − ena). Rates as nocmodl emits them (NOTES.md §2), singularity guards at
 * exactly −38 and −66 mV (the second sees the possibly shifted v).
 *
 * The state update evaluates `rates()` and the cnexp step for all instances in passes, with the
 * 4 rate exponentials and the 2 cnexp exponentials of each instance in one batched call each
 * (./exp-wasm.ts: the glibc algorithm, bit-identical to ./exp.ts), in the same arithmetic as
 * `naTaTRates` + cnexp below; NEURON's hoc_Exp limits (0 below −700, exp(700) above 700) are
 * applied to the arguments.
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

export interface NaTatInstance extends MechanismInstance {
  readonly gNaTa_tbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gNaTa_t: Float64Array;
  readonly ina: Float64Array;
  readonly ion: IonState;
  /** Someone reads gNaTa_t or ina / the na totals (InstanceInit.unread); else `current` skips them. */
  readonly storeVars: boolean;
  readonly totals: boolean;
  /** Scratch rates record (initialisation). */
  readonly r: Float64Array;
  /**
   * hoc_Exp batch whose memory holds, in planes of count doubles: 2 rate exponents, the states
   * m and h (STATE), the cnexp exponents dt·a (ARGS) and x∞ (INFS), for ExpBatch.relax.
   */
  readonly expb: ExpBatch;
}

const STATE = 2;
const ARGS = 4;
const INFS = 6;

export const naTaT: Mechanism<NaTatInstance> = {
  description: {
    name: 'NaTa_t',
    kind: 'density',
    summary: 'transient Na channel (Colbert & Pan 2002), Hay et al. 2011',
    source: 'ModelDB 139653 mod/NaTa_t.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 32,
    params: [{ name: 'gNaTa_tbar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
      { name: 'h', unit: '1', description: 'inactivation' },
    ],
    assigned: [
      { name: 'gNaTa_t', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ina', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'na', read: ['ena'], write: ['ina'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): NaTatInstance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gNaTa_tbar = init.params.gNaTa_tbar;
    const expb = hocExpBatch(8 * count);
    const m = expb.buf.subarray(STATE * count, (STATE + 1) * count);
    const h = expb.buf.subarray((STATE + 1) * count, (STATE + 2) * count);
    const gNaTa_t = f(), ina = f();
    const out = outputsRead(init, ['gNaTa_t', 'ina'], 'na');
    return {
      count,
      nodes: init.nodes,
      gNaTa_tbar, m, h, gNaTa_t, ina,
      ion: init.ions.na,
      storeVars: out.vars,
      totals: out.totals,
      r: new Float64Array(4),
      expb,
      vars: { gNaTa_tbar, m, h, gNaTa_t, ina },
    };
  },

  initialize(inst: NaTatInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      naTaTRates(v[nodes[k]], r);
      m[k] = r[M_INF];
      h[k] = r[H_INF];
    }
  },

  current(inst: NaTatInstance, ctx: MechanismContext): void {
    const { nodes, count, gNaTa_tbar: gbar, m, h, gNaTa_t: gOut, ina: iOut } = inst;
    const E = inst.ion.e, ionI = inst.ion.i, ionG = inst.ion.didv;
    const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
    // The current is linear in v given the gates: dI/dv is g (NEURON's finite difference
    // (I(v + 0.001) − I(v))/0.001 is g up to rounding).
    if (!inst.storeVars && !inst.totals) {
      for (let j = 0; j < count; j++) {
        const node = nodes[j];
        const mj = m[j];
        const gj = gbar[j] * mj * mj * mj * h[j];
        rhs[node] -= gj * (v[node] - E[node]);
        d[node] += gj;
      }
      return;
    }
    const sv = inst.storeVars;
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const mj = m[j];
      const gj = gbar[j] * mj * mj * mj * h[j];
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
   * rates() and cnexp for all instances. With E = exp(−(v+38)/6) and F = exp((v+66)/6) (one
   * batched call), βm's exponential is 1/E and βh's 1/F, so (u = v + 38, w = v + 66)
   *   αm + βm = u·(0.182 + 0.124·E)/(1 − E),  m∞ = 0.182/(0.182 + 0.124·E),
   *   αh + βh = −0.015·w·(1 + F)/(1 − F),     h∞ = 1/(1 + F),
   * the same values as nocmodl's four exponentials up to rounding (its form loses digits to
   * cancellation near the singular points; this one does not). The exponent of cnexp is
   * dt·((−1)/τ) = −dt·qt·(α + β) and one ExpBatch.relax does x ← x + (1 − exp(dt·a))·(x∞ − x).
   */
  advance(inst: NaTatInstance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dtq = -(ctx.dt * QT);
    const S6 = 1.0 / 6.0;
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      let v = vNode[nodes[j]];
      if (v === -38.0) v = v + 0.0001;
      buf[j] = -(v + 38.0) * S6;
      if (v === -66.0) v = v + 0.0001;
      buf[n + j] = (v + 66.0) * S6;
    }
    expb.run(0, 2 * n);
    // 2. x∞ and cnexp exponents
    for (let j = 0; j < n; j++) {
      let v = vNode[nodes[j]];
      if (v === -38.0) v = v + 0.0001;
      const u = v + 38.0;
      const E = buf[j];
      const pm = 0.182 + 0.124 * E;
      buf[INFS * n + j] = 0.182 / pm;
      buf[ARGS * n + j] = (dtq * u * pm) / (1.0 - E);
      if (v === -66.0) v = v + 0.0001;
      const w = v + 66.0;
      const F = buf[n + j];
      const ph = 1.0 + F;
      buf[(INFS + 1) * n + j] = 1.0 / ph;
      buf[(ARGS + 1) * n + j] = (dtq * (-0.015 * w) * ph) / (1.0 - F);
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 2 * n);
  },
};
