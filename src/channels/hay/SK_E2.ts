import type { InstanceInit, IonState, Mechanism, MechanismContext, MechanismInstance } from '../mechanism.ts';
import { instanceStorage } from '../mechanism.ts';
import type { ExpBatch } from '../exp-wasm.ts';
import { CONDUCTANCE, hocExp as hocExpShared, hocExpBatch, outputsRead } from './common.ts';
import { F64, I32, get } from '../ir/wasm/asm.ts';
import { add, div, fusedKernel, fusedModule, mul, neg, sub } from './fused.ts';

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
  /**
   * The state update's memory, planes of count doubles: 0.8·log q, q⁴ = (q·q)·(q·q) (both written
   * in JavaScript each step), z (the state).
   */
  readonly expb: ExpBatch;
  /** The rest of the state update in WebAssembly SIMD (UPDATE below) on expb's memory. */
  readonly update: UpdateKernel;
}

// update(pArg, pQ4, pZ, n, zTau, a, fac): byte addresses of the planes, the count, zTau, a = (−1)/zTau,
// fac = 1 − hoc_Exp(dt·a).
const P_ARG = 0, P_Q4 = 1, P_Z = 2, N = 3, ZTAU = 4, A = 5, FAC = 6;
type UpdateKernel = (pArg: number, pQ4: number, pZ: number, n: number, zTau: number, a: number, fac: number) => void;

/**
 * Per instance pair: z∞ = 1/(1 + q⁴·hoc_Exp(0.8·log q)) and cnexp's z + fac·(−(z∞/zTau)/a − z), the
 * operations of the JavaScript form in the same order (skE2ZInf, ./common.ts cnexp), two instances
 * per f64x2 instruction (./fused.ts; compiled once per process).
 */
const UPDATE = fusedModule([I32, I32, I32, I32, F64, F64, F64], N, (b) => {
  const pArg = b.address(get(P_ARG)), pQ4 = b.address(get(P_Q4)), pZ = b.address(get(P_Z));
  const e = b.def(b.exp(b.load(pArg)));
  const zInf = b.def(div(b.k(1), add(b.k(1), mul(b.load(pQ4), e))));
  const z = b.def(b.load(pZ));
  return b.store(pZ, add(z, mul(b.param(FAC), sub(div(neg(div(zInf, b.param(ZTAU))), b.param(A)), z))));
});

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
    const expb = hocExpBatch(3 * count);
    const z = expb.buf.subarray(2 * count, 3 * count);
    const st = instanceStorage(init);
    const gSK_E2 = st.f64(count), ik = st.f64(count);
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
      expb,
      update: fusedKernel<UpdateKernel>(UPDATE, expb.memory!, hocExp),
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
    const { nodes, count: n, zTau, expb } = inst;
    const cai = inst.ca.ci;
    const dt = ctx.dt;
    // cnexp in nocmodl's form, a = (−1)/zTau, z ← z + (1 − exp(dt·a))·(−(z∞/zTau)/a − z); zTau is a
    // GLOBAL, so the exponential is the same every step (computed once per dt: the same value).
    const a = -1.0 / zTau;
    if (inst.facDt !== dt) {
      inst.fac = 1.0 - hocExp(dt * a);
      inst.facDt = dt;
    }
    // z∞ = 1/(1 + (q·q)·(q·q)·hoc_Exp(0.8·log q)) as skE2ZInf: log here, the rest in UPDATE
    const buf = expb.buf;
    for (let j = 0; j < n; j++) {
      let ca = cai[nodes[j]];
      if (ca < 1e-7) ca = ca + 1e-7;
      const q = 0.00043 / ca;
      buf[n + j] = q * q * (q * q);
      buf[j] = 0.8 * log(q);
    }
    const base = buf.byteOffset;
    inst.update(base, base + 8 * n, base + 16 * n, n, zTau, a, inst.fac);
  },
};
