/**
 * A pool of worker threads running sweep tasks. A worker that dies (uncaught error, out of memory,
 * process.exit inside a run) is replaced; the run it held is reported as failed with the reason.
 *
 * The worker is worker.js in the compiled package; under tsx or vitest the sources are .ts, and a
 * worker is started from a two-line bootstrap that registers tsx's loader first (Node 20 does not
 * apply `--import` hooks given in a worker's execArgv before its entry module loads).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunOutcome } from './execute.ts';
import type { WorkerReply, WorkerTask } from './worker.ts';

/** A sweep worker thread (./worker.ts): runs (the cpu backend) and chunks of runs to batch (./batch-pool.ts). */
export function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./worker.js', self));
  const req = createRequire(self);
  const api = pathToFileURL(join(dirname(req.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./worker.ts', self).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, execArgv: [] });
}

export interface PoolOptions {
  jobs: number;
  /** The task for a run (built when the run is handed out). */
  task: (run: number) => WorkerTask;
  /** Called in the main thread as each run ends, in completion order. */
  done: (run: number, outcome: RunOutcome) => void;
  /** Stop handing out runs when this returns true (checked before each). */
  stop?: () => boolean;
  /** Start a worker (default: src/sweep/worker); tests pass their own. */
  start?: () => Worker;
}

/** Run `runs` on up to `jobs` workers; resolves when all have ended (or `stop` said so and the busy ones ended). */
export function runPool(runs: readonly number[], o: PoolOptions): Promise<void> {
  const queue = [...runs];
  const jobs = Math.max(1, Math.min(o.jobs, queue.length));
  if (queue.length === 0) return Promise.resolve();
  return new Promise((resolvePool, rejectPool) => {
    let live = 0;
    let failedCallback: unknown = null;
    const finishIfIdle = () => {
      if (live === 0) {
        if (failedCallback !== null) rejectPool(failedCallback);
        else resolvePool();
      }
    };
    const safeDone = (run: number, outcome: RunOutcome) => {
      try {
        o.done(run, outcome);
      } catch (e) {
        // e.g. the ledger cannot be written: stop handing out runs, report once all have ended
        if (failedCallback === null) failedCallback = e;
      }
    };
    const launch = () => {
      const w = (o.start ?? startWorker)();
      live++;
      let current: number | null = null;
      let crash: Error | null = null;
      const next = () => {
        if (failedCallback !== null || queue.length === 0 || (o.stop && o.stop())) {
          current = null;
          void w.terminate();
          return;
        }
        current = queue.shift()!;
        w.postMessage(o.task(current));
      };
      w.on('message', (m: WorkerReply) => {
        if (m.run !== current) return;
        current = null;
        safeDone(m.run, m.outcome);
        next();
      });
      w.on('error', (e) => {
        crash = e;
      });
      w.on('exit', (code) => {
        live--;
        if (current !== null) {
          const why = crash ? crash.message : `exit code ${code}`;
          safeDone(current, { status: 'failed', error: `the worker running this run crashed (${why}); it was replaced`, measures: {}, wall_s: 0 });
          current = null;
          if (failedCallback === null && queue.length > 0 && !(o.stop && o.stop())) launch();
        }
        finishIfIdle();
      });
      next();
    };
    for (let k = 0; k < jobs; k++) launch();
  });
}
