import type { InstanceInit, IonState, Mechanism, MechanismContext, MechanismInstance } from '../mechanism.ts';
import type { ExpBatch } from '../exp-wasm.ts';
import { CONDUCTANCE, hocExp as hocExpShared, hocExpBatch, outputsRead } from './common.ts';

const hocExp = hocExpShared; // module-local (an imported binding may compile to a getter call)
const log = Math.log;

/**
 * Small-conductance Ca-activated K current, ModelDB 139653 `SK_E2.mod` (Kohler et al. 1996, as used by
 * Hay et al. 2011): ik = gSK_E2bar·z·(v − ek), z∞ = 1/(1 + (0.00043/cai)^4.8) with cai shifted by
 * +1e-7 mM when below 1e-7 (a shift, not a clamp), τz = zTau (a GLOBAL, 1 ms). It reads cai, so in the
 * state update it comes after CaDynamics_E2 (order 25) and sees the new cai, as in NEURON (NOTES.md §5).
 * NEURON's glibc pow(q, 4.8) is q⁴·exp(0.8·log(q)) here, as in the kinetics description (skE2ZInf).
 * State update and dI/dv in nocmodl's arithmetic: the values of the kernel generated from the kinetics
 * description (src/channels/ir/specs.ts), bit for bit.
 *
 * Evaluation order 34 (its type number in NEURON when compiled with the rest of the Hay set).
 */

/**
 * z∞ at intracellular Ca concentration ca (mM), as `rates(ca)` computes it, with NEURON's glibc
 * pow(q, 4.8), q = 0.00043/ca, taken as (q·q)·(q·q)·hoc_Exp(0.8·log(q)): about twice as fast as
 * Math.pow in V8 (pow was ~28 % of the Hay BAC run), within ~7 ulp of pow (1.5e-15 relative
 * measured for q in [0.04, 40]; q stays within about [0.4, 10] in practice), far inside the NEURON
 * parity tolerances. Edge cases as pow: q = 0 (ca = ∞) gives q⁴·0 = 0, q = ∞ (ca = 0, i.e.
 * cai = −1e-7) gives ∞ (z∞ = 0), q < 0 or NaN gives NaN; hoc_Exp's ±700 clamps are never reached
 * (|0.8·log q| ≤ 596 for every finite double). Only q above ~1e64, where pow overflows to ∞ and q⁴·q^0.8
 * is still finite up to ~1e77, differs: z∞ below 1e-307 instead of 0.
 */
export function skE2ZInf(ca: number): number {
  if (ca < 1e-7) ca = ca + 1e-7;
  const q = 0.00043 / ca;
  return 1.0 / (1.0 + q * q * (q * q) * hocExp(0.8 * log(q)));
}

export interface SKE2Instance extends MechanismInstance {
  readonly gSK_E2bar: Float64Array;
  readonly z: Float64Array;
  readonly gSK_E2: Float64Array;
  readonly ik: Float64Array;
  readonly k: IonState;
  readonly ca: IonState;
  readonly zTau: number;
  /** cnexp's 1 − exp(dt·((−1)/zTau)) for the dt it was computed with (zTau is a GLOBAL). */
  fac: number;
  facDt: number;
  /** Someone reads gSK_E2 or ik / the k totals (InstanceInit.unread); else `current` skips them. */
  readonly storeVars: boolean;
  readonly totals: boolean;
  /** The state update's exponentials hoc_Exp(0.8·log q), batched (bit-identical to hocExp). */
  readonly expb: ExpBatch;
  /** Per instance, the state update's q⁴ = (q·q)·(q·q) (scratch). */
  readonly q4: Float64Array;
}

