import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance, IonState } from '../mechanism.ts';
import type { ExpBatch } from '../exp-wasm.ts';
import { CONDUCTANCE, hocExp as hocExpShared, hocExpBatch, outputsRead } from './common.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const M_INF = 0;
const M_TAU = 1;
const scratch = new Float64Array(2);

/**
 * Kv3.1 K current, ModelDB 139653 `SKv3_1.mod` (Rettig et al. 1992, as used by Hay et al. 2011):
 * ik = gSKv3_1bar·m·(v − ek); m∞ = 1/(1 + exp((v − 18.7)/(−9.7))), τ = 0.2·20/(1 + exp((v + 46.56)/(−44.14)));
 * no temperature factor.
 *
 * The state update evaluates `rates()` and the cnexp step for all instances in passes, with the
 * 2 rate exponentials and the 1 cnexp exponential of each instance in one batched call each
 * (./exp-wasm.ts: the glibc algorithm, bit-identical to ./exp.ts), in the same arithmetic as
 * `skv31Rates` + cnexp below; NEURON's hoc_Exp limits (0 below −700, exp(700) above 700) are
 * applied to the arguments.
 *
 * Evaluation order 35 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau] (ms) to out. */
export function skv31Rates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    const v = v0;
    e[0] = hocExp((v - 18.7) / -9.7);
    e[1] = hocExp((v - -46.56) / -44.14);
  }
  const E0 = e[0];
  const E1 = e[1];
  const mInf = 1.0 / (1.0 + E0);
  const mTau = (0.2 * 20.0) / (1.0 + E1);
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
}

export interface SKv31Instance extends MechanismInstance {
  readonly gSKv3_1bar: Float64Array;
  readonly m: Float64Array;
  readonly gSKv3_1: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record (initialisation). */
  readonly r: Float64Array;
  /** Someone reads gSKv3_1 or ik / the k totals (InstanceInit.unread); else `current` skips them. */
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

export const skv31: Mechanism<SKv31Instance> = {
  description: {
    name: 'SKv3_1',
    kind: 'density',
    summary: 'Kv3.1 fast delayed-rectifier K channel (Rettig et al. 1992), Hay et al. 2011',
    source: 'ModelDB 139653 mod/SKv3_1.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 35,
    params: [{ name: 'gSKv3_1bar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
    ],
    assigned: [
      { name: 'gSKv3_1', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ik', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'k', read: ['ek'], write: ['ik'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): SKv31Instance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gSKv3_1bar = init.params.gSKv3_1bar;
    const expb = hocExpBatch(5 * count);
    const m = expb.buf.subarray((STATE + 0) * count, (STATE + 1) * count);
    const gSKv3_1 = f(), ik = f();
    const out = outputsRead(init, ['gSKv3_1', 'ik'], 'k');
    return {
      count,
      nodes: init.nodes,
      gSKv3_1bar, m, gSKv3_1, ik,
      ion: init.ions.k,
      storeVars: out.vars,
      totals: out.totals,
      r: new Float64Array(4),
      expb,
      vars: { gSKv3_1bar, m, gSKv3_1, ik },
    };
  },

  initialize(inst: SKv31Instance, ctx: MechanismContext): void {
    const { nodes, count, r, m } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      skv31Rates(v[nodes[k]], r);
      m[k] = r[M_INF];
    }
  },

  current(inst: SKv31Instance, ctx: MechanismContext): void {
    const { nodes, count, gSKv3_1bar: gbar, m, gSKv3_1: gOut, ik: iOut } = inst;
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
  advance(inst: SKv31Instance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dtq = -ctx.dt;
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      buf[j] = (v - 18.7) * (1.0 / -9.7);
      buf[1 * n + j] = (v + 46.56) * (1.0 / -44.14);
    }
    expb.run(0, 2 * n);
    // 2. x∞ and cnexp exponents
    for (let j = 0; j < n; j++) {
      buf[INFS * n + j] = 1.0 / (1.0 + buf[j]);
      // τ = 4/(1 + E)
      buf[ARGS * n + j] = dtq * (1.0 + buf[1 * n + j]) * 0.25;
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 1 * n);
  },
};
