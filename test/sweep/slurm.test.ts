/**
 * A sweep on a real Slurm (docs/cluster.md): the job array script of examples/cluster/ over a
 * 12-run sweep of a ball-and-stick cell, 4 array tasks. One task dies before Dendrite starts (a
 * simulated node failure), so its runs are missing: `sweep status` must list exactly that shard's
 * runs and `sweep collect` must refuse. Resubmitting that task alone (`--array=K` with SHARDS=4)
 * completes the sweep, and the collected results.csv must equal a local `dendrite sweep` of the
 * same file in every column but wall_s.
 *
 * Needs a running Slurm (`sinfo` answers with an idle node): scripts/slurm/start-single-node.sh
 * starts one (as root; .ci/run does so where it can). Otherwise the test prints why and skips.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from '../helpers/cli-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SBATCH = join(ROOT, 'examples/cluster/sweep-array.sbatch');
const SHARDS = 4;
const FAIL_TASK = 2;

/** Why Slurm cannot be used here, or null when `sinfo` shows a node that takes jobs. */
function slurmUnavailable(): string | null {
  const r = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? 'sinfo not found: Slurm is not installed (scripts/slurm/start-single-node.sh, as root, installs and starts it)'
      : `sinfo failed: ${r.error.message}`;
  }
  if (r.status !== 0) return `sinfo exited with ${r.status}: ${r.stderr.trim().split('\n').pop()} (is slurmctld running? scripts/slurm/start-single-node.sh)`;
  const states = r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  if (!states.some((s) => /^(idle|mix|alloc|comp)/.test(s))) return `no Slurm node takes jobs (sinfo states: ${states.join(', ') || 'none'})`;
  if (spawnSync('sbatch', ['--version'], { encoding: 'utf8' }).status !== 0) return 'sbatch not available';
  return null;
}

const why = slurmUnavailable();
if (why !== null) console.log(`Slurm sweep test skipped: ${why}`);

/** Newest modification time of the .ts files under a folder. */
function newestTs(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    if (f.isDirectory()) t = Math.max(t, newestTs(p));
    else if (f.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/**
 * How to start the CLI as a real process from anywhere (the Slurm job has its own working folder
 * and environment): the compiled package when dist/ is newer than every source file, else the
 * TypeScript sources through tsx (absolute paths throughout).
 */
function cliCommand(): { argv: string[]; how: string } {
  const dist = join(ROOT, 'dist/cli/main.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= Math.max(newestTs(join(ROOT, 'src')), newestTs(join(ROOT, 'cli')))) {
    return { argv: [process.execPath, join(ROOT, 'bin/dendrite.mjs')], how: 'compiled dist/' };
  }
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { argv: [process.execPath, '--import', tsx, CLI_ENTRY], how: 'TypeScript sources via tsx (test/helpers/cli-entry.ts)' };
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A plain environment for sbatch (the job inherits it): nothing of vitest's. */
function jobEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8' };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return { ...env, ...extra };
}

/** `sbatch --wait`: resolves with its exit status; on timeout cancels the job and rejects. */
function sbatchWait(args: string[], env: NodeJS.ProcessEnv, timeout_ms: number): Promise<{ status: number; jobId: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('sbatch', ['--wait', '--parsable', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      const id = /^(\d+)/.exec(out.trim())?.[1];
      if (id) spawnSync('scancel', [id]);
      p.kill();
      reject(new Error(`sbatch ${args.join(' ')} did not finish in ${timeout_ms / 1000} s (job ${id ?? '?'} cancelled); stderr: ${err}`));
    }, timeout_ms);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status: status ?? -1, jobId: /^(\d+)/.exec(out.trim())?.[1] ?? '', stderr: err });
    });
  });
}

function readCsv(file: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  // The results hold numbers, run states and short error texts; no quoted commas in this sweep.
  const [header, ...rows] = lines.map((l) => l.split(','));
  return { header, rows };
}

function withoutColumn(t: { header: string[]; rows: string[][] }, name: string): { header: string[]; rows: string[][] } {
  const k = t.header.indexOf(name);
  expect(k).toBeGreaterThanOrEqual(0);
  return { header: t.header.filter((_, i) => i !== k), rows: t.rows.map((r) => r.filter((_, i) => i !== k)) };
}

