/**
 * Protocol → a runnable simulation, in three stages:
 *
 * 1. describe (cell.ts): the protocol resolved against the morphology and the catalogue: cm/Ra per
 *    section, the discretization policy, and each mechanism's placement and checked parameters;
 * 2. lay out (cell-layout.ts): discretize into NEURON's compartments. A layout depends only on the
 *    morphology, the nseg and the cm/Ra of each section, so a `LayoutCache` gives every protocol
 *    with the same of those one shared layout object;
 * 3. bind (cell-bind.ts): place mechanisms, ions, stimuli, synapses and probes on the layout's nodes
 *    and assemble the SimulationRequest.
 *
 * `buildSimulation` runs all three; `buildSimulations` builds many protocols (e.g. the variants of a
 * sweep) with one cache, so those that differ only in parameters share morphology and layout. Names
 * are checked against the cell and the catalogue; errors carry the protocol's JSON paths.
 */
import type { Morphology } from '../morphology/index.ts';
import type { Catalogue } from '../channels/catalogue.ts';
import type { Protocol } from './protocol.ts';
import { describeCell, loadProtocolMorphology, protocolCatalogue } from './cell.ts';
import { layCell, LayoutCache } from './cell-layout.ts';
import { bindCell, type BuiltSimulation } from './cell-bind.ts';

export type { ResolvedProbe } from './record.ts';
export type { BuiltSimulation } from './cell-bind.ts';
export type { CellDescription, MechanismPlacement, CellPoint } from './cell.ts';
export type { CellLayout } from './cell-layout.ts';
export { describeCell, loadProtocolMorphology, protocolCatalogue } from './cell.ts';
export { layCell, layoutKey, cellNseg, LayoutCache } from './cell-layout.ts';
export { bindCell } from './cell-bind.ts';

export interface BuildOptions {
  /**
   * Share morphologies and layouts with other builds: the morphology (when not given) comes from the
   * cache, and the layout is the cached one for the same layout key (cell-layout.ts).
   */
  layouts?: LayoutCache;
}

export function buildSimulation(
  p: Protocol,
  morphology?: Morphology,
  catalogue?: Catalogue,
  options: BuildOptions = {},
): BuiltSimulation {
  const cache = options.layouts;
  const m = morphology ?? (cache ? cache.morphology(p) : loadProtocolMorphology(p));
  const desc = describeCell(p, m, catalogue ?? protocolCatalogue(p));
  return bindCell(desc, cache ? cache.layout(desc) : layCell(desc));
}

/**
 * Build several protocols with one LayoutCache (a new one unless given): protocols that differ only
 * in what does not change the layout share one `layout` object. Results equal separate builds.
 */
export function buildSimulations(protocols: readonly Protocol[], options: BuildOptions = {}): BuiltSimulation[] {
  const layouts = options.layouts ?? new LayoutCache();
  return protocols.map((p) => buildSimulation(p, undefined, undefined, { layouts }));
}
