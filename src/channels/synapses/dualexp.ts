/**
 * Double-exponential conductance synapses (point processes with NET_RECEIVE), one kernel for three
 * families that differ only in what multiplies B − A and in how an event's weight is used:
 *
 * - `exp2syn`  NEURON's Exp2Syn: g = B − A (µS), event: A += w·factor, B += w·factor.
 * - `weighted` Dendrite's AMPA / GABAA (g = B − A) and NMDA (g = (B − A)·mggate): Exp2Syn with the
 *              parameter names of Gidon's files (tau_r, tau_d) and, for NMDA, the Mg block below.
 *              The connection weight is the peak conductance in µS, as for Exp2Syn.
 * - `gidon`    Gidon et al. 2020's myAMPA / myNMDA / myGABA (ModelDB 254217, _mod/ISyn.inc):
 *              g = gmax·(B − A)·mggate·lSF; NET_RECEIVE ignores the weight (every event adds
 *              1·factor), so the conductance is set by `gmax` (µS) alone.
 *
 * In every family: i = g·(v − e) (nA, NONSPECIFIC_CURRENT), A′ = −A/τ_rise, B′ = −B/τ_decay, and
 * factor = 1/(−exp(−tp/τ_rise) + exp(−tp/τ_decay)) with tp = (τ_rise·τ_decay)/(τ_decay − τ_rise)·
 * ln(τ_decay/τ_rise), so that a weight-1 event gives a peak of B − A = 1.
 * Mg block (Jahr & Stevens 1990): mggate = 1/(1 + exp(γ·(−v))·(mg/mg_dep)).
 *
 * Ca through NMDA receptors (`caFraction`, Dendrite's NMDA): a fraction `ca_fraction` of the
 * synaptic current is carried by Ca²⁺ and written to ica (USEION ca WRITE ica), so a Ca
 * accumulation mechanism at the node (CaDynamics_E2) sees it; the rest stays non-specific. The
 * membrane gets the same total current, summed as nocmodl sums the two currents of the mechanism,
 * (1 − f)·i + f·i (= i up to rounding), ica = ca_fraction·i and its finite-difference conductance
 * go to the ion's totals scaled as nocmodl scales them (c·100/area), and `i` stays the whole
 * synaptic current. That is the arithmetic of the kernel generated from NMDA's kinetics
 * description (src/channels/ir/specs-synapses.ts), equal bit for bit (test/batch/ir-synapses).
 * Default 0: no Ca current, the traces of the synapse without it. Parity: fixtures/neuron/nmda_ca/.
 *
 * Numerics as nocmodl 7.7 / NEURON 8.2 (../../../shared/neuron-numerics.md §4, §9 and
 * fixtures/neuron/channels/NOTES.md §7): the current is evaluated at v + 0.001 and at v, the
 * conductance is the finite difference, both scaled by 100/area of the node; A and B decay by
 * cnexp, A ← A + (1 − exp(dt·(−1/τ)))·(−A) (the factor is the same every step and is computed
 * once); Gidon's lSF′ = (Vtrg − v)/tau_H has no lSF on the right, so nocmodl emits explicit Euler,
 * lSF ← lSF − dt·(−((Vtrg − v)/tau_H)) (with tau_H = 1e300 lSF stays exactly 1). INITIAL clamps
 * the rise time as each source does: Exp2Syn (and Dendrite's synapses) τ1 ≤ 0.9999·τ2 and
 * τ1 ≥ 1e-9·τ2; Gidon τ_r ≤ 0.999·τ_d.
 */
import { exp } from '../exp.ts';
import { instanceStorage, type InstanceInit, type IonState, type Mechanism, type MechanismContext, type MechanismDescription, type MechanismInstance, type ParamSpec, type QuantitySpec } from '../mechanism.ts';

export type SynapseFamily = 'exp2syn' | 'weighted' | 'gidon';

