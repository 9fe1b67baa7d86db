/**
 * The GPU backend: B variants of one CompiledModel in lock-step, float32, every phase a
 * kernel (codegen.ts) on an executor (exec.ts). State stays in the executor's textures; only the
 * probed rows are read back (every `recordEvery` steps). Step, as cpu.ts in backward Euler:
 *   t += dt/2; assemble (IClamps on where del ≤ t < del + dur); contraction forward rounds, roots,
 *   backward rounds → Δ; v += Δ; t += dt/2; states in model order (CaDynamics_E2 sees the
 *   start-of-step Ca current; channels read the newest cai); record.
 * Mechanism and ion textures ping-pong between two kernel objects, because a kernel may not read
 * the texture it renders into (gpu-notes.md §4). The loop itself is integrate.ts's (`integrateAsync`:
 * kernel calls return promises on WebGPU); this file provides its phases.
 */
import { integrateAsync, type Phases } from '../integrate.ts';
import type { CompiledModel } from '../model.ts';
import {
  advanceKernel,
  assemblyKernel,
  backwardKernel,
  finalKernel,
  forwardKernel,
  initStatesKernel,
  initVKernel,
  recordKernel,
  stateSlots,
  vUpdateKernel,
  type KernelSpec,
} from './codegen.ts';
import type { Executor, Kernel, Tex } from './exec.ts';
import { buildPlan, type GpuPlan, type GpuVariant } from './plan.ts';

export interface GpuRunOptions {
  /** Record v every this many steps (t = 0 always); default 1. */
  recordEvery?: number;
  /** Called with the fraction of steps done, about 200 times per run. */
  onProgress?: (fraction: number) => void;
  /** Stop after this many steps (benchmarks that must fit a time budget); default all. */
  maxSteps?: number;
}

export interface GpuBatchResult {
  /** Times of the recorded samples. */
  t_ms: Float64Array;
  /** traces[probe][variant]: v at the probe, one value per sample. */
  traces: Float32Array[][];
  steps: number;
  dt_ms: number;
  B: number;
  /** Plan, kernel generation and build, initialisation. */
  setup_ms: number;
  run_ms: number;
  /** Kernel launches per step and the tree contraction's rounds. */
  launchesPerStep: number;
  rounds: number;
  /** What ran: executor name and detail (gpu.js mode, adapter). */
  executor: string;
  detail: string;
}

const maybe = async <T>(x: T | Promise<T>, isAsync: boolean): Promise<T> => (isAsync ? await x : (x as T));

/** The kernels of one model and executor, built once. */
export class GpuProgram {
  readonly plan: GpuPlan;
  private readonly k: {
    initV: Kernel;
    initStates: Kernel;
    assemble: Kernel;
    fwd: Kernel[];
    final: Kernel;
    bwd: Kernel[];
    vupd: [Kernel, Kernel];
    advance: [Kernel, Kernel];
    record: Kernel;
  };
  /** Kernel launches per step (recording not counted). */
  readonly launchesPerStep: number;
  /** Number of state slots (gates and concentrations) in the state texture. */
  readonly nStates: number;

  constructor(readonly exec: Executor, private readonly model: CompiledModel, variants: readonly GpuVariant[]) {
    const plan = (this.plan = buildPlan(model, variants));
    const f32 = exec.f32;
    const b = (s: KernelSpec): Kernel => exec.build(s);
    const pair = (f: () => KernelSpec): [Kernel, Kernel] => [b(f()), b(f())];
    const R = plan.schedule.live.length - 1;
    this.nStates = stateSlots(plan).length;
    this.k = {
      initV: b(initVKernel(plan, f32)),
      initStates: b(initStatesKernel(plan, f32)),
      assemble: b(assemblyKernel(plan, f32)),
      fwd: Array.from({ length: R }, (_, r) => b(forwardKernel(plan, r, f32))),
      final: b(finalKernel(plan, f32)),
      bwd: Array.from({ length: R }, (_, r) => b(backwardKernel(plan, r, f32))),
      vupd: pair(() => vUpdateKernel(plan, f32)),
      advance: pair(() => advanceKernel(plan, f32)),
      record: b(recordKernel(plan, f32)),
    };
    this.launchesPerStep = 1 + R + 1 + R + 1 + 1;
  }

