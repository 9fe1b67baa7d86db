/**
 * `dendrite sweep --backend gpu|auto`: the runs of a sweep on the GPU backend (src/solvers/gpu,
 * float32, docs/gpu.md), many variants per batch.
 *
 * Runs are taken in order, `maxBatch` at a time. Each is built and checked on its own
 * (`buildPlan` of the variant alone): a run the GPU backend cannot run (a synapse, another point
 * process, events, a probe that is not v, Crank–Nicolson, ...) is refused with the reason — with
 * `gpu` it is recorded as failed with that reason (run it again with `--backend cpu --retry-failed`),
 * with `auto` it goes to the CPU backend and its record says why. The runs that the GPU can run are
 * grouped by everything the GPU shares across a batch (layout, dt, tstop, mechanisms on the same
 * nodes with the same kinetics and globals, ions, IClamp places and timing, probes); within a
 * group only mechanism parameters (node by node) and IClamp amplitudes differ, and those become
 * the batch's per-variant values. Each group runs as one GPU batch; every run's traces then go
 * through the same measures as a CPU run (executeRun). A run whose float32 v leaves the solver's
 * bound (or is not finite) is recorded as unstable, as on the CPU.
 *
 * Signals (turns.ts): the event loop turns while runs are built and, through the executor
 * (`withTurns`), between kernel launches every few milliseconds, so a SIGINT, SIGTERM or SIGHUP
 * listener (the CLI's interrupt line) runs at once, also in the middle of a batch on a
 * synchronous executor (the emulator, gpu.js's CPU mode): the batch in progress is dropped.
 *
 * `selectSweepBackend` decides, before the sweep folder is touched, what `gpu` and `auto` run:
 * `gpu` needs a real GPU (or a DENDRITE_GPU_MODE test mode) and a first run the GPU can run, else a
 * one-line UserError; `auto` takes a real GPU only (never a test mode), else the CPU backend.
 */
import { LayoutCache } from '../protocol/build.ts';
import { compileModel, type CompiledModel } from '../solvers/model.ts';
import type { SimulationResult } from '../solvers/simulate.ts';
import { UserError } from '../errors.ts';
import { buildPlan, GpuProgram, GpuUnavailableError, GpuUnsupportedError, gpuExecutor, gpuModeFromEnv, type Executor, type GpuPlan, type GpuVariant } from '../solvers/gpu/index.ts';
import type { Kernel, Tex } from '../solvers/gpu/exec.ts';
import type { LoweredMechanism } from '../channels/user/compile.ts';
import { prepareRun, type Prepared, type RunBackend, type RunDone } from './batch.ts';
import { emptyMeasures, executeRun, type RunOutcome } from './execute.ts';
import type { SweepSpec } from './spec.ts';
import { EventLoopTurns } from './turns.ts';

/** Default largest GPU batch (variants per launch; state of a 2048-compartment hh cell: ~70 MB at 1024). */
export const GPU_MAX_BATCH = 1024;

/**
 * Traces a GPU batch may bring back at once (float32 from the GPU, float64 per run for the
 * measures: 12 B per probe, step and variant); a larger group is run in several batches.
 */
export const TRACE_BUDGET_BYTES = 512 * 1024 * 1024;

export interface SweepBackendChoice {
  /** What runs the sweep: the GPU backend, or (auto without a GPU) the CPU backend's worker threads. */
  backend: 'gpu' | 'cpu';
  requested: 'gpu' | 'auto';
  /** One line: why. */
  why: string;
  /** The GPU executor (backend gpu); the caller destroys it. */
  executor: Executor | null;
  /** What ran, for the records (executor detail: gpu.js mode and adapter, or the test mode). */
  ran: string | null;
}

/** Why the GPU backend cannot run this model, or null when it can. */
export function gpuRefusal(model: CompiledModel): string | null {
  try {
    buildPlan(model, [{}]);
  } catch (e) {
    if (e instanceof GpuUnsupportedError) return e.message;
    throw e;
  }
  if ((model.finalProbes?.length ?? 0) > 0) return 'final probes (the final weights of plastic synapses)';
  return null;
}

