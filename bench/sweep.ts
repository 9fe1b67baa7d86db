/**
 * Sweep benchmarks of `npm run bench` (run.ts dispatches here; `npm run bench -- sweep` runs all
 * three). Every measurement is a real `dendrite sweep` process, timed from spawn to exit (Node
 * start-up, sweep expansion, workers, model builds, runs, ledgers and results all inside), into a
 * fresh output folder under bench/out/.
 *
 * - sweep-jobs: bench/protocols/sweep64_c91662.json (64 variants of the 2048-compartment CA1 cell,
 *   50 ms each) with --jobs 1 and --jobs 2, interleaved; throughput = runs / wall. Target: --jobs 2
 *   at least 1.8x the throughput of --jobs 1. Both results tables must agree but for wall_s.
 * - sweep-overhead: sweep16_c91662_hh_2048.json (the cell2048-hh benchmark 16 times) with --jobs 1,
 *   interleaved with plain simulate() runs of cell2048-hh (bench/child.ts, setup + run, as in the
 *   simulation benchmarks). Overhead = sweep wall / 16 - simulate wall, as a fraction of the
 *   simulate wall. Target <= 5 %.
 * - sweep-neuron: the 64 variants of sweep-jobs, `dendrite sweep --jobs 2` against NEURON with one
 *   /usr/bin/python3 process per core (bench/neuron/sweep.py; each builds the cell once and runs
 *   its half of the variants), both timed from spawn to the last exit, interleaved. The soma's
 *   peak voltage of every variant must equal NEURON's (within 1e-6 mV).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BENCH = fileURLToPath(new URL('./', import.meta.url));
const OUT = join(BENCH, 'out');
const PROTOCOLS = join(BENCH, 'protocols');
const SWEEP64 = join(PROTOCOLS, 'sweep64_c91662.json');
const SWEEP16 = join(PROTOCOLS, 'sweep16_c91662_hh_2048.json');
const NEURON_SWEEP_PY = join(BENCH, 'neuron', 'sweep.py');

export interface SweepCase {
  kind: 'sweep';
  name: 'sweep-jobs' | 'sweep-overhead' | 'sweep-neuron' | 'sweep-backends';
  title: string;
}

export const SWEEP_CASES: SweepCase[] = [
  {
    kind: 'sweep',
    name: 'sweep-jobs',
    title: 'dendrite sweep, 64 variants (8 gnabar x 8 amp) of the 2048-compartment CA1 cell, 50 ms each: --jobs 2 against --jobs 1',
  },
  {
    kind: 'sweep',
    name: 'sweep-overhead',
    title: 'dendrite sweep --jobs 1, the cell2048-hh benchmark 16 times: wall per run against a plain simulate() of it',
  },
  {
    kind: 'sweep',
    name: 'sweep-backends',
    title: 'the 64 variants of sweep-jobs, --jobs 2: --backend batch (exact, and --arithmetic fast) against --backend cpu',
  },
  {
    kind: 'sweep',
    name: 'sweep-neuron',
    title: 'the 64 variants of sweep-jobs: dendrite sweep --jobs 2 against NEURON, one python3 process per core',
  },
];

/** The group name that selects every sweep case. */
export const SWEEP_GROUP = 'sweep';

