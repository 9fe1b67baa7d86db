/**
 * Crash-safe resume: the CLI is killed with SIGKILL at random moments (while starting, or after one
 * more run has been recorded plus a random delay, so also between a run's end and its ledger line),
 * at least 20 times, and started again on the same folder each time. In the end every run is
 * recorded exactly once and the results equal an uninterrupted sweep's in every column but wall_s.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweep } from '../../src/sweep/index.ts';
import { parseLedger } from '../../src/sweep/ledger.ts';
import { csvWithoutTiming, readParquet, runCli, smallSweep, spawnCli, tempDir } from './helpers.ts';

/** Complete ledger lines in `out` so far. */
function recorded(out: string): number {
  let n = 0;
  try {
    for (const f of readdirSync(join(out, 'ledger'))) n += parseLedger(readFileSync(join(out, 'ledger', f), 'utf8')).records.length;
  } catch {
    // no ledger yet
  }
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sweep resume after SIGKILL', () => {
  it('20+ kills at random moments lose no run, do none twice, and give the uninterrupted results', async () => {
    const dir = tempDir('sweep-kill-');
    const amps = Array.from({ length: 20 }, (_, k) => Math.round(k * 0.012 * 1000) / 1000);
    const file = smallSweep(dir, { gna: [0.1, 0.12, 0.14, 0.16], amps, tstop_ms: 30 });
    const ref = join(dir, 'ref');
    await sweep(file, { out: ref, jobs: 2 });
    const out = join(dir, 'out');

    // a seeded generator, so a failure can be replayed
    let s = 12345;
    const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let kills = 0;
    for (let attempt = 0; attempt < 40 && kills < 20; attempt++) {
      const start = recorded(out);
      if (start >= 80) break;
      // half the lives are killed at a random time while starting, checking the folder or running
      // their first run (at the latest when it is recorded), half after one more run is recorded
      // plus up to 60 ms (between runs, while the next is running, or while its line is written)
      const early = rand() < 0.5;
      const waitRuns = early ? 0 : 1;
      const extraMs = Math.floor(rand() * (early ? 2000 : 60));
      const p = spawnCli(['sweep', file, '--out', out, '--jobs', '1', '--quiet']); // the reference ran on 2 workers
      let exited = false;
      void p.done.then(() => (exited = true));
      while (!exited && recorded(out) < Math.min(80, start + waitRuns)) await sleep(5);
      if (early) {
        // up to extraMs, but never past the life's first recorded run, so that on a fast machine
        // every early life still dies before finishing its share (at most one run per life)
        const t0 = Date.now();
        while (!exited && Date.now() - t0 < extraMs && recorded(out) <= start) await sleep(5);
      } else if (extraMs > 0 && !exited) await sleep(extraMs);
      if (!exited) {
        p.child.kill('SIGKILL');
        const r = await p.done;
        if (r.signal === 'SIGKILL') kills++;
      } else {
        const r = await p.done;
        expect(r.code, r.stderr).toBe(0);
      }
    }
    console.log(`sweep resume: ${kills} SIGKILLs`);
    expect(kills).toBeGreaterThanOrEqual(20);
    const last = await runCli(['sweep', file, '--out', out, '--jobs', '2']);
    expect(last.code, last.stderr).toBe(0);
    expect(last.stderr).toMatch(/80 runs \(\d+ recorded before\)/);

    // every run recorded exactly once over all the ledgers of all the lives
    const runs: number[] = [];
    for (const f of readdirSync(join(out, 'ledger'))) runs.push(...parseLedger(readFileSync(join(out, 'ledger', f), 'utf8')).records.map((r) => r.run));
    expect(runs.length).toBe(80);
    expect(new Set(runs).size).toBe(80);

    expect(csvWithoutTiming(readFileSync(join(out, 'results.csv'), 'utf8'))).toBe(csvWithoutTiming(readFileSync(join(ref, 'results.csv'), 'utf8')));
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ wall_s: _, ...rest }) => rest);
    expect(strip(await readParquet(join(out, 'results.parquet')))).toEqual(strip(await readParquet(join(ref, 'results.parquet'))));
  }, 240_000);
});
