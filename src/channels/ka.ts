/**
 * A-type (transient) K channels of Migliore, Hoffman, Magee & Johnston 1999 (J Comput Neurosci
 * 7:5-15), fitted to Hoffman et al. 1997's CA1 dendritic recordings and used in many pyramidal
 * dendrite models: `kap`, the proximal form (within ~100 µm of the soma), and `kad`, the distal form
 * (activation shifted ~12 mV negative, faster). Written from the published equations; NEURON parity
 * against the same equations as .mod files: fixtures/neuron/ka/ (test/channels/ka-neuron.test.ts).
 *
 *   ik = gkabar·n·l·(v − ek)
 *   ζn(v) = zetan + pw/(1 + exp((v − tq)/qq))
 *   αn = exp(1e-3·ζn·(v − vhalfn)·F/(R·(273.16 + celsius))),  βn = exp(1e-3·ζn·gmn·(v − vhalfn)·F/(R·(273.16 + celsius)))
 *   n∞ = 1/(1 + αn),  τn = max(βn/(q10^((celsius − 24)/10)·a0n·(1 + αn)), nmin)
 *   αl = exp(1e-3·zetal·(v − vhalfl)·F/(R·(273.16 + celsius))),  l∞ = 1/(1 + αl),  τl = max(0.26·(v + 50)/qtl, lmin/qtl)
 *
 * with F = 9.648e4, R = 8.315, q10 5, pw −1, tq −40 mV, qq 5 mV, zetal 3, gml 1, vhalfl −56 mV,
 * lmin 2 ms, qtl 1; kap: vhalfn 11 mV, a0n 0.05/ms, zetan −1.5, gmn 0.55, nmin 0.1 ms; kad: vhalfn
 * −1 mV, a0n 0.1/ms, zetan −1.8, gmn 0.39, nmin 0.2 ms. Arithmetic as nocmodl 7.7 emits it (NEURON
 * 8.2): exp is hoc_Exp, the products in source order, states by cnexp with the new v,
 * x ← x + (1 − exp(dt·(−1/τ)))·(−(x∞/τ)/(−1/τ) − x).
 */
import { hocExp as hocExpShared } from './hay/common.ts';
import { outputsRead } from './hay/common.ts';
import { ohmicCurrent } from './hay/gated.ts';
import { instanceStorage, type InstanceInit, type IonState, type Mechanism, type MechanismContext, type MechanismInstance } from './mechanism.ts';

const hocExp = hocExpShared;

/** The kinetic constants that differ between the two forms and those they share. */
export interface KaKinetics {
  readonly vhalfn: number;
  readonly a0n: number;
  readonly zetan: number;
  readonly gmn: number;
  readonly nmin: number;
  readonly vhalfl: number;
  readonly zetal: number;
  readonly gml: number;
  readonly lmin: number;
  readonly pw: number;
  readonly tq: number;
  readonly qq: number;
  readonly q10: number;
  readonly qtl: number;
}

const SHARED = { vhalfl: -56, zetal: 3, gml: 1, lmin: 2, pw: -1, tq: -40, qq: 5, q10: 5, qtl: 1 };
export const KAP: KaKinetics = { vhalfn: 11, a0n: 0.05, zetan: -1.5, gmn: 0.55, nmin: 0.1, ...SHARED };
export const KAD: KaKinetics = { vhalfn: -1, a0n: 0.1, zetan: -1.8, gmn: 0.39, nmin: 0.2, ...SHARED };

/** rates(v) at `celsius`: writes [n∞, τn, l∞, τl] (ms) to out. */
export function kaRates(k: KaKinetics, v: number, celsius: number, out: Float64Array): void {
  const qt = Math.pow(k.q10, (celsius - 24.0) / 10.0);
  const T = 8.315 * (273.16 + celsius);
  const zeta = k.zetan + k.pw / (1.0 + hocExp((v - k.tq) / k.qq));
  let a = hocExp(((1e-3 * zeta * (v - k.vhalfn)) * 9.648e4) / T);
  out[0] = 1.0 / (1.0 + a);
  const b = hocExp(((1e-3 * zeta * k.gmn * (v - k.vhalfn)) * 9.648e4) / T);
  let taun = b / (qt * k.a0n * (1.0 + a));
  if (taun < k.nmin) taun = k.nmin;
  out[1] = taun;
  a = hocExp(((1e-3 * k.zetal * (v - k.vhalfl)) * 9.648e4) / T);
  out[2] = 1.0 / (1.0 + a);
  let taul = (0.26 * (v + 50.0)) / k.qtl;
  if (taul < k.lmin / k.qtl) taul = k.lmin / k.qtl;
  out[3] = taul;
}

