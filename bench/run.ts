/**
 * `npm run bench [-- NAME ...] [--quick] [--repeats N] [--no-neuron] [--no-write]`
 *
 * Our CPU backend against NEURON 8.2 on the same machine, in one script: Rallpack 1, Rallpack 3
 * (rate tables on both sides, as NEURON runs by default, plus an exact-rates variant), a real cell
 * of 2048 compartments with hh everywhere, and the 1M-sample SWC loader (ours only).
 *
 * Method
 * - Every repeat of every simulation is a fresh process on both sides: `node --import tsx
 *   bench/child.ts NAME` for ours, `/usr/bin/python3 bench/neuron/*.py` for NEURON. So peak RSS
 *   (getrusage maxrss) is per benchmark and each run pays its own start-up inside the timed region
 *   (our JIT warm-up; NEURON has none). Model building is never timed.
 * - wall_s: ours = simulate()'s setup_ms + run_ms (validation, allocation, finitialize, steps);
 *   NEURON = perf_counter around h.finitialize(v_init) + h.continuerun(tstop), steps_per_ms = 1/dt.
 * - Repeats are interleaved (ours, NEURON, NEURON, ours, ours, NEURON, ...) so background load hits
 *   both sides alike; medians are reported. The first repeat of each side also writes its traces and
 *   the script reports max |ΔV| between them.
 * - Results are merged by benchmark name into bench/results.json and bench/RESULTS.md.
 * - NEURON missing (no /usr/bin/python3 or `import neuron` fails): its runs are skipped with a message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, type BenchCase, type SimCase } from './cases.ts';
import { COLDSTART_CASES, benchColdStart, renderColdStart, summariseColdStart, type ColdStartCase, type ColdStartResult } from './coldstart.ts';
import { SWEEP_CASES, SWEEP_GROUP, benchSweep, renderSweeps, summariseSweep, type SweepCase, type SweepResult } from './sweep.ts';
import { BATCH_CASES, benchBatch, renderBatch, summariseBatch, type BatchCase, type BatchResult } from './batch.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BENCH = fileURLToPath(new URL('./', import.meta.url));
const OUT = join(BENCH, 'out');
const CHILD = join(BENCH, 'child.ts');
/** NEURON's Python (Debian's python3-neuron); BENCH_PYTHON overrides it (e.g. to test the skip path). */
const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';
const RESULTS_JSON = join(BENCH, 'results.json');
const RESULTS_MD = join(BENCH, 'RESULTS.md');

interface RunOutput {
  wall_s: number;
  init_s?: number;
  run_s?: number;
  steps?: number;
  nseg?: number;
  n_nodes?: number;
  peak_rss_MiB: number;
  [k: string]: unknown;
}

interface TraceFile {
  t_ms: number[];
  labels: string[];
  traces: number[][];
}

export interface SimResult {
  name: string;
  kind: 'simulation';
  title: string;
  rates: string;
  compartments: number;
  nodes: number;
  steps: number;
  repeats: number;
  ours: SideSummary;
  neuron: SideSummary | null;
  neuron_skipped?: string;
  ratio: number | null;
  /** min ours / min NEURON: less sensitive to background load than the ratio of medians. */
  ratio_of_minima: number | null;
  target_ratio: number | null;
  target_met: boolean | null;
  issue_neuron_s: number | null;
  max_abs_dv_mV: number | null;
  max_abs_dt_ms: number | null;
  measured_at: string;
  loadavg_start: number[];
  quick: boolean;
  /** Cases with `simulated_s`: biological seconds per wall second (median wall_s). */
  simulated_s_per_wall_s?: number;
}

export interface SideSummary {
  median_wall_s: number;
  min_wall_s: number;
  max_wall_s: number;
  wall_s: number[];
  median_init_s: number;
  median_run_s: number;
  compartment_steps_per_s: number;
  peak_rss_MiB: number;
}

export interface LoaderResult {
  name: string;
  kind: 'loader';
  title: string;
  samples: number;
  sections: number;
  runs: number;
  median_s: number;
  min_s: number;
  peak_rss_MiB: number;
  target_s: number;
  target_met: boolean;
  measured_at: string;
  loadavg_start: number[];
  quick: boolean;
}

type Result = SimResult | LoaderResult | SweepResult | ColdStartResult | BatchResult;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

