import type { InstanceInit, Mechanism, MechanismContext } from '../mechanism.ts';
import { hocExp as hocExpShared } from './common.ts';
import { gatedSimdAdvance, gatedSimdModule } from './simd.ts';
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
 * The state update runs in WebAssembly SIMD as ./simd.ts describes, in the same arithmetic as `ihRates` + cnexp (./common.ts).
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

/**
 * The state update's arithmetic (nocmodl's, as the generated kernel): vm = v shifted at −154.9 mV,
 * exponents (vm + 154.9)/11.9 and vm/33.1, α = 0.00643·(vm + 154.9)/(exp − 1), β = 0.193·exp,
 * x∞ = α/(α + β), τ = 1/(α + β).
 */
const SIMD = gatedSimdModule({
  pre: (s) => [s.def(s.shiftAt(s.v, -154.9))],
  exps: (s, [vm]) => [s.div(s.add(vm, s.k(154.9)), s.k(11.9)), s.div(vm, s.k(33.1))],
  gates: (s, [vm]) => {
    const am = s.def(s.div(s.mul(s.k(0.00643), s.add(vm, s.k(154.9))), s.sub(s.t(0), s.k(1))));
    const bm = s.def(s.mul(s.k(0.193), s.t(1)));
    return [[s.div(am, s.add(am, bm)), s.div(s.k(1), s.add(am, bm))]];
  },
}, 2, 1);

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
  simd: SIMD,
};


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

  /** rates() and cnexp for all instances in one WebAssembly SIMD loop (./simd.ts, SIMD above). */
  advance: gatedSimdAdvance<IhInstance>(SPEC, 1),
};
