/**
 * Helpers the experiments share: read a base protocol of an experiment's file set with its files
 * made absolute (so the protocols recorded in DIR/protocols/ run from there), run a protocol object
 * in-process, and the geometry of a cell (path distances, section diameters, children) for
 * choosing sites.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve, dirname } from 'node:path';
import { loadMorphology, type Morphology } from '../morphology/index.ts';
import { pathDistances, type PathDistances } from '../cable/distance.ts';
import { parseProtocol } from '../protocol/protocol.ts';
import { runProtocol, type ProtocolRun } from '../protocol/run.ts';

/** A plain protocol object (docs/protocol.md), as written to a file. */
export type RawProtocol = Record<string, unknown> & { morphology: string; stimuli?: unknown[]; record?: unknown[]; run: Record<string, number> };

/** Read `file` (a base protocol of an experiment) and make its morphology path absolute. */
export function readBaseProtocol(file: string): RawProtocol {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawProtocol;
  if (typeof raw.morphology === 'string' && !isAbsolute(raw.morphology)) raw.morphology = resolve(dirname(file), raw.morphology);
  return raw;
}

/** A deep copy with some top-level keys replaced. */
export function withProtocol(base: RawProtocol, changes: Partial<RawProtocol>): RawProtocol {
  return { ...(JSON.parse(JSON.stringify(base)) as RawProtocol), ...JSON.parse(JSON.stringify(changes)) } as RawProtocol;
}

/** Check and run a protocol object; `where` names it in error messages (a file in the experiment's folder). */
export function runRaw(raw: RawProtocol, where: string, morphology?: Morphology): ProtocolRun {
  return runProtocol(parseProtocol(raw, where), morphology ? { morphology } : {});
}

/** The column of `label` in a run's output. */
export function trace(run: ProtocolRun, label: string): Float64Array {
  const k = run.built.probes.findIndex((p) => p.label === label);
  if (k < 0) throw new Error(`no record "${label}" in the run (have ${run.built.probes.map((p) => p.label).join(', ')})`);
  return run.output.traces[k];
}

/** Largest |v − v[0]| of a trace (the peak deflection from the value at t = 0). */
export function peakDeflection(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] - v[0]));
  return m;
}

/** Geometry of a cell for choosing sites. */
export interface CellGeometry {
  morphology: Morphology;
  pd: PathDistances;
  /** Mean diameter of each section's 3-D points (µm). */
  diam_um: Float64Array;
  /** Children of each section. */
  children: number[][];
  /** Index of a section by name. */
  index: Map<string, number>;
}

export function cellGeometry(file: string): CellGeometry {
  const morphology = loadMorphology(file);
  const pd = pathDistances(morphology);
  const n = morphology.sections.length;
  const diam_um = new Float64Array(n);
  const children: number[][] = Array.from({ length: n }, () => []);
  const index = new Map<string, number>();
  morphology.sections.forEach((s, i) => {
    let sum = 0;
    for (let k = 0; k < s.d.length; k++) sum += s.d[k];
    diam_um[i] = s.d.length > 0 ? sum / s.d.length : 0;
    if (s.parent >= 0) children[s.parent].push(i);
    index.set(s.name, i);
  });
  return { morphology, pd, diam_um, children, index };
}

/** `sec(x)` text for a location, x with 6 decimals. */
export function loc(g: CellGeometry, section: number, x: number): string {
  return `${g.morphology.sections[section].name}(${Number(x.toFixed(6))})`;
}

/** join() for the experiment's own files (one place, so every path is absolute). */
export function fileIn(dir: string, name: string): string {
  return join(dir, name);
}
