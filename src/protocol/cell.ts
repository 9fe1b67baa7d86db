/**
 * Stage 1 of building a simulation: protocol → cell description (src/protocol/build.ts runs the
 * three stages; README.md "Architecture").
 *
 * A `CellDescription` is the protocol resolved against the morphology and the catalogue, but not
 * yet against a compartment layout: cm and Ra of every section, the discretization policy, and
 * each density mechanism's placement (the sections it goes into, its `at` point or distance range,
 * its checked parameter values). Mechanism, parameter and global names, units and ranges, section
 * and region names, and the distance origin are checked here, with the protocol's JSON paths.
 *
 * What needs the layout stays as data for stage 3 (src/protocol/cell-bind.ts): which segments a
 * distance range or an `at` point picks, parameters that vary along the cell (expressions of
 * distance, one value per segment), and the stimuli, synapses and recordings, which are kept as the
 * protocol's entries because where they land (picks, populations, `"all"`) is a choice among nodes.
 */
import { statSync } from 'node:fs';
import { loadMorphology, type Morphology } from '../morphology/index.ts';
import type { DiscretizationPolicy, SectionElectrical } from '../cable/discretize.ts';
import { selectSections, parseLocation } from '../cable/regions.ts';
import { builtinCatalogue, type Catalogue } from '../channels/catalogue.ts';
import { catalogueWithMechanismFiles } from '../channels/user/index.ts';
import { ION_DEFAULTS } from '../channels/ions.ts';
import { UserError } from '../errors.ts';
import { replaceAxon } from './axon.ts';
import { compileNsegRule, DensityError, isDensityExpression } from './densities.ts';
import type { Protocol } from './protocol.ts';
import { toMathUnit } from './units.ts';
import { Checker, didYouMean } from './validate.ts';

/** A point on a section, `sec(x)`, as parseLocation gives it. */
export interface CellPoint {
  section: number;
  x: number;
}

/** One `biophysics.mechanisms` entry, checked and resolved to sections. */
export interface MechanismPlacement {
  /** The entry's JSON path, e.g. `$.biophysics.mechanisms[2]`. */
  path: string;
  name: string;
  /** The sections it goes into (morphology order); with `at`, that one section. */
  sections: number[];
  /** Only the segment containing this point. */
  at: CellPoint | null;
  /** Only the segments whose centre lies at this path distance from the distance origin, µm. */
  distance_um: [number, number] | null;
  /** Uniform parameter values in the mechanism's units, range-checked. */
  values: Record<string, number>;
  /** Parameters that vary along the cell (an expression of distance, or one value per segment): evaluated on the layout. */
  varying: Record<string, string | number[]>;
  /** Reversal potentials set through this entry (e.g. hh `ena`), in the order written. */
  reversals: { ion: string; value_mV: number; path: string }[];
  globals: Record<string, number>;
}

export interface CellDescription {
  /** The protocol described (its file names the errors; its stimuli, network, record and run entries are used as written). */
  protocol: Protocol;
  morphology: Morphology;
  catalogue: Catalogue;
  /** cm and Ra of each section (morphology order): the global values, then region overrides in the order written. */
  electrical: SectionElectrical[];
  /** The protocol path that gave each section its Ra (to blame for a section that cannot be discretized). */
  raFrom: string[];
  policy: DiscretizationPolicy;
  /** Origin of path distances (`biophysics.distance_origin`). */
  distanceOrigin: CellPoint;
  /** Density mechanisms in protocol order (merged per name at binding, as NEURON inserts once). */
  mechanisms: MechanismPlacement[];
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

/** Stage 1: the protocol's cell, resolved against the morphology and the catalogue (no layout). */
export function describeCell(
  p: Protocol,
  morphology: Morphology = loadProtocolMorphology(p),
  catalogue: Catalogue = protocolCatalogue(p),
): CellDescription {
  const c = new Checker(p.file);
  const secs = morphology.sections;
  const where = (path: string) => `${p.file}: ${path}`;

  // cm and Ra: global values, then region overrides in the order written
  const electrical: SectionElectrical[] = secs.map(() => ({ cm_uF_per_cm2: p.biophysics.cm_uF_per_cm2, Ra_ohm_cm: p.biophysics.Ra_ohm_cm }));
  const raFrom: string[] = secs.map(() => '$.biophysics.Ra_ohm_cm');
  for (const [region, o] of Object.entries(p.biophysics.regions)) {
    for (const i of selectSections(secs, region, where(`$.biophysics.regions.${region}`))) {
      if (o.cm_uF_per_cm2 !== undefined) electrical[i].cm_uF_per_cm2 = o.cm_uF_per_cm2;
      if (o.Ra_ohm_cm !== undefined) {
        electrical[i].Ra_ohm_cm = o.Ra_ohm_cm;
        raFrom[i] = `$.biophysics.regions.${region}.Ra_ohm_cm`;
      }
    }
  }
  const policy = discretizationPolicy(p, morphology, c);
  // (the origin is checked even when no expression uses it: a typo there is still a typo)
  const distanceOrigin = parseLocation(secs, p.biophysics.distance_origin, where('$.biophysics.distance_origin'));
  const mechanisms = p.biophysics.mechanisms.map((_, k) => describeMechanism(p, k, morphology, catalogue, c));
  return { protocol: p, morphology, catalogue, electrical, raFrom, policy, distanceOrigin, mechanisms };
}

/** The protocol's `discretization` as discretize.ts's policy (an nseg rule evaluated per section). */
function discretizationPolicy(p: Protocol, morphology: Morphology, c: Checker): DiscretizationPolicy {
  const d = p.discretization;
  if (d.kind === 'd_lambda') return { kind: 'd_lambda', dLambda: d.d_lambda, frequency_Hz: d.frequency_Hz };
  if (d.kind === 'max_length') return { kind: 'max_length', maxLength_um: d.max_length_um };
  const secs = morphology.sections;
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
    for (const i of selectSections(secs, region, `${p.file}: $.discretization.sections.${region}`)) perSection.set(i, n);
  }
  return { kind: 'nseg', nseg: typeof d.nseg === 'number' ? d.nseg : 1, perSection };
}

