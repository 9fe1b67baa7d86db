/**
 * Protocol → a runnable simulation: load the morphology, apply cm/Ra by region, discretize, place
 * mechanisms, stimuli and probes on NEURON's nodes. Names are checked here against the cell and
 * the catalogue; errors carry the protocol's JSON paths.
 */
import { loadMorphology, type Morphology } from '../morphology/index.ts';
import { discretize, DiscretizeError, type DiscretizationPolicy, type SectionElectrical } from '../cable/discretize.ts';
import type { CableLayout } from '../cable/layout.ts';
import { selectSections, parseLocation } from '../cable/regions.ts';
import { pathDistances, type PathDistances } from '../cable/distance.ts';
import { replaceAxon } from './axon.ts';
import { compileNsegRule, DensityError, evaluateDensity, isDensityExpression, maxDistance, segmentDistances, segmentsOf, type SegmentSite } from './densities.ts';
import { resolveIons } from './ions.ts';
import { resolveRecords, type ResolvedProbe } from './record.ts';
import { builtinCatalogue, type Catalogue } from '../channels/catalogue.ts';
import { catalogueWithMechanismFiles } from '../channels/user/index.ts';
import type { MechanismUse, SimulationRequest } from '../solvers/model.ts';
import type { Protocol } from './protocol.ts';
import { Checker, didYouMean } from './validate.ts';
import { statSync } from 'node:fs';
import { toMathUnit } from './units.ts';
import { UserError } from '../errors.ts';
import { ION_DEFAULTS } from '../channels/ions.ts';
import { placeStimuli, type PlacedStimulus } from './stimuli.ts';
import { buildNetwork, type PlacedSynapse, type PlasticSite } from './synapses.ts';
import { readWeightsFile } from './weights.ts';

export type { ResolvedProbe } from './record.ts';

