import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { shardFromFlags } from '../../cli/sweep.ts';
import { FEATURES } from '../../src/sweep/features.ts';
import { sweep } from '../../src/sweep/index.ts';
import { csvWithoutTiming, runCli, smallSweep, spawnCli, tempDir } from './helpers.ts';
import { readLedgers } from '../../src/sweep/ledger.ts';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'dendrite', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('dendrite sweep: shares', () => {
  it('--shard I/N is 0-based; --array reads Slurm job arrays and Kubernetes Indexed Jobs', () => {
    expect(shardFromFlags({ shard: '0/4' })).toEqual({ index: 0, count: 4 });
    expect(shardFromFlags({ shard: '3/4' })).toEqual({ index: 3, count: 4 });
    expect(() => shardFromFlags({ shard: '4/4' })).toThrow(/0 to N-1/);
    expect(() => shardFromFlags({ shard: '1-4' })).toThrow(/expected I\/N/);
    expect(shardFromFlags({})).toBeUndefined();
    expect(shardFromFlags({ array: true }, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    expect(shardFromFlags({ array: true }, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' })).toEqual({ index: 2, count: 3 });
    // with --shards the task id is the shard: a lost task resubmitted alone (sbatch --array=5) keeps it
    expect(shardFromFlags({ array: true, shards: '16' }, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_COUNT: '1' })).toEqual({ index: 5, count: 16 });
    expect(() => shardFromFlags({ array: true, shards: '4' }, { SLURM_ARRAY_TASK_ID: '5' })).toThrow(/task 5 of 4 is out of range/);
    expect(() => shardFromFlags({ array: true }, { SLURM_ARRAY_TASK_ID: '5' })).toThrow(/SLURM_ARRAY_TASK_COUNT is not set; give --shards N/);
    expect(shardFromFlags({ array: true, shards: '10' }, { JOB_COMPLETION_INDEX: '9' })).toEqual({ index: 9, count: 10 });
    expect(() => shardFromFlags({ array: true }, { JOB_COMPLETION_INDEX: '9' })).toThrow(/needs --shards N/);
    expect(() => shardFromFlags({ array: true }, {})).toThrow(/neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX/);
    expect(() => shardFromFlags({ array: true, shard: '0/2' }, {})).toThrow(/give one of them/);
  });

  it('shards started at once share one folder; status counts, collect refuses while runs are missing, then equals the unsharded sweep', async () => {
    const dir = tempDir('sweep-shards-');
    const file = smallSweep(dir, { gna: [0.12], amps: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3] });
    const ref = join(dir, 'ref');
    await sweep(file, { out: ref, jobs: 1 });
    const out = join(dir, 'out');
    // shards 0 and 1 of 3 at the same moment, into a folder that does not exist yet
    const [a, b] = await Promise.all([
      runCli(['sweep', file, '--out', out, '--shard', '0/3', '--jobs', '1']),
      runCli(['sweep', file, '--out', out, '--array', '--jobs', '1'], { SLURM_ARRAY_TASK_ID: '11', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_COUNT: '3' }),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stderr).toMatch(/shard 0\/3: 3 runs: ran 3 .*\n.*dendrite sweep collect/);
    expect(b.stderr).toMatch(/shard 1\/3: 2 runs: ran 2/);
    expect(existsSync(join(out, 'results.csv'))).toBe(false); // shards never write results

    const st = await cli(['sweep', 'status', out, '--json']);
    expect(st.code).toBe(0);
    expect(JSON.parse(st.out)).toEqual({ total: 7, done: 5, failed: 0, missing: 2, missing_runs: [2, 5], backends: { cpu: 5 }, gpu: [] });
    expect((await cli(['sweep', 'status', out])).out).toBe('total 7\ndone 5\nfailed 0\nmissing 2\nbackends cpu 5');
    const c1 = await cli(['sweep', 'collect', out]);
    expect(c1.code).toBe(1);
    expect(c1.err).toMatch(/2 of 7 runs are missing \(e\.g\. run 2, 5\)/);
    expect(readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n').length).toBe(6); // the 5 done

    const c = await runCli(['sweep', file, '--out', out, '--array', '--shards', '3', '--jobs', '1'], { JOB_COMPLETION_INDEX: '2' });
    expect(c.code, c.stderr).toBe(0);
    const c2 = await cli(['sweep', 'collect', out]);
    expect(c2.code, c2.err).toBe(0);
    expect(c2.err).toMatch(/7 runs: 7 ok, 0 failed, 0 missing/);
    expect(csvWithoutTiming(readFileSync(join(out, 'results.csv'), 'utf8'))).toBe(csvWithoutTiming(readFileSync(join(ref, 'results.csv'), 'utf8')));
  }, 180_000);
});

describe('dendrite sweep: signals', () => {
  it('SIGTERM (a scheduler\'s time limit) exits 143 with one line; the same command finishes the rest', async () => {
    const dir = tempDir('sweep-term-');
    const file = smallSweep(dir, { gna: [0.1, 0.12, 0.14, 0.16], amps: [0, 0.05, 0.1, 0.15, 0.2] });
    const out = join(dir, 'out');
    const p = spawnCli(['sweep', file, '--out', out, '--jobs', '1']);
    const t0 = Date.now();
    while (readLedgers(out).records.size < 2 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/^dendrite: interrupted \(SIGTERM\); \d+ of 20 runs are complete and kept in .*, \d+ of them from this session; runs in progress were dropped\. Resume with: dendrite sweep .* --out .* --jobs 1\n$/);
    const done = readLedgers(out).records.size;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(20);
    const again = await runCli(['sweep', file, '--out', out, '--jobs', '2']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`20 runs (${done} recorded before): ran ${20 - done}`);
  }, 120_000);
});

describe('dendrite sweep: messages', () => {
  it('--list-features prints the catalogue with units', async () => {
    const r = await cli(['sweep', '--list-features']);
    expect(r.code).toBe(0);
    for (const f of FEATURES) expect(r.out).toContain(f.name);
    expect(r.out).toMatch(/spike_rate +\[Hz\]/);
    expect(r.out).toMatch(/area +\[probe's unit\*ms\]/);
  });

  it('mistakes exit 1 with one message and create nothing', async () => {
    const dir = tempDir('sweep-msg-');
    const file = smallSweep(dir, { extra: { design: 'gird' } });
    const out = join(dir, 'out');
    const r = await cli(['sweep', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`dendrite: error: ${file}: $.design: expected one of "grid", "zip", "random", "latin_hypercube", got "gird" (did you mean "grid"?)`);
    expect(existsSync(out)).toBe(false);
    expect((await cli(['sweep', file])).err).toMatch(/needs --out DIR/);
    expect((await cli(['sweep', 'status'])).err).toMatch(/give the sweep folder/);
    expect((await cli(['sweep', 'status', dir])).err).toMatch(/not a Dendrite sweep folder/);
    expect((await cli(['sweep', file, '--out', out, '--jobs', '0'])).err).toMatch(/--jobs: expected a whole number >= 1/);
  });
});
