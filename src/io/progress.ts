/**
 * A progress bar on stderr for long runs, and the one-line summary printed when a run ends.
 *
 * The simulation only ever sees a callback `(fraction: number) => void` (0..1), so the step loop
 * stays free of I/O: call it every N steps (N ≈ steps / 1000 is plenty); this module throttles
 * drawing to at most 10 updates a second, draws nothing for runs shorter than `delayMs`, and draws
 * nothing at all unless stderr is a TTY and the user did not ask for `--quiet`.
 */

/** Where the bar goes: `process.stderr` or anything shaped like it (tests). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface ProgressOptions {
  /** Default `process.stderr`. */
  stream?: ProgressStream;
  /** `--quiet`: never draw. */
  quiet?: boolean;
  /** Text before the bar (default "simulating"). */
  label?: string;
  /** Minimum time between redraws in ms (default 100, i.e. ≤ 10 updates/s). */
  minIntervalMs?: number;
  /** Draw nothing until the run has taken this long, so short runs do not flicker (default 300 ms). */
  delayMs?: number;
  /** Clock in ms (default `performance.now`); tests pass their own. */
  now?: () => number;
  /** Draw even when the stream is not a TTY (tests). */
  force?: boolean;
}

export type ProgressCallback = (fraction: number) => void;

export interface Progress {
  /** True when this reporter will ever draw (stderr is a TTY and not quiet). */
  readonly enabled: boolean;
  /** Pass this to the simulation: `(fraction) => void`, cheap to call often. */
  readonly update: ProgressCallback;
  /** Erase the bar (call once when the run ends, also on error). */
  done(): void;
  /** Redraws so far (tests). */
  readonly draws: number;
}

/** "1.2 s", "3 min 04 s", "1 h 02 min". */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** One frame of the bar, at most `columns` characters: `simulating [█████░░░░░]  45%  1.2 s, ~1.5 s left`. */
export function renderBar(label: string, fraction: number, elapsed_s: number, columns = 80): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const pct = `${Math.floor(f * 100)}%`.padStart(4);
  const eta = f > 0.01 ? `, ~${formatDuration((elapsed_s * (1 - f)) / f)} left` : '';
  const tail = ` ${pct}  ${formatDuration(elapsed_s)}${eta}`;
  const room = Math.max(0, Math.min(40, columns - 1 - label.length - 3 - tail.length));
  if (room < 5) return `${label}${tail}`.slice(0, Math.max(0, columns - 1));
  const full = Math.round(f * room);
  return `${label} [${'█'.repeat(full)}${'░'.repeat(room - full)}]${tail}`;
}

/** A progress reporter; `update` is a no-op when it is not enabled. */
export function createProgress(opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const enabled = !opts.quiet && (opts.force === true || stream.isTTY === true);
  const now = opts.now ?? (() => performance.now());
  const minInterval = opts.minIntervalMs ?? 100;
  const delay = opts.delayMs ?? 300;
  const label = opts.label ?? 'simulating';
  const t0 = now();
  let last = -Infinity;
  let shown = false;
  let draws = 0;
  const update: ProgressCallback = enabled
    ? (fraction) => {
        const t = now();
        if (t - t0 < delay || t - last < minInterval) return;
        last = t;
        shown = true;
        draws++;
        stream.write('\r' + renderBar(label, fraction, (t - t0) / 1000, stream.columns ?? 80) + '\x1b[K');
      }
    : () => {};
  return {
    enabled,
    update,
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
    get draws() {
      return draws;
    },
  };
}

export interface RunSummary {
  compartments: number;
  steps: number;
  tstop_ms: number;
  wall_s: number;
  /** Files or folder written, shown at the end. */
  outputs?: readonly string[];
}

/**
 * The line printed when a run ends, e.g.
 * `1695 compartments, 2000 steps, 50 ms simulated in 0.80 s (63 ms/s); wrote /tmp/demo/traces.csv`.
 */
export function formatRunSummary(r: RunSummary): string {
  const speed = r.wall_s > 0 ? r.tstop_ms / r.wall_s : Infinity;
  const speedText = Number.isFinite(speed) ? `${speed >= 100 ? speed.toFixed(0) : speed.toPrecision(2)} ms/s` : 'instant';
  const wall = r.wall_s < 10 ? `${r.wall_s.toFixed(2)} s` : formatDuration(r.wall_s);
  const out = r.outputs && r.outputs.length > 0 ? `; wrote ${r.outputs.join(', ')}` : '';
  return `${r.compartments} compartments, ${r.steps} steps, ${r.tstop_ms} ms simulated in ${wall} (${speedText})${out}`;
}
