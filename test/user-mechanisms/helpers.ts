/** Shared by the user-mechanism tests: fixture paths, NEURON reference CSVs, trace comparison. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv } from '../helpers/csv.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HH_JSON = join(ROOT, 'fixtures/mechanisms/hh.json');
export const PAS_JSON = join(ROOT, 'fixtures/mechanisms/pas.json');
export const NEURON_CASES = join(ROOT, 'fixtures/neuron/traces/cases');

/** The hh.json mechanism file as an object, for tests that derive variants from it. */
export function hhSpec(): Record<string, any> {
  return JSON.parse(readFileSync(HH_JSON, 'utf8'));
}

export { readCsv };

/** Max |a − b| over equally long traces (NaN counts as infinitely far). */
export function maxDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    if (a[k].length !== b[k].length) return Infinity;
    for (let i = 0; i < a[k].length; i++) {
      const d = Math.abs(a[k][i] - b[k][i]);
      if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
    }
  }
  return worst;
}
