/**
 * The A-type K channels kap and kad (src/channels/ka.ts, Migliore et al. 1999) against NEURON 8.2.2
 * running the same equations as .mod files (fixtures/neuron/ka/: kap.mod, kad.mod, generate.py):
 * one compartment with pas, under voltage-clamp steps (−60…+40 mV from −90 mV) and current steps,
 * at 34 °C, plus kad at 24 °C (q10 factor 1) and kap at 6.3 °C. Every recorded column (v, the k
 * current, n, l, gka) is compared at every row (every 4th step) of every sweep.
 * Tolerances: 1e-6 mV for v, 1e-9 of each column's range for the others (as the Hay ports).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayout } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinCatalogue } from '../../src/channels/catalogue.ts';
import { kaRates, KAD, KAP } from '../../src/channels/ka.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import type { MechanismUse, Probe } from '../../src/solvers/model.ts';
import { readCsv } from '../helpers/csv.ts';

const CASES = fileURLToPath(new URL('../../fixtures/neuron/ka/cases/', import.meta.url));

interface KaCase {
  case: string;
  mechanism: 'kap' | 'kad';
  celsius_degC: number;
  tstop_ms: number;
  stimulus: Record<string, number | string>;
  sweeps: { label: string; set: Record<string, number> }[];
  geometry: { L_um: number; diam_um: number; nseg: number; cm_uF_per_cm2: number; Ra_ohm_cm: number };
  pas: { g_pas: number; e_pas: number };
  ek_mV: number;
  v_init_mV: number;
  gkabar_S_per_cm2: number;
  dt_ms: number;
  row_every_steps: number;
  csv: string;
  neuron_version: string;
}

const index: { case: string }[] = JSON.parse(readFileSync(join(CASES, 'index.json'), 'utf8'));
const cases = index.map((e) => JSON.parse(readFileSync(join(CASES, `${e.case}.json`), 'utf8')) as KaCase);
const summary: string[] = [];
afterAll(() => console.log(`kap/kad vs NEURON ${cases[0]?.neuron_version}:\n${summary.join('\n')}`));

function run(c: KaCase, set: Record<string, number>) {
  const g = c.geometry;
  const layout = buildLayout([{ name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: g.cm_uF_per_cm2, ...cylinderSegments(g.L_um, g.diam_um, 1, g.Ra_ohm_cm) }]);
  const node = 1;
  const s = c.stimulus;
  const mechanisms: MechanismUse[] = [
    { name: 'pas', nodes: [node], params: { g: c.pas.g_pas, e: c.pas.e_pas } },
    { name: c.mechanism, nodes: [node], params: { gkabar: c.gkabar_S_per_cm2 } },
    s.type === 'SEClamp'
      ? { name: 'SEClamp', nodes: [node], params: { rs: s.rs_MOhm as number, dur1: s.dur1_ms as number, amp1: s.amp1_mV as number, dur2: s.dur2_ms as number, amp2: set['SEClamp.amp2'], dur3: s.dur3_ms as number, amp3: s.amp3_mV as number } }
      : { name: 'IClamp', nodes: [node], params: { del: s.delay_ms as number, dur: s.dur_ms as number, amp: set['IClamp.amp'] } },
  ];
  const record: Probe[] = [
    node,
    { ion: 'k', variable: 'i', node },
    { mechanism: 1, variable: 'n', instance: 0 },
    { mechanism: 1, variable: 'l', instance: 0 },
    { mechanism: 1, variable: 'gka', instance: 0 },
  ];
  return simulate({
    layout, mechanisms, record, dt_ms: c.dt_ms, tstop_ms: c.tstop_ms, method: 'backward_euler', v_init_mV: c.v_init_mV,
    celsius: c.celsius_degC, ions: { k: { e_mV: c.ek_mV } }, catalogue: builtinCatalogue(),
  });
}

describe('kap and kad reproduce NEURON 8.2.2 (fixtures/neuron/ka)', () => {
  it('has the six cases', () => {
    expect(cases.map((c) => c.case).sort()).toEqual(['kad_iclamp', 'kad_iclamp_24C', 'kad_vclamp', 'kap_iclamp', 'kap_vclamp', 'kap_vclamp_6.3C']);
  });

  for (const c of cases) {
    it(c.case, () => {
      const ref = readCsv(join(CASES, c.csv));
      const cols = ['v', 'ik', `${c.mechanism}.n`, `${c.mechanism}.l`, `${c.mechanism}.gka`];
      let worstV = 0, worstOther = 0, where = '';
      for (const sw of c.sweeps) {
        const res = run(c, sw.set);
        const rows = ref.cols[0].length;
        expect(Math.ceil(res.t_ms.length / c.row_every_steps)).toBe(rows);
        cols.forEach((col, k) => {
          const want = ref.cols[ref.header.indexOf(`${col}@${sw.label}`)];
          expect(want, col).toBeDefined();
          let lo = Infinity, hi = -Infinity;
          for (const x of want) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
          const span = Math.max(hi - lo, Math.abs(hi), Math.abs(lo), 1e-300);
          for (let r = 0; r < rows; r++) {
            const i = r * c.row_every_steps;
            expect(Math.abs(res.t_ms[i] - ref.cols[0][r])).toBeLessThan(1e-9);
            const d = Math.abs(res.traces[k][i] - want[r]);
            if (!(d === d)) throw new Error(`${col}@${sw.label}: NaN at row ${r}`);
            if (col === 'v') worstV = Math.max(worstV, d);
            else if (d / span > worstOther) { worstOther = d / span; where = `${col}@${sw.label} t=${ref.cols[0][r]}`; }
          }
        });
      }
      summary.push(`  ${c.case.padEnd(16)} max|ΔV| ${worstV.toExponential(2)} mV, other columns ${worstOther.toExponential(2)} of range (${where})`);
      expect(worstV).toBeLessThanOrEqual(1e-6);
      expect(worstOther, where).toBeLessThanOrEqual(1e-9);
    });
  }

  it('the channel does what an A current does: transient, activates above ~−60 mV, kad activates at lower v than kap', () => {
    const r = new Float64Array(4);
    const half = (k: typeof KAP) => {
      let v = -100;
      for (; v < 60; v += 0.01) { kaRates(k, v, 34, r); if (r[0] >= 0.5) break; }
      return v;
    };
    // Migliore et al. 1999: kad's activation is shifted to more negative potentials than kap's
    expect(half(KAD)).toBeLessThan(half(KAP) - 5);
    kaRates(KAP, -56, 34, r);
    expect(r[2]).toBeCloseTo(0.5, 12); // l∞ = 1/2 at vhalfl
    kaRates(KAP, 0, 34, r);
    expect(r[2]).toBeLessThan(0.01); // inactivated when depolarised
    expect(r[3]).toBeCloseTo(0.26 * 50, 12); // τl = 0.26·(v + 50) ms
    // and in the traces: a step to +20 mV gives a current that peaks and then decays (inactivation)
    const c = cases.find((x) => x.case === 'kap_vclamp')!;
    const res = run(c, { 'SEClamp.amp2': 20 });
    const ik = res.traces[1];
    const i0 = Math.round(20 / c.dt_ms) + 2, i1 = Math.round(70 / c.dt_ms) - 2;
    let peak = 0;
    for (let i = i0; i < i1; i++) peak = Math.max(peak, ik[i]);
    expect(peak).toBeGreaterThan(0.1); // mA/cm2
    expect(ik[i1]).toBeLessThan(0.2 * peak);
  });
});
