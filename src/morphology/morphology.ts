/**
 * The loaded morphology: NEURON's sections with their 3-D points and derived geometry.
 * `loadSwc` / `parseSwc` are the entry points.
 */
import { readMorphologyText } from './text.ts';
import { UserError } from '../errors.ts';
import { parseSwcText, type SwcRecords } from './swc.ts';
import { buildTree, type TreeOptions } from './tree.ts';
import { import3d, type Import3dSection, type SomaRule } from './import3d.ts';
import { arcLengths, sectionLength, segmentIntegrals } from './geometry.ts';
import { loadAsc } from './asc.ts';

/** A section as Import3d makes it (name, type, parent, parentX, wire, 3-D points), with its geometry. */
export interface Section extends Omit<Import3dSection, 'firstSample' | 'nSamples'> {
  /** Cumulative arc length at each point (µm). */
  arc: Float64Array;
  L_um: number;
  /** Whole membrane area (sum of frustum lateral areas), µm². */
  area_um2: number;
  /** SWC id and line of the first own sample (for messages). */
  firstSampleId: number;
  firstLine: number;
}

export interface Morphology {
  file: string;
  samples: number;
  roots: number;
  somaRule: SomaRule;
  /** Sections in creation order (every parent before its children). */
  sections: Section[];
  warnings: string[];
}

export interface LoadOptions extends TreeOptions {
  /** Multiply coordinates and radii by this (e.g. 0.001 for nm → µm). Default 1. */
  scale?: number;
}

/** Parse SWC text into NEURON's sections. `file` names the source in messages. */
export function parseSwc(text: string, file = '<input>', opts: LoadOptions = {}): Morphology {
  const rec = parseSwcText(text, file);
  return buildMorphology(rec, file, opts);
}

/**
 * Read a morphology file by its extension (case-insensitive): `.asc` as Neurolucida ASC
 * (asc.ts, NEURON's Import3d_Neurolucida3 rules), anything else as SWC.
 */
export function loadMorphology(path: string, opts: LoadOptions = {}): Morphology {
  if (/\.asc$/i.test(path)) return loadAsc(path, opts);
  return loadSwc(path, opts);
}

/** Read and parse an SWC file. */
export function loadSwc(path: string, opts: LoadOptions = {}): Morphology {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  const other: Record<string, string> = { asc: 'Neurolucida ASC', nml: 'NeuroML', xml: 'NeuroML/XML', h5: 'HDF5', hoc: 'hoc' };
  if (ext && other[ext]) {
    const how = ext === 'asc' ? 'load it with loadMorphology' : "Dendrite reads SWC and Neurolucida ASC only for now (convert it to SWC, e.g. with NeuroM's morph-tool)";
    throw new UserError(`${path}: this is a ${other[ext]} file; ${how}`);
  }
  return parseSwc(readMorphologyText(path), path, opts);
}

export function buildMorphology(rec: SwcRecords, file: string, opts: LoadOptions = {}): Morphology {
  const scale = opts.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new UserError(`scale must be a positive number, got ${scale}`);
  const tree = buildTree(rec, file, opts);
  const n = tree.n;
  const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n), d = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const r = tree.record[k];
    if (scale === 1) {
      x[k] = rec.x[r]; y[k] = rec.y[r]; z[k] = rec.z[r]; d[k] = 2 * rec.radius[r];
    } else {
      x[k] = Math.fround(rec.x[r] * scale); y[k] = Math.fround(rec.y[r] * scale);
      z[k] = Math.fround(rec.z[r] * scale); d[k] = 2 * Math.fround(rec.radius[r] * scale);
    }
  }
  const res = import3d({ n, type: tree.type, parent: tree.parent, x, y, z, d });
  const warnings = [...tree.warnings];
  if (res.removed.length > 0) {
    warnings.push(`${res.removed.length} degenerate section${res.removed.length === 1 ? '' : 's'} (one point or zero length) removed and their children reattached, as NEURON does`);
  }
  const sections: Section[] = res.sections.map((s) => {
    const arc = arcLengths(s);
    const seg = segmentIntegrals(s, arc, 1);
    const r = tree.record[s.firstSample];
    return {
      name: s.name, type: s.type, parent: s.parent, parentX: s.parentX, wire: s.wire,
      x: s.x, y: s.y, z: s.z, d: s.d, arc, L_um: sectionLength(arc), area_um2: seg.area_um2[0],
      firstSampleId: rec.id[r], firstLine: rec.line[r],
    };
  });
  for (const s of sections) {
    for (let k = 0; k < s.d.length; k++) {
      if (!Number.isFinite(s.x[k] + s.y[k] + s.z[k] + s.d[k])) {
        throw new UserError(`${file}:${s.firstLine}: section ${s.name} has a coordinate or diameter out of float32 range`);
      }
    }
  }
  return { file, samples: rec.n, roots: tree.roots, somaRule: res.somaRule, sections, warnings };
}

/** NEURON's `allsec()` order: by type ascending (negative, 0, soma, axon, dend, apic, 5...), then index. */
export function neuronOrder(m: Morphology): number[] {
  const idx = m.sections.map((_, i) => i);
  return idx.sort((a, b) => m.sections[a].type - m.sections[b].type || a - b);
}