function parseResult(stdout: string, who: string): RunOutput {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`${who}: no BENCH_RESULT line in its output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as RunOutput;
}

function runChild(cmd: string, args: string[], who: string): RunOutput {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 900_000 });
  if (r.error) throw new Error(`${who}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${who} exited with ${r.status}${r.signal ? ` (${r.signal})` : ''}:\n${r.stderr.slice(-3000)}`);
  return parseResult(r.stdout, who);
}

function runOurs(name: string, extra: string[] = []): RunOutput {
  return runChild(process.execPath, ['--import', 'tsx', CHILD, name, ...extra], `ours ${name}`);
}

function runNeuron(c: SimCase, traceFile?: string): RunOutput {
  return runChild(PYTHON, [c.neuron.script, ...c.neuron.args, ...(traceFile ? [traceFile] : [])], `NEURON ${c.name}`);
}

/** NEURON's version, or why it cannot be used. */
function detectNeuron(): { version: string } | { skip: string } {
  if (!existsSync(PYTHON)) return { skip: `${PYTHON} not found` };
  const r = spawnSync(PYTHON, ['-c', 'import neuron, sys; sys.stdout.write("NEURON_VERSION " + neuron.__version__ + "\\n")'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('NEURON_VERSION '));
  if (r.status !== 0 || !line) {
    const why = (r.stderr ?? '').trim().split('\n').pop() || r.error?.message || `exit ${r.status}`;
    return { skip: `${PYTHON} cannot import neuron (${why})` };
  }
  return { version: line.slice('NEURON_VERSION '.length).trim() };
}

function compareTraces(a: TraceFile, b: TraceFile): { dv: number; dt: number } {
  if (a.t_ms.length !== b.t_ms.length) {
    throw new Error(`trace lengths differ: ours ${a.t_ms.length} samples, NEURON ${b.t_ms.length}`);
  }
  let dt = 0;
  for (let i = 0; i < a.t_ms.length; i++) dt = Math.max(dt, Math.abs(a.t_ms[i] - b.t_ms[i]));
  let dv = 0;
  for (let k = 0; k < a.traces.length; k++) {
    const x = a.traces[k];
    const y = b.traces[k];
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i] - y[i]);
      if (!(d <= dv)) dv = d; // NaN propagates
    }
  }
  return { dv, dt };
}

function summarise(runs: RunOutput[], nodes: number, steps: number): SideSummary {
  const wall = runs.map((r) => r.wall_s);
  const med = median(wall);
  return {
    median_wall_s: med,
    min_wall_s: Math.min(...wall),
    max_wall_s: Math.max(...wall),
    wall_s: wall,
    median_init_s: median(runs.map((r) => r.init_s ?? NaN)),
    median_run_s: median(runs.map((r) => r.run_s ?? NaN)),
    compartment_steps_per_s: (nodes * steps) / med,
    peak_rss_MiB: Math.max(...runs.map((r) => r.peak_rss_MiB)),
  };
}

function fmtS(x: number | undefined | null): string {
  return x === undefined || x === null || !Number.isFinite(x) ? '—' : x.toFixed(3);
}

function benchSimulation(c: SimCase, repeats: number, neuron: { version: string } | { skip: string }, quick: boolean): SimResult {
  const loadStart = loadavg();
  const ours: RunOutput[] = [];
  const nrn: RunOutput[] = [];
  const ourTrace = join(OUT, `${c.name}.ours.json`);
  const nrnTrace = join(OUT, `${c.name}.neuron.json`);
  // A case may need more than NEURON itself (e.g. compiled .mod files): it says why it cannot run.
  const caseSkip = 'version' in neuron ? (c.neuronSkip?.() ?? null) : null;
  if (caseSkip !== null) process.stdout.write(`  ${c.name}: NEURON skipped: ${caseSkip}\n`);
  const haveNeuron = 'version' in neuron && caseSkip === null;
  for (let k = 0; k < repeats; k++) {
    // ABBA order: ours first on even repeats, NEURON first on odd ones.
    const order = k % 2 === 0 ? ['ours', 'neuron'] : ['neuron', 'ours'];
    for (const side of order) {
      if (side === 'ours') {
        const r = runOurs(c.name, k === 0 ? ['--trace', ourTrace] : []);
        ours.push(r);
        process.stdout.write(`  ${c.name} #${k + 1} ours   ${fmtS(r.wall_s)} s  (${r.peak_rss_MiB.toFixed(0)} MiB)\n`);
      } else if (haveNeuron) {
        const r = runNeuron(c, k === 0 ? nrnTrace : undefined);
        nrn.push(r);
        process.stdout.write(`  ${c.name} #${k + 1} NEURON ${fmtS(r.wall_s)} s  (${r.peak_rss_MiB.toFixed(0)} MiB)\n`);
      }
    }
  }
  const steps = ours[0].steps!;
  const nodes = ours[0].n_nodes!;
  const compartments = ours[0].nseg!;
  const oursSum = summarise(ours, nodes, steps);
  let nrnSum: SideSummary | null = null;
  let dv: number | null = null;
  let dt: number | null = null;
  if (haveNeuron) {
    const n0 = nrn[0];
    if (n0.steps !== steps || n0.n_nodes !== nodes || n0.nseg !== compartments) {
      throw new Error(
        `${c.name}: models differ: ours ${compartments} compartments / ${nodes} nodes / ${steps} steps, ` +
          `NEURON ${n0.nseg} / ${n0.n_nodes} / ${n0.steps}`,
      );
    }
    nrnSum = summarise(nrn, nodes, steps);
    const cmp = compareTraces(
      JSON.parse(readFileSync(ourTrace, 'utf8')) as TraceFile,
      JSON.parse(readFileSync(nrnTrace, 'utf8')) as TraceFile,
    );
    dv = cmp.dv;
    dt = cmp.dt;
  }
  const ratio = nrnSum ? oursSum.median_wall_s / nrnSum.median_wall_s : null;
  return {
    name: c.name,
    kind: 'simulation',
    title: c.title,
    rates: c.rates,
    compartments,
    nodes,
    steps,
    repeats,
    ours: oursSum,
    neuron: nrnSum,
    ...(haveNeuron ? {} : { neuron_skipped: caseSkip ?? (neuron as { skip: string }).skip }),
    ratio,
    ratio_of_minima: nrnSum ? oursSum.min_wall_s / nrnSum.min_wall_s : null,
    target_ratio: c.targetRatio,
    target_met: ratio !== null && c.targetRatio !== null ? ratio <= c.targetRatio : null,
    issue_neuron_s: c.issueNeuron_s,
    max_abs_dv_mV: dv,
    max_abs_dt_ms: dt,
    measured_at: new Date().toISOString(),
    loadavg_start: loadStart,
    quick,
    ...(c.simulated_s !== undefined ? { simulated_s_per_wall_s: c.simulated_s / oursSum.median_wall_s } : {}),
  };
}