/** One `biophysics.mechanisms[k]` entry: names, units and ranges checked; sections resolved. */
function describeMechanism(p: Protocol, k: number, morphology: Morphology, catalogue: Catalogue, c: Checker): MechanismPlacement {
  const m = p.biophysics.mechanisms[k];
  const path = `$.biophysics.mechanisms[${k}]`;
  const where = (q: string) => `${p.file}: ${q}`;
  const secs = morphology.sections;
  const mech = catalogue.get(m.name);
  if (!mech) {
    c.fail(`${path}.name`, `unknown mechanism "${m.name}"${didYouMean(m.name, catalogue.names())}; available: ${catalogue.names().join(', ')}`);
  }
  const desc = mech.description;
  if (desc.kind !== 'density') {
    c.fail(`${path}.name`, `${m.name} is a point process; place it under "stimuli", not as a density mechanism`);
  }
  const at = m.at === undefined ? null : parseLocation(secs, m.at, where(`${path}.at`));
  const sections = at ? [at.section] : selectSections(secs, m.region, where(`${path}.region`));
  const values: Record<string, number> = {};
  const varying: Record<string, string | number[]> = {};
  const reversals: MechanismPlacement['reversals'] = [];
  const ionNames = desc.ions.filter((u) => u.read.includes(`e${u.ion}`)).map((u) => `e${u.ion}`);
  for (const [name, raw] of Object.entries(m.params)) {
    const spec = desc.params.find((q) => q.name === name);
    if (!spec && !ionNames.includes(name)) {
      const known = [...desc.params.map((q) => q.name), ...ionNames];
      c.fail(`${path}.params.${name}`, `${m.name} has no parameter "${name}"${didYouMean(name, known)}; it has: ${known.join(', ')}`);
    }
    if (spec && typeof raw !== 'number' && (Array.isArray(raw) || isDensityExpression(raw))) {
      varying[name] = raw; // varies along the cell: evaluated on the layout (cell-bind.ts)
      continue;
    }
    const unit = spec ? toMathUnit(spec.unit) : 'mV';
    const value = c.number(`${path}.params.${name}`, raw, { unit: unit === '1' ? undefined : unit });
    if (spec) {
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        c.fail(`${path}.params.${name}`, `${value} ${spec.unit} is outside the allowed range [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]`);
      }
      values[name] = value;
    } else {
      const ion = name.slice(1);
      if (ION_DEFAULTS[ion] === undefined) throw new UserError(`${p.file}: unknown ion "${ion}"`);
      reversals.push({ ion, value_mV: value, path: `${path}.params.${name}` });
    }
  }
  for (const name of Object.keys(m.globals)) {
    if (!desc.globals.some((g) => g.name === name)) {
      const known = desc.globals.map((g) => g.name);
      c.fail(`${path}.globals.${name}`, `${m.name} has no global "${name}"${didYouMean(name, known)}; it has: ${known.join(', ') || 'none'}`);
    }
  }
  return { path, name: m.name, sections, at, distance_um: m.distance_um ?? null, values, varying, reversals, globals: m.globals };
}