export interface SweepResult {
  name: string;
  kind: 'sweep';
  title: string;
  runs: number;
  repeats: number;
  /** How the CLI was started: compiled dist/ or the sources through tsx. */
  cli: string;
  /** sweep-jobs: wall_s per --jobs value; sweep-neuron: ours (--jobs 2) and NEURON. */
  sides: Record<string, { wall_s: number[]; median_wall_s: number; min_wall_s: number; runs_per_s: number; cpu_s?: number[]; median_cpu_s?: number }>;
  /** sweep-jobs: throughput(--jobs 2)/throughput(--jobs 1); sweep-neuron: ours/NEURON throughput. */
  speedup: number | null;
  speedup_of_minima: number | null;
  /** sweep-overhead: (sweep wall per run - simulate wall) / simulate wall. */
  overhead: number | null;
  /** sweep-overhead: median simulate() wall (setup + run) of one cell2048-hh run. */
  simulate_s: number | null;
  target: string;
  target_met: boolean | null;
  /** What was checked about the results (tables agree, spike counts agree). */
  check: string;
  note?: string;
  skipped?: string;
  measured_at: string;
  loadavg_start: number[];
  loadavg_end: number[];
  quick: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

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
 * The `dendrite` command users run: the compiled package (dist/, rebuilt with `npm run build` when
 * missing or older than the sources); the sources through tsx only if that build fails.
 */
function cliCommand(): { argv: string[]; how: string } {
  const dist = join(ROOT, 'dist/cli/main.js');
  const fresh = () => existsSync(dist) && statSync(dist).mtimeMs >= Math.max(newestTs(join(ROOT, 'src')), newestTs(join(ROOT, 'cli')));
  let built = '';
  if (!fresh()) {
    log('dist/ missing or older than the sources: npm run build');
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    built = b.status === 0 ? ', rebuilt for this run' : '';
    if (b.status !== 0) log(`npm run build failed, using the sources through tsx:\n${(b.stdout + b.stderr).slice(-1500)}`);
  }
  if (fresh()) return { argv: [process.execPath, join(ROOT, 'bin/dendrite.mjs')], how: `compiled dist/ (node bin/dendrite.mjs${built})` };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const entry = join(OUT, 'cli-entry.mjs');
  writeFileSync(entry, `const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'cli/main.ts')).href)});\nprocess.exitCode = await main(process.argv);\n`);
  return { argv: [process.execPath, '--import', tsx, entry], how: 'TypeScript sources through tsx (npm run build failed)' };
}

/** bash's `times` line for its children: "0m1.234s 0m0.056s" (user, system) → seconds. */
function parseTimes(line: string): number {
  const m = /^(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s$/.exec(line.trim());
  if (!m) throw new Error(`cannot read CPU times from ${JSON.stringify(line)}`);
  return 60 * Number(m[1]) + Number(m[2]) + 60 * Number(m[3]) + Number(m[4]);
}

/**
 * Run processes at once; resolves with the wall time until the last one exits and the CPU time
 * (user + system, all threads) they used together, read from bash's `times` after each exits.
 */
function timedProcesses(cmds: { cmd: string; args: string[]; who: string }[]): Promise<{ wall_s: number; cpu_s: number }> {
  const t0 = performance.now();
  return Promise.all(
    cmds.map(
      ({ cmd, args, who }) =>
        new Promise<number>((resolve, reject) => {
          const p = spawn('bash', ['-c', '"$@" >/dev/null; st=$?; times; exit $st', 'bash', cmd, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          p.stdout.on('data', (d) => (out += d));
          p.stderr.on('data', (d) => (err += d));
          p.on('error', (e) => reject(new Error(`${who}: ${e.message}`)));
          p.on('close', (code, signal) =>
            code === 0
              ? resolve(parseTimes(out.trim().split('\n').pop() ?? ''))
              : reject(new Error(`${who} exited with ${code}${signal ? ` (${signal})` : ''}:\n${err.slice(-3000)}`)),
          );
        }),
    ),
  ).then((cpu) => ({ wall_s: (performance.now() - t0) / 1000, cpu_s: cpu.reduce((a, b) => a + b, 0) }));
}

interface Table {
  header: string[];
  rows: string[][];
}

function readCsv(file: string): Table {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  const [header, ...rows] = lines.map((l) => l.split(','));
  return { header, rows };
}

function column(t: Table, name: string): string[] {
  const k = t.header.indexOf(name);
  if (k < 0) throw new Error(`results.csv has no column ${name} (columns: ${t.header.join(', ')})`);
  return t.rows.map((r) => r[k]);
}

function withoutWall(t: Table): string {
  const k = t.header.indexOf('wall_s');
  return [t.header, ...t.rows].map((r) => r.filter((_, i) => i !== k).join(',')).join('\n');
}

class Runner {
  readonly cli = cliCommand();
  private n = 0;

  /** One `dendrite sweep` into a fresh folder; returns its wall time and results table. */
  async sweep(file: string, jobs: number, extra: string[] = []): Promise<{ wall_s: number; cpu_s: number; table: Table }> {
    const dir = join(OUT, `sweep-${process.pid}-${this.n++}`);
    rmSync(dir, { recursive: true, force: true });
    const [cmd, ...pre] = this.cli.argv;
    const { wall_s, cpu_s } = await timedProcesses([{ cmd, args: [...pre, 'sweep', file, '--out', dir, '--jobs', String(jobs), ...extra, '--quiet'], who: `dendrite sweep --jobs ${jobs} ${extra.join(' ')}` }]);
    const table = readCsv(join(dir, 'results.csv'));
    rmSync(dir, { recursive: true, force: true });
    const bad = column(table, 'status').filter((s) => s !== 'ok').length;
    if (bad > 0) throw new Error(`dendrite sweep ${file}: ${bad} runs not ok`);
    return { wall_s, cpu_s, table };
  }
}

function side(wall: number[], runs: number, cpu: number[] = []) {
  const med = median(wall);
  return { wall_s: wall, median_wall_s: med, min_wall_s: Math.min(...wall), runs_per_s: runs / med, ...(cpu.length ? { cpu_s: cpu, median_cpu_s: median(cpu) } : {}) };
}

function log(s: string): void {
  process.stdout.write(`  ${s}\n`);
}

async function benchJobs(c: SweepCase, r: Runner, repeats: number): Promise<Partial<SweepResult>> {
  const wall: Record<string, number[]> = { 'jobs 1': [], 'jobs 2': [] };
  const cpu: Record<string, number[]> = { 'jobs 1': [], 'jobs 2': [] };
  let ref: string | null = null;
  let runs = 0;
  for (let k = 0; k < repeats; k++) {
    for (const jobs of k % 2 === 0 ? [1, 2] : [2, 1]) {
      const s = await r.sweep(SWEEP64, jobs);
      runs = s.table.rows.length;
      wall[`jobs ${jobs}`].push(s.wall_s);
      cpu[`jobs ${jobs}`].push(s.cpu_s);
      log(`${c.name} #${k + 1} --jobs ${jobs}: ${s.wall_s.toFixed(2)} s (${(runs / s.wall_s).toFixed(2)} runs/s; CPU ${s.cpu_s.toFixed(2)} s)`);
      const t = withoutWall(s.table);
      if (ref === null) ref = t;
      else if (t !== ref) throw new Error(`${c.name}: results differ between runs (--jobs ${jobs}) in more than wall_s`);
    }
  }
  const j1 = side(wall['jobs 1'], runs, cpu['jobs 1']);
  const j2 = side(wall['jobs 2'], runs, cpu['jobs 2']);
  const speedup = j1.median_wall_s / j2.median_wall_s;
  return {
    runs,
    sides: { 'jobs 1': j1, 'jobs 2': j2 },
    speedup,
    speedup_of_minima: j1.min_wall_s / j2.min_wall_s,
    target: 'throughput --jobs 2 >= 1.8 x --jobs 1',
    target_met: speedup >= 1.8,
    check: 'the results tables of every repeat (--jobs 1 and 2) agree in every column but wall_s',
  };
}

/** --backend cpu, batch and batch --arithmetic fast on the 64-variant sweep, two workers each. */
async function benchBackends(c: SweepCase, r: Runner, repeats: number): Promise<Partial<SweepResult>> {
  const configs: Record<string, string[]> = { cpu: ['--backend', 'cpu'], batch: ['--backend', 'batch'], 'batch fast': ['--backend', 'batch', '--arithmetic', 'fast'] };
  const names = Object.keys(configs);
  const wall: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  const tables: Record<string, Table> = {};
  let runs = 0;
  for (let k = 0; k < repeats; k++) {
    const order = names.map((_, i) => names[(i + k) % names.length]);
    for (const name of order) {
      const s = await r.sweep(SWEEP64, 2, configs[name]);
      runs = s.table.rows.length;
      wall[name].push(s.wall_s);
      cpu[name].push(s.cpu_s);
      log(`${c.name} #${k + 1} ${name}: ${s.wall_s.toFixed(2)} s (${(runs / s.wall_s).toFixed(2)} runs/s; CPU ${s.cpu_s.toFixed(2)} s)`);
      if (tables[name] === undefined) tables[name] = s.table;
      else if (withoutWall(s.table) !== withoutWall(tables[name])) throw new Error(`${c.name}: ${name}'s results differ between repeats in more than wall_s`);
    }
  }
  if (withoutWall(tables.batch) !== withoutWall(tables.cpu)) throw new Error(`${c.name}: --backend batch's results differ from --backend cpu's in more than wall_s`);
  if (column(tables['batch fast'], 'n_spikes').join() !== column(tables.cpu, 'n_spikes').join()) throw new Error(`${c.name}: --arithmetic fast changed a spike count`);
  let worst = 0;
  tables.cpu.header.forEach((h, j) => {
    if (h === 'wall_s' || h === 'run' || h === 'status' || h === 'error') return;
    tables.cpu.rows.forEach((row, i) => {
      const a = Number(row[j]);
      const b = Number(tables['batch fast'].rows[i][j]);
      if (Number.isFinite(a) && Number.isFinite(b)) worst = Math.max(worst, Math.abs(a - b));
    });
  });
  const sides = Object.fromEntries(names.map((k) => [k, side(wall[k], runs, cpu[k])]));
  const speedup = sides.cpu.median_wall_s / sides.batch.median_wall_s;
  return {
    runs,
    sides,
    speedup,
    speedup_of_minima: sides.cpu.min_wall_s / sides.batch.min_wall_s,
    target: 'informational',
    target_met: null,
    check: `--backend batch's tables equal --backend cpu's in every column but wall_s; --arithmetic fast: the same spike counts, every other measure within ${worst.toExponential(1)}`,
    note: `Throughput against --backend cpu: batch ${speedup.toFixed(2)}x, batch --arithmetic fast ${(sides.cpu.median_wall_s / sides['batch fast'].median_wall_s).toFixed(2)}x (medians of wall time).`,
  };
}

async function benchOverhead(c: SweepCase, r: Runner, repeats: number): Promise<Partial<SweepResult>> {
  const sweepWall: number[] = [];
  const sweepCpu: number[] = [];
  const inRuns: number[] = [];
  const simWall: number[] = [];
  let runs = 0;
  let spikes = '';
  const simulateOnce = () => {
    const p = spawnSync(process.execPath, ['--import', 'tsx', join(BENCH, 'child.ts'), 'cell2048-hh'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (p.status !== 0) throw new Error(`bench/child.ts cell2048-hh exited with ${p.status}:\n${p.stderr.slice(-3000)}`);
    const line = p.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (!line) throw new Error('bench/child.ts cell2048-hh: no BENCH_RESULT line');
    const w = (JSON.parse(line.slice('BENCH_RESULT '.length)) as { wall_s: number }).wall_s;
    simWall.push(w);
    log(`${c.name}: simulate() cell2048-hh ${w.toFixed(3)} s`);
  };
  for (let k = 0; k < repeats; k++) {
    if (k % 2 === 1) simulateOnce();
    const s = await r.sweep(SWEEP16, 1);
    runs = s.table.rows.length;
    sweepWall.push(s.wall_s);
    sweepCpu.push(s.cpu_s);
    inRuns.push(column(s.table, 'wall_s').map(Number).reduce((a, b) => a + b, 0));
    const sp = [...new Set(column(s.table, 'n_spikes'))].join(' ');
    if (spikes !== '' && sp !== spikes) throw new Error(`${c.name}: spike counts changed between repeats (${spikes} vs ${sp})`);
    spikes = sp;
    log(`${c.name} #${k + 1}: sweep of ${runs} runs ${s.wall_s.toFixed(2)} s = ${(s.wall_s / runs).toFixed(3)} s per run (CPU ${s.cpu_s.toFixed(2)} s)`);
    if (k % 2 === 0) simulateOnce();
  }
  if (spikes.includes(' ')) throw new Error(`${c.name}: identical runs gave different spike counts: ${spikes}`);
  const sw = side(sweepWall, runs, sweepCpu);
  const sim = median(simWall);
  const overhead = sw.median_wall_s / runs / sim - 1;
  return {
    runs,
    sides: { 'sweep --jobs 1': sw, 'simulate()': side(simWall, 1) },
    simulate_s: sim,
    overhead,
    speedup: null,
    speedup_of_minima: null,
    note:
      `Inside the sweep, the runs themselves (model build, simulate, measures; the results' wall_s) took ${median(inRuns).toFixed(2)} s of ` +
      `the median ${sw.median_wall_s.toFixed(2)} s (${((100 * median(inRuns)) / sw.median_wall_s).toFixed(1)} %); the rest is start-up, workers, ledger and results files.`,
    target: 'per-run overhead <= 5 % of the simulation time',
    target_met: overhead <= 0.05,
    check: `all ${runs} identical runs gave the same spike count (${spikes}) as one another`,
  };
}

async function benchNeuron(c: SweepCase, r: Runner, repeats: number, python: string): Promise<Partial<SweepResult>> {
  const sweep = JSON.parse(readFileSync(SWEEP64, 'utf8')) as { protocol: string };
  const protocol = join(PROTOCOLS, sweep.protocol);
  const variantsFile = join(OUT, 'sweep-neuron-variants.json');
  const cores = Math.max(1, Math.min(2, cpus().length));
  const wall: Record<string, number[]> = { 'dendrite --jobs 2': [], [`NEURON x${cores}`]: [] };
  const cpu: Record<string, number[]> = { 'dendrite --jobs 2': [], [`NEURON x${cores}`]: [] };
  let ours: Table | null = null;
  let runs = 0;
  let neuronPeaks: number[] | null = null;
  const runNeuron = async () => {
    const outs = Array.from({ length: cores }, (_, i) => join(OUT, `sweep-neuron-${i}.json`));
    const { wall_s: w, cpu_s } = await timedProcesses(
      outs.map((o, i) => ({ cmd: python, args: [NEURON_SWEEP_PY, protocol, variantsFile, String(i), String(cores), o], who: `NEURON shard ${i}` })),
    );
    const peaks: number[] = [];
    for (const o of outs) for (const x of (JSON.parse(readFileSync(o, 'utf8')) as { runs: { run: number; v_peak: number }[] }).runs) peaks[x.run] = x.v_peak;
    wall[`NEURON x${cores}`].push(w);
    cpu[`NEURON x${cores}`].push(cpu_s);
    log(`${c.name}: NEURON, ${cores} processes: ${w.toFixed(2)} s (${(runs / w).toFixed(2)} runs/s; CPU ${cpu_s.toFixed(2)} s)`);
    if (neuronPeaks !== null && peaks.join() !== neuronPeaks.join()) throw new Error(`${c.name}: NEURON's peaks changed between repeats`);
    neuronPeaks = peaks;
  };
  for (let k = 0; k < repeats; k++) {
    const ourFirst = k % 2 === 0;
    if (!ourFirst) await runNeuron();
    const s = await r.sweep(SWEEP64, 2);
    runs = s.table.rows.length;
    wall['dendrite --jobs 2'].push(s.wall_s);
    cpu['dendrite --jobs 2'].push(s.cpu_s);
    log(`${c.name}: dendrite sweep --jobs 2: ${s.wall_s.toFixed(2)} s (${(runs / s.wall_s).toFixed(2)} runs/s; CPU ${s.cpu_s.toFixed(2)} s)`);
    if (ours === null) {
      ours = s.table;
      // NEURON gets the variants exactly as our results table lists them, in run order.
      const gna = column(ours, 'gna').map(Number);
      const amp = column(ours, 'amp').map(Number);
      writeFileSync(variantsFile, JSON.stringify(gna.map((g, i) => ({ gnabar: g, amp_nA: amp[i] }))));
    }
    if (ourFirst) await runNeuron();
  }
  // The same variants: the soma's peak voltage of every run equals NEURON's (traces agree to ~1e-10 mV).
  const ourPeaks = column(ours!, 'v_peak').map(Number);
  const ourSpikes = column(ours!, 'n_spikes').map(Number);
  const dPeak = Math.max(...ourPeaks.map((p, i) => Math.abs(p - neuronPeaks![i])));
  if (!(dPeak <= 1e-6)) throw new Error(`${c.name}: soma peak voltages differ from NEURON's by up to ${dPeak} mV`);
  const o = side(wall['dendrite --jobs 2'], runs, cpu['dendrite --jobs 2']);
  const n = side(wall[`NEURON x${cores}`], runs, cpu[`NEURON x${cores}`]);
  return {
    runs,
    sides: { 'dendrite --jobs 2': o, [`NEURON x${cores}`]: n },
    speedup: o.runs_per_s / n.runs_per_s,
    speedup_of_minima: n.min_wall_s / o.min_wall_s,
    overhead: null,
    simulate_s: null,
    target: 'informational',
    target_met: null,
    check: `the soma's peak voltage of all ${runs} variants equals NEURON's within ${dPeak.toExponential(1)} mV (${Math.min(...ourSpikes)}–${Math.max(...ourSpikes)} spikes per run)`,
  };
}

export async function benchSweep(c: SweepCase, repeats: number, quick: boolean, neuron: { version: string } | { skip: string }, python: string): Promise<SweepResult> {
  mkdirSync(OUT, { recursive: true });
  const loadavg_start = loadavg();
  const r = new Runner();
  log(`${c.name}: CLI from ${r.cli.how}`);
  const base = { name: c.name, kind: 'sweep' as const, title: c.title, repeats, cli: r.cli.how, quick };
  let part: Partial<SweepResult>;
  if (c.name === 'sweep-neuron' && 'skip' in neuron) {
    log(`${c.name}: skipped: NEURON not available (${neuron.skip})`);
    part = { runs: 0, sides: {}, speedup: null, speedup_of_minima: null, overhead: null, simulate_s: null, target: 'informational', target_met: null, check: '—', skipped: neuron.skip };
  } else if (c.name === 'sweep-jobs') part = await benchJobs(c, r, repeats);
  else if (c.name === 'sweep-overhead') part = await benchOverhead(c, r, repeats);
  else if (c.name === 'sweep-backends') part = await benchBackends(c, r, repeats);
  else part = await benchNeuron(c, r, repeats, python);
  return {
    ...base,
    runs: 0,
    sides: {},
    speedup: null,
    speedup_of_minima: null,
    overhead: null,
    simulate_s: null,
    target: '',
    target_met: null,
    check: '',
    ...part,
    measured_at: new Date().toISOString(),
    loadavg_start,
    loadavg_end: loadavg(),
  };
}

/** One-line summary for the console. */
export function summariseSweep(r: SweepResult): string {
  if (r.skipped) return `  => skipped: ${r.skipped}`;
  const sides = Object.entries(r.sides).map(([k, s]) => `${k} ${s.median_wall_s.toFixed(2)} s`).join(', ');
  const what =
    r.overhead !== null
      ? `overhead ${(100 * r.overhead).toFixed(1)} %`
      : `throughput ratio ${r.speedup!.toFixed(2)} (of minima ${r.speedup_of_minima!.toFixed(2)})`;
  return `  => ${r.runs} runs: ${sides}; ${what}${r.target_met === null ? '' : ` (target ${r.target}: ${r.target_met ? 'met' : 'NOT met'})`}`;
}

/** The sweep section of RESULTS.md. */
export function renderSweeps(results: SweepResult[]): string[] {
  if (results.length === 0) return [];
  const L: string[] = [];
  L.push('');
  L.push('Sweeps (bench/sweep.ts): each measurement is a whole `dendrite sweep` process (or NEURON\'s python3 processes),');
  L.push('timed from spawn to the last exit, into a fresh output folder: start-up, workers, model builds, runs, ledgers');
  L.push('and results files all count. Repeats interleaved; medians shown.');
  L.push('');
  L.push('| sweep benchmark | runs | wall s, medians | runs/s | result | target | met? |');
  L.push('|---|---|---|---|---|---|---|');
  for (const r of results) {
    if (r.skipped) {
      L.push(`| ${r.name} | — | — | — | skipped: ${r.skipped} | ${r.target} | — |`);
      continue;
    }
    const walls = Object.entries(r.sides).map(([k, s]) => `${k}: ${s.median_wall_s.toFixed(2)}`).join('; ');
    const rates = Object.entries(r.sides)
      .filter(([k]) => k !== 'simulate()')
      .map(([k, s]) => `${k}: ${(k.startsWith('sweep') ? r.runs / s.median_wall_s : s.runs_per_s).toFixed(2)}`)
      .join('; ');
    const result =
      r.overhead !== null
        ? `${(r.sides['sweep --jobs 1'].median_wall_s / r.runs).toFixed(3)} s per run vs simulate() ${r.simulate_s!.toFixed(3)} s: overhead ${(100 * r.overhead).toFixed(1)} %`
        : `throughput ratio ${r.speedup!.toFixed(2)} (of minima ${r.speedup_of_minima!.toFixed(2)})`;
    L.push(`| ${r.name} | ${r.runs} | ${walls} | ${rates} | ${result} | ${r.target} | ${r.target_met === null ? 'n/a' : r.target_met ? 'yes' : '**no**'} |`);
  }
  L.push('');
  for (const r of results) {
    L.push(`- **${r.name}**: ${r.title}. ${r.repeats} repeats${r.quick ? ' (--quick)' : ''}, interleaved; measured ${r.measured_at}, load average ${r.loadavg_start.map((x) => x.toFixed(2)).join(' ')} at start, ${r.loadavg_end.map((x) => x.toFixed(2)).join(' ')} at end. CLI: ${r.cli}.`);
    if (!r.skipped) {
      L.push(`  Wall s: ${Object.entries(r.sides).map(([k, s]) => `${k} ${s.wall_s.map((x) => x.toFixed(2)).join(', ')}`).join('; ')}.` +
        ` CPU s (user + system, median): ${Object.entries(r.sides).flatMap(([k, s]) => (s.median_cpu_s === undefined ? [] : [`${k} ${s.median_cpu_s.toFixed(2)}`])).join('; ')}.` +
        ` Checked: ${r.check}.${r.note ? ` ${r.note}` : ''}`);
    }
  }
  return L;
}
