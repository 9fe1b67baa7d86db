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
 * Persistent K current, ModelDB 139653 `K_Pst.mod` (Korngreen & Sakmann 2000, shifted −10 mV, as used by
 * Hay et al. 2011): ik = gK_Pstbar·m²·h·(v − ek). The rates use v′ = v + 10 (one double addition);
 * (…)^2 is glibc pow(…, 2.0) in NEURON, x·x here (equal but for rare 1-ulp cases, NOTES.md §1).
 *
 * Evaluation order 30 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function kPstRates(v0: number, out: Float64Array): void {
  const v = v0 + 10.0;
  out[M_INF] = 1.0 / (1.0 + hocExp(-(v + 1.0) / 12.0));
  if (v < -50.0) {
    out[M_TAU] = (1.25 + 175.03 * hocExp(-v * -0.026)) / QT;
  } else {
    out[M_TAU] = (1.25 + 13.0 * hocExp(-v * 0.026)) / QT;
  }
  out[H_INF] = 1.0 / (1.0 + hocExp(-(v + 54.0) / -11.0));
  const x = (v + 75.0) / 48.0;
  out[H_TAU] = (360.0 + (1010.0 + 24.0 * (v + 55.0)) * hocExp(-(x * x))) / QT;
}

export interface KPstInstance extends MechanismInstance {
  readonly gK_Pstbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gK_Pst: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record. */
  readonly r: Float64Array;
}

export const kPst: Mechanism<KPstInstance> = {
  description: {
    name: 'K_Pst',
    kind: 'density',
    summary: 'persistent K channel (Korngreen & Sakmann 2000), Hay et al. 2011',
    source: 'ModelDB 139653 mod/K_Pst.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 30,
    params: [{ name: 'gK_Pstbar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
      { name: 'h', unit: '1', description: 'inactivation' },
    ],
    assigned: [
      { name: 'gK_Pst', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ik', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'k', read: ['ek'], write: ['ik'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): KPstInstance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gK_Pstbar = init.params.gK_Pstbar;
    const m = f(), h = f(), gK_Pst = f(), ik = f();
    return {
      count,
      nodes: init.nodes,
      gK_Pstbar, m, h, gK_Pst, ik,
      ion: init.ions.k,
      r: new Float64Array(4),
      vars: { gK_Pstbar, m, h, gK_Pst, ik },
    };
  },

  initialize(inst: KPstInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      kPstRates(v[nodes[k]], r);
      m[k] = r[M_INF];
      h[k] = r[H_INF];
    }
  },

  current(inst: KPstInstance, ctx: MechanismContext): void {
    const { nodes, count, gK_Pstbar: gbar, m, h, gK_Pst: gOut, ik: iOut } = inst;
    const E = inst.ion.e, ionI = inst.ion.i, ionG = inst.ion.didv;
    const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const vj = v[node];
      const ej = E[node];
      const mj = m[j];
      const gj = gbar[j] * mj * mj * h[j];
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

  advance(inst: KPstInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v, dt = ctx.dt;
    for (let j = 0; j < count; j++) {
      kPstRates(v[nodes[j]], r);
      m[j] = cnexp(m[j], r[M_INF], r[M_TAU], dt);
      h[j] = cnexp(h[j], r[H_INF], r[H_TAU], dt);
    }
  },
};
