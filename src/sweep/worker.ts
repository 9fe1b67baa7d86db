/**
 * A sweep worker thread: receives variant protocols (JSON) from the engine, runs each, and posts
 * the outcome back. Crashes are the engine's business (it replaces the worker and marks the run
 * failed); ordinary errors of a run are outcomes with status "failed" or "unstable".
 */
import { parentPort } from 'node:worker_threads';
import { parseProtocol } from '../protocol/protocol.ts';
import { emptyMeasures, executeRun, type RunOutcome } from './execute.ts';
import type { Measure } from './spec.ts';

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

if (parentPort) {
  const port = parentPort;
  port.on('message', (task: WorkerTask) => {
    const outcome = handleTask(task);
    const transfer = outcome.traces ? Object.values(outcome.traces).map((a) => a.buffer as ArrayBuffer) : [];
    port.postMessage({ run: task.run, outcome } satisfies WorkerReply, transfer);
  });
}
