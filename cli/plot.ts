/** `dendrite plot DIR`: figures for a run folder (traces.svg, shape.svg). Thin: the work is in src/io/svg. */
import type { Command } from 'commander';
import { UserError } from '../src/errors.ts';

export interface PlotFlags {
  color?: string;
  /** Shape projection: xy, xz, yz or auto (default). */
  view?: string;
  quiet?: boolean;
}

/** Write the figures for `dir`; `log` gets one line per file written and any warnings. */
export async function plotCommand(dir: string, flags: PlotFlags, log: (s: string) => void): Promise<string[]> {
  const { readStamp } = await import('../src/io/outdir.ts');
  if (readStamp(dir)?.kind === 'sweep') {
    // a sweep folder (dendrite sweep --out DIR): DIR/sweep.svg from its results
    const { plotSweepDir } = await import('../src/sweep/plot.ts');
    const written = plotSweepDir(dir);
    if (!flags.quiet) for (const f of written) log(`wrote ${f}`);
    return written;
  }
  const { plotRunDir, parseView } = await import('../src/io/svg/index.ts'); // lazy: keeps `dendrite --help` fast (cli/main.ts)
  const color = flags.color ?? 'distance';
  if (color !== 'distance' && color !== 'peak') throw new UserError(`--color: "${color}" is not one of distance, peak`);
  const view = parseView(flags.view);
  const { openOutputUpdate } = await import('../src/io/outdir.ts');
  // Never overwrite figures Dendrite did not write; list the new ones in the folder's stamp.
  const update = openOutputUpdate(dir, (name) => /^(traces(_[A-Za-z0-9_]+)?|shape)\.svg$/.test(name));
  let files: string[];
  try {
    files = plotRunDir(dir, { shapeColor: color, view, log: (s) => log(`dendrite: warning: ${s}`) }).files;
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
    .description('draw a run folder: DIR/traces.svg (voltage traces in panels by range, spike marks from spikes.csv; other units in traces_<unit>.svg) and DIR/shape.svg (the cell with recording sites, stimuli and synapses)')
    .argument('<dir>', 'output folder of `dendrite run --out DIR`, or of `dendrite sweep --out DIR` (draws DIR/sweep.svg: measures against the parameters, a heatmap for two)')
    .option('--color <by>', 'shape colouring: distance (path distance from the soma) or peak (peak V at each voltage recording site)', 'distance')
    .option('--view <v>', 'shape projection: xy, xz, yz (first axis right, second up) or auto (apical dendrite up, widest side facing)', 'auto')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (dir: string, flags: PlotFlags) => {
      await plotCommand(dir, flags, io.err);
    });
}
