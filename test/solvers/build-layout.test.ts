import { describe, expect, it } from 'vitest';
import { buildLayout, LayoutError, nodeAt, type SectionSpec } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';

function cyl(name: string, parentSection: number, parentX: number, nseg: number, L = 100, diam = 2): SectionSpec {
  return { name, type: 3, parentSection, parentX, nseg, cm_uF_per_cm2: 1, ...cylinderSegments(L, diam, nseg, 100) };
}

describe('cylinderSegments', () => {
  it('gives the areas and half-segment resistances NEURON 8.2 reports', () => {
    // NEURON: L 123.4, diam 2.7, nseg 5, Ra 97.5 → seg.area() and seg.ri() (ri of the first centre
    // is its left half only; of the others, two halves).
    const c = cylinderSegments(123.4, 2.7, 5, 97.5);
    for (let j = 0; j < 5; j++) expect(c.area_um2[j]).toBe(209.34316806460944);
    const layout = buildLayout([{ name: 's', type: 3, parentSection: -1, parentX: 0, nseg: 5, cm_uF_per_cm2: 1, ...c }]);
    const s = layout.sections[0];
    expect(1 / layout.rinv_uS[s.firstCentre]).toBe(2.1013692157038557);
    expect(1 / layout.rinv_uS[s.firstCentre + 1]).toBe(4.202738431407711);
    expect(1 / layout.rinv_uS[s.endNode]).toBe(2.1013692157038557);
  });

  it('rejects non-positive geometry', () => {
    expect(() => cylinderSegments(0, 1, 1, 100)).toThrow(/L must be > 0/);
    expect(() => cylinderSegments(10, -1, 1, 100)).toThrow(/diam/);
    expect(() => cylinderSegments(10, 1, 0, 100)).toThrow(/nseg/);
  });
});

describe('buildLayout', () => {
  it('numbers a root section root node, centres, end node; parents before children', () => {
    const spec = cyl('soma', -1, 0, 3);
    spec.rHalfLeft_MOhm = Float64Array.of(1, 2, 3);
    spec.rHalfRight_MOhm = Float64Array.of(10, 20, 30);
    const L = buildLayout([spec]);
    expect(L.nNodes).toBe(5);
    expect(Array.from(L.parent)).toEqual([-1, 0, 1, 2, 3]);
    expect(Array.from(L.hasMembrane)).toEqual([0, 1, 1, 1, 0]);
    expect(L.area_um2[0]).toBe(100);
    expect(L.area_um2[4]).toBe(100);
    expect(L.cm_uF_per_cm2[0]).toBe(0);
    expect(L.cm_uF_per_cm2[2]).toBe(1);
    expect(Array.from(L.rinv_uS)).toEqual([0, 1 / 1, 1 / (10 + 2), 1 / (20 + 3), 1 / 30]);
    expect(L.sections[0]).toMatchObject({ firstCentre: 1, endNode: 4, node0: 0 });
  });

  it("attaches children by NEURON's rule: x = 1 end node, x = 0 the parent's own attachment, else centre ⌊nseg·x⌋", () => {
    const L = buildLayout([
      cyl('soma', -1, 0, 2), // nodes 0 (root), 1, 2 (centres), 3 (end)
      cyl('a', 0, 1, 1), // hangs on 3
      cyl('b', 0, 0, 1), // hangs on the root node 0
      cyl('c', 0, 0.5, 1), // ⌊2·0.5⌋ = 1 → centre at x = 0.75, node 2
      cyl('d', 1, 0, 1), // x = 0 of a → where a hangs: node 3
      cyl('e', 0, 0.9999, 1), // ⌊1.9998⌋ = 1 → node 2
    ]);
    const [soma, a, b, c, d, e] = L.sections;
    expect(a.node0).toBe(soma.endNode);
    expect(b.node0).toBe(soma.node0);
    expect(c.node0).toBe(soma.firstCentre + 1);
    expect(d.node0).toBe(a.node0);
    expect(e.node0).toBe(soma.firstCentre + 1);
    for (const s of L.sections) expect(L.parent[s.firstCentre]).toBe(s.node0);
    for (let i = 0; i < L.nNodes; i++) expect(L.parent[i]).toBeLessThan(i);
    expect(nodeAt(soma, 0.5)).toBe(soma.firstCentre + 1);
    expect(L.nodeSection[c.firstCentre]).toBe(3);
  });

  it('gives several root sections (cells side by side) their own root nodes', () => {
    const L = buildLayout([cyl('cell1', -1, 0, 2), cyl('cell2', -1, 0, 2)]);
    expect(Array.from(L.parent)).toEqual([-1, 0, 1, 2, -1, 4, 5, 6]);
  });

  it('names the offending field', () => {
    expect(() => buildLayout([cyl('a', 0, 1, 1)])).toThrow(LayoutError);
    expect(() => buildLayout([cyl('a', -1, 0, 1), cyl('b', 1, 1, 1)])).toThrow(/sections\[1\]\.parentSection/);
    expect(() => buildLayout([cyl('a', -1, 0, 1), cyl('b', 0, 1.5, 1)])).toThrow(/sections\[1\]\.parentX/);
    const bad = cyl('a', -1, 0, 2);
    bad.area_um2 = Float64Array.of(1);
    expect(() => buildLayout([bad])).toThrow(/sections\[0\]\.area_um2: expected 2 values/);
    const neg = cyl('a', -1, 0, 1);
    neg.rHalfLeft_MOhm = Float64Array.of(-1);
    expect(() => buildLayout([neg])).toThrow(/rHalfLeft_MOhm\[0\]/);
  });
});
