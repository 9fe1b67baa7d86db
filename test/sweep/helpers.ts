/** Helpers for the sweep tests: temporary sweep files, the CLI as a real process, reading results back. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects } from 'hyparquet';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A fast sweep for engine tests: the ball-and-stick cell of fixtures/sweeps/fi_base.json for
 * `tstop_ms`, gnabar × amplitude; written into `dir` with its base protocol. Returns the sweep file.
 */
export function smallSweep(dir: string, o: { gna?: number[]; amps?: number[]; tstop_ms?: number; extra?: object; protocolExtra?: object } = {}): string {
  const base = JSON.parse(readFileSync(join(ROOT, 'fixtures/sweeps/fi_base.json'), 'utf8'));
  base.morphology = resolve(ROOT, 'fixtures/morphologies/ball_and_stick.swc');
  base.run = { tstop_ms: o.tstop_ms ?? 40, dt_ms: 0.05, record_dt_ms: 0.5 };
  base.stimuli[0].dur_ms = 100;
  Object.assign(base, o.protocolExtra ?? {});
  writeFileSync(join(dir, 'base.json'), JSON.stringify(base));
  const sweep = {
    protocol: 'base.json',
    parameters: [
      { name: 'gna', path: '$.biophysics.mechanisms[name=hh].params.gnabar', values: o.gna ?? [0.1, 0.12] },
      { name: 'amp', path: '$.stimuli[0].amp_nA', values: o.amps ?? [0, 0.05, 0.1, 0.15, 0.2] },
    ],
    measures: [
      { name: 'n_spikes', feature: 'spike_count', probe: 'soma', window_ms: [10, 40] },
      { name: 'v_peak', feature: 'peak', probe: 'soma' },
      { name: 'latency', feature: 'first_spike_latency', probe: 'soma', window_ms: [10, 40] },
    ],
    ...(o.extra ?? {}),
  };
  const f = join(dir, 'sweep.json');
  writeFileSync(f, JSON.stringify(sweep));
  return f;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `dendrite ARGS` as a real process, from the TypeScript sources. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', TSX, ENTRY, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<CliResult>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return spawnCli(args, env).done;
}

/** results.parquet read back with hyparquet (an independent reader), as row objects. */
export async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const buf = readFileSync(path);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return (await parquetReadObjects({ file })) as Record<string, unknown>[];
}

/** The CSV without its wall_s column (the last; the only one that may differ between two runs of a sweep). */
export function csvWithoutTiming(text: string): string {
  const lines = text.trimEnd().split('\n');
  if (!lines[0].endsWith(',wall_s')) throw new Error(`wall_s is not the last column: ${lines[0]}`);
  return lines.map((l) => l.replace(/,[^,]*$/, '')).join('\n');
}