/**
 * What `--backend gpu|auto` runs for this sweep, decided before anything is written. `gpu`: a real
 * GPU (or the DENDRITE_GPU_MODE test mode) and a first run (`firstRun`) that the GPU backend can run,
 * else a UserError of one line. `auto`: a real GPU that can run the first run, else the CPU backend.
 */
export async function selectSweepBackend(kind: 'gpu' | 'auto', spec: SweepSpec, firstRun: number | undefined, env: NodeJS.ProcessEnv = process.env): Promise<SweepBackendChoice> {
  let exec: Executor;
  try {
    exec = await gpuExecutor(kind === 'gpu' ? gpuModeFromEnv(env) : 'gpu');
  } catch (e) {
    if (!(e instanceof GpuUnavailableError)) throw e;
    if (kind === 'gpu') throw new UserError(e.message.startsWith('--backend gpu') ? e.message : `--backend gpu: ${e.message}`);
    const why = e.message.replace(/^--backend gpu: /, '').replace(/\. Use --backend.*$/, '');
    return { backend: 'cpu', requested: kind, why: `${why}; the cpu backend on worker threads`, executor: null, ran: null };
  }
  if (firstRun !== undefined) {
    let refusal: string | null = null;
    const x = prepareRun(spec, firstRun, new LayoutCache(), () => {});
    // a run that does not build fails on every backend (recorded when it runs); nothing to decide here
    if (x !== null) refusal = gpuRefusal(compileModel(x.request));
    if (refusal !== null) {
      exec.destroy();
      if (kind === 'gpu') throw new UserError(`--backend gpu: the gpu backend cannot run this sweep (run ${firstRun}: ${refusal}). Use --backend cpu, batch or auto`);
      return { backend: 'cpu', requested: kind, why: `a GPU was found (${exec.detail}) but the gpu backend cannot run this sweep (run ${firstRun}: ${refusal}); the cpu backend on worker threads`, executor: null, ran: null };
    }
  }
  return { backend: 'gpu', requested: kind, why: kind === 'gpu' ? 'asked for (--backend gpu)' : 'a GPU was found and the sweep runs there (float32)', executor: exec, ran: exec.detail };
}

export interface GpuSweepStats {
  /** GPU batches launched and the runs they held. */
  batches: number;
  gpuRuns: number;
  /** Runs the GPU backend cannot run: recorded as failed (gpu) or handed back to run on the CPU (auto). */
  refused: { run: number; reason: string }[];
}

interface Checked extends Prepared {
  model: CompiledModel;
  plan: GpuPlan;
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  return true;
};

const specText = new WeakMap<LoweredMechanism, string>();
function kineticsText(l: LoweredMechanism | null): string {
  if (l === null) return '';
  let s = specText.get(l);
  if (s === undefined) specText.set(l, (s = JSON.stringify(l.spec)));
  return s;
}

/** Cheap key for grouping; `shareable` decides exactly. */
function bucketKey(p: GpuPlan): string {
  return JSON.stringify([p.n, p.steps, p.dt_ms, p.celsius, p.v_init_mV, p.mechanisms.map((m) => m.name), p.ions.map((i) => i.name), p.stim.label.length, p.probeLabels.length]);
}

/**
 * Can runs with plans `a` and `b` (one variant each) share a GPU batch? Everything but mechanism
 * parameters and IClamp amplitudes must be equal, and the kinetics the kernels are generated from.
 */
export function shareable(a: GpuPlan, b: GpuPlan): boolean {
  if (a.n !== b.n || a.steps !== b.steps || a.dt_ms !== b.dt_ms || a.celsius !== b.celsius || a.v_init_mV !== b.v_init_mV) return false;
  if (!same(a.dConst, b.dConst) || !same(a.up, b.up) || !same(a.dn, b.dn) || !same(a.parentLabel, b.parentLabel) || !same(a.children, b.children)) return false;
  if (a.mechanisms.length !== b.mechanisms.length || a.ions.length !== b.ions.length) return false;
  for (let k = 0; k < a.mechanisms.length; k++) {
    const m = a.mechanisms[k], q = b.mechanisms[k];
    if (m.name !== q.name || m.kind !== q.kind || !same(m.mask, q.mask) || JSON.stringify(m.globals) !== JSON.stringify(q.globals)) return false;
    if (m.lowered !== q.lowered && kineticsText(m.lowered) !== kineticsText(q.lowered)) return false;
    if ([...m.params.keys()].join() !== [...q.params.keys()].join()) return false;
  }
  for (let k = 0; k < a.ions.length; k++) {
    const i = a.ions[k], j = b.ions[k];
    if (i.name !== j.name || i.ciState !== j.ciState || !same(i.e, j.e) || !same(i.style, j.style) || !same(i.ci0, j.ci0) || !same(i.co, j.co)) return false;
  }
  const s = a.stim, t = b.stim;
  return same(s.label, t.label) && same(s.del, t.del) && same(s.dur, t.dur) && same(s.scale, t.scale) && same(a.probeLabels, b.probeLabels);
}

