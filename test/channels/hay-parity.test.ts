/**
 * Hay et al. 2011 mechanisms vs NEURON 8.2.2: every single-compartment case of
 * fixtures/neuron/channels/cases that uses only the Hay set (each channel under voltage and current
 * clamp, the Crank–Nicolson variants, hay_soma_iclamp, hay_hotzone_iclamp). The case JSON gives the
 * geometry, parameters, ions, stimuli and sweeps; every recorded column (v, gates as `NaTa_t.m`,
 * mechanism currents, ion totals `ina`/`ik`/`ica`, `cai`, `eca`) is compared over the whole run.
 *
 * Targets: the issue asks for max |ΔV| ≤ 0.01 mV and [Ca]i within 0.1 %; we hold the port to
 * 1e-6 mV and 1e-6 relative (and every other column to 1e-9 relative to its range).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayout } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms, createCatalogue, type Catalogue } from '../../src/channels/catalogue.ts';
import type { InstanceInit, Mechanism, MechanismContext, MechanismInstance } from '../../src/channels/mechanism.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import type { MechanismUse, Probe, SimulationRequest } from '../../src/solvers/model.ts';
import { readCsv } from '../helpers/csv.ts';

const CASES = fileURLToPath(new URL('../../fixtures/neuron/channels/cases/', import.meta.url));
const HAY = ['CaDynamics_E2', 'Ca_HVA', 'Ca_LVAst', 'Ih', 'Im', 'K_Pst', 'K_Tst', 'NaTa_t', 'Nap_Et2', 'SK_E2', 'SKv3_1'];

interface CaseJson {
  case: string;
  geometry: { L_um: number; diam_um: number; nseg: number; cm_uF_per_cm2: number; Ra_ohm_cm: number; area_um2: number };
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

/**
 * NEURON's SEClamp (svclmp.mod), local to this test unless the catalogue has one: vc = amp1 while
 * t < dur1, amp2 while t < dur1 + dur2, amp3 while t < dur1 + dur2 + dur3 (t at mid-step), else off;
 * i = (vc − v)/rs nA, an ELECTRODE_CURRENT evaluated at v + 0.001 and v like every current.
 */
interface SEClampInstance extends MechanismInstance {
  readonly p: Record<string, Float64Array>;
  readonly i: Float64Array;
  readonly scale: Float64Array;
}
const localSEClamp: Mechanism<SEClampInstance> = {
  description: {
    name: 'SEClamp',
    kind: 'point',
    summary: 'test-local single-electrode voltage clamp',
    source: 'NEURON 8.2 src/nrnoc/svclmp.mod',
    order: 11,
    params: ['rs', 'dur1', 'amp1', 'dur2', 'amp2', 'dur3', 'amp3'].map((name) => ({ name, unit: '1', default: name === 'rs' ? 1 : 0 })),
    globals: [],
    states: [],
    assigned: [{ name: 'i', unit: 'nA' }],
    ions: [],
    electrode: true,
  },
  instantiate(init: InstanceInit): SEClampInstance {
    const n = init.nodes.length;
    const scale = Float64Array.from(init.nodes, (node) => 1e2 / init.area_um2[node]);
    const i = new Float64Array(n);
    return { count: n, nodes: init.nodes, p: init.params, i, scale, vars: { ...init.params, i } };
  },
  initialize(inst) {
    inst.i.fill(0);
  },
  current(inst: SEClampInstance, ctx: MechanismContext) {
    const { rs, dur1, amp1, dur2, amp2, dur3, amp3 } = inst.p;
    for (let k = 0; k < inst.count; k++) {
      const node = inst.nodes[k];
      const t = ctx.t;
      const tc2 = dur1[k] + dur2[k];
      const tc3 = tc2 + dur3[k];
      let on = 1;
      let vc = 0;
      if (t < dur1[k]) vc = amp1[k];
      else if (t < tc2) vc = amp2[k];
      else if (t < tc3) vc = amp3[k];
      else on = 0;
      const cur = (v: number): number => (on ? (vc - v) / rs[k] : 0);
      const i1 = cur(ctx.v[node] + 0.001);
      const i0 = cur(ctx.v[node]);
      inst.i[k] = i0;
      ctx.rhs[node] += i0 * inst.scale[k];
      ctx.d[node] -= ((i1 - i0) / 0.001) * inst.scale[k];
    }
  },
};

function catalogue(): Catalogue {
  const builtin = builtinMechanisms();
  return createCatalogue(builtin.some((m) => m.description.name === 'SEClamp') ? builtin : [...builtin, localSEClamp as Mechanism]);
}


const ION_COLUMNS: Record<string, { ion: string; variable: 'i' | 'ci' | 'e' }> = {
  ina: { ion: 'na', variable: 'i' },
  ik: { ion: 'k', variable: 'i' },
  ica: { ion: 'ca', variable: 'i' },
  cai: { ion: 'ca', variable: 'ci' },
  eca: { ion: 'ca', variable: 'e' },
};

