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
const scratch = new Float64Array(6);

/**
 * Persistent Na current, ModelDB 139653 `Nap_Et2.mod` (Magistretti & Alonso 1999, as used by Hay et
 * al. 2011): ina = gNap_Et2bar·m³·h·(v − ena). m∞ and h∞ are Boltzmann functions (h∞ is not αh/(αh + βh));
 * τm = 6/(αm + βm)/qt with NaTa_t's αm, βm. Guards at exactly −38, −17 and −64.4 mV (NOTES.md §2).
 *
 * The state update evaluates `rates()` and the cnexp step for all instances in passes, with the
 * 6 rate exponentials and the 2 cnexp exponentials of each instance in one batched call each
 * (./exp-wasm.ts: the glibc algorithm, bit-identical to ./exp.ts), in the same arithmetic as
 * `napEt2Rates` + cnexp below; NEURON's hoc_Exp limits (0 below −700, exp(700) above 700) are
 * applied to the arguments.
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

export interface NapEt2Instance extends MechanismInstance {
  readonly gNap_Et2bar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gNap_Et2: Float64Array;
  readonly ina: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record (initialisation). */
  readonly r: Float64Array;
  /** Someone reads gNap_Et2 or ina / the na totals (InstanceInit.unread); else `current` skips them. */
  readonly storeVars: boolean;
  readonly totals: boolean;
  /**
   * hoc_Exp batch whose memory holds, in planes of count doubles: 6 rate exponents, the
   * states (STATE), the cnexp exponents dt·a (ARGS) and x∞ (INFS), for ExpBatch.relax.
   */
  readonly expb: ExpBatch;
}

const STATE = 6;
const ARGS = 8;
const INFS = 10;

export const napEt2: Mechanism<NapEt2Instance> = {
  description: {
    name: 'Nap_Et2',
    kind: 'density',
    summary: 'persistent Na channel (Magistretti & Alonso 1999), Hay et al. 2011',
    source: 'ModelDB 139653 mod/Nap_Et2.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 33,
    params: [{ name: 'gNap_Et2bar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
      { name: 'h', unit: '1', description: 'inactivation' },
    ],
    assigned: [
      { name: 'gNap_Et2', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ina', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'na', read: ['ena'], write: ['ina'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): NapEt2Instance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gNap_Et2bar = init.params.gNap_Et2bar;
    const expb = hocExpBatch(12 * count);
    const m = expb.buf.subarray((STATE + 0) * count, (STATE + 1) * count);
    const h = expb.buf.subarray((STATE + 1) * count, (STATE + 2) * count);
    const gNap_Et2 = f(), ina = f();
    const out = outputsRead(init, ['gNap_Et2', 'ina'], 'na');
    return {
      count,
      nodes: init.nodes,
      gNap_Et2bar, m, h, gNap_Et2, ina,
      ion: init.ions.na,
      storeVars: out.vars,
      totals: out.totals,
      r: new Float64Array(4),
      expb,
      vars: { gNap_Et2bar, m, h, gNap_Et2, ina },
    };
  },

  initialize(inst: NapEt2Instance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      napEt2Rates(v[nodes[k]], r);
      m[k] = r[M_INF];
      h[k] = r[H_INF];
    }
  },

  current(inst: NapEt2Instance, ctx: MechanismContext): void {
    const { nodes, count, gNap_Et2bar: gbar, m, h, gNap_Et2: gOut, ina: iOut } = inst;
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
   * rates() and cnexp for all instances: the 6 rate exponentials in one batched call, then per
   * gate x∞ (for α/β gates α/(α + β), nocmodl's target −(x∞/τ)/((−1)/τ) up to rounding) and the
   * exponent dt·((−1)/τ) with fewer divisions, and one ExpBatch.relax for x ← x + (1 − exp(dt·a))·(x∞ − x).
   */
  advance(inst: NapEt2Instance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dtq = -(ctx.dt * QT);
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      let v = vNode[nodes[j]];
      buf[j] = (v + 52.6) * (1.0 / -4.6);
      if (v === -38.0) v = v + 0.0001;
      const u = v + 38.0;
      buf[1 * n + j] = -u * (1.0 / 6.0);
      buf[2 * n + j] = u * (1.0 / 6.0);
      if (v === -17.0) v = v + 0.0001;
      if (v === -64.4) v = v + 0.0001;
      buf[3 * n + j] = (v + 48.8) * 0.1;
      buf[4 * n + j] = (v + 17.0) * (1.0 / 4.63);
      buf[5 * n + j] = -(v + 64.4) * (1.0 / 2.63);
    }
    expb.run(0, 6 * n);
    // 2. x∞ and cnexp exponents
    for (let j = 0; j < n; j++) {
      let v = vNode[nodes[j]];
      buf[INFS * n + j] = 1.0 / (1.0 + buf[j]);
      if (v === -38.0) v = v + 0.0001;
      const u = v + 38.0;
      const mAlpha = (0.182 * u) / (1.0 - buf[1 * n + j]);
      const mBeta = (0.124 * -u) / (1.0 - buf[2 * n + j]);
      // τm = (6·(1/(α + β)))/qt
      buf[ARGS * n + j] = dtq * (mAlpha + mBeta) * (1.0 / 6.0);
      if (v === -17.0) v = v + 0.0001;
      if (v === -64.4) v = v + 0.0001;
      buf[(INFS + 1) * n + j] = 1.0 / (1.0 + buf[3 * n + j]);
      const hAlpha = (-2.88e-6 * (v + 17.0)) / (1.0 - buf[4 * n + j]);
      const hBeta = (6.94e-6 * (v + 64.4)) / (1.0 - buf[5 * n + j]);
      buf[(ARGS + 1) * n + j] = dtq * (hAlpha + hBeta);
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 2 * n);
  },
};
