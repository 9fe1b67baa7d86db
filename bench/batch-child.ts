/**
 * One measurement of the batch benchmark (bench/batch.ts) in a fresh process:
 *
 *   node --import tsx bench/batch-child.ts KERNELS MODE B RUNS TSTOP_MS
 *
 * KERNELS: `builtin` (hand-written kernels, what `simulate()` uses), `ir` (generated from the
 * kinetics descriptions, exact arithmetic) or `ir-fast` (the same, fast arithmetic); MODE: `single` (RUNS of the B variants one after another with simulate())
 * or `batch` (all B with simulateBatch). Prints `BENCH_RESULT {json}` with the CPU time (user +
 * system) and wall time of the runs, setup included (compile, allocation, finitialize), model building
 * (morphology, discretization) excluded, and the state bytes per node and variant.
 */
import { builtinCatalogue } from '../src/channels/catalogue.ts';
import { irCatalogue } from '../src/channels/ir/index.ts';
import { simulateBatch } from '../src/solvers/batch/index.ts';
import { compileModel, createCpuState, simulate } from '../src/solvers/index.ts';
import { batchVariants, buildBatchBase, cpuStateBytes } from './batch.ts';

const [kernels, mode, Bs, runsS, tstopS] = process.argv.slice(2);
const B = Number(Bs);
const runs = Number(runsS);
const base = { ...buildBatchBase(Number(tstopS)), catalogue: kernels === 'builtin' ? builtinCatalogue() : irCatalogue() };
const variants = batchVariants(base, B);
const cpu0 = process.cpuUsage();
const w0 = performance.now();
let steps = 0;
let bytes = 0;
if (mode === 'single') {
  for (let k = 0; k < runs; k++) steps = simulate({ ...base, ...variants[k] }).steps;
  bytes = cpuStateBytes(createCpuState(compileModel(base))) / base.layout.nNodes;
} else {
  const r = simulateBatch(base, variants, { arithmetic: kernels === 'ir-fast' ? 'fast' : 'exact' });
  steps = r.steps;
  bytes = r.stateBytesPerNodeVariant;
}
const wall_s = (performance.now() - w0) / 1000;
const c = process.cpuUsage(cpu0);
console.log('BENCH_RESULT ' + JSON.stringify({ cpu_s: (c.user + c.system) / 1e6, wall_s, steps, n_nodes: base.layout.nNodes, runs: mode === 'single' ? runs : B, state_bytes_per_node: bytes, peak_rss_MiB: process.resourceUsage().maxRSS / 1024 }));