export interface KaInstance extends MechanismInstance {
  readonly gkabar: Float64Array;
  readonly n: Float64Array;
  readonly l: Float64Array;
  readonly gka: Float64Array;
  readonly ik: Float64Array;
  readonly ion: IonState;
  readonly storeVars: boolean;
  readonly totals: boolean;
  readonly r: Float64Array;
}

function makeKa(name: 'kap' | 'kad', k: KaKinetics, order: number, summary: string): Mechanism<KaInstance> {
  const cnexp = (x: number, xInf: number, tau: number, dt: number) => x + (1.0 - hocExp(dt * (-1.0 / tau))) * (-(xInf / tau) / (-1.0 / tau) - x);
  return {
    description: {
      name,
      kind: 'density',
      summary,
      source: 'Migliore, Hoffman, Magee & Johnston 1999 (J Comput Neurosci 7:5), ModelDB 2796; written from the published equations, NEURON parity in fixtures/neuron/ka/',
      order,
      params: [{ name: 'gkabar', unit: 'S/cm2', default: 0.008, min: 0, max: 1e9, description: 'maximal conductance density' }],
      globals: [],
      states: [
        { name: 'n', unit: '1', description: 'activation' },
        { name: 'l', unit: '1', description: 'inactivation' },
      ],
      assigned: [
        { name: 'gka', unit: 'S/cm2', description: 'conductance density' },
        { name: 'ik', unit: 'mA/cm2', description: 'current density' },
      ],
      ions: [{ ion: 'k', read: ['ek'], write: ['ik'] }],
      electrode: false,
    },

    instantiate(init: InstanceInit): KaInstance {
      const count = init.nodes.length;
      const st = instanceStorage(init);
      const arr = () => st.f64(count);
      const out = outputsRead(init, ['gka', 'ik'], 'k');
      const gkabar = init.params.gkabar;
      const n = arr(), l = arr(), gka = arr(), ik = arr();
      return { count, nodes: init.nodes, gkabar, n, l, gka, ik, ion: init.ions.k, storeVars: out.vars, totals: out.totals, r: new Float64Array(4), vars: { gkabar, n, l, gka, ik } };
    },

    initialize(inst: KaInstance, ctx: MechanismContext): void {
      const { nodes, count, r } = inst;
      for (let j = 0; j < count; j++) {
        kaRates(k, ctx.v[nodes[j]], ctx.celsius, r);
        inst.n[j] = r[0];
        inst.l[j] = r[2];
      }
    },

    current(inst: KaInstance, ctx: MechanismContext): void {
      const { count, gkabar, n, l, gka } = inst;
      for (let j = 0; j < count; j++) gka[j] = gkabar[j] * n[j] * l[j];
      ohmicCurrent(inst, ctx, inst.ion, gka, inst.ik);
    },

    advance(inst: KaInstance, ctx: MechanismContext): void {
      const { nodes, count, r, n, l } = inst;
      const dt = ctx.dt;
      for (let j = 0; j < count; j++) {
        kaRates(k, ctx.v[nodes[j]], ctx.celsius, r);
        n[j] = cnexp(n[j], r[0], r[1], dt);
        l[j] = cnexp(l[j], r[2], r[3], dt);
      }
    },
  };
}

/** Proximal A-type K channel (Migliore et al. 1999 `kap`). */
export const kap = makeKa('kap', KAP, 40, 'A-type K channel, proximal form (Migliore et al. 1999)');
/** Distal A-type K channel (Migliore et al. 1999 `kad`). */
export const kad = makeKa('kad', KAD, 41, 'A-type K channel, distal form (Migliore et al. 1999)');
