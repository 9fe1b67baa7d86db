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
 * Low-voltage-activated Ca current, ModelDB 139653 `Ca_LVAst.mod` (Avery & Johnston 1996, τ from Randall
 * 1997, shifted −10 mV, as used by Hay et al. 2011): ica = gCa_LVAstbar·m²·h·(v − eca); rates use v′ = v + 10.
 *
 * Evaluation order 27 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function caLvastRates(v0: number, out: Float64Array): void {
  const v = v0 + 10.0;
  out[M_INF] = 1.0 / (1.0 + hocExp((v - -30.0) / -6.0));
  out[M_TAU] = (5.0 + 20.0 / (1.0 + hocExp((v - -25.0) / 5.0))) / QT;
  out[H_INF] = 1.0 / (1.0 + hocExp((v - -80.0) / 6.4));
  out[H_TAU] = (20.0 + 50.0 / (1.0 + hocExp((v - -40.0) / 7.0))) / QT;
}

export interface CaLVAstInstance extends MechanismInstance {
  readonly gCa_LVAstbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gCa_LVAst: Float64Array;
  readonly ica: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record. */
  readonly r: Float64Array;
}

export const caLvast: Mechanism<CaLVAstInstance> = {
  description: {
    name: 'Ca_LVAst',
    kind: 'density',
    summary: 'low-voltage-activated Ca channel (Avery & Johnston 1996), Hay et al. 2011',
    source: 'ModelDB 139653 mod/Ca_LVAst.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 27,
    params: [{ name: 'gCa_LVAstbar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
      { name: 'h', unit: '1', description: 'inactivation' },
    ],
    assigned: [
      { name: 'gCa_LVAst', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ica', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'ca', read: ['eca'], write: ['ica'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): CaLVAstInstance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gCa_LVAstbar = init.params.gCa_LVAstbar;
    const m = f(), h = f(), gCa_LVAst = f(), ica = f();
    return {
      count,
      nodes: init.nodes,
      gCa_LVAstbar, m, h, gCa_LVAst, ica,
      ion: init.ions.ca,
      r: new Float64Array(4),
      vars: { gCa_LVAstbar, m, h, gCa_LVAst, ica },
    };
  },

  initialize(inst: CaLVAstInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      caLvastRates(v[nodes[k]], r);
      m[k] = r[M_INF];
      h[k] = r[H_INF];
    }
  },

  current(inst: CaLVAstInstance, ctx: MechanismContext): void {
    const { nodes, count, gCa_LVAstbar: gbar, m, h, gCa_LVAst: gOut, ica: iOut } = inst;
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

  advance(inst: CaLVAstInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v, dt = ctx.dt;
    for (let j = 0; j < count; j++) {
      caLvastRates(v[nodes[j]], r);
      m[j] = cnexp(m[j], r[M_INF], r[M_TAU], dt);
      h[j] = cnexp(h[j], r[H_INF], r[H_TAU], dt);
    }
  },
};
