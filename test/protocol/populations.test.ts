/**
 * Synapse populations (`synapses[].at` {"random"} / {"cluster"}) and per-synapse trains
 * (`synapses[].train`): where the sites go (all inside the region and distance range, counts per
 * section in proportion to the in-range length, reproducible from the seed; clusters within
 * length_um on one section), the trains (own seed per synapse, Poisson rate), the errors, and how
 * they expand into ordinary synapses, spike sources and connections.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseProtocol, buildSimulation } from '../../src/protocol/index.ts';
import { loadProtocolMorphology, protocolCatalogue } from '../../src/protocol/build.ts';
import { distanceAt, pathDistances } from '../../src/cable/distance.ts';
import { poissonTrain } from '../../src/solvers/events.ts';
import { trainSeed } from '../../src/protocol/populations.ts';
import { UserError } from '../../src/errors.ts';

const FILE = fileURLToPath(new URL('../../fixtures/protocols/syn_nmda_plateau_l23.json', import.meta.url));
const BASE = JSON.parse(readFileSync(FILE, 'utf8'));
const p0 = parseProtocol(BASE, FILE);
const MORPH = loadProtocolMorphology(p0);
const CAT = protocolCatalogue(p0);

/** The base protocol (passive human L2/3 cell) with the AMPA entry's `at` replaced and no NMDA entry. */
function build(at: unknown, mutate: (p: any) => void = () => {}) {
  const raw = structuredClone(BASE);
  raw.synapses = [{ ...raw.synapses[0], at }];
  raw.connections = [raw.connections[0]];
  mutate(raw);
  return buildSimulation(parseProtocol(raw, FILE), MORPH, CAT);
}

