/**
 * The batch benchmark of `npm run bench` (`npm run bench -- batch-hh`; run.ts dispatches here):
 * throughput of `simulateBatch` (src/solvers/batch) against B single `simulate()` runs, per core
 * (both are one thread), for B = 1, 4, 16, 64 variants of the 2048-compartment hh bench cell
 * (bench/protocols/c91662_hh_2048.json, run shortened to 25 ms = 1000 steps; the variants differ
 * in the soma current, 0.8 … 1.2 nA). Every measurement is a fresh process (bench/batch-child.ts).
 *
 * Single runs use the hand-written kernels (what `simulate()` runs today). The batch is measured
 * with the kernels generated from the kinetics IR (its default; WebAssembly SIMD over the variant
 * axis, src/channels/ir/wasm), in exact arithmetic (bit for bit the single runs) and in fast
 * arithmetic (src/channels/ir/wasm/fast.ts); both with the batch's WebAssembly Hines solve. Each
 * measurement is repeated (`--repeats`, default 3; interleaved single, exact, fast) and the medians
 * are compared. For B > 8 the single-run time is that of 8 runs × B/8 (every run
 * takes the same number of fixed steps of the same cost). Throughput ratio = CPU time of the B single
 * runs / CPU time of the batch (user + system; the machine is shared, so CPU time is the steadier
 * measure, wall time is reported beside it). State memory: bytes of every array that grows with the
 * batch (v, rhs, d, area, ion arrays, mechanism parameters, states, assigned, scratch) per node and
 * variant; for single runs the same accounting over the CPU backend's state.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildSimulation, parseProtocol } from '../src/protocol/index.ts';
import type { CpuState, SimulationRequest } from '../src/solvers/index.ts';
import type { BatchVariant } from '../src/solvers/batch/index.ts';

const CELL = fileURLToPath(new URL('./protocols/c91662_hh_2048.json', import.meta.url));
const CHILD = fileURLToPath(new URL('./batch-child.ts', import.meta.url));
const TSTOP_MS = 25;
const SINGLE_MAX = 8;

export interface BatchCase {
  kind: 'batch';
  name: 'batch-hh';
  title: string;
  sizes: number[];
  /** Issue 10's goal: batch throughput per core ≥ this × B single runs for B ≥ 16. */
  target_ratio: number;
}

export const BATCH_CASES: BatchCase[] = [
  {
    kind: 'batch',
    name: 'batch-hh',
    title: 'simulateBatch vs B single simulate() runs: 2048-compartment hh cell (c91662), 25 ms, B = 1, 4, 16, 64, per core',
    sizes: [1, 4, 16, 64],
    target_ratio: 2,
  },
];

/** The bench cell's request (hh everywhere, soma recorded) with the run shortened to `tstop_ms`. */
export function buildBatchBase(tstop_ms: number): SimulationRequest {
  const raw = JSON.parse(readFileSync(CELL, 'utf8')) as Record<string, unknown>;
  raw.run = { ...(raw.run as object), tstop_ms };
  return buildSimulation(parseProtocol(raw, CELL)).request;
}

/** B variants: the soma current from 0.8 to 1.2 nA. */
export function batchVariants(base: SimulationRequest, B: number): BatchVariant[] {
  return Array.from({ length: B }, (_, k) => ({
    stimuli: (base.stimuli ?? []).map((s) => ({ ...s, amp_nA: 0.8 + (0.4 * k) / Math.max(1, B - 1) })),
  }));
}

/** Bytes of the CPU backend's per-node and per-instance arrays (each buffer once). */
export function cpuStateBytes(s: CpuState): number {
  const seen = new Set<ArrayBufferLike>();
  let bytes = 0;
  const add = (x: unknown) => {
    if (ArrayBuffer.isView(x) && !seen.has(x.buffer)) {
      seen.add(x.buffer);
      bytes += x.buffer.byteLength;
    }
  };
  for (const x of [s.v, s.rhs, s.d, s.ctx.d, s.dConst, s.ab, s.fac, s.dinv, s.a, s.b]) add(x);
  for (const ion of s.ions) for (const x of [ion.e, ion.i, ion.didv, ion.ci, ion.co, ion.ci0, ion.co0]) add(x);
  for (const m of s.mechanisms) for (const x of [m.instance.nodes, ...Object.values(m.instance.vars), ...Object.values(m.instance as unknown as Record<string, unknown>)]) add(x);
  return bytes;
}

