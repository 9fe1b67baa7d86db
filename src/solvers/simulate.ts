import { createCpuState, finitialize, fixedStep, worstNode, type CpuState } from './cpu.ts';
import type { SpikeRecord } from './events.ts';
import { integrate, type Phases, type SimulationWarning } from './integrate.ts';
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
  /** Things about the run a user should know (today: |v| beyond `vWarn_mV`); empty when none. */
  warnings?: SimulationWarning[];
  /** Values of the request's `final` probes after the last step (absent when it has none). */
  final?: Float64Array;
}

export { nodeLocation, type SimulationWarning, type VOutOfRangeWarning } from './integrate.ts';

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

function probeSources(model: CompiledModel, s: CpuState, probes = model.probes): { src: Float64Array[]; idx: Int32Array } {
  const src: Float64Array[] = [];
  const idx = new Int32Array(probes.length);
  probes.forEach((p, k) => {
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

/** The CPU backend's phases of the step loop (integrate.ts) over a CpuState; it records into `traces`. */
class CpuPhases implements Phases {
  readonly lanes = 1;
  readonly recordEvery = 1;
  readonly steps: number;
  private readonly src: Float64Array[];
  private readonly idx: Int32Array;
  private readonly nProbe: number;
  constructor(private readonly model: CompiledModel, private readonly s: CpuState, private readonly traces: Float64Array[]) {
    const { src, idx } = probeSources(model, s);
    this.src = src;
    this.idx = idx;
    this.nProbe = src.length;
    this.steps = countSteps(model.dt_ms, model.tstop_ms);
  }
  finitialize(): void {
    finitialize(this.s, this.model.v_init_mV);
  }
  t(): number {
    return this.s.ctx.t;
  }
  step(): number {
    return fixedStep(this.s);
  }
  record(sample: number): void {
    const { src, idx, traces, nProbe } = this;
    for (let k = 0; k < nProbe; k++) traces[k][sample] = src[k][idx[k]];
  }
  endStep(): void {
    const s = this.s;
    if (s.events !== null) s.events.endStep(s.ctx);
  }
  setCheck(limit_mV: number): void {
    this.s.vCheck = limit_mV;
  }
  scan(worst: Int32Array): void {
    worst[0] = worstNode(this.s.v);
  }
  v(node: number): number {
    return this.s.v[node];
  }
}
export function cpuPhases(model: CompiledModel, s: CpuState, traces: Float64Array[]): Phases {
  return new CpuPhases(model, s, traces);
}

export const cpuBackend: Backend = {
  name: 'cpu',
  run(model: CompiledModel, opts: RunOptions = {}) {
    const t0 = performance.now();
    const s = createCpuState(model);
    const steps = countSteps(model.dt_ms, model.tstop_ms);
    const traces: Float64Array[] = model.probes.map(() => new Float64Array(steps + 1));
    const run = integrate(cpuPhases(model, s, traces), model, opts);
    let final: Float64Array | undefined;
    if (model.finalProbes !== undefined && model.finalProbes.length > 0) {
      const f = probeSources(model, s, model.finalProbes);
      final = Float64Array.from(f.src, (arr, k) => arr[f.idx[k]]);
    }
    return {
      t_ms: run.t_ms,
      traces,
      steps,
      dt_ms: model.dt_ms,
      method: model.method,
      setup_ms: run.loopStart_ms - t0,
      run_ms: run.loopEnd_ms - run.loopStart_ms,
      wall_ms: run.loopEnd_ms - t0,
      spikes: s.events === null ? [] : s.events.spikes(),
      warnings: run.warnings[0],
      ...(final !== undefined ? { final } : {}),
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
