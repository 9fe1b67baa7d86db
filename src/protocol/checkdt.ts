/**
 * Is dt small enough? Rerun a protocol at dt/2 and compare, probe by probe, on the common time
 * grid (every step of the dt run is every second step of the dt/2 run): the largest difference of
 * each column, and for membrane potentials the spike counts and the largest spike-time shift.
 * `dendrite run --check-dt` prints the verdict and stores it in run.json `check_dt`;
 * docs/protocol.md ("Checking dt") gives the thresholds.
 *
 * A run is judged converged when, for every probe,
 * - membrane potentials: the spike counts agree, the first spike's latency (from the first onset)
 *   and every inter-spike interval differ by ≤ 0.1 ms or ≤ 2 % of themselves, whichever is larger
 *   (the error each spike adds; spike times may drift further over a long train, and that drift is
 *   reported), and max |ΔV| ≤ 1 mV away from spikes (more than 5 ms
 *   from every spike of every probe in either run: there a small shift in time is a large ΔV);
 * - other columns: max |Δ| away from spikes ≤ 2 % of the column's range in the dt/2 run.
 * Without spikes anywhere, "away from spikes" is the whole run.
 */
import type { ProtocolRun, ProtocolRunOptions } from './run.ts';
import { runProtocol } from './run.ts';
import type { Protocol } from './protocol.ts';

export const CHECK_DT_THRESHOLDS = {
  /** Largest |ΔV| between the runs, mV. */
  v_mV: 1,
  /** Largest change of the first spike's latency and of any inter-spike interval: ms, or a fraction of it. */
  spike_interval_ms: 0.1,
  spike_interval_relative: 0.02,
  /** Samples this close to a spike (any voltage probe, either run) are not compared, ms. */
  spike_window_ms: 5,
  /** Largest |Δ| of a column that is not v, as a fraction of its range. */
  relative: 0.02,
} as const;

export interface CheckDtProbe {
  label: string;
  unit: string;
  /** max |Δ| on the common grid, in the column's unit, and when. */
  max_abs_diff: number;
  max_abs_diff_t_ms: number;
  /** max |Δ| more than spike_window_ms away from every spike (what the verdict uses). */
  max_abs_diff_away_from_spikes: number;
  /** Voltage probes only: */
  spike_count?: number;
  spike_count_half_dt?: number;
  /** Largest change of the first spike's latency or of an inter-spike interval, ms; null without paired spikes. */
  max_interval_change_ms?: number | null;
  /** Whether every such change is within the tolerance (max of spike_interval_ms and spike_interval_relative·interval). */
  intervals_within_tolerance?: boolean;
  /** Largest |Δt| of paired spikes (same index), ms: the accumulated drift; null without paired spikes. */
  max_spike_shift_ms?: number | null;
  converged: boolean;
}

