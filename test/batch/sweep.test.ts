/**
 * `dendrite sweep --backend batch` (src/sweep/batch.ts): the variants of a sweep that share a
 * morphology and discretization run in lock-step batches, and the results table equals that of
 * `--backend cpu` in every column but wall_s (the batch reproduces each single run bit for bit).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep, sweep } from '../../src/sweep/index.ts';
import { runBatched } from '../../src/sweep/batch.ts';
import type { RunOutcome } from '../../src/sweep/execute.ts';
import { csvWithoutTiming, runCli, smallSweep, tempDir } from '../sweep/helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('sweep --backend batch', () => {
  it('batches the gnabar × amplitude grid and gives the cpu results (measures and kept traces)', async () => {
    const dir = tempDir('batch-sweep-');
    const file = smallSweep(dir, { tstop_ms: 30, extra: { keep_traces: ['soma'] } });
    const cpu = await sweep(file, { out: join(dir, 'cpu'), jobs: 1 });
    const batch = await sweep(file, { out: join(dir, 'batch'), backend: 'batch' });
    expect(batch.ok).toBe(10);
    expect(csvWithoutTiming(readFileSync(join(dir, 'batch', 'results.csv'), 'utf8'))).toBe(csvWithoutTiming(readFileSync(join(dir, 'cpu', 'results.csv'), 'utf8')));
    expect((cpu.table.data.n_spikes as number[]).some((n) => n > 0)).toBe(true); // the grid spans silent and firing variants
    const npy = (d: string) => readFileSync(join(dir, d, 'traces', 'soma.npy'));
    expect(npy('batch').equals(npy('cpu'))).toBe(true);

    // all ten variants share the cell: one batch of ten, nothing run alone
    const outcomes = new Map<number, RunOutcome>();
    const stats = await runBatched(loadSweep(file), [...Array(10).keys()], (run, o) => outcomes.set(run, o));
    expect(stats).toEqual({ batches: 1, batchedRuns: 10, singleRuns: 0 });
    expect(outcomes.size).toBe(10);
    // at most 4 at a time: three batches (4 + 4 + 2)
    expect(await runBatched(loadSweep(file), [...Array(10).keys()], () => {}, 4)).toEqual({ batches: 3, batchedRuns: 10, singleRuns: 0 });
  }, 120_000);

  it('runs variants that change the discretization in separate groups, and still equals cpu', async () => {
    const dir = tempDir('batch-sweep-');
    const file = smallSweep(dir, {
      tstop_ms: 20,
      extra: { parameters: [
        { name: 'ra', path: '$.biophysics.Ra_ohm_cm', values: [100, 150] },
        { name: 'amp', path: '$.stimuli[0].amp_nA', values: [0.1, 0.2] },
      ] },
    });
    const stats = await runBatched(loadSweep(file), [0, 1, 2, 3], () => {});
    expect(stats.batchedRuns + stats.singleRuns).toBe(4);
    expect(stats.batches).toBe(2); // one per Ra (Ra changes the axial resistances)
    await sweep(file, { out: join(dir, 'cpu'), jobs: 1 });
    await sweep(file, { out: join(dir, 'batch'), backend: 'batch' });
    expect(csvWithoutTiming(readFileSync(join(dir, 'batch', 'results.csv'), 'utf8'))).toBe(csvWithoutTiming(readFileSync(join(dir, 'cpu', 'results.csv'), 'utf8')));
  }, 120_000);

  it('the CLI takes --backend batch and refuses an unknown backend', async () => {
    const dir = tempDir('batch-sweep-');
    const file = smallSweep(dir, { tstop_ms: 15, amps: [0.1, 0.2] });
    const ok = await runCli(['sweep', file, '--out', join(dir, 'o'), '--backend', 'batch', '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(dir, 'o', 'results.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(5);
    const bad = await runCli(['sweep', file, '--out', join(dir, 'p'), '--backend', 'gpux']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--backend: expected cpu, batch, gpu or auto, got "gpux"/);
  }, 120_000);
});

describe('sweep --backend batch with synapses', () => {
  it('AMPA + NMDA pairs driven by a volley: weights and Mg per variant in one batch, results equal cpu', async () => {
    const dir = tempDir('batch-sweep-syn-');
    const base = JSON.parse(readFileSync(join(ROOT, 'fixtures/protocols/syn_population_l23.json'), 'utf8'));
    base.morphology = join(ROOT, 'fixtures/morphologies/L23PC_human_2013_03_06_cell03_789_H41_03.CNG.swc');
    base.discretization = { max_length_um: 20 };
    base.spike_sources[0].times_ms = [5];
    base.run = { ...base.run, tstop_ms: 25, dt_ms: 0.025 };
    writeFileSync(join(dir, 'base.json'), JSON.stringify(base));
    const probe = base.record[0].label as string;
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify({
      protocol: 'base.json',
      protocol_seeds: 'keep', // re-derived seeds would place the clusters differently per run: no shared structure
      parameters: [
        { name: 'w', path: '$.synapses[name=nmda].weight_uS', values: ['0.5 nS', '3 nS'] },
        { name: 'mg', path: '$.synapses[name=nmda].params.mg', values: [0.5, 1.5] },
      ],
      measures: [{ name: 'peak', feature: 'peak', probe }, { name: 'area', feature: 'area', probe }],
    }));
    const file = join(dir, 'sweep.json');
    const stats = await runBatched(loadSweep(file), [0, 1, 2, 3], () => {});
    expect(stats).toEqual({ batches: 1, batchedRuns: 4, singleRuns: 0 });
    await sweep(file, { out: join(dir, 'cpu'), jobs: 1 });
    const b = await sweep(file, { out: join(dir, 'batch'), backend: 'batch' });
    expect(b.ok).toBe(4);
    expect(csvWithoutTiming(readFileSync(join(dir, 'batch', 'results.csv'), 'utf8'))).toBe(csvWithoutTiming(readFileSync(join(dir, 'cpu', 'results.csv'), 'utf8')));
    const peaks = b.table.data.peak as number[];
    expect(Math.max(...peaks) - Math.min(...peaks)).toBeGreaterThan(1); // the variants differ
    // with seeds derived per run the synapses sit elsewhere in each run: every run alone, same results
    const derived = JSON.parse(readFileSync(file, 'utf8'));
    derived.protocol_seeds = 'derive';
    writeFileSync(file, JSON.stringify(derived));
    expect(await runBatched(loadSweep(file), [0, 1, 2, 3], () => {})).toEqual({ batches: 0, batchedRuns: 0, singleRuns: 4 });
  }, 120_000);
});
