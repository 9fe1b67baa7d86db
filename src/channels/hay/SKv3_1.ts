import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance, IonState } from '../mechanism.ts';
import { cnexp as cnexpShared, CONDUCTANCE, hocExp as hocExpShared } from './common.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const cnexp = cnexpShared;
const M_INF = 0;
const M_TAU = 1;

/**
 * Kv3.1 K current, ModelDB 139653 `SKv3_1.mod` (Rettig et al. 1992, as used by Hay et al. 2011):
 * ik = gSKv3_1bar·m·(v − ek); m∞ = 1/(1 + exp((v − 18.7)/(−9.7))), τ = 0.2·20/(1 + exp((v + 46.56)/(−44.14)));
 * no temperature factor.
 *
 * Evaluation order 35 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau] (ms) to out. */
export function skv31Rates(v0: number, out: Float64Array): void {
  const v = v0;
  out[M_INF] = 1.0 / (1.0 + hocExp((v - 18.7) / -9.7));
  out[M_TAU] = (0.2 * 20.0) / (1.0 + hocExp((v - -46.56) / -44.14));
}

export interface SKv31Instance extends MechanismInstance {
  readonly gSKv3_1bar: Float64Array;
  readonly m: Float64Array;
  readonly gSKv3_1: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record. */
  readonly r: Float64Array;
}

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
    const m = f(), gSKv3_1 = f(), ik = f();
    return {
      count,
      nodes: init.nodes,
      gSKv3_1bar, m, gSKv3_1, ik,
      ion: init.ions.k,
      r: new Float64Array(4),
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
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const vj = v[node];
      const ej = E[node];
      const gj = gbar[j] * m[j];
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

  advance(inst: SKv31Instance, ctx: MechanismContext): void {
    const { nodes, count, r, m } = inst;
    const v = ctx.v, dt = ctx.dt;
    for (let j = 0; j < count; j++) {
      skv31Rates(v[nodes[j]], r);
      m[j] = cnexp(m[j], r[M_INF], r[M_TAU], dt);
    }
  },
};
