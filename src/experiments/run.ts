/**
 * Run one experiment (./types.ts) and write its folder: what `dendrite experiment run NAME --out DIR`
 * does. The experiment runs first, in memory (its protocols and figures are collected by the
 * context); only when it returns are the files written, all at once, through src/io/outdir.ts
 * (stamped folder of kind "experiment", written beside DIR and swapped in; a non-empty folder
 * Dendrite did not write is refused unless `overwrite`). An experiment that throws writes nothing.
 *
 *     DIR/results.json            {experiment, title, reproduces, quick, version, wall_s, checks,
 *                                  all_checks_pass, protocols, figures, ...the experiment's results}
 *     DIR/protocols/<name>.json   every protocol it ran, runnable with `dendrite run`
 *     DIR/<name>.svg              its figures
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProtocol } from '../protocol/protocol.ts';
import { prepareOutputTarget, writeOutputDir, type OutputInput } from '../io/outdir.ts';
import { packageRoot } from './root.ts';
import type { Experiment, ExperimentContext, LiteratureCheck } from './types.ts';

/** Names of protocols and figures: they become file names. */
export const OUTPUT_NAME = /^[a-z0-9_-]+$/;

/** Keys of results.json the framework writes; an experiment's results may not use them. */
export const FRAMEWORK_KEYS = ['experiment', 'title', 'reproduces', 'quick', 'version', 'wall_s', 'checks', 'all_checks_pass', 'protocols', 'figures'] as const;

export interface RunExperimentOptions {
  /** The output folder (created, or replaced as a whole; src/io/outdir.ts). */
  outDir: string;
  /** The reduced form CI runs. */
  quick?: boolean;
  /** Replace a non-empty folder Dendrite did not write (never a protected one). */
  overwrite?: boolean;
  /** Progress lines (stderr in the CLI); default: none. */
  log?: (message: string) => void;
  /** Package root (default: found from this module, ./root.ts). */
  root?: string;
  /** How the user named the folder in messages (default "--out"). */
  flag?: string;
  /**
   * Runs the experiment's computation (which writes nothing), e.g. so that Ctrl-C can stop it
   * (cli/interrupt.ts `interruptible`); default: call it.
   */
  compute?: <T>(run: () => T) => T;
}

/** What results.json holds (the experiment's own keys come after these). */
export interface ExperimentResults {
  experiment: string;
  title: string;
  reproduces: string;
  quick: boolean;
  version: string;
  wall_s: number;
  checks: LiteratureCheck[];
  all_checks_pass: boolean;
  /** File names under DIR/protocols/. */
  protocols: string[];
  /** File names in DIR. */
  figures: string[];
  [key: string]: unknown;
}

export interface ExperimentRunResult {
  /** The folder written (as given). */
  dir: string;
  results: ExperimentResults;
  /** Top-level names written into the folder (the stamp's list). */
  files: string[];
}

/** Dendrite's version from the package.json at `root`. */
export function packageVersion(root: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function checkName(kind: 'protocol' | 'figure', exp: string, name: string, seen: Map<string, unknown>): void {
  if (!OUTPUT_NAME.test(name)) throw new Error(`experiment ${exp}: ${kind} name "${name}" must match ${OUTPUT_NAME} (it becomes a file name)`);
  if (seen.has(name)) throw new Error(`experiment ${exp}: ${kind} "${name}" recorded twice`);
}

/**
 * A protocol the experiment recorded must be a valid protocol whose files exist when it is read from
 * DIR/protocols/ (files named by absolute path, as `join(ctx.filesDir, ...)` gives them).
 */
function checkProtocol(exp: string, name: string, raw: unknown, where: string): void {
  const p = parseProtocol(JSON.parse(JSON.stringify(raw)), where);
  const files = [p.morphology, ...(p.mechanism_files ?? []), ...p.stimuli.flatMap((s) => (s.type === 'waveform' ? [s.file] : []))];
  for (const f of files) {
    if (!existsSync(f)) throw new Error(`experiment ${exp}: protocol "${name}" names ${f}, which does not exist when read from ${where} (give files by absolute path)`);
  }
}

/** Run `exp` and write its folder (see the module header). Returns what was written. */
export async function runExperiment(exp: Experiment, opts: RunExperimentOptions): Promise<ExperimentRunResult> {
  const root = opts.root ?? packageRoot();
  const filesDir = join(root, exp.files);
  const quick = opts.quick === true;
  const log = opts.log ?? (() => {});
  const inputs: OutputInput[] = [{ path: filesDir, what: `the file set of experiment ${exp.name}` }];
  const outOpts = { kind: 'experiment', inputs, overwrite: opts.overwrite, flag: opts.flag, version: packageVersion(root) };
  // Refuse a bad folder before a long computation; tidy up after a killed run.
  const target = prepareOutputTarget(opts.outDir, outOpts);
  for (const m of target.recovered) log(m);

  const protocols = new Map<string, unknown>();
  const figures = new Map<string, string>();
  const ctx: ExperimentContext = {
    quick,
    root,
    filesDir,
    log,
    protocol(name, protocol) {
      checkName('protocol', exp.name, name, protocols);
      protocols.set(name, JSON.parse(JSON.stringify(protocol)));
    },
    figure(name, svg) {
      checkName('figure', exp.name, name, figures);
      if (typeof svg !== 'string' || !svg.trimStart().startsWith('<svg')) throw new Error(`experiment ${exp.name}: figure "${name}" is not SVG text`);
      figures.set(name, svg);
    },
  };
  const t0 = performance.now();
  const out = await (opts.compute ? opts.compute(() => exp.run(ctx)) : exp.run(ctx));
  const wall_s = (performance.now() - t0) / 1000;

  for (const key of FRAMEWORK_KEYS) {
    if (key in out.results) throw new Error(`experiment ${exp.name}: its results use the framework's key "${key}"`);
  }
  for (const [name, raw] of protocols) checkProtocol(exp.name, name, raw, join(opts.outDir, 'protocols', `${name}.json`));

  const protocolFiles = [...protocols.keys()].map((n) => `${n}.json`);
  const figureFiles = [...figures.keys()].map((n) => `${n}.svg`);
  const checks = out.checks.map((c) => ({ ...c }));
  const results: ExperimentResults = {
    experiment: exp.name,
    title: exp.title,
    reproduces: exp.reproduces,
    quick,
    version: outOpts.version,
    wall_s: Math.round(wall_s * 1000) / 1000,
    checks,
    all_checks_pass: checks.every((c) => c.pass),
    protocols: protocolFiles,
    figures: figureFiles,
    ...out.results,
  };
  const files = writeOutputDir(opts.outDir, outOpts, (tmp) => {
    writeFileSync(join(tmp, 'results.json'), JSON.stringify(results, null, 1) + '\n');
    if (protocols.size > 0) {
      mkdirSync(join(tmp, 'protocols'));
      for (const [name, raw] of protocols) writeFileSync(join(tmp, 'protocols', `${name}.json`), JSON.stringify(raw, null, 1) + '\n');
    }
    for (const [name, svg] of figures) writeFileSync(join(tmp, `${name}.svg`), svg);
  });
  return { dir: opts.outDir, results, files };
}
