/**
 * `dendrite sweep`: run a sweep file (docs/sweeps.md) on worker threads into a resumable folder;
 * `dendrite sweep collect DIR` and `dendrite sweep status DIR` for folders filled by shards.
 * Thin: the engine is src/sweep. Registration imports only commander types; the implementation is
 * imported when the command runs (cli/main.ts's rule for a fast `dendrite --help`).
 */
import type { Command } from 'commander';
import { constants } from 'node:os';
import { UserError } from '../src/errors.ts';

export interface SweepFlags {
  out?: string;
  jobs?: string;
  shard?: string;
  array?: boolean;
  shards?: string;
  retryFailed?: boolean;
  quiet?: boolean;
  json?: boolean;
  listFeatures?: boolean;
  backend?: string;
  arithmetic?: string;
}

type Io = { out: (s: string) => void; err: (s: string) => void };

function positiveInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1) throw new UserError(`${flag}: expected a whole number >= 1, got "${v}"`);
  return Number(v);
}

/** `--shard I/N` or `--array [--shards N]` (Slurm job arrays, Kubernetes Indexed Jobs) → {index, count}. */
export function shardFromFlags(flags: SweepFlags, env: NodeJS.ProcessEnv = process.env): { index: number; count: number } | undefined {
  if (flags.shard !== undefined && flags.array) throw new UserError('--shard and --array: give one of them');
  if (flags.shards !== undefined && !flags.array) throw new UserError('--shards goes with --array (with --shard write I/N)');
  if (flags.shard !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(flags.shard);
    if (!m) throw new UserError(`--shard: expected I/N with I from 0 to N-1, e.g. --shard 0/4, got "${flags.shard}"`);
    const index = Number(m[1]), count = Number(m[2]);
    if (count < 1 || index >= count) throw new UserError(`--shard ${flags.shard}: I must be from 0 to N-1 (0-based), N at least 1`);
    return { index, count };
  }
  if (!flags.array) return undefined;
  const shards = flags.shards === undefined ? undefined : positiveInt('--shards', flags.shards);
  const int = (name: string): number => {
    const v = env[name]!;
    if (!/^\d+$/.test(v.trim())) throw new UserError(`--array: ${name} is "${v}", expected a whole number`);
    return Number(v);
  };
  let index: number, count: number;
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    if (shards !== undefined) {
      // The task id is the shard: a lost task resubmitted alone (sbatch --array=5) still runs shard 5 of N.
      index = int('SLURM_ARRAY_TASK_ID');
      count = shards;
    } else {
      if (env.SLURM_ARRAY_TASK_COUNT === undefined) throw new UserError('--array: SLURM_ARRAY_TASK_COUNT is not set; give --shards N');
      index = int('SLURM_ARRAY_TASK_ID') - (env.SLURM_ARRAY_TASK_MIN !== undefined ? int('SLURM_ARRAY_TASK_MIN') : 0);
      count = int('SLURM_ARRAY_TASK_COUNT');
    }
  } else if (env.JOB_COMPLETION_INDEX !== undefined) {
    index = int('JOB_COMPLETION_INDEX');
    if (shards === undefined) throw new UserError('--array with JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) needs --shards N (the Job\'s completions)');
    count = shards;
  } else {
    throw new UserError('--array: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; use --shard I/N to pick a share by hand');
  }
  if (index < 0 || index >= count) throw new UserError(`--array: task ${index} of ${count} is out of range (0 to ${count - 1}); is the array contiguous (no :step)?`);
  return { index, count };
}

