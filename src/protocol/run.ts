/**
 * Run a protocol through the library: load, build, simulate, then sample and analyse the traces.
 * What `dendrite run` does, minus files.
 */
import type { Morphology } from '../morphology/index.ts';
import { simulate, type RunOptions, type SimulationResult } from '../solvers/index.ts';
import { buildSimulation, loadProtocolMorphology, type BuiltSimulation } from './build.ts';
import type { Protocol } from './protocol.ts';
import type { WeightRow } from '../plasticity/index.ts';
import { UserError } from '../errors.ts';
import { detectSpikes, sampleIndices, spikeTimes, traceFeatures, type TraceFeatures } from './analysis.ts';

export interface ProbeOutput {
  label: string;
  /** Spikes by the probe's rule (action potentials by default); empty for columns that are not v. */
  spikes_ms: number[];
  features: TraceFeatures;
}

/**
 * Something about a run a user should know (stderr and run.json `warnings`): `code` for programs,
 * `message` for people, and details. Codes: `v_out_of_range` (src/solvers/simulate.ts),
 * `dt_too_coarse` (checkdt.ts, with --check-dt).
 */
export interface RunWarning {
  code: string;
  message: string;
  [detail: string]: unknown;
}

export interface ProtocolRun {
  built: BuiltSimulation;
  /** Every step, as integrated. */
  result: SimulationResult;
  /** The traces as written: every step, or sampled at `run.record_dt_ms`. */
  output: { t_ms: Float64Array; traces: Float64Array[] };
  probes: ProbeOutput[];
  /** The first stimulus onset or synaptic event (ms), null when there is none. */
  first_onset_ms: number | null;
  warnings: RunWarning[];
  /** Seconds spent building the compartments, initialising and integrating (not reading files). */
  wall_s: number;
  /** One row per plastic synapse (weights.csv), absent when the protocol has none. */
  weights?: WeightRow[];
}

export interface ProtocolRunOptions extends RunOptions {
  /** The protocol's morphology, already loaded (checkdt.ts reruns without reading it again). */
  morphology?: Morphology;
  /**
   * What integrates the built request (default `simulate`, the CPU backend). A batch backend that
   * already ran this variant with others (src/sweep/batch.ts) hands its result in here.
   */
  simulate?: (req: BuiltSimulation['request'], opts: RunOptions) => SimulationResult;
}

/**
 * When the cell is first perturbed: the earliest onset of a current stimulus (a voltage clamp
 * holds from t = 0 and is not an onset) or the earliest synaptic event from a spike source (its
 * first spike plus the connection's delay). Spikes of the cell's own threshold detectors are not onsets.
 */
export function firstOnset(p: Protocol, result: SimulationResult): number | null {
  const onsets = p.stimuli.filter((s) => s.type !== 'seclamp').map((s) => s.delay_ms);
  const first = new Map<string, number>();
  for (const s of result.spikes ?? []) if (s.kind === 'source' && s.t_ms.length > 0) first.set(s.label, s.t_ms[0]);
  for (const c of p.network?.connections ?? []) {
    if (typeof c.source !== 'string') continue;
    const t = first.get(c.source);
    if (t !== undefined) onsets.push(t + c.delay_ms);
  }
  return onsets.length > 0 ? Math.min(...onsets) : null;
}

/** Above this dt (ms) a model with voltage-dependent conductances gets a `dt_large` warning. */
export const LARGE_DT_MS = 0.1;

/**
 * A dt above LARGE_DT_MS with voltage-dependent channels or synapses (mechanisms whose conductance
 * is not constant): say so and point at --check-dt (hh at dt 1 ms loses every spike under backward
 * Euler and invents some under Crank–Nicolson). Passive models are exact enough at any dt that
 * resolves their time constants, and get no warning.
 */
function largeDtWarning(built: BuiltSimulation, dt_ms: number): RunWarning | null {
  if (!(dt_ms > LARGE_DT_MS)) return null;
  const catalogue = built.request.catalogue;
  const active = [...new Set((built.request.mechanisms ?? []).map((u) => u.name))]
    .filter((name) => catalogue?.get(name)?.description.constantConductance !== true);
  if (active.length === 0) return null;
  return {
    code: 'dt_large',
    message: `dt ${dt_ms} ms is coarse for ${active.slice(0, 6).join(', ')}${active.length > 6 ? ', ...' : ''} (voltage-dependent conductances; NEURON's default dt is 0.025 ms): ` +
      'spikes may be lost or invented; run with --check-dt to compare with dt/2',
    dt_ms,
    limit_ms: LARGE_DT_MS,
    mechanisms: active,
  };
}

export function runProtocol(p: Protocol, opts: ProtocolRunOptions = {}): ProtocolRun {
  const morphology = opts.morphology ?? loadProtocolMorphology(p);
  const t0 = performance.now();
  const built = buildSimulation(p, morphology);
  const result = (opts.simulate ?? simulate)(built.request, opts);
  const wall_s = (performance.now() - t0) / 1000;

  let output = { t_ms: result.t_ms, traces: result.traces };
  if (p.run.record_dt_ms !== null) {
    const { index, t_ms } = sampleIndices(result.t_ms, result.dt_ms, p.run.record_dt_ms);
    output = { t_ms, traces: result.traces.map((tr) => Float64Array.from(index, (j) => tr[j])) };
  }
  const onset = firstOnset(p, result);
  const warnings: RunWarning[] = (result.warnings ?? []).map((w) => ({ ...w }));
  const dtWarning = largeDtWarning(built, p.run.dt_ms);
  if (dtWarning) warnings.push(dtWarning);
  const probes = built.probes.map((q, k) => {
    // spikes and features from every step, whatever the output sampling; spikes only where v is recorded
    const voltage = q.what === undefined && q.stimulus === undefined && q.synapse === undefined;
    const trace = result.traces[k];
    const spikes_ms = voltage ? detectSpikes(result.t_ms, trace, q.spike_threshold_mV, q.spike_rule) : [];
    const features = traceFeatures(result.t_ms, trace, voltage ? spikes_ms : null, onset, q.unit);
    // every upward crossing, next to the spikes: a crossing that is no action potential shows here
    if (voltage) features.threshold_crossings = q.spike_rule === 'crossing' ? spikes_ms.length : spikeTimes(result.t_ms, trace, q.spike_threshold_mV).length;
    return { label: q.label, spikes_ms, features };
  });
  const weights = weightRows(built, result);
  return { built, result, output, probes, first_onset_ms: onset, warnings, wall_s, ...(weights ? { weights } : {}) };
}

/** The weights.csv rows: each plastic synapse's site, initial and final weight (µS). */
export function weightRows(built: BuiltSimulation, result: SimulationResult): WeightRow[] | undefined {
  const plastic = built.plastic ?? [];
  if (plastic.length === 0) return undefined;
  const final = result.final;
  if (!final || final.length !== plastic.length) {
    throw new UserError(`this backend does not report the final weights of plastic synapses (SimulationResult.final); run protocols with "plasticity" on the cpu backend`);
  }
  return plastic.map((q, i) => ({ synapse: q.synapse, index: q.index, section: q.section, x: q.x, initial_weight: q.initial_uS, final_weight: final[i] }));
}
