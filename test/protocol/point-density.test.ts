/**
 * A density mechanism at one point or a short stretch (`biophysics.mechanisms[].at`,
 * `.distance_um`): which segments it goes into, the errors, and the example
 * fixtures/protocols/dcaap_l23_point.json, which puts Gidon et al. 2020's dCaAP into one segment
 * from the protocol and gives the dCaAP amplitudes that test/signatures/dcaap-amplitude.test.ts
 * measures when it inserts the same mechanism through the library (46.8, 21.7, 10.1, 4.7 mV at
 * 0.18, 0.22, 0.26, 0.30 nA: the mean of the dCaAPs after the first during the 1 s pulse).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseProtocol, buildSimulation } from '../../src/protocol/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { pathDistances, distanceAt } from '../../src/cable/distance.ts';
import { UserError } from '../../src/errors.ts';

const FILE = fileURLToPath(new URL('../../fixtures/protocols/dcaap_l23_point.json', import.meta.url));
const BASE = JSON.parse(readFileSync(FILE, 'utf8'));
const DEL = 200;
const DUR = 1000;

function built(mutate: (p: any) => void) {
  const raw = structuredClone(BASE);
  mutate(raw);
  return buildSimulation(parseProtocol(raw, FILE));
}

function errorOf(mutate: (p: any) => void): string {
  try {
    built(mutate);
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  throw new Error('no error');
}

const use = (b: ReturnType<typeof built>, name: string) => b.request.mechanisms!.find((m) => m.name === name);

describe('a density mechanism at a point or over a distance range', () => {
  it('"at" inserts it in the one segment containing the point, the node a probe there uses', () => {
    const b = built(() => {});
    const d = use(b, 'dCaAP')!;
    expect(d.nodes).toEqual([b.request.record[0]]);
    expect(Array.from(d.params!.w as Float64Array)).toEqual([1.6]);
    // x = 0 and x = 1 name the first and last segment of the section, not the neighbours' nodes
    const sec = b.layout.sections.find((s) => s.name === 'apic[76]')!;
    expect(use(built((p) => (p.biophysics.mechanisms[1].at = 'apic[76](0)')), 'dCaAP')!.nodes).toEqual([sec.firstCentre]);
    expect(use(built((p) => (p.biophysics.mechanisms[1].at = 'apic[76](1)')), 'dCaAP')!.nodes).toEqual([sec.firstCentre + sec.nseg - 1]);
  });

  it('"distance_um" keeps the segments of the region whose centre lies in the range', () => {
    const b = built((p) => {
      p.biophysics.mechanisms[1] = { name: 'hh', region: 'apic', distance_um: [300, 330] };
    });
    const nodes = new Set(Array.from(use(b, 'hh')!.nodes));
    const pd = pathDistances(b.morphology);
    let inside = 0;
    b.layout.sections.forEach((s, i) => {
      for (let j = 0; j < s.nseg; j++) {
        const d = distanceAt(pd, i, (j + 0.5) / s.nseg);
        const expected = s.name.startsWith('apic[') && d >= 300 && d <= 330;
        expect(nodes.has(s.firstCentre + j), `${s.name} segment ${j} at ${d} um`).toBe(expected);
        if (expected) inside++;
      }
    });
    expect(inside).toBeGreaterThan(1);
    expect(nodes.size).toBe(inside);
  });

  it('per-segment values and expressions cover only the selected segments', () => {
    const b = built((p) => {
      p.biophysics.mechanisms[1] = { name: 'hh', region: 'apic', distance_um: [300, 330], params: { gnabar: '0.001*distance_um' } };
    });
    const hh = use(b, 'hh')!;
    const pd = pathDistances(b.morphology);
    const g = hh.params!.gnabar as Float64Array;
    Array.from(hh.nodes).forEach((n, k) => {
      const s = b.layout.sections.findIndex((q) => n >= q.firstCentre && n < q.firstCentre + q.nseg);
      const sec = b.layout.sections[s];
      expect(g[k]).toBeCloseTo(0.001 * distanceAt(pd, s, (n - sec.firstCentre + 0.5) / sec.nseg), 12);
    });
    const n = hh.nodes.length;
    const list = built((p) => {
      p.biophysics.mechanisms[1] = { name: 'hh', region: 'apic', distance_um: [300, 330], params: { gnabar: Array(n).fill(0.2) } };
    });
    expect(Array.from(use(list, 'hh')!.params!.gnabar as Float64Array)).toEqual(Array(n).fill(0.2));
  });

  it('refuses what selects nothing or contradicts itself, naming the JSON path', () => {
    expect(errorOf((p) => (p.biophysics.mechanisms[1].at = 'apic[999](0.5)'))).toMatch(/\$\.biophysics\.mechanisms\[1\]\.at: no section named "apic\[999\]"/);
    expect(errorOf((p) => (p.biophysics.mechanisms[1].region = 'apic'))).toMatch(/mechanisms\[1\]\.at: "at" \(one segment\) goes without "region"/);
    expect(errorOf((p) => (p.biophysics.mechanisms[1] = { name: 'hh', region: 'dend', distance_um: [5000, 6000] })))
      .toMatch(/mechanisms\[1\]\.distance_um: no segment centre of the region lies between 5000 and 6000 um from soma\[0\]\(0\.5\); its segment centres lie .*–.* um/);
    expect(errorOf((p) => (p.biophysics.mechanisms[1] = { name: 'hh', distance_um: [300, 200] }))).toMatch(/distance_um\[1\]: 200 um is below the minimum 300 um/);
    expect(errorOf((p) => (p.biophysics.mechanisms[1] = { name: 'hh', distance_um: 300 }))).toMatch(/distance_um: expected \[min, max\]/);
  });
});

/** Peaks (> 1 mV) of the dCaAP's own depolarisation (a − b) during the pulse, at least 100 ms apart (as the signature test). */
function dcaaps(t: Float64Array, a: Float64Array, b: (i: number) => number): { t: number; amplitude: number }[] {
  const out: { t: number; amplitude: number }[] = [];
  let i = 0;
  while (i < t.length && t[i] < DEL + DUR) {
    if (a[i] - b(i) <= 1) {
      i++;
      continue;
    }
    let best = i;
    let j = i;
    while (j < t.length && t[j] < t[i] + 100) {
      if (a[j] - b(j) > a[best] - b(best)) best = j;
      j++;
    }
    out.push({ t: t[best], amplitude: a[best] - b(best) });
    i = j;
  }
  return out;
}

