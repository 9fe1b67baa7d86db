/**
 * The experiment contract (issue 11): one module per experiment, `src/experiments/<name>.ts` (or a
 * folder `src/experiments/<name>/index.ts`), listed in ./registry.ts. Each experiment is a documented
 * file set in fixtures/experiments/<name>/ (base protocols, mechanism or sweep files, a README with
 * the paper and what is measured) plus its analysis here.
 *
 * An experiment builds protocols (plain protocol objects, docs/protocol.md), runs them in-process
 * with the library (runProtocol, or the sweep engine), analyses the traces and returns its numbers
 * and its literature checks. It never writes files itself: it hands protocols and figures to the
 * context, and the framework (./run.ts, `dendrite experiment run`) writes DIR/results.json,
 * DIR/protocols/<name>.json and DIR/<figure>.svg atomically through src/io/outdir.ts.
 */

/** A number compared with a published range: the heart of each experiment's test. */
export interface LiteratureCheck {
  /** What is compared, e.g. `EPSP attenuation soma/dendrite at 300 µm`. */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Inclusive range the literature supports. */
  readonly range: readonly [number, number];
  /** Where the range comes from (paper, figure or table). */
  readonly source: string;
  /** value within range (computed by `check()`). */
  readonly pass: boolean;
}

/** Build a LiteratureCheck; `pass` is computed, never given. */
export function check(name: string, value: number, unit: string, range: readonly [number, number], source: string): LiteratureCheck {
  return { name, value, unit, range, source, pass: Number.isFinite(value) && value >= range[0] && value <= range[1] };
}

export interface ExperimentInfo {
  /** CLI name, kebab-case (`nmda-plateau`). */
  readonly name: string;
  readonly title: string;
  /** One line for `dendrite experiment list`. */
  readonly summary: string;
  /** The paper(s) it reproduces. */
  readonly reproduces: string;
  /** Its file set, relative to the package root: `fixtures/experiments/<name>`. */
  readonly files: string;
}

export interface ExperimentContext {
  /** `--quick`: the reduced form CI runs (fewer variants, shorter runs); same checks. */
  readonly quick: boolean;
  /** Absolute path of the package root (fixtures/ lives there, from sources and from an install). */
  readonly root: string;
  /** Absolute path of this experiment's file set, fixtures/experiments/<name>/. */
  readonly filesDir: string;
  /** A progress line (stderr in the CLI). */
  log(message: string): void;
  /** Record a protocol it ran (written to DIR/protocols/<name>.json). Names: [a-z0-9_-]+. */
  protocol(name: string, protocol: unknown): void;
  /** Record an SVG figure (written to DIR/<name>.svg). Names: [a-z0-9_-]+. */
  figure(name: string, svg: string): void;
}

export interface ExperimentOutput {
  /**
   * The experiment's numbers, written at the top level of results.json next to the framework's
   * keys (experiment, quick, version, checks, protocols, figures, wall_s). Issue 11 names some:
   * bac has `somatic_spikes: {bap_only, epsp_only, bac}`, dcaap-xor has `rates_Hz: {none, a, b, ab}`.
   * Units in key names (`_mV`, `_ms`, `_um`, `_Hz`).
   */
  readonly results: Record<string, unknown>;
  /** Literature checks; the test of each experiment asserts every one passes. */
  readonly checks: readonly LiteratureCheck[];
}

export interface Experiment extends ExperimentInfo {
  run(ctx: ExperimentContext): Promise<ExperimentOutput> | ExperimentOutput;
}
