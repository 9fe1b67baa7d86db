/**
 * `dendrite experiment list [--json]` and `dendrite experiment run NAME --out DIR [--quick]`: the
 * dendritic phenomena of docs/experiments.md, one command each. Thin: the experiments are in
 * src/experiments (registry.ts), the folder is written by src/experiments/run.ts. Registration
 * imports only commander types and the error class; the rest is imported when a command runs
 * (cli/main.ts's rule for a fast `dendrite --help`).
 *
 * Exit status of `run`: 0 when the experiment ran and its folder was written, even if some of its
 * numbers fall outside the published ranges (that is a finding, reported on stdout and by a warning
 * on stderr, and recorded in results.json `all_checks_pass`); 1 for an unknown NAME, a refused
 * folder or another user mistake.
 */
import type { Command } from 'commander';
import { UserError } from '../src/errors.ts';

type Io = { out: (s: string) => void; err: (s: string) => void };

export interface ExperimentRunFlags {
  out: string;
  quick?: boolean;
  overwrite?: boolean;
  quiet?: boolean;
}

/** The experiment called `name`, or a UserError with a suggestion and the list of names. */
async function findExperiment(name: string) {
  const { experiments } = await import('../src/experiments/registry.ts');
  const { didYouMean } = await import('../src/suggest.ts');
  const all = experiments();
  const exp = all.find((e) => e.name === name);
  if (exp) return exp;
  const names = all.map((e) => e.name);
  throw new UserError(`unknown experiment "${name}"${didYouMean(name, names)}; the experiments are: ${names.length > 0 ? names.join(', ') : '(none)'} (dendrite experiment list)`);
}

export async function listCommand(json: boolean, io: Io): Promise<void> {
  const { experiments } = await import('../src/experiments/registry.ts');
  const all = experiments().map((e) => ({ name: e.name, title: e.title, summary: e.summary, reproduces: e.reproduces }));
  if (json) {
    io.out(JSON.stringify(all, null, 1));
    return;
  }
  const w = Math.max(4, ...all.map((e) => e.name.length));
  for (const e of all) io.out(`${e.name.padEnd(w)}  ${e.summary}`);
  io.out(`\n${all.length} experiments; dendrite experiment run NAME --out DIR [--quick] (docs/experiments.md)`);
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

export async function runCommand(name: string, flags: ExperimentRunFlags, io: Io): Promise<void> {
  const exp = await findExperiment(name);
  const { runExperiment } = await import('../src/experiments/run.ts');
  const { interruptedMessage, interruptible } = await import('./interrupt.ts');
  const log = flags.quiet ? () => {} : (m: string) => io.err(`${name}: ${m}`);
  log(`running${flags.quick ? ' (--quick)' : ''}: ${exp.title}`);
  // Ctrl-C while it computes: one line saying nothing was written, exit 130 (cli/interrupt.ts)
  const compute = <T>(run: () => T): T => interruptible(run, (sig) => interruptedMessage(sig, `running experiment ${name}`, flags.out));
  const r = await runExperiment(exp, { outDir: flags.out, quick: flags.quick, overwrite: flags.overwrite, log, compute });
  const { checks } = r.results;
  const failed = checks.filter((c) => !c.pass);
  io.out(`${name}: ${checks.length} checks, ${checks.length - failed.length} within the published range${failed.length > 0 ? `, ${failed.length} OUTSIDE` : ''} (${r.results.wall_s.toFixed(1)} s${r.results.quick ? ', --quick' : ''})`);
  for (const c of checks) {
    io.out(`  ${c.pass ? 'ok     ' : 'OUTSIDE'}  ${c.name}: ${fmt(c.value)} ${c.unit} (published ${fmt(c.range[0])} to ${fmt(c.range[1])}; ${c.source})`);
  }
  io.out(`wrote ${r.dir}/results.json, ${r.results.figures.length} figures, ${r.results.protocols.length} protocols`);
  if (failed.length > 0) io.err(`dendrite: warning: ${failed.length} of ${checks.length} checks of ${name} are outside the published range: ${failed.map((c) => c.name).join('; ')}`);
}

/** Add `dendrite experiment list|run` to the program. */
export function registerExperiment(program: Command, io: Io): void {
  const cmd = program
    .command('experiment')
    .description('the dendritic phenomena, one command each: list them, or run one into a folder (results.json with its numbers and literature checks, SVG figures, the protocols it ran; docs/experiments.md)');
  cmd
    .command('list')
    .description('list the experiments: name and one line (with --json: name, title, summary, the paper it reproduces)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await listCommand(Boolean(flags.json), io);
    });
  cmd
    .command('run')
    .description('run one experiment; writes DIR/results.json, DIR/<figure>.svg and DIR/protocols/<name>.json. Exit 0 when it ran, even with numbers outside the published ranges (printed as OUTSIDE, with a warning)')
    .argument('<name>', 'an experiment name (dendrite experiment list)')
    .requiredOption('-o, --out <dir>', 'output folder: created, or replaced as a whole when the experiment completes if it is empty or a previous output; a folder holding other files, a file or the current folder is refused')
    .option('--quick', 'the reduced form CI runs (fewer variants, shorter runs; the same checks)')
    .option('--overwrite', 'replace the --out folder even if it holds files Dendrite did not write (they are deleted)')
    .option('-q, --quiet', 'no progress lines on stderr')
    .action(async (name: string, flags: ExperimentRunFlags) => {
      await runCommand(name, flags, io);
    });
}
