import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweep, loadSweep, status } from '../../src/sweep/index.ts';
import { readLedgers, parseLedger } from '../../src/sweep/ledger.ts';
import { csvWithoutTiming, readParquet, smallSweep, tempDir } from './helpers.ts';

describe('sweep engine', () => {
  it('runs every variant on workers, records them, writes parquet and csv in run order', async () => {
    const dir = tempDir('sweep-engine-');
    const file = smallSweep(dir);
    const out = join(dir, 'out');
    const seen: number[] = [];
    const r = await sweep(file, { out, jobs: 2, onProgress: (p) => seen.push(p.ran) });
    expect(r.total).toBe(10);
    expect(r.ok).toBe(10);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.written).toEqual(['results.parquet', 'results.csv']);
    expect(r.table.columns).toEqual(['run', 'gna', 'amp', 'n_spikes', 'v_peak', 'latency', 'status', 'error', 'wall_s']);
    expect(r.table.data.run).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.table.data.amp).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0, 0.05, 0.1, 0.15, 0.2]);
    // physics: no current, no spikes; spikes with enough current; latency shrinks as current grows
    const n = r.table.data.n_spikes as number[];
    expect(n[0]).toBe(0);
    expect(n[5]).toBe(0);
    expect(n[4]).toBeGreaterThan(0);
    const lat = r.table.data.latency as (number | null)[];
    expect(lat[0]).toBeNull();
    expect(lat[9]!).toBeLessThan(lat[7]!);

    // an independent reader gets the same table back
    const rows = await readParquet(join(out, 'results.parquet'));
    expect(rows.length).toBe(10);
    rows.forEach((row, i) => {
      for (const c of r.table.columns) {
        const v = r.table.data[c][i];
        expect(c === 'run' ? Number(row[c]) : row[c] ?? null).toEqual(v);
      }
    });
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('run,gna,amp,n_spikes,v_peak,latency,status,error,wall_s');
    expect(csv[1].startsWith('0,0.1,0,0,')).toBe(true);
    expect(csv[1]).toMatch(/,,ok,,[0-9.e-]+$/); // no latency, no error

    // pandas, where this machine has it
    const py = '/usr/bin/python3';
    let pandas = false;
    try {
      execFileSync(py, ['-c', 'import pandas, pyarrow'], { stdio: 'ignore' });
      pandas = true;
    } catch {
      console.log('skipping the pandas read-back: /usr/bin/python3 has no pandas + pyarrow');
    }
    if (pandas) {
      const got = execFileSync(py, ['-c', `import pandas as pd, json; a = pd.read_parquet(${JSON.stringify(join(out, 'results.parquet'))}); b = pd.read_csv(${JSON.stringify(join(out, 'results.csv'))}); print(json.dumps([len(a), list(a.columns), float(a.n_spikes.sum()), float(b.n_spikes.sum())]))`], { encoding: 'utf8' });
      const [len, cols, s1, s2] = JSON.parse(got);
      expect(len).toBe(10);
      expect(cols).toEqual(r.table.columns);
      expect(s1).toBe(n.reduce((a, b) => a + b, 0));
      expect(s2).toBe(s1);
    }

    // the same command again runs nothing and gives the same results
    const again = await sweep(file, { out, jobs: 2 });
    expect(again.ran).toBe(0);
    expect(again.before).toBe(10);
    expect(csvWithoutTiming(readFileSync(join(out, 'results.csv'), 'utf8'))).toBe(csvWithoutTiming(csv.join('\n') + '\n'));
  }, 120_000);

  it('a failing run is recorded and does not stop the sweep; --retry-failed reruns only failed runs', async () => {
    const dir = tempDir('sweep-fail-');
    // record at a path distance beyond the dendrite in some runs: those runs fail when built
    const file = smallSweep(dir, { amps: [0.1], extra: {
      parameters: [
        { name: 'amp', path: '$.stimuli[0].amp_nA', values: [0.1, 0.2] },
        { name: 'where', path: '$.record[1].at', values: ['dend[0](1)', { region: 'dend', distance_um: 5000 }, 'dend[0](0.5)'] },
      ],
    } });
    const out = join(dir, 'out');
    const r = await sweep(file, { out, jobs: 2 });
    expect(r.total).toBe(6);
    expect(r.ok).toBe(4);
    expect(r.failed).toBe(2);
    expect(r.table.data.status).toEqual(['ok', 'failed', 'ok', 'ok', 'failed', 'ok']);
    expect(String(r.table.data.error[1])).toMatch(/5000/);
    expect(r.table.data.where[1]).toBe('{"region":"dend","distance_um":5000}');
    expect(r.table.data.n_spikes[1]).toBeNull();
    expect(r.complete).toBe(true);
    expect(status(out)).toEqual({ total: 6, done: 4, failed: 2, missing: 0, missing_runs: [], backends: { cpu: 6 }, gpu: [] });
    const retry = await sweep(file, { out, jobs: 1, retryFailed: true });
    expect(retry.ran).toBe(2);
    expect(retry.failed).toBe(2);
  }, 120_000);

  it('a run the solver stops on an instability is recorded as unstable', async () => {
    const dir = tempDir('sweep-unstable-');
    const file = smallSweep(dir, { gna: [0.12], amps: [0.1, 1e6] });
    const r = await sweep(file, { out: join(dir, 'out'), jobs: 1 });
    expect(r.table.data.status).toEqual(['ok', 'unstable']);
    expect(r.unstable).toBe(1);
    expect(String(r.table.data.error[1])).toMatch(/dt = 0\.05 ms/);
  }, 120_000);

  it('an unterminated last ledger line (killed mid-write) is ignored and its run done again', async () => {
    const dir = tempDir('sweep-partial-');
    const file = smallSweep(dir, { gna: [0.12] });
    const out = join(dir, 'out');
    await sweep(file, { out, jobs: 1 });
    const full = readFileSync(join(out, 'results.csv'), 'utf8');
    const ledgerDir = join(out, 'ledger');
    const [name] = readdirSync(ledgerDir);
    const text = readFileSync(join(ledgerDir, name), 'utf8');
    const lines = text.trimEnd().split('\n');
    // keep the header (input hashes) and runs 0-2 whole, cut run 3's line in the middle
    expect(JSON.parse(lines[0]).inputs).toBeDefined();
    writeFileSync(join(ledgerDir, name), lines.slice(0, 4).join('\n') + '\n' + lines[4].slice(0, 40));
    expect(parseLedger(readFileSync(join(ledgerDir, name), 'utf8'))).toMatchObject({ partial: true, bad: 0 });
    expect(readLedgers(out).records.size).toBe(3);
    const r = await sweep(file, { out, jobs: 2 });
    expect(r.ran).toBe(2);
    expect(csvWithoutTiming(readFileSync(join(out, 'results.csv'), 'utf8'))).toBe(csvWithoutTiming(full));
    // a later complete line for the same run does not double it
    appendFileSync(join(ledgerDir, name), '\n');
    expect(readLedgers(out).records.size).toBe(5);
  }, 120_000);

  it('keeps traces as .npy per probe: [run, sample] in run order with a sidecar', async () => {
    const dir = tempDir('sweep-traces-');
    const file = smallSweep(dir, { gna: [0.12], amps: [0, 0.2], extra: { keep_traces: ['soma', 'dend_end'] } });
    const out = join(dir, 'out');
    const r = await sweep(file, { out, jobs: 2 });
    expect(r.ok).toBe(2);
    const { readNpy } = await import('../../src/io/npy.ts');
    const a = readNpy(join(out, 'traces', 'soma.npy'));
    const side = JSON.parse(readFileSync(join(out, 'traces', 'soma.npy.json'), 'utf8'));
    expect(side.runs).toEqual([0, 1]);
    expect(side.sample_dt_ms).toBe(0.5);
    const w = a.shape[1];
    expect(a.shape[0]).toBe(2);
    expect(w === 80 || w === 81).toBe(true); // 40 ms at 0.5 ms (NEURON's Vector.record(&v, Dt) rule for the last sample)
    // run 0: no current, the soma stays at rest; run 1 spikes, and its peak is the measured one
    const row = (k: number) => a.data.subarray(k * w, (k + 1) * w);
    expect(Math.max(...row(0)) - Math.min(...row(0))).toBeLessThan(0.1); // hh settles within 0.04 mV of v_init
    expect(Math.max(...row(1))).toBeGreaterThan(0);
    expect(Math.max(...row(1))).toBeLessThanOrEqual(r.table.data.v_peak[1] as number);
    expect(existsSync(join(out, 'traces', 'dend_end.npy'))).toBe(true);
  }, 120_000);

  it('refuses a folder made by a different sweep, and a folder holding an input', async () => {
    const dir = tempDir('sweep-refuse-');
    const file = smallSweep(dir, { gna: [0.12], amps: [0.1] });
    const out = join(dir, 'out');
    await sweep(file, { out, jobs: 1 });
    smallSweep(dir, { gna: [0.12], amps: [0.1, 0.2] });
    await expect(sweep(file, { out, jobs: 1 })).rejects.toThrow(/holds a different sweep .* Give a new folder with --out, or delete/);
    await expect(sweep(file, { out: dir, jobs: 1 })).rejects.toThrow(/holds the sweep file/);
    const foreign = join(dir, 'foreign');
    (await import('node:fs')).mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expect(sweep(loadSweep(file), { out: foreign, jobs: 1 })).rejects.toThrow(/not empty .* not written by Dendrite/);
    expect(readFileSync(join(foreign, 'notes.txt'), 'utf8')).toBe('mine');
  }, 120_000);
});