async function runCommand(file: string, flags: SweepFlags, io: Io): Promise<void> {
  if (!flags.out) throw new UserError('dendrite sweep SWEEP.json needs --out DIR (the sweep folder; the same command on the same folder resumes)');
  const shard = shardFromFlags(flags);
  const jobs = flags.jobs === undefined ? undefined : positiveInt('--jobs', flags.jobs);
  const backend = (flags.backend ?? 'cpu').trim().toLowerCase();
  if (backend !== 'cpu' && backend !== 'batch' && backend !== 'gpu' && backend !== 'auto') throw new UserError(`--backend: expected cpu, batch, gpu or auto, got "${flags.backend}"`);
  const arithmetic = flags.arithmetic === undefined ? undefined : flags.arithmetic.trim().toLowerCase();
  if (arithmetic !== undefined && arithmetic !== 'exact' && arithmetic !== 'fast') throw new UserError(`--arithmetic: expected exact or fast, got "${flags.arithmetic}"`);
  if (arithmetic === 'fast' && backend !== 'batch') throw new UserError(`--arithmetic fast is for --backend batch (got --backend ${backend})`);
  const { loadSweep, runSweep, dendriteVersion } = await import('../src/sweep/index.ts');
  const { renderBar, formatDuration } = await import('../src/io/progress.ts');
  const spec = loadSweep(file);
  const tty = !flags.quiet && process.stderr.isTTY === true;
  let lastDraw = -Infinity;
  const firstFailures: { run: number; params: Record<string, number | string>; error: string | null }[] = [];
  let drawn = false;
  let recorded = 0;
  let firstDone_s = 0;
  // Ctrl-C, or a scheduler's SIGTERM: every finished run is already on disk; say how to go on.
  const { interruptible, sweepInterruptedMessage } = await import('./interrupt.ts');
  const { status } = await import('../src/sweep/index.ts');
  // how many runs the folder keeps (all ledgers), and the exact command that resumes (cli/interrupt.ts)
  const stopped = (sig: NodeJS.Signals) => `${drawn ? '\r\x1b[K' : ''}${sweepInterruptedMessage(sig, flags.out!, recorded, () => status(flags.out!))}`;
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`${stopped(sig)}\n`);
    process.exit(128 + (constants.signals[sig] ?? 0));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.on(sig, onSignal);
  let summary;
  try {
    summary = await runSweep(spec, {
      out: flags.out,
      jobs,
      shard,
      retryFailed: flags.retryFailed,
      backend,
      ...(arithmetic !== undefined ? { arithmetic } : {}),
      // --backend batch --jobs 1 computes in this thread: Ctrl-C stops a batch at once (the listeners run between batches)
      compute: (f) => interruptible(f, stopped),
      version: dendriteVersion(),
      log: flags.quiet ? undefined : (m) => io.err(`dendrite: note: ${m}`),
      onBackend: (c) => {
        if (flags.quiet) return;
        if (c.backend === 'gpu') io.err(`dendrite: backend ${c.requested === 'auto' ? 'auto: chose gpu' : 'gpu'}: ${c.ran} (float32; ${c.why})`);
        else io.err(`dendrite: backend auto: chose cpu: ${c.why}`);
      },
      onProgress: (p) => {
        recorded = p.ran;
        if (p.last && p.last.status !== 'ok' && firstFailures.length < 3) firstFailures.push(p.last);
        if (!tty) return;
        const now = performance.now();
        if (now - lastDraw < 100 && p.ran < p.todo) return;
        lastDraw = now;
        drawn = true;
        if (p.ran === 1) firstDone_s = p.elapsed_s;
        const label = `sweep ${p.before + p.ran}/${p.share}${p.failed > 0 ? ` (${p.failed} failed)` : ''}`;
        // time left from the pace since the first run ended (starting the workers is not a run)
        const left = p.ran >= 2 ? `, ~${formatDuration(((p.todo - p.ran) * (p.elapsed_s - firstDone_s)) / (p.ran - 1))} left` : '';
        const bar = renderBar(label, p.ran / p.todo, p.elapsed_s, (process.stderr.columns || 80) - 8).replace(/, ~.* left$/, '') + left;
        process.stderr.write('\r' + bar + '\x1b[K');
      },
    });
  } finally {
    for (const sig of signals) process.removeListener(sig, onSignal);
  }
  if (drawn) process.stderr.write('\r\x1b[K');
  if (flags.quiet) return;
  const who = shard && shard.count > 1 ? `shard ${shard.index}/${shard.count}: ` : '';
  const failed = summary.failed + summary.unstable;
  const before = summary.before > 0 ? ` (${summary.before} recorded before)` : '';
  io.err(
    `${who}${summary.share} runs${before}: ran ${summary.ran} in ${formatDuration(summary.wall_s)}, ${summary.ok} ok` +
      `${summary.failed > 0 ? `, ${summary.failed} failed` : ''}${summary.unstable > 0 ? `, ${summary.unstable} unstable` : ''}`,
  );
  for (const f of firstFailures) {
    const values = Object.entries(f.params).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : v}`).join(', ');
    io.err(`  run ${f.run} (${values}): ${f.error}`);
  }
  if (failed > firstFailures.length) io.err(`  ... the status and error columns of the results list every failed run`);
  const refused = summary.gpuRefused ?? [];
  if (backend === 'auto' && refused.length > 0) {
    io.err(`  ${refused.length} run${refused.length > 1 ? 's' : ''} the gpu backend cannot run went to the cpu backend (run ${refused[0].run}: ${refused[0].reason}); their records say so`);
  }
  const by = Object.entries(summary.backends);
  if (backend !== 'cpu' && by.length > 0) io.err(`  ran on: ${by.map(([b, n]) => `${b} ${n}${b === 'batch' && arithmetic === 'fast' ? ' (fast arithmetic)' : ''}`).join(', ')}`);
  if (summary.written.length > 0) io.err(`wrote ${summary.written.map((f) => `${flags.out}/${f}`).join(', ')}`);
  else if (shard && shard.count > 1) io.err(`when every shard has finished: dendrite sweep collect ${flags.out}`);
  else if (!summary.complete) io.err(`not complete; see dendrite sweep status ${flags.out}`);
}

/** Writes the results; a UserError (exit 1) after writing them when runs are missing. */
async function collectCommand(dir: string, io: Io, quiet: boolean): Promise<void> {
  const { collect } = await import('../src/sweep/index.ts');
  const { written, status } = collect(dir);
  if (!quiet) {
    io.err(`${status.total} runs: ${status.done} ok, ${status.failed} failed, ${status.missing} missing`);
    io.err(`wrote ${written.map((f) => `${dir}/${f}`).join(', ')}`);
  }
  if (status.missing > 0) {
    throw new UserError(`${status.missing} of ${status.total} runs are missing (e.g. run ${status.missing_runs.slice(0, 5).join(', ')}); the results hold the others. Run the missing shards, or the unsharded sweep on ${dir}, then collect again`);
  }
}

async function statusCommand(dir: string, io: Io, json: boolean): Promise<void> {
  const { status } = await import('../src/sweep/index.ts');
  const s = status(dir);
  if (json) io.out(JSON.stringify(s));
  else {
    const by = Object.entries(s.backends).map(([b, n]) => `${b} ${n}`).join(', ');
    io.out(`total ${s.total}\ndone ${s.done}\nfailed ${s.failed}\nmissing ${s.missing}${by ? `\nbackends ${by}` : ''}${s.gpu.map((g) => `\ngpu ${g}`).join('')}`);
  }
}

async function listFeatures(io: Io): Promise<void> {
  const { FEATURES } = await import('../src/sweep/features.ts');
  const w = Math.max(...FEATURES.map((f) => f.name.length));
  for (const f of FEATURES) {
    const unit = f.unit('U').replace(/U/g, "probe's unit");
    const needs = f.needs.length > 0 ? ` (needs ${f.needs.join(', ')})` : '';
    io.out(`${f.name.padEnd(w)}  [${unit}]  ${f.description}${needs}`);
  }
  io.out('\nEvery feature takes "window_ms": [from, to] (default the whole run) and "relative_to": PROBE (the ratio of the feature at the two probes).');
}

export function registerSweep(program: Command, io: Io): void {
  program
    .command('sweep')
    .description('run every variant of a sweep file (docs/sweeps.md) on worker threads into a resumable folder; `sweep collect DIR` merges shards\' ledgers into results; `sweep status DIR` counts runs')
    .usage('SWEEP.json --out DIR [options]  |  collect DIR  |  status DIR [--json]  |  --list-features')
    .argument('[sweep]', 'sweep file (JSON), or "collect" / "status"')
    .argument('[dir]', 'with collect / status: the sweep folder')
    .option('-o, --out <dir>', 'the sweep folder: created, or resumed (the same sweep file only); results.parquet and results.csv when complete')
    .option('-j, --jobs <n>', 'worker threads (default: the number of CPU cores)')
    .option('--backend <name>', 'cpu (default): one run at a time per worker; batch: runs sharing morphology and discretization in lock-step batches (src/solvers/batch), in chunks on --jobs worker threads (--jobs 1: in this thread); gpu: runs grouped into float32 batches on the GPU backend (docs/gpu.md; no GPU: error, nothing written; runs it cannot run are recorded failed with the reason); auto: gpu when a real GPU runs the sweep, else cpu, and says why. The ledger records which backend ran each run')
    .option('--arithmetic <mode>', 'with --backend batch: exact (default; every run equals the cpu backend bit for bit) or fast (divisions taken out of the generated kernels: faster, traces within 1e-9 mV of the cpu backend on the tests, docs/batch.md); the ledger records it')
    .option('--shard <i/n>', 'run only share I of N (I from 0): runs r with r mod N = I; shards may share one --out folder')
    .option('--array', 'take the share from a Slurm job array (I = SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, N = SLURM_ARRAY_TASK_COUNT; with --shards N: I = SLURM_ARRAY_TASK_ID, so a resubmitted task keeps its shard) or a Kubernetes Indexed Job (I = JOB_COMPLETION_INDEX, N from --shards)')
    .option('--shards <n>', 'with --array: the number of shards (required for Kubernetes; with Slurm, the task id is then the shard)')
    .option('--retry-failed', 'also run again the runs recorded as failed')
    .option('--json', 'with status: print JSON {total, done, failed, missing, missing_runs, backends, gpu} (backends: recorded runs by the backend that ran them; gpu: what ran the GPU runs)')
    .option('--list-features', 'print the measure catalogue with units')
    .option('-q, --quiet', 'no progress bar or summary; errors only')
    .action(async (first: string | undefined, dir: string | undefined, flags: SweepFlags) => {
      if (flags.listFeatures) return listFeatures(io);
      if (first === undefined) throw new UserError('dendrite sweep: give a sweep file (dendrite sweep SWEEP.json --out DIR), or collect DIR, or status DIR');
      if (first === 'collect' || first === 'status') {
        if (dir === undefined) throw new UserError(`dendrite sweep ${first} DIR: give the sweep folder`);
        if (first === 'status') return statusCommand(dir, io, Boolean(flags.json));
        return collectCommand(dir, io, Boolean(flags.quiet));
      }
      if (dir !== undefined) throw new UserError(`dendrite sweep ${first} ${dir}: one sweep file at a time (the folder goes after --out)`);
      await runCommand(first, flags, io);
    });
}