/** The batch's variants: per-node values of every parameter that differs between runs, and the IClamp amplitudes where they differ. */
export function variantsOf(plans: readonly GpuPlan[]): GpuVariant[] {
  const p0 = plans[0];
  const node = p0.schedule.node;
  const nodes: Record<string, Record<string, Float64Array>>[] = plans.map(() => ({}));
  p0.mechanisms.forEach((m, k) => {
    for (const [name, arr] of m.params) {
      if (plans.every((p) => same(p.mechanisms[k].params.get(name)!.data, arr.data))) continue;
      plans.forEach((p, b) => {
        const data = p.mechanisms[k].params.get(name)!.data; // per label, one variant
        const perNode = new Float64Array(p0.n);
        for (let l = 0; l < p0.n; l++) perNode[node[l]] = data[l];
        (nodes[b][m.name] ??= {})[name] = perNode;
      });
    }
  });
  const ampsDiffer = !plans.every((p) => same(p.stim.amp, p0.stim.amp));
  return plans.map((p, b) => ({
    ...(Object.keys(nodes[b]).length > 0 ? { nodes: nodes[b] } : {}),
    ...(ampsDiffer ? { amp_nA: p.stim.amp.subarray(0, p.stim.label.length) } : {}),
  }));
}

/**
 * `exec` whose kernel launches let the event loop turn when `turns` says one is due (a launch then
 * settles after a `setImmediate`); what the kernels compute is unchanged.
 */
export function withTurns(exec: Executor, turns: EventLoopTurns): Executor {
  const after = async (t: Tex | Promise<Tex>): Promise<Tex> => {
    const x = await t;
    await turns.now();
    return x;
  };
  return {
    name: exec.name,
    detail: exec.detail,
    f32: exec.f32,
    async: true,
    build(spec) {
      const k: Kernel = exec.build(spec);
      return { spec: k.spec, run: (args) => (turns.due() ? after(k.run(args)) : k.run(args)) };
    },
    read2D: (t) => exec.read2D(t),
    destroy: () => exec.destroy(),
  };
}

/**
 * Run `runs` of `spec` on the GPU executor `exec`, `maxBatch` at a time; `done` once per run
 * (failed builds and, with `refuse`, runs the GPU cannot run too). Without `refuse`, those runs are
 * not reported but returned in `refused` (auto: the caller runs them on the CPU).
 */
