import type { IonState } from './mechanism.ts';

/**
 * NEURON 8.2 defaults for the ions the built-in mechanisms use (ena, ek: neuron-numerics §4; nai0 10,
 * nao0 140, ki0 54.4, ko0 2.5 mM). Add ca here together with the first mechanism that uses it, with a
 * verified default eca.
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
};

/** Per-node arrays for one ion over `nNodes` nodes, filled with the defaults. */
export function createIonState(name: string, nNodes: number): IonState {
  const def = ION_DEFAULTS[name];
  if (!def) {
    throw new Error(`unknown ion "${name}" (known: ${Object.keys(ION_DEFAULTS).join(', ')})`);
  }
  return {
    name,
    charge: def.charge,
    e: new Float64Array(nNodes).fill(def.e_mV),
    i: new Float64Array(nNodes),
    didv: new Float64Array(nNodes),
    ci: new Float64Array(nNodes).fill(def.ci_mM),
    co: new Float64Array(nNodes).fill(def.co_mM),
  };
}