describe.skipIf(why !== null)('a sweep as a Slurm job array', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dendrite-slurm-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a lost task is resubmitted alone and the collected results equal a local run', async () => {
    // Model and sweep: 4 current amplitudes (0 among them) x 3 sodium densities on a ball-and-stick cell, 50 ms.
    const protocol = {
      description: 'Slurm test: ball-and-stick cell, hh soma, passive dendrite, soma current step.',
      morphology: join(ROOT, 'fixtures/morphologies/ball_and_stick.swc'),
      discretization: { nseg: 11, sections: { soma: 1 } },
      biophysics: {
        cm_uF_per_cm2: 1,
        Ra_ohm_cm: 100,
        v_init_mV: -65,
        celsius: 6.3,
        mechanisms: [
          { name: 'pas', region: 'dend', params: { g: 1e-4, e: -65 } },
          { name: 'hh', region: 'soma', params: { gnabar: 0.12 } },
        ],
      },
      stimuli: [{ type: 'iclamp', at: 'soma[0](0.5)', delay_ms: 5, dur_ms: 40, amp_nA: 0.1 }],
      record: [{ label: 'soma', at: 'soma[0](0.5)' }],
      run: { tstop_ms: 50, dt_ms: 0.025 },
    };
    const sweep = {
      protocol: 'cell.json',
      parameters: [
        { name: 'amp', path: '$.stimuli[0].amp_nA', values: [0, 0.2, 0.4, 0.8] },
        { name: 'gnabar', path: '$.biophysics.mechanisms[name=hh].params.gnabar', values: [0.08, 0.12, 0.16] },
      ],
      measures: [
        { name: 'spikes', feature: 'spike_count', probe: 'soma', window_ms: [0, 50] },
        { name: 'v_peak', feature: 'peak', probe: 'soma', window_ms: [0, 50] },
      ],
    };
    const total = 12;
    writeFileSync(join(tmp, 'cell.json'), JSON.stringify(protocol, null, 1));
    const sweepFile = join(tmp, 'sweep.json');
    writeFileSync(sweepFile, JSON.stringify(sweep, null, 1));
    const out = join(tmp, 'out');
    const cli = cliCommand();
    console.log(`Slurm sweep test: CLI from ${cli.how}`);

    // The command each array task runs. Task FAIL_TASK exits 1 the first time, before Dendrite
    // starts, as if its node had died: its runs stay missing until it is resubmitted.
    const marker = join(tmp, 'task-failed-once');
    const wrapper = join(tmp, 'dendrite-flaky.sh');
    writeFileSync(
      wrapper,
      [
        '#!/bin/bash',
        '# Simulated node failure: the first attempt of one array task dies before Dendrite starts.',
        `if [ "$SLURM_ARRAY_TASK_ID" = ${FAIL_TASK} ] && [ ! -e ${sh(marker)} ]; then`,
        `  touch ${sh(marker)}`,
        '  echo "simulated node failure (task $SLURM_ARRAY_TASK_ID)" >&2',
        '  exit 1',
        'fi',
        `exec ${cli.argv.map(sh).join(' ')} "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(wrapper, 0o755);
    const env = jobEnv({ SWEEP: sweepFile, OUT: out, SHARDS: String(SHARDS), DENDRITE: wrapper });
    const logs = (job: string) => `--output=${join(tmp, `${job}-%A_%a.out`)}`;
    const taskLog = (job: string, jobId: string, task: number) => readFileSync(join(tmp, `${job}-${jobId}_${task}.out`), 'utf8');

    const dendrite = (...args: string[]) => {
      const r = spawnSync(cli.argv[0], [...cli.argv.slice(1), ...args], { encoding: 'utf8', timeout: 300_000, cwd: tmp, env: { ...process.env, NODE_OPTIONS: '' } });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const status = () => {
      const r = dendrite('sweep', 'status', out, '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout) as { total: number; done: number; failed: number; missing: number; missing_runs: number[] };
    };

    // 1. The whole array: one task fails, sbatch --wait says so.
    const first = await sbatchWait([`--array=0-${SHARDS - 1}`, `--chdir=${tmp}`, logs('first'), SBATCH], env, 300_000);
    expect(first.status, `sbatch --wait of the array: ${first.stderr}`).not.toBe(0);
    expect(taskLog('first', first.jobId, FAIL_TASK)).toContain('simulated node failure');
    for (let t = 0; t < SHARDS; t++) {
      if (t !== FAIL_TASK) expect(taskLog('first', first.jobId, t)).not.toMatch(/error/i);
    }

    // 2. The ledgers know exactly which runs are missing: those of the lost shard.
    const lost = Array.from({ length: total }, (_, i) => i).filter((i) => i % SHARDS === FAIL_TASK);
    const s1 = status();
    expect(s1).toMatchObject({ total, done: total - lost.length, failed: 0, missing: lost.length });
    expect([...s1.missing_runs].sort((a, b) => a - b)).toEqual(lost);
    const early = dendrite('sweep', 'collect', out);
    expect(early.status).toBe(1);
    expect(`${early.stdout}${early.stderr}`).toMatch(new RegExp(`${lost.length}\\b.*missing|missing.*\\b${lost.length}\\b`));

    // 3. Resubmit the lost task alone; the sweep is complete.
    const again = await sbatchWait([`--array=${FAIL_TASK}`, `--chdir=${tmp}`, logs('again'), SBATCH], env, 300_000);
    expect(again.status, `resubmitted task: ${again.stderr}\n${taskLog('again', again.jobId, FAIL_TASK)}`).toBe(0);
    expect(status()).toMatchObject({ total, done: total, failed: 0, missing: 0, missing_runs: [] });
    const collected = dendrite('sweep', 'collect', out);
    expect(collected.status, collected.stderr).toBe(0);
    expect(existsSync(join(out, 'results.parquet'))).toBe(true);

    // 4. The same sweep locally, in one process; same table but for the wall times.
    const local = join(tmp, 'local');
    const lr = dendrite('sweep', sweepFile, '--out', local, '--jobs', '1', '--quiet');
    expect(lr.status, lr.stderr).toBe(0);
    const cluster = withoutColumn(readCsv(join(out, 'results.csv')), 'wall_s');
    const single = withoutColumn(readCsv(join(local, 'results.csv')), 'wall_s');
    expect(cluster.header).toEqual(expect.arrayContaining(['run', 'status', 'amp', 'gnabar', 'spikes', 'v_peak']));
    expect(cluster.rows).toHaveLength(total);
    expect(cluster).toEqual(single);
    // The table is the sweep's: every run ok, in run order, and the spike counts respond to the current.
    const col = (name: string) => cluster.rows.map((r) => r[cluster.header.indexOf(name)]);
    expect(col('run').map(Number)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(new Set(col('status'))).toEqual(new Set(['ok']));
    const spikes = col('spikes').map(Number);
    expect(Math.min(...spikes)).toBe(0);
    expect(Math.max(...spikes)).toBeGreaterThan(1);
  }, 900_000);
});
