/**
 * What the figures show (issue 8, part 6): peak colouring only of voltage sites; recording sites,
 * stimuli, clamps and synapses marked where they are on the cell; spike rows only for the run's
 * own spikes; differently scaled traces on separate axes; the projection (xy, xz, yz, auto with
 * the apical dendrite up). Structural checks on the SVG text.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSwc } from '../../src/morphology/index.ts';
import { clusterByRange, colormap, plotRunDir, pointAt, project, shapeSvg, tracesSvg, viewProjection, type ShapeMorphology, type ShapeSection } from '../../src/io/svg/index.ts';
import { parseXml, unescapeXml, type XmlElement } from './xml.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BS = join(ROOT, 'fixtures/morphologies/ball_and_stick.swc');
const N120 = join(ROOT, 'fixtures/morphologies/CA1PC_rat_n120.swc');
const C91662 = join(ROOT, 'fixtures/morphologies/CA1PC_rat_c91662.swc');

/** A section through straight 3-D points (arc lengths computed). */
function sec(name: string, type: number, parent: number, pts: [number, number, number][], d = 1): ShapeSection {
  const arc = [0];
  for (let k = 1; k < pts.length; k++) arc.push(arc[k - 1] + Math.hypot(pts[k][0] - pts[k - 1][0], pts[k][1] - pts[k - 1][1], pts[k][2] - pts[k - 1][2]));
  return { name, type, parent, parentX: 1, x: pts.map((p) => p[0]), y: pts.map((p) => p[1]), z: pts.map((p) => p[2]), d: pts.map(() => d), arc, L_um: arc[arc.length - 1] };
}

const texts = (els: XmlElement[]) => els.filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));
const num = (s: string | undefined) => Number(s);

/** Screen position of a marker element: circles by cx/cy, pins by data-at (the site they point at). */
function at(e: XmlElement): [number, number] {
  if (e.attrs['data-at']) {
    const [x, y] = e.attrs['data-at'].split(',').map(Number);
    return [x, y];
  }
  return [num(e.attrs.cx), num(e.attrs.cy)];
}

/**
 * Every marker sits where its site projects: screen − screen₀ = k · (right, −up) · (p − p₀) with
 * one k > 0 for all of them (y down on screen).
 */
function expectProjected(m: ShapeMorphology, view: Parameters<typeof viewProjection>[1], sites: { screen: [number, number]; section: string; x: number }[]) {
  const proj = viewProjection(m, view);
  const P = (s: { section: string; x: number }) => {
    const p = pointAt(m.sections.find((q) => q.name === s.section)!, s.x);
    return project(proj, p[0], p[1], p[2]);
  };
  const p0 = P(sites[0]);
  const s0 = sites[0].screen;
  let k = NaN;
  for (const s of sites.slice(1)) {
    const [a, b] = P(s);
    const du = [a - p0[0], -(b - p0[1])];
    const ds = [s.screen[0] - s0[0], s.screen[1] - s0[1]];
    const len = Math.hypot(du[0], du[1]);
    if (len < 1e-9) {
      expect(Math.hypot(ds[0], ds[1])).toBeLessThan(0.02);
      continue;
    }
    const kk = Math.hypot(ds[0], ds[1]) / len;
    if (Number.isNaN(k)) k = kk;
    expect(kk).toBeCloseTo(k, 2);
    expect(ds[0]).toBeCloseTo(k * du[0], 0);
    expect(ds[1]).toBeCloseTo(k * du[1], 0);
  }
  expect(k).toBeGreaterThan(0);
}

