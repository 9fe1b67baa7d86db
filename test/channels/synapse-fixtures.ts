/** Shared by the synapse and dCaAP parity tests: NEURON reference cases of fixtures/neuron/channels. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';

const CASES = fileURLToPath(new URL('../../fixtures/neuron/channels/cases/', import.meta.url));

export interface CaseCsv {
  header: string[];
  col(name: string): Float64Array;
  rows: number;
}

export function readCase(name: string): { json: any; csv: CaseCsv } {
  const json = JSON.parse(readFileSync(`${CASES}${name}.json`, 'utf8'));
  const lines = readFileSync(`${CASES}${name}.csv`, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const cols = header.map(() => new Float64Array(lines.length - 1));
  for (let r = 1; r < lines.length; r++) {
    const f = lines[r].split(',');
    for (let c = 0; c < f.length; c++) cols[c][r - 1] = Number(f[c]);
  }
  return {
    json,
    csv: {
      header,
      rows: lines.length - 1,
      col(n: string) {
        const k = header.indexOf(n);
        if (k < 0) throw new Error(`no column ${n} in ${name} (has ${header.join(', ')})`);
        return cols[k];
      },
    },
  };
}

/** One section, nseg 1, no 3-D points, as the case JSON's geometry. */
export function caseCompartment(json: any) {
  const g = json.geometry;
  const layout = buildLayout([
    { name: g.section, type: 3, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: g.cm_uF_per_cm2, ...cylinderSegments(g.L_um, g.diam_um, 1, g.Ra_ohm_cm) },
  ]);
  return { layout, node: nodeAt(layout.sections[0], 0.5) };
}

/** max |a − b| and where. */
export function maxDiff(a: Float64Array, b: Float64Array): { max: number; at: number } {
  let max = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= max)) {
      max = d;
      at = i;
    }
  }
  return { max, at };
}

/** max |a − b| / max(|b|) (0 when b is all zero and a equals it). */
export function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  const { max } = maxDiff(a, b);
  return scale === 0 ? max : max / scale;
}
