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
import type { Arithmetic } from '../channels/ir/wasm/fast.ts';
import { MAX_BATCH, runBatched, type Compute, type RunBackend, type SweepBackend } from './batch.ts';
import { runBatchPool } from './batch-pool.ts';
import type { SweepBackendChoice } from './gpu.ts';
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
   * discretization go through the batch backend together (batch.ts): with `jobs` 1 in this thread,
   * else in chunks on `jobs` worker threads (batch-pool.ts), the same batches and results.
   * `gpu`: the GPU backend, float32, many variants per batch (gpu.ts); no real GPU (and no
   * DENDRITE_GPU_MODE test mode): a UserError before anything is written. `auto`: `gpu` when a real
   * GPU is there and runs the sweep, else `cpu`; runs the GPU cannot run go to the CPU. Every ledger
   * record says which backend ran it (`backend`, `gpu`, `backend_reason`).
   */
  backend?: SweepBackend;
  /**
   * `batch` with `jobs` 1: runs each batch (and each run alone) of this thread, a synchronous computation that
   * writes nothing (batch.ts). The CLI passes Node's SIGINT watchdog (cli/interrupt.ts), whose
   * InterruptedError stops the sweep with the batch in progress dropped; default: call it.
   */
  compute?: Compute;
  /** Largest batch (batch: default 64; gpu: default 1024). */
  maxBatch?: number;
  /** backend batch: the kernels' arithmetic (default exact: bit for bit the cpu backend; docs/batch.md). */
  arithmetic?: Arithmetic;
  /** Environment for DENDRITE_GPU_MODE (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Called once, before the folder is touched, with what `gpu`/`auto` chose and why. */
  onBackend?: (c: BackendReport) => void;
  onProgress?: (p: SweepProgress) => void;
  /** Notes for the user (e.g. runs of an older ledger whose input files cannot be checked). */
  log?: (message: string) => void;
  /** Dendrite's version, for the folder stamp. */
  version: string;
}