interface Measure {
  cpu_s: number;
  wall_s: number;
  steps: number;
  n_nodes: number;
  runs: number;
  state_bytes_per_node: number;
  peak_rss_MiB: number;
}

function measure(kernels: 'builtin' | 'ir' | 'ir-fast', mode: 'single' | 'batch', B: number, runs: number): Measure {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, kernels, mode, String(B), String(runs), String(TSTOP_MS)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (r.status !== 0 || !line) throw new Error(`bench/batch-child.ts ${kernels} ${mode} ${B} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as Measure;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

export interface BatchRow {
  B: number;
  /** B single runs (hand-written kernels), CPU and wall seconds, medians of the repeats (scaled from `single_runs` runs). */
  single_cpu_s: number;
  single_wall_s: number;
  single_runs: number;
  /** The batch with the generated kernels, exact arithmetic (bit for bit the single runs): medians. */
  batch_exact_cpu_s: number;
  batch_exact_wall_s: number;
  /** The batch with the generated kernels, fast arithmetic (src/channels/ir/wasm/fast.ts): medians. */
  batch_fast_cpu_s: number;
  batch_fast_wall_s: number;
  /** single_cpu_s / batch_*_cpu_s. */
  ratio_exact: number;
  ratio_fast: number;
  /** Every repeat's CPU seconds, in the order measured (interleaved single, exact, fast). */
  repeats_cpu_s: { single: number[]; exact: number[]; fast: number[] };
  state_bytes_batch: number;
  state_bytes_single: number;
}

export interface BatchResult {
  name: string;
  kind: 'batch';
  title: string;
  nodes: number;
  compartments: number;
  steps: number;
  repeats: number;
  rows: BatchRow[];
  target_ratio: number;
  /** Target reached for every B ≥ 16 with the exact arithmetic. */
  target_met_exact: boolean;
  /** Target reached for every B ≥ 16 with the fast arithmetic. */
  target_met_fast: boolean;
  measured_at: string;
  loadavg_start: number[];
  loadavg_end: number[];
}

export function benchBatch(c: BatchCase, repeats: number): BatchResult {
  const loadStart = loadavg();
  const rows: BatchRow[] = [];
  let nodes = 0;
  let steps = 0;
  for (const B of c.sizes) {
    const runs = Math.min(B, SINGLE_MAX);
    const scale = B / runs;
    const single: Measure[] = [];
    const exact: Measure[] = [];
    const fast: Measure[] = [];
    for (let k = 0; k < repeats; k++) {
      single.push(measure('builtin', 'single', B, runs));
      exact.push(measure('ir', 'batch', B, B));
      fast.push(measure('ir-fast', 'batch', B, B));
    }
    nodes = single[0].n_nodes;
    steps = single[0].steps;
    const cpu = (xs: Measure[], f = 1) => median(xs.map((x) => x.cpu_s * f));
    const wall = (xs: Measure[], f = 1) => median(xs.map((x) => x.wall_s * f));
    const row: BatchRow = {
      B,
      single_cpu_s: cpu(single, scale),
      single_wall_s: wall(single, scale),
      single_runs: runs,
      batch_exact_cpu_s: cpu(exact),
      batch_exact_wall_s: wall(exact),
      batch_fast_cpu_s: cpu(fast),
      batch_fast_wall_s: wall(fast),
      ratio_exact: cpu(single, scale) / cpu(exact),
      ratio_fast: cpu(single, scale) / cpu(fast),
      repeats_cpu_s: { single: single.map((x) => x.cpu_s * scale), exact: exact.map((x) => x.cpu_s), fast: fast.map((x) => x.cpu_s) },
      state_bytes_batch: exact[0].state_bytes_per_node,
      state_bytes_single: single[0].state_bytes_per_node,
    };
    rows.push(row);
    console.log(`  B=${B}: ${summariseRow(row)}`);
  }
  const big = rows.filter((r) => r.B >= 16);
  return {
    name: c.name,
    kind: 'batch',
    title: c.title,
    nodes,
    compartments: 2048,
    steps,
    repeats,
    rows,
    target_ratio: c.target_ratio,
    target_met_exact: big.every((r) => r.ratio_exact >= c.target_ratio),
    target_met_fast: big.every((r) => r.ratio_fast >= c.target_ratio),
    measured_at: new Date().toISOString(),
    loadavg_start: loadStart,
    loadavg_end: loadavg(),
  };
}

function summariseRow(r: BatchRow): string {
  return `B single runs ${r.single_cpu_s.toFixed(2)} s CPU; batch exact ${r.batch_exact_cpu_s.toFixed(2)} s, ratio ${r.ratio_exact.toFixed(2)}; batch fast ${r.batch_fast_cpu_s.toFixed(2)} s, ratio ${r.ratio_fast.toFixed(2)}`;
}

export function summariseBatch(r: BatchResult): string {
  return `  => ${r.rows.map((x) => `B=${x.B}: ${x.ratio_exact.toFixed(2)}× (exact) / ${x.ratio_fast.toFixed(2)}× (fast)`).join('; ')} (target ≥ ${r.target_ratio}× for B ≥ 16: exact ${r.target_met_exact ? 'met' : 'NOT met'}, fast ${r.target_met_fast ? 'met' : 'NOT met'})`;
}

function perCompartment(r: BatchResult, bytesPerNode: number): string {
  return ((bytesPerNode * r.nodes) / r.compartments).toFixed(0);
}

export function renderBatch(all: readonly BatchResult[]): string[] {
  // results.json entries from before the exact/fast columns are not rendered (rerun the case)
  const results = all.filter((r) => r.rows.every((x) => typeof x.ratio_exact === 'number'));
  if (results.length === 0) return [];
  const L: string[] = [''];
  L.push('Batch (bench/batch.ts): `simulateBatch` (src/solvers/batch) with the kernels generated from the kinetics descriptions, exact');
  L.push('arithmetic (default: every trace equals the single run\'s bit for bit) and fast arithmetic (`{ arithmetic: \'fast\' }`,');
  L.push('`sweep --arithmetic fast`: within 1e-9 mV of the single runs, docs/batch.md), against B single `simulate()` runs');
  L.push('(hand-written kernels). One fresh process per measurement, one core each, repeats interleaved, medians. Throughput');
  L.push('ratio = CPU s of the B single runs / CPU s of the batch (setup included, model building excluded); wall seconds beside.');
  L.push('State = bytes of every array that grows with the batch per variant, per compartment (zero-area nodes included).');
  L.push('');
  L.push('| benchmark | B | B single runs CPU s (wall) | batch exact CPU s (wall) | ratio exact | batch fast CPU s (wall) | ratio fast | state B/compartment·variant: single / batch |');
  L.push('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    for (const x of r.rows) {
      L.push(
        `| ${r.name} | ${x.B} | ${x.single_cpu_s.toFixed(2)} (${x.single_wall_s.toFixed(2)}) | ${x.batch_exact_cpu_s.toFixed(2)} (${x.batch_exact_wall_s.toFixed(2)}) | ${x.ratio_exact.toFixed(2)} | ` +
          `${x.batch_fast_cpu_s.toFixed(2)} (${x.batch_fast_wall_s.toFixed(2)}) | ${x.ratio_fast.toFixed(2)} | ${perCompartment(r, x.state_bytes_single)} / ${perCompartment(r, x.state_bytes_batch)} |`,
      );
    }
  }
  for (const r of results) {
    L.push('');
    L.push(
      `- **${r.name}**: ${r.title}; ${r.compartments} compartments (${r.nodes} nodes), ${r.steps} steps, ${r.repeats} repeats. Target: ≥ ${r.target_ratio}× for every B ≥ 16: ` +
        `exact ${r.target_met_exact ? 'met' : '**not met**'}, fast ${r.target_met_fast ? 'met' : '**not met**'}. Measured ${r.measured_at}, load average ${r.loadavg_start.map((x) => x.toFixed(2)).join(' ')} at start, ${r.loadavg_end.map((x) => x.toFixed(2)).join(' ')} at end. ` +
        `Single runs for B > ${SINGLE_MAX}: ${SINGLE_MAX} runs measured, scaled by B/${SINGLE_MAX}. CPU s of every repeat: ` +
        r.rows.map((x) => `B=${x.B} single ${x.repeats_cpu_s.single.map((v) => v.toFixed(2)).join('/')}, exact ${x.repeats_cpu_s.exact.map((v) => v.toFixed(2)).join('/')}, fast ${x.repeats_cpu_s.fast.map((v) => v.toFixed(2)).join('/')}`).join('; ') + '.',
    );
  }
  return L;
}
