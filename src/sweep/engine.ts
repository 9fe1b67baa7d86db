/**
 * Running a sweep (or one shard of it) into a folder, resumably: the runs of the share that the
 * folder's ledgers do not hold yet are run on worker threads, and each is appended to this
 * process's ledger as it ends. Killing the process at any moment loses at most the runs in
 * progress; the same command continues. A complete unsharded sweep then writes the results.
 */
import { availableParallelism } from 'node:os';
import { UserError } from '../errors.ts';
import { writeOutputFile } from '../io/outdir.ts';
import { describeRun, runPoint, variantJson, variantProtocol } from './design.ts';
import { emptyMeasures, type RunOutcome } from './execute.ts';
import { claimSweepFolder, readManifest } from './folder.ts';
import { LedgerWriter, readLedgers, type LedgerRecord, type Shard } from './ledger.ts';
import { runPool } from './pool.ts';
import { runBatched, type SweepBackend } from './batch.ts';
import { buildTable, tableCsv, tableParquet, type ResultsTable } from './results.ts';
import type { SweepSpec } from './spec.ts';
import { TraceWriter } from './traces.ts';

export interface SweepProgress {
  /** Runs of this share. */
  share: number;
  /** Runs of the share already in the folder when this process started. */
  before: number;
  /** Runs this process finished so far (ok, failed or unstable). */
  ran: number;
  /** Of those, not ok. */
  failed: number;
  /** Runs this process will run in all. */
  todo: number;
  elapsed_s: number;
  /** The record just written. */
  last?: LedgerRecord;
}

export interface RunSweepOptions {
  out: string;
  /** Worker threads (default os.availableParallelism()). */
  jobs?: number;
  /** This process's share (default: the whole sweep, {index: 0, count: 1}). */
  shard?: Shard;
  /** Run again the runs recorded as failed or unstable. */
  retryFailed?: boolean;
  /**
   * `cpu` (default): one run at a time per worker thread. `batch`: runs that share a morphology and
   * discretization go through the batch backend together, in this thread (batch.ts); `jobs` is unused.
   */
  backend?: SweepBackend;
  onProgress?: (p: SweepProgress) => void;
  /** Dendrite's version, for the folder stamp. */
  version: string;
}

export interface SweepSummary {
  dir: string;
  total: number;
  share: number;
  before: number;
  ran: number;
  ok: number;
  failed: number;
  unstable: number;
  /** Every run of the whole sweep is recorded. */
  complete: boolean;
  /** Files written at the end (results), if any. */
  written: string[];
  /** The results table (every recorded run of the folder), when written. */
  table?: ResultsTable;
  wall_s: number;
}

export function checkShard(shard: Shard): void {
  if (!Number.isInteger(shard.count) || shard.count < 1) throw new UserError(`shard count must be an integer >= 1, got ${shard.count}`);
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new UserError(`shard index must be an integer from 0 to ${shard.count - 1} (0-based), got ${shard.index}`);
  }
}

/** The runs of a share: run r belongs to shard r mod count. */
export function shareOf(total: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let r = shard.index; r < total; r += shard.count) out.push(r);
  return out;
}

function recordOf(spec: SweepSpec, run: number, o: RunOutcome): Omit<LedgerRecord, 't' | 'host' | 'pid'> {
  const pt = runPoint(spec, run);
  return {
    run,
    status: o.status,
    error: o.error,
    params: Object.fromEntries(spec.parameters.map((p, k) => [p.name, pt.columns[k]])),
    measures: { ...emptyMeasures(spec.measures), ...o.measures },
    wall_s: o.wall_s,
  };
}

/** Files the sweep reads, which the output folder must not hold. */
function sweepInputs(spec: SweepSpec, share: readonly number[]): { path: string; what: string }[] {
  const inputs = [
    { path: spec.file, what: 'the sweep file' },
    { path: spec.protocolFile, what: 'the base protocol' },
  ];
  const seen = new Set<string>();
  for (const r of share) {
    const p = variantProtocol(spec, r); // checks every variant before anything is written
    for (const f of [p.morphology, ...(p.mechanism_files ?? [])]) {
      if (!seen.has(f)) {
        seen.add(f);
        inputs.push({ path: f, what: f === p.morphology ? 'a morphology of the sweep' : 'a mechanism file of the sweep' });
      }
    }
  }
  return inputs;
}

