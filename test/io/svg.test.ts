/** SVG figures: well-formed XML, one line per trace, axes and units, spikes kept by downsampling, shape plot parts. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSwc } from '../../src/morphology/index.ts';
import { downsampleMinMax, niceTicks, pathDistances, pointAt, shapeSvg, tracesSvg, colormap } from '../../src/io/svg/index.ts';
import { parseXml, unescapeXml } from './xml.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function demoTraces(n = 20001, dt = 0.025) {
  const t = Float64Array.from({ length: n }, (_, i) => i * dt);
  const soma = Float64Array.from(t, (ti) => -65 + (ti > 5 ? 10 * (1 - Math.exp(-(ti - 5) / 10)) : 0));
  const dend = Float64Array.from(t, (ti) => -65 + 8 * Math.exp(-((ti - 200) ** 2) / 50));
  return { t, soma, dend };
}

describe('nice ticks', () => {
  it('steps of 1, 2, 2.5 or 5 × 10^k, labelled exactly', () => {
    expect(niceTicks(0, 50, 7).values).toEqual([0, 10, 20, 30, 40, 50]);
    const v = niceTicks(-76.3, 38.1, 6, false);
    expect(v.step).toBe(25);
    expect(v.values).toEqual([-75, -50, -25, 0, 25]);
    expect(niceTicks(0, 1, 6).values.length).toBeGreaterThanOrEqual(5);
    expect(niceTicks(0, 0.3, 6).decimals).toBe(1);
    expect(niceTicks(0, 0.15, 6).decimals).toBe(2);
    expect(niceTicks(0, 25, 11).decimals).toBe(1); // 2.5 steps
    const flat = niceTicks(-65, -65, 5);
    expect(flat.lo).toBeLessThan(-65);
    expect(flat.hi).toBeGreaterThan(-65);
  });
});

describe('downsampleMinMax', () => {
  it('keeps a one-sample spike and the global extremes, and shrinks a long trace', () => {
    const n = 1_000_000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 5000));
    y[123_457] = 40; // a single-sample spike
    y[765_431] = -90;
    const idx = downsampleMinMax(x, y, 0, n, 700);
    expect(idx.length).toBeLessThanOrEqual(4 * 701);
    expect(Array.from(idx)).toContain(123_457);
    expect(Array.from(idx)).toContain(765_431);
    for (let k = 1; k < idx.length; k++) expect(idx[k]).toBeGreaterThan(idx[k - 1]);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(n - 1);
  });
  it('returns short traces whole', () => {
    const idx = downsampleMinMax([0, 1, 2], [1, 2, 3], 0, 2, 700);
    expect(Array.from(idx)).toEqual([0, 1, 2]);
  });
});

describe('tracesSvg', () => {
  const { t, soma, dend } = demoTraces();
  const svg = tracesSvg(t, [
    { label: 'soma', values: soma, spikes: [12.5, 300.25] },
    { label: 'dend <3> & "x"', values: dend },
  ], { title: 'Demo run', subtitle: 'ball & stick' });
  const els = parseXml(svg);

  it('is well-formed XML with an svg root of the default size', () => {
    expect(els[0].name).toBe('svg');
    expect(els[0].attrs).toMatchObject({ xmlns: 'http://www.w3.org/2000/svg', width: '800', height: '500', viewBox: '0 0 800 500' });
  });
  it('one path per trace, coloured differently, labelled in the legend (escaped)', () => {
    const traces = els.filter((e) => e.name === 'path' && e.attrs.class === 'trace');
    expect(traces.length).toBe(2);
    expect(traces[0].attrs.stroke).not.toBe(traces[1].attrs.stroke);
    expect(unescapeXml(traces[1].attrs['data-label'])).toBe('dend <3> & "x"');
    const texts = els.filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));
    expect(texts).toContain('soma');
    expect(texts).toContain('dend <3> & "x"');
  });
  it('axis labels with units, ticks, title', () => {
    const texts = els.filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));
    expect(texts).toContain('t (ms)');
    expect(texts).toContain('V (mV)');
    expect(texts).toContain('Demo run');
    expect(texts).toContain('ball & stick');
    expect(texts).toContain('0');
    expect(texts).toContain('500');
    expect(texts.some((s) => /^\u2212\d/.test(s))).toBe(true); // negative voltages with a real minus sign
  });
  it('draws the downsampled line through the data range, and stays small', () => {
    const d = els.find((e) => e.attrs.class === 'trace')!.attrs.d;
    const pts = d.match(/-?\d+(\.\d+)?,-?\d+(\.\d+)?/g)!;
    expect(pts.length).toBeGreaterThan(100);
    expect(pts.length).toBeLessThan(4 * 800);
    expect(svg.length).toBeLessThan(200_000);
  });
  it('spike marks: one tick per spike in the raster strip', () => {
    const marks = els.filter((e) => e.attrs.class === 'spike-marks');
    expect(marks.length).toBe(1);
    expect(marks[0].attrs.d.match(/M/g)!.length).toBe(2);
  });
  it('survives NaN, a flat trace and a single sample', () => {
    const v = Float64Array.from(t, () => -65);
    v[10] = NaN;
    for (const s of [tracesSvg(t, [{ label: 'flat', values: v }]), tracesSvg([0], [{ label: 'one', values: [1] }]), tracesSvg([], [])]) {
      expect(() => parseXml(s)).not.toThrow();
      expect(s).not.toMatch(/NaN|Infinity/);
    }
  });
});

describe('shapeSvg', () => {
  const bs = loadSwc(join(ROOT, 'fixtures/morphologies/ball_and_stick.swc'));
  const ca1 = loadSwc(join(ROOT, 'fixtures/morphologies/CA1PC_rat_c91662.swc'));

  it('path distance: soma measured from its middle, dendrites along the tree', () => {
    const d = pathDistances(bs);
    const soma = bs.sections[0];
    const dend = bs.sections.findIndex((s) => s.type === 3);
    expect(d[0][0]).toBeCloseTo(soma.L_um / 2, 9);
    expect(Math.min(...d[0])).toBeGreaterThanOrEqual(0);
    const sec = bs.sections[dend];
    const base = Math.abs(sec.parentX - 0.5) * soma.L_um;
    expect(d[dend][0]).toBeCloseTo(base, 9);
    expect(d[dend][d[dend].length - 1]).toBeCloseTo(base + sec.L_um, 9);
    // on a real cell, children are never closer to the soma than their attachment point
    const dc = pathDistances(ca1);
    ca1.sections.forEach((s, i) => {
      for (let k = 1; k < dc[i].length; k++) if (s.parent >= 0) expect(dc[i][k]).toBeGreaterThanOrEqual(dc[i][k - 1] - 1e-9);
    });
  });
  it('pointAt interpolates along the arc', () => {
    const dend = bs.sections.find((s) => s.type === 3)!;
    const [x0] = pointAt(dend, 0);
    const [x1] = pointAt(dend, 1);
    const [xm] = pointAt(dend, 0.5);
    expect(xm).toBeCloseTo((x0 + x1) / 2, 6);
  });
  it('is well-formed, draws every section, a colour bar, a scale bar, and one labelled marker per site', () => {
    const svg = shapeSvg(ca1, {
      title: 'CA1',
      markers: [
        { label: 'soma', section: 'soma[0]', x: 0.5 },
        { label: 'apic20', section: 'apic[20]', x: 0.5 },
        { label: 'gone', section: 'dend[999]', x: 0.5 },
      ],
    });
    const els = parseXml(svg);
    const drawn = new Set(els.filter((e) => e.attrs['data-section']).map((e) => e.attrs['data-section']));
    expect(drawn.size).toBe(ca1.sections.length);
    const markers = els.filter((e) => e.attrs.class === 'marker');
    expect(markers.map((m) => m.attrs['data-label'])).toEqual(['soma', 'apic20']);
    const texts = els.filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));
    expect(texts).toContain('path distance from soma (µm)');
    expect(texts.some((s) => /^\d+ µm$/.test(s))).toBe(true);
    expect(texts).toContain('apic20');
    expect(els.some((e) => e.name === 'linearGradient')).toBe(true);
    // colours come from the colour map: the soma end is the low end (viridis purple)
    const somaLines = els.filter((e) => e.attrs['data-section'] === 'soma[0]');
    expect(somaLines.every((e) => e.attrs.stroke === colormap('viridis', 0) || e.attrs.stroke.startsWith('#4'))).toBe(true);
    // widths stay within the clamp
    for (const e of els.filter((x) => x.name === 'polyline')) {
      const w = Number(e.attrs['stroke-width']);
      expect(w).toBeGreaterThanOrEqual(1);
      expect(w).toBeLessThanOrEqual(18);
    }
    expect(svg.length).toBeLessThan(400_000);
  });
  it('colours per section or by marker value, with the matching colour-bar label', () => {
    const perSec = shapeSvg(bs, { color: { by: 'section', values: bs.sections.map((_, i) => i), label: 'index' } });
    expect(parseXml(perSec).some((e) => e.attrs.class === 'colorbar-label' && e.text === 'index')).toBe(true);
    const byMarker = shapeSvg(bs, {
      color: { by: 'marker', label: 'peak V (mV)' },
      markers: [
        { label: 'a', section: 0, x: 0.5, value: -10 },
        { label: 'b', section: 1, x: 1, value: 30 },
      ],
    });
    const els = parseXml(byMarker);
    const fills = els.filter((e) => e.attrs.class === 'marker').map((e) => e.attrs.fill);
    expect(fills).toEqual([colormap('viridis', 0), colormap('viridis', 1)]);
    expect(els.filter((e) => e.name === 'polyline').every((e) => e.attrs.stroke === '#9a9a9a')).toBe(true);
    expect(els.filter((e) => e.name === 'text').map((e) => unescapeXml(e.text))).toContain('b (30.0)');
  });
});