/** What `--backend gpu|auto` chose for a sweep. */
export interface BackendReport {
  requested: 'gpu' | 'auto';
  backend: 'gpu' | 'cpu';
  why: string;
  /** GPU: the gpu.js mode and adapter (or the test mode). */
  ran: string | null;
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
  /** Runs of this process by the backend that ran them (cpu, batch, gpu). */
  backends: Record<string, number>;
  /** With gpu/auto: what was chosen and why. */
  backend?: BackendReport;
  /** With gpu/auto: runs the GPU backend could not run (gpu: recorded failed; auto: ran on the cpu). */
  gpuRefused?: { run: number; reason: string }[];
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

/** A ledger record: the outcome, and (`how`) which backend ran it; runs refused before running have none. */
function recordOf(spec: SweepSpec, run: number, o: RunOutcome, how: RunBackend | undefined): Omit<LedgerRecord, 't' | 'host' | 'pid'> {
  const pt = runPoint(spec, run);
  const rec: Omit<LedgerRecord, 't' | 'host' | 'pid'> = {
    run,
    status: o.status,
    error: o.error,
    params: Object.fromEntries(spec.parameters.map((p, k) => [p.name, pt.columns[k]])),
    measures: { ...emptyMeasures(spec.measures), ...o.measures },
    wall_s: o.wall_s,
    ...(how ?? {}),
  };
  return rec;
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
    const files = [
      { path: p.morphology, what: 'a morphology of the sweep' },
      ...(p.mechanism_files ?? []).map((f) => ({ path: f, what: 'a mechanism file of the sweep' })),
      ...p.stimuli.flatMap((s) => (s.type === 'waveform' ? [{ path: s.file, what: 'a waveform file of the sweep' }] : [])),
      ...(p.weights_file !== undefined ? [{ path: p.weights_file, what: 'a weights file of the sweep' }] : []),
    ];
    for (const f of files) {
      if (!seen.has(f.path)) {
        seen.add(f.path);
        inputs.push(f);
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
  const requested = o.backend ?? 'cpu';
  if (!['cpu', 'batch', 'gpu', 'auto'].includes(requested)) throw new UserError(`backend: expected cpu, batch, gpu or auto, got "${requested}"`);
  if (o.arithmetic !== undefined && o.arithmetic !== 'exact' && o.arithmetic !== 'fast') throw new UserError(`arithmetic: expected exact or fast, got "${String(o.arithmetic)}"`);
  if (o.arithmetic === 'fast' && requested !== 'batch') throw new UserError(`arithmetic fast applies to backend batch only (got backend ${requested})`);
  // gpu/auto: decide (and refuse `gpu` without a GPU) before the folder is touched
  let choice: SweepBackendChoice | null = null;
  if (requested === 'gpu' || requested === 'auto') {
    const { selectSweepBackend } = await import('./gpu.ts');
    choice = await selectSweepBackend(requested, spec, share[0], o.env ?? process.env);
    o.onBackend?.({ requested, backend: choice.backend, why: choice.why, ran: choice.ran });
  }
  try {
    return await runClaimed(spec, o, t0, shard, jobs, share, inputs, requested, choice);
  } finally {
    choice?.executor?.destroy();
  }
}

async function runClaimed(
  spec: SweepSpec, o: RunSweepOptions, t0: number, shard: Shard, jobs: number, share: number[], inputs: { path: string; what: string }[],
  requested: SweepBackend, choice: SweepBackendChoice | null,
): Promise<SweepSummary> {
  claimSweepFolder(o.out, spec, o.version, inputs);

  const state = readLedgers(o.out);
  const isDone = (r: LedgerRecord | undefined) => r !== undefined && (r.status === 'ok' || !o.retryFailed);
  const todo = share.filter((r) => !isDone(state.records.get(r)));
  const before = share.length - todo.length;

  const summary: SweepSummary = {
    dir: o.out, total: spec.total, share: share.length, before, ran: 0, ok: 0, failed: 0, unstable: 0, complete: false, written: [], backends: {}, wall_s: 0,
    ...(choice ? { backend: { requested: choice.requested, backend: choice.backend, why: choice.why, ran: choice.ran } } : {}),
  };
  if (todo.length > 0) {
    const ledger = new LedgerWriter(o.out, shard, { inputs, log: o.log }); // refuses inputs changed since recorded runs (ledger.ts)
    const traces = spec.keepTraces.length > 0 ? new TraceWriter(o.out, ledger.stem, spec.keepTraces) : null;
    try {
      const done = (run: number, outcome: RunOutcome, how?: RunBackend): void => {
        const rec = recordOf(spec, run, outcome, how);
        if (how) summary.backends[how.backend] = (summary.backends[how.backend] ?? 0) + 1;
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
      const onCpu = (runs: readonly number[], why: (run: number) => string | undefined): Promise<void> =>
        runPool(runs, {
          jobs,
          task: (run) => ({ run, protocolJson: variantJson(spec, runPoint(spec, run)), protocolFile: spec.protocolFile, measures: spec.measures, keepTraces: spec.keepTraces }),
          done: (run, outcome) => {
            const reason = why(run);
            done(run, outcome, { backend: 'cpu', ...(reason !== undefined ? { backend_reason: reason } : {}) });
          },
        });
      if (requested === 'batch') {
        const arithmetic = o.arithmetic ?? 'exact';
        // one worker: batches in this thread (Ctrl-C through `compute`); more: chunks on worker threads
        if (jobs === 1) await runBatched(spec, todo, done, o.maxBatch, o.compute, { arithmetic });
        else await runBatchPool(spec, todo, { jobs, maxBatch: o.maxBatch ?? MAX_BATCH, arithmetic, done });
      } else if (choice !== null && choice.backend === 'gpu') {
        const { runOnGpu } = await import('./gpu.ts');
        const stats = await runOnGpu(spec, todo, choice.executor!, done, { refuse: requested === 'gpu', maxBatch: o.maxBatch });
        summary.gpuRefused = stats.refused;
        if (requested === 'auto' && stats.refused.length > 0) {
          const reasons = new Map(stats.refused.map((r) => [r.run, `the gpu backend cannot run this variant: ${r.reason}`]));
          await onCpu(stats.refused.map((r) => r.run), (run) => reasons.get(run));
        }
      } else {
        await onCpu(todo, () => (choice !== null ? `auto: ${choice.why}` : undefined));
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
  /** Recorded runs by the backend that ran them (cpu, batch, gpu; `none`: refused before running, e.g. a run the gpu backend cannot run). */
  backends: Record<string, number>;
  /** What ran the GPU runs: each distinct gpu.js mode and adapter (or test mode). */
  gpu: string[];
}

export function sweepStatus(dir: string): SweepStatus {
  const m = readManifest(dir);
  const { records } = readLedgers(dir);
  let done = 0, failed = 0;
  const missing_runs: number[] = [];
  const backends: Record<string, number> = {};
  const gpu = new Set<string>();
  for (let r = 0; r < m.total; r++) {
    const rec = records.get(r);
    if (!rec) {
      missing_runs.push(r);
      continue;
    }
    if (rec.status === 'ok') done++;
    else failed++;
    const b = rec.backend ?? 'none';
    backends[b] = (backends[b] ?? 0) + 1;
    if (rec.gpu !== undefined) gpu.add(rec.gpu);
  }
  return { total: m.total, done, failed, missing: missing_runs.length, missing_runs, backends, gpu: [...gpu] };
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
