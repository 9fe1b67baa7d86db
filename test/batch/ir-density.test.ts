/**
 * Issue 10 item 1: kap, kad (src/channels/ir/specs-ka.ts), CaDynamics_E2 and dCaAP
 * (src/channels/ir/specs-dcaap-cadyn.ts) described once, their kernels generated from the
 * description, against the hand-written kernels (src/channels/ka.ts, hay/CaDynamics_E2.ts,
 * dcaap.ts) on the ball-and-stick cell of ./ir-cell.ts: every node's v at every step, and what
 * each mechanism is about (cai; dCaAP's trigger count).
 *
 * - kap / kad on the dendrite (celsius 34), synaptic drive (Exp2Syn, hand-written in both runs).
 * - CaDynamics_E2 with Ca_HVA, Ca_LVAst and SK_E2 (hand-written in both runs: SK_E2 reads the cai
 *   it writes) on the dendrite, current steps into the dendrite; cai at every dendritic node is compared.
 * - dCaAP on the dendrite (w 0.004 mA/cm²) with current steps into the dendrite that cross vth,
 *   so that it triggers (dcaap_count, the same in both runs) and retriggers after its refractory
 *   period.
 *
 * Measured (2026-12-02, Node 20, commit 0bf96f6): every one bit for bit equal (max |ΔV| 0; cai 0;
 * dCaAP's K, A and trigger count too). CaDynamics_E2 was 1.4e-14 mV here before its hand-written
 * update took the description's inf/tau form. Asserted: ≤ 1e-12 mV for every one (the bound
 * for keeping a hand-written kernel), cai within 1e-15 mM.
 */
import { describe, expect, it } from 'vitest';
import { builtinMechanisms } from '../../src/channels/catalogue.ts';
import { describedMechanisms, irMechanism } from '../../src/channels/ir/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { catalogueWith, cell, compare, dendNodes, layout, poissonEvents, sites, soma } from './ir-cell.ts';

const table: string[] = [];
const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name);

