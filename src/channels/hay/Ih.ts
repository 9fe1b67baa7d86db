import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance } from '../mechanism.ts';
import { cnexp as cnexpShared, CONDUCTANCE, hocExp as hocExpShared } from './common.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const cnexp = cnexpShared;
const M_INF = 0;
const M_TAU = 1;

/**
 * Hyperpolarisation-activated non-specific cation current, ModelDB 139653 `Ih.mod` (Kole, Hallermann &
 * Stuart 2006, as used by Hay et al. 2011): ihcn = gIhbar·m·(v − ehcn), ehcn a GLOBAL (−45 mV, not an ion);
 * α = 0.001·6.43·(v + 154.9)/(exp((v + 154.9)/11.9) − 1), β = 0.001·193·exp(v/33.1); guard at exactly −154.9 mV.
 *
 * Evaluation order 28 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau] (ms) to out. */
export function ihRates(v0: number, out: Float64Array): void {
  let v = v0;
  if (v === -154.9) v = v + 0.0001;
  const mAlpha = (0.001 * 6.43 * (v + 154.9)) / (hocExp((v + 154.9) / 11.9) - 1.0);
  const mBeta = 0.001 * 193.0 * hocExp(v / 33.1);
  out[M_INF] = mAlpha / (mAlpha + mBeta);
  out[M_TAU] = 1.0 / (mAlpha + mBeta);
}

export interface IhInstance extends MechanismInstance {
  readonly gIhbar: Float64Array;
  readonly m: Float64Array;
  readonly gIh: Float64Array;
  readonly ihcn: Float64Array;
  readonly ehcn: number;
  /** Scratch rates record. */
  readonly r: Float64Array;
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
    const { nodes, count, r, m } = inst;
    const v = ctx.v, dt = ctx.dt;
    for (let j = 0; j < count; j++) {
      ihRates(v[nodes[j]], r);
      m[j] = cnexp(m[j], r[M_INF], r[M_TAU], dt);
    }
  },
};
