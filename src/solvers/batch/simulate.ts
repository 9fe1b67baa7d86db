/**
 * `simulateBatch(model, variants)`: B variants of one model in lock-step on the CPU (issue 10
 * item 2). A variant replaces some fields of the base request: mechanism uses (other parameters,
 * same mechanisms on the same nodes), stimuli (other amplitudes and timing, same nodes), ion
 * settings and v_init. Everything that fixes the structure (layout, dt, tstop, method, celsius,
 * probes, globals) is the base's. Each variant's traces equal a single `simulate` run of the same
 * request with the same catalogue bit for bit (test/batch/batch.test.ts).
 *
 * Kernels: the request's catalogue, else `irCatalogue()` (kernels generated from the kinetics
 * descriptions of src/channels/ir; hand-written where none exists: IClamp, CaDynamics_E2, …).
 * Events (spike sources, detectors, NET_RECEIVE) run per variant, so variants may differ in their
 * synaptic input and seeds too (`events`). The step loop is integrate.ts's, as the single run's:
 * each variant gets its own `v_out_of_range` warning (`warnings[variant]`), and a variant beyond
 * vLimit_mV stops the batch with an InstabilityError naming it.
 */
import { irCatalogue } from '../../channels/ir/index.ts';
import { integrate, type Phases, type SimulationWarning } from '../integrate.ts';
import { CompileCache, compileModel, type CompiledModel, type SimulationRequest } from '../model.ts';
import { countSteps } from '../simulate.ts';
import { SimulationSpecError } from '../errors.ts';
import type { SpikeRecord } from '../events.ts';
import { batchFinitialize, batchFixedStep, batchStateBytes, createBatchState, type BatchOptions, type BatchState } from './state.ts';
import type { Arithmetic } from '../../channels/ir/wasm/fast.ts';

/** What a variant may change. Absent fields are the base request's. */
export type BatchVariant = Partial<Pick<SimulationRequest, 'mechanisms' | 'stimuli' | 'ions' | 'v_init_mV' | 'events'>>;

export interface BatchResult {
  /** t of every sample, shared (t = 0 first). */
  t_ms: Float64Array;
  /** traces[variant][probe], as SimulationResult.traces. */
  traces: Float64Array[][];
  steps: number;
  dt_ms: number;
  variants: number;
  /** Compile + state allocation + finitialize. */
  setup_ms: number;
  run_ms: number;
  wall_ms: number;
  /** Each variant's spikes (sources and detectors; empty without events). */
  spikes: SpikeRecord[][];
  /** Each variant's warnings (the single run's `warnings`: v_out_of_range; empty when none). */
  warnings: SimulationWarning[][];
  /** Each variant's `final` probes after the last step (absent when the model has none). */
  final?: Float64Array[];
  /** Bytes of state that scale with the batch, per node and variant (v, rhs, d, ions, mechanism arrays, scratch). */
  stateBytesPerNodeVariant: number;
  /** The generated kernels' arithmetic (BatchOptions.arithmetic). */
  arithmetic: Arithmetic;
}

/** Compile the base with every variant applied (one CompiledModel per variant). */
export function compileVariants(base: SimulationRequest, variants: readonly BatchVariant[]): CompiledModel[] {
  if (variants.length === 0) throw new SimulationSpecError('variants', 'expected at least one variant');
  const catalogue = base.catalogue ?? irCatalogue();
  // the base's layout and the mechanism uses a variant keeps are compiled once (the batch copies them)
  const cache = new CompileCache();
  return variants.map((v, k) => {
    try {
      return compileModel({ ...base, ...v, catalogue }, cache);
    } catch (e) {
      if (e instanceof SimulationSpecError) throw new SimulationSpecError(`variants[${k}] (base + variant): ${e.path}`, e.message.slice(e.path.length + 2));
      throw e;
    }
  });
}

function probeSources(model: CompiledModel, s: BatchState, probes = model.probes): { src: Float64Array[]; idx: Int32Array } {
  const src: Float64Array[] = [];
  const idx = new Int32Array(probes.length);
  probes.forEach((p, k) => {
    if (p.kind === 'v') {
      src.push(s.v);
      idx[k] = p.node * s.B;
    } else if (p.kind === 'mechanism') {
      src.push(s.mechanisms[p.use].instance.vars[p.variable]);
      idx[k] = p.instance * s.B;
    } else {
      const ion = s.ions.find((x) => x.name === p.ion)!;
      src.push(ion[p.variable]);
      idx[k] = p.node * s.B;
    }
  });
  return { src, idx };
}

/** Each variant's node with the largest |v| (the first non-finite one, as cpu.ts `worstNode`). */
function worstPerVariant(v: Float64Array, n: number, B: number, worst: Int32Array, worstAbs: Float64Array, done: Uint8Array): void {
  worst.fill(0);
  worstAbs.fill(-1);
  done.fill(0);
  for (let i = 0, k = 0; i < n; i++) {
    for (let beta = 0; beta < B; beta++, k++) {
      if (done[beta] === 1) continue;
      const x = v[k];
      if (!Number.isFinite(x)) {
        worst[beta] = i;
        done[beta] = 1;
        continue;
      }
      const ax = Math.abs(x);
      if (ax > worstAbs[beta]) {
        worstAbs[beta] = ax;
        worst[beta] = i;
      }
    }
  }
}