describe('shape markers: kinds, positions and peak colouring', () => {
  const bs = loadSwc(BS);
  const markers = [
    { label: 'soma', section: 'soma[0]', x: 0.5 },
    { label: 'dend_end', section: 'dend[0]', x: 1 },
    { label: 'IClamp 1 nA', section: 'soma[0]', x: 0.5, kind: 'stimulus' as const },
    { label: 'SEClamp', section: 'dend[0]', x: 0.25, kind: 'clamp' as const },
    { label: 'AMPA', section: 'dend[0]', x: 0.6, kind: 'synapse' as const, group: 'AMPA' },
    { label: 'NMDA', section: 'dend[0]', x: 0.6, kind: 'synapse' as const, group: 'NMDA' },
    { label: 'GABAA', section: 'dend[0]', x: 0.8, kind: 'synapse' as const, group: 'GABAA' },
  ];

  it('each kind has its own symbol at its projected site, and a legend entry', () => {
    const els = parseXml(shapeSvg(bs, { markers, projection: 'xy' }));
    const probes = els.filter((e) => e.attrs.class === 'marker');
    expect(probes.map((e) => e.attrs['data-label'])).toEqual(['soma', 'dend_end']);
    expect(probes.every((e) => e.name === 'circle')).toBe(true);
    const pins = els.filter((e) => e.attrs.class === 'stimulus-marker');
    expect(pins.map((e) => [e.attrs['data-kind'], unescapeXml(e.attrs['data-label'])])).toEqual([['stimulus', 'IClamp 1 nA'], ['clamp', 'SEClamp']]);
    expect(pins[0].name).toBe('path'); // a triangle
    const syn = els.filter((e) => e.attrs.class === 'synapse-marker');
    expect(syn.map((e) => e.attrs['data-type'])).toEqual(['AMPA', 'NMDA', 'GABAA']);
    // one colour per type; a later type at the same site is smaller (a dot in a ring)
    expect(new Set(syn.map((e) => e.attrs.fill)).size).toBe(3);
    expect(num(syn[1].attrs.r)).toBeLessThan(num(syn[0].attrs.r));
    // positions: all markers on the projection of their site, with one scale
    const site = (label: string) => markers.find((m) => m.label === label)!;
    const all = [...probes, ...pins, ...syn].map((e) => ({ screen: at(e), ...site(unescapeXml(e.attrs['data-label'])) }));
    expectProjected(bs, 'xy', all);
    // the stimulus and the soma recording share a site, and both are drawn: the triangle's tip
    // points at the circle from above, clear of it
    const [cx, cy] = at(probes[0]);
    expect(at(pins[0])).toEqual([cx, cy]);
    const tip = pins[0].attrs.d.match(/^M(-?[\d.]+),(-?[\d.]+)/)!.slice(1).map(Number);
    expect(tip[0]).toBeCloseTo(cx, 1);
    expect(tip[1]).toBeLessThan(cy);
    // the legend names every kind
    const legend = texts(els);
    for (const t of ['recording site (colour as its trace)', 'current stimulus', 'voltage clamp', 'AMPA synapse (1)', 'NMDA synapse (1)', 'GABAA synapse (1)']) expect(legend).toContain(t);
    expect(els.filter((e) => e.attrs.class === 'legend-symbol').map((e) => e.attrs['data-kind'])).toEqual(['probe', 'stimulus', 'clamp', 'synapse', 'synapse', 'synapse']);
  });

  it('--color peak: only voltage recordings take the mV scale; a current recording and the stimuli are never coloured by it or hidden', () => {
    const svg = shapeSvg(bs, {
      projection: 'xy',
      color: { by: 'marker', label: 'peak V (mV)', colormap: 'plasma' },
      markers: [
        { label: 'soma', section: 'soma[0]', x: 0.5, value: 40 },
        { label: 'dend_end', section: 'dend[0]', x: 1, value: -60 },
        { label: 'I_syn', section: 'dend[0]', x: 0.5, color: '#2ca02c' }, // not a voltage: no value
        { label: 'IClamp 1 nA', section: 'soma[0]', x: 0.5, kind: 'stimulus', value: 1 }, // a value on a stimulus is ignored
      ],
    });
    const els = parseXml(svg);
    const probes = els.filter((e) => e.attrs.class === 'marker');
    expect(probes.map((e) => e.attrs['data-label'])).toEqual(['soma', 'dend_end', 'I_syn']);
    expect(probes[0].attrs.fill).toBe(colormap('plasma', 1));
    expect(probes[1].attrs.fill).toBe(colormap('plasma', 0));
    // the current recording: hollow, in its own colour, not on the scale
    expect(probes[2].attrs.fill).toBe('#ffffff');
    expect(probes[2].attrs.stroke).toBe('#2ca02c');
    // the colour bar spans the voltage values only (the stimulus's 1 would not widen it: -60..40)
    const ticks = els.filter((e) => e.name === 'text' && /^[\u2212\d]/.test(e.text) && !/µm/.test(e.text)).map((e) => Number(e.text.replace('\u2212', '-')));
    expect(Math.min(...ticks)).toBeGreaterThanOrEqual(-60);
    expect(Math.max(...ticks)).toBeLessThanOrEqual(40);
    const pin = els.find((e) => e.attrs.class === 'stimulus-marker')!;
    expect(pin.attrs.fill).toBe('#111111');
    // the stimulus is drawn after (above) the circle at its site
    expect(els.indexOf(pin)).toBeGreaterThan(els.indexOf(probes[0]));
    expect(texts(els)).toContain('soma (40.0)');
    expect(texts(els)).toContain('IClamp 1 nA');
  });
});

