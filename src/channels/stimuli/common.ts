/** Shared pieces of the stimulus point processes. */
import { instanceStorage, type InstanceInit } from '../mechanism.ts';

/** 100/area of each instance's node, in the instance's storage: converts nA (µS) into mA/cm² (S/cm²), NEURON's factor. */
export function pointScale(init: InstanceInit): Float64Array {
  const { nodes, area_um2 } = init;
  const scale = instanceStorage(init).f64(nodes.length);
  for (let k = 0; k < nodes.length; k++) scale[k] = 1e2 / area_um2[nodes[k]];
  return scale;
}

/** The electrode-current description fields every injected-current stimulus shares. */
export const INJECTED_CURRENT = { name: 'i', unit: 'nA', description: 'injected current (positive depolarises)' } as const;