export interface DualExpInstance extends MechanismInstance {
  readonly tauRise: Float64Array;
  readonly tauDecay: Float64Array;
  readonly e: Float64Array;
  /** Gidon only (else all 1). */
  readonly gmax: Float64Array;
  /** Mg block (zeros when the mechanism has none: mggate = 1). */
  readonly mg: Float64Array;
  readonly gamma: Float64Array;
  readonly mgDep: number;
  readonly A: Float64Array;
  readonly B: Float64Array;
  readonly lSF: Float64Array;
  readonly Vtrg: Float64Array;
  readonly tauH: Float64Array;
  readonly g: Float64Array;
  readonly i: Float64Array;
  readonly mggate: Float64Array;
  readonly factor: Float64Array;
  readonly tsyn: Float64Array;
  /** 1 − exp(dt·(−1/τ)) for A and B, set in `initialize`. */
  readonly decayA: Float64Array;
  readonly decayB: Float64Array;
  /** 100/area of each instance's node (nA → mA/cm², µS → S/cm²). */
  readonly scale: Float64Array;
  /** caFraction synapses: the fraction and the Ca current (nA); the Ca ion (else undefined). */
  readonly caFraction: Float64Array;
  readonly ica: Float64Array;
  readonly ca: IonState | undefined;
  /** Node areas, µm² (the whole model's array, indexed by node). */
  readonly area_um2: Float64Array;
}

export interface DualExpConfig {
  name: string;
  summary: string;
  source: string;
  order: number;
  family: SynapseFamily;
  /** Names of the rise and decay time constants (`tau1`, `tau2` for Exp2Syn; `tau_r`, `tau_d` else). */
  tauNames: readonly [string, string];
  tauRise: number;
  tauDecay: number;
  e: number;
  /** With the Mg block parameters mg (mM) and gamma (/mV) and the global mg_dep (mM). */
  block: boolean;
  mg?: number;
  gamma?: number;
  /** Gidon family: default gmax (µS). */
  gmax?: number;
  /** With the parameter ca_fraction (default 0): that fraction of the current is ica. */
  caFraction?: boolean;
}

const TAU_MIN = 1e-9;

