/** Reading the reference trace CSVs made by NEURON (header row, then numbers). */
import { readFileSync } from 'node:fs';

export function readCsv(path: string): { header: string[]; cols: Float64Array[] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const cols = header.map(() => new Float64Array(lines.length - 1));
  for (let r = 1; r < lines.length; r++) {
    const f = lines[r].split(',');
    for (let c = 0; c < f.length; c++) cols[c][r - 1] = Number(f[c]);
  }
  return { header, cols };
}
