import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance } from '../mechanism.ts';
import { createExpBatch, type ExpBatch } from '../exp-wasm.ts';
import { CONDUCTANCE, hocExp as hocExpShared, hocExpArg as hocExpArgShared } from './common.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const hocExpArg = hocExpArgShared;
const M_INF = 0;
const M_TAU = 1;
const scratch = new Float64Array(2);

/**
 * Hyperpolarisation-activated non-specific cation current, ModelDB 139653 `Ih.mod` (Kole, Hallermann &
 * Stuart 2006, as used by Hay et al. 2011): ihcn = gIhbar·m·(v − ehcn), ehcn a GLOBAL (−45 mV, not an ion);
 * α = 0.001·6.43·(v + 154.9)/(exp((v + 154.9)/11.9) − 1), β = 0.001·193·exp(v/33.1); guard at exactly −154.9 mV.
 *
 * The state update evaluates `rates()` and the cnexp step for all instances in passes, with the
 * 2 rate exponentials and the 1 cnexp exponential of each instance in one batched call each
 * (./exp-wasm.ts: the glibc algorithm, bit-identical to ./exp.ts), in the same arithmetic as
 * `ihRates` + cnexp below; NEURON's hoc_Exp limits (0 below −700, exp(700) above 700) are
 * applied to the arguments.
 *
 * Evaluation order 28 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau] (ms) to out. */
export function ihRates(v0: number, out: Float64Array): void {
  const e = scratch;
  {
    let v = v0;
    if (v === -154.9) v = v + 0.0001;
    e[0] = hocExp((v + 154.9) / 11.9);
    e[1] = hocExp(v / 33.1);
  }
  const E0 = e[0];
  const E1 = e[1];
  let v = v0;
  if (v === -154.9) v = v + 0.0001;
  const mAlpha = (0.001 * 6.43 * (v + 154.9)) / (E0 - 1.0);
  const mBeta = 0.001 * 193.0 * E1;
  const mInf = mAlpha / (mAlpha + mBeta);
  const mTau = 1.0 / (mAlpha + mBeta);
  out[M_INF] = mInf;
  out[M_TAU] = mTau;
}

export interface IhInstance extends MechanismInstance {
  readonly gIhbar: Float64Array;
  readonly m: Float64Array;
  readonly gIh: Float64Array;
  readonly ihcn: Float64Array;
  readonly ehcn: number;
  /** Scratch rates record (initialisation). */
  readonly r: Float64Array;
  /** Batched exponentials: 2 planes of rate exponents, then 1 of cnexp exponents (count doubles each). */
  readonly expb: ExpBatch;
  /** cnexp targets −(x∞/τ)/((−1)/τ), one plane per gate. */
  readonly tgt: Float64Array;
}

export const ih: Mechanism<IhInstance> = {
  description: {
    name: 'Ih',
    kind: 'density',
    summary: 'hyperpolarisation-activated cation channel (Kole et al. 2006), Hay et al. 2011',
    source: 'ModelDB 139653 mod/Ih.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 28,
    params: [{ name: 'gIhbar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [{ name: 'ehcn', unit: 'mV', default: -45, description: 'reversal potential of Ih (a GLOBAL in Ih.mod)' }],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
    ],
    assigned: [
      { name: 'gIh', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ihcn', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [],
    electrode: false,
  },

  instantiate(init: InstanceInit): IhInstance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gIhbar = init.params.gIhbar;
    const m = f(), gIh = f(), ihcn = f();
    return {
      count,
      nodes: init.nodes,
      gIhbar, m, gIh, ihcn,
      ehcn: init.globals.ehcn,
      r: new Float64Array(4),
      expb: createExpBatch(3 * count),
      tgt: new Float64Array(1 * count),
      vars: { gIhbar, m, gIh, ihcn },
    };
  },

  initialize(inst: IhInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      ihRates(v[nodes[k]], r);
      m[k] = r[M_INF];
    }
  },

  current(inst: IhInstance, ctx: MechanismContext): void {
    const { nodes, count, gIhbar: gbar, m, gIh: gOut, ihcn: iOut } = inst;
    const ej = inst.ehcn;
    const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const vj = v[node];
      const gj = gbar[j] * m[j];
      // BREAKPOINT at v + 0.001, then at v (whose values stay); g by finite difference
      const i1 = gj * (vj + 0.001 - ej);
      const i0 = gj * (vj - ej);
      const gd = (i1 - i0) / 0.001;
      gOut[j] = gj;
      iOut[j] = i0;
      rhs[node] -= i0;
      d[node] += gd;
    }
  },

  advance(inst: IhInstance, ctx: MechanismContext): void {
    const { nodes, count: n, m, expb, tgt } = inst;
    const buf = expb.buf;
    const vNode = ctx.v, dt = ctx.dt;
    // 1. rate exponents
    for (let j = 0; j < n; j++) {
      const v0 = vNode[nodes[j]];
      let v = v0;
      if (v === -154.9) v = v + 0.0001;
      buf[0 * n + j] = hocExpArg((v + 154.9) / 11.9);
      buf[1 * n + j] = hocExpArg(v / 33.1);
    }
    expb.run(0, 2 * n);
    // 2. rates, cnexp exponents and targets
    for (let j = 0; j < n; j++) {
      const v0 = vNode[nodes[j]];
      const E0 = buf[0 * n + j];
      const E1 = buf[1 * n + j];
      let v = v0;
      if (v === -154.9) v = v + 0.0001;
      const mAlpha = (0.001 * 6.43 * (v + 154.9)) / (E0 - 1.0);
      const mBeta = 0.001 * 193.0 * E1;
      const mInf = mAlpha / (mAlpha + mBeta);
      const mTau = 1.0 / (mAlpha + mBeta);
      const am = -1.0 / mTau;
      buf[2 * n + j] = hocExpArg(dt * am);
      tgt[j] = -(mInf / mTau) / am;
    }
    expb.run(2 * n, 1 * n);
    // 3. x ← x + (1 − exp(dt·((−1)/τ)))·(−(x∞/τ)/((−1)/τ) − x)
    for (let j = 0; j < n; j++) {
      const mj = m[j];
      m[j] = mj + (1.0 - buf[2 * n + j]) * (tgt[j] - mj);
    }
  },
};