function benchLoader(c: Extract<BenchCase, { kind: 'loader' }>, repeats: number, quick: boolean): LoaderResult {
  const loadStart = loadavg();
  const r = runOurs(c.name, ['--runs', String(repeats)]);
  process.stdout.write(`  ${c.name} ours median ${fmtS(r.wall_s)} s over ${repeats} loads (${r.peak_rss_MiB.toFixed(0)} MiB)\n`);
  const median_s = r.median_s as number;
  return {
    name: c.name,
    kind: 'loader',
    title: c.title,
    samples: r.samples as number,
    sections: r.sections as number,
    runs: r.runs as number,
    median_s,
    min_s: r.min_s as number,
    peak_rss_MiB: r.peak_rss_MiB,
    target_s: c.target_s,
    target_met: median_s <= c.target_s,
    measured_at: new Date().toISOString(),
    loadavg_start: loadStart,
    quick,
  };
}

function machineInfo(neuron: { version: string } | { skip: string }) {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    /* not Linux */
  }
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  // What was measured is the working tree: list uncommitted changes to the engine, if any.
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' });
  return {
    cpu,
    cores: cpus().length,
    memory_GiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    neuron: 'version' in neuron ? `NEURON ${neuron.version} (${PYTHON})` : `not run: ${neuron.skip}`,
    git_commit: git.status === 0 ? git.stdout.trim() : 'unknown',
    src_uncommitted: dirty.status === 0 ? dirty.stdout.split('\n').filter(Boolean).map((l) => l.trim()) : [],
  };
}

