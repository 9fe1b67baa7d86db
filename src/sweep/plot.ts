/** `dendrite plot DIR` for a sweep folder: DIR/sweep.svg from what the ledgers hold (src/io/svg/sweep.ts draws it). */
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { writeOutputFile } from '../io/outdir.ts';
import { sweepSvg } from '../io/svg/sweep.ts';
import { readManifest } from './folder.ts';
import { readLedgers } from './ledger.ts';
import { buildTable } from './results.ts';

/** Write DIR/sweep.svg; returns the paths written. */
export function plotSweepDir(dir: string): string[] {
  const m = readManifest(dir);
  const table = buildTable(m.parameters.map((p) => p.name), m.measures.map((x) => x.name), readLedgers(dir).records.values());
  if (table.rows === 0) throw new UserError(`${dir}: the sweep has no recorded runs yet; nothing to plot`);
  const name = m.sweep_file.replace(/^.*[\\/]/, '');
  const title = `${name}: ${table.rows} of ${m.total} runs`;
  const svg = sweepSvg({ title, parameters: m.parameters, measures: m.measures, data: table.data, rows: table.rows });
  writeOutputFile(dir, 'sweep.svg', svg);
  return [join(dir, 'sweep.svg')];
}
