/**
 * Reading a weights file (protocol `weights_file`, `dendrite run --weights`): the rows of
 * src/plasticity/weights.ts, with every problem reported as a UserError naming the file and line.
 * Matching rows to the protocol's plastic synapses happens in buildNetwork (src/protocol/synapses.ts).
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { parseWeightsCsv, WeightsFileError, type WeightRow } from '../plasticity/index.ts';

export function readWeightsFile(file: string): { file: string; rows: (WeightRow & { line: number })[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the weights file ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return { file, rows: parseWeightsCsv(text) };
  } catch (e) {
    if (e instanceof WeightsFileError) throw new UserError(`${file}: ${e.message}`);
    throw e;
  }
}
