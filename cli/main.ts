/**
 * The `dendrite` command: every command and flag is declared here (or in a `registerX` function of
 * cli/X.ts, listed in `buildProgram`). Thin: parses flags, calls the library, prints.
 *
 * Lazy loading: `dendrite --help` must start fast (bench case `cli-help`), so this file and the
 * registration functions import only commander, ./version.ts and the error classes at top level.
 * Each action imports its implementation when it runs (`await import('./run.ts')`).
 * test/architecture/imports.test.ts checks that nothing heavy is reachable from here statically.
 *
 * Adding a command: declare it below with a lazy action, or write `registerX(program, io)` in
 * cli/X.ts (same rule: implementation imported inside the action) and add one line to the list
 * of registrations at the end of `buildProgram`.
 */
import { Command, CommanderError } from 'commander';
import { InterruptedError, UserError } from '../src/errors.ts';
import { SimulationSpecError, InstabilityError } from '../src/solvers/errors.ts';
import { VERSION } from './version.ts';
import { registerPlot } from './plot.ts';
import { registerSweep } from './sweep.ts';
import { registerExperiment } from './experiment.ts';

/** Where the CLI writes: stdout for results, stderr for messages. Tests pass their own. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const processIo: CliIo = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
};

/** Collects a repeatable option into a list. */
const repeatable = (v: string, prev: string[]): string[] => [...prev, v];

export function buildProgram(io: CliIo): Command {
  const { out, err } = io;
  const program = new Command();
  program
    .name('dendrite')
    .description('Biophysical multi-compartment neuron simulation (NEURON 8.2-compatible)')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.replace(/\n$/, '')), writeErr: (s) => err(s.replace(/\n$/, '')) });

  program
    .command('info')
    .description('load an SWC or Neurolucida ASC morphology as NEURON 8 does and summarise it')
    .argument('<file>', 'SWC or Neurolucida .asc file')
    .option('--json', 'print JSON (sections in NEURON order)')
    .option('--scale <factor>', 'multiply coordinates and radii (e.g. 0.001 for nm files)')
    .option('--keep-types <list>', 'keep only these SWC types, e.g. 1,3,4 (subtrees of dropped samples go too)')
    .option('--drop-types <list>', 'drop these SWC types with their subtrees, e.g. 2')
    .action(async (file: string, flags) => {
      const { loadMorphology } = await import('../src/morphology/index.ts');
      const { loadOptions } = await import('./options.ts');
      const { infoJson, infoText } = await import('./info.ts');
      const m = loadMorphology(file, loadOptions(flags));
      out(flags.json ? JSON.stringify(infoJson(m), null, 1) : infoText(m));
    });

  program
    .command('mechanisms')
    .description('list the mechanisms, or show one with its parameters, units, defaults and ranges')
    .argument('[name]', 'a mechanism name, e.g. hh')
    .option('--json', 'print JSON')
    .option('--file <path>', 'also load this mechanism file (docs/mechanisms.md) and, without NAME, show it; repeatable', repeatable, [] as string[])
    .option('--code', 'with --file: print the JavaScript the mechanism was compiled to')
    .action(async (name: string | undefined, flags) => {
      const { mechanismFilesCommand, mechanismsCommand } = await import('./mechanisms.ts');
      if (flags.file.length > 0) mechanismFilesCommand(flags.file, name, { json: Boolean(flags.json), code: Boolean(flags.code) }, out);
      else if (flags.code) throw new UserError('--code needs --file F.json (built-in mechanisms are TypeScript)');
      else {
        const { builtinCatalogue } = await import('../src/channels/catalogue.ts');
        mechanismsCommand(builtinCatalogue(), name, Boolean(flags.json), out);
      }
    });

  program
    .command('validate')
    .description('check a protocol file (and the cell it builds) without running it')
    .argument('<protocol>', 'protocol JSON (docs/protocol.md)')
    .action(async (protocol: string) => {
      const { loadProtocol, buildSimulation } = await import('../src/protocol/index.ts');
      const { countSteps } = await import('../src/solvers/index.ts');
      const p = loadProtocol(protocol);
      const built = buildSimulation(p);
      const steps = countSteps(p.run.dt_ms, p.run.tstop_ms);
      out(`${protocol}: valid; ${built.layout.sections.length} sections, ${built.layout.nNodes} compartments, ${steps} steps of ${p.run.dt_ms} ms, ${built.probes.length} recording sites`);
    });

  program
    .command('run')
    .description('run a protocol file; writes DIR/traces.csv and DIR/run.json')
    .argument('<protocol>', 'protocol JSON (docs/protocol.md)')
    .requiredOption('-o, --out <dir>', 'output folder: created, or replaced as a whole when the run completes if it is empty or a previous run\'s output; a folder holding other files, a file, the current folder or a folder holding an input is refused')
    .option('--overwrite', 'replace the --out folder even if it holds files Dendrite did not write (they are deleted); never a file, the current folder or a folder holding an input')
    .option('--format <list>', 'trace files: csv, npy, json, or a list like csv,npy (traces.npy + traces.npy.json)', 'csv')
    .option('--plot', 'also write DIR/traces.svg and DIR/shape.svg (as `dendrite plot DIR`)')
    .option('--view <v>', 'with --plot: shape projection xy, xz, yz or auto (apical dendrite up)', 'auto')
    .option('-q, --quiet', 'no progress bar or summary; errors only')
    .option('--check-dt', 'also rerun at dt/2 and say whether dt is small enough (stderr and run.json check_dt; docs/protocol.md)')
    .option('--weights <file>', 'plastic synapses start from the final weights of this weights.csv (of an earlier run; overrides the protocol\'s weights_file)')
    .option('--backend <name>', 'cpu (default, float64), gpu (float32 on a GPU through gpu.js; stops if there is none) or auto (the GPU when there is one and the model runs there); docs/gpu.md', 'cpu')
    .action(async (protocol: string, flags) => {
      const { runCommand } = await import('./run.ts');
      await runCommand(protocol, flags.out, err, { format: flags.format, plot: flags.plot, view: flags.view, quiet: flags.quiet, overwrite: flags.overwrite, checkDt: flags.checkDt, weights: flags.weights, backend: flags.backend });
    });

  // Commands declared in their own files (one line each; see the rule at the top of this file).
  registerPlot(program, io);
  registerSweep(program, io);
  registerExperiment(program, io);

  return program;
}

/** Run the CLI; returns the exit status. User mistakes print one message, never a stack trace. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return e.exitCode === 0 ? 0 : 1;
    }
    if (e instanceof InterruptedError) {
      // Ctrl-C while computing (cli/interrupt.ts): its one line, 128 + the signal number
      const code = e.exitCode;
      io.err(e.message);
      // the real process ends now, even if an interrupted asynchronous computation still holds handles
      if (io === processIo) process.exit(code);
      return code;
    }
    if (e instanceof UserError || e instanceof SimulationSpecError || e instanceof InstabilityError) {
      io.err(`dendrite: error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