export async function runSweep(spec: SweepSpec, o: RunSweepOptions): Promise<SweepSummary> {
  const t0 = performance.now();
  const shard = o.shard ?? { index: 0, count: 1 };
  checkShard(shard);
  const jobs = o.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs must be an integer >= 1, got ${jobs}`);
  const share = shareOf(spec.total, shard);
  const inputs = sweepInputs(spec, share);
  claimSweepFolder(o.out, spec, o.version, inputs);

  const state = readLedgers(o.out);
  const isDone = (r: LedgerRecord | undefined) => r !== undefined && (r.status === 'ok' || !o.retryFailed);
  const todo = share.filter((r) => !isDone(state.records.get(r)));
  const before = share.length - todo.length;

  const summary: SweepSummary = { dir: o.out, total: spec.total, share: share.length, before, ran: 0, ok: 0, failed: 0, unstable: 0, complete: false, written: [], wall_s: 0 };
  if (todo.length > 0) {
    const ledger = new LedgerWriter(o.out, shard);
    const traces = spec.keepTraces.length > 0 ? new TraceWriter(o.out, ledger.stem, spec.keepTraces) : null;
    try {
      const done = (run: number, outcome: RunOutcome): void => {
        const rec = recordOf(spec, run, outcome);
        // traces first: a ledger line only ever points at rows already on disk
        const ref = traces && outcome.status === 'ok' && outcome.traces ? traces.append(outcome.traces) : undefined;
        const full = ledger.append(ref === undefined ? rec : { ...rec, trace: ref });
        summary.ran++;
        if (outcome.status === 'ok') summary.ok++;
        else if (outcome.status === 'unstable') summary.unstable++;
        else summary.failed++;
        o.onProgress?.({
          share: share.length, before, ran: summary.ran, failed: summary.failed + summary.unstable, todo: todo.length,
          elapsed_s: (performance.now() - t0) / 1000, last: full,
        });
      };
      if (o.backend === 'batch') {
        runBatched(spec, todo, done);
      } else {
        await runPool(todo, {
          jobs,
          task: (run) => ({ run, protocolJson: variantJson(spec, runPoint(spec, run)), protocolFile: spec.protocolFile, measures: spec.measures, keepTraces: spec.keepTraces }),
          done,
        });
      }
    } finally {
      ledger.close();
      traces?.close();
    }
  }
  const after = readLedgers(o.out);
  summary.complete = after.records.size >= spec.total;
  if (shard.count === 1 && summary.complete) {
    const c = writeResults(o.out);
    summary.written = c.written;
    summary.table = c.table;
  }
  summary.wall_s = (performance.now() - t0) / 1000;
  return summary;
}

export interface SweepStatus {
  total: number;
  done: number;
  failed: number;
  missing: number;
  missing_runs: number[];
}

export function sweepStatus(dir: string): SweepStatus {
  const m = readManifest(dir);
  const { records } = readLedgers(dir);
  let done = 0, failed = 0;
  const missing_runs: number[] = [];
  for (let r = 0; r < m.total; r++) {
    const rec = records.get(r);
    if (!rec) missing_runs.push(r);
    else if (rec.status === 'ok') done++;
    else failed++;
  }
  return { total: m.total, done, failed, missing: missing_runs.length, missing_runs };
}

/** Merge the ledgers of `dir` into results.parquet and results.csv. */
export function writeResults(dir: string): { written: string[]; table: ResultsTable; status: SweepStatus } {
  const m = readManifest(dir);
  const { records } = readLedgers(dir);
  const table = buildTable(m.parameters.map((p) => p.name), m.measures.map((x) => x.name), records.values());
  writeOutputFile(dir, 'results.parquet', tableParquet(table));
  writeOutputFile(dir, 'results.csv', tableCsv(table));
  // sampled as the base protocol writes its traces (a sweep that varies that gets NaN-padded rows)
  if (m.keep_traces.length > 0) TraceWriter.collect(dir, m.keep_traces, records, m.sample_dt_ms);
  const written = ['results.parquet', 'results.csv', ...m.keep_traces.flatMap((p) => [`traces/${p}.npy`, `traces/${p}.npy.json`])];
  return { written, table, status: sweepStatus(dir) };
}

export { describeRun };