/** The request for one case (and one sweep), and the probe of every recorded column. */
function request(c: CaseJson, sweep: Record<string, number>, cat: Catalogue): SimulationRequest {
  const g = c.geometry;
  const layout = buildLayout([
    { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: g.cm_uF_per_cm2, ...cylinderSegments(g.L_um, g.diam_um, 1, g.Ra_ohm_cm) },
  ]);
  const node = 1; // the one segment centre (root node 0, end node 2)
  expect(layout.area_um2[node]).toBe(g.area_um2);
  const mechanisms: MechanismUse[] = c.mechanisms.map((m) => {
    const desc = cat.get(m.name)!.description;
    const params: Record<string, number> = {};
    const globals: Record<string, number> = {};
    for (const [k, v] of Object.entries(m.params_in_force)) {
      if (desc.params.some((p) => p.name === k)) params[k] = v;
      else if (desc.globals.some((p) => p.name === k)) globals[k] = v;
      else throw new Error(`${c.case}: ${m.name} has no ${k}`);
    }
    return { name: m.name, nodes: [node], params, globals };
  });
  for (const s of c.stimuli) {
    if (s.type === 'IClamp') {
      mechanisms.push({ name: 'IClamp', nodes: [node], params: { del: s.delay_ms as number, dur: s.dur_ms as number, amp: s.amp_nA as number } });
    } else if (s.type === 'SEClamp') {
      const p: Record<string, number> = { rs: s.rs_MOhm as number };
      for (const k of ['dur1', 'amp1', 'dur2', 'amp2', 'dur3', 'amp3']) {
        const key = k.startsWith('dur') ? `${k}_ms` : `${k}_mV`;
        p[k] = typeof s[key] === 'number' ? (s[key] as number) : sweep[`SEClamp.${k}`];
      }
      mechanisms.push({ name: 'SEClamp', nodes: [node], params: p });
    } else {
      throw new Error(`${c.case}: stimulus ${s.type}`);
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
    const use = c.mechanisms.findIndex((m) => m.name === mech);
    if (use < 0) throw new Error(`${c.case}: column ${r.column}`);
    return { mechanism: use, variable, instance: 0 };
  });
  return {
    layout,
    mechanisms,
    record,
    dt_ms: c.run.dt_ms,
    tstop_ms: c.run.tstop_ms,
    method: c.run.method,
    v_init_mV: c.v_init_mV,
    celsius: c.celsius_degC,
    ions,
    catalogue: cat,
  };
}

const index: { case: string }[] = JSON.parse(readFileSync(join(CASES, 'index.json'), 'utf8'));
const cases = index
  .map((e) => JSON.parse(readFileSync(join(CASES, `${e.case}.json`), 'utf8')) as CaseJson)
  .filter((c) => c.mechanisms.some((m) => HAY.includes(m.name)) && c.mechanisms.every((m) => m.name === 'pas' || HAY.includes(m.name)));

const summary: string[] = [];
afterAll(() => {
  if (summary.length > 0) console.log(`Hay parity vs NEURON 8.2.2 (max over all sweeps):\n${summary.join('\n')}`);
});

describe('Hay 2011 mechanisms reproduce NEURON 8.2.2 single-compartment traces', () => {
  it('finds every Hay case', () => {
    expect(cases.map((c) => c.case).sort()).toEqual(
      [
        ...['NaTa_t', 'Nap_Et2', 'K_Pst', 'K_Tst', 'SKv3_1', 'Im', 'Ih', 'Ca_HVA', 'Ca_LVAst', 'SK_E2'].flatMap((m) => [`${m}_vclamp`, `${m}_iclamp`]),
        'NaTa_t_iclamp_cn', 'Ca_HVA_iclamp_cn', 'hay_soma_iclamp', 'hay_hotzone_iclamp',
      ].sort(),
    );
  });

  for (const c of cases) {
    it(c.case, () => {
      const cat = catalogue();
      const ref = readCsv(join(CASES, c.csv));
      const sweeps = c.sweeps ?? [{ label: '', set: {} }];
      let worstV = 0;
      let worstCa = 0;
      let worstOther = 0;
      let whereOther = '';
      for (const sw of sweeps) {
        const res = simulate(request(c, sw.set, cat));
        expect(res.t_ms.length).toBe(ref.cols[0].length);
        for (let i = 0; i < res.t_ms.length; i++) expect(Math.abs(res.t_ms[i] - ref.cols[0][i])).toBeLessThanOrEqual(1e-9);
        c.record.forEach((r, k) => {
          const col = c.sweeps ? `${r.column}@${sw.label}` : r.column;
          const want = ref.cols[ref.header.indexOf(col)];
          expect(want, col).toBeDefined();
          const got = res.traces[k];
          let lo = Infinity;
          let hi = -Infinity;
          for (let i = 0; i < want.length; i++) {
            lo = Math.min(lo, want[i]);
            hi = Math.max(hi, want[i]);
          }
          const span = Math.max(hi - lo, Math.abs(hi), Math.abs(lo), 1e-300);
          for (let i = 0; i < want.length; i++) {
            const d = Math.abs(got[i] - want[i]);
            if (!(d === d)) throw new Error(`${col}: NaN at row ${i}`);
            if (r.column === 'v') worstV = Math.max(worstV, d);
            else if (r.column === 'cai') worstCa = Math.max(worstCa, d / Math.abs(want[i]));
            else if (d / span > worstOther) {
              worstOther = d / span;
              whereOther = `${col} row ${i}`;
            }
          }
        });
      }
      summary.push(
        `  ${c.case.padEnd(20)} max|ΔV| ${worstV.toExponential(2)} mV` +
          (c.record.some((r) => r.column === 'cai') ? `  max rel Δcai ${worstCa.toExponential(2)}` : '') +
          `  other columns (rel. to range) ${worstOther.toExponential(2)}${whereOther ? ` (${whereOther})` : ''}`,
      );
      expect(worstV, 'max |ΔV| mV').toBeLessThanOrEqual(1e-6);
      expect(worstCa, 'max relative Δcai').toBeLessThanOrEqual(1e-6);
      expect(worstOther, `worst other column ${whereOther}`).toBeLessThanOrEqual(1e-9);
    });
  }
});
