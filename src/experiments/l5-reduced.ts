/**
 * The reduced L5 pyramidal cell of the `bac` and `bap` experiments: fixtures/morphologies/l5_reduced.swc
 * (Bahl et al. 2012 dimensions) with Hay et al. 2011's channel set, as written in each experiment's
 * base protocol (fixtures/experiments/{bac,bap}/*.json). Helpers to read a base protocol with its
 * morphology path made absolute (so the protocols written to DIR/protocols/ run from there), run a
 * variant of it, and measure its traces.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseProtocol } from '../protocol/protocol.ts';
import { runProtocol, type ProtocolRun } from '../protocol/run.ts';

/** A protocol as plain JSON (docs/protocol.md). */
export interface CellProtocol {
  morphology: string;
  stimuli: Record<string, unknown>[];
  record: Record<string, unknown>[];
  run: { tstop_ms: number; dt_ms: number; [k: string]: unknown };
  [k: string]: unknown;
}

/** Read a base protocol; its morphology path becomes absolute. */
export function readCellProtocol(file: string): CellProtocol {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as CellProtocol;
  if (!isAbsolute(raw.morphology)) raw.morphology = resolve(dirname(file), raw.morphology);
  return raw;
}

/** A deep copy of `base` with some top-level keys replaced. */
export function variant(base: CellProtocol, changes: Partial<CellProtocol>): CellProtocol {
  return { ...(structuredClone(base) as CellProtocol), ...structuredClone(changes) };
}

/** Check and run a protocol object; `where` (a file in the experiment's folder) names it in errors. */
export function runCell(raw: CellProtocol, where: string): ProtocolRun {
  return runProtocol(parseProtocol(raw, where));
}

/** The column recorded under `label`. */
export function column(run: ProtocolRun, label: string): Float64Array {
  const k = run.built.probes.findIndex((p) => p.label === label);
  if (k < 0) throw new Error(`no record "${label}" (have ${run.built.probes.map((p) => p.label).join(', ')})`);
  return run.output.traces[k];
}

/** Somatic spike times (the run's own detector: upward crossings of −20 mV that are APs) of record `label`. */
export function spikesOf(run: ProtocolRun, label: string): number[] {
  const k = run.built.probes.findIndex((p) => p.label === label);
  if (k < 0) throw new Error(`no record "${label}"`);
  return run.probes[k].spikes_ms;
}

/** v at the last sample before t_ms. */
export function valueAt(t: Float64Array, v: Float64Array, t_ms: number): number {
  let i = 0;
  while (i + 1 < t.length && t[i + 1] < t_ms) i++;
  return v[i];
}

/** Largest v at or after t_ms. */
export function maxAfter(t: Float64Array, v: Float64Array, t_ms: number): number {
  let m = -Infinity;
  for (let i = 0; i < t.length; i++) if (t[i] >= t_ms && v[i] > m) m = v[i];
  return m;
}

/**
 * Total time (ms) v spends above `threshold_mV` after t_ms (linear interpolation of the crossings):
 * Hay et al. 2011's Ca spike width is this at −55 mV on the hot-zone trace.
 */
export function timeAbove(t: Float64Array, v: Float64Array, threshold_mV: number, t_ms: number): number {
  let total = 0;
  for (let i = 1; i < t.length; i++) {
    if (t[i] < t_ms) continue;
    const a = v[i - 1] - threshold_mV, b = v[i] - threshold_mV, dt = t[i] - t[i - 1];
    if (a >= 0 && b >= 0) total += dt;
    else if (a >= 0 || b >= 0) total += dt * (a >= 0 ? a / (a - b) : b / (b - a));
  }
  return total;
}
