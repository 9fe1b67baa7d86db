/**
 * `dendrite sweep --backend batch`: the runs of a sweep that share a morphology and discretization
 * (and the structure a lock-step batch needs: the same mechanisms on the same nodes, stimuli, probes,
 * dt, tstop, method, celsius; spike sources and connections may differ) run together through the batch backend
 * (src/solvers/batch), up to `maxBatch` at a time, in this thread (on several cores, batch-pool.ts
 * hands each worker thread a chunk of runs to run through this). Each run's traces are those of a
 * single CPU run bit for bit (the built-ins' generated kernels, the same values), so every measure is too;
 * test/batch/sweep.test.ts compares the results tables. With `arithmetic: 'fast'` the kernels
 * trade the last bits for speed (docs/batch.md) and each record says so.
 *
 * Runs are taken in order, `maxBatch` at a time, and grouped by their structure; a group the batch
 * cannot take (instability, a structural difference the key missed) runs one by one on the
 * CPU backend, as `--backend cpu` would.
 *
 * Signals (turns.ts): between runs being built and between batches the event loop turns, so a
 * SIGINT, SIGTERM or SIGHUP listener (the CLI's interrupt line) runs after the batch in progress
 * and its records. Each batch (and each run alone) is one synchronous computation that writes
 * nothing, run through `compute`: the CLI passes Node's SIGINT watchdog (cli/interrupt.ts), so
 * Ctrl-C stops a long batch at once and only that batch is lost.
 */
import { buildSimulation, LayoutCache } from '../protocol/build.ts';
import { parseProtocol, type Protocol } from '../protocol/protocol.ts';
import type { Morphology } from '../morphology/index.ts';
import { runBatch, type BatchOptions } from '../solvers/batch/index.ts';
import { batchCatalogue, GeneratedMechanisms } from '../solvers/batch/catalogue.ts';
import type { Arithmetic } from '../channels/ir/wasm/fast.ts';
import { CompileCache, compileModel } from '../solvers/model.ts';
import type { SimulationResult } from '../solvers/simulate.ts';
import type { SimulationRequest } from '../solvers/model.ts';
import { InterruptedError } from '../errors.ts';
import { runPoint, variantJson } from './design.ts';
import { emptyMeasures, executeRun, type RunOutcome } from './execute.ts';
import type { SweepSpec } from './spec.ts';
import { EventLoopTurns } from './turns.ts';

/** `cpu` and `batch` here; `gpu` and `auto` in gpu.ts (float32 on the GPU backend, src/solvers/gpu). */
export type SweepBackend = 'cpu' | 'batch' | 'gpu' | 'auto';

/** What ran one run (its ledger record says so): `gpu` names the gpu.js mode and adapter. */
export interface RunBackend {
  backend: 'cpu' | 'batch' | 'gpu';
  /** GPU runs: the executor's detail (gpu.js mode and WebGPU adapter, or the test mode). */
  gpu?: string;
  /** Why this run went to this backend, when that is not the one asked for. */
  backend_reason?: string;
  /** Batch runs: the generated kernels' arithmetic (BatchOptions.arithmetic). */
  arithmetic?: Arithmetic;
}

export type RunDone = (run: number, outcome: RunOutcome, how?: RunBackend) => void;

/**
 * Runs one synchronous computation of the sweep (a batch, or a run alone; it writes nothing) and
 * returns its value. The CLI passes the Ctrl-C watchdog (cli/interrupt.ts `interruptible`), which
 * throws an InterruptedError instead; the default calls it.
 */
export type Compute = <T>(f: () => T) => T;

const direct: Compute = (f) => f();

/** Default largest batch (state for 64 variants of a 2048-compartment hh cell: ~35 MB). */
export const MAX_BATCH = 64;

export interface Prepared {
  run: number;
  p: Protocol;
  morphology: Morphology;
  request: SimulationRequest;
}

const layoutHashes = new WeakMap<SimulationRequest['layout'], number>();

/** A cheap fingerprint of a layout, once per layout object (variants share one through the LayoutCache). */
function layoutHash(L: SimulationRequest['layout']): number {
  let h = layoutHashes.get(L);
  if (h !== undefined) return h;
  h = 0;
  for (let i = 0; i < L.nNodes; i++) h = (h * 31 + L.parent[i] + L.area_um2[i] * 1e-3 + L.rinv_uS[i] * 1e-2 + L.cm_uF_per_cm2[i]) % 1e12;
  layoutHashes.set(L, h);
  return h;
}

/** A cheap fingerprint of what lock-step needs equal; simulateBatch checks it exactly. */
export function structureKey(req: SimulationRequest): string {
  const L = req.layout;
  const h = layoutHash(L);
  return JSON.stringify([
    L.nNodes,
    h,
    req.dt_ms,
    req.tstop_ms,
    req.method ?? null,
    req.celsius ?? null,
    (req.mechanisms ?? []).map((u) => [u.name, u.nodes.length, u.globals ?? null]),
    (req.stimuli ?? []).map((s) => s.node),
    req.record.length,
    (req.final ?? []).length,
  ]);
}

