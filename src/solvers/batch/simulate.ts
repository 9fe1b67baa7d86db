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
 * synaptic input and seeds too (`events`). Not yet: the v_out_of_range warning.
 */
import { irCatalogue } from '../../channels/ir/index.ts';
import { InstabilityError } from '../errors.ts';
import { compileModel, type CompiledModel, type SimulationRequest } from '../model.ts';
import { countSteps, nodeLocation } from '../simulate.ts';
import { SimulationSpecError } from '../errors.ts';
import type { SpikeRecord } from '../events.ts';
import { batchFinitialize, batchFixedStep, batchStateBytes, createBatchState, type BatchState } from './state.ts';

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
  /** Each variant's `final` probes after the last step (absent when the model has none). */
  final?: Float64Array[];
  /** Bytes of state that scale with the batch, per node and variant (v, rhs, d, ions, mechanism arrays, scratch). */
  stateBytesPerNodeVariant: number;
}

/** Compile the base with every variant applied (one CompiledModel per variant). */
export function compileVariants(base: SimulationRequest, variants: readonly BatchVariant[]): CompiledModel[] {
  if (variants.length === 0) throw new SimulationSpecError('variants', 'expected at least one variant');
  const catalogue = base.catalogue ?? irCatalogue();
  return variants.map((v, k) => {
    try {
      return compileModel({ ...base, ...v, catalogue });
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

/** Run compiled variants (from `compileVariants`) in lock-step. */
export function runBatch(models: readonly CompiledModel[]): BatchResult {
  const t0 = performance.now();
  const s = createBatchState(models);
  const m0 = models[0];
  const B = s.B;
  const steps = countSteps(m0.dt_ms, m0.tstop_ms);
  const nProbe = m0.probes.length;
  const t_ms = new Float64Array(steps + 1);
  const traces: Float64Array[][] = models.map(() => Array.from({ length: nProbe }, () => new Float64Array(steps + 1)));
  const { src, idx } = probeSources(m0, s);
  const record = (step: number) => {
    for (let k = 0; k < nProbe; k++) {
      const a = src[k];
      const o = idx[k];
      for (let beta = 0; beta < B; beta++) traces[beta][k][step] = a[o + beta];
    }
  };
  batchFinitialize(s);
  t_ms[0] = s.ctx.t;
  record(0);
  const t1 = performance.now();
  for (let step = 1; step <= steps; step++) {
    const bad = batchFixedStep(s, s.vLimit);
    if (bad >= 0) {
      const node = Math.floor(bad / B);
      const loc = nodeLocation(m0.layout, node);
      throw new InstabilityError({ dt_ms: m0.dt_ms, t_ms: s.ctx.t, node, v_mV: s.v[bad], section: `${loc.section} (variant ${bad % B})`, limit_mV: s.vLimit });
    }
    t_ms[step] = s.ctx.t;
    record(step);
    // 9. Events due at t <= t_{n+1}, after recording (as the cpu backend).
    for (let beta = 0; beta < B; beta++) s.events[beta]?.endStep(s.ctx);
  }
  const t2 = performance.now();
  let final: Float64Array[] | undefined;
  if (m0.finalProbes !== undefined && m0.finalProbes.length > 0) {
    const f = probeSources(m0, s, m0.finalProbes);
    final = models.map((_, beta) => Float64Array.from(f.src, (arr, k) => arr[f.idx[k] + beta]));
  }
  return {
    t_ms,
    traces,
    steps,
    dt_ms: m0.dt_ms,
    variants: B,
    setup_ms: t1 - t0,
    run_ms: t2 - t1,
    wall_ms: t2 - t0,
    stateBytesPerNodeVariant: batchStateBytes(s) / (s.n * B),
    spikes: s.events.map((ev) => (ev === null ? [] : ev.spikes())),
    ...(final !== undefined ? { final } : {}),
  };
}

/** B variants of `base` in lock-step (see the file comment). */
export function simulateBatch(base: SimulationRequest, variants: readonly BatchVariant[]): BatchResult {
  const t0 = performance.now();
  const models = compileVariants(base, variants);
  const t1 = performance.now();
  const out = runBatch(models);
  return { ...out, setup_ms: out.setup_ms + (t1 - t0), wall_ms: out.wall_ms + (t1 - t0) };
}
