/**
 * The GPU backend (issue 10): B variants of one model in lock-step, float32, with gpu.js
 * (docs/gpu.md). `runGpuBatch` runs a batch; `chooseBackend` decides what `--backend gpu|auto`
 * runs and why; `simulateOnGpu` runs one variant and returns an ordinary SimulationResult.
 */
import type { CompiledModel } from '../model.ts';
import type { SimulationResult } from '../simulate.ts';
import { GpuProgram, type GpuBatchResult, type GpuRunOptions } from './backend.ts';
import type { Executor } from './exec.ts';
import { buildPlan, GpuUnsupportedError, type GpuVariant } from './plan.ts';
import { gpuExecutor, gpuModeFromEnv, GpuUnavailableError, type GpuMode } from './select.ts';

export { GpuProgram, type GpuBatchResult, type GpuRunOptions } from './backend.ts';
export { emuExecutor, gpuJsExecutor, type Executor } from './exec.ts';
export { buildPlan, GpuUnsupportedError, type GpuVariant, type GpuPlan } from './plan.ts';
export { adapterString, gpuExecutor, gpuModeFromEnv, GpuUnavailableError, isSoftwareAdapter, probeWebGpu, type AdapterInfo, type GpuMode } from './select.ts';
export { contractionSchedule, contractionSolve, type ContractionSchedule } from './tree.ts';

/** Run B variants of a model on an executor (default: as DENDRITE_GPU_MODE says, else a real GPU). */
export async function runGpuBatch(model: CompiledModel, variants: readonly GpuVariant[], opts: GpuRunOptions & { executor?: Executor; mode?: GpuMode } = {}): Promise<GpuBatchResult> {
  const exec = opts.executor ?? (await gpuExecutor(opts.mode ?? gpuModeFromEnv()));
  try {
    return await new GpuProgram(exec, model, variants).run(opts);
  } finally {
    if (!opts.executor) exec.destroy();
  }
}

export type BackendKind = 'cpu' | 'gpu' | 'auto';

export interface BackendChoice {
  backend: 'cpu' | 'gpu';
  /** One line: why this backend. */
  why: string;
  executor: Executor | null;
}

/**
 * What runs a model for `--backend cpu|gpu|auto`. `gpu`: the GPU backend or GpuUnavailableError
 * (no real GPU, or a model it cannot run); DENDRITE_GPU_MODE selects a test mode. `auto`: a real
 * GPU when there is one and the model runs there, else the CPU; test modes are never chosen by auto.
 */
export async function chooseBackend(kind: BackendKind, model: CompiledModel, env: NodeJS.ProcessEnv = process.env): Promise<BackendChoice> {
  if (kind === 'cpu') return { backend: 'cpu', why: 'asked for (--backend cpu, the default)', executor: null };
  // The GPU first (cheap to rule out), then whether the model runs there.
  let exec: Executor;
  try {
    exec = await gpuExecutor(kind === 'gpu' ? gpuModeFromEnv(env) : 'gpu');
  } catch (e) {
    if (!(e instanceof GpuUnavailableError) || kind === 'gpu') throw e;
    return { backend: 'cpu', why: e.message.replace(/^--backend gpu: /, '').replace(/\. Use --backend.*$/, ''), executor: null };
  }
  try {
    buildPlan(model, [{}]);
  } catch (e) {
    exec.destroy();
    if (!(e instanceof GpuUnsupportedError)) throw e;
    if (kind === 'gpu') throw new GpuUnavailableError(`--backend gpu: the gpu backend cannot run this model: ${e.message}. Use --backend cpu`);
    return { backend: 'cpu', why: `the gpu backend cannot run this model (${e.message})`, executor: null };
  }
  return { backend: 'gpu', why: kind === 'gpu' ? 'asked for (--backend gpu)' : 'a GPU was found and the model runs there (float32)', executor: exec };
}

/** One variant on the GPU, as an ordinary SimulationResult (float32 values in float64 arrays). */
export async function simulateOnGpu(model: CompiledModel, exec: Executor, opts: GpuRunOptions = {}): Promise<{ result: SimulationResult; batch: GpuBatchResult }> {
  const batch = await new GpuProgram(exec, model, [{}]).run(opts);
  const result: SimulationResult = {
    t_ms: batch.t_ms,
    traces: batch.traces.map((per) => Float64Array.from(per[0])),
    steps: batch.steps,
    dt_ms: batch.dt_ms,
    method: model.method,
    setup_ms: batch.setup_ms,
    run_ms: batch.run_ms,
    wall_ms: batch.setup_ms + batch.run_ms,
    spikes: [],
    warnings: [],
  };
  return { result, batch };
}