function asResult(r: ReturnType<typeof runBatch>, k: number, req: SimulationRequest): SimulationResult {
  const per = r.run_ms / r.variants;
  return {
    t_ms: r.t_ms,
    traces: r.traces[k],
    steps: r.steps,
    dt_ms: r.dt_ms,
    method: req.method ?? 'backward_euler',
    setup_ms: r.setup_ms / r.variants,
    run_ms: per,
    wall_ms: r.wall_ms / r.variants,
    spikes: r.spikes[k],
    warnings: r.warnings[k],
    ...(r.final !== undefined ? { final: r.final[k] } : {}),
  };
}

/** How the runs went: in batches (how many batches, how many runs) or one by one. */
export interface BatchedStats {
  batches: number;
  batchedRuns: number;
  singleRuns: number;
}

/**
 * Run `runs` of `spec` with the batch backend where possible, calling `done` once per run (in an
 * order that may differ from `runs`). `compute` runs each batch and each run alone (default: as
 * it is); an InterruptedError from it stops the sweep (the runs of that batch are not reported).
 */
export async function runBatched(spec: SweepSpec, runs: readonly number[], done: RunDone, maxBatch = MAX_BATCH, compute: Compute = direct, options: BatchOptions = {}): Promise<BatchedStats> {
  const stats: BatchedStats = { batches: 0, batchedRuns: 0, singleRuns: 0 };
  const layouts = new LayoutCache();
  const turns = new EventLoopTurns();
  const generated = new GeneratedMechanisms();
  for (let start = 0; start < runs.length; start += maxBatch) {
    const groups = new Map<string, Prepared[]>();
    for (const run of runs.slice(start, start + maxBatch)) {
      await turns.turn();
      const x = prepareRun(spec, run, layouts, done);
      if (x === null) continue;
      const key = structureKey(x.request);
      const g = groups.get(key) ?? [];
      g.push(x);
      groups.set(key, g);
    }
    for (const group of groups.values()) await runGroup(spec, group, done, stats, compute, turns, options, generated);
  }
  return stats;
}

/**
 * Parse and build run `run` of `spec`; `layouts` shares morphologies and layouts between runs
 * (parameter-only variants get one layout object, src/protocol/build.ts). A run that does not build
 * is reported to `done` as failed and gives null.
 */
export function prepareRun(spec: SweepSpec, run: number, layouts: LayoutCache, done: RunDone): Prepared | null {
  const t0 = performance.now();
  try {
    const p = parseProtocol(variantJson(spec, runPoint(spec, run)), spec.protocolFile);
    const built = buildSimulation(p, undefined, undefined, { layouts });
    return { run, p, morphology: built.morphology, request: built.request };
  } catch (e) {
    done(run, { status: 'failed', error: (e as Error).message, measures: emptyMeasures(spec.measures), wall_s: (performance.now() - t0) / 1000 });
    return null;
  }
}

async function runGroup(spec: SweepSpec, group: readonly Prepared[], done: RunDone, stats: BatchedStats, compute: Compute, turns: EventLoopTurns, options: BatchOptions, generated: GeneratedMechanisms): Promise<void> {
  let result: ReturnType<typeof runBatch> | null = null;
  if (group.length > 1) {
    // a signal that came since the last turn stops the sweep here: once the watchdog runs, Node
    // would see one only after the batch
    await turns.now();
    try {
      // Each variant compiled from its own request (its own layout, and its catalogue with the
      // built-ins' generated kernels: the same values, solvers/batch/catalogue.ts); runBatch
      // checks that the layouts and structures are identical.
      const cache = new CompileCache();
      result = compute(() => runBatch(group.map((x) => compileModel({ ...x.request, ...(x.request.catalogue ? { catalogue: batchCatalogue(x.request.catalogue, generated) } : {}) }, cache)), options));
    } catch (e) {
      if (e instanceof InterruptedError) throw e; // stopped by a signal: nothing of this batch is kept
      result = null; // not batchable (or unstable in some variant): run each alone below
    }
  }
  if (result === null) stats.singleRuns += group.length;
  else {
    stats.batches++;
    stats.batchedRuns += group.length;
  }
  const alone = group.length > 1 ? 'the batch backend refused its group (a structural difference or an unstable variant): run alone on the cpu backend' : 'no other run of its batch shares its cell and settings: run alone on the cpu backend';
  for (let k = 0; k < group.length; k++) {
    const x = group[k];
    if (result === null) {
      await turns.now();
      done(x.run, compute(() => executeRun(x.p, spec.measures, spec.keepTraces, { morphology: x.morphology })), { backend: 'cpu', backend_reason: alone });
      continue;
    }
    const r = result;
    const o = executeRun(x.p, spec.measures, spec.keepTraces, { morphology: x.morphology, simulate: () => asResult(r, k, x.request) });
    // its share of the batch's time, besides the measures
    done(x.run, { ...o, wall_s: o.wall_s + r.wall_ms / r.variants / 1000 }, { backend: 'batch', arithmetic: r.arithmetic });
  }
}
