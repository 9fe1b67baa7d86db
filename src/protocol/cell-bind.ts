/**
 * Stage 3 of building a simulation: cell description + layout → the SimulationRequest
 * (src/protocol/build.ts runs the three stages; README.md "Architecture").
 *
 * Puts the described mechanisms on NEURON's nodes (the centres of their sections' segments, the
 * segment holding an `at` point, or the segments whose centre lies in a distance range), evaluates
 * parameters that vary along the cell, merges repeated uses of one mechanism, resolves the ions,
 * and places the stimuli (stimuli.ts), the network (synapses.ts) and the recordings (record.ts).
 * The layout is only read, so one layout serves any number of bindings (cell-layout.ts).
 */
import type { CableLayout } from '../cable/layout.ts';
import { pathDistances, type PathDistances } from '../cable/distance.ts';
import type { Catalogue } from '../channels/catalogue.ts';
import type { MechanismUse, SimulationRequest } from '../solvers/model.ts';
import type { CellDescription, MechanismPlacement } from './cell.ts';
import type { CellLayout } from './cell-layout.ts';
import { DensityError, evaluateDensity, maxDistance, segmentDistances, segmentsOf, type SegmentSite } from './densities.ts';
import { resolveIons } from './ions.ts';
import { resolveRecords, type ResolvedProbe } from './record.ts';
import { placeStimuli, type PlacedStimulus } from './stimuli.ts';
import { buildNetwork, type PlacedSynapse, type PlasticSite } from './synapses.ts';
import { Checker } from './validate.ts';
import { readWeightsFile } from './weights.ts';

export interface BuiltSimulation {
  morphology: CellDescription['morphology'];
  layout: CableLayout;
  nseg: Int32Array;
  request: SimulationRequest;
  probes: ResolvedProbe[];
  /** Where each stimulus went (an entry with pick "all" gives several), in protocol order. */
  stimuli: PlacedStimulus[];
  /** Where each synapse went (src/protocol/synapses.ts). */
  synapses?: PlacedSynapse[];
  /**
   * The plastic synapses (weights.csv rows, in order); their final weights are the request's
   * `final` probes, in the same order.
   */
  plastic?: PlasticSite[];
}

/** Stage 3: bind a described cell onto a layout made from it (or from a cell with the same layout key). */
export function bindCell(desc: CellDescription, laid: CellLayout): BuiltSimulation {
  const p = desc.protocol;
  const c = new Checker(p.file);
  const { morphology, catalogue } = desc;
  const { layout, nseg } = laid;
  const where = (path: string) => `${p.file}: ${path}`;

  // Path distances for density expressions and distance ranges (computed when first needed)
  let pd: PathDistances | null = null;
  const distances = (): PathDistances => (pd ??= pathDistances(morphology, desc.distanceOrigin));
  const ionE = new Map<string, { e: Float64Array; setBy: (string | undefined)[] }>();
  const mechanisms: MechanismUse[] = [];
  for (const m of desc.mechanisms) {
    const use = placeMechanism(c, m, layout, distances, p.biophysics.distance_origin, catalogue);
    for (const r of use.reversals) {
      let ion = ionE.get(r.ion);
      if (!ion) {
        ion = { e: new Float64Array(layout.nNodes).fill(NaN), setBy: new Array(layout.nNodes) };
        ionE.set(r.ion, ion);
      }
      for (const n of use.nodes) {
        ion.e[n] = r.value_mV;
        ion.setBy[n] = r.path;
      }
    }
    if (use.nodes.length > 0) mechanisms.push({ name: m.name, nodes: use.nodes, params: use.params, globals: m.globals });
  }
  // Merge duplicate uses of one mechanism on overlapping nodes: NEURON inserts once, later params win.
  const merged = mergeUses(mechanisms, catalogue, layout.nNodes);

  // Ions (src/protocol/ions.ts): biophysics.ions, then region overrides, then reversal potentials
  // set through mechanism params (e.g. hh "ena"); other nodes keep the defaults.
  const ions = resolveIons({
    c, sections: morphology.sections, layout, where, global: p.biophysics.ions,
    regions: Object.entries(p.biophysics.regions).map(([name, o]) => [name, o.ions]),
    fromMechanisms: ionE, uses: merged, catalogue,
  });

  // Stimuli (src/protocol/stimuli.ts): IClamps, and point-process uses appended after the densities.
  const ctx = { c, morphology, layout, where };
  const placed = placeStimuli(ctx, p.stimuli, p.run.dt_ms, catalogue);
  // Synapses, spike sources and connections (src/protocol/synapses.ts): uses appended after the stimuli.
  const network = buildNetwork(ctx, p.network, placed.catalogue, merged.length + placed.uses.length, p.run.tstop_ms, {
    ...(p.weights_file !== undefined ? { weights: readWeightsFile(p.weights_file) } : {}),
  });
  // Recordings (src/protocol/record.ts): locations, stimulus currents, synapse variables.
  const { probes, record } = resolveRecords({
    ...ctx, densities: merged, catalogue, stimuli: placed.placed, stimulusUse0: merged.length,
    synapses: network.placed, synapseUse0: merged.length + placed.uses.length, synapseCatalogue: network.catalogue,
  }, p);
  // the final weight of every plastic synapse, read once after the last step
  const synapseUse0 = merged.length + placed.uses.length;
  const final = network.plastic.map((q) => {
    const site = network.placed[q.placed];
    const state = network.catalogue.get(site.mechanism)!.description.events!.weightState!;
    return { mechanism: synapseUse0 + site.use, variable: state, instance: site.instance };
  });

  const request: SimulationRequest = {
    layout,
    mechanisms: [...merged, ...placed.uses, ...network.uses],
    stimuli: placed.iclamps,
    record,
    dt_ms: p.run.dt_ms,
    tstop_ms: p.run.tstop_ms,
    method: p.run.method,
    v_init_mV: p.biophysics.v_init_mV,
    celsius: p.biophysics.celsius,
    ions,
    catalogue: network.catalogue,
    ...(network.events ? { events: network.events } : {}),
    ...(final.length > 0 ? { final } : {}),
  };
  return {
    morphology, layout, nseg, request, probes, stimuli: placed.placed, synapses: network.placed,
    ...(network.plastic.length > 0 ? { plastic: network.plastic } : {}),
  };
}

