/**
 * `dendrite sweep --backend gpu|auto` (src/sweep/gpu.ts) without a GPU, through the test modes of
 * the GPU backend (DENDRITE_GPU_MODE: `emu`, the strict float32 emulator; `cpu`, the kernels through
 * gpu.js's CPU mode; `software`, WGSL on Dawn's software adapter, skipped where there is none),
 * against `--backend cpu` (float64): spike counts equal, first-spike latencies within 0.01 ms, and
 * the kept soma traces more than 2 ms away from every spike within 0.1 mV (docs/gpu.md's test
 * bounds; the measured values are printed). Also: runs grouped into GPU batches by what a batch
 * shares (other Ra: another batch; a parameter set region by region: one batch, values node by
 * node; the Hay channel set with Ca dynamics), what the ledger records, a variant the GPU cannot run (recorded failed with the reason,
 * then run on the CPU with --retry-failed), resume across backends and after a stop mid-sweep, `--backend gpu` without a GPU
 * (one line, exit 1, nothing written) and `--backend auto` (chooses the CPU here and says why).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSweep, status, sweep, type SweepResult } from '../../src/sweep/index.ts';
import { runOnGpu, variantsOf } from '../../src/sweep/gpu.ts';
import { prepareRun, type RunBackend } from '../../src/sweep/batch.ts';
import type { RunOutcome } from '../../src/sweep/execute.ts';
import { compileModel } from '../../src/solvers/model.ts';
import { LayoutCache } from '../../src/protocol/build.ts';
import { buildPlan, emuExecutor, gpuExecutor, isSoftwareAdapter, adapterString, probeWebGpu } from '../../src/solvers/gpu/index.ts';
import { loadGpuJs } from '../../src/solvers/gpu/exec.ts';
import { csvWithoutTiming, ROOT, runCli, smallSweep, tempDir } from './helpers.ts';

const TOL = { latency_ms: 0.01, sub_mV: 0.1 };

/** Upward crossings of −20 mV (linear interpolation). */
function crossings(t: ArrayLike<number>, v: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 1; i < v.length; i++) if (v[i - 1] < -20 && v[i] >= -20) out.push(t[i - 1] + ((-20 - v[i - 1]) / (v[i] - v[i - 1])) * (t[i] - t[i - 1]));
  return out;
}

/** The kept traces of a sweep folder: traces/PROBE.npy as rows of float64. */
function npyRows(dir: string, probe: string): Float64Array[] {
  const buf = readFileSync(join(dir, 'traces', `${probe}.npy`));
  const hlen = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + hlen).toString('latin1');
  const [rows, cols] = /'shape': \((\d+), (\d+)\)/.exec(header)!.slice(1).map(Number);
  const data = new Float64Array(buf.buffer.slice(buf.byteOffset + 10 + hlen, buf.byteOffset + 10 + hlen + rows * cols * 8));
  return Array.from({ length: rows }, (_, r) => data.subarray(r * cols, (r + 1) * cols));
}

/** The gpu sweep's table and kept traces against the cpu one's; returns the largest differences. */
function compareSweeps(dir: string, cpu: SweepResult, gpu: SweepResult, sample_dt_ms: number): { latency_ms: number; sub_mV: number; peak_mV: number } {
  expect(gpu.table.data.status).toEqual(cpu.table.data.status);
  expect(gpu.table.data.n_spikes).toEqual(cpu.table.data.n_spikes);
  let latency = 0, peak = 0, sub = 0;
  cpu.table.data.latency.forEach((l, r) => {
    const g = gpu.table.data.latency[r];
    expect(g === null).toBe(l === null);
    if (l !== null) latency = Math.max(latency, Math.abs((g as number) - (l as number)));
    peak = Math.max(peak, Math.abs((gpu.table.data.v_peak[r] as number) - (cpu.table.data.v_peak[r] as number)));
  });
  const a = npyRows(join(dir, 'cpu'), 'soma');
  const b = npyRows(join(dir, String(gpu.dir.split('/').pop())), 'soma');
  expect(b.length).toBe(a.length);
  a.forEach((v64, r) => {
    const t = Float64Array.from(v64, (_, i) => i * sample_dt_ms);
    const spikes = crossings(t, v64);
    expect(crossings(t, b[r]).length).toBe(spikes.length);
    for (let i = 0; i < v64.length; i++) if (!spikes.some((s) => Math.abs(t[i] - s) < 2)) sub = Math.max(sub, Math.abs(b[r][i] - v64[i]));
  });
  expect(latency).toBeLessThan(TOL.latency_ms);
  expect(sub).toBeLessThan(TOL.sub_mV);
  return { latency_ms: latency, sub_mV: sub, peak_mV: peak };
}