function errorOf(at: unknown, mutate: (p: any) => void = () => {}): string {
  try {
    build(at, mutate);
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  throw new Error('no error');
}

const secs = MORPH.sections;
const pd = pathDistances(MORPH);

describe('random placement over a region and a distance range', () => {
  const N = 20000;
  const LO = 50;
  const HI = 200;
  const b = build({ random: { region: 'dend', n: N, distance_um: [LO, HI], seed: 3 } });
  const sites = b.synapses!;

  it('places n synapses, every one on a dend section within the distance range', () => {
    expect(sites.length).toBe(N);
    for (const s of sites) {
      expect(secs[s.section].name.startsWith('dend[')).toBe(true);
      const d = distanceAt(pd, s.section, s.x);
      expect(d).toBeGreaterThanOrEqual(LO - 1e-9);
      expect(d).toBeLessThanOrEqual(HI + 1e-9);
      expect(s.node).toBe(b.layout.sections[s.section].firstCentre + Math.min(Math.floor(s.x * b.layout.sections[s.section].nseg), b.layout.sections[s.section].nseg - 1));
    }
  });

  it('counts per section follow the in-range length (measured here on a fine grid)', () => {
    // in-range length of each dend section, by sampling 2000 points along it
    const K = 2000;
    const len = new Map<number, number>();
    let total = 0;
    secs.forEach((s, i) => {
      if (!s.name.startsWith('dend[')) return;
      let inside = 0;
      for (let k = 0; k < K; k++) {
        const d = distanceAt(pd, i, (k + 0.5) / K);
        if (d >= LO && d <= HI) inside++;
      }
      const l = (inside / K) * s.L_um;
      if (l > 0) len.set(i, l);
      total += l;
    });
    const count = new Map<number, number>();
    for (const s of sites) count.set(s.section, (count.get(s.section) ?? 0) + 1);
    // no site on a section without in-range membrane
    for (const sec of count.keys()) expect(len.has(sec), secs[sec].name).toBe(true);
    let chi2 = 0;
    let checked = 0;
    for (const [sec, l] of len) {
      const expected = (N * l) / total;
      const got = count.get(sec) ?? 0;
      chi2 += (got - expected) ** 2 / Math.max(expected, 1);
      if (expected >= 200) {
        expect(Math.abs(got - expected), `${secs[sec].name}: ${got} vs ${expected.toFixed(1)}`).toBeLessThan(5 * Math.sqrt(expected) + 0.01 * expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    // chi-square against the length-proportional law: mean = degrees of freedom (len.size − 1)
    const dof = len.size - 1;
    expect(chi2).toBeLessThan(dof + 6 * Math.sqrt(2 * dof));
  });

  it('the same seed gives the same sites; another seed other sites; a smaller n a prefix', () => {
    const again = build({ random: { region: 'dend', n: 100, distance_um: [LO, HI], seed: 3 } }).synapses!;
    expect(again.map((s) => [s.section, s.x])).toEqual(sites.slice(0, 100).map((s) => [s.section, s.x]));
    const other = build({ random: { region: 'dend', n: 100, distance_um: [LO, HI], seed: 4 } }).synapses!;
    expect(other.filter((s, k) => s.section === again[k].section && s.x === again[k].x).length).toBe(0);
  });

  it('without a range, the whole region by length; the origin moves the range', () => {
    const all = build({ random: { region: 'apic', n: 5000, seed: 9 } }).synapses!;
    for (const s of all) expect(secs[s.section].name.startsWith('apic[')).toBe(true);
    let apicL = 0;
    secs.forEach((s) => s.name.startsWith('apic[') && (apicL += s.L_um));
    const longest = secs.map((s, i) => ({ s, i })).filter(({ s }) => s.name.startsWith('apic[')).sort((a, b) => b.s.L_um - a.s.L_um)[0];
    const got = all.filter((s) => s.section === longest.i).length;
    const expected = (5000 * longest.s.L_um) / apicL;
    expect(Math.abs(got - expected)).toBeLessThan(5 * Math.sqrt(expected));
    const origin = 'dend[23](0.5)';
    const near = build({ random: { region: 'dend', n: 500, distance_um: [0, 10], origin, seed: 1 } }).synapses!;
    const pd23 = pathDistances(MORPH, { section: secs.findIndex((s) => s.name === 'dend[23]'), x: 0.5 });
    for (const s of near) expect(distanceAt(pd23, s.section, s.x)).toBeLessThanOrEqual(10 + 1e-9);
    // both sides of the origin on its own section
    expect(near.some((s) => s.x < 0.5) && near.some((s) => s.x > 0.5)).toBe(true);
  });
});

describe('cluster placement', () => {
  it('n sites within length_um of each other on one section, centred on x', () => {
    const b = build({ cluster: { section: 'dend[23]', n: 200, length_um: 20, x: 0.49, seed: 1 } });
    const sec = secs.findIndex((s) => s.name === 'dend[23]');
    const xs = b.synapses!.map((s) => {
      expect(s.section).toBe(sec);
      return s.x * secs[sec].L_um;
    });
    expect(xs.length).toBe(200);
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThanOrEqual(20 + 1e-9);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(19); // spread over the stretch
    const mid = (Math.max(...xs) + Math.min(...xs)) / 2;
    expect(Math.abs(mid - 0.49 * secs[sec].L_um)).toBeLessThan(1);
  });

  it('without x the centre comes from the seed; a stretch at an end is moved onto the section', () => {
    const a = build({ cluster: { section: 'dend[23]', n: 20, length_um: 10, seed: 5 } }).synapses!;
    const b = build({ cluster: { section: 'dend[23]', n: 20, length_um: 10, seed: 5 } }).synapses!;
    expect(a.map((s) => s.x)).toEqual(b.map((s) => s.x));
    const c = build({ cluster: { section: 'dend[23]', n: 20, length_um: 10, seed: 6 } }).synapses!;
    expect(c.map((s) => s.x)).not.toEqual(a.map((s) => s.x));
    const L = secs.find((s) => s.name === 'dend[23]')!.L_um;
    const end = build({ cluster: { section: 'dend[23]', n: 50, length_um: 10, x: 1, seed: 5 } }).synapses!;
    for (const s of end) expect(s.x * L).toBeGreaterThanOrEqual(L - 10 - 1e-9);
  });
});

describe('per-synapse trains', () => {
  it('Poisson: one source per synapse with its own seed, each connected to its synapse alone; rate as asked', () => {
    const n = 50;
    const b = build({ random: { region: 'dend', n, seed: 2 } }, (p) => {
      p.synapses[0].train = { type: 'poisson', rate_Hz: 20, start_ms: 0, stop_ms: 1000, seed: 7, delay_ms: 0.5 };
      p.connections = [];
    });
    const ev = b.request.events! as { sources: any[]; connections: any[] };
    const trains = ev.sources.filter((s) => s.label?.startsWith('ampa.train['));
    expect(trains.length).toBe(n);
    const conns = ev.connections.filter((c) => 'source' in c.from);
    expect(conns.length).toBe(n);
    expect(new Set(conns.map((c) => c.to.instance)).size).toBe(n);
    for (const c of conns) {
      expect(c.weight).toBeCloseTo(0.5e-3, 15);
      expect(c.delay_ms).toBe(0.5);
    }
    const seeds = trains.map((s) => (s as { seed: number }).seed);
    expect(new Set(seeds).size).toBe(n);
    expect(seeds[3]).toBe(trainSeed(7, 3));
    // the rate: 50 trains × 1 s at 20 Hz = 1000 spikes expected, SD √1000 ≈ 32
    let count = 0;
    const isis: number[] = [];
    for (const s of seeds) {
      const t = poissonTrain(20, 0, 1000, s);
      count += t.length;
      for (let k = 1; k < t.length; k++) isis.push(t[k] - t[k - 1]);
    }
    expect(Math.abs(count - 1000)).toBeLessThan(4 * Math.sqrt(1000));
    // exponential intervals: mean 50 ms, SD ≈ mean
    const mean = isis.reduce((a, x) => a + x, 0) / isis.length;
    const sd = Math.sqrt(isis.reduce((a, x) => a + (x - mean) ** 2, 0) / isis.length);
    expect(Math.abs(mean - 50)).toBeLessThan(5);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.15);
  });

  it('two entries with the same population and train form pairs driven by the same spikes', () => {
    const raw = structuredClone(BASE);
    const at = { cluster: { section: 'dend[23]', n: 5, length_um: 20, seed: 1 } };
    const train = { type: 'poisson', rate_Hz: 10, start_ms: 0, seed: 4 };
    for (const s of raw.synapses) Object.assign(s, { at, train });
    raw.connections = [];
    const b = buildSimulation(parseProtocol(raw, FILE), MORPH, CAT);
    const byEntry = (e: number) => b.synapses!.filter((s) => s.entry === e).map((s) => [s.section, s.x]);
    expect(byEntry(0)).toEqual(byEntry(1));
    const src = b.request.events!.sources as any[];
    const nm = src.filter((s) => s.label?.startsWith('nmda.'));
    const am = src.filter((s) => s.label?.startsWith('ampa.'));
    expect(nm.map((s) => (s as { seed: number }).seed)).toEqual(am.map((s) => (s as { seed: number }).seed));
  });

  it('explicit: one list for all, or one list per synapse', () => {
    const one = build(['dend[23](0.3)', 'dend[23](0.6)'], (p) => (p.synapses[0].train = { type: 'explicit', times_ms: [5, 10] }));
    expect((one.request.events!.sources as any[]).filter((s) => s.label?.includes('.train[')).map((s) => (s as { times_ms: number[] }).times_ms)).toEqual([[5, 10], [5, 10]]);
    const each = build(['dend[23](0.3)', 'dend[23](0.6)'], (p) => (p.synapses[0].train = { type: 'explicit', times_ms: [[5], [7, 9]] }));
    expect((each.request.events!.sources as any[]).filter((s) => s.label?.includes('.train[')).map((s) => (s as { times_ms: number[] }).times_ms)).toEqual([[5], [7, 9]]);
  });
});

describe('recording a population', () => {
  it('a synapse record gives one column per placed synapse, with its section and x', () => {
    const b = build({ random: { region: 'dend', n: 7, seed: 11 } }, (p) => p.record.push({ label: 'g', synapse: 'ampa', what: 'g' }));
    const cols = b.probes.filter((q) => q.label.startsWith('g['));
    expect(cols.map((q) => q.label)).toEqual([0, 1, 2, 3, 4, 5, 6].map((j) => `g[${j}]`));
    cols.forEach((q, j) => {
      expect(q.node).toBe(b.synapses![j].node);
      expect(q.x).toBe(b.synapses![j].x);
    });
  });
});

describe('errors name the JSON path', () => {
  const cases: [string, unknown, RegExp, ((p: any) => void)?][] = [
    ['n = 0', { random: { region: 'dend', n: 0, seed: 1 } }, /\$\.synapses\[0\]\.at\.random\.n: .*0/],
    ['n not an integer', { random: { region: 'dend', n: 2.5, seed: 1 } }, /\$\.synapses\[0\]\.at\.random\.n: /],
    ['no seed', { random: { region: 'dend', n: 5 } }, /\$\.synapses\[0\]\.at\.random\.seed: missing/],
    ['unknown key', { random: { region: 'dend', n: 5, seed: 1, count: 3 } }, /\$\.synapses\[0\]\.at\.random\.count: /],
    ['both kinds', { random: { region: 'dend', n: 5, seed: 1 }, cluster: { section: 'dend[23]', n: 5, length_um: 5, seed: 1 } }, /\$\.synapses\[0\]\.at: expected exactly one of "random" and "cluster"/],
    ['an empty range', { random: { region: 'dend', n: 5, distance_um: [5000, 6000], seed: 1 } },
      /\$\.synapses\[0\]\.at\.random\.distance_um: no membrane of region dend lies between 5000 and 6000 um from soma\[0\]\(0\.5\); it spans .*–.* um/],
    ['a reversed range', { random: { region: 'dend', n: 5, distance_um: [200, 50], seed: 1 } }, /distance_um\[1\]: 50 um is below the minimum 200 um/],
    ['an unknown region', { random: { region: 'dendd', n: 5, seed: 1 } }, /\$\.synapses\[0\]\.at\.random\.region: /],
    ['a cluster longer than its branch', { cluster: { section: 'dend[23]', n: 5, length_um: 500, seed: 1 } },
      /\$\.synapses\[0\]\.at\.cluster\.length_um: 500 um is longer than dend\[23\] \(231\.\d+ um\)/],
    ['a cluster on a region', { cluster: { section: 'dend', n: 5, length_um: 5, seed: 1 } }, /\$\.synapses\[0\]\.at\.cluster\.section: expected one section like "dend\[23\]"/],
    ['a cluster on a missing section', { cluster: { section: 'dend[999]', n: 5, length_um: 5, seed: 1 } }, /\$\.synapses\[0\]\.at\.cluster\.section: no section named "dend\[999\]"/],
    ['a train of the wrong kind', 'dend[23](0.5)', /\$\.synapses\[0\]\.train\.type: /, (p) => (p.synapses[0].train = { type: 'regular', seed: 1 })],
    ['a poisson key on an explicit train', 'dend[23](0.5)', /\$\.synapses\[0\]\.train\.rate_Hz: /, (p) => (p.synapses[0].train = { type: 'explicit', times_ms: [1], rate_Hz: 3 })],
    ['lists for the wrong number of synapses', { cluster: { section: 'dend[23]', n: 3, length_um: 5, seed: 1 } },
      /\$\.synapses\[0\]\.train\.times_ms: 2 lists of times for 3 synapses/, (p) => (p.synapses[0].train = { type: 'explicit', times_ms: [[1], [2]] })],
    ['more spikes than can be generated', { random: { region: 'dend', n: 1000, seed: 1 } }, /\$\.synapses\[0\]\.train\.rate_Hz: 1000 trains at 1000000 Hz .* about 300000000 spikes; at most 25000000/,
      (p) => (p.synapses[0].train = { type: 'poisson', rate_Hz: 1e6, start_ms: 0, seed: 1 })],
    ['decreasing times', 'dend[23](0.5)', /\$\.synapses\[0\]\.train\.times_ms\[1\]: spike times must not decrease/, (p) => (p.synapses[0].train = { type: 'explicit', times_ms: [3, 1] })],
    ['a train without a weight', 'dend[23](0.5)', /\$\.synapses\[0\]\.weight_uS: missing/, (p) => {
      delete p.synapses[0].weight_uS;
      p.connections = [];
      p.synapses[0].train = { type: 'explicit', times_ms: [1] };
    }],
    ['a train label that is a record label', 'dend[23](0.5)', /\$\.synapses\[0\]\.train: its spike source label "ampa\.train\[0\]"/, (p) => {
      p.synapses[0].train = { type: 'explicit', times_ms: [1] };
      p.record.push({ label: 'ampa.train[0]', at: 'soma(0.5)' });
    }],
  ];
  for (const [what, at, re, mutate] of cases) {
    it(what, () => expect(errorOf(at, mutate)).toMatch(re));
  }
});
