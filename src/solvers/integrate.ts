/**
 * The step loop, written once: `integrate(phases, model)` (issue 10 item 1; DESIGN.md "Backends").
 *
 * A backend does not write a run loop. It hands `integrate` its phases over its own state (the
 * `Phases` contract below) and the loop does the rest, in NEURON's order:
 *
 *   finitialize; t_ms[0] = t; record(0)
 *   for step = 1..steps:
 *     bad = step()                      1.–7. of cpu.ts fixedStep (events due by t + dt/2, currents,
 *                                       solve, states); bad ≥ 0: some |v| beyond the check bound
 *     v check (only when bad ≥ 0 or a lane is already over vWarn): scan() finds each lane's node
 *       with the largest |v|; a lane beyond vWarn_mV but finite and within vLimit_mV gets its
 *       `v_out_of_range` warning (first crossing, then the largest |v| every step), and the check
 *       bound is raised to vLimit_mV (setCheck); beyond vLimit_mV or not finite: InstabilityError
 *     every recordEvery steps: t_ms[sample] = t; record(sample)
 *     endStep()                         9. events due at t ≤ t_{n+1}, after recording (as NEURON)
 *     onProgress about 200 times per run
 *
 * Lanes are the variants a backend runs in lock-step (1 for the CPU backend, B for the batch and
 * GPU backends); every lane has its own warning. The backend owns its traces and final probes;
 * the loop owns t_ms, the v check, the warnings, progress and the timing of the loop.
 *
 * Phases may be asynchronous (the GPU backend on WebGPU, where a kernel call returns a promise):
 * the loop is a generator that yields a phase's promise and is resumed with its value.
 * `integrate` drives it synchronously (a phase that returns a promise is an error there);
 * `integrateAsync` awaits. A synchronous backend never yields, so the whole run is one call of
 * the generator and nothing is allocated per step (the warning trackers are typed arrays made
 * before the loop).
 */
import { InstabilityError } from './errors.ts';
import type { CompiledModel } from './model.ts';

/** What a backend provides to the step loop. `lane` is a variant of the lock-step batch. */
export interface Phases {
  /** Variants run in lock-step (1 for a single run). */
  readonly lanes: number;
  /** Fixed steps to take (countSteps of the model, or fewer when a backend is told to stop early). */
  readonly steps: number;
  /** Record every this many steps (the sample at t = 0 is always taken). */
  readonly recordEvery: number;
  /** NEURON finitialize: t = 0, v = v_init, INITIAL blocks, events due at t ≤ 0, one current evaluation. */
  finitialize(): void | Promise<void>;
  /** The current time (ms), the same for every lane. */
  t(): number;
  /**
   * One fixed step of every lane. Returns −1 when every |v| stayed within the check bound (see
   * `setCheck`; at first min(vWarn_mV, vLimit_mV)) and finite, else any index ≥ 0. A backend that
   * cannot check v (the GPU backend: v stays on the device) returns −1 always.
   */
  step(): number | Promise<number>;
  /** Copy the probes into sample `sample` of the backend's traces. */
  record(sample: number): void | Promise<void>;
  /** Events due at t ≤ t_{n+1}, after recording. */
  endStep(): void;
  /** Bound of the check in `step` from now on (the loop raises it to vLimit_mV after a first warning). */
  setCheck(limit_mV: number): void;
  /** Each lane's node with the largest |v| (the first non-finite one, if any) into `worst[lane]`. */
  scan(worst: Int32Array): void;
  /** v (mV) of `node` in `lane`. */
  v(node: number, lane: number): number;
  /** How an InstabilityError names a lane after the section (e.g. `variant 3`); absent: not named. */
  laneName?(lane: number): string;
}

export interface IntegrateOptions {
  /** Called with the fraction of steps done, about 200 times per run (never inside a step). */
  onProgress?: (fraction: number) => void;
}