export const skE2: Mechanism<SKE2Instance> = {
  description: {
    name: 'SK_E2',
    kind: 'density',
    summary: 'small-conductance Ca-activated K channel (Kohler et al. 1996), Hay et al. 2011',
    source: 'ModelDB 139653 mod/SK_E2.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 34,
    params: [{ name: 'gSK_E2bar', ...CONDUCTANCE, default: 1e-6, description: 'maximal conductance density' }],
    globals: [{ name: 'zTau', unit: 'ms', default: 1, min: 1e-9, description: 'time constant of z (a GLOBAL in SK_E2.mod)' }],
    states: [{ name: 'z', unit: '1', description: 'Ca-dependent activation' }],
    assigned: [
      { name: 'gSK_E2', unit: 'S/cm2', description: 'conductance density' },
      { name: 'ik', unit: 'mA/cm2', description: 'current density' },
    ],
    ions: [
      { ion: 'k', read: ['ek'], write: ['ik'] },
      { ion: 'ca', read: ['cai'], write: [] },
    ],
    electrode: false,
  },

  instantiate(init: InstanceInit): SKE2Instance {
    const count = init.nodes.length;
    const gSK_E2bar = init.params.gSK_E2bar;
    const z = new Float64Array(count), gSK_E2 = new Float64Array(count), ik = new Float64Array(count);
    const out = outputsRead(init, ['gSK_E2', 'ik'], 'k');
    return {
      count,
      nodes: init.nodes,
      gSK_E2bar, z, gSK_E2, ik,
      k: init.ions.k,
      ca: init.ions.ca,
      zTau: init.globals.zTau,
      fac: NaN,
      facDt: NaN,
      storeVars: out.vars,
      totals: out.totals,
      expb: hocExpBatch(count),
      q4: new Float64Array(count),
      vars: { gSK_E2bar, z, gSK_E2, ik },
    };
  },

  initialize(inst: SKE2Instance): void {
    const { nodes, count, z } = inst;
    const cai = inst.ca.ci;
    for (let k = 0; k < count; k++) z[k] = skE2ZInf(cai[nodes[k]]);
  },

  current(inst: SKE2Instance, ctx: MechanismContext): void {
    const { nodes, count, gSK_E2bar: gbar, z, gSK_E2: gOut, ik: iOut } = inst;
    const E = inst.k.e, ionI = inst.k.i, ionG = inst.k.didv;
    const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
    // dI/dv as nocmodl computes it: the finite difference (I(v + 0.001) − I(v))/0.001.
    if (!inst.storeVars && !inst.totals) {
      for (let j = 0; j < count; j++) {
        const node = nodes[j];
        const gj = gbar[j] * z[j];
        const v0 = v[node];
        const ej = E[node];
        const i0 = gj * (v0 - ej);
        rhs[node] -= i0;
        d[node] += (gj * (v0 + 0.001 - ej) - i0) / 0.001;
      }
      return;
    }
    const sv = inst.storeVars;
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const gj = gbar[j] * z[j];
      const v0 = v[node];
      const ej = E[node];
      const i0 = gj * (v0 - ej);
      const di = (gj * (v0 + 0.001 - ej) - i0) / 0.001;
      if (sv) {
        gOut[j] = gj;
        iOut[j] = i0;
      }
      ionI[node] += i0;
      ionG[node] += di;
      rhs[node] -= i0;
      d[node] += di;
    }
  },

  advance(inst: SKE2Instance, ctx: MechanismContext): void {
    const { nodes, count: n, z, zTau, expb, q4 } = inst;
    const cai = inst.ca.ci;
    const dt = ctx.dt;
    // cnexp in nocmodl's form, a = (−1)/zTau, z ← z + (1 − exp(dt·a))·(−(z∞/zTau)/a − z); zTau is a
    // GLOBAL, so the exponential is the same every step (computed once per dt: the same value).
    const a = -1.0 / zTau;
    if (inst.facDt !== dt) {
      inst.fac = 1.0 - hocExp(dt * a);
      inst.facDt = dt;
    }
    const fac = inst.fac;
    // z∞ = 1/(1 + (q·q)·(q·q)·hoc_Exp(0.8·log q)) as skE2ZInf, the exponentials batched
    const buf = expb.buf;
    for (let j = 0; j < n; j++) {
      let ca = cai[nodes[j]];
      if (ca < 1e-7) ca = ca + 1e-7;
      const q = 0.00043 / ca;
      q4[j] = q * q * (q * q);
      buf[j] = 0.8 * log(q);
    }
    expb.run(0, n);
    for (let j = 0; j < n; j++) {
      const zInf = 1.0 / (1.0 + q4[j] * buf[j]);
      const zj = z[j];
      z[j] = zj + fac * (-(zInf / zTau) / a - zj);
    }
  },
};