export async function runOnGpu(spec: SweepSpec, runs: readonly number[], exec: Executor, done: RunDone, o: { refuse: boolean; maxBatch?: number; vLimit_mV?: number; traceBudget_bytes?: number }): Promise<GpuSweepStats> {
  const maxBatch = o.maxBatch ?? GPU_MAX_BATCH;
  const stats: GpuSweepStats = { batches: 0, gpuRuns: 0, refused: [] };
  const layouts = new LayoutCache();
  const how: RunBackend = { backend: 'gpu', gpu: exec.detail };
  const turns = new EventLoopTurns();
  const launcher = withTurns(exec, turns);
  for (let start = 0; start < runs.length; start += maxBatch) {
    const buckets = new Map<string, Checked[][]>();
    for (const run of runs.slice(start, start + maxBatch)) {
      await turns.turn();
      const x = prepareRun(spec, run, layouts, done);
      if (x === null) continue;
      const t0 = performance.now();
      let model: CompiledModel, plan: GpuPlan;
      try {
        model = compileModel(x.request);
        const why = gpuRefusal(model);
        if (why !== null) {
          stats.refused.push({ run, reason: why });
          if (o.refuse) done(run, { status: 'failed', error: `the gpu backend cannot run this variant: ${why}; run it with --backend cpu (or auto) and --retry-failed`, measures: emptyMeasures(spec.measures), wall_s: (performance.now() - t0) / 1000 });
          continue;
        }
        plan = buildPlan(model, [{}]);
      } catch (e) {
        done(run, { status: 'failed', error: (e as Error).message, measures: emptyMeasures(spec.measures), wall_s: (performance.now() - t0) / 1000 });
        continue;
      }
      const key = bucketKey(plan);
      const groups = buckets.get(key) ?? [];
      buckets.set(key, groups);
      const g = groups.find((gr) => shareable(gr[0].plan, plan));
      if (g) g.push({ ...x, model, plan });
      else groups.push([{ ...x, model, plan }]);
    }
    for (const groups of buckets.values()) {
      for (const group of groups) {
        // every step of every probe comes back (the measures read every step, as on the CPU): keep a batch's traces within the budget
        const perVariant = 12 * Math.max(1, group[0].plan.probeLabels.length) * (group[0].plan.steps + 1);
        const size = Math.max(1, Math.floor((o.traceBudget_bytes ?? TRACE_BUDGET_BYTES) / perVariant));
        for (let k = 0; k < group.length; k += size) {
          const part = group.slice(k, k + size);
          await turns.turn();
          await runGpuGroup(spec, part, launcher, done, how, o.vLimit_mV);
          stats.batches++;
          stats.gpuRuns += part.length;
        }
      }
    }
  }
  return stats;
}

async function runGpuGroup(spec: SweepSpec, group: readonly Checked[], exec: Executor, done: RunDone, how: RunBackend, vLimit?: number): Promise<void> {
  const t0 = performance.now();
  let res;
  try {
    res = await new GpuProgram(exec, group[0].model, variantsOf(group.map((x) => x.plan))).run();
  } catch (e) {
    const share = (performance.now() - t0) / 1000 / group.length;
    for (const x of group) done(x.run, { status: 'failed', error: `the gpu backend failed on this batch: ${(e as Error).message.split('\n')[0]}`, measures: emptyMeasures(spec.measures), wall_s: share }, how);
    return;
  }
  const share_s = (performance.now() - t0) / 1000 / group.length;
  group.forEach((x, b) => {
    const traces = res.traces.map((per) => Float64Array.from(per[b]));
    const limit = vLimit ?? x.model.vLimit_mV;
    const bad = badSample(traces, limit);
    if (bad !== null) {
      const probe = x.model.probes[bad.probe];
      const node = probe.kind === 'v' ? probe.node : -1;
      done(x.run, {
        status: 'unstable',
        error: `numerical instability on the gpu backend (float32) at t = ${res.t_ms[bad.sample]} ms with dt = ${res.dt_ms} ms: v = ${traces[bad.probe][bad.sample]} mV at the probe ${bad.probe + 1} (node ${node}) (allowed |v| <= ${limit} mV); try a smaller dt or check the model parameters`,
        measures: emptyMeasures(spec.measures),
        wall_s: share_s,
      }, how);
      return;
    }
    const result: SimulationResult = {
      t_ms: res.t_ms,
      traces,
      steps: res.steps,
      dt_ms: res.dt_ms,
      method: 'backward_euler',
      setup_ms: res.setup_ms / group.length,
      run_ms: res.run_ms / group.length,
      wall_ms: (res.setup_ms + res.run_ms) / group.length,
      spikes: [],
      warnings: [],
    };
    const out: RunOutcome = executeRun(x.p, spec.measures, spec.keepTraces, { morphology: x.morphology, simulate: () => result });
    done(x.run, { ...out, wall_s: out.wall_s + share_s }, how);
  });
}

/** The first recorded sample that is not finite or beyond ±limit, if any. */
function badSample(traces: readonly Float64Array[], limit: number): { probe: number; sample: number } | null {
  for (let p = 0; p < traces.length; p++) {
    const tr = traces[p];
    for (let i = 0; i < tr.length; i++) if (!(Math.abs(tr[i]) <= limit)) return { probe: p, sample: i };
  }
  return null;
}
