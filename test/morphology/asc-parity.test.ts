/**
 * Neurolucida ASC loader against NEURON 8.2's own Import3d_Neurolucida3 (fixtures/neuron/asc,
 * made by fixtures/neuron/asc/generate.py): names, parents, parent_x, n3d, 3-D points (all of
 * them for the small files, the soma contour's centroid for every file), L, area, ri, lambda_f,
 * d_lambda nseg and per-segment area/ri at nseg = 9, to 1e-9 relative. Files NEURON refuses
 * must be refused with an AscError.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AscError, loadMorphology, neuronOrder, segmentIntegrals, halfResistance_MOhm, lambdaF_um, dLambdaNseg,
} from '../../src/morphology/index.ts';
import { ROOT, morphologyPath, SHARED_MORPHOLOGIES } from './paths.ts';

const DIR = join(ROOT, 'fixtures/neuron/asc');
const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8'));
const tables = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();

function rel(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
}
const TOL = 1e-9;

describe('ASC: NEURON 8.2 Import3d_Neurolucida3 parity', () => {
  it('has reference tables for the hand-written files and the Blue Brain cell', () => {
    expect(index.neuron_version).toMatch(/^8\.2\./);
    expect(tables).toContain('L5PC_rat_C060114A7.json');
    expect(tables.filter((f) => f.startsWith('edge__')).length).toBeGreaterThanOrEqual(8);
  });
  for (const f of tables) {
    const ref = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
    const path = morphologyPath(ref.file);
    if (path === null) {
      console.log(`ASC parity: ${ref.file} skipped: the file is not redistributable and not in this repository (looked in ${SHARED_MORPHOLOGIES})`);
    }
    it.skipIf(path === null)(ref.file, () => {
      const m = loadMorphology(path!);
      const order = neuronOrder(m);
      expect(order.map((i) => m.sections[i].name)).toEqual(ref.sections.map((s: { name: string }) => s.name));
      expect(m.sections.map((s) => s.name)).toEqual(ref.import3d_order);
      const Ra = ref.settings.Ra_ohm_cm;
      let worst = 0;
      let pointsCompared = 0;
      ref.sections.forEach((r: any, k: number) => {
        const s = m.sections[order[k]];
        expect(s.parent < 0 ? null : m.sections[s.parent].name, `${r.name} parent`).toBe(r.parent);
        expect(s.parent < 0 ? null : s.parentX, `${r.name} parent_x`).toBe(r.parent_x);
        expect(s.type, `${r.name} type`).toBe(r.type);
        expect(s.x.length, `${r.name} n3d`).toBe(r.n3d);
        if (r.pts) {
          r.pts.forEach((p: number[], j: number) => {
            expect([s.x[j], s.y[j], s.z[j], s.d[j]], `${r.name} pt ${j}`).toEqual(p);
            pointsCompared++;
          });
        }
        worst = Math.max(worst, rel(s.L_um, r.L), rel(s.area_um2, r.area_um2));
        const one = segmentIntegrals(s, s.arc, 1);
        worst = Math.max(worst, rel(halfResistance_MOhm(one.left_per_um[0], Ra), r.ri_half));
        if (typeof r.lambda_f_100Hz === 'number') {
          const lam = lambdaF_um(s, s.arc, 100, Ra, ref.settings.cm_uF_per_cm2);
          worst = Math.max(worst, rel(lam, r.lambda_f_100Hz));
          expect(dLambdaNseg(s.L_um, lam, ref.settings.d_lambda), `${r.name} d_lambda nseg`).toBe(r.dlambda_nseg);
        }
        if (r.seg9) {
          const g = segmentIntegrals(s, s.arc, 9);
          for (let j = 0; j < 9; j++) {
            worst = Math.max(worst, rel(g.area_um2[j], r.seg9.area[j]));
            const ri = j === 0 ? halfResistance_MOhm(g.left_per_um[0], Ra)
              : halfResistance_MOhm(g.right_per_um[j - 1], Ra) + halfResistance_MOhm(g.left_per_um[j], Ra);
            worst = Math.max(worst, rel(ri, r.seg9.ri[j]));
          }
          worst = Math.max(worst, rel(halfResistance_MOhm(g.right_per_um[8], Ra), r.seg9.ri[9]));
        }
      });
      // every table has at least the soma centroid's points (or all points of a small file)
      expect(pointsCompared).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(TOL);
    });
  }
  for (const e of index.files.filter((x: { loads: boolean }) => !x.loads)) {
    const path = morphologyPath(e.file);
    it.skipIf(path === null)(`${e.file}: NEURON refuses it (${e.error}), so do we`, () => {
      expect(() => loadMorphology(path!)).toThrow(AscError);
    });
  }
});
