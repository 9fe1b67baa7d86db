/** Path distances and segment diameters against NEURON 8.2 (fixtures/neuron/stimuli/distances.py). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadSwc } from '../../src/morphology/index.ts';
import { crossingsAt, distanceAt, distanceRange, pathDistances, segmentDiameter } from '../../src/cable/distance.ts';

const MORPH = fileURLToPath(new URL('../../fixtures/morphologies/', import.meta.url));
const REF = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/neuron/stimuli/distances.json', import.meta.url)), 'utf8')) as {
  cells: Record<string, { sections: string[]; 'from_soma_0.5': { d0: number[]; d1: number[] }; from_soma_0: { d0: number[]; d1: number[] }; diam_nseg3: number[][] }>;
};

describe('path distance as NEURON h.distance()', () => {
  for (const [file, ref] of Object.entries(REF.cells)) {
    it(`${file}: both ends of every section, origins soma[0](0.5) and soma[0](0); segment diameters`, () => {
      const m = loadSwc(join(MORPH, file));
      const index = new Map(m.sections.map((s, i) => [s.name, i]));
      expect(m.sections.length).toBe(ref.sections.length);
      const soma = index.get('soma[0]')!;
      for (const [key, x] of [['from_soma_0.5', 0.5], ['from_soma_0', 0]] as const) {
        const pd = x === 0.5 ? pathDistances(m) : pathDistances(m, { section: soma, x });
        let worst = 0;
        ref.sections.forEach((name, k) => {
          const s = index.get(name)!;
          worst = Math.max(worst, Math.abs(distanceAt(pd, s, 0) - ref[key].d0[k]), Math.abs(distanceAt(pd, s, 1) - ref[key].d1[k]));
          expect(pd.d0[s]).toBe(distanceAt(pd, s, 0));
        });
        expect(worst).toBeLessThan(1e-9);
      }
      let worstDiam = 0;
      ref.sections.forEach((name, k) => {
        const s = m.sections[index.get(name)!];
        [1 / 6, 0.5, 5 / 6].forEach((x, j) => {
          worstDiam = Math.max(worstDiam, Math.abs(segmentDiameter(s, 3, x) - ref.diam_nseg3[k][j]) / ref.diam_nseg3[k][j]);
        });
      });
      expect(worstDiam).toBeLessThan(1e-6);
    });
  }

  it('crossings lie at the asked distance, one per branch, each branch point counted once', () => {
    const m = loadSwc(join(MORPH, 'CA1PC_rat_c91662.swc'));
    const pd = pathDistances(m);
    const apic = m.sections.map((s, i) => (s.type === 4 ? i : -1)).filter((i) => i >= 0);
    const { min, max } = distanceRange(pd, apic);
    expect(min).toBeGreaterThanOrEqual(0);
    for (const D of [50, 150, 300, 450, max]) {
      const cs = crossingsAt(pd, apic, D);
      expect(cs.length).toBeGreaterThan(0);
      for (const c of cs) expect(distanceAt(pd, c.section, c.x)).toBeCloseTo(D, 9);
      // a point is never counted twice (the same (section, x) or a parent end shared with a child 0 end)
      const keys = new Set(cs.map((c) => `${c.section}:${c.x}`));
      expect(keys.size).toBe(cs.length);
      for (const c of cs) expect(c.x).toBeGreaterThan(0);
    }
    // the branch point itself: D = the 1-end distance of a section with children gives one point
    const parent = m.sections.findIndex((s, i) => s.type === 4 && m.sections.some((c) => c.parent === i));
    expect(crossingsAt(pd, [parent, ...m.sections.flatMap((c, i) => (c.parent === parent ? [i] : []))], pd.d1[parent])).toEqual([{ section: parent, x: 1 }]);
  });

  it('on the path to the origin the distance falls then rises (soma, from soma[0](0.25))', () => {
    const m = loadSwc(join(MORPH, 'ball_and_stick.swc'));
    const pd = pathDistances(m, { section: 0, x: 0.25 });
    const L = m.sections[0].L_um;
    expect(distanceAt(pd, 0, 0)).toBeCloseTo(0.25 * L, 12);
    expect(distanceAt(pd, 0, 1)).toBeCloseTo(0.75 * L, 12);
    const both = crossingsAt(pd, [0], 0.2 * L);
    expect(both.map((c) => c.x)).toEqual([expect.closeTo(0.05, 12), expect.closeTo(0.45, 12)]);
  });
});
