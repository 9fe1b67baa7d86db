/**
 * The Ca fraction of the NMDA synapse (`ca_fraction`, src/channels/synapses/dualexp.ts):
 * - analytic: the synapse's ica is ca_fraction·i at every step (so ∫ica dt = ca_fraction·∫i dt), the
 *   node's total Ca current is that ica per membrane area, the membrane sees the same total current
 *   whatever the fraction, and with CaDynamics_E2 (no buffering, no removal on the run's time scale)
 *   the rise of cai is the charge that entered: Δcai = −10000·∫ica dt/(2·F·depth);
 * - NEURON 8.2.2 on fixtures/neuron/nmda_ca (nmda_ca.mod, written for the test, with Hay's
 *   CaDynamics_E2.mod): v, i, A, B, the node's ica and cai for ca_fraction 0, 0.1 and 0.3.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayout } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinCatalogue } from '../../src/channels/catalogue.ts';
import { FARADAY } from '../../src/channels/ions.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import type { Probe } from '../../src/solvers/model.ts';
import { readCsv } from '../helpers/csv.ts';

const DIR = fileURLToPath(new URL('../../fixtures/neuron/nmda_ca/cases/', import.meta.url));
const meta = JSON.parse(readFileSync(join(DIR, 'nmda_ca_events.json'), 'utf8'));

function run(fraction: number, cadyn: { decay: number; gamma: number } = meta.CaDynamics_E2) {
  const g = meta.geometry;
  const layout = buildLayout([{ name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: g.cm_uF_per_cm2, ...cylinderSegments(g.L_um, g.diam_um, 1, g.Ra_ohm_cm) }]);
  const node = 1;
  const syn = meta.synapse;
  const record: Probe[] = [
    node,
    { mechanism: 3, variable: 'i', instance: 0 },
    { mechanism: 3, variable: 'A', instance: 0 },
    { mechanism: 3, variable: 'B', instance: 0 },
    { ion: 'ca', variable: 'i', node },
    { ion: 'ca', variable: 'ci', node },
    { mechanism: 3, variable: 'ica', instance: 0 },
  ];
  const res = simulate({
    layout,
    mechanisms: [
      { name: 'pas', nodes: [node], params: { g: meta.pas.g, e: meta.pas.e } },
      { name: 'CaDynamics_E2', nodes: [node], params: { decay: cadyn.decay, gamma: cadyn.gamma } },
      { name: 'IClamp', nodes: [node], params: { del: meta.iclamp.delay_ms, dur: meta.iclamp.dur_ms, amp: meta.iclamp.amp_nA } },
      { name: 'NMDA', nodes: [node], params: { ...syn.params, ca_fraction: fraction }, globals: { mg_dep: syn.mg_dep } },
    ],
    events: {
      sources: [{ type: 'explicit', times_ms: syn.events_ms, label: 'events' }],
      connections: [{ from: { source: 0 }, to: { mechanism: 3, instance: 0 }, delay_ms: 0, weight: syn.netcon_weight_uS }],
    },
    ions: { ca: { ci_mM: meta.cai0_mM } },
    record,
    dt_ms: meta.dt_ms,
    tstop_ms: meta.tstop_ms,
    v_init_mV: meta.v_init_mV,
    celsius: meta.celsius_degC,
    catalogue: builtinCatalogue(),
  });
  return { res, area_um2: layout.area_um2[node] };
}

describe('NMDA ca_fraction', () => {
  it('ica = ca_fraction·i at every step; the node total is ica per area; v does not depend on the fraction', () => {
    const base = run(0);
    for (const f of [0.1, 0.3]) {
      const { res, area_um2 } = run(f);
      const [v, i, , , ionI, , ica] = res.traces;
      let qi = 0, qca = 0;
      for (let k = 0; k < res.t_ms.length; k++) {
        expect(ica[k]).toBe(f * i[k]);
        expect(Math.abs(ionI[k] - (ica[k] * 100) / area_um2)).toBeLessThanOrEqual(1e-15 * Math.abs(ionI[k]) + 1e-30);
        expect(Math.abs(v[k] - base.res.traces[0][k])).toBeLessThan(1e-9);
        qi += i[k] * meta.dt_ms;
        qca += ica[k] * meta.dt_ms;
      }
      expect(qi).toBeLessThan(-1e-3); // nA·ms: an inward NMDA current flowed
      expect(Math.abs(qca / qi - f)).toBeLessThan(1e-12);
    }
    // ca_fraction 0: no Ca current at all
    for (const x of base.res.traces[4]) expect(x).toBe(0);
  });

  it('the Ca charge that entered is what CaDynamics_E2 accumulates: Δcai = −10000·∫ica dt/(2·F·depth)', () => {
    const f = 0.2;
    const decay = 1e7; // ms: removal negligible over 200 ms (relative 2e-5)
    const { res } = run(f, { decay, gamma: 1 });
    const ionI = res.traces[4], cai = res.traces[5];
    let q = 0; // mA/cm2·ms: the node's Ca current as CaDynamics_E2 sees it, step by step
    for (let k = 1; k < res.t_ms.length; k++) q += ionI[k - 1] * meta.dt_ms;
    const depth_um = 0.1;
    const expected = (-10000 * q) / (2 * FARADAY * depth_um);
    const got = cai[cai.length - 1] - cai[0];
    expect(expected).toBeGreaterThan(1e-4); // mM
    expect(Math.abs(got / expected - 1)).toBeLessThan(1e-4);
  });

  it('equals NEURON 8.2.2 running the same synapse as nmda_ca.mod with CaDynamics_E2', () => {
    const ref = readCsv(join(DIR, meta.csv));
    const every: number = meta.row_every_steps;
    const lines: string[] = [];
    for (const f of meta.ca_fractions as number[]) {
      const { res } = run(f);
      const cols: [string, number][] = [['v', 0], ['NMDA.i', 1], ['NMDA.A', 2], ['NMDA.B', 3], ['ica', 4], ['cai', 5]];
      expect(Math.ceil(res.t_ms.length / every)).toBe(ref.cols[0].length);
      for (const [name, k] of cols) {
        const want = ref.cols[ref.header.indexOf(`${name}@${f}`)];
        expect(want, `${name}@${f}`).toBeDefined();
        let lo = Infinity, hi = -Infinity, worst = 0;
        for (const x of want) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
        const span = Math.max(hi - lo, Math.abs(hi), 1e-300);
        for (let r = 0; r < want.length; r++) worst = Math.max(worst, Math.abs(res.traces[k][r * every] - want[r]));
        lines.push(`  ca_fraction ${f} ${name}: max |Δ| ${worst.toExponential(2)}`);
        if (name === 'v') expect(worst).toBeLessThanOrEqual(1e-6);
        else expect(worst / span, `${name}@${f}`).toBeLessThanOrEqual(1e-9);
      }
    }
    console.log(`NMDA ca_fraction vs NEURON ${meta.neuron_version}:\n${lines.join('\n')}`);
  });
});
