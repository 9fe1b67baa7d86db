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
  /** Things about the run a user should know (today: |v| beyond `vWarn_mV`); empty when none. */
  warnings?: SimulationWarning[];
  /** Values of the request's `final` probes after the last step (absent when it has none). */
  final?: Float64Array;
}

/**
 * Some |v| went beyond ±vWarn_mV (default 200 mV: no membrane gets there; it means a current far
 * too large, a wrong unit or a bad parameter) but stayed finite and within vLimit_mV.
 */
export interface VOutOfRangeWarning {
  code: 'v_out_of_range';
  message: string;
  limit_mV: number;
  /** The first step that went beyond: its end time, and the node with the largest |v| then. */
  first_t_ms: number;
  first_node: number;
  first_section: string;
  first_x: number;
  first_v_mV: number;
  /** The largest |v| over the run (every node, every step from the first on), where and when. */
  max_abs_v_mV: number;
  max_node: number;
  max_section: string;
  max_x: number;
  max_t_ms: number;
}

export type SimulationWarning = VOutOfRangeWarning;

/** Section name and x of a node (segment centre, or 0 / 1 for end nodes). */
export function nodeLocation(layout: CompiledModel['layout'], node: number): { section: string; x: number } {
  const sec = layout.sections[layout.nodeSection[node]];
  if (!sec) return { section: `node ${node}`, x: 0.5 };
  if (node === sec.endNode) return { section: sec.name, x: 1 };
  if (node === sec.node0 && !(node >= sec.firstCentre && node < sec.firstCentre + sec.nseg)) return { section: sec.name, x: 0 };
  return { section: sec.name, x: (node - sec.firstCentre + 0.5) / sec.nseg };
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
    // |v| beyond vWarn_mV: the first step that gets there, then the largest |v| (scanned every step
    // only once it happened; a healthy run pays nothing, see CpuState.vCheck).
    let over: { t: number; node: number; v: number; maxAbs: number; maxNode: number; maxT: number } | null = null;
    for (let step = 1; step <= steps; step++) {
      let bad = fixedStep(s);
      if (over !== null) {
        const w = worstNode(s.v);
        const a = Math.abs(s.v[w]);
        if (a > over.maxAbs) {
          over.maxAbs = a;
          over.maxNode = w;
          over.maxT = s.ctx.t;
        }
      }
      if (bad >= 0) bad = worstNode(s.v);
      if (bad >= 0 && over === null && Number.isFinite(s.v[bad]) && Math.abs(s.v[bad]) <= model.vLimit_mV) {
        over = { t: s.ctx.t, node: bad, v: s.v[bad], maxAbs: Math.abs(s.v[bad]), maxNode: bad, maxT: s.ctx.t };
        s.vCheck = model.vLimit_mV;
        bad = -1;
      }
      if (bad >= 0) {
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
    let final: Float64Array | undefined;
    if (model.finalProbes !== undefined && model.finalProbes.length > 0) {
      const f = probeSources(model, s, model.finalProbes);
      final = Float64Array.from(f.src, (arr, k) => arr[f.idx[k]]);
    }
    const warnings: SimulationWarning[] = [];
    if (over !== null) {
      const first = nodeLocation(model.layout, over.node);
      const max = nodeLocation(model.layout, over.maxNode);
      const limit = Math.min(model.vWarn_mV, model.vLimit_mV);
      warnings.push({
        code: 'v_out_of_range',
        message: `|v| went beyond ${limit} mV: first at t = ${round(over.t)} ms, v = ${round(over.v)} mV at ${first.section}(${round(first.x)}); ` +
          `largest |v| ${round(over.maxAbs)} mV at ${max.section}(${round(max.x)}), t = ${round(over.maxT)} ms. ` +
          'No membrane gets there: check current amplitudes and units, conductances, and dt',
        limit_mV: limit,
        first_t_ms: over.t,
        first_node: over.node,
        first_section: first.section,
        first_x: first.x,
        first_v_mV: over.v,
        max_abs_v_mV: over.maxAbs,
        max_node: over.maxNode,
        max_section: max.section,
        max_x: max.x,
        max_t_ms: over.maxT,
      });
    }
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
      warnings,
      ...(final !== undefined ? { final } : {}),
    };
  },
};

function round(x: number): number {
  return Number(x.toPrecision(4));
}

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
