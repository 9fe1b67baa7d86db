/** `dendrite plot DIR`: figures for a run folder (traces.svg, shape.svg). Thin: the work is in src/io/svg. */
import type { Command } from 'commander';
import { UserError } from '../src/errors.ts';

export interface PlotFlags {
  color?: string;
  quiet?: boolean;
}

/** Write the figures for `dir`; `log` gets one line per file written and any warnings. */
export async function plotCommand(dir: string, flags: PlotFlags, log: (s: string) => void): Promise<string[]> {
  const { plotRunDir } = await import('../src/io/svg/index.ts'); // lazy: keeps `dendrite --help` fast (cli/main.ts)
  const color = flags.color ?? 'distance';
  if (color !== 'distance' && color !== 'peak') throw new UserError(`--color: "${color}" is not one of distance, peak`);
  const { openOutputUpdate } = await import('../src/io/outdir.ts');
  // Never overwrite figures Dendrite did not write; list the new ones in the folder's stamp.
  const update = openOutputUpdate(dir, (name) => /^(traces(_[A-Za-z0-9_]+)?|shape)\.svg$/.test(name));
  let files: string[];
  try {
    files = plotRunDir(dir, { shapeColor: color, log: (s) => log(`dendrite: warning: ${s}`) }).files;
  } finally {
    update.done();
  }
  if (!flags.quiet) for (const f of files) log(`wrote ${f}`);
  return files;
}

/** Add `dendrite plot` to the program; messages go to `io.err` (stderr), as `dendrite run`'s do. */
export function registerPlot(program: Command, io: { err: (s: string) => void }): void {
  program
    .command('plot')
    .description('draw a run folder: DIR/traces.svg (traces, spike marks from spikes.csv) and DIR/shape.svg (the cell, recorded sites)')
    .argument('<dir>', 'output folder of `dendrite run --out DIR`')
    .option('--color <by>', 'shape colouring: distance (path distance from the soma) or peak (peak V at each recorded site)', 'distance')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (dir: string, flags: PlotFlags) => {
      await plotCommand(dir, flags, io.err);
    });
}
