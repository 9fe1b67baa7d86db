import { heapStorage, type IonState, type MechanismDescription, type StateStorage } from './mechanism.ts';

/**
 * Ions as NEURON 8.2 keeps them (src/nrnoc/eion.cpp): per node a reversal potential e, the total
 * current i and its dI/dv (zeroed at the start of every current evaluation), and concentrations
 * ci, co.
 *
 * Defaults (NEURON's): na ena 50 mV, nai0 10, nao0 140 mM; k ek −77 mV, ki0 54.4, ko0 2.5 mM;
 * ca eca 132.4579341637009 mV (= 12.5·ln(2/5e-5)), cai0 5e-5, cao0 2 mM.
 *
 * Reversal style per node, from what the mechanisms on that node read and write (NEURON's
 * `nrn_promote`, fixtures/neuron/channels/NOTES.md §4):
 * - a mechanism that reads or writes a concentration (SK_E2 reads cai, CaDynamics_E2 writes cai)
 *   makes e "computed": e = Nernst(ci, co) at finitialize (einit);
 * - a mechanism that writes a concentration (a concentration state) also makes e follow it during
 *   the run: e = Nernst(ci, co) at the start of every current evaluation, from the ci left by the
 *   previous step's state update (eadvance);
 * - otherwise e is a parameter (the default or the value set).
 * Nernst: e = (ktf/z)·log(co/ci), ktf = ((1000·R)·(celsius + 273.15))/F, with NEURON 8.2's CODATA
 * 2018 constants; 1e6 mV if ci ≤ 0, −1e6 if co ≤ 0.
 */
export interface IonDefaults {
  readonly charge: number;
  readonly e_mV: number;
  readonly ci_mM: number;
  readonly co_mM: number;
}

export const ION_DEFAULTS: Readonly<Record<string, IonDefaults>> = {
  na: { charge: 1, e_mV: 50, ci_mM: 10, co_mM: 140 },
  k: { charge: 1, e_mV: -77, ci_mM: 54.4, co_mM: 2.5 },
  ca: { charge: 2, e_mV: 132.4579341637009, ci_mM: 5e-5, co_mM: 2 },
};

/** Faraday constant, C/mol: NEURON 8.2's e·N_A (1.602176634e-19 · 6.02214076e23), also FARADAY in .mod files. */
export const FARADAY = 1.602176634e-19 * 6.02214076e23;
/** Gas constant, J/(K·mol): NEURON 8.2's k·N_A (1.380649e-23 · 6.02214076e23). */
export const GAS_CONSTANT = 1.380649e-23 * 6.02214076e23;

/** RT/F in mV at celsius, as NEURON's `ktf` macro computes it. */
export function ktf(celsius: number): number {
  return (1000.0 * GAS_CONSTANT * (celsius + 273.15)) / FARADAY;
}

/** NEURON's nrn_nernst: reversal potential (mV) for concentrations ci, co (mM) and charge z. */
export function nernst(ci: number, co: number, z: number, celsius: number): number {
  if (z === 0) return 0;
  if (ci <= 0) return 1e6;
  if (co <= 0) return -1e6;
  return (ktf(celsius) / z) * Math.log(co / ci);
}

/** Reversal style of an ion at a node. */
export const E_PARAMETER = 0;
/** e = Nernst at finitialize only (a concentration is read, none written). */
export const E_NERNST_INIT = 1;
/** e = Nernst at finitialize and at the start of every current evaluation (a concentration is written). */
export const E_NERNST_ADVANCE = 2;

/**
 * Per-node reversal style of `ion` from the mechanisms using it (`uses`: description + nodes).
 * NEURON's promotion rules (above); e written by a mechanism would make e a parameter again, which
 * no built-in mechanism does.
 */
