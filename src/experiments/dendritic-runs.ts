/**
 * Shared by the dendritic-spike experiments (na-spike, nmda-plateau, sequence-selectivity): read a
 * base protocol of the experiment's file set, make variants of it, run them in-process on one
 * loaded morphology, measure the traces (the sweep's feature catalogue) and draw x–y figures.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Morphology } from '../morphology/index.ts';
import { parseProtocol } from '../protocol/protocol.ts';
import { loadProtocolMorphology } from '../protocol/build.ts';
import { runProtocol } from '../protocol/run.ts';
import { computeFeature, type FeatureOptions } from '../sweep/features.ts';
import { shapeSvg, tracesSvg, type ShapeMarker, type TraceSeries } from '../io/svg/index.ts';
import type { BuiltSimulation } from '../protocol/build.ts';
import type { ExperimentContext } from './types.ts';

/** A protocol as plain JSON (what a file holds), edited by the experiments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawProtocol = any;

export interface RunTraces {
  t_ms: Float64Array;
  /** Columns by record label. */
  v: Record<string, Float64Array>;
  /** The built cell: placed synapses and probes (for the shape figure). */
  built: BuiltSimulation;
}

/**
 * The runner of one experiment: the base protocol `file` of ctx.filesDir, with its files named by
 * absolute path (so recorded protocols run from DIR/protocols/), and its morphology loaded once.
 */
export class Runner {
  readonly file: string;
  readonly base: RawProtocol;
  private readonly morphology: Morphology;

  constructor(private readonly ctx: ExperimentContext, file: string) {
    this.file = join(ctx.filesDir, file);
    const raw = JSON.parse(readFileSync(this.file, 'utf8')) as RawProtocol;
    raw.morphology = resolve(dirname(this.file), raw.morphology);
    this.base = raw;
    this.morphology = loadProtocolMorphology(parseProtocol(structuredClone(raw), this.file));
  }

  /** A copy of the base protocol changed by `edit`. */
  variant(edit: (p: RawProtocol) => void): RawProtocol {
    const p = structuredClone(this.base);
    edit(p);
    return p;
  }

  /** Run protocol `p`, recorded under `name` (DIR/protocols/<name>.json). */
  run(name: string, p: RawProtocol): RunTraces {
    this.ctx.protocol(name, p);
    const run = runProtocol(parseProtocol(structuredClone(p), this.file), { morphology: this.morphology });
    const v: Record<string, Float64Array> = {};
    run.built.probes.forEach((q, k) => (v[q.label] = run.result.traces[k]));
    return { t_ms: run.result.t_ms, v, built: run.built };
  }

  /** The cell standing upright, with the synapses of a run (dots by type) and its recording sites. */
  shape(r: RunTraces, title: string, subtitle?: string): string {
    const markers: ShapeMarker[] = [
      ...(r.built.synapses ?? []).map((s): ShapeMarker => ({ label: s.type, section: s.section, x: s.x, kind: 'synapse', group: s.type })),
      ...r.built.probes.filter((q) => q.what === undefined && q.synapse === undefined && q.stimulus === undefined)
        .map((q): ShapeMarker => ({ label: q.label, section: q.section, x: q.x, kind: 'probe' })),
    ];
    return shapeSvg(this.morphology, { title, subtitle, projection: 'auto', markers, width: 760, height: 760 });
  }
}

/** A sweep feature (src/sweep/features.ts) of trace `x` over [from_ms, to_ms]; NaN where undefined. */
export function feature(name: string, t_ms: Float64Array, x: Float64Array, o: FeatureOptions): number {
  const r = computeFeature(name, { t_ms, x, spikes_ms: [] }, o);
  return r === null ? NaN : r;
}

/** Largest value of a trace over [from_ms, to_ms] minus its value at from_ms. */
export function amplitude(t_ms: Float64Array, x: Float64Array, from_ms: number, to_ms: number): number {
  return feature('amplitude', t_ms, x, { from_ms, to_ms });
}

/** Difference of two traces on the same time grid. */
export function minus(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.from(a, (v, i) => v - b[i]);
}

export interface XYSeries {
  label: string;
  y: readonly number[];
  /** Line colour; default the palette colour of the series index. */
  color?: string;
}

/** A figure of y against x (one line per series, same x for all): amplitude vs N, IN/OUT vs interval. */
export function xySvg(x: readonly number[], series: readonly XYSeries[], opts: { title: string; subtitle?: string; xLabel: string; yLabel: string; caption?: string }): string {
  const s: TraceSeries[] = series.map((q) => ({ label: q.label, values: Float64Array.from(q.y, (v) => (Number.isFinite(v) ? v : NaN)), color: q.color }));
  return tracesSvg(Float64Array.from(x), s, { title: opts.title, subtitle: opts.subtitle, xLabel: opts.xLabel, yLabel: opts.yLabel, caption: opts.caption, width: 760, height: 440 });
}

/** Round for results.json (numbers computed from float traces: 4 significant digits are plenty). */
export function r4(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(4)) : v;
}