function loadResults(): { results: Record<string, Result> } & Record<string, unknown> {
  if (!existsSync(RESULTS_JSON)) return { results: {} };
  try {
    const j = JSON.parse(readFileSync(RESULTS_JSON, 'utf8'));
    return j && typeof j === 'object' && j.results ? j : { results: {} };
  } catch {
    return { results: {} };
  }
}

function yesNo(x: boolean | null): string {
  return x === null ? '—' : x ? 'yes' : '**no**';
}

function fmtRate(x: number | undefined): string {
  return x === undefined ? '—' : `${(x / 1e6).toFixed(1)} M`;
}

function renderMarkdown(doc: ReturnType<typeof loadResults>): string {
  const m = doc.machine as ReturnType<typeof machineInfo>;
  const results = Object.values(doc.results);
  const sims = CASES.flatMap((c) => {
    const r = doc.results[c.name];
    return r && r.kind === 'simulation' ? [r] : [];
  });
  const loaders = results.filter((r): r is LoaderResult => r.kind === 'loader');
  const L: string[] = [];
  L.push('# Benchmark results');
  L.push('');
  L.push('Generated by `npm run bench` (bench/run.ts); raw numbers, every repeat, in `results.json`. Do not edit by hand.');
  L.push('');
  L.push('Ours: the CPU backend, `simulate()` setup + run (validation, allocation, finitialize, all steps), in a fresh');
  L.push('`node` process per repeat (JIT warm-up included). NEURON: `h.finitialize(v_init)` + `h.continuerun(tstop)` with');
  L.push('`steps_per_ms = 1/dt`, timed with `time.perf_counter` in a fresh `/usr/bin/python3` process per repeat. Model');
  L.push('building is not timed on either side. Repeats interleaved (ours/NEURON, NEURON/ours, ...); medians shown.');
  L.push('Compartment-steps/s = nodes × steps / median wall_s (nodes include NEURON\'s zero-area end and root nodes).');
  L.push('Peak RSS = getrusage maxrss of the process (largest over the repeats; ours runs under tsx, which adds about 30 MiB).');
  L.push('Target (issue): ratio of medians ≤ 0.67; the ratio of the fastest runs is shown in brackets as a load-robust check.');
  L.push('');
  L.push('| benchmark | compartments (nodes) | steps | ours median s | NEURON median s | ratio ours/NEURON (of minima) | target ≤ 0.67 met? | ours comp-steps/s | NEURON comp-steps/s | peak RSS ours / NEURON (MiB) | max \\|ΔV\\| vs NEURON (mV) |');
  L.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of sims) {
    L.push(
      `| ${r.name} | ${r.compartments} (${r.nodes}) | ${r.steps} | ${fmtS(r.ours.median_wall_s)} | ${fmtS(r.neuron?.median_wall_s)} | ` +
        `${r.ratio === null ? '—' : `${r.ratio.toFixed(2)} (${r.ratio_of_minima!.toFixed(2)})`} | ${r.target_ratio === null ? 'n/a (informational)' : yesNo(r.target_met)} | ` +
        `${fmtRate(r.ours.compartment_steps_per_s)} | ${fmtRate(r.neuron?.compartment_steps_per_s)} | ` +
        `${r.ours.peak_rss_MiB.toFixed(0)} / ${r.neuron ? r.neuron.peak_rss_MiB.toFixed(0) : '—'} | ` +
        `${r.max_abs_dv_mV === null ? '—' : r.max_abs_dv_mV.toExponential(1)} |`,
    );
  }
  L.push('');
  for (const r of sims) {
    L.push(`- **${r.name}**: ${r.title}. Rates: ${r.rates}. ${r.repeats} repeats${r.quick ? ' (--quick)' : ''}, measured ${r.measured_at}, load average at start ${r.loadavg_start.map((x) => x.toFixed(2)).join(' ')}.`);
    L.push(`  Ours wall_s ${r.ours.wall_s.map((x) => x.toFixed(3)).join(', ')} (init ${fmtS(r.ours.median_init_s)} s, steps ${fmtS(r.ours.median_run_s)} s).` +
      (r.neuron ? ` NEURON wall_s ${r.neuron.wall_s.map((x) => x.toFixed(3)).join(', ')}.` : ` NEURON skipped: ${r.neuron_skipped}.`) +
      (r.issue_neuron_s !== null ? ` The issue quotes NEURON at ${r.issue_neuron_s} s on a similar machine.` : '') +
      (r.simulated_s_per_wall_s !== undefined ? ` Simulated s per wall s: ${r.simulated_s_per_wall_s.toFixed(2)} (median).` : ''));
  }
  if (loaders.length) {
    L.push('');
    L.push('| loader benchmark | samples | sections | runs | median s | min s | target | met? | peak RSS (MiB) |');
    L.push('|---|---|---|---|---|---|---|---|---|');
    for (const r of loaders) {
      L.push(`| ${r.name} | ${r.samples} | ${r.sections} | ${r.runs} | ${fmtS(r.median_s)} | ${fmtS(r.min_s)} | ≤ ${r.target_s} s | ${yesNo(r.target_met)} | ${r.peak_rss_MiB.toFixed(0)} |`);
    }
    for (const r of loaders) L.push(`\n- **${r.name}**: ${r.title}; measured ${r.measured_at}, load average at start ${r.loadavg_start.map((x) => x.toFixed(2)).join(' ')}.`);
  }
  L.push(...renderSweeps(SWEEP_CASES.flatMap((c) => (doc.results[c.name]?.kind === 'sweep' ? [doc.results[c.name] as SweepResult] : []))));
  L.push(...renderBatch(BATCH_CASES.flatMap((c) => (doc.results[c.name]?.kind === 'batch' ? [doc.results[c.name] as BatchResult] : []))));
  L.push(...renderColdStart(COLDSTART_CASES.flatMap((c) => (doc.results[c.name]?.kind === 'coldstart' ? [doc.results[c.name] as ColdStartResult] : []))));
  // The GPU backend's numbers (bench/gpu/float32.mjs, bench/gpu/bench.mjs; docs/gpu.md), kept in bench/gpu/RESULTS.md.
  const gpuResults = join(BENCH, 'gpu', 'RESULTS.md');
  if (existsSync(gpuResults)) L.push('', ...readFileSync(gpuResults, 'utf8').trimEnd().split('\n'));
  L.push('');
  L.push('## Machine');
  L.push('');
  L.push(`- CPU: ${m.cpu} (${m.cores} cores visible), ${m.memory_GiB} GiB RAM, ${m.os}`);
  L.push(`- Node ${m.node}; ${m.neuron}`);
  L.push(
    `- Commit ${m.git_commit}` +
      (m.src_uncommitted.length ? ` plus uncommitted changes in src/ (${m.src_uncommitted.join('; ')})` : ', src/ clean') +
      `; last run ${doc.date as string}`,
  );
  L.push(`- Command: \`${doc.command as string}\``);
  L.push(`- Load average at the start of that run: ${(doc.loadavg_start as number[]).map((x) => x.toFixed(2)).join(' ')}; at its end: ${(doc.loadavg_end as number[]).map((x) => x.toFixed(2)).join(' ')}`);
  L.push('- The machine is shared (other jobs may run during a benchmark): timings are noisy; the interleaving spreads load over both sides.');
  L.push('');
  return L.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('usage: npm run bench [-- NAME ...] [--quick] [--repeats N] [--no-neuron] [--no-write]');
    console.log('  --quick      3 repeats instead of 5');
    console.log('  --no-neuron  skip NEURON (BENCH_PYTHON picks its Python; default /usr/bin/python3)');
    console.log('  --no-write   do not update bench/results.json and bench/RESULTS.md');
    console.log('benchmarks:');
    for (const c of CASES) console.log(`  ${c.name.padEnd(16)} ${c.title}`);
    for (const c of COLDSTART_CASES) console.log(`  ${c.name.padEnd(16)} ${c.title}`);
    for (const c of BATCH_CASES) console.log(`  ${c.name.padEnd(16)} ${c.title}`);
    for (const c of SWEEP_CASES) console.log(`  ${c.name.padEnd(16)} ${c.title}`);
    console.log(`  ${SWEEP_GROUP.padEnd(16)} all sweep-* benchmarks`);
    return;
  }
  const quick = argv.includes('--quick');
  const noNeuron = argv.includes('--no-neuron');
  const noWrite = argv.includes('--no-write');
  const ri = argv.indexOf('--repeats');
  const repeats = ri >= 0 ? Number(argv[ri + 1]) : quick ? 3 : 5;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats: expected an integer >= 1, got ${argv[ri + 1]}`);
  const names = argv.filter((a, i) => !a.startsWith('--') && !(ri >= 0 && i === ri + 1));
  const ALL: (BenchCase | SweepCase | ColdStartCase | BatchCase)[] = [...CASES, ...SWEEP_CASES, ...COLDSTART_CASES, ...BATCH_CASES];
  for (const n of names) {
    if (!ALL.some((c) => c.name === n) && n !== SWEEP_GROUP) {
      console.error(`unknown benchmark "${n}"; known: ${ALL.map((c) => c.name).join(', ')}, ${SWEEP_GROUP}`);
      process.exit(2);
    }
  }
  const selected = names.length ? ALL.filter((c) => names.includes(c.name) || (c.kind === 'sweep' && names.includes(SWEEP_GROUP))) : ALL;
  mkdirSync(OUT, { recursive: true });

  const neuron = noNeuron ? { skip: '--no-neuron given' } : detectNeuron();
  const loadStart = loadavg();
  console.log(`Dendrite benchmarks: ${selected.map((c) => c.name).join(', ')}; ${repeats} repeats each`);
  console.log(`load average at start: ${loadStart.map((x) => x.toFixed(2)).join(' ')} (${cpus().length} cores)`);
  if ('skip' in neuron) console.log(`NEURON runs skipped: ${neuron.skip}. Only our timings will be reported.`);
  else console.log(`NEURON ${neuron.version} via ${PYTHON}`);

  const fresh: Result[] = [];
  for (const c of selected) {
    console.log(`\n${c.name}: ${c.title}`);
    const r =
      c.kind === 'batch'
        ? benchBatch(c, ri >= 0 ? repeats : quick ? 1 : 3)
        : c.kind === 'coldstart'
        ? benchColdStart(c, repeats, quick)
        : c.kind === 'sweep'
        ? await benchSweep(c, ri >= 0 ? repeats : 3, quick, neuron, PYTHON) // each repeat takes 10-40 s
        : c.kind === 'loader'
          ? benchLoader(c, repeats, quick)
          : benchSimulation(c, repeats, neuron, quick);
    fresh.push(r);
    if (r.kind === 'batch') {
      console.log(summariseBatch(r));
    } else if (r.kind === 'coldstart') {
      console.log(summariseColdStart(r));
    } else if (r.kind === 'sweep') {
      console.log(summariseSweep(r));
    } else if (r.kind === 'simulation') {
      console.log(
        `  => ${r.compartments} compartments (${r.nodes} nodes), ${r.steps} steps: ours ${fmtS(r.ours.median_wall_s)} s` +
          (r.neuron
            ? `, NEURON ${fmtS(r.neuron.median_wall_s)} s, ratio ${r.ratio!.toFixed(2)}` +
              (r.target_ratio !== null ? ` (target ≤ ${r.target_ratio}: ${r.target_met ? 'met' : 'NOT met'})` : '') +
              `, max |ΔV| ${r.max_abs_dv_mV!.toExponential(2)} mV`
            : ''),
      );
    } else {
      console.log(`  => median ${fmtS(r.median_s)} s (target ≤ ${r.target_s} s: ${r.target_met ? 'met' : 'NOT met'})`);
    }
  }

  const doc = loadResults();
  for (const r of fresh) doc.results[r.name] = r;
  // Keep the benchmarks in CASES order.
  doc.results = Object.fromEntries(ALL.filter((c) => doc.results[c.name]).map((c) => [c.name, doc.results[c.name]]));
  doc.machine = machineInfo(neuron);
  doc.date = new Date().toISOString();
  doc.command = `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`;
  doc.loadavg_start = loadStart;
  doc.loadavg_end = loadavg();
  const ordered = {
    generator: 'bench/run.ts',
    date: doc.date,
    command: doc.command,
    machine: doc.machine,
    loadavg_start: doc.loadavg_start,
    loadavg_end: doc.loadavg_end,
    results: doc.results,
  };
  console.log('\n' + renderMarkdown(ordered));
  if (!noWrite) {
    writeFileSync(RESULTS_JSON, JSON.stringify(ordered, null, 1) + '\n');
    writeFileSync(RESULTS_MD, renderMarkdown(ordered));
    console.log(`wrote ${RESULTS_JSON} and ${RESULTS_MD}`);
  }
}

await main();
