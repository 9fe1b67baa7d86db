/**
 * Parameter sweeps (docs/sweeps.md): `sweep(file, {out})` runs every variant of a sweep file on
 * worker threads into a resumable folder and returns the results table. The CLI
 * (`dendrite sweep`) is a thin layer over this module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadSweep, type SweepSpec } from './spec.ts';
import { runSweep, sweepStatus, writeResults, type BackendReport, type SweepProgress, type SweepSummary, type SweepStatus } from './engine.ts';
import type { SweepBackend } from './batch.ts';
import { readManifest } from './folder.ts';
import { readLedgers, type Shard } from './ledger.ts';
import { buildTable, type ResultsTable } from './results.ts';

export { loadSweep, type SweepSpec, type SweepParameter, type Measure, type Design, type Distribution } from './spec.ts';
export { type SweepBackend, type RunBackend } from './batch.ts';
export { runSweep, sweepStatus, writeResults, shareOf, checkShard, type BackendReport, type SweepProgress, type SweepSummary, type SweepStatus, type RunSweepOptions } from './engine.ts';
export { runPoint, variantJson, variantProtocol, describeRun, type RunPoint } from './design.ts';
export { FEATURES, computeFeature, type FeatureInfo, type TraceView, type FeatureOptions } from './features.ts';
export { readLedgers, type LedgerRecord, type Shard } from './ledger.ts';
export { readManifest, type SweepManifest } from './folder.ts';
export { buildTable, tableCsv, tableParquet, type ResultsTable, type Cell } from './results.ts';

/** Dendrite's version (package.json two or three folders up: src/sweep or dist/src/sweep). */
function version(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'dendrite' && typeof pkg.version === 'string') return pkg.version;
  }
  return 'unknown';
}

export interface SweepOptions {
  /** The sweep folder (created, or resumed). */
  out: string;
  /** Worker threads (default os.availableParallelism()). */
  jobs?: number;
  /** Run only this share of the runs: run r belongs to shard r mod count (index from 0). */
  shard?: Shard;
  /** Run again the runs recorded as failed. */
  retryFailed?: boolean;
  /** Called after each run. */
  onProgress?: (p: SweepProgress) => void;
  /**
   * `cpu` (default); `batch`: lock-step batches of the runs that share a morphology and
   * discretization (batch.ts); `gpu`: those batches on the GPU backend in float32 (gpu.ts,
   * docs/gpu.md); `auto`: gpu with a real GPU, else cpu. See RunSweepOptions.backend.
   */
  backend?: SweepBackend;
  /** Largest batch (batch: 64, gpu: 1024 by default). */
  maxBatch?: number;
  /** Environment for DENDRITE_GPU_MODE (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** With gpu/auto: called once, before anything is written, with the choice and why. */
  onBackend?: (c: BackendReport) => void;
}

export interface SweepResult extends SweepSummary {
  /** Every recorded run of the folder, in run order (also written as results.parquet / .csv when complete). */
  table: ResultsTable;
}

/** Run (or resume) a sweep file, or a sweep loaded with `loadSweep`; resolves with the results table. */
export async function sweep(file: string | SweepSpec, opts: SweepOptions): Promise<SweepResult> {
  const spec = typeof file === 'string' ? loadSweep(file) : file;
  const summary = await runSweep(spec, { ...opts, version: version() });
  return { ...summary, table: summary.table ?? resultsTable(opts.out) };
}

/** The results table of what the sweep folder `dir` holds, without writing files. */
export function resultsTable(dir: string): ResultsTable {
  const m = readManifest(dir);
  return buildTable(m.parameters.map((p) => p.name), m.measures.map((x) => x.name), readLedgers(dir).records.values());
}

/** `dendrite sweep collect DIR`: write results.parquet and results.csv (and kept traces) from the ledgers. */
export function collect(dir: string): { written: string[]; table: ResultsTable; status: SweepStatus } {
  return writeResults(dir);
}

export { sweepStatus as status, version as dendriteVersion };