export interface CheckDtResult {
  dt_ms: number;
  half_dt_ms: number;
  method: string;
  thresholds: typeof CHECK_DT_THRESHOLDS;
  probes: CheckDtProbe[];
  converged: boolean;
  /** One line for people, e.g. "dt 0.025 ms looks converged: max |ΔV| 0.3 mV, same spike counts". */
  verdict: string;
  /** Seconds the dt/2 run took. */
  wall_s: number;
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/**
 * Compare `run` (the protocol at its dt) with a rerun at dt/2. `opts` are passed to the rerun
 * (progress; the morphology is taken from `run`).
 */
export function checkDt(p: Protocol, run: ProtocolRun, opts: ProtocolRunOptions = {}): CheckDtResult {
  const dt = p.run.dt_ms;
  const half: Protocol = { ...p, run: { ...p.run, dt_ms: dt / 2 } };
  const fine = runProtocol(half, { ...opts, morphology: run.built.morphology });
  const T = CHECK_DT_THRESHOLDS;
  const tc = run.result.t_ms;
  const n = Math.min(tc.length, Math.floor((fine.result.t_ms.length - 1) / 2) + 1);
  const isVoltage = run.built.probes.map((q) => q.what === undefined && q.stimulus === undefined && q.synapse === undefined);
  // samples within spike_window_ms of a spike of any voltage probe in either run (grid t ≈ j·dt)
  const near = new Uint8Array(n);
  for (const [k, v] of isVoltage.entries()) {
    if (!v) continue;
    for (const s of [...run.probes[k].spikes_ms, ...fine.probes[k].spikes_ms]) {
      const j0 = Math.max(0, Math.floor((s - T.spike_window_ms) / dt) - 1);
      const j1 = Math.min(n - 1, Math.ceil((s + T.spike_window_ms) / dt) + 1);
      for (let j = j0; j <= j1; j++) if (Math.abs(tc[j] - s) <= T.spike_window_ms) near[j] = 1;
    }
  }
  const probes: CheckDtProbe[] = run.built.probes.map((q, k) => {
    const a = run.result.traces[k];
    const b = fine.result.traces[k];
    let max = 0, maxT = 0, away = 0;
    let lo = Infinity, hi = -Infinity;
    for (let j = 0; j < n; j++) {
      const x = b[2 * j];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      const d = Math.abs(a[j] - x);
      if (!(d <= max)) {
        max = d;
        maxT = tc[j];
      }
      if (near[j] === 0 && !(d <= away)) away = d;
    }
    const out: CheckDtProbe = { label: q.label, unit: q.unit, max_abs_diff: max, max_abs_diff_t_ms: maxT, max_abs_diff_away_from_spikes: away, converged: false };
    if (isVoltage[k]) {
      const sa = run.probes[k].spikes_ms;
      const sb = fine.probes[k].spikes_ms;
      let shift: number | null = null;
      let interval: number | null = null;
      let within = true;
      const t0 = run.first_onset_ms ?? 0;
      for (let j = 0; j < Math.min(sa.length, sb.length); j++) {
        shift = Math.max(shift ?? 0, Math.abs(sa[j] - sb[j]));
        const ib = j === 0 ? sb[0] - t0 : sb[j] - sb[j - 1];
        const di = Math.abs((j === 0 ? sa[0] - t0 : sa[j] - sa[j - 1]) - ib);
        interval = Math.max(interval ?? 0, di);
        if (di > Math.max(T.spike_interval_ms, T.spike_interval_relative * Math.abs(ib))) within = false;
      }
      out.intervals_within_tolerance = within;
      out.spike_count = sa.length;
      out.spike_count_half_dt = sb.length;
      out.max_interval_change_ms = interval;
      out.max_spike_shift_ms = shift;
      out.converged = sa.length === sb.length && within && away <= T.v_mV;
    } else {
      const range = hi - lo;
      out.converged = range > 0 ? away <= T.relative * range : away === 0;
    }
    return out;
  });
  const converged = probes.every((q) => q.converged);
  const volt = probes.filter((q) => q.spike_count !== undefined);
  const maxV = volt.reduce((m, q) => Math.max(m, q.max_abs_diff_away_from_spikes), 0);
  const anySpikes = volt.some((q) => (q.spike_count ?? 0) + (q.spike_count_half_dt ?? 0) > 0);
  const sameSpikes = volt.every((q) => q.spike_count === q.spike_count_half_dt);
  const num = (xs: (number | null | undefined)[]) => xs.filter((x): x is number => typeof x === 'number');
  const intervals = num(volt.map((q) => q.max_interval_change_ms));
  const shifts = num(volt.map((q) => q.max_spike_shift_ms));
  const parts: string[] = [];
  if (volt.length > 0) parts.push(`max |ΔV| ${fmt(maxV)} mV${anySpikes ? ' away from spikes' : ''}`);
  if (volt.length > 0) {
    if (!anySpikes) parts.push('no spikes in either run');
    else if (sameSpikes) {
      parts.push('same spike counts');
      if (intervals.length > 0) parts.push(`first spike and intervals within ${fmt(Math.max(...intervals))} ms (spike times drift by up to ${fmt(Math.max(...shifts))} ms)`);
    } else {
      parts.push(`spike counts differ (${volt.filter((q) => q.spike_count !== q.spike_count_half_dt).map((q) => `${q.label}: ${q.spike_count} at dt, ${q.spike_count_half_dt} at dt/2`).join('; ')})`);
    }
  }
  const others = probes.filter((q) => q.spike_count === undefined && !q.converged);
  if (others.length > 0) parts.push(others.map((q) => `${q.label} differs by ${fmt(q.max_abs_diff_away_from_spikes)}${q.unit === '1' ? '' : ` ${q.unit}`}`).join('; '));
  const offenders = probes.filter((q) => !q.converged).map((q) => q.label);
  const verdict = converged
    ? `dt ${fmt(dt)} ms looks converged: ${parts.join(', ') || 'all columns agree'} (against dt ${fmt(dt / 2)} ms)`
    : `dt ${fmt(dt)} ms is too coarse: ${parts.join(', ')} (against dt ${fmt(dt / 2)} ms; not converged: ${offenders.slice(0, 8).join(', ')}${offenders.length > 8 ? ', ...' : ''}); use a smaller dt`;
  return { dt_ms: dt, half_dt_ms: dt / 2, method: p.run.method, thresholds: T, probes, converged, verdict, wall_s: fine.wall_s };
}