export function makeDualExpSynapse(cfg: DualExpConfig): Mechanism<DualExpInstance> {
  const [riseName, decayName] = cfg.tauNames;
  const gidon = cfg.family === 'gidon';
  const block = cfg.block;
  const withCa = cfg.caFraction === true;
  const params: ParamSpec[] = [
    { name: riseName, unit: 'ms', default: cfg.tauRise, min: TAU_MIN, max: 1e9, description: 'rise time constant' },
    { name: decayName, unit: 'ms', default: cfg.tauDecay, min: TAU_MIN, max: 1e9, description: 'decay time constant' },
    { name: 'e', unit: 'mV', default: cfg.e, description: 'reversal potential' },
  ];
  if (gidon) params.push({ name: 'gmax', unit: 'uS', default: cfg.gmax ?? 0, min: 0, max: 1e9, description: 'peak conductance of one event (the connection weight is ignored)' });
  if (block) {
    params.push(
      { name: 'mg', unit: 'mM', default: cfg.mg ?? 1, min: 0, max: 1e9, description: 'extracellular [Mg2+]' },
      { name: 'gamma', unit: '/mV', default: cfg.gamma ?? 0.062, description: 'steepness of the Mg block, mggate = 1/(1 + exp(−gamma·v)·mg/mg_dep)' },
    );
  }
  if (withCa) params.push({ name: 'ca_fraction', unit: '1', default: 0, min: 0, max: 1, description: 'fraction of the synaptic current carried by Ca2+ (written to ica, seen by Ca accumulation mechanisms); 0: none' });
  if (gidon) {
    params.push(
      { name: 'Vtrg', unit: 'mV', default: -60, description: 'target voltage of the (unused by default) homeostatic factor lSF' },
      { name: 'tau_H', unit: 'ms', default: 1e300, min: TAU_MIN, description: 'time constant of lSF (1e300: lSF stays 1)' },
    );
  }
  const globals: ParamSpec[] = block ? [{ name: 'mg_dep', unit: 'mM', default: 3.57, min: TAU_MIN, description: 'Mg dissociation constant of the block' }] : [];
  const states: QuantitySpec[] = [
    { name: 'A', unit: gidon ? '1' : 'uS', description: 'rising component' },
    { name: 'B', unit: gidon ? '1' : 'uS', description: 'decaying component' },
  ];
  if (gidon) states.push({ name: 'lSF', unit: '1', description: 'local homeostatic scaling factor' });
  const assigned: QuantitySpec[] = [
    { name: 'g', unit: 'uS', description: 'conductance' },
    { name: 'i', unit: 'nA', description: 'synaptic current (negative depolarises)' },
    { name: 'factor', unit: '1', description: 'normalisation of B − A to a peak of 1 per unit weight' },
  ];
  if (block) assigned.push({ name: 'mggate', unit: '1', description: 'fraction not blocked by Mg' });
  if (gidon) assigned.push({ name: 'tsyn', unit: 'ms', description: 'time of the last event' });
  if (withCa) assigned.push({ name: 'ica', unit: 'nA', description: 'Ca2+ part of the synaptic current, ca_fraction·i' });

  const description: MechanismDescription = {
    name: cfg.name,
    kind: 'point',
    summary: cfg.summary,
    source: cfg.source,
    order: cfg.order,
    params,
    globals,
    states,
    assigned,
    ions: withCa ? [{ ion: 'ca', read: [], write: ['ica'] }] : [],
    electrode: false,
    events: { weight: gidon ? 'ignored' : 'uS' },
  };

  return {
    description,

    instantiate(init: InstanceInit): DualExpInstance {
      const count = init.nodes.length;
      const p = init.params;
      const st = instanceStorage(init);
      const arr = () => st.f64(count);
      const scale = arr();
      for (let k = 0; k < count; k++) scale[k] = 1e2 / init.area_um2[init.nodes[k]];
      const tauRise = p[riseName];
      const tauDecay = p[decayName];
      const inst: DualExpInstance = {
        count,
        nodes: init.nodes,
        tauRise,
        tauDecay,
        e: p.e,
        gmax: gidon ? p.gmax : arr().fill(1),
        mg: block ? p.mg : arr(),
        gamma: block ? p.gamma : arr(),
        mgDep: block ? init.globals.mg_dep : 3.57,
        A: arr(),
        B: arr(),
        lSF: arr().fill(1),
        Vtrg: gidon ? p.Vtrg : arr(),
        tauH: gidon ? p.tau_H : arr().fill(1e300),
        g: arr(),
        i: arr(),
        mggate: arr().fill(1),
        factor: arr(),
        tsyn: arr(),
        decayA: arr(),
        decayB: arr(),
        scale,
        caFraction: withCa ? p.ca_fraction : arr(),
        ica: arr(),
        ca: withCa ? init.ions.ca : undefined,
        area_um2: init.area_um2,
        vars: {},
      };
      const vars: Record<string, Float64Array> = {
        [riseName]: tauRise,
        [decayName]: tauDecay,
        e: inst.e,
        A: inst.A,
        B: inst.B,
        g: inst.g,
        i: inst.i,
        factor: inst.factor,
      };
      if (gidon) Object.assign(vars, { gmax: inst.gmax, lSF: inst.lSF, Vtrg: inst.Vtrg, tau_H: inst.tauH, tsyn: inst.tsyn });
      if (block) Object.assign(vars, { mg: inst.mg, gamma: inst.gamma, mggate: inst.mggate });
      if (withCa) Object.assign(vars, { ca_fraction: inst.caFraction, ica: inst.ica });
      (inst as { vars: Record<string, Float64Array> }).vars = vars;
      return inst;
    },

    initialize(inst: DualExpInstance, ctx: MechanismContext): void {
      const { tauRise, tauDecay, count } = inst;
      for (let k = 0; k < count; k++) {
        let t1 = tauRise[k];
        const t2 = tauDecay[k];
        if (gidon) {
          if (t1 / t2 > 0.999) t1 = t2 * 0.999;
        } else {
          if (t1 / t2 > 0.9999) t1 = 0.9999 * t2;
          if (t1 / t2 < 1e-9) t1 = t2 * 1e-9;
        }
        tauRise[k] = t1;
        inst.A[k] = 0;
        inst.B[k] = 0;
        inst.g[k] = 0;
        inst.i[k] = 0;
        inst.ica[k] = 0;
        inst.lSF[k] = 1;
        inst.tsyn[k] = -1e80;
        const tp = ((t1 * t2) / (t2 - t1)) * Math.log(t2 / t1);
        inst.factor[k] = 1 / (-exp(-tp / t1) + exp(-tp / t2));
        inst.decayA[k] = 1.0 - exp(ctx.dt * (-1.0 / t1));
        inst.decayB[k] = 1.0 - exp(ctx.dt * (-1.0 / t2));
      }
    },

    current(inst: DualExpInstance, ctx: MechanismContext): void {
      const { nodes, A, B, e, gmax, mg, gamma, lSF, g: gOut, i: iOut, mggate, scale, count } = inst;
      const mgDep = inst.mgDep;
      const v = ctx.v;
      const rhs = ctx.rhs;
      const d = ctx.d;
      for (let k = 0; k < count; k++) {
        const node = nodes[k];
        const vk = v[node];
        const ab = B[k] - A[k];
        let i1: number;
        let i0: number;
        if (gidon) {
          // BREAKPOINT at v + 0.001, then at v (which leaves mggate, lSF, g, i).
          const s = lSF[k] > 0 ? lSF[k] : 0;
          lSF[k] = s;
          const v1 = vk + 0.001;
          const m1 = 1 / (1 + exp(gamma[k] * -v1) * (mg[k] / mgDep));
          i1 = gmax[k] * ab * m1 * s * (v1 - e[k]);
          const m0 = 1 / (1 + exp(gamma[k] * -vk) * (mg[k] / mgDep));
          const g0 = gmax[k] * ab * m0 * s;
          mggate[k] = m0;
          gOut[k] = g0;
          i0 = g0 * (vk - e[k]);
        } else if (block) {
          const v1 = vk + 0.001;
          const m1 = 1 / (1 + exp(gamma[k] * -v1) * (mg[k] / mgDep));
          i1 = ab * m1 * (v1 - e[k]);
          const m0 = 1 / (1 + exp(gamma[k] * -vk) * (mg[k] / mgDep));
          const g0 = ab * m0;
          mggate[k] = m0;
          gOut[k] = g0;
          i0 = g0 * (vk - e[k]);
        } else {
          i1 = ab * (vk + 0.001 - e[k]);
          gOut[k] = ab;
          i0 = ab * (vk - e[k]);
        }
        iOut[k] = i0;
        if (withCa && inst.caFraction[k] !== 0) {
          // the membrane gets the non-specific part plus the Ca part, (1 − f)·i + f·i, as nocmodl
          // sums a mechanism's currents (equal to i up to rounding)
          const f = inst.caFraction[k];
          i0 = (1 - f) * i0 + f * i0;
          i1 = (1 - f) * i1 + f * i1;
        }
        const gfd = (i1 - i0) / 0.001;
        rhs[node] -= i0 * scale[k];
        d[node] += gfd * scale[k];
      }
      const ca = inst.ca;
      if (ca !== undefined) {
        const f = inst.caFraction, ica = inst.ica, caI = ca.i, caG = ca.didv;
        for (let k = 0; k < count; k++) {
          if (f[k] === 0) {
            ica[k] = 0;
            continue;
          }
          const node = nodes[k];
          // the Ca part of i at v and its finite-difference conductance (as the current above)
          const vk = v[node];
          const m1 = 1 / (1 + exp(gamma[k] * -(vk + 0.001)) * (mg[k] / mgDep));
          const ab = B[k] - A[k];
          const c0 = f[k] * iOut[k];
          const c1 = f[k] * (ab * m1 * (vk + 0.001 - e[k]));
          ica[k] = c0;
          // nocmodl: _ion_ica += ica * 1.e2/(_nd_area); _ion_dicadv += (_dica - ica)/.001 * 1.e2/(_nd_area)
          const area = inst.area_um2[node];
          caI[node] += (c0 * 100.0) / area;
          caG[node] += (((c1 - c0) / 0.001) * 100.0) / area;
        }
      }
    },

    advance(inst: DualExpInstance, ctx: MechanismContext): void {
      const { A, B, decayA, decayB, count } = inst;
      for (let k = 0; k < count; k++) {
        A[k] = A[k] + decayA[k] * -A[k];
        B[k] = B[k] + decayB[k] * -B[k];
      }
      if (gidon) {
        const { nodes, lSF, Vtrg, tauH } = inst;
        const v = ctx.v;
        const dt = ctx.dt;
        for (let k = 0; k < count; k++) lSF[k] = lSF[k] - dt * -((Vtrg[k] - v[nodes[k]]) / tauH[k]);
      }
    },

    netReceive(inst: DualExpInstance, k: number, weight: number, ctx: MechanismContext): void {
      const w = gidon ? 1 : weight;
      inst.A[k] = inst.A[k] + w * inst.factor[k];
      inst.B[k] = inst.B[k] + w * inst.factor[k];
      if (gidon) inst.tsyn[k] = ctx.t;
    },
  };
}