export function ionStyles(
  ion: string,
  uses: readonly { readonly mechanism: { readonly description: MechanismDescription }; readonly nodes: ArrayLike<number> }[],
  nNodes: number,
): Uint8Array {
  const style = new Uint8Array(nNodes);
  const ci = `${ion}i`;
  const co = `${ion}o`;
  for (const u of uses) {
    for (const use of u.mechanism.description.ions) {
      if (use.ion !== ion) continue;
      const writes = use.write.includes(ci) || use.write.includes(co);
      const reads = use.read.includes(ci) || use.read.includes(co);
      const s = writes ? E_NERNST_ADVANCE : reads ? E_NERNST_INIT : E_PARAMETER;
      if (s === E_PARAMETER) continue;
      for (let k = 0; k < u.nodes.length; k++) {
        const n = u.nodes[k];
        if (style[n] < s) style[n] = s;
      }
    }
  }
  return style;
}

/** Settings of one ion for `createIonState`; arrays are per node and copied. */
export interface IonInit {
  readonly e?: ArrayLike<number>;
  /** Initial intracellular concentration (NEURON cai0 etc.), mM. */
  readonly ci0?: ArrayLike<number>;
  /** Initial extracellular concentration (NEURON cao0 etc.), mM. */
  readonly co0?: ArrayLike<number>;
  /** Reversal style per node (`ionStyles`); absent: e is a parameter everywhere. */
  readonly style?: ArrayLike<number>;
}

function copyIn(storage: StateStorage, x: Float64Array): Float64Array {
  const out = storage.f64(x.length);
  out.set(x);
  return out;
}

function nodesWith(style: ArrayLike<number> | undefined, min: number): Int32Array | undefined {
  if (style === undefined) return undefined;
  const out: number[] = [];
  for (let i = 0; i < style.length; i++) if (style[i] >= min) out.push(i);
  return out.length > 0 ? Int32Array.from(out) : undefined;
}

/**
 * Per-node arrays for one ion over `nNodes` nodes: the defaults, or the values in `init`; the
 * arrays come from `storage` (the engine's; default: plain arrays).
 */
export function createIonState(name: string, nNodes: number, init: IonInit = {}, storage: StateStorage = heapStorage()): IonState {
  const def = ION_DEFAULTS[name];
  if (!def) {
    throw new Error(`unknown ion "${name}" (known: ${Object.keys(ION_DEFAULTS).join(', ')})`);
  }
  const fill = (given: ArrayLike<number> | undefined, value: number): Float64Array => {
    const a = storage.f64(nNodes).fill(value);
    if (given !== undefined) a.set(given);
    return a;
  };
  const ci0 = fill(init.ci0, def.ci_mM);
  const co0 = fill(init.co0, def.co_mM);
  return {
    name,
    charge: def.charge,
    e: fill(init.e, def.e_mV),
    i: storage.f64(nNodes),
    didv: storage.f64(nNodes),
    ci: copyIn(storage, ci0),
    co: copyIn(storage, co0),
    ci0,
    co0,
    nernstInit: nodesWith(init.style, E_NERNST_INIT),
    nernstAdvance: nodesWith(init.style, E_NERNST_ADVANCE),
  };
}

/**
 * The ion's part of NEURON's finitialize: concentrations back to their initial values, and e by
 * Nernst where it is computed.
 */
export function initializeIon(ion: IonState, celsius: number): void {
  if (ion.ci0 !== undefined) ion.ci.set(ion.ci0);
  if (ion.co0 !== undefined) ion.co.set(ion.co0);
  const nodes = ion.nernstInit;
  if (nodes === undefined) return;
  const { e, ci, co, charge } = ion;
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k];
    e[n] = nernst(ci[n], co[n], charge, celsius);
  }
}

/**
 * The start of the ion's part of a current evaluation (NEURON's `ion_cur`), after the totals are
 * zeroed: e ← Nernst(ci, co) where a concentration is a state.
 */
export function advanceReversal(ion: IonState, celsius: number): void {
  const nodes = ion.nernstAdvance;
  if (nodes === undefined) return;
  const { e, ci, co, charge } = ion;
  const f = ktf(celsius) / charge;
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k];
    const c = ci[n];
    const o = co[n];
    e[n] = c <= 0 ? 1e6 : o <= 0 ? -1e6 : f * Math.log(o / c);
  }
}
