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
  /** Someone reads gK_Tst or ik / the k totals (InstanceInit.unread); else `current` skips them. */
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
    const expb = hocExpBatch(10 * count);
    const m = expb.buf.subarray((STATE + 0) * count, (STATE + 1) * count);
    const h = expb.buf.subarray((STATE + 1) * count, (STATE + 2) * count);
    const gK_Tst = f(), ik = f();
    const out = outputsRead(init, ['gK_Tst', 'ik'], 'k');
    return {
      count,
      nodes: init.nodes,
      gK_Tstbar, m, h, gK_Tst, ik,
      ion: init.ions.k,
      storeVars: out.vars,
      totals: out.totals,
      r: new Float64Array(4),
      expb,
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
    // The current is linear in v given the gates: dI/dv is g (NEURON's finite difference
    // (I(v + 0.001) − I(v))/0.001 is g up to rounding).
    if (!inst.storeVars && !inst.totals) {
      for (let j = 0; j < count; j++) {
        const node = nodes[j];
        const mj = m[j];
        const gj = gbar[j] * (mj * mj * mj * mj) * h[j];
        rhs[node] -= gj * (v[node] - E[node]);
        d[node] += gj;
      }
      return;
    }
    const sv = inst.storeVars;
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const mj = m[j];
      const gj = gbar[j] * (mj * mj * mj * mj) * h[j];
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
  advance(inst: KTstInstance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dtq = -(ctx.dt * QT);
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]] + 10.0;
      buf[j] = -(v + 0.0) * (1.0 / 19.0);
      const xm = (v + 71.0) * (1.0 / 59.0);
      buf[1 * n + j] = -(xm * xm);
      buf[2 * n + j] = (v + 66.0) * 0.1;
      const xh = (v + 73.0) * (1.0 / 23.0);
      buf[3 * n + j] = -(xh * xh);
    }
    expb.run(0, 4 * n);
    // 2. x∞ and cnexp exponents
    for (let j = 0; j < n; j++) {
      buf[INFS * n + j] = 1.0 / (1.0 + buf[j]);
      buf[(INFS + 1) * n + j] = 1.0 / (1.0 + buf[2 * n + j]);
      // τ·qt for each gate; dt·((−1)/τ) = −dt·qt/(τ·qt), both from one division
      const mT = 0.34 + 0.92 * buf[1 * n + j];
      const hT = 8.0 + 49.0 * buf[3 * n + j];
      const q = dtq / (mT * hT);
      buf[ARGS * n + j] = hT * q;
      buf[(ARGS + 1) * n + j] = mT * q;
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 2 * n);
  },
};
