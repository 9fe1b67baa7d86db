/**
 * Ten of Hay et al. 2011's channels written as mechanism files (fixtures/mechanisms/hay/, from the
 * equations in fixtures/neuron/channels/NOTES.md §2) against NEURON 8.2.2's single-compartment traces
 * of fixtures/neuron/channels: every Hay case (voltage and current clamp, Crank–Nicolson, the full
 * somatic and hot-zone sets), with every channel replaced by its file version. CaDynamics_E2 stays
 * built in (mechanism files cannot write concentrations), so the Ca cases also check that file
 * mechanisms and built-ins share the ca ion correctly (ica into the total, cai and eca read back).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildLayout } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms, createCatalogue, type Catalogue } from '../../src/channels/catalogue.ts';
import { loadMechanismFile } from '../../src/channels/user/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import type { MechanismUse, Probe, SimulationRequest } from '../../src/solvers/model.ts';
import { ROOT, readCsv } from './helpers.ts';

const CASES = join(ROOT, 'fixtures/neuron/channels/cases');
const HAY_DIR = join(ROOT, 'fixtures/mechanisms/hay');
const files = readdirSync(HAY_DIR).filter((f) => f.endsWith('.json'));
const user = files.map((f) => loadMechanismFile(join(HAY_DIR, f)));
/** Built-in name → file mechanism name (NaTa_t → NaTa_t_user). */
const REPLACE = new Map(user.map((m) => [m.description.name.replace(/_user$/, ''), m.description.name]));
const catalogue: Catalogue = createCatalogue([...builtinMechanisms(), ...user]);

interface CaseJson {
  case: string;
  geometry: { L_um: number; diam_um: number; cm_uF_per_cm2: number; Ra_ohm_cm: number; area_um2: number };
  celsius_degC: number;
  v_init_mV: number;
  mechanisms: { name: string; params_in_force: Record<string, number> }[];
  ions: Record<string, Record<string, unknown>>;
  stimuli: Record<string, number | string>[];
  sweeps: { label: string; set: Record<string, number> }[] | null;
  run: { dt_ms: number; tstop_ms: number; method: 'backward_euler' | 'crank_nicolson' };
  record: { column: string }[];
  csv: string;
}

const ION_COLUMNS: Record<string, { ion: string; variable: 'i' | 'ci' | 'e' }> = {
  ina: { ion: 'na', variable: 'i' },
  ik: { ion: 'k', variable: 'i' },
  ica: { ion: 'ca', variable: 'i' },
  cai: { ion: 'ca', variable: 'ci' },
  eca: { ion: 'ca', variable: 'e' },
};

/** The case as a request, with the channels replaced by their file versions when `useFiles`. */
function request(c: CaseJson, sweep: Record<string, number>, useFiles: boolean): SimulationRequest {
  const g = c.geometry;
  const layout = buildLayout([
    { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: g.cm_uF_per_cm2, ...cylinderSegments(g.L_um, g.diam_um, 1, g.Ra_ohm_cm) },
  ]);
  const node = 1;
  const mechanisms: MechanismUse[] = c.mechanisms.map((m) => ({
    name: useFiles ? REPLACE.get(m.name) ?? m.name : m.name,
    nodes: [node],
    params: m.params_in_force,
  }));
  for (const s of c.stimuli) {
    if (s.type === 'IClamp') {
      mechanisms.push({ name: 'IClamp', nodes: [node], params: { del: s.delay_ms as number, dur: s.dur_ms as number, amp: s.amp_nA as number } });
    } else {
      const p: Record<string, number> = { rs: s.rs_MOhm as number };
      for (const k of ['dur1', 'amp1', 'dur2', 'amp2', 'dur3', 'amp3']) {
        const key = k.startsWith('dur') ? `${k}_ms` : `${k}_mV`;
        p[k] = typeof s[key] === 'number' ? (s[key] as number) : sweep[`SEClamp.${k}`];
      }
      mechanisms.push({ name: 'SEClamp', nodes: [node], params: p });
    }
  }
  const ions: NonNullable<SimulationRequest['ions']> = {};
  for (const [ion, o] of Object.entries(c.ions)) {
    if (typeof o[`e${ion}_mV`] === 'number') ions[ion] = { e_mV: o[`e${ion}_mV`] as number };
    if (typeof o[`${ion}i0_${ion}_ion_mM`] === 'number') {
      ions[ion] = { ...ions[ion], ci_mM: o[`${ion}i0_${ion}_ion_mM`] as number, co_mM: o[`${ion}o0_${ion}_ion_mM`] as number };
    }
  }
  const record: Probe[] = c.record.map((r) => {
    if (r.column === 'v') return node;
    const ionCol = ION_COLUMNS[r.column];
    if (ionCol) return { ion: ionCol.ion, variable: ionCol.variable, node };
    const [mech, variable] = r.column.split('.');
    return { mechanism: c.mechanisms.findIndex((m) => m.name === mech), variable, instance: 0 };
  });
  return {
    layout, mechanisms, record, ions, catalogue,
    dt_ms: c.run.dt_ms, tstop_ms: c.run.tstop_ms, method: c.run.method, v_init_mV: c.v_init_mV, celsius: c.celsius_degC,
  };
}