export interface BuiltSimulation {
  morphology: Morphology;
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

/** The built-in mechanisms plus those of the protocol's `mechanism_files` (loaded and compiled here). */
export function protocolCatalogue(p: Protocol): Catalogue {
  const files = p.mechanism_files ?? [];
  if (files.length === 0) return builtinCatalogue();
  return catalogueWithMechanismFiles(files.map((path, i) => ({ path, where: `${p.file}: $.mechanism_files[${i}]` })));
}

/** Read the protocol's morphology with its options. */
export function loadProtocolMorphology(p: Protocol): Morphology {
  const name = JSON.stringify(p.morphology.length > 300 ? `${p.morphology.slice(0, 300)}...` : p.morphology);
  let isFile = false;
  try {
    isFile = statSync(p.morphology).isFile();
  } catch (e) {
    new Checker(p.file).fail('$.morphology', `cannot read the morphology file ${name} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!isFile) new Checker(p.file).fail('$.morphology', `${name} is not a file`);
  const m = loadMorphology(p.morphology, {
    scale: p.morphologyOptions.scale,
    keepTypes: p.morphologyOptions.keep_types,
    dropTypes: p.morphologyOptions.drop_types,
  });
  const ra = p.morphologyOptions.replace_axon;
  return ra ? replaceAxon(m, ra, `${p.file}: $.morphology.replace_axon`) : m;
}

export function buildSimulation(
  p: Protocol,
  morphology: Morphology = loadProtocolMorphology(p),
  catalogue: Catalogue = protocolCatalogue(p),
): BuiltSimulation {
  const c = new Checker(p.file);
  const secs = morphology.sections;
  const where = (path: string) => `${p.file}: ${path}`;

  // cm and Ra: global values, then region overrides in the order written
  const elec: SectionElectrical[] = secs.map(() => ({ cm_uF_per_cm2: p.biophysics.cm_uF_per_cm2, Ra_ohm_cm: p.biophysics.Ra_ohm_cm }));
  const raFrom: string[] = secs.map(() => '$.biophysics.Ra_ohm_cm'); // which setting gave each section its Ra
  for (const [region, o] of Object.entries(p.biophysics.regions)) {
    for (const i of selectSections(secs, region, where(`$.biophysics.regions.${region}`))) {
      if (o.cm_uF_per_cm2 !== undefined) elec[i].cm_uF_per_cm2 = o.cm_uF_per_cm2;
      if (o.Ra_ohm_cm !== undefined) {
        elec[i].Ra_ohm_cm = o.Ra_ohm_cm;
        raFrom[i] = `$.biophysics.regions.${region}.Ra_ohm_cm`;
      }
    }
  }

  let policy: DiscretizationPolicy;
  const d = p.discretization;
  if (d.kind === 'd_lambda') policy = { kind: 'd_lambda', dLambda: d.d_lambda, frequency_Hz: d.frequency_Hz };
  else if (d.kind === 'max_length') policy = { kind: 'max_length', maxLength_um: d.max_length_um };
  else {
    const perSection = new Map<number, number>();
    if (typeof d.nseg === 'string') {
      // an nseg rule, e.g. Hay's "1 + 2*floor(L_um/40)" (densities.ts)
      try {
        const rule = compileNsegRule(d.nseg);
        secs.forEach((s, i) => perSection.set(i, rule(s.L_um, s.name)));
      } catch (e) {
        if (e instanceof DensityError) c.fail('$.discretization.nseg', e.message);
        throw e;
      }
    }
    for (const [region, n] of Object.entries(d.sections)) {
      for (const i of selectSections(secs, region, where(`$.discretization.sections.${region}`))) perSection.set(i, n);
    }
    policy = { kind: 'nseg', nseg: typeof d.nseg === 'number' ? d.nseg : 1, perSection };
  }
  let discretized: ReturnType<typeof discretize>;
  try {
    discretized = discretize(morphology, policy, elec);
  } catch (e) {
    if (e instanceof DiscretizeError) c.fail(discretizeErrorPath(p, secs[e.section], raFrom[e.section], e), e.message);
    throw e;
  }
  const { layout, nseg } = discretized;

  // Mechanisms on the centre nodes of the selected sections
  const centres = (list: number[]) => {
    const out: number[] = [];
    for (const i of list) {
      const s = layout.sections[i];
      for (let j = 0; j < s.nseg; j++) out.push(s.firstCentre + j);
    }
    return out;
  };
  const ionE = new Map<string, Float64Array>();
  const ionSetBy = new Map<string, (string | undefined)[]>();
  // Path distances for density expressions, from biophysics.distance_origin (computed when first needed)
  // (the origin itself is checked even when no expression uses it: a typo there is still a typo)
  const origin = parseLocation(secs, p.biophysics.distance_origin, where('$.biophysics.distance_origin'));
  let pd: PathDistances | null = null;
  const distances = (): PathDistances => (pd ??= pathDistances(morphology, origin));
  const mechanisms: MechanismUse[] = [];
  p.biophysics.mechanisms.forEach((m, k) => {
    const path = `$.biophysics.mechanisms[${k}]`;
    const mech = catalogue.get(m.name);
    if (!mech) {
      return c.fail(`${path}.name`, `unknown mechanism "${m.name}"${didYouMean(m.name, catalogue.names())}; available: ${catalogue.names().join(', ')}`);
    }
    const desc = mech.description;
    if (desc.kind !== 'density') {
      c.fail(`${path}.name`, `${m.name} is a point process; place it under "stimuli", not as a density mechanism`);
    }
    const at = m.at === undefined ? null : parseLocation(secs, m.at, where(`${path}.at`));
    const list = at ? [at.section] : selectSections(secs, m.region, where(`${path}.region`));
    // the segments it goes into: all of the region's, the one containing `at`, or those whose centre is in `distance_um`
    const segs = at ? [{ section: at.section, segment: Math.min(Math.floor(layout.sections[at.section].nseg * at.x), layout.sections[at.section].nseg - 1) }]
      : m.distance_um ? segmentsInRange(c, `${path}.distance_um`, layout, distances(), list, m.distance_um, p.biophysics.distance_origin) : null;
    const nodes = segs ? segs.map((q) => layout.sections[q.section].firstCentre + q.segment) : centres(list);
    const params: Record<string, number | Float64Array> = {};
    const ionNames = desc.ions.filter((u) => u.read.includes(`e${u.ion}`)).map((u) => `e${u.ion}`);
    for (const [name, raw] of Object.entries(m.params)) {
      const spec = desc.params.find((q) => q.name === name);
      if (!spec && !ionNames.includes(name)) {
        const known = [...desc.params.map((q) => q.name), ...ionNames];
        c.fail(`${path}.params.${name}`, `${m.name} has no parameter "${name}"${didYouMean(name, known)}; it has: ${known.join(', ')}`);
      }
      if (spec && typeof raw !== 'number' && (Array.isArray(raw) || isDensityExpression(raw))) {
        // varies along the cell: an expression of distance_um / max_distance_um, or one value per segment
        try {
          const sites = segs ?? segmentsOf(layout, list);
          params[name] = evaluateDensity(raw, spec, layout, sites, () => ({ d: segmentDistances(layout, distances(), sites), max: maxDistance(distances(), list) }));
        } catch (e) {
          if (e instanceof DensityError) c.fail(`${path}.params.${name}`, e.message);
          throw e;
        }
        continue;
      }
      const unit = spec ? toMathUnit(spec.unit) : 'mV';
      const value = c.number(`${path}.params.${name}`, raw, { unit: unit === '1' ? undefined : unit });
      if (spec) {
        if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
          c.fail(`${path}.params.${name}`, `${value} ${spec.unit} is outside the allowed range [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]`);
        }
        params[name] = value;
      } else {
        const ion = name.slice(1);
        let e = ionE.get(ion);
        if (!e) {
          e = new Float64Array(layout.nNodes).fill(NaN);
          ionE.set(ion, e);
          ionSetBy.set(ion, new Array(layout.nNodes));
        }
        const by = ionSetBy.get(ion)!;
        for (const n of nodes) {
          e[n] = value;
          by[n] = `${path}.params.${name}`;
        }
      }
    }
    for (const name of Object.keys(m.globals)) {
      if (!desc.globals.some((g) => g.name === name)) {
        const known = desc.globals.map((g) => g.name);
        c.fail(`${path}.globals.${name}`, `${m.name} has no global "${name}"${didYouMean(name, known)}; it has: ${known.join(', ') || 'none'}`);
      }
    }
    if (nodes.length > 0) mechanisms.push({ name: m.name, nodes, params, globals: m.globals });
  });
  // Merge duplicate uses of one mechanism on overlapping nodes: NEURON inserts once, later params win.
  const merged = mergeUses(mechanisms, catalogue, layout.nNodes);

  // Ions (src/protocol/ions.ts): biophysics.ions, then region overrides, then reversal potentials
  // set through mechanism params (e.g. hh "ena"); other nodes keep the defaults.
  for (const ion of ionE.keys()) if (ION_DEFAULTS[ion] === undefined) throw new UserError(`${p.file}: unknown ion "${ion}"`);
  const ions = resolveIons({
    c, sections: secs, layout, where, global: p.biophysics.ions,
    regions: Object.entries(p.biophysics.regions).map(([name, o]) => [name, o.ions]),
    fromMechanisms: new Map([...ionE].map(([ion, e]) => [ion, { e, setBy: ionSetBy.get(ion)! }])),
    uses: merged, catalogue,
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

/** The protocol setting to blame for a section that cannot be discretized (discretize.ts). */
function discretizeErrorPath(p: Protocol, sec: Morphology['sections'][number], raPath: string, e: DiscretizeError): string {
  const ra = p.morphologyOptions.replace_axon;
  if (ra && sec.firstSampleId < 0 && sec.type === 2) {
    // an axon stub of morphology.replace_axon: its size is what is out of range
    return `$.morphology.replace_axon.${ra.diam_um <= ra.length_um ? 'diam_um' : 'length_um'}`;
  }
  if (e.kind === 'Ra') return raPath;
  if (e.kind === 'nseg') {
    const d = p.discretization;
    return d.kind === 'd_lambda' ? '$.discretization.d_lambda' : d.kind === 'max_length' ? '$.discretization.max_length_um' : '$.discretization.nseg';
  }
  return '$.morphology';
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