/** One placement on the layout: its nodes, and its parameters there (uniform or evaluated per segment). */
function placeMechanism(
  c: Checker, m: MechanismPlacement, layout: CableLayout, distances: () => PathDistances, origin: string, catalogue: Catalogue,
): { nodes: number[]; params: Record<string, number | Float64Array>; reversals: MechanismPlacement['reversals'] } {
  // the segments it goes into: all of its sections', the one containing `at`, or those whose centre is in `distance_um`
  let segs: SegmentSite[] | null = null;
  if (m.at) {
    const n = layout.sections[m.at.section].nseg;
    segs = [{ section: m.at.section, segment: Math.min(Math.floor(n * m.at.x), n - 1) }];
  } else if (m.distance_um) {
    segs = segmentsInRange(c, `${m.path}.distance_um`, layout, distances(), m.sections, m.distance_um, origin);
  }
  const nodes = segs ? segs.map((q) => layout.sections[q.section].firstCentre + q.segment) : centres(layout, m.sections);
  const params: Record<string, number | Float64Array> = { ...m.values };
  const desc = catalogue.get(m.name)!.description;
  for (const [name, raw] of Object.entries(m.varying)) {
    try {
      const sites = segs ?? segmentsOf(layout, m.sections);
      const spec = desc.params.find((q) => q.name === name)!;
      params[name] = evaluateDensity(raw, spec, layout, sites, () => ({ d: segmentDistances(layout, distances(), sites), max: maxDistance(distances(), m.sections) }));
    } catch (e) {
      if (e instanceof DensityError) c.fail(`${m.path}.params.${name}`, e.message);
      throw e;
    }
  }
  return { nodes, params, reversals: m.reversals };
}

/** The centre nodes of the sections' segments, section by section. */
function centres(layout: CableLayout, list: readonly number[]): number[] {
  const out: number[] = [];
  for (const i of list) {
    const s = layout.sections[i];
    for (let j = 0; j < s.nseg; j++) out.push(s.firstCentre + j);
  }
  return out;
}

/** The segments of `list` whose centre lies at path distance lo..hi (a mechanism's `distance_um`); none is an error. */
function segmentsInRange(c: Checker, path: string, layout: CableLayout, pd: PathDistances, list: number[], [lo, hi]: [number, number], origin: string): SegmentSite[] {
  const all = segmentsOf(layout, list);
  const d = segmentDistances(layout, pd, all);
  const out = all.filter((_, k) => d[k] >= lo && d[k] <= hi);
  if (out.length === 0) {
    const span = all.length > 0 ? `; its segment centres lie ${Number(Math.min(...d).toFixed(3))}–${Number(Math.max(...d).toFixed(3))} um from ${origin}` : '';
    c.fail(path, `no segment centre of the region lies between ${lo} and ${hi} um from ${origin}${span}`);
  }
  return out;
}

/**
 * One use per mechanism name: a node listed by several entries gets the parameters of the last
 * entry that names them (NEURON: `insert` twice is one instance; later assignments win).
 */
function mergeUses(uses: MechanismUse[], catalogue: Catalogue, nNodes: number): MechanismUse[] {
  const byName = new Map<string, { nodes: number[]; slot: Int32Array; params: Map<string, number[]>; globals: Record<string, number> }>();
  for (const u of uses) {
    let e = byName.get(u.name);
    if (!e) {
      e = { nodes: [], slot: new Int32Array(nNodes).fill(-1), params: new Map(), globals: {} };
      byName.set(u.name, e);
    }
    const desc = catalogue.get(u.name)!.description;
    for (let k = 0; k < u.nodes.length; k++) {
      const n = u.nodes[k];
      let s = e.slot[n];
      if (s < 0) {
        s = e.nodes.length;
        e.slot[n] = s;
        e.nodes.push(n);
        for (const spec of desc.params) {
          if (!e.params.has(spec.name)) e.params.set(spec.name, []);
          e.params.get(spec.name)!.push(spec.default);
        }
      }
      for (const [name, v] of Object.entries(u.params ?? {})) e.params.get(name)![s] = typeof v === 'number' ? v : v[k];
    }
    Object.assign(e.globals, u.globals ?? {});
  }
  return [...byName.entries()].map(([name, e]) => ({
    name,
    nodes: e.nodes,
    params: Object.fromEntries([...e.params.entries()].map(([k, v]) => [k, Float64Array.from(v)])),
    globals: e.globals,
  }));
}
