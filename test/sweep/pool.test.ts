import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { runPool } from '../../src/sweep/pool.ts';
import type { RunOutcome } from '../../src/sweep/execute.ts';

/** A worker that answers each task with its run number, but dies on run 3 (exit) and run 6 (an uncaught error). */
const CODE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (t) => {
  if (t.run === 3) process.exit(7);
  if (t.run === 6) throw new Error('boom in run 6');
  parentPort.postMessage({ run: t.run, outcome: { status: 'ok', error: null, measures: { x: t.run * 2 }, wall_s: 0 } });
});`;

describe('sweep worker pool', () => {
  it('a crashing worker is replaced, its run reported failed, every other run done once', async () => {
    const results = new Map<number, RunOutcome>();
    let started = 0;
    const runs = Array.from({ length: 10 }, (_, i) => i);
    await runPool(runs, {
      jobs: 2,
      task: (run) => ({ run, protocolJson: null, protocolFile: '', measures: [], keepTraces: [] }),
      done: (run, o) => {
        expect(results.has(run)).toBe(false);
        results.set(run, o);
      },
      start: () => {
        started++;
        return new Worker(CODE, { eval: true });
      },
    });
    expect([...results.keys()].sort((a, b) => a - b)).toEqual(runs);
    expect(results.get(3)).toMatchObject({ status: 'failed', error: expect.stringMatching(/crashed \(exit code 7\); it was replaced/) });
    expect(results.get(6)).toMatchObject({ status: 'failed', error: expect.stringMatching(/crashed \(boom in run 6\)/) });
    for (const r of runs.filter((r) => r !== 3 && r !== 6)) expect(results.get(r)).toMatchObject({ status: 'ok', measures: { x: 2 * r } });
    expect(started).toBe(4); // two, and one replacement per crash
  }, 60_000);
});
