/**
 * One run of a sweep: simulate a checked variant protocol and take the measures. Used by the worker
 * threads (worker.ts) and, for a single job, in the calling thread.
 */
import { runProtocol, type ProtocolRunOptions } from '../protocol/run.ts';
import type { Protocol } from '../protocol/protocol.ts';
import { InstabilityError } from '../solvers/errors.ts';
import { computeFeature, type TraceView } from './features.ts';
import type { Measure } from './spec.ts';

export type RunStatus = 'ok' | 'failed' | 'unstable';

export interface RunOutcome {
  status: RunStatus;
  error: string | null;
  /** Measure name → value (null where undefined or failed). */
  measures: Record<string, number | null>;
  /** Kept traces (probe label → samples as written, at record_dt_ms), for ok runs. */
  traces?: Record<string, Float64Array>;
  wall_s: number;
}

export function emptyMeasures(measures: readonly Measure[]): Record<string, number | null> {
  return Object.fromEntries(measures.map((m) => [m.name, null]));
}

/** `opts`: how to run the protocol (src/sweep/batch.ts hands in a result the batch backend computed). */
export function executeRun(p: Protocol, measures: readonly Measure[], keepTraces: readonly string[], opts: ProtocolRunOptions = {}): RunOutcome {
  const t0 = performance.now();
  try {
    const run = runProtocol(p, opts);
    const view = (label: string): TraceView => {
      const k = run.probes.findIndex((q) => q.label === label);
      return { t_ms: run.result.t_ms, x: run.result.traces[k], spikes_ms: run.probes[k].spikes_ms };
    };
    const out: Record<string, number | null> = {};
    for (const m of measures) {
      const o = { from_ms: m.window_ms[0], to_ms: m.window_ms[1], threshold: m.threshold, at_ms: m.at_ms, before_ms: m.before_ms, span_ms: m.span_ms };
      let v = computeFeature(m.feature, view(m.probe), o);
      if (m.relative_to !== undefined) {
        const r = computeFeature(m.feature, view(m.relative_to), o);
        v = v === null || r === null || r === 0 ? null : v / r;
      }
      out[m.name] = v === null || !Number.isFinite(v) ? null : v;
    }
    const traces: Record<string, Float64Array> = {};
    for (const label of keepTraces) traces[label] = run.output.traces[run.probes.findIndex((q) => q.label === label)].slice();
    return { status: 'ok', error: null, measures: out, ...(keepTraces.length > 0 ? { traces } : {}), wall_s: (performance.now() - t0) / 1000 };
  } catch (e) {
    const status: RunStatus = e instanceof InstabilityError ? 'unstable' : 'failed';
    const error = e instanceof Error ? e.message : String(e);
    return { status, error, measures: emptyMeasures(measures), wall_s: (performance.now() - t0) / 1000 };
  }
}
