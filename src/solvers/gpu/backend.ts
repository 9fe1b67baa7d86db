/**
 * The GPU backend's run loop: B variants of one CompiledModel in lock-step, float32, every phase a
 * kernel (codegen.ts) on an executor (exec.ts). State stays in the executor's textures; only the
 * probed rows are read back (every `recordEvery` steps). Step, as cpu.ts in backward Euler:
 *   t += dt/2; assemble (IClamps on where del ≤ t < del + dur); contraction forward rounds, roots,
 *   backward rounds → Δ; v += Δ; t += dt/2; states in model order (CaDynamics_E2 sees the
 *   start-of-step Ca current; channels read the newest cai); record.
 * Mechanism and ion textures ping-pong between two kernel objects, because a kernel may not read
 * the texture it renders into (gpu-notes.md §4).
 */
import type { CompiledModel } from '../model.ts';
import {
  assemblyKernel,
  backwardKernel,
  caDynKernel,
  finalKernel,
  forwardKernel,
  initCiKernel,
  initStateKernel,
  initVKernel,
  recordKernel,
  stateKernel,
  tex,
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
    init: Map<string, Kernel>;
    assemble: Kernel;
    fwd: Kernel[];
    final: Kernel;
    bwd: Kernel[];
    vupd: [Kernel, Kernel];
    states: Map<string, [Kernel, Kernel]>;
    record: Kernel;
  };
  readonly launchesPerStep: number;

  constructor(readonly exec: Executor, model: CompiledModel, variants: readonly GpuVariant[]) {
    const plan = (this.plan = buildPlan(model, variants));
    const f32 = exec.f32;
    const b = (s: KernelSpec): Kernel => exec.build(s);
    const pair = (f: () => KernelSpec): [Kernel, Kernel] => [b(f()), b(f())];
    const init = new Map<string, Kernel>();
    const states = new Map<string, [Kernel, Kernel]>();
    for (const m of plan.mechanisms) {
      if (m.kind === 'cadyn') continue;
      for (const s of m.states) {
        init.set(tex(`${m.name}.${s}`), b(initStateKernel(plan, m, s, f32)));
        states.set(tex(`${m.name}.${s}`), pair(() => stateKernel(plan, m, s, f32)));
      }
    }
    for (const ion of plan.ions) {
      if (!ion.ciState) continue;
      init.set(`CI_${ion.name}`, b(initCiKernel(plan, ion.name, f32)));
      const m = plan.mechanisms.find((x) => x.kind === 'cadyn')!;
      states.set(`CI_${ion.name}`, pair(() => caDynKernel(plan, m, f32)));
    }
    const R = plan.schedule.live.length - 1;
    this.k = {
      initV: b(initVKernel(plan, f32)),
      init,
      assemble: b(assemblyKernel(plan, f32)),
      fwd: Array.from({ length: R }, (_, r) => b(forwardKernel(plan, r, f32))),
      final: b(finalKernel(plan, f32)),
      bwd: Array.from({ length: R }, (_, r) => b(backwardKernel(plan, r, f32))),
      vupd: pair(() => vUpdateKernel(plan, f32)),
      states,
      record: b(recordKernel(plan, f32)),
    };
    this.launchesPerStep = 1 + R + 1 + R + 1 + states.size;
  }

  /** Every kernel's source (for inspection and tests). */
  sources(): KernelSpec[] {
    const k = this.k;
    return [k.initV, ...k.init.values(), k.assemble, ...k.fwd, k.final, ...k.bwd, k.vupd[0], ...[...k.states.values()].map((p) => p[0]), k.record].map((x) => x.spec);
  }

  async run(opts: GpuRunOptions = {}): Promise<GpuBatchResult> {
    const t0 = performance.now();
    const { plan, exec, k } = this;
    const A = exec.async;
    const call = (kern: Kernel, args: readonly Tex[]): Promise<Tex> => maybe(kern.run(args), A);
    const every = Math.max(1, Math.floor(opts.recordEvery ?? 1));
    const steps = plan.steps;
    const nSamples = Math.floor(steps / every) + 1;
    const P = plan.probeLabels.length;
    const traces: Float32Array[][] = Array.from({ length: P }, () => Array.from({ length: plan.B }, () => new Float32Array(nSamples)));
    const t_ms = new Float64Array(nSamples);
    // Textures by name: V, T_<mech>_<state>, CI_<ion>.
    const cur = new Map<string, Tex>();
    let V = await call(k.initV, []);
    cur.set('V', V);
    for (const [name, kern] of k.init) cur.set(name, await call(kern, kern.spec.args.map((a) => cur.get(a))));
    const record = async (sample: number): Promise<void> => {
      if (P === 0) return;
      const rows = await maybe(exec.read2D(await call(k.record, [V])), A);
      for (let p = 0; p < P; p++) for (let b = 0; b < plan.B; b++) traces[p][b][sample] = rows[p][b];
    };
    let t = 0;
    await record(0);
    const t1 = performance.now();
    const ns = plan.stim.label.length;
    const ON = new Float32Array(Math.max(1, ns));
    const half = 0.5 * plan.dt_ms;
    const R = k.fwd.length;
    const progressEvery = Math.max(1, Math.floor(steps / 200));
    const args = (kern: Kernel, extra: Record<string, Tex>, from: Map<string, Tex>): Tex[] =>
      kern.spec.args.map((a) => {
        if (a in extra) return extra[a];
        const x = a.startsWith('S0_') ? snapshot.get(a.slice(3)) : from.get(a);
        if (x === undefined) throw new Error(`internal: no texture ${a} for kernel ${kern.spec.name}`);
        return x;
      });
    let snapshot = new Map(cur);
    let sample = 1;
    for (let step = 1; step <= steps; step++) {
      const pp = step & 1;
      t += half;
      for (let q = 0; q < ns; q++) ON[q] = t < plan.stim.del[q] + plan.stim.dur[q] && t >= plan.stim.del[q] ? 1 : 0;
      snapshot = new Map(cur);
      const S: Tex[] = [await call(k.assemble, args(k.assemble, { V, ON }, cur))];
      for (let r = 0; r < R; r++) S.push(await call(k.fwd[r], [S[r]]));
      let X = await call(k.final, [S[R]]);
      for (let r = R - 1; r >= 0; r--) X = await call(k.bwd[r], [X, S[r]]);
      const Vnew = await call(k.vupd[pp], [V, X]);
      t += half;
      // States in model order; a mechanism's states all read its start-of-step values.
      for (const m of plan.mechanisms) {
        if (m.kind === 'cadyn') {
          for (const ion of plan.ions) {
            if (!ion.ciState) continue;
            const kern = k.states.get(`CI_${ion.name}`)![pp];
            cur.set(`CI_${ion.name}`, await call(kern, args(kern, { VOLD: V, CIOLD_ca: cur.get(`CI_${ion.name}`)! }, cur)));
          }
          continue;
        }
        const updated: [string, Tex][] = [];
        for (const s of m.states) {
          const name = tex(`${m.name}.${s}`);
          const kern = k.states.get(name)![pp];
          updated.push([name, await call(kern, args(kern, { V: Vnew }, cur))]);
        }
        for (const [name, x] of updated) cur.set(name, x);
      }
      V = Vnew;
      cur.set('V', V);
      if (step % every === 0) {
        t_ms[sample] = t;
        await record(sample++);
      }
      if (opts.onProgress && step % progressEvery === 0) opts.onProgress(step / steps);
    }
    const t2 = performance.now();
    return {
      t_ms,
      traces,
      steps,
      dt_ms: plan.dt_ms,
      B: plan.B,
      setup_ms: t1 - t0,
      run_ms: t2 - t1,
      launchesPerStep: this.launchesPerStep + (P > 0 ? 1 / every : 0),
      rounds: R,
      executor: exec.name,
      detail: exec.detail,
    };
  }
}
