import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance, IonState } from '../mechanism.ts';
import { cnexp as cnexpShared, CONDUCTANCE, hocExp as hocExpShared, QT as QT_SHARED } from './common.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const cnexp = cnexpShared;
const QT = QT_SHARED;
const M_INF = 0;
const M_TAU = 1;
const H_INF = 2;
const H_TAU = 3;

/**
 * Transient K current, ModelDB 139653 `K_Tst.mod` (Korngreen & Sakmann 2000, shifted −10 mV, as used by
 * Hay et al. 2011): ik = gK_Tstbar·m⁴·h·(v − ek). Rates use v′ = v + 10; NEURON's pow(m, 4.0) and
 * pow(…, 2.0) are products here (ulp-level differences, NOTES.md §1).
 *
 * Evaluation order 31 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function kTstRates(v0: number, out: Float64Array): void {
  const v = v0 + 10.0;
  out[M_INF] = 1.0 / (1.0 + hocExp(-(v + 0.0) / 19.0));
  const xm = (v + 71.0) / 59.0;
  out[M_TAU] = (0.34 + 0.92 * hocExp(-(xm * xm))) / QT;
  out[H_INF] = 1.0 / (1.0 + hocExp(-(v + 66.0) / -10.0));
  const xh = (v + 73.0) / 23.0;
  out[H_TAU] = (8.0 + 49.0 * hocExp(-(xh * xh))) / QT;
}

export interface KTstInstance extends MechanismInstance {
  readonly gK_Tstbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gK_Tst: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record. */
  readonly r: Float64Array;
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
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v, dt = ctx.dt;
    for (let j = 0; j < count; j++) {
      kTstRates(v[nodes[j]], r);
      m[j] = cnexp(m[j], r[M_INF], r[M_TAU], dt);
      h[j] = cnexp(h[j], r[H_INF], r[H_TAU], dt);
    }
  },
};
