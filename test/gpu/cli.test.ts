/**
 * `dendrite run --backend cpu|gpu|auto` as a process, on a machine without a GPU (CI): `gpu` stops
 * with one clear line and exit 1 (skipped, with the reason printed, where a real GPU is visible);
 * `auto` says it chose the CPU and why, and run.json records it; the test mode
 * DENDRITE_GPU_MODE=cpu runs the GPU kernels through gpu.js's CPU mode and run.json says what ran;
 * a model the GPU backend cannot run is refused with the reason; an unknown backend is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_ENTRY, ROOT } from '../helpers/cli-process.ts';
import { adapterString, isSoftwareAdapter, probeWebGpu } from '../../src/solvers/gpu/index.ts';

const TSX = import.meta.resolve('tsx');

function dendrite(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', TSX, CLI_ENTRY, ...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', DENDRITE_GPU_MODE: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir = '';
let protocol = '';
let gpuPresent: string | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dendrite-gpu-cli-'));
  const p = JSON.parse(readFileSync(fileURLToPath(new URL('./hh_ball_and_stick.json', import.meta.url)), 'utf8'));
  p.morphology = fileURLToPath(new URL('../../fixtures/morphologies/ball_and_stick.swc', import.meta.url));
  p.run.tstop_ms = 30;
  protocol = join(dir, 'hh.json');
  writeFileSync(protocol, JSON.stringify(p));
  const a = await probeWebGpu(false);
  if (typeof a !== 'string' && !isSoftwareAdapter(a)) gpuPresent = adapterString(a);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dendrite run --backend', () => {
  it('gpu without a GPU: one line, exit 1, no output folder', async (ctx) => {
    if (gpuPresent) {
      console.log(`skipped: this machine has a GPU (${gpuPresent})`);
      ctx.skip();
    }
    const r = await dendrite(['run', protocol, '--out', join(dir, 'g'), '--backend', 'gpu']);
    const lines = r.stderr.trim().split('\n');
    console.log(r.stderr.trim());
    expect(r.code).toBe(1);
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^dendrite: error: --backend gpu: no GPU: .*Use --backend cpu/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'g'))).toBe(false);
  });

  it('auto without a GPU chooses the CPU and says why; run.json records it', async (ctx) => {
    if (gpuPresent) {
      console.log(`skipped: this machine has a GPU (${gpuPresent})`);
      ctx.skip();
    }
    const out = join(dir, 'auto');
    const r = await dendrite(['run', protocol, '--out', out, '--backend', 'auto']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dendrite: backend auto: chose cpu: no GPU: /);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.backend).toBe('cpu');
    expect(run.backend_requested).toBe('auto');
    expect(run.backend_reason).toMatch(/^no GPU: /);
  });

  it('DENDRITE_GPU_MODE=cpu runs the GPU kernels in gpu.js CPU mode, says so, and matches the CPU backend', async () => {
    const [gpu, cpu] = await Promise.all([
      dendrite(['run', protocol, '--out', join(dir, 'test-mode'), '--backend', 'gpu'], { DENDRITE_GPU_MODE: 'cpu' }),
      dendrite(['run', protocol, '--out', join(dir, 'cpu'), '-q']),
    ]);
    expect(gpu.code).toBe(0);
    expect(cpu.code).toBe(0);
    expect(gpu.stderr).toMatch(/dendrite: backend gpu: gpu\.js 2\.24\.1 mode cpu \(test mode DENDRITE_GPU_MODE=cpu: .*not a GPU\)/);
    const a = JSON.parse(readFileSync(join(dir, 'test-mode', 'run.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(dir, 'cpu', 'run.json'), 'utf8'));
    expect(a.backend).toBe('gpu');
    expect(a.gpu.executor).toBe('gpujs-cpu');
    expect(a.gpu.precision).toBe('float32');
    expect(b.backend).toBe('cpu');
    for (let k = 0; k < b.probes.length; k++) {
      expect(a.probes[k].spike_count).toBe(b.probes[k].spike_count);
      expect(b.probes[k].spike_count).toBeGreaterThan(0);
    }
  });

  it('refuses a model the GPU backend cannot run (a stimulus current recorded), and an unknown backend', async () => {
    const [r, s] = await Promise.all([
      dendrite(['run', 'fixtures/protocols/pulse_train_ball_and_stick.json', '--out', join(dir, 'x'), '--backend', 'gpu'], { DENDRITE_GPU_MODE: 'cpu' }),
      dendrite(['run', protocol, '--out', join(dir, 'y'), '--backend', 'tpu']),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^dendrite: error: --backend gpu: the gpu backend cannot run this model: .*Use --backend cpu$/);
    expect(s.code).toBe(1);
    expect(s.stderr.trim()).toBe('dendrite: error: --backend: "tpu" is not one of cpu, gpu, auto');
  });
});
