/**
 * Section tables against NEURON 8.2's own Import3d (fixtures/neuron/geometry, made by
 * fixtures/neuron/geometry/generate.py): names, parents, parent_x, n3d, 3-D points, L, area, ri,
 * lambda_f, d_lambda nseg and per-segment area/ri at nseg = 9, to 1e-9 relative.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadSwc, neuronOrder, segmentIntegrals, halfResistance_MOhm, lambdaF_um, dLambdaNseg,
} from '../../src/morphology/index.ts';
import { ROOT, morphologyPath, REFUSED_ON_PURPOSE, SHARED_MORPHOLOGIES } from './paths.ts';

const DIR = join(ROOT, 'fixtures/neuron/geometry');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
{
  const absent = files.filter((f) => morphologyPath(JSON.parse(readFileSync(join(DIR, f), 'utf8')).file) === null);
  if (absent.length > 0) {
    console.log(`NEURON Import3d parity: ${absent.length} of ${files.length} cells skipped: their SWC files are not redistributable and not in this repository (looked in ${SHARED_MORPHOLOGIES})`);
  }
}

function rel(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
}
const TOL = 1e-9;

describe('NEURON 8.2 Import3d parity', () => {
  it('has reference tables', () => {
    expect(files.length).toBeGreaterThan(50);
  });
  for (const f of files) {
    const ref = JSON.parse(readFileSync(join(DIR, f), 'utf8'));
    const path = morphologyPath(ref.file);
    if (REFUSED_ON_PURPOSE[ref.file]) {
      it.skipIf(path === null)(`${ref.file}: refused on purpose (${REFUSED_ON_PURPOSE[ref.file]})`, () => {
        expect(() => loadSwc(path!)).toThrow();
      });
      continue;
    }
    it.skipIf(path === null)(`${ref.file}`, () => {
      const m = loadSwc(path!);
      const order = neuronOrder(m);
      const names = order.map((i) => m.sections[i].name);
      expect(names).toEqual(ref.sections.map((s: { name: string }) => s.name));
      const Ra = ref.settings.Ra_ohm_cm;
      let worst = 0;
      ref.sections.forEach((r: any, k: number) => {
        const s = m.sections[order[k]];
        expect(s.parent < 0 ? null : m.sections[s.parent].name, `${r.name} parent`).toBe(r.parent);
        expect(s.parent < 0 ? null : s.parentX, `${r.name} parent_x`).toBe(r.parent_x);
        expect(s.type, `${r.name} type`).toBe(r.type);
        expect(s.x.length, `${r.name} n3d`).toBe(r.n3d);
        if (r.pts) {
          r.pts.forEach((p: number[], j: number) => {
            expect([s.x[j], s.y[j], s.z[j], s.d[j]], `${r.name} pt ${j}`).toEqual(p);
          });
        }
        worst = Math.max(worst, rel(s.L_um, r.L), rel(s.area_um2, r.area_um2));
        const one = segmentIntegrals(s, s.arc, 1);
        worst = Math.max(worst, rel(halfResistance_MOhm(one.left_per_um[0], Ra), r.ri_half));
        if (r.lambda_f_100Hz !== undefined && Number.isFinite(r.lambda_f_100Hz)) {
          const lam = lambdaF_um(s, s.arc, 100, Ra, ref.settings.cm_uF_per_cm2);
          worst = Math.max(worst, rel(lam, r.lambda_f_100Hz));
          if (r.dlambda_nseg !== undefined && r.dlambda_nseg !== null) {
            expect(dLambdaNseg(s.L_um, lam, ref.settings.d_lambda), `${r.name} d_lambda nseg`).toBe(r.dlambda_nseg);
          }
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
      expect(worst).toBeLessThanOrEqual(TOL);
    });
  }
});
