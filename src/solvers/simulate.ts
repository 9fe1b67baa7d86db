import { createCpuState, finitialize, fixedStep, worstNode, type CpuState } from './cpu.ts';
import { InstabilityError } from './errors.ts';
import type { SpikeRecord } from './events.ts';
import { compileModel, type CompiledModel, type Method, type SimulationRequest } from './model.ts';

export interface SimulationResult {
  /** Accumulated t of every sample (NEURON's t), t = 0 first; length steps + 1. */
  t_ms: Float64Array;
  /** One column per probe, same order as `record`. */
  traces: Float64Array[];
  steps: number;
  dt_ms: number;
  method: Method;
  /** Validation, allocation and initialisation. */
  setup_ms: number;
  /** The step loop (including recording). */
  run_ms: number;
  /** setup_ms + run_ms. */
  wall_ms: number;
  /** Spikes of the event sources and threshold detectors (events.ts); empty without events. */
  spikes?: SpikeRecord[];
}

/**
 * Number of fixed steps NEURON's `continuerun(tstop)` takes: while t < tstop − dt/2, with t
 * accumulated by two half-step additions per step.
 */
export function countSteps(dt_ms: number, tstop_ms: number): number {
  const half = 0.5 * dt_ms;
  const stop = tstop_ms - dt_ms / 2;
  let t = 0;
  let n = 0;
  while (t < stop) {
    t += half;
    t += half;
    n++;
  }
  return n;
}

/**
 * NEURON `setdt()` (stdrun.hoc, numerics §8): with steps_per_ms (default 40), a dt that does not
 * divide 1/steps_per_ms is replaced by (1/steps_per_ms)/k. Use it to reproduce `run()` exactly.
 */
export function neuronRunDt(dt_ms: number, stepsPerMs = 40): number {
  const interval = 1 / stepsPerMs;
  let k = Math.floor(interval / dt_ms);
  if (k < 1) k = 1;
  return Math.abs(dt_ms * k * stepsPerMs - 1) > 1e-6 ? interval / k : dt_ms;
}

/**
 * A backend runs a compiled model (validated, backend-neutral data) and records its probes.
 * The CPU backend is the reference; a GPU backend runs the same CompiledModel.
 */
/** Options of a run that do not change its result. */
export interface RunOptions {
  /** Called with the fraction of steps done, about 200 times per run (never inside a step). */
  onProgress?: (fraction: number) => void;
}

export interface Backend {
  readonly name: string;
  run(model: CompiledModel, opts?: RunOptions): SimulationResult;
}

function probeSources(model: CompiledModel, s: CpuState): { src: Float64Array[]; idx: Int32Array } {
  const src: Float64Array[] = [];
  const idx = new Int32Array(model.probes.length);
  model.probes.forEach((p, k) => {
    if (p.kind === 'v') {
      src.push(s.v);
      idx[k] = p.node;
    } else if (p.kind === 'mechanism') {
      src.push(s.mechanisms[p.use].instance.vars[p.variable]);
      idx[k] = p.instance;
    } else {
      const ion = s.ions.find((x) => x.name === p.ion)!;
      src.push(ion[p.variable]);
      idx[k] = p.node;
    }
  });
  return { src, idx };
}

export const cpuBackend: Backend = {
  name: 'cpu',
  run(model: CompiledModel, opts: RunOptions = {}) {
    const t0 = performance.now();
    const onProgress = opts.onProgress;
    const s = createCpuState(model);
    const steps = countSteps(model.dt_ms, model.tstop_ms);
    const nProbe = model.probes.length;
    const t_ms = new Float64Array(steps + 1);
    const traces: Float64Array[] = [];
    for (let k = 0; k < nProbe; k++) traces.push(new Float64Array(steps + 1));
    const { src, idx } = probeSources(model, s);
    finitialize(s, model.v_init_mV);
    t_ms[0] = s.ctx.t;
    for (let k = 0; k < nProbe; k++) traces[k][0] = src[k][idx[k]];
    const t1 = performance.now();
    const every = Math.max(1, Math.floor(steps / 200));
    for (let step = 1; step <= steps; step++) {
      let bad = fixedStep(s);
      if (bad >= 0) {
        bad = worstNode(s.v);
        const sec = model.layout.sections[model.layout.nodeSection[bad]];
        throw new InstabilityError({
          dt_ms: model.dt_ms,
          t_ms: s.ctx.t,
          node: bad,
          v_mV: s.v[bad],
          section: sec?.name,
          limit_mV: model.vLimit_mV,
        });
      }
      t_ms[step] = s.ctx.t;
      for (let k = 0; k < nProbe; k++) traces[k][step] = src[k][idx[k]];
      // 9. Events due at t <= t_{n+1}, after recording (as NEURON).
      if (s.events !== null) s.events.endStep(s.ctx);
      if (onProgress !== undefined && step % every === 0) onProgress(step / steps);
    }
    const t2 = performance.now();
    return {
      t_ms,
      traces,
      steps,
      dt_ms: model.dt_ms,
      method: model.method,
      setup_ms: t1 - t0,
      run_ms: t2 - t1,
      wall_ms: t2 - t0,
      spikes: s.events === null ? [] : s.events.spikes(),
    };
  },
};

/**
 * Run one fixed-step simulation as NEURON 8.2 would: `finitialize(v_init)` then `continuerun(tstop)`,
 * recording every step. Throws `SimulationSpecError` for a bad request and `InstabilityError` when
 * the integration blows up.
 */
export function simulate(req: SimulationRequest, opts: RunOptions = {}): SimulationResult {
  const t0 = performance.now();
  const model = compileModel(req);
  const t1 = performance.now();
  const out = cpuBackend.run(model, opts);
  const setup_ms = out.setup_ms + (t1 - t0);
  return { ...out, setup_ms, wall_ms: setup_ms + out.run_ms };
}