  /** Every kernel's source (for inspection and tests). */
  sources(): KernelSpec[] {
    const k = this.k;
    return [k.initV, k.initStates, k.assemble, ...k.fwd, k.final, ...k.bwd, k.vupd[0], k.advance[0], k.record].map((x) => x.spec);
  }

  async run(opts: GpuRunOptions = {}): Promise<GpuBatchResult> {
    const t0 = performance.now();
    const { plan, exec } = this;
    const every = Math.max(1, Math.floor(opts.recordEvery ?? 1));
    const steps = Math.min(plan.steps, Math.max(0, Math.floor(opts.maxSteps ?? plan.steps)));
    const nSamples = Math.floor(steps / every) + 1;
    const P = plan.probeLabels.length;
    const traces: Float32Array[][] = Array.from({ length: P }, () => Array.from({ length: plan.B }, () => new Float32Array(nSamples)));
    const run = await integrateAsync(this.phases(steps, every, traces), this.model, { onProgress: opts.onProgress });
    return {
      t_ms: run.t_ms,
      traces,
      steps,
      dt_ms: plan.dt_ms,
      B: plan.B,
      setup_ms: run.loopStart_ms - t0,
      run_ms: run.loopEnd_ms - run.loopStart_ms,
      launchesPerStep: this.launchesPerStep + (P > 0 ? 1 / every : 0),
      rounds: this.k.fwd.length,
      executor: exec.name,
      detail: exec.detail,
    };
  }

  /**
   * The GPU backend's phases of the step loop (integrate.ts): lanes are the variants, state is the
   * executor's textures, t is kept here (float64). `step` returns −1 always: v stays on the device
   * and is not checked (no v_out_of_range warning, no InstabilityError on the GPU).
   */
  phases(steps: number, recordEvery: number, traces: Float32Array[][]): Phases {
    const { plan, exec, k } = this;
    const A = exec.async;
    const call = (kern: Kernel, args: readonly Tex[]): Promise<Tex> => maybe(kern.run(args), A);
    const P = plan.probeLabels.length;
    const ns = plan.stim.label.length;
    const ON = new Float32Array(Math.max(1, ns));
    const half = 0.5 * plan.dt_ms;
    const R = k.fwd.length;
    let V: Tex = null;
    let ST: Tex = null;
    let t = 0;
    let n = 0;
    const noCheck = (): never => {
      throw new Error('the GPU backend does not check v (its step returns -1)');
    };
    return {
      lanes: plan.B,
      steps,
      recordEvery,
      async finitialize() {
        t = 0;
        n = 0;
        V = await call(k.initV, []);
        ST = await call(k.initStates, []);
      },
      t: () => t,
      async step() {
        const pp = ++n & 1;
        t += half;
        for (let q = 0; q < ns; q++) ON[q] = t < plan.stim.del[q] + plan.stim.dur[q] && t >= plan.stim.del[q] ? 1 : 0;
        const S: Tex[] = [await call(k.assemble, [V, ST, ON])];
        for (let r = 0; r < R; r++) S.push(await call(k.fwd[r], [S[r]]));
        let X = await call(k.final, [S[R]]);
        for (let r = R - 1; r >= 0; r--) X = await call(k.bwd[r], [X, S[r]]);
        const Vnew = await call(k.vupd[pp], [V, X]);
        t += half;
        ST = await call(k.advance[pp], [Vnew, V, ST]);
        V = Vnew;
        return -1;
      },
      async record(sample) {
        if (P === 0) return;
        const rows = await maybe(exec.read2D(await call(k.record, [V])), A);
        for (let p = 0; p < P; p++) for (let b = 0; b < plan.B; b++) traces[p][b][sample] = rows[p][b];
      },
      endStep() {},
      setCheck() {},
      scan: noCheck,
      v: noCheck,
      laneName: (lane) => `variant ${lane}`,
    };
  }
}