describe('kap, kad, CaDynamics_E2, dCaAP, IClamp and IRamp from the IR against the hand-written kernels', () => {
  it('are described with the built-ins\' names, order, parameters, defaults and ions', () => {
    for (const name of ['kap', 'kad', 'CaDynamics_E2', 'dCaAP']) {
      expect(describedMechanisms()).toContain(name);
      const b = builtinMechanisms().find((m) => m.description.name === name)!.description;
      const g = irMechanism(name).description;
      expect(g.kind).toBe('density');
      expect(g.order, name).toBe(b.order);
      expect(names(g.params), name).toEqual(names(b.params));
      expect(g.params.map((p) => p.default), name).toEqual(b.params.map((p) => p.default));
      expect(names(g.globals), name).toEqual(names(b.globals));
      expect(g.ions, name).toEqual(b.ions);
      // every state and assigned variable of the built-in can be recorded from the generated one
      expect([...names(g.states), ...names(g.assigned)].sort(), name).toEqual([...names(b.states), ...names(b.assigned)].sort());
    }
  });

  for (const name of ['kap', 'kad']) {
    it(`${name} (celsius 34, synaptic drive)`, () => {
      const r = compare(
        {
          layout,
          celsius: 34,
          mechanisms: cell([
            { name: 'Exp2Syn', nodes: sites, params: { tau1: 0.5, tau2: 5, e: 0 } },
            { name, nodes: dendNodes, params: { gkabar: 0.02 } },
          ]),
          events: poissonEvents(2, 0.006),
          dt_ms: 0.025,
          tstop_ms: 60,
        },
        [name],
      );
      table.push(`${name} | ${r.dv_mV.toExponential(2)} mV | soma spikes ${r.somaSpikes}, v range at a synapse ${r.vRange_mV.toFixed(1)} mV`);
      expect(r.vRange_mV).toBeGreaterThan(10);
      expect(r.dv_mV).toBeLessThanOrEqual(1e-12);
    }, 120_000);
  }

  it('CaDynamics_E2 (with Ca_HVA, Ca_LVAst and SK_E2, current steps into the dendrite)', () => {
    const r = compare(
      {
        layout,
        celsius: 34,
        mechanisms: cell([
          { name: 'Ca_HVA', nodes: dendNodes, params: { gCa_HVAbar: 0.001 } },
          { name: 'Ca_LVAst', nodes: dendNodes, params: { gCa_LVAstbar: 0.003 } },
          { name: 'CaDynamics_E2', nodes: dendNodes, params: { decay: 80, gamma: 0.05 } },
          { name: 'SK_E2', nodes: dendNodes, params: { gSK_E2bar: 0.002 } },
        ]),
        stimuli: [
          { node: sites[1], del_ms: 5, dur_ms: 20, amp_nA: 0.1 },
          { node: sites[1], del_ms: 35, dur_ms: 20, amp_nA: 0.3 },
        ],
        dt_ms: 0.025,
        tstop_ms: 60,
      },
      ['CaDynamics_E2'],
      dendNodes.map((node) => ({ ion: 'ca', variable: 'ci' as const, node })),
    );
    table.push(`CaDynamics_E2 | ${r.dv_mV.toExponential(2)} mV | cai ${r.dExtra.toExponential(2)} mM; v range in the dendrite ${r.vRange_mV.toFixed(1)} mV`);
    expect(r.vRange_mV).toBeGreaterThan(20);
    expect(r.dv_mV).toBeLessThanOrEqual(1e-12);
    expect(r.dExtra).toBeLessThanOrEqual(1e-15);
  }, 120_000);

  it('CaDynamics_E2: the generated kernel writes cai, from the Ca current and towards minCai', () => {
    const run = (gCa: number) => {
      const req = {
        layout,
        celsius: 34,
        mechanisms: cell([
          { name: 'Ca_HVA', nodes: dendNodes, params: { gCa_HVAbar: gCa } },
          { name: 'CaDynamics_E2', nodes: dendNodes, params: { decay: 80, gamma: 0.05 } },
        ]),
        stimuli: [{ node: sites[0], del_ms: 5, dur_ms: 20, amp_nA: 0.3 }],
        dt_ms: 0.025,
        tstop_ms: 30,
      };
      return simulate({ ...req, record: [{ ion: 'ca', variable: 'ci', node: sites[0] }], catalogue: catalogueWith(['CaDynamics_E2']) }).traces[0];
    };
    const withCa = run(0.001);
    const without = run(0);
    expect(without[0]).toBe(5e-5); // no INITIAL: the ion's initial concentration
    // without a Ca current, cai relaxes from 5e-5 towards minCai (1e-4 mM) with tau = decay (80 ms)
    const n = without.length - 1;
    expect(without[n]).toBeCloseTo(1e-4 - 5e-5 * Math.exp(-30 / 80), 9);
    // the Ca current adds to it
    expect(withCa[n] - without[n]).toBeGreaterThan(1e-7);
  }, 120_000);

  it('dCaAP (w 0.004 mA/cm², current steps into the dendrite)', () => {
    const stim = sites[1];
    const r = compare(
      {
        layout,
        mechanisms: cell([{ name: 'dCaAP', nodes: dendNodes, params: { w: 0.004, refract_period: 40 } }]),
        stimuli: [
          { node: stim, del_ms: 5, dur_ms: 3, amp_nA: 0.3 },
          { node: stim, del_ms: 30, dur_ms: 3, amp_nA: 0.3 },
          { node: stim, del_ms: 55, dur_ms: 3, amp_nA: 0.6 },
        ],
        dt_ms: 0.025,
        tstop_ms: 100,
      },
      ['dCaAP'],
      [
        { mechanism: 2, variable: 'dcaap_count', instance: 4 },
        { mechanism: 2, variable: 'K', instance: 4 },
        { mechanism: 2, variable: 'A', instance: 4 },
      ],
    );
    table.push(`dCaAP | ${r.dv_mV.toExponential(2)} mV | count/K/A ${r.dExtra.toExponential(2)}; v range at the stimulated node ${r.vRange_mV.toFixed(1)} mV`);
    expect(r.vRange_mV).toBeGreaterThan(30);
    expect(r.dv_mV).toBeLessThanOrEqual(1e-12);
    expect(r.dExtra).toBe(0);
    // it triggered, and retriggered after its refractory period (40 ms)
    expect(r.extra[0].at(-1)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...r.extra[2])).toBeGreaterThan(0.1); // A rose
  }, 120_000);

  it('IClamp, IRamp, ISine, IChirp (electrode currents): described with the built-ins\' names, parameters and flags', () => {
    for (const name of ['IClamp', 'IRamp', 'ISine', 'IChirp', 'epsp', 'IPulseTrain']) {
      const b = builtinMechanisms().find((m) => m.description.name === name)!.description;
      const g = irMechanism(name).description;
      expect([g.kind, g.electrode, g.constantConductance, g.order]).toEqual([b.kind, b.electrode, b.constantConductance, b.order]);
      expect(names(g.params)).toEqual(names(b.params));
      expect(g.params.map((p) => p.default)).toEqual(b.params.map((p) => p.default));
      expect(names(g.assigned)).toEqual(expect.arrayContaining(names(b.assigned))); // ISine, IChirp: also omega, phi / the phase θ
    }
  });

  it('IClamp, IRamp, ISine, IChirp, epsp, IPulseTrain (steps and a fast pulse train at the soma; ramps, a sine, linear and exponential chirps, epsps and a pulse train in the dendrite; the currents recorded too)', () => {
    const r = compare(
      {
        layout,
        mechanisms: cell([
          { name: 'IRamp', nodes: [sites[0], sites[2]], params: { del: [10, 30], dur: [20, 15], amp0: [0, 0.2], amp1: [0.4, -0.1] } },
          { name: 'ISine', nodes: [sites[1]], params: { del: 3, dur: 50, amp: 0.1, freq: 40, phase: 30, offset: 0.02 } },
          { name: 'IChirp', nodes: [sites[1], sites[2]], params: { del: [2, 5], dur: [50, 40], amp: 0.08, f0: [1, 2], f1: [100, 200], exponential: [0, 1], offset: 0 } },
          { name: 'epsp', nodes: [sites[0], sites[1]], params: { onset: [8, 20], tau0: [0.5, 1], tau1: [5, 8], imax: [0.3, 0.2] } },
          { name: 'IPulseTrain', nodes: [sites[2], soma], params: { del: [3, 1.0125], number: [5, 40], interval: [10, 1.3], dur: [2, 0.1], amp: [0.3, 0.5] } },
        ]),
        stimuli: [
          { node: soma, del_ms: 5, dur_ms: 10, amp_nA: 0.5 },
          { node: soma, del_ms: 40, dur_ms: 0.5, amp_nA: 2 },
        ],
        dt_ms: 0.025,
        tstop_ms: 60,
      },
      ['IClamp', 'IRamp', 'ISine', 'IChirp', 'epsp', 'IPulseTrain'],
      [
        { stimulus: 0 }, { stimulus: 1 },
        { mechanism: 2, variable: 'i', instance: 0 }, { mechanism: 2, variable: 'i', instance: 1 },
        { mechanism: 3, variable: 'i', instance: 0 },
        { mechanism: 4, variable: 'i', instance: 0 }, { mechanism: 4, variable: 'i', instance: 1 },
        { mechanism: 5, variable: 'i', instance: 0 },
        { mechanism: 6, variable: 'i', instance: 0 }, { mechanism: 6, variable: 'i', instance: 1 },
      ],
    );
    table.push(`IClamp, IRamp, ISine, IChirp, epsp, IPulseTrain | ${r.dv_mV.toExponential(2)} mV | injected currents ${r.dExtra.toExponential(2)} nA; v range in the dendrite ${r.vRange_mV.toFixed(1)} mV`);
    expect(r.dv_mV).toBeLessThanOrEqual(1e-12);
    expect(r.dExtra).toBe(0);
    expect(Math.max(...r.extra[2])).toBeGreaterThan(0.3); // the ramp ran
    for (const k of [4, 5, 6]) expect(Math.min(...r.extra[k])).toBeLessThan(-0.05); // the sine and both chirps swung
    expect(Math.min(...r.extra[7])).toBeCloseTo(-0.3, 3); // epsp: peak −imax
    // the pulse trains: 5 pulses of 2 ms and 40 pulses of 0.1 ms every 1.3 ms, each a run of nonzero samples
    const pulses = (x: Float64Array) => x.reduce((n, y, k) => n + (y !== 0 && (k === 0 || x[k - 1] === 0) ? 1 : 0), 0);
    expect(pulses(r.extra[8])).toBe(5);
    expect(pulses(r.extra[9])).toBe(40);
  }, 120_000);

  it('prints the table', () => {
    console.log(['mechanism | max |ΔV| | activity', ...table].join('\n'));
    expect(table.length).toBe(5);
  });
});