const index: { case: string }[] = JSON.parse(readFileSync(join(CASES, 'index.json'), 'utf8'));
const cases = index
  .map((e) => JSON.parse(readFileSync(join(CASES, `${e.case}.json`), 'utf8')) as CaseJson)
  .filter((c) => c.mechanisms.some((m) => REPLACE.has(m.name)) && c.mechanisms.every((m) => m.name === 'pas' || m.name === 'CaDynamics_E2' || REPLACE.has(m.name)));

const summary: string[] = [];
afterAll(() => {
  if (summary.length > 0) console.log(`Hay channels as mechanism files vs NEURON 8.2.2 (max over sweeps):\n${summary.join('\n')}`);
});

describe('Hay 2011 channels written as mechanism files reproduce NEURON 8.2.2', () => {
  it('has ten channel files and finds the 24 Hay cases', () => {
    expect([...REPLACE.keys()].sort()).toEqual(['Ca_HVA', 'Ca_LVAst', 'Ih', 'Im', 'K_Pst', 'K_Tst', 'NaTa_t', 'Nap_Et2', 'SK_E2', 'SKv3_1']);
    expect(cases.length).toBe(24);
  });

  for (const c of cases) {
    it(c.case, () => {
      const ref = readCsv(join(CASES, c.csv));
      let worstV = 0;
      let worstVBuiltin = 0;
      let worstRel = 0;
      let where = '';
      for (const sw of c.sweeps ?? [{ label: '', set: {} }]) {
        const res = simulate(request(c, sw.set, true));
        const builtin = simulate(request(c, sw.set, false));
        c.record.forEach((r, k) => {
          const want = ref.cols[ref.header.indexOf(c.sweeps ? `${r.column}@${sw.label}` : r.column)];
          const got = res.traces[k];
          let lo = Infinity;
          let hi = -Infinity;
          for (const x of want) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
          }
          const range = Math.max(hi - lo, Math.abs(hi), 1e-300);
          for (let i = 0; i < got.length; i++) {
            const d = Math.abs(got[i] - want[i]);
            if (r.column === 'v') {
              worstV = Math.max(worstV, d);
              worstVBuiltin = Math.max(worstVBuiltin, Math.abs(got[i] - builtin.traces[k][i]));
            } else if (!(d / range <= worstRel)) {
              worstRel = d / range;
              where = `${r.column}${sw.label ? '@' + sw.label : ''} at row ${i}`;
            }
          }
        });
      }
      summary.push(`  ${c.case.padEnd(24)} v ${worstV.toExponential(2)} mV (built-in ${worstVBuiltin.toExponential(2)}), other columns ${worstRel.toExponential(2)} of range (${where})`);
      expect(worstV).toBeLessThanOrEqual(1e-9);
      expect(worstVBuiltin).toBeLessThanOrEqual(1e-9);
      expect(worstRel, where).toBeLessThanOrEqual(1e-9);
    });
  }
});
