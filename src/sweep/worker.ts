/**
 * A sweep worker thread: receives variant protocols (JSON) from the engine, runs each, and posts
 * the outcome back; or a chunk of runs to batch (./batch-pool.ts), whose outcomes it posts as each
 * batch ends, then the chunk's end. Crashes are the engine's business (it replaces the worker and
 * marks the runs failed); ordinary errors of a run are outcomes with status "failed" or "unstable".
 */
import { parentPort } from 'node:worker_threads';
import { parseProtocol } from '../protocol/protocol.ts';
import { emptyMeasures, executeRun, type RunOutcome } from './execute.ts';
import type { Measure } from './spec.ts';
import { runBatched } from './batch.ts';
import type { BatchChunkReply, BatchChunkTask } from './batch-pool.ts';

export interface WorkerTask {
  run: number;
  protocolJson: unknown;
  protocolFile: string;
  measures: Measure[];
  keepTraces: string[];
}

export interface WorkerReply {
  run: number;
  outcome: RunOutcome;
}

/** What a worker does with one task (also used in-thread). */
export function handleTask(task: WorkerTask): RunOutcome {
  let p;
  try {
    p = parseProtocol(task.protocolJson, task.protocolFile);
  } catch (e) {
    return { status: 'failed', error: (e as Error).message, measures: emptyMeasures(task.measures), wall_s: 0 };
  }
  return executeRun(p, task.measures, task.keepTraces);
}

const tracesOf = (outcome: RunOutcome): ArrayBuffer[] => (outcome.traces ? Object.values(outcome.traces).map((a) => a.buffer as ArrayBuffer) : []);

if (parentPort) {
  const port = parentPort;
  port.on('message', (task: WorkerTask | BatchChunkTask) => {
    if ('kind' in task) {
      const { chunk } = task;
      runBatched(task.spec, task.runs, (run, outcome, how) => port.postMessage({ kind: 'run', chunk, run, outcome, how } satisfies BatchChunkReply, tracesOf(outcome)), task.maxBatch, undefined, { arithmetic: task.arithmetic })
        .then(() => port.postMessage({ kind: 'end', chunk } satisfies BatchChunkReply))
        .catch((e: unknown) => port.postMessage({ kind: 'end', chunk, error: e instanceof Error ? e.message : String(e) } satisfies BatchChunkReply));
      return;
    }
    const outcome = handleTask(task);
    port.postMessage({ run: task.run, outcome } satisfies WorkerReply, tracesOf(outcome));
  });
}
