import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance, IonState } from '../mechanism.ts';
import { createExpBatch, type ExpBatch } from '../exp-wasm.ts';
import { CONDUCTANCE, hocExp as hocExpShared, hocExpArg as hocExpArgShared, QT as QT_SHARED } from './common.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const hocExpArg = hocExpArgShared;
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
  /** Batched exponentials: 6 planes of rate exponents, then 2 of cnexp exponents (count doubles each). */
  readonly expb: ExpBatch;
  /** cnexp targets −(x∞/τ)/((−1)/τ), one plane per gate. */
  readonly tgt: Float64Array;
}

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
    const m = f(), h = f(), gNap_Et2 = f(), ina = f();
    return {
      count,
      nodes: init.nodes,
      gNap_Et2bar, m, h, gNap_Et2, ina,
      ion: init.ions.na,
      r: new Float64Array(4),
      expb: createExpBatch(8 * count),
      tgt: new Float64Array(2 * count),
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
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const vj = v[node];
      const ej = E[node];
      const mj = m[j];
      const gj = gbar[j] * mj * mj * mj * h[j];
      // BREAKPOINT at v + 0.001, then at v (whose values stay); g by finite difference
      const i1 = gj * (vj + 0.001 - ej);
      const i0 = gj * (vj - ej);
      const gd = (i1 - i0) / 0.001;
      gOut[j] = gj;
      iOut[j] = i0;
      ionI[node] += i0;
      ionG[node] += gd;
      rhs[node] -= i0;
      d[node] += gd;
    }
  },

  advance(inst: NapEt2Instance, ctx: MechanismContext): void {
    const { nodes, count: n, m, h, expb, tgt } = inst;
    const buf = expb.buf;
    const vNode = ctx.v, dt = ctx.dt;
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      const v0 = vNode[nodes[j]];
      let v = v0;
      buf[0 * n + j] = hocExpArg((v - -52.6) / -4.6);
      if (v === -38.0) v = v + 0.0001;
      buf[1 * n + j] = hocExpArg(-(v - -38.0) / 6.0);
      buf[2 * n + j] = hocExpArg(-(-v - 38.0) / 6.0);
      if (v === -17.0) v = v + 0.0001;
      if (v === -64.4) v = v + 0.0001;
      buf[3 * n + j] = hocExpArg((v - -48.8) / 10.0);
      buf[4 * n + j] = hocExpArg((v + 17.0) / 4.63);
      buf[5 * n + j] = hocExpArg(-(v + 64.4) / 2.63);
    }
    expb.run(0, 6 * n);
    // 2. rates, cnexp exponents and targets
    for (let j = 0; j < n; j++) {
      const v0 = vNode[nodes[j]];
      const E0 = buf[0 * n + j];
      const E1 = buf[1 * n + j];
      const E2 = buf[2 * n + j];
      const E3 = buf[3 * n + j];
      const E4 = buf[4 * n + j];
      const E5 = buf[5 * n + j];
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
      const am = -1.0 / mTau;
      buf[6 * n + j] = hocExpArg(dt * am);
      tgt[j] = -(mInf / mTau) / am;
      const ah = -1.0 / hTau;
      buf[7 * n + j] = hocExpArg(dt * ah);
      tgt[n + j] = -(hInf / hTau) / ah;
    }
    expb.run(6 * n, 2 * n);
    // 3. x ← x + (1 − exp(dt·((−1)/τ)))·(−(x∞/τ)/((−1)/τ) − x)
    for (let j = 0; j < n; j++) {
      const mj = m[j];
      m[j] = mj + (1.0 - buf[6 * n + j]) * (tgt[j] - mj);
      const hj = h[j];
      h[j] = hj + (1.0 - buf[7 * n + j]) * (tgt[n + j] - hj);
    }
  },
};
