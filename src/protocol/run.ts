/**
 * Run a protocol through the library: load, build, simulate, then sample and analyse the traces.
 * What `dendrite run` does, minus files.
 */
import type { Morphology } from '../morphology/index.ts';
import { simulate, type RunOptions, type SimulationResult } from '../solvers/index.ts';
import { buildSimulation, loadProtocolMorphology, type BuiltSimulation } from './build.ts';
import type { Protocol } from './protocol.ts';
import { detectSpikes, sampleIndices, spikeTimes, SPIKE_CRITERION, traceFeatures, type TraceFeatures } from './analysis.ts';

export interface ProbeOutput {
  label: string;
  /** Spikes by the probe's rule (action potentials by default); empty for columns that are not v. */
  spikes_ms: number[];
  features: TraceFeatures;
}

/**
 * Something about a run a user should know (stderr and run.json `warnings`): `code` for programs,
 * `message` for people, and details. Codes: `v_out_of_range` (src/solvers/simulate.ts),
 * `crossings_not_spikes` (a probe's threshold crossings that are not action potentials),
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
}

export interface ProtocolRunOptions extends RunOptions {
  /** The protocol's morphology, already loaded (checkdt.ts reruns without reading it again). */
  morphology?: Morphology;
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

function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}

export function runProtocol(p: Protocol, opts: ProtocolRunOptions = {}): ProtocolRun {
  const morphology = opts.morphology ?? loadProtocolMorphology(p);
  const t0 = performance.now();
  const built = buildSimulation(p, morphology);
  const result = simulate(built.request, opts);
  const wall_s = (performance.now() - t0) / 1000;

  let output = { t_ms: result.t_ms, traces: result.traces };
  if (p.run.record_dt_ms !== null) {
    const { index, t_ms } = sampleIndices(result.t_ms, result.dt_ms, p.run.record_dt_ms);
    output = { t_ms, traces: result.traces.map((tr) => Float64Array.from(index, (j) => tr[j])) };
  }
  const onset = firstOnset(p, result);
  const warnings: RunWarning[] = (result.warnings ?? []).map((w) => ({ ...w }));
  const rejected: { probe: number; n: number }[] = [];
  const probes = built.probes.map((q, k) => {
    // spikes and features from every step, whatever the output sampling; spikes only where v is recorded
    const voltage = q.what === undefined && q.stimulus === undefined && q.synapse === undefined;
    const trace = result.traces[k];
    const spikes_ms = voltage ? detectSpikes(result.t_ms, trace, q.spike_threshold_mV, q.spike_rule) : [];
    if (voltage && q.spike_rule === 'action_potential') {
      const crossings = spikeTimes(result.t_ms, trace, q.spike_threshold_mV).length;
      if (crossings > spikes_ms.length) rejected.push({ probe: k, n: crossings - spikes_ms.length });
    }
    return { label: q.label, spikes_ms, features: traceFeatures(result.t_ms, trace, voltage ? spikes_ms : null, onset, q.unit) };
  });
  // one warning per record entry whose columns have crossings that are not action potentials
  const c = SPIKE_CRITERION;
  for (const entry of new Set(rejected.map((r) => built.probes[r.probe].entry))) {
    const mine = rejected.filter((r) => built.probes[r.probe].entry === entry);
    const n = mine.reduce((a, r) => a + r.n, 0);
    const first = built.probes[mine[0].probe];
    const cols = mine.length === 1 ? first.label : `${mine.length} columns of record[${entry}] ("${p.record[entry].label}", e.g. ${first.label})`;
    warnings.push({
      code: 'crossings_not_spikes',
      message: `${cols}: ${n} upward crossing${n === 1 ? '' : 's'} of ${fmt(first.spike_threshold_mV)} mV ${n === 1 ? 'is not an action potential' : 'are not action potentials'} ` +
        `(peak ≥ ${c.min_height_mV} mV above threshold within ${c.max_rise_ms} ms, ≥ ${c.min_slope_mV_per_ms} mV/ms on the way up, back below within ${c.max_width_ms} ms) and ` +
        `${n === 1 ? 'is not counted as a spike' : 'are not counted as spikes'}; "spike_rule": "crossing" counts every crossing`,
      record: entry,
      labels: mine.map((r) => built.probes[r.probe].label),
      crossings_not_counted: n,
    });
  }
  return { built, result, output, probes, first_onset_ms: onset, warnings, wall_s };
}