describe('projection: xy, xz, yz and auto', () => {
  // soma at the origin; a dendrite to (10, 20, 30)
  const m: ShapeMorphology = {
    sections: [
      sec('soma[0]', 1, -1, [[-2, 0, 0], [0, 0, 0], [2, 0, 0]], 4),
      sec('dend[0]', 3, 0, [[0, 0, 0], [10, 20, 30]]),
      sec('dend[1]', 3, 0, [[0, 0, 0], [-6, 2, -4]]),
    ],
  };
  const sites = [
    { label: 'o', section: 'soma[0]', x: 0.5 },
    { label: 'tip', section: 'dend[0]', x: 1 },
    { label: 'mid', section: 'dend[0]', x: 0.5 },
    { label: 'other', section: 'dend[1]', x: 1 },
  ];
  for (const view of ['xy', 'xz', 'yz'] as const) {
    it(`${view}: ${view[0]} to the right, ${view[1]} up`, () => {
      const els = parseXml(shapeSvg(m, { markers: sites, projection: view }));
      const pos = new Map(els.filter((e) => e.attrs.class === 'marker').map((e) => [e.attrs['data-label'], at(e)]));
      const o = pos.get('o')!;
      const tip = pos.get('tip')!;
      const d = { x: 10, y: 20, z: 30 };
      const right = d[view[0] as 'x'];
      const up = d[view[1] as 'y'];
      // the direction on screen is the projected one (y down on screen)
      expect((tip[0] - o[0]) / (o[1] - tip[1])).toBeCloseTo(right / up, 2);
      expectProjected(m, view, sites.map((s) => ({ screen: pos.get(s.label)!, ...s })));
      const g = els.find((e) => e.attrs.class === 'morphology')!;
      expect(g.attrs['data-view']).toBe(view);
      expect(els.find((e) => e.name === 'desc')!.text).toContain(`${view[0]}–${view[1]} view`);
    });
  }

  it('auto on a cell without apical dendrite: the longest dendrite points up', () => {
    const els = parseXml(shapeSvg(m, { markers: sites, projection: 'auto' }));
    const pos = new Map(els.filter((e) => e.attrs.class === 'marker').map((e) => [e.attrs['data-label'], at(e)]));
    const o = pos.get('o')!;
    const tip = pos.get('tip')!;
    expect(Math.abs(tip[0] - o[0])).toBeLessThan(0.02 * Math.abs(tip[1] - o[1]));
    expect(tip[1]).toBeLessThan(o[1]);
    expect(els.find((e) => e.name === 'desc')!.text).toMatch(/auto view \(longest dendrite up\)/);
    expectProjected(m, 'auto', sites.map((s) => ({ screen: pos.get(s.label)!, ...s })));
  });

  it('a straight cable seen from auto: up along it, right an SWC axis across it', () => {
    const p = viewProjection(loadSwc(BS), 'auto');
    expect(p.up[0]).toBeCloseTo(1, 9);
    expect(p.right).toEqual([0, 1, 0]);
  });

  /** Mean screen y of a section type's drawn points, and the soma's. */
  function uprightness(file: string, view: 'auto' | 'xy') {
    const cell = loadSwc(file);
    const els = parseXml(shapeSvg(cell, { projection: view }));
    const type = new Map(cell.sections.map((s) => [s.name, s.type]));
    const ys = (t: number) => els.filter((e) => e.name === 'polyline' && type.get(e.attrs['data-section']) === t).flatMap((e) => e.attrs.points.split(' ').map((q) => Number(q.split(',')[1])));
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const apic = ys(4);
    return { apic: mean(apic), apicAbove: apic.filter((y) => y < mean(ys(1))).length / apic.length, soma: mean(ys(1)) };
  }

  it('auto stands CA1 n120 upright (its SWC has the apical dendrite along −y, upside down in xy)', () => {
    const xy = uprightness(N120, 'xy');
    expect(xy.apic).toBeGreaterThan(xy.soma); // below the soma on screen
    const auto = uprightness(N120, 'auto');
    expect(auto.apic).toBeLessThan(auto.soma);
    expect(auto.apicAbove).toBeGreaterThan(0.95);
  });

  it('auto keeps CA1 c91662 upright too', () => {
    const auto = uprightness(C91662, 'auto');
    expect(auto.apic).toBeLessThan(auto.soma);
    expect(auto.apicAbove).toBeGreaterThan(0.95);
    const p = viewProjection(loadSwc(C91662), 'auto');
    // up is a unit vector along the apical direction (+y in this file), right is perpendicular
    expect(Math.hypot(...p.up)).toBeCloseTo(1, 9);
    expect(p.up[1]).toBeGreaterThan(0.9);
    expect(p.right[0] * p.up[0] + p.right[1] * p.up[1] + p.right[2] * p.up[2]).toBeCloseTo(0, 9);
  });
});

