/**
 * `dendrite sweep --backend batch` on several cores: the runs are cut, in order, into chunks of at
 * most `maxBatch` (fewer when that leaves a worker idle: ⌈runs / jobs⌉), and each chunk goes to a
 * worker thread of the pool, which groups it and runs its batches as the one-thread backend does
 * (./batch.ts `runBatched`: the same batches for the same chunk, the same results bit for bit).
 * Each run's outcome comes back as soon as its batch ends and is recorded by the main thread, which
 * stays free: a signal is handled at once, and the batches still computing are dropped.
 *
 * A worker that dies (out of memory, a crash) is replaced; the runs of its chunk not yet reported
 * are recorded failed with the reason, as the cpu backend's pool does for its run.
 */
import type { Worker } from 'node:worker_threads';
import type { Arithmetic } from '../channels/ir/wasm/fast.ts';
import type { RunBackend } from './batch.ts';
import type { RunOutcome } from './execute.ts';
import { startWorker } from './pool.ts';
import type { SweepSpec } from './spec.ts';

/** A chunk of runs for a worker to batch. */
export interface BatchChunkTask {
  kind: 'batch';
  chunk: number;
  spec: SweepSpec;
  runs: number[];
  maxBatch: number;
  arithmetic: Arithmetic;
}

/** A worker's reply: one run's outcome, or the end of its chunk (or the error that ended it). */
export type BatchChunkReply =
  | { kind: 'run'; chunk: number; run: number; outcome: RunOutcome; how?: RunBackend }
  | { kind: 'end'; chunk: number; error?: string };

/** The runs cut into chunks, in order: at most `maxBatch` each, and no more than needed to keep `jobs` workers busy. */
export function batchChunks(runs: readonly number[], jobs: number, maxBatch: number): number[][] {
  const size = Math.max(1, Math.min(maxBatch, Math.ceil(runs.length / Math.max(1, jobs))));
  const out: number[][] = [];
  for (let k = 0; k < runs.length; k += size) out.push(runs.slice(k, k + size));
  return out;
}

export interface BatchPoolOptions {
  jobs: number;
  maxBatch: number;
  arithmetic: Arithmetic;
  /** Called in the main thread as each run ends. */
  done: (run: number, outcome: RunOutcome, how?: RunBackend) => void;
  /** Start a worker (default: src/sweep/worker); tests pass their own. */
  start?: () => Worker;
}

/** Run `runs` of `spec` in batches on up to `jobs` workers; resolves when every chunk has ended. */
export function runBatchPool(spec: SweepSpec, runs: readonly number[], o: BatchPoolOptions): Promise<void> {
  const chunks = batchChunks(runs, o.jobs, o.maxBatch);
  const jobs = Math.max(1, Math.min(o.jobs, chunks.length));
  if (chunks.length === 0) return Promise.resolve();
  let nextChunk = 0;
  return new Promise((resolvePool, rejectPool) => {
    let live = 0;
    let failedCallback: unknown = null;
    const safeDone = (run: number, outcome: RunOutcome, how?: RunBackend) => {
      try {
        o.done(run, outcome, how);
      } catch (e) {
        // e.g. the ledger cannot be written: hand out no more chunks, report once all have ended
        if (failedCallback === null) failedCallback = e;
      }
    };
    const launch = () => {
      const w = (o.start ?? startWorker)();
      live++;
      let current: { chunk: number; pending: Set<number> } | null = null;
      let crash: Error | null = null;
      const next = () => {
        if (failedCallback !== null || nextChunk >= chunks.length) {
          current = null;
          void w.terminate();
          return;
        }
        const chunk = nextChunk++;
        current = { chunk, pending: new Set(chunks[chunk]) };
        w.postMessage({ kind: 'batch', chunk, spec, runs: chunks[chunk], maxBatch: o.maxBatch, arithmetic: o.arithmetic } satisfies BatchChunkTask);
      };
      const failRest = (why: string) => {
        if (current === null) return;
        for (const run of current.pending) safeDone(run, { status: 'failed', error: why, measures: {}, wall_s: 0 }, { backend: 'batch' });
        current = null;
      };
      w.on('message', (m: BatchChunkReply) => {
        if (current === null || m.chunk !== current.chunk) return;
        if (m.kind === 'run') {
          if (!current.pending.delete(m.run)) return;
          safeDone(m.run, m.outcome, m.how);
          return;
        }
        failRest(`the batch worker stopped before this run: ${m.error ?? 'no outcome came back'}`);
        next();
      });
      w.on('error', (e) => {
        crash = e;
      });
      w.on('exit', (code) => {
        live--;
        if (current !== null) {
          const why = crash ? crash.message : `exit code ${code}`;
          failRest(`the worker running this run's batch crashed (${why}); it was replaced`);
          if (failedCallback === null && nextChunk < chunks.length) launch();
        }
        if (live === 0) {
          if (failedCallback !== null) rejectPool(failedCallback);
          else resolvePool();
        }
      });
      next();
    };
    for (let k = 0; k < jobs; k++) launch();
  });
}
