import type { InstanceInit, Mechanism, MechanismContext } from '../mechanism.ts';
import { hocExp as hocExpShared } from './common.ts';
import { gatedDescription, gatedInitialize, gatedInstance, type GatedInstance, type GatedSpec } from './gated.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const M_INF = 0;
const M_TAU = 1;
const scratch = new Float64Array(2);

/**
 * Hyperpolarisation-activated non-specific cation current, ModelDB 139653 `Ih.mod` (Kole, Hallermann &
 * Stuart 2006, as used by Hay et al. 2011): ihcn = gIhbar·m·(v − ehcn), ehcn a GLOBAL (−45 mV, not an ion);
 * α = 0.001·6.43·(v + 154.9)/(exp((v + 154.9)/11.9) − 1), β = 0.001·193·exp(v/33.1); guard at exactly −154.9 mV.
 *
 * The state update is batched as ./gated.ts describes, in the same arithmetic as `ihRates` + cnexp below.
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

export interface IhInstance extends GatedInstance {
  readonly gIhbar: Float64Array;
  readonly m: Float64Array;
  readonly gIh: Float64Array;
  readonly ihcn: Float64Array;
  readonly ehcn: number;
}

const SPEC: GatedSpec = {
  name: 'Ih',
  summary: 'hyperpolarisation-activated cation channel (Kole et al. 2006), Hay et al. 2011',
  order: 28,
  gbar: 'gIhbar',
  gates: [{ name: 'm', description: 'activation' }],
  g: 'gIh',
  i: 'ihcn',
  ion: null,
  globals: [{ name: 'ehcn', unit: 'mV', default: -45, description: 'reversal potential of Ih (a GLOBAL in Ih.mod)' }],
  rateExps: 2,
};

const STATE = 2;
const ARGS = 3;
const INFS = 4;

export const ih: Mechanism<IhInstance> = {
  description: gatedDescription(SPEC),
  instantiate: (init: InstanceInit): IhInstance => gatedInstance(SPEC, init),
  initialize: gatedInitialize(SPEC, ihRates),

  current(inst: IhInstance, ctx: MechanismContext): void {
    const { nodes, count, gIhbar: gbar, m, gIh: gOut, ihcn: iOut } = inst;
    const ej = inst.ehcn;
    const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
    // dI/dv as nocmodl computes it: the finite difference (I(v + 0.001) − I(v))/0.001.
    if (!inst.storeVars) {
      for (let j = 0; j < count; j++) {
        const node = nodes[j];
        const gj = gbar[j] * m[j];
        const v0 = v[node];
        const i0 = gj * (v0 - ej);
        rhs[node] -= i0;
        d[node] += (gj * (v0 + 0.001 - ej) - i0) / 0.001;
      }
      return;
    }
    const sv = inst.storeVars;
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const gj = gbar[j] * m[j];
      const v0 = v[node];
      const i0 = gj * (v0 - ej);
      if (sv) {
        gOut[j] = gj;
        iOut[j] = i0;
      }
      rhs[node] -= i0;
      d[node] += (gj * (v0 + 0.001 - ej) - i0) / 0.001;
    }
  },

  /**
   * rates() and cnexp for all instances in nocmodl's arithmetic (the values of the kernel generated
   * from the kinetics description, bit for bit): the rate exponentials in one batched call, then per
   * gate a = (−1)/τ, the target −(x∞/τ)/a and the exponent dt·a, and one ExpBatch.relax (./gated.ts).
   */
  advance(inst: IhInstance, ctx: MechanismContext): void {
    const { nodes, count: n, expb } = inst;
    const buf = expb.buf;
    const vNode = ctx.v;
    const dt = ctx.dt;
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      let vm = v;
      if (vm === -154.9) vm = vm + 0.0001;
      buf[j] = (vm + 154.9) / 11.9;
      buf[n + j] = vm / 33.1;
    }
    expb.run(0, 2 * n);
    for (let j = 0; j < n; j++) {
      const v = vNode[nodes[j]];
      let vm = v;
      if (vm === -154.9) vm = vm + 0.0001;
      const t0 = buf[j];
      const t1 = buf[n + j];
      const am = (0.00643 * (vm + 154.9)) / (t0 - 1.0);
      const bm = 0.193 * t1;
      const r_m_1 = am / (am + bm);
      const r_m_2 = 1.0 / (am + bm);
      const a_m = -1.0 / r_m_2;
      buf[(INFS) * n + j] = -(r_m_1 / r_m_2) / a_m;
      buf[(ARGS) * n + j] = dt * a_m;
    }
    expb.relax(STATE * n, ARGS * n, INFS * n, 1 * n);
  },
};
