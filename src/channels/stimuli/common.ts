/** Shared pieces of the stimulus point processes. */

/** 100/area of each instance's node: converts nA (µS) into mA/cm² (S/cm²), NEURON's factor. */
export function pointScale(nodes: Int32Array, area_um2: Float64Array): Float64Array {
  const scale = new Float64Array(nodes.length);
  for (let k = 0; k < nodes.length; k++) scale[k] = 1e2 / area_um2[nodes[k]];
  return scale;
}

/** The electrode-current description fields every injected-current stimulus shares. */
export const INJECTED_CURRENT = { name: 'i', unit: 'nA', description: 'injected current (positive depolarises)' } as const;