describe('traces: panels by range, spike rows only for spikes', () => {
  it('clusterByRange: similar ranges share a panel, a 50× smaller one gets its own', () => {
    expect(clusterByRange([110, 2])).toEqual([0, 1]);
    expect(clusterByRange([110, 123, 63, 14, 7])).toEqual([0, 0, 0, 1, 1]);
    expect(clusterByRange([14, 7])).toEqual([0, 0]);
    expect(clusterByRange([2, 110])).toEqual([1, 0]);
    // the rule: at least 1/4 of the panel's largest range
    expect(clusterByRange([100, 25])).toEqual([0, 0]);
    expect(clusterByRange([100, 24.9])).toEqual([0, 1]);
    // at most 4 panels; flat and NaN ranges go with the smallest
    expect(clusterByRange([1000, 100, 10, 1, 0.1])).toEqual([0, 1, 2, 3, 3]);
    expect(clusterByRange([50, NaN, 0])).toEqual([0, 1, 1]);
  });

  const n = 4001;
  const t = Float64Array.from({ length: n }, (_, i) => i * 0.025);
  // a spiking soma (−70 … +40 mV) and a dendrite with a 2 mV EPSP
  const soma = Float64Array.from(t, (ti) => -70 + 110 * Math.exp(-(((ti % 20) - 10) ** 2) / 0.5));
  const dend = Float64Array.from(t, (ti) => -70 + 2 * Math.exp(-((ti - 50) ** 2) / 20));
  const panels = clusterByRange([110, 2]);
  const svg = tracesSvg(t, [
    { label: 'soma', values: soma, panel: panels[0], spikes: [9.7, 29.7, 49.7, 69.7, 89.7] },
    { label: 'dend', values: dend, panel: panels[1], spikes: [] },
  ], { title: 'panels', caption: 'Spike marks: the run\'s spikes (spikes.csv), upward crossings of −20 mV.', events: [{ label: 'volley (input)', times: [50] }] });
  const els = parseXml(svg);

  it('one panel per cluster, each with its own y-axis label, ticks and range', () => {
    const groups = els.filter((e) => e.attrs.class === 'panel');
    expect(groups.length).toBe(2);
    const ranges = groups.map((g) => [num(g.attrs['data-y-lo']), num(g.attrs['data-y-hi'])]);
    expect(ranges[0][0]).toBeLessThanOrEqual(-70);
    expect(ranges[0][1]).toBeGreaterThanOrEqual(40);
    // the dendrite's axis spans its 2 mV, not the soma's 110
    expect(ranges[1][0]).toBeLessThanOrEqual(-70);
    expect(ranges[1][1]).toBeGreaterThanOrEqual(-68);
    expect(ranges[1][1] - ranges[1][0]).toBeLessThan(4);
    const yLabels = els.filter((e) => e.attrs.class === 'axis-label' && e.attrs['data-panel'] !== undefined);
    expect(yLabels.map((e) => [e.attrs['data-panel'], e.text])).toEqual([['0', 'V (mV)'], ['1', 'V (mV)']]);
    expect(els.filter((e) => e.attrs.class === 'trace').map((e) => [e.attrs['data-label'], e.attrs['data-panel']])).toEqual([['soma', '0'], ['dend', '1']]);
    // readable ticks on the small axis: at least 4 labelled values, with decimals where needed
    const all = texts(els);
    expect(all.filter((s) => /^\u2212(6[89]|70)(\.\d)?$/.test(s)).length).toBeGreaterThanOrEqual(3);
    // the time axis is labelled once, under the last panel
    expect(all.filter((s) => s === 't (ms)').length).toBe(1);
    // panels do not overlap
    const tops = groups.map((g) => {
      const spine = els.slice(els.indexOf(g)).find((e) => e.name === 'line' && e.attrs.x1 === e.attrs.x2 && e.attrs.y1 !== e.attrs.y2)!;
      return [num(spine.attrs.y1), num(spine.attrs.y2)];
    });
    expect(tops[0][1]).toBeLessThan(tops[1][0]);
  });

  it('a spike row for each trace with spikes, none for a trace without; event rows in grey; the caption', () => {
    const marks = els.filter((e) => e.attrs.class === 'spike-marks');
    expect(marks.map((e) => e.attrs['data-label'])).toEqual(['soma']);
    expect(marks[0].attrs.d.match(/M/g)!.length).toBe(5);
    const ev = els.filter((e) => e.attrs.class === 'event-marks');
    expect(ev.map((e) => e.attrs['data-label'])).toEqual(['volley (input)']);
    expect(els.find((e) => e.attrs.class === 'caption')!.text).toMatch(/spikes\.csv/);
  });

  it('one panel when all ranges are alike (the old single-axis figure)', () => {
    const one = parseXml(tracesSvg(t, [{ label: 'a', values: soma }, { label: 'b', values: soma.map((v) => v - 5) }]));
    expect(one.filter((e) => e.attrs.class === 'panel').length).toBe(1);
  });
});

