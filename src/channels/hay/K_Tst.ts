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
const scratch = new Float64Array(4);

/**
 * Transient K current, ModelDB 139653 `K_Tst.mod` (Korngreen & Sakmann 2000, shifted −10 mV, as used by
 * Hay et al. 2011): ik = gK_Tstbar·m⁴·h·(v − ek). Rates use v′ = v + 10; NEURON's pow(m, 4.0) and
 * pow(…, 2.0) are products here (ulp-level differences, NOTES.md §1).
 *
 * The state update evaluates `rates()` and the cnexp step for all instances in passes, with the
 * 4 rate exponentials and the 2 cnexp exponentials of each instance in one batched call each
 * (./exp-wasm.ts: the glibc algorithm, bit-identical to ./exp.ts), in the same arithmetic as
 * `kTstRates` + cnexp below; NEURON's hoc_Exp limits (0 below −700, exp(700) above 700) are
 * applied to the arguments.
 *
 * Evaluation order 31 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function kTstRates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    const v = v0 + 10.0;
    e[0] = hocExp(-(v + 0.0) / 19.0);
    const xm = (v + 71.0) / 59.0;
    e[1] = hocExp(-(xm * xm));
    e[2] = hocExp(-(v + 66.0) / -10.0);
    const xh = (v + 73.0) / 23.0;
    e[3] = hocExp(-(xh * xh));
  }
  const E0 = e[0];
  const E1 = e[1];
  const E2 = e[2];
  const E3 = e[3];
  const mInf = 1.0 / (1.0 + E0);
  const mTau = (0.34 + 0.92 * E1) / QT;
  const hInf = 1.0 / (1.0 + E2);
  const hTau = (8.0 + 49.0 * E3) / QT;
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
  out[H_INF] = hInf;
  out[H_TAU] = hTau;
}

export interface KTstInstance extends MechanismInstance {
  readonly gK_Tstbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gK_Tst: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record (initialisation). */
  readonly r: Float64Array;
  /** Batched exponentials: 4 planes of rate exponents, then 2 of cnexp exponents (count doubles each). */
  readonly expb: ExpBatch;
  /** cnexp targets −(x∞/τ)/((−1)/τ), one plane per gate. */
  readonly tgt: Float64Array;
}

export const kTst: Mechanism<KTstInstance> = {
  description: {
    name: 'K_Tst',
    kind: 'density',
    summary: 'transient K channel (Korngreen & Sakmann 2000), Hay et al. 2011',
    source: 'ModelDB 139653 mod/K_Tst.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 31,
    params: [{ name: 'gK_Tstbar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
      { name: 'h', unit: '1', description: 'inactivation' },
    ],
    assigned: [
      { name: 'gK_Tst', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ik', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'k', read: ['ek'], write: ['ik'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): KTstInstance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gK_Tstbar = init.params.gK_Tstbar;
    const m = f(), h = f(), gK_Tst = f(), ik = f();
    return {
      count,
      nodes: init.nodes,
      gK_Tstbar, m, h, gK_Tst, ik,
      ion: init.ions.k,
      r: new Float64Array(4),
      expb: createExpBatch(6 * count),
      tgt: new Float64Array(2 * count),
      vars: { gK_Tstbar, m, h, gK_Tst, ik },
    };
  },

  initialize(inst: KTstInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      kTstRates(v[nodes[k]], r);
      m[k] = r[M_INF];
      h[k] = r[H_INF];
    }
  },

  current(inst: KTstInstance, ctx: MechanismContext): void {
    const { nodes, count, gK_Tstbar: gbar, m, h, gK_Tst: gOut, ik: iOut } = inst;
    const E = inst.ion.e, ionI = inst.ion.i, ionG = inst.ion.didv;
    const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const vj = v[node];
      const ej = E[node];
      const mj = m[j];
      const gj = gbar[j] * (mj * mj * mj * mj) * h[j];
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

  advance(inst: KTstInstance, ctx: MechanismContext): void {
    const { nodes, count: n, m, h, expb, tgt } = inst;
    const buf = expb.buf;
    const vNode = ctx.v, dt = ctx.dt;
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      const v0 = vNode[nodes[j]];
      const v = v0 + 10.0;
      buf[0 * n + j] = hocExpArg(-(v + 0.0) / 19.0);
      const xm = (v + 71.0) / 59.0;
      buf[1 * n + j] = hocExpArg(-(xm * xm));
      buf[2 * n + j] = hocExpArg(-(v + 66.0) / -10.0);
      const xh = (v + 73.0) / 23.0;
      buf[3 * n + j] = hocExpArg(-(xh * xh));
    }
    expb.run(0, 4 * n);
    // 2. rates, cnexp exponents and targets
    for (let j = 0; j < n; j++) {
      const v0 = vNode[nodes[j]];
      const E0 = buf[0 * n + j];
      const E1 = buf[1 * n + j];
      const E2 = buf[2 * n + j];
      const E3 = buf[3 * n + j];
      const mInf = 1.0 / (1.0 + E0);
      const mTau = (0.34 + 0.92 * E1) / QT;
      const hInf = 1.0 / (1.0 + E2);
      const hTau = (8.0 + 49.0 * E3) / QT;
      const am = -1.0 / mTau;
      buf[4 * n + j] = hocExpArg(dt * am);
      tgt[j] = -(mInf / mTau) / am;
      const ah = -1.0 / hTau;
      buf[5 * n + j] = hocExpArg(dt * ah);
      tgt[n + j] = -(hInf / hTau) / ah;
    }
    expb.run(4 * n, 2 * n);
    // 3. x ← x + (1 − exp(dt·((−1)/τ)))·(−(x∞/τ)/((−1)/τ) − x)
    for (let j = 0; j < n; j++) {
      const mj = m[j];
      m[j] = mj + (1.0 - buf[4 * n + j]) * (tgt[j] - mj);
      const hj = h[j];
      h[j] = hj + (1.0 - buf[5 * n + j]) * (tgt[n + j] - hj);
    }
  },
};