function ledgerRecords(dir: string): (Record<string, unknown> & Partial<RunBackend>)[] {
  const files = readdirSync(join(dir, 'ledger')).filter((f) => f.endsWith('.jsonl'));
  const lines = files.flatMap((f) => readFileSync(join(dir, 'ledger', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
  return lines.filter((r) => Number.isInteger(r.run) && typeof r.status === 'string'); // run records (not a header)
}

let gpujs: string | null = null;
let realGpu: string | null = null;
beforeAll(async () => {
  const m = await loadGpuJs();
  if (typeof m === 'string') gpujs = m;
  const a = await probeWebGpu(false);
  if (typeof a !== 'string' && !isSoftwareAdapter(a)) realGpu = adapterString(a);
});

describe('sweep --backend gpu in the test modes, against --backend cpu', () => {
  for (const mode of ['emu', 'cpu', 'software'] as const) {
    it(`DENDRITE_GPU_MODE=${mode}: the gnabar × amplitude grid, one GPU batch, within the float32 bounds; the ledger says what ran`, async (ctx) => {
      if (mode !== 'emu' && gpujs) {
        console.log(`skipped: ${gpujs}`);
        ctx.skip();
      }
      if (mode === 'software') {
        try {
          (await gpuExecutor('software')).destroy();
        } catch (e) {
          console.log(`skipped: no software WebGPU adapter here (${(e as Error).message})`);
          ctx.skip();
        }
      }
      const dir = tempDir('gpu-sweep-');
      const file = smallSweep(dir, { tstop_ms: mode === 'software' ? 25 : 40, extra: { keep_traces: ['soma'] } });
      const cpu = await sweep(file, { out: join(dir, 'cpu'), jobs: 1 });
      const chosen: string[] = [];
      const gpu = await sweep(file, { out: join(dir, 'gpu'), backend: 'gpu', env: { DENDRITE_GPU_MODE: mode }, onBackend: (c) => chosen.push(`${c.backend}: ${c.ran}`) });
      expect(gpu.ok).toBe(10);
      expect(gpu.backends).toEqual({ gpu: 10 });
      expect(chosen).toHaveLength(1);
      expect(chosen[0]).toMatch(mode === 'emu' ? /^gpu: CPU, strict float32 emulation/ : mode === 'cpu' ? /^gpu: gpu\.js 2\.24\.1 mode cpu .*not a GPU/ : /^gpu: gpu\.js 2\.24\.1 mode webgpu on .*not a GPU/);
      expect((cpu.table.data.n_spikes as number[]).some((n) => n > 1)).toBe(true); // silent and firing variants
      const d = compareSweeps(dir, cpu, gpu, 0.5);
      console.log(`sweep gpu ${mode}: 10 variants, spike counts equal; max |latency diff| ${d.latency_ms.toExponential(2)} ms, max |dV| away from spikes ${d.sub_mV.toExponential(2)} mV (kept soma traces), max |v_peak diff| ${d.peak_mV.toExponential(2)} mV`);
      // every record names the backend and what ran it; status counts them
      const recs = ledgerRecords(join(dir, 'gpu'));
      expect(recs.every((r) => r.backend === 'gpu' && r.gpu === chosen[0].slice(5))).toBe(true);
      expect(status(join(dir, 'gpu'))).toMatchObject({ done: 10, backends: { gpu: 10 }, gpu: [chosen[0].slice(5)] });
      expect(status(join(dir, 'cpu')).backends).toEqual({ cpu: 10 });
    }, 180_000);
  }
});

describe('sweep --backend gpu: batches, refusals, resume', () => {
  it('Ra splits the runs into two GPU batches; a conductance set region by region goes into one batch node by node; both equal cpu within bounds', async () => {
    const dir = tempDir('gpu-sweep-');
    // hh everywhere, with another gnabar in the dendrite: the swept dendritic value differs node by node from the soma's
    const file = smallSweep(dir, {
      tstop_ms: 30,
      protocolExtra: { biophysics: { cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, celsius: 6.3, mechanisms: [
        { name: 'hh', region: 'soma', params: { gnabar: 0.12 } },
        { name: 'hh', region: 'dend', params: { gnabar: 0.01, gkbar: 0.003, gl: 1e-4 } },
      ] } },
      extra: {
        keep_traces: ['soma'],
        parameters: [
          { name: 'ra', path: '$.biophysics.Ra_ohm_cm', values: [100, 200] },
          { name: 'gdend', path: '$.biophysics.mechanisms[1].params.gnabar', values: [0, 0.03] },
          { name: 'amp', path: '$.stimuli[0].amp_nA', values: [0.1, 0.3] },
        ],
      },
    });
    const spec = loadSweep(file);
    const outcomes = new Map<number, RunOutcome>();
    const exec = emuExecutor();
    const stats = await runOnGpu(spec, [...Array(8).keys()], exec, (run, o) => outcomes.set(run, o), { refuse: true });
    expect(stats).toEqual({ batches: 2, gpuRuns: 8, refused: [] });
    expect(outcomes.size).toBe(8);
    // a trace budget for two variants (2 probes × 601 samples × 12 B each) splits each group in two
    const split = await runOnGpu(spec, [...Array(8).keys()], exec, () => {}, { refuse: true, traceBudget_bytes: 2 * 2 * 601 * 12 });
    expect(split).toEqual({ batches: 4, gpuRuns: 8, refused: [] });
    // the batch's variants: hh gnabar per node (soma 0.12, dendrite 0 or 0.03) and the amplitudes
    const plans = [0, 1, 2, 3].map((r) => buildPlan(compileModel(prepareRun(spec, r, new LayoutCache(), () => {})!.request), [{}]));
    const v = variantsOf(plans);
    const g = v.map((x) => Array.from(x.nodes!.hh.gnabar));
    expect(new Set(g[0]).size).toBe(2);
    expect(g[0].filter((x) => x === Math.fround(0.12))).toHaveLength(1); // the soma
    expect(g[2].filter((x) => x === Math.fround(0.03))).toHaveLength(11); // the dendrite's 11 segments
    expect(g[2].filter((x) => x === Math.fround(0.12))).toHaveLength(1);
    expect(v.map((x) => x.amp_nA![0])).toEqual([0.1, 0.3, 0.1, 0.3].map(Math.fround));
    expect(v[0].nodes!.hh.gkbar).toBeUndefined(); // what does not vary is shared
    const cpu = await sweep(file, { out: join(dir, 'cpu'), jobs: 1 });
    const gpu = await sweep(file, { out: join(dir, 'gpu'), backend: 'gpu', env: { DENDRITE_GPU_MODE: 'emu' } });
    const d = compareSweeps(dir, cpu, gpu, 0.5);
    console.log(`sweep gpu emu, Ra × dendritic gnabar × amp: max |latency diff| ${d.latency_ms.toExponential(2)} ms, max |dV| away from spikes ${d.sub_mV.toExponential(2)} mV`);
    expect(new Set(cpu.table.data.n_spikes).size).toBeGreaterThan(1);
  }, 180_000);

  it('the Hay channel set with Ca dynamics: dendritic Ca_LVAst × somatic Ca decay × amplitude in one batch equals cpu within bounds', async () => {
    const dir = tempDir('gpu-sweep-hay-');
    const base = JSON.parse(readFileSync(join(ROOT, 'test/gpu/hay_ball_and_stick.json'), 'utf8'));
    base.morphology = join(ROOT, 'fixtures/morphologies/ball_and_stick.swc');
    base.run = { ...base.run, tstop_ms: 60, record_dt_ms: 0.1 };
    const idx = (name: string, region: string) => base.biophysics.mechanisms.findIndex((m: { name: string; region: string }) => m.name === name && m.region === region);
    writeFileSync(join(dir, 'base.json'), JSON.stringify(base));
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify({
      protocol: 'base.json',
      parameters: [
        { name: 'gca_dend', path: `$.biophysics.mechanisms[${idx('Ca_LVAst', 'dend')}].params.gCa_LVAstbar`, values: [0.0187, 0.05] },
        { name: 'decay', path: `$.biophysics.mechanisms[${idx('CaDynamics_E2', 'soma')}].params.decay`, values: [460, 150] },
        { name: 'amp', path: '$.stimuli[0].amp_nA', values: [0.5, 0.8] },
      ],
      keep_traces: ['soma'],
      measures: [
        { name: 'n_spikes', feature: 'spike_count', probe: 'soma' },
        { name: 'v_peak', feature: 'peak', probe: 'dend_mid' },
        { name: 'latency', feature: 'first_spike_latency', probe: 'soma' },
      ],
    }));
    const file = join(dir, 'sweep.json');
    const stats = await runOnGpu(loadSweep(file), [...Array(8).keys()], emuExecutor(), () => {}, { refuse: true });
    expect(stats).toEqual({ batches: 1, gpuRuns: 8, refused: [] });
    const cpu = await sweep(file, { out: join(dir, 'cpu'), jobs: 1 });
    const gpu = await sweep(file, { out: join(dir, 'gpu'), backend: 'gpu', env: { DENDRITE_GPU_MODE: 'emu' } });
    expect(new Set(cpu.table.data.n_spikes).size).toBeGreaterThan(1);
    const d = compareSweeps(dir, cpu, gpu, 0.1);
    console.log(`sweep gpu emu, Hay set (8 variants, 60 ms, dt 0.025): spike counts equal (${cpu.table.data.n_spikes.join(' ')}); max |latency diff| ${d.latency_ms.toExponential(2)} ms, max |dV| away from spikes ${d.sub_mV.toExponential(2)} mV, max |dend peak diff| ${d.peak_mV.toExponential(2)} mV`);
  }, 180_000);

  it('a variant the GPU cannot run (Crank–Nicolson) is recorded failed with the reason; --backend cpu --retry-failed runs it; resume keeps what ran', async () => {
    const dir = tempDir('gpu-sweep-');
    const file = smallSweep(dir, {
      protocolExtra: { run: { tstop_ms: 20, dt_ms: 0.05, record_dt_ms: 0.5, method: 'backward_euler' } },
      extra: { parameters: [
        { name: 'method', path: '$.run.method', values: ['backward_euler', 'crank_nicolson'] },
        { name: 'amp', path: '$.stimuli[0].amp_nA', values: [0.1, 0.2, 0.3] },
      ] },
    });
    const out = join(dir, 'o');
    // shard 0 of 2 on the cpu first: runs 0, 2, 4
    await sweep(file, { out, jobs: 1, shard: { index: 0, count: 2 } });
    const g = await sweep(file, { out, backend: 'gpu', env: { DENDRITE_GPU_MODE: 'emu' } });
    expect(g.before).toBe(3);
    expect(g.ran).toBe(3); // only what was missing
    // runs 0-2 backward Euler, 3-5 Crank–Nicolson; missing 1 (gpu), 3 and 5 (refused)
    expect(g.backends).toEqual({ gpu: 1 });
    expect(g.gpuRefused).toEqual([3, 5].map((run) => ({ run, reason: expect.stringMatching(/crank_nicolson/) })));
    expect(g.failed).toBe(2);
    const rec3 = g.table.data.error[3] as string;
    expect(rec3).toMatch(/^the gpu backend cannot run this variant: method crank_nicolson .*--retry-failed$/);
    expect(status(out)).toMatchObject({ done: 4, failed: 2, backends: { cpu: 3, gpu: 1, none: 2 } });
    const again = await sweep(file, { out, backend: 'cpu', jobs: 1, retryFailed: true });
    expect(again.ran).toBe(2);
    expect(again.ok).toBe(2);
    expect(again.complete).toBe(true);
    expect(status(out)).toMatchObject({ done: 6, failed: 0, backends: { cpu: 5, gpu: 1 } });
    // same spike counts as an all-cpu sweep
    const cpu = await sweep(file, { out: join(dir, 'cpu'), jobs: 1 });
    expect(again.table.data.n_spikes).toEqual(cpu.table.data.n_spikes);
  }, 180_000);

  it('a GPU sweep stopped after 4 of 10 runs (batches of 3) resumes with the missing runs only, and equals the uninterrupted GPU sweep', async () => {
    const dir = tempDir('gpu-sweep-');
    const file = smallSweep(dir, { tstop_ms: 25, extra: { keep_traces: ['soma'] } });
    const env = { DENDRITE_GPU_MODE: 'emu' };
    const whole = await sweep(file, { out: join(dir, 'whole'), backend: 'gpu', env });
    const out = join(dir, 'cut');
    await expect(sweep(file, { out, backend: 'gpu', env, maxBatch: 3, onProgress: (p) => {
      if (p.ran === 4) throw new Error('stopped');
    } })).rejects.toThrow('stopped');
    expect(status(out)).toMatchObject({ done: 4, missing: 6 });
    const rest = await sweep(file, { out, backend: 'gpu', env, maxBatch: 3 });
    expect(rest.before).toBe(4);
    expect(rest.ran).toBe(6);
    expect(csvWithoutTiming(readFileSync(join(out, 'results.csv'), 'utf8'))).toBe(csvWithoutTiming(readFileSync(join(dir, 'whole', 'results.csv'), 'utf8')));
    // in the strict float32 emulator a variant's run does not depend on the batch it ran in
    expect(readFileSync(join(out, 'traces', 'soma.npy')).equals(readFileSync(join(dir, 'whole', 'traces', 'soma.npy')))).toBe(true);
    expect(whole.backends).toEqual({ gpu: 10 });
  }, 120_000);

  it('runOnGpu without refuse hands the runs it cannot run back (auto runs them on the cpu), reporting none of them', async () => {
    const dir = tempDir('gpu-sweep-');
    const file = smallSweep(dir, { protocolExtra: { run: { tstop_ms: 15, dt_ms: 0.05, record_dt_ms: 0.5, method: 'backward_euler' } }, extra: { parameters: [{ name: 'method', path: '$.run.method', values: ['crank_nicolson', 'backward_euler'] }] } });
    const got: number[] = [];
    const stats = await runOnGpu(loadSweep(file), [0, 1], emuExecutor(), (run) => got.push(run), { refuse: false });
    expect(got).toEqual([1]);
    expect(stats.refused.map((r) => r.run)).toEqual([0]);
  }, 60_000);
});

describe('dendrite sweep --backend gpu|auto (CLI)', () => {
  it('gpu without a GPU: one line, exit 1, nothing written; a base the GPU cannot run: one line naming why', async (ctx) => {
    if (realGpu) {
      console.log(`skipped: this machine has a GPU (${realGpu})`);
      ctx.skip();
    }
    const dir = tempDir('gpu-sweep-cli-');
    const file = smallSweep(dir, { tstop_ms: 10, amps: [0.1] });
    const r = await runCli(['sweep', file, '--out', join(dir, 'g'), '--backend', 'gpu'], { DENDRITE_GPU_MODE: '' });
    console.log(r.stderr.trim());
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^dendrite: error: --backend gpu: no GPU: .*Use --backend cpu/);
    expect(existsSync(join(dir, 'g'))).toBe(false);
    // in a test mode the GPU is there, but the base protocol records a current: refused before writing
    const cur = smallSweep(dir, { tstop_ms: 10, amps: [0.1], protocolExtra: { record: [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'ina', at: 'soma[0](0.5)', what: 'ina' }] } });
    const u = await runCli(['sweep', cur, '--out', join(dir, 'u'), '--backend', 'gpu'], { DENDRITE_GPU_MODE: 'emu' });
    expect(u.code).toBe(1);
    expect(u.stderr.trim().split('\n')).toHaveLength(1);
    expect(u.stderr).toMatch(/^dendrite: error: --backend gpu: the gpu backend cannot run this sweep \(run 0: recording an ion variable .*\)\. Use --backend cpu, batch or auto$/m);
    expect(existsSync(join(dir, 'u'))).toBe(false);
    const bad = await runCli(['sweep', file, '--out', join(dir, 'p'), '--backend', 'gpux']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--backend: expected cpu, batch, gpu or auto, got "gpux"/);
  }, 120_000);

  it('gpu in a test mode says what ran; auto without a GPU chooses the cpu, says why, records it, and equals --backend cpu', async (ctx) => {
    if (realGpu) {
      console.log(`skipped: this machine has a GPU (${realGpu})`);
      ctx.skip();
    }
    const dir = tempDir('gpu-sweep-cli-');
    const file = smallSweep(dir, { tstop_ms: 20, amps: [0.1, 0.3] });
    const g = await runCli(['sweep', file, '--out', join(dir, 'g'), '--backend', 'gpu'], { DENDRITE_GPU_MODE: 'emu' });
    expect(g.code, g.stderr).toBe(0);
    expect(g.stderr).toMatch(/^dendrite: backend gpu: CPU, strict float32 emulation .*\(float32; asked for \(--backend gpu\)\)$/m);
    expect(g.stderr).toMatch(/ran on: gpu 4/);
    const a = await runCli(['sweep', file, '--out', join(dir, 'a'), '--backend', 'auto', '--jobs', '1'], { DENDRITE_GPU_MODE: 'emu' });
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/^dendrite: backend auto: chose cpu: no GPU: .*; the cpu backend on worker threads$/m);
    const recs = ledgerRecords(join(dir, 'a'));
    expect(recs).toHaveLength(4);
    expect(recs.every((r) => r.backend === 'cpu' && /^auto: no GPU: /.test(r.backend_reason ?? ''))).toBe(true);
    const c = await runCli(['sweep', file, '--out', join(dir, 'c'), '--jobs', '1', '--quiet']);
    expect(c.code).toBe(0);
    expect(csvWithoutTiming(readFileSync(join(dir, 'a', 'results.csv'), 'utf8'))).toBe(csvWithoutTiming(readFileSync(join(dir, 'c', 'results.csv'), 'utf8')));
    const st = await runCli(['sweep', 'status', join(dir, 'g')]);
    expect(st.stdout).toMatch(/^backends gpu 4$/m);
    expect(st.stdout).toMatch(/^gpu CPU, strict float32 emulation/m);
  }, 120_000);
});
