/**
 * The batch benchmark of `npm run bench` (`npm run bench -- batch-hh`; run.ts dispatches here):
 * throughput of `simulateBatch` (src/solvers/batch) against B single `simulate()` runs, per core
 * (both are one thread), for B = 1, 4, 16, 64 variants of the 2048-compartment hh bench cell
 * (bench/protocols/c91662_hh_2048.json, run shortened to 25 ms = 1000 steps; the variants differ
 * in the soma current, 0.8 … 1.2 nA). Every measurement is a fresh process (bench/batch-child.ts).
 *
 * Single runs use the hand-written kernels (what `simulate()` runs today). The batch is measured
 * with the kernels generated from the kinetics IR (its default; WebAssembly SIMD over the variant
 * axis, src/channels/ir/wasm) and with the hand-written ones (JavaScript) on the expanded instance
 * blocks; both with the batch's WebAssembly Hines solve. For B > 8 the single-run time is that of 8 runs × B/8 (every run
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

function measure(kernels: 'builtin' | 'ir', mode: 'single' | 'batch', B: number, runs: number): Measure {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, kernels, mode, String(B), String(runs), String(TSTOP_MS)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (r.status !== 0 || !line) throw new Error(`bench/batch-child.ts ${kernels} ${mode} ${B} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as Measure;
}

export interface BatchRow {
  B: number;
  /** B single runs (hand-written kernels), CPU and wall seconds (scaled from `single_runs` runs). */
  single_cpu_s: number;
  single_wall_s: number;
  single_runs: number;
  batch_ir_cpu_s: number;
  batch_ir_wall_s: number;
  batch_builtin_cpu_s: number;
  batch_builtin_wall_s: number;
  /** single_cpu_s / batch_*_cpu_s. */
  ratio_ir: number;
  ratio_builtin: number;
  state_bytes_ir: number;
  state_bytes_builtin: number;
  state_bytes_single: number;
}

export interface BatchResult {
  name: string;
  kind: 'batch';
  title: string;
  nodes: number;
  compartments: number;
  steps: number;
  rows: BatchRow[];
  target_ratio: number;
  /** Best ratio for B ≥ 16 reaches the target. */
  target_met: boolean;
  measured_at: string;
  loadavg_start: number[];
  loadavg_end: number[];
}

export function benchBatch(c: BatchCase): BatchResult {
  const loadStart = loadavg();
  const rows: BatchRow[] = [];
  let nodes = 0;
  let steps = 0;
  for (const B of c.sizes) {
    const runs = Math.min(B, SINGLE_MAX);
    const single = measure('builtin', 'single', B, runs);
    const ir = measure('ir', 'batch', B, B);
    const bi = measure('builtin', 'batch', B, B);
    nodes = single.n_nodes;
    steps = single.steps;
    const scale = B / runs;
    const row: BatchRow = {
      B,
      single_cpu_s: single.cpu_s * scale,
      single_wall_s: single.wall_s * scale,
      single_runs: runs,
      batch_ir_cpu_s: ir.cpu_s,
      batch_ir_wall_s: ir.wall_s,
      batch_builtin_cpu_s: bi.cpu_s,
      batch_builtin_wall_s: bi.wall_s,
      ratio_ir: (single.cpu_s * scale) / ir.cpu_s,
      ratio_builtin: (single.cpu_s * scale) / bi.cpu_s,
      state_bytes_ir: ir.state_bytes_per_node,
      state_bytes_builtin: bi.state_bytes_per_node,
      state_bytes_single: single.state_bytes_per_node,
    };
    rows.push(row);
    console.log(`  B=${B}: ${summariseRow(row)}`);
  }
  const best = Math.max(...rows.filter((r) => r.B >= 16).map((r) => Math.max(r.ratio_ir, r.ratio_builtin)));
  return {
    name: c.name,
    kind: 'batch',
    title: c.title,
    nodes,
    compartments: 2048,
    steps,
    rows,
    target_ratio: c.target_ratio,
    target_met: best >= c.target_ratio,
    measured_at: new Date().toISOString(),
    loadavg_start: loadStart,
    loadavg_end: loadavg(),
  };
}

function summariseRow(r: BatchRow): string {
  return `B single runs ${r.single_cpu_s.toFixed(2)} s CPU; batch (IR kernels) ${r.batch_ir_cpu_s.toFixed(2)} s, ratio ${r.ratio_ir.toFixed(2)}; batch (hand-written kernels) ${r.batch_builtin_cpu_s.toFixed(2)} s, ratio ${r.ratio_builtin.toFixed(2)}`;
}

export function summariseBatch(r: BatchResult): string {
  return `  => ${r.rows.map((x) => `B=${x.B}: ${x.ratio_ir.toFixed(2)}× (IR) / ${x.ratio_builtin.toFixed(2)}× (hand-written)`).join('; ')} (target ≥ ${r.target_ratio}× for B ≥ 16: ${r.target_met ? 'met' : 'NOT met'})`;
}

function perCompartment(r: BatchResult, bytesPerNode: number): string {
  return ((bytesPerNode * r.nodes) / r.compartments).toFixed(0);
}

export function renderBatch(results: readonly BatchResult[]): string[] {
  if (results.length === 0) return [];
  const L: string[] = [''];
  L.push('Batch (bench/batch.ts): `simulateBatch` (src/solvers/batch) against B single `simulate()` runs (hand-written kernels), one');
  L.push('fresh process per measurement, one core each. Throughput ratio = CPU s of the B single runs / CPU s of the batch');
  L.push('(setup included, model building excluded); wall seconds beside. State = bytes of every array that grows with the');
  L.push('batch per variant, per compartment (all nodes\' arrays counted, zero-area nodes included, divided by the compartments).');
  L.push('');
  L.push('| benchmark | B | B single runs CPU s (wall) | batch, IR kernels CPU s (wall) | ratio | batch, hand-written kernels CPU s (wall) | ratio | state B/compartment·variant: single / batch IR / batch hand-written |');
  L.push('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    for (const x of r.rows) {
      L.push(
        `| ${r.name} | ${x.B} | ${x.single_cpu_s.toFixed(2)} (${x.single_wall_s.toFixed(2)}) | ${x.batch_ir_cpu_s.toFixed(2)} (${x.batch_ir_wall_s.toFixed(2)}) | ${x.ratio_ir.toFixed(2)} | ` +
          `${x.batch_builtin_cpu_s.toFixed(2)} (${x.batch_builtin_wall_s.toFixed(2)}) | ${x.ratio_builtin.toFixed(2)} | ${perCompartment(r, x.state_bytes_single)} / ${perCompartment(r, x.state_bytes_ir)} / ${perCompartment(r, x.state_bytes_builtin)} |`,
      );
    }
  }
  for (const r of results) {
    L.push('');
    L.push(
      `- **${r.name}**: ${r.title}; ${r.compartments} compartments (${r.nodes} nodes), ${r.steps} steps. Target: ≥ ${r.target_ratio}× for B ≥ 16: ` +
        `${r.target_met ? 'met' : '**not met**'}. Measured ${r.measured_at}, load average ${r.loadavg_start.map((x) => x.toFixed(2)).join(' ')} at start, ${r.loadavg_end.map((x) => x.toFixed(2)).join(' ')} at end. ` +
        `Single runs for B > ${SINGLE_MAX}: ${SINGLE_MAX} runs measured, scaled by B/${SINGLE_MAX}.`,
    );
  }
  return L;
}
