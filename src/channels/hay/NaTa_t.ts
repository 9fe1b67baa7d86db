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
 * Transient Na current, ModelDB 139653 `NaTa_t.mod` (Colbert & Pan 2002, as used by Hay et al. 2011):
 * ina = gNaTa_tbar·m³·h·(v − ena). Rates as nocmodl emits them (NOTES.md §2), singularity guards at
 * exactly −38 and −66 mV (the second sees the possibly shifted v).
 *
 * Evaluation order 32 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/** `rates()` at membrane potential v0 (mV): writes [mInf, mTau, hInf, hTau] (ms) to out. */
export function naTaTRates(v0: number, out: Float64Array): void {
  let v = v0;
  if (v === -38.0) v = v + 0.0001;
  const mAlpha = (0.182 * (v - -38.0)) / (1.0 - hocExp(-(v - -38.0) / 6.0));
  const mBeta = (0.124 * (-v - 38.0)) / (1.0 - hocExp(-(-v - 38.0) / 6.0));
  out[M_TAU] = (1.0 / (mAlpha + mBeta)) / QT;
  out[M_INF] = mAlpha / (mAlpha + mBeta);
  if (v === -66.0) v = v + 0.0001;
  const hAlpha = (-0.015 * (v - -66.0)) / (1.0 - hocExp((v - -66.0) / 6.0));
  const hBeta = (-0.015 * (-v - 66.0)) / (1.0 - hocExp((-v - 66.0) / 6.0));
  out[H_TAU] = (1.0 / (hAlpha + hBeta)) / QT;
  out[H_INF] = hAlpha / (hAlpha + hBeta);
}

export interface NaTatInstance extends MechanismInstance {
  readonly gNaTa_tbar: Float64Array;
  readonly m: Float64Array;
  readonly h: Float64Array;
  readonly gNaTa_t: Float64Array;
  readonly ina: Float64Array;
  readonly ion: IonState;
  /** Scratch rates record. */
  readonly r: Float64Array;
}

export const naTaT: Mechanism<NaTatInstance> = {
  description: {
    name: 'NaTa_t',
    kind: 'density',
    summary: 'transient Na channel (Colbert & Pan 2002), Hay et al. 2011',
    source: 'ModelDB 139653 mod/NaTa_t.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 32,
    params: [{ name: 'gNaTa_tbar', ...CONDUCTANCE, default: 1e-5, description: 'maximal conductance density' }],
    globals: [],
    states: [
      { name: 'm', unit: '1', description: 'activation' },
      { name: 'h', unit: '1', description: 'inactivation' },
    ],
    assigned: [
      { name: 'gNaTa_t', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ina', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [{ ion: 'na', read: ['ena'], write: ['ina'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): NaTatInstance {
    const count = init.nodes.length;
    const f = (): Float64Array => new Float64Array(count);
    const gNaTa_tbar = init.params.gNaTa_tbar;
    const m = f(), h = f(), gNaTa_t = f(), ina = f();
    return {
      count,
      nodes: init.nodes,
      gNaTa_tbar, m, h, gNaTa_t, ina,
      ion: init.ions.na,
      r: new Float64Array(4),
      vars: { gNaTa_tbar, m, h, gNaTa_t, ina },
    };
  },

  initialize(inst: NaTatInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) {
      naTaTRates(v[nodes[k]], r);
      m[k] = r[M_INF];
      h[k] = r[H_INF];
    }
  },

  current(inst: NaTatInstance, ctx: MechanismContext): void {
    const { nodes, count, gNaTa_tbar: gbar, m, h, gNaTa_t: gOut, ina: iOut } = inst;
    const E = inst.ion.e, ionI = inst.ion.i, ionG = inst.ion.didv;
    const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const vj = v[node];
      const ej = E[node];
      const mj = m[j];
      const gj = gbar[j] * mj * mj * mj * h[j];
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

  advance(inst: NaTatInstance, ctx: MechanismContext): void {
    const { nodes, count, r, m, h } = inst;
    const v = ctx.v, dt = ctx.dt;
    for (let j = 0; j < count; j++) {
      naTaTRates(v[nodes[j]], r);
      m[j] = cnexp(m[j], r[M_INF], r[M_TAU], dt);
      h[j] = cnexp(h[j], r[H_INF], r[H_TAU], dt);
    }
  },
};