describe('plotRunDir: a run folder with stimuli, synapses, a current record and spikes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-figs-'));
  // a spiking soma, a passive dendrite end that crosses −20 mV without spiking, a clamp current
  const n = 2001;
  const rows = ['t_ms,soma,dend_end,I_clamp'];
  for (let i = 0; i < n; i++) {
    const t = i * 0.05;
    const soma = -65 + 105 * Math.exp(-(((t % 25) - 12) ** 2) / 0.3);
    const dend = -65 + 50 * Math.exp(-((t - 50) ** 2) / 200);
    rows.push(`${t},${soma},${dend},${Math.sin(t)}`);
  }
  writeFileSync(join(dir, 'traces.csv'), rows.join('\n') + '\n');
  // the run's spikes: the soma's action potentials and a spike source; none for the dendrite
  writeFileSync(join(dir, 'spikes.csv'), 'label,t_ms\nsoma,11.6\nsoma,36.6\nsoma,61.6\nsoma,86.6\nvolley,40\n');
  writeFileSync(join(dir, 'run.json'), JSON.stringify({
    protocol: 'demo.json',
    morphology: BS,
    probes: [
      { label: 'soma', section: 'soma[0]', x: 0.5, unit: 'mV', spike_threshold_mV: -20, spike_rule: 'action_potential', spike_criterion: { min_height_mV: 5, max_rise_ms: 5, min_slope_mV_per_ms: 10 }, peak_mV: 40 },
      { label: 'dend_end', section: 'dend[0]', x: 1, unit: 'mV', spike_threshold_mV: -20, spike_rule: 'action_potential', peak_mV: -15 },
      { label: 'I_clamp', section: 'dend[0]', x: 0.5, unit: 'nA', stimulus: 1, peak_mV: 1 },
    ],
    stimuli: [
      { entry: 0, type: 'iclamp', section: 'soma[0]', x: 0.5, amp_nA: 0.5, delay_ms: 10, dur_ms: 80 },
      { entry: 1, type: 'seclamp', section: 'dend[0]', x: 0.5, amp1_mV: -65, amp2_mV: -40, amp3_mV: -65 },
    ],
    synapses: [
      { entry: 0, type: 'AMPA', section: 'dend[0]', x: 0.9 },
      { entry: 0, type: 'AMPA', section: 'dend[0]', x: 0.95 },
      { entry: 1, type: 'NMDA', section: 'dend[0]', x: 0.9 },
    ],
    spike_sources: [{ label: 'volley', kind: 'source', spike_count: 1 }],
  }));
  const logs: string[] = [];
  const { files } = plotRunDir(dir, { shapeColor: 'peak', view: 'xy', log: (s) => logs.push(s) });

  it('writes traces.svg (mV), traces_nA.svg and shape.svg, with no warnings', () => {
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['traces.svg', 'traces_nA.svg', 'shape.svg']);
    expect(logs).toEqual([]);
  });

  it('spike rows from spikes.csv only: the soma and the spike source, not the dendrite that crosses −20 mV passively', () => {
    const els = parseXml(readFileSync(join(dir, 'traces.svg'), 'utf8'));
    expect(els.filter((e) => e.attrs.class === 'spike-marks').map((e) => e.attrs['data-label'])).toEqual(['soma']);
    expect(els.filter((e) => e.attrs.class === 'event-marks').map((e) => e.attrs['data-label'])).toEqual(['volley (input)']);
    const caption = els.filter((e) => e.attrs.class === 'caption').map((e) => unescapeXml(e.text)).join(' ').replace(/\u00a0/g, ' ');
    expect(caption).toMatch(/spikes\.csv/);
    // the criterion as the run states it, in words
    expect(caption).toMatch(/action potentials: upward crossings of \u221220 mV peaking ≥ 5 mV above it, within 5 ms of the crossing, dV\/dt ≥ 10 mV\/ms/);
    // the current is in its own figure
    const nA = parseXml(readFileSync(join(dir, 'traces_nA.svg'), 'utf8'));
    expect(nA.filter((e) => e.attrs.class === 'trace').map((e) => e.attrs['data-label'])).toEqual(['I_clamp']);
    expect(texts(nA)).toContain('I (nA)');
  });

  it('the shape: voltage sites coloured by peak, the clamp (with its current record named) and the IClamp as pins, synapses by type', () => {
    const els = parseXml(readFileSync(join(dir, 'shape.svg'), 'utf8'));
    const probes = els.filter((e) => e.attrs.class === 'marker');
    expect(probes.map((e) => e.attrs['data-label'])).toEqual(['soma', 'dend_end']); // no circle for the clamp current
    expect(probes[0].attrs.fill).toBe(colormap('plasma', 1));
    expect(probes[1].attrs.fill).toBe(colormap('plasma', 0));
    const pins = els.filter((e) => e.attrs.class === 'stimulus-marker');
    expect(pins.map((e) => [e.attrs['data-kind'], unescapeXml(e.attrs['data-label'])])).toEqual([
      ['stimulus', 'IClamp 0.5 nA'],
      ['clamp', 'SEClamp \u221265/\u221240/\u221265 mV (I_clamp)'],
    ]);
    const syn = els.filter((e) => e.attrs.class === 'synapse-marker');
    expect(syn.map((e) => e.attrs['data-type']).sort()).toEqual(['AMPA', 'AMPA', 'NMDA']);
    // every symbol on its site: soma(0.5), dend(1), the IClamp at soma(0.5), the clamp at
    // dend(0.5), synapses at dend(0.9) (AMPA, NMDA) and dend(0.95) (AMPA), in screen x order
    const bySite = (e: XmlElement) => {
      const label = unescapeXml(e.attrs['data-label']);
      if (e.attrs.class === 'marker') return label === 'soma' ? { section: 'soma[0]', x: 0.5 } : { section: 'dend[0]', x: 1 };
      return label.startsWith('IClamp') ? { section: 'soma[0]', x: 0.5 } : { section: 'dend[0]', x: 0.5 };
    };
    const synByX = [...syn].sort((a, b) => num(a.attrs.cx) - num(b.attrs.cx));
    expectProjected(loadSwc(BS), 'xy', [
      ...[...probes, ...pins].map((e) => ({ screen: at(e), ...bySite(e) })),
      ...synByX.map((e, i) => ({ screen: at(e), section: 'dend[0]', x: [0.9, 0.9, 0.95][i] })),
    ]);
    const legend = texts(els);
    for (const t of ['recording site (colour: peak V)', 'current stimulus', 'voltage clamp', 'AMPA synapses (2)', 'NMDA synapse (1)']) expect(legend).toContain(t);
    expect(legend.join(' ')).toMatch(/x–y view/);
  });

  it('a stimulus entry placed at several sites (pick "all"): a triangle at each, labelled once with ×n', () => {
    const multi = join(dir, 'multi');
    mkdirSync(multi);
    writeFileSync(join(multi, 'traces.csv'), readFileSync(join(dir, 'traces.csv')));
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    run.stimuli = [0.2, 0.5, 0.8].map((x) => ({ entry: 0, type: 'iclamp', section: 'dend[0]', x, amp_nA: 0.1 }));
    writeFileSync(join(multi, 'run.json'), JSON.stringify(run));
    plotRunDir(multi, { view: 'xy' });
    const els = parseXml(readFileSync(join(multi, 'shape.svg'), 'utf8'));
    const pins = els.filter((e) => e.attrs.class === 'stimulus-marker');
    expect(pins.length).toBe(3);
    expectProjected(loadSwc(BS), 'xy', pins.map((e, i) => ({ screen: at(e), section: 'dend[0]', x: [0.2, 0.5, 0.8][i] })));
    const labels = els.filter((e) => e.attrs.class === 'marker-label' && e.attrs['data-kind'] === 'stimulus').map((e) => unescapeXml(e.text));
    expect(labels).toEqual(['IClamp 0.1 nA ×3']);
  });

  it('many recordings (e.g. "at": "all"): 40 evenly spaced traces drawn and the caption says so; sites as small unlabelled dots', () => {
    const many = join(dir, 'many');
    mkdirSync(many);
    const labels = Array.from({ length: 101 }, (_, k) => `v${k}`);
    const lines = ['t_ms,' + labels.join(',')];
    for (let i = 0; i < 50; i++) lines.push([i * 0.1, ...labels.map((_, k) => -65 + k * 0.01 * Math.sin(i))].join(','));
    writeFileSync(join(many, 'traces.csv'), lines.join('\n') + '\n');
    const probes = labels.map((label, k) => ({ label, section: 'dend[0]', x: k / 100, unit: 'mV', peak_mV: -65 + k * 0.01 }));
    writeFileSync(join(many, 'run.json'), JSON.stringify({ morphology: BS, probes }));
    plotRunDir(many, { view: 'xy' });
    const tr = parseXml(readFileSync(join(many, 'traces.svg'), 'utf8'));
    const drawn = tr.filter((e) => e.attrs.class === 'trace').map((e) => e.attrs['data-label']);
    expect(drawn.length).toBe(40);
    expect(drawn).toContain('v0');
    expect(drawn).toContain('v100');
    expect(tr.filter((e) => e.attrs.class === 'caption').map((e) => e.text).join(' ')).toMatch(/40 of 101 traces shown, evenly spaced/);
    const sh = parseXml(readFileSync(join(many, 'shape.svg'), 'utf8'));
    const dots = sh.filter((e) => e.attrs.class === 'marker');
    expect(dots.length).toBe(101);
    expect(dots.every((e) => Number(e.attrs.r) < 3)).toBe(true);
    expect(sh.filter((e) => e.attrs.class === 'marker-label').length).toBe(0);
    expect(texts(sh)).toContain('recording site (101, small, unlabelled)');
  });

  it('a run.json without "stimuli" (older runs): the recorded stimulus current still marks its site', () => {
    const old = join(dir, 'old');
    mkdirSync(old);
    writeFileSync(join(old, 'traces.csv'), readFileSync(join(dir, 'traces.csv')));
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    delete run.stimuli;
    writeFileSync(join(old, 'run.json'), JSON.stringify(run));
    plotRunDir(old, { view: 'xy' });
    const els = parseXml(readFileSync(join(old, 'shape.svg'), 'utf8'));
    expect(els.filter((e) => e.attrs.class === 'stimulus-marker').map((e) => e.attrs['data-label'])).toEqual(['I_clamp']);
  });
});