export interface Integrated {
  /** Time of every sample, t = 0 first. */
  t_ms: Float64Array;
  steps: number;
  /** Each lane's warnings (empty when none). */
  warnings: SimulationWarning[][];
  /** performance.now() after finitialize and the first sample, and after the last step. */
  loopStart_ms: number;
  loopEnd_ms: number;
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

/** Run the loop over synchronous phases (the CPU and batch backends). */
export function integrate(phases: Phases, model: CompiledModel, opts: IntegrateOptions = {}): Integrated {
  const r = loop(phases, model, opts).next();
  if (!r.done) throw new Error('integrate: a phase returned a promise; run asynchronous phases with integrateAsync');
  return r.value;
}

/** Run the loop over phases that may return promises (the GPU backend). */
export async function integrateAsync(phases: Phases, model: CompiledModel, opts: IntegrateOptions = {}): Promise<Integrated> {
  const g = loop(phases, model, opts);
  let r = g.next();
  while (!r.done) r = g.next(await r.value);
  return r.value;
}

function* loop(p: Phases, model: CompiledModel, opts: IntegrateOptions): Generator<Promise<unknown>, Integrated, unknown> {
  const { lanes, steps } = p;
  const every = Math.max(1, Math.floor(p.recordEvery));
  const onProgress = opts.onProgress;
  const progressEvery = Math.max(1, Math.floor(steps / 200));
  const vLimit = model.vLimit_mV;
  const vWarn = Math.min(model.vWarn_mV, vLimit);
  // Warning trackers, per lane: first crossing, then the largest |v| (typed arrays: nothing is
  // allocated in the loop).
  const over = new Uint8Array(lanes);
  const firstT = new Float64Array(lanes);
  const firstNode = new Int32Array(lanes);
  const firstV = new Float64Array(lanes);
  const maxAbs = new Float64Array(lanes);
  const maxNode = new Int32Array(lanes);
  const maxT = new Float64Array(lanes);
  const worst = new Int32Array(lanes);
  let nOver = 0;
  const t_ms = new Float64Array(Math.floor(steps / every) + 1);

  const init = p.finitialize();
  if (init !== undefined) yield init;
  t_ms[0] = p.t();
  const rec0 = p.record(0);
  if (rec0 !== undefined) yield rec0;
  const loopStart_ms = performance.now();
  let sample = 1;
  let untilSample = every;
  for (let step = 1; step <= steps; step++) {
    let bad = p.step();
    if (typeof bad !== 'number') bad = (yield bad) as number;
    // The v check: only after a step beyond the bound, or every step once a lane is over vWarn
    // (then the bound is vLimit and lanes not yet over need the scan to be seen crossing vWarn).
    if (bad >= 0 || nOver > 0) {
      p.scan(worst);
      const t = p.t();
      for (let lane = 0; lane < lanes; lane++) {
        const w = worst[lane];
        const v = p.v(w, lane);
        const a = Math.abs(v);
        if (over[lane] === 1) {
          if (a > maxAbs[lane]) {
            maxAbs[lane] = a;
            maxNode[lane] = w;
            maxT[lane] = t;
          }
          if (!(a <= vLimit)) throw instability(p, model, w, lane, v, t);
        } else if (!(a <= vWarn)) {
          if (!Number.isFinite(v) || a > vLimit) throw instability(p, model, w, lane, v, t);
          over[lane] = 1;
          firstT[lane] = maxT[lane] = t;
          firstNode[lane] = maxNode[lane] = w;
          firstV[lane] = v;
          maxAbs[lane] = a;
          if (nOver++ === 0) p.setCheck(vLimit);
        }
      }
    }
    if (--untilSample === 0) {
      untilSample = every;
      t_ms[sample] = p.t();
      const rec = p.record(sample++);
      if (rec !== undefined) yield rec;
    }
    p.endStep();
    if (onProgress !== undefined && step % progressEvery === 0) onProgress(step / steps);
  }
  const loopEnd_ms = performance.now();
  const warnings: SimulationWarning[][] = [];
  for (let lane = 0; lane < lanes; lane++) {
    warnings.push(over[lane] === 1 ? [vOutOfRange(model, vWarn, firstT[lane], firstNode[lane], firstV[lane], maxAbs[lane], maxNode[lane], maxT[lane])] : []);
  }
  return { t_ms, steps, warnings, loopStart_ms, loopEnd_ms };
}

function instability(p: Phases, model: CompiledModel, node: number, lane: number, v_mV: number, t_ms: number): InstabilityError {
  const sec = model.layout.sections[model.layout.nodeSection[node]];
  const section = p.laneName === undefined ? sec?.name : `${sec?.name ?? `node ${node}`} (${p.laneName(lane)})`;
  return new InstabilityError({ dt_ms: model.dt_ms, t_ms, node, v_mV, section, limit_mV: model.vLimit_mV });
}

function vOutOfRange(model: CompiledModel, limit_mV: number, t: number, node: number, v: number, maxAbs: number, maxNode: number, maxT: number): VOutOfRangeWarning {
  const first = nodeLocation(model.layout, node);
  const max = nodeLocation(model.layout, maxNode);
  return {
    code: 'v_out_of_range',
    message:
      `|v| went beyond ${limit_mV} mV: first at t = ${round(t)} ms, v = ${round(v)} mV at ${first.section}(${round(first.x)}); ` +
      `largest |v| ${round(maxAbs)} mV at ${max.section}(${round(max.x)}), t = ${round(maxT)} ms. ` +
      'No membrane gets there: check current amplitudes and units, conductances, and dt',
    limit_mV,
    first_t_ms: t,
    first_node: node,
    first_section: first.section,
    first_x: first.x,
    first_v_mV: v,
    max_abs_v_mV: maxAbs,
    max_node: maxNode,
    max_section: max.section,
    max_x: max.x,
    max_t_ms: maxT,
  };
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
