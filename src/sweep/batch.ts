/**
 * `dendrite sweep --backend batch`: the runs of a sweep that share a morphology and discretization
 * (and the structure a lock-step batch needs: the same mechanisms on the same nodes, stimuli, probes,
 * dt, tstop, method, celsius; spike sources and connections may differ) run together through the batch backend
 * (src/solvers/batch), up to `maxBatch` at a time, in this thread. Each run's traces are those of a
 * single CPU run bit for bit (the batch uses the protocol's own kernels), so every measure is too;
 * test/batch/sweep.test.ts compares the results tables.
 *
 * Runs are taken in order, `maxBatch` at a time, and grouped by their structure; a group the batch
 * cannot take (instability, a structural difference the key missed) runs one by one on the
 * CPU backend, as `--backend cpu` would.
 */
import { loadProtocolMorphology, buildSimulation } from '../protocol/build.ts';
import { parseProtocol, type Protocol } from '../protocol/protocol.ts';
import type { Morphology } from '../morphology/index.ts';
import { runBatch } from '../solvers/batch/index.ts';
import { compileModel } from '../solvers/model.ts';
import type { SimulationResult } from '../solvers/simulate.ts';
import type { SimulationRequest } from '../solvers/model.ts';
import { runPoint, variantJson } from './design.ts';
import { emptyMeasures, executeRun, type RunOutcome } from './execute.ts';
import type { SweepSpec } from './spec.ts';

export type SweepBackend = 'cpu' | 'batch';

/** Default largest batch (state for 64 variants of a 2048-compartment hh cell: ~35 MB). */
export const MAX_BATCH = 64;

interface Prepared {
  run: number;
  p: Protocol;
  morphology: Morphology;
  request: SimulationRequest;
}

/** A cheap fingerprint of what lock-step needs equal; simulateBatch checks it exactly. */
function structureKey(req: SimulationRequest): string {
  const L = req.layout;
  let h = 0;
  for (let i = 0; i < L.nNodes; i++) h = (h * 31 + L.parent[i] + L.area_um2[i] * 1e-3 + L.rinv_uS[i] * 1e-2 + L.cm_uF_per_cm2[i]) % 1e12;
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
    warnings: [],
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
 * order that may differ from `runs`).
 */
export function runBatched(spec: SweepSpec, runs: readonly number[], done: (run: number, outcome: RunOutcome) => void, maxBatch = MAX_BATCH): BatchedStats {
  const stats: BatchedStats = { batches: 0, batchedRuns: 0, singleRuns: 0 };
  const morphologies = new Map<string, Morphology>();
  for (let start = 0; start < runs.length; start += maxBatch) {
    const groups = new Map<string, Prepared[]>();
    for (const run of runs.slice(start, start + maxBatch)) {
      const t0 = performance.now();
      try {
        const p = parseProtocol(variantJson(spec, runPoint(spec, run)), spec.protocolFile);
        const mkey = JSON.stringify([p.morphology, p.morphologyOptions]);
        let morphology = morphologies.get(mkey);
        if (morphology === undefined) {
          morphology = loadProtocolMorphology(p);
          morphologies.set(mkey, morphology);
        }
        const request = buildSimulation(p, morphology).request;
        const key = structureKey(request);
        const g = groups.get(key) ?? [];
        g.push({ run, p, morphology, request });
        groups.set(key, g);
      } catch (e) {
        done(run, { status: 'failed', error: (e as Error).message, measures: emptyMeasures(spec.measures), wall_s: (performance.now() - t0) / 1000 });
      }
    }
    for (const group of groups.values()) runGroup(spec, group, done, stats);
  }
  return stats;
}

function runGroup(spec: SweepSpec, group: readonly Prepared[], done: (run: number, outcome: RunOutcome) => void, stats: BatchedStats): void {
  let result: ReturnType<typeof runBatch> | null = null;
  if (group.length > 1) {
    try {
      // Each variant compiled from its own request (its own layout and catalogue); runBatch checks
      // that the layouts and structures are identical.
      const models = group.map((x) => compileModel(x.request));
      result = runBatch(models);
    } catch {
      result = null; // not batchable (or unstable in some variant): run each alone below
    }
  }
  if (result === null) stats.singleRuns += group.length;
  else {
    stats.batches++;
    stats.batchedRuns += group.length;
  }
  group.forEach((x, k) => {
    const opts = result === null ? { morphology: x.morphology } : { morphology: x.morphology, simulate: () => asResult(result!, k, x.request) };
    done(x.run, executeRun(x.p, spec.measures, spec.keepTraces, opts));
  });
}
