import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance, IonState } from '../mechanism.ts';
import { cnexp as cnexpShared, CONDUCTANCE, hocExp as hocExpShared } from './common.ts';

// Module-local bindings: imported ones can compile to getter calls (tsx, vitest), too slow in the step loop.
const hocExp = hocExpShared;
const cnexp = cnexpShared;
const M_INF = 0;
const M_TAU = 1;
const H_INF = 2;
const H_TAU = 3;

/**
 * High-voltage-activated Ca current, ModelDB 139653 `Ca_HVA.mod` (Reuveni et al. 1993, as used by Hay et
 * al. 2011): ica = gCa_HVAbar·m²·h·(v − eca); no temperature factor; guard at exactly −27 mV.
 *
 * Evaluation order 26 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function caHvaRates(v0: number, out: Float64Array): void {
  let v = v0;
  if (v === -27.0) v = v + 0.0001;
  const mAlpha = (0.055 * (-27.0 - v)) / (hocExp((-27.0 - v) / 3.8) - 1.0);
  const mBeta = 0.94 * hocExp((-75.0 - v) / 17.0);
  out[M_INF] = mAlpha / (mAlpha + mBeta);
  out[M_TAU] = 1.0 / (mAlpha + mBeta);
  const hAlpha = 0.000457 * hocExp((-13.0 - v) / 50.0);
  const hBeta = 0.0065 / (hocExp((-v - 15.0) / 28.0) + 1.0);
  out[H_INF] = hAlpha / (hAlpha + hBeta);
  out[H_TAU] = 1.0 / (hAlpha + hBeta);
}

export interface CaHVAInstance extends MechanismInstance {
  readonly gCa_HVAbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gCa_HVA: Float64Array;
  readonly ica: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record. */
  readonly r: Float64Array;
}

export const caHva: Mechanism<CaHVAInstance> = {
  description: {
    name: 'Ca_HVA',
    kind: 'density',
    summary: 'high-voltage-activated Ca channel (Reuveni et al. 1993), Hay et al. 2011',
    source: 'ModelDB 139653 mod/Ca_HVA.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 26,
    params: [{ name: 'gCa_HVAbar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
      { name: 'h', unit: '1', description: 'inactivation' },
    ],
    assigned: [
      { name: 'gCa_HVA', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ica', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'ca', read: ['eca'], write: ['ica'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): CaHVAInstance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gCa_HVAbar = init.params.gCa_HVAbar;
    const m = f(), h = f(), gCa_HVA = f(), ica = f();
    return {
      count,
      nodes: init.nodes,
      gCa_HVAbar, m, h, gCa_HVA, ica,
      ion: init.ions.ca,
      r: new Float64Array(4),
      vars: { gCa_HVAbar, m, h, gCa_HVA, ica },
    };
  },

  initialize(inst: CaHVAInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      caHvaRates(v[nodes[k]], r);
      m[k] = r[M_INF];
      h[k] = r[H_INF];
    }
  },

  current(inst: CaHVAInstance, ctx: MechanismContext): void {
    const { nodes, count, gCa_HVAbar: gbar, m, h, gCa_HVA: gOut, ica: iOut } = inst;
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

  advance(inst: CaHVAInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v, dt = ctx.dt;
    for (let j = 0; j < count; j++) {
      caHvaRates(v[nodes[j]], r);
      m[j] = cnexp(m[j], r[M_INF], r[M_TAU], dt);
      h[j] = cnexp(h[j], r[H_INF], r[H_TAU], dt);
    }
  },
};
