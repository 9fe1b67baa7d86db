/**
 * The batch backend on worker threads (src/sweep/batch-pool.ts): how the runs are cut into
 * chunks; a crashing worker is replaced and only the runs of its chunk not yet reported are
 * recorded failed; a real sweep on two workers gives the one-thread batch's results bit for bit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { batchChunks, runBatchPool } from '../../src/sweep/batch-pool.ts';
import type { RunOutcome } from '../../src/sweep/execute.ts';
import { loadSweep, sweep } from '../../src/sweep/index.ts';
import { readLedgers } from '../../src/sweep/ledger.ts';
import { csvWithoutTiming, smallSweep, tempDir } from './helpers.ts';

describe('batchChunks', () => {
  it('cuts the runs in order: at most maxBatch, and enough chunks for every worker', () => {
    const runs = Array.from({ length: 10 }, (_, i) => i);
    expect(batchChunks(runs, 2, 64)).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
    expect(batchChunks(runs, 3, 64)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(batchChunks(runs, 1, 4)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(batchChunks(runs, 16, 64)).toEqual(runs.map((r) => [r]));
    expect(batchChunks([], 2, 64)).toEqual([]);
  });
});

/**
 * A fake batch worker: answers each run of a chunk with its number doubled, except that it exits
 * after the first run of the chunk holding run 3, and throws on the chunk holding run 8.
 */
const CODE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (t) => {
  for (const run of t.runs) {
    if (run === 8) throw new Error('boom in the chunk of run 8');
    parentPort.postMessage({ kind: 'run', chunk: t.chunk, run, outcome: { status: 'ok', error: null, measures: { x: 2 * run }, wall_s: 0 }, how: { backend: 'batch' } });
    if (t.runs.includes(3) && run === t.runs[0]) process.exit(7);
  }
  parentPort.postMessage({ kind: 'end', chunk: t.chunk });
});`;

describe('runBatchPool', () => {
  it('a crashing worker is replaced; the unreported runs of its chunk are failed, every run reported once', async () => {
    const spec = loadSweep(smallSweep(tempDir('batch-pool-'), { tstop_ms: 5 }));
    const results = new Map<number, RunOutcome>();
    let started = 0;
    const runs = Array.from({ length: 10 }, (_, i) => i);
    await runBatchPool(spec, runs, {
      jobs: 1, // one worker at a time, so the order of events is fixed
      maxBatch: 3, // chunks [0 1 2] [3 4 5] [6 7 8] [9]
      arithmetic: 'exact',
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
    // chunk [3 4 5]: run 3 came back, then the worker exited
    expect(results.get(3)).toMatchObject({ status: 'ok', measures: { x: 6 } });
    for (const r of [4, 5]) expect(results.get(r)).toMatchObject({ status: 'failed', error: expect.stringMatching(/batch crashed \(exit code 7\); it was replaced/) });
    // chunk [6 7 8]: 6 and 7 came back, then an uncaught error
    for (const r of [6, 7]) expect(results.get(r)).toMatchObject({ status: 'ok' });
    expect(results.get(8)).toMatchObject({ status: 'failed', error: expect.stringMatching(/boom in the chunk of run 8/) });
    for (const r of [0, 1, 2, 9]) expect(results.get(r)).toMatchObject({ status: 'ok', measures: { x: 2 * r } });
    expect(started).toBe(3); // one, and one replacement per crash (chunks were left each time)
  }, 60_000);

  it('a sweep on two workers equals the one-thread batch and the cpu backend, bit for bit', async () => {
    const dir = tempDir('batch-pool-');
    const file = smallSweep(dir, { tstop_ms: 30, extra: { keep_traces: ['soma'] } });
    await sweep(file, { out: join(dir, 'cpu'), jobs: 1 });
    await sweep(file, { out: join(dir, 'one'), backend: 'batch', jobs: 1 });
    const two = await sweep(file, { out: join(dir, 'two'), backend: 'batch', jobs: 2 });
    expect(two.ok).toBe(10);
    const csv = (d: string) => csvWithoutTiming(readFileSync(join(dir, d, 'results.csv'), 'utf8'));
    expect(csv('two')).toBe(csv('one'));
    expect(csv('two')).toBe(csv('cpu'));
    const npy = (d: string) => readFileSync(join(dir, d, 'traces', 'soma.npy'));
    expect(npy('two').equals(npy('cpu'))).toBe(true);
    for (const rec of readLedgers(join(dir, 'two')).records.values()) expect([rec.backend, rec.arithmetic]).toEqual(['batch', 'exact']);
  }, 120_000);
});
