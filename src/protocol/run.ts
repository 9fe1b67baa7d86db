/**
 * Run a protocol through the library: load, build, simulate, then sample and analyse the traces.
 * What `dendrite run` does, minus files.
 */
import { simulate, type RunOptions, type SimulationResult } from '../solvers/index.ts';
import { buildSimulation, loadProtocolMorphology, type BuiltSimulation } from './build.ts';
import type { Protocol } from './protocol.ts';
import { sampleIndices, spikeTimes, traceFeatures, type TraceFeatures } from './analysis.ts';

export interface ProbeOutput {
  label: string;
  spikes_ms: number[];
  features: TraceFeatures;
}

export interface ProtocolRun {
  built: BuiltSimulation;
  /** Every step, as integrated. */
  result: SimulationResult;
  /** The traces as written: every step, or sampled at `run.record_dt_ms`. */
  output: { t_ms: Float64Array; traces: Float64Array[] };
  probes: ProbeOutput[];
  /** Seconds spent building the compartments, initialising and integrating (not reading files). */
  wall_s: number;
}

export function runProtocol(p: Protocol, opts: RunOptions = {}): ProtocolRun {
  const morphology = loadProtocolMorphology(p);
  const t0 = performance.now();
  const built = buildSimulation(p, morphology);
  const result = simulate(built.request, opts);
  const wall_s = (performance.now() - t0) / 1000;

  let output = { t_ms: result.t_ms, traces: result.traces };
  if (p.run.record_dt_ms !== null) {
    const { index, t_ms } = sampleIndices(result.t_ms, result.dt_ms, p.run.record_dt_ms);
    output = { t_ms, traces: result.traces.map((tr) => Float64Array.from(index, (j) => tr[j])) };
  }
  // the first current injection; a voltage clamp holds from t = 0 and is not an onset
  const onsets = p.stimuli.filter((s) => s.type !== 'seclamp').map((s) => s.delay_ms);
  const firstOnset = onsets.length > 0 ? Math.min(...onsets) : null;
  const probes = built.probes.map((q, k) => {
    // spikes and features from every step, whatever the output sampling
    const spikes_ms = spikeTimes(result.t_ms, result.traces[k], p.record[k].spike_threshold_mV);
    return { label: q.label, spikes_ms, features: traceFeatures(result.t_ms, result.traces[k], spikes_ms, firstOnset) };
  });
  return { built, result, output, probes, wall_s };
}