describe('fixtures/protocols/dcaap_l23_point.json: the dCaAP placed from the protocol', () => {
  const run = (amp: number, w: number) => simulate(built((p) => {
    p.stimuli[0].amp_nA = amp;
    p.biophysics.mechanisms[1].params.w = w;
  }).request);
  it('gives the signature test\'s dCaAP amplitudes (mean after the first) within 0.1 mV', () => {
    // Without the dCaAP the cell is passive, so its response is linear in the current:
    // v_A = v_0 + (A/0.3)·(v_0.3 − v_0). Two passive runs give the baseline at every amplitude.
    const p0 = run(0, 0).traces[0];
    const p3 = run(0.3, 0).traces[0];
    const published = new Map([[0.18, 46.8], [0.22, 21.7], [0.26, 10.1], [0.3, 4.7]]);
    for (const [amp, mV] of published) {
      const r = run(amp, 1.6);
      const ev = dcaaps(r.t_ms, r.traces[0], (i) => p0[i] + (amp / 0.3) * (p3[i] - p0[i]));
      expect(ev.length, `${amp} nA`).toBeGreaterThanOrEqual(4);
      const later = ev.slice(1);
      const mean = later.reduce((s, e) => s + e.amplitude, 0) / later.length;
      console.log(`dcaap_l23_point: ${amp} nA: ${ev.length} dCaAPs, mean after the first ${mean.toFixed(3)} mV`);
      expect(Math.abs(mean - mV), `${amp} nA: ${mean} mV`).toBeLessThan(0.1);
    }
  }, 600_000);
});
