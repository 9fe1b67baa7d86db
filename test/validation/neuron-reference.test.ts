/**
 * The engine against NEURON 8.2.2 itself: small runs recorded by neuron/make_reference.py
 * (every 8th sample kept). NEURON's rules (../shared/neuron-numerics.md) make these bitwise equal
 * up to the last-ulp differences of exp; the brief's target is 1e-6 mV.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLayout, nodeAt, type CableLayout, type SectionSpec } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import type { Method, MechanismUse, Probe, SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { membraneNodes } from './rallpack-models.ts';

interface RefCase {
  model: 'soma' | 'tree';
  method: Method;
  usetable: 0 | 1;
  celsius: number;
  dt_ms: number;
  tstop_ms: number;
  v_init_mV: number;
  every: number;
  samples: number;
  t: number[];
  columns: Record<string, number[]>;
}

const ref = JSON.parse(readFileSync(new URL('./neuron/neuron-reference.json', import.meta.url), 'utf8')) as {
  generator: string;
  cases: RefCase[];
};

function sec(name: string, parentSection: number, parentX: number, L: number, diam: number, nseg: number, cm: number, Ra: number): SectionSpec {
  return { name, type: 3, parentSection, parentX, nseg, cm_uF_per_cm2: cm, ...cylinderSegments(L, diam, nseg, Ra) };
}

function nodesOf(layout: CableLayout, s: number): number[] {
  const sn = layout.sections[s];
  return Array.from({ length: sn.nseg }, (_, j) => sn.firstCentre + j);
}

function somaModel(c: RefCase): { req: SimulationRequest; labels: string[] } {
  const layout = buildLayout([sec('soma', -1, 0, 20, 20, 1, 1.3, 123)]);
  const node = nodeAt(layout.sections[0], 0.5);
  const record: Probe[] = [node];
  const labels = ['v'];
  for (const v of ['m', 'h', 'n', 'il']) {
    record.push({ mechanism: 0, variable: v, instance: 0 });
    labels.push(v);
  }
  record.push({ ion: 'na', variable: 'i', node }, { ion: 'k', variable: 'i', node }, { stimulus: 0 });
  labels.push('ina', 'ik', 'stim_i');
  return {
    labels,
    req: {
      layout,
      mechanisms: [{ name: 'hh', nodes: [node], globals: { usetable: c.usetable } }],
      stimuli: [{ node, del_ms: 1.0125, dur_ms: 5, amp_nA: 0.3 }],
      record,
      dt_ms: c.dt_ms,
      tstop_ms: c.tstop_ms,
      method: c.method,
      v_init_mV: c.v_init_mV,
      celsius: c.celsius,
    },
  };
}

function treeModel(c: RefCase): { req: SimulationRequest; labels: string[] } {
  const layout = buildLayout([
    sec('soma', -1, 0, 20, 20, 3, 1.3, 123),
    sec('dendA', 0, 1, 200, 2, 7, 1, 100),
    sec('dendB', 0, 0, 150, 1.5, 4, 1, 150),
    sec('dendC', 0, 0.5, 50, 1, 2, 1, 80),
  ]);
  const [soma, a, b, cc] = layout.sections;
  const mechanisms: MechanismUse[] = [
    { name: 'hh', nodes: [...nodesOf(layout, 0), ...nodesOf(layout, 3)], globals: { usetable: c.usetable } },
    { name: 'pas', nodes: nodesOf(layout, 0), params: { g: 5e-5, e: -70 } },
    { name: 'pas', nodes: [...nodesOf(layout, 1), ...nodesOf(layout, 2)], params: { g: 1e-4, e: -65 } },
  ];
  const at: Record<string, number> = {
    'soma(0)': nodeAt(soma, 0),
    'soma(0.5)': nodeAt(soma, 0.5),
    'soma(1)': nodeAt(soma, 1),
    'dendA(0.35)': nodeAt(a, 0.35),
    'dendA(1)': nodeAt(a, 1),
    'dendB(1)': nodeAt(b, 1),
    'dendC(0.5)': nodeAt(cc, 0.5),
    'dendC(1)': nodeAt(cc, 1),
  };
  const labels = Object.keys(at);
  return {
    labels,
    req: {
      layout,
      mechanisms,
      stimuli: [
        { node: nodeAt(soma, 0), del_ms: 2, dur_ms: 3, amp_nA: 0.8 },
        { node: nodeAt(a, 0.35), del_ms: 10, dur_ms: 15, amp_nA: 0.4 },
        { node: nodeAt(b, 1), del_ms: 20, dur_ms: 2, amp_nA: -0.2 },
      ],
      record: labels.map((l) => at[l]),
      dt_ms: c.dt_ms,
      tstop_ms: c.tstop_ms,
      method: c.method,
      v_init_mV: c.v_init_mV,
      celsius: c.celsius,
    },
  };
}

describe(`agreement with ${ref.generator}`, () => {
  for (const c of ref.cases) {
    const title = `${c.model}, ${c.method}, ${c.usetable ? 'rate tables' : 'exact rates'}, ${c.celsius} °C, dt ${c.dt_ms}, v_init ${c.v_init_mV}`;
    it(title, () => {
      const { req, labels } = c.model === 'soma' ? somaModel(c) : treeModel(c);
      const res = simulate(req);
      expect(res.t_ms.length).toBe(c.samples);
      // t is NEURON's accumulated t, bit for bit.
      c.t.forEach((t, k) => expect(res.t_ms[k * c.every]).toBe(t));
      let worstV = 0;
      labels.forEach((label, j) => {
        const want = c.columns[label];
        expect(want, label).toBeDefined();
        let worst = 0;
        want.forEach((w, k) => {
          worst = Math.max(worst, Math.abs(res.traces[j][k * c.every] - w));
        });
        const isVoltage = label === 'v' || label.includes('(');
        if (isVoltage) worstV = Math.max(worstV, worst);
        // mV for voltages; gates, mA/cm² and nA are of order 1 or smaller.
        expect(worst, label).toBeLessThan(isVoltage ? 1e-9 : 1e-12);
      });
      if (process.env.DENDRITE_VERBOSE) console.log(title, "max dV", worstV);
      expect(worstV).toBeLessThan(1e-9);
    });
  }

  it('the reference really distinguishes rate tables from exact rates (the test could fail)', () => {
    const be = ref.cases.filter((c) => c.model === 'soma' && c.method === 'backward_euler' && c.v_init_mV === -65);
    const exact = be.find((c) => c.usetable === 0)!;
    const table = be.find((c) => c.usetable === 1)!;
    let diff = 0;
    exact.columns.v.forEach((v, k) => (diff = Math.max(diff, Math.abs(v - table.columns.v[k]))));
    expect(diff).toBeGreaterThan(1e-4);
  });
});