/**
 * The batch backend's phases of the step loop (integrate.ts): lanes are the variants; it records
 * into `traces[variant][probe]`.
 */
class BatchPhases implements Phases {
  readonly lanes: number;
  readonly steps: number;
  readonly recordEvery = 1;
  private readonly src: Float64Array[];
  private readonly idx: Int32Array;
  private check: number;
  private readonly worstAbs: Float64Array;
  private readonly done: Uint8Array;
  constructor(models: readonly CompiledModel[], private readonly s: BatchState, private readonly traces: Float64Array[][]) {
    const m0 = models[0];
    const { src, idx } = probeSources(m0, s);
    this.src = src;
    this.idx = idx;
    this.lanes = s.B;
    this.steps = countSteps(m0.dt_ms, m0.tstop_ms);
    this.check = Math.min(m0.vWarn_mV, s.vLimit);
    this.worstAbs = new Float64Array(s.B);
    this.done = new Uint8Array(s.B);
  }
  finitialize(): void {
    batchFinitialize(this.s);
  }
  t(): number {
    return this.s.ctx.t;
  }
  step(): number {
    return batchFixedStep(this.s, this.check);
  }
  record(sample: number): void {
    const { src, idx, traces } = this;
    const B = this.s.B;
    for (let k = 0; k < src.length; k++) {
      const a = src[k];
      const o = idx[k];
      for (let beta = 0; beta < B; beta++) traces[beta][k][sample] = a[o + beta];
    }
  }
  endStep(): void {
    const s = this.s;
    for (let beta = 0; beta < s.B; beta++) s.events[beta]?.endStep(s.ctx);
  }
  setCheck(limit_mV: number): void {
    this.check = limit_mV;
  }
  scan(worst: Int32Array): void {
    worstPerVariant(this.s.v, this.s.n, this.s.B, worst, this.worstAbs, this.done);
  }
  v(node: number, lane: number): number {
    return this.s.v[node * this.s.B + lane];
  }
  laneName(lane: number): string {
    return `variant ${lane}`;
  }
}

/** The batch backend's phases over a BatchState (see BatchPhases). */
export function batchPhases(models: readonly CompiledModel[], s: BatchState, traces: Float64Array[][]): Phases {
  return new BatchPhases(models, s, traces);
}

/** Run compiled variants (from `compileVariants`) in lock-step. */
export function runBatch(models: readonly CompiledModel[], options: BatchOptions = {}): BatchResult {
  const t0 = performance.now();
  const s = createBatchState(models, options);
  const m0 = models[0];
  models.forEach((m, k) => {
    if (m.vWarn_mV !== m0.vWarn_mV) throw new SimulationSpecError(`variants[${k}].vWarn_mV`, `a batch checks v in lock-step: expected ${m0.vWarn_mV} as in variant 0, got ${m.vWarn_mV}`);
  });
  const B = s.B;
  const steps = countSteps(m0.dt_ms, m0.tstop_ms);
  const nProbe = m0.probes.length;
  const traces: Float64Array[][] = models.map(() => Array.from({ length: nProbe }, () => new Float64Array(steps + 1)));
  const run = integrate(batchPhases(models, s, traces), m0);
  let final: Float64Array[] | undefined;
  if (m0.finalProbes !== undefined && m0.finalProbes.length > 0) {
    const f = probeSources(m0, s, m0.finalProbes);
    final = models.map((_, beta) => Float64Array.from(f.src, (arr, k) => arr[f.idx[k] + beta]));
  }
  return {
    t_ms: run.t_ms,
    traces,
    steps,
    dt_ms: m0.dt_ms,
    variants: B,
    setup_ms: run.loopStart_ms - t0,
    run_ms: run.loopEnd_ms - run.loopStart_ms,
    wall_ms: run.loopEnd_ms - t0,
    stateBytesPerNodeVariant: batchStateBytes(s) / (s.n * B),
    arithmetic: options.arithmetic ?? 'exact',
    spikes: s.events.map((ev) => (ev === null ? [] : ev.spikes())),
    warnings: run.warnings,
    ...(final !== undefined ? { final } : {}),
  };
}

/** B variants of `base` in lock-step (see the file comment). */
export function simulateBatch(base: SimulationRequest, variants: readonly BatchVariant[], options: BatchOptions = {}): BatchResult {
  const t0 = performance.now();
  const models = compileVariants(base, variants);
  const t1 = performance.now();
  const out = runBatch(models, options);
  return { ...out, setup_ms: out.setup_ms + (t1 - t0), wall_ms: out.wall_ms + (t1 - t0) };
}
