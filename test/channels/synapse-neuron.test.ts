/**
 * Synapses against NEURON 8.2.2 (fixtures/neuron/channels/cases): Exp2Syn and Gidon 2020's
 * myAMPA / myNMDA / myGABA on one passive compartment, driven by events at 10, 40, 45, 50, 55 and
 * 60 ms (NEURON: NetCon.event(t); here an explicit spike source with a 0 ms connection).
 * Required: |Δv| ≤ 1e-6 mV at every step; the synapse's own variables to 1e-9 relative.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/solvers/simulate.ts';
import type { Probe } from '../../src/solvers/model.ts';
import { caseCompartment, maxDiff, maxRelDiff, readCase } from './synapse-fixtures.ts';

const PARAM_NAMES: Record<string, string[]> = {
  Exp2Syn: ['tau1', 'tau2', 'e'],
  myAMPA: ['gmax', 'tau_r', 'tau_d', 'mg', 'e', 'gamma'],
  myNMDA: ['gmax', 'tau_r', 'tau_d', 'mg', 'e', 'gamma'],
  myGABA: ['gmax', 'tau_r', 'tau_d', 'mg', 'e', 'gamma'],
};

function runEventsCase(name: string) {
  const { json, csv } = readCase(name);
  const { layout, node } = caseCompartment(json);
  const pas = json.mechanisms.find((m: any) => m.name === 'pas').params_in_force;
  const stim = json.stimuli[0];
  const type: string = stim.type;
  const params: Record<string, number> = {};
  for (const p of PARAM_NAMES[type]) params[p] = stim.params_in_force[p];
  const vars = csv.header.filter((h) => h.startsWith(`${type}.`)).map((h) => h.slice(type.length + 1));
  const record: Probe[] = [node, ...vars.map((variable) => ({ mechanism: 1, variable, instance: 0 }))];
  const res = simulate({
    layout,
    mechanisms: [
      { name: 'pas', nodes: [node], params: { g: pas.g, e: pas.e } },
      { name: type, nodes: [node], params },
    ],
    events: {
      sources: [{ type: 'explicit', times_ms: stim.events_ms, label: 'events' }],
      connections: [{ from: { source: 0 }, to: { mechanism: 1, instance: 0 }, delay_ms: 0, weight: stim.netcon_weight_uS }],
    },
    record,
    dt_ms: json.run.dt_ms,
    tstop_ms: json.run.tstop_ms,
    v_init_mV: json.v_init_mV,
    celsius: json.celsius_degC,
  });
  return { json, csv, res, vars, type };
}

const CASES = ['Exp2Syn_events', 'myAMPA_events', 'myNMDA_gamma0p062_events', 'myNMDA_gamma0p077_events', 'myGABA_events'];

describe('synapses equal NEURON 8.2 (events on a passive compartment)', () => {
  for (const name of CASES) {
    it(name, () => {
      const { csv, res, vars, type } = runEventsCase(name);
      expect(res.t_ms.length).toBe(csv.rows);
      for (let i = 0; i < res.t_ms.length; i++) expect(Math.abs(res.t_ms[i] - csv.col('t_ms')[i])).toBeLessThan(1e-9);
      const dv = maxDiff(res.traces[0], csv.col('v'));
      expect(dv.max, `max |Δv| ${dv.max} mV at t = ${csv.col('t_ms')[dv.at]}`).toBeLessThanOrEqual(1e-6);
      vars.forEach((variable, k) => {
        const rel = maxRelDiff(res.traces[k + 1], csv.col(`${type}.${variable}`));
        expect(rel, `${type}.${variable}`).toBeLessThanOrEqual(1e-9);
      });
      // Every event was delivered once (the source records its spikes).
      expect(Array.from(res.spikes![0].t_ms)).toEqual([10, 40, 45, 50, 55, 60]);
    });
  }

  it('the events arrive at the step NEURON delivers them (A jumps in the row after t = 10)', () => {
    const { csv, res } = runEventsCase('Exp2Syn_events');
    const A = res.traces[1];
    const t = csv.col('t_ms');
    const first = A.findIndex((x) => x > 0);
    // t_400 = 9.99999999999983 (accumulated) and 10 ≤ t_400 + dt/2: delivered before step 400.
    expect(t[first - 1]).toBeLessThan(10);
    expect(t[first]).toBeGreaterThan(10);
  });

  it('myNMDA (γ 0.077) under voltage clamp: current and Mg gate at −80…0 mV equal NEURON', () => {
    const { json, csv } = readCase('myNMDA_gamma0p077_vclamp');
    const { layout, node } = caseCompartment(json);
    const pas = json.mechanisms.find((m: any) => m.name === 'pas').params_in_force;
    const syn = json.stimuli.find((s: any) => s.type === 'myNMDA');
    const clamp = json.stimuli.find((s: any) => s.type === 'SEClamp');
    const params: Record<string, number> = {};
    for (const p of PARAM_NAMES.myNMDA) params[p] = syn.params_in_force[p];
    for (const sweep of json.sweeps) {
      const level = sweep.set['SEClamp.amp1'];
      const res = simulate({
        layout,
        mechanisms: [
          { name: 'pas', nodes: [node], params: { g: pas.g, e: pas.e } },
          { name: 'myNMDA', nodes: [node], params },
          { name: 'SEClamp', nodes: [node], params: { rs: clamp.rs_MOhm, dur1: clamp.dur1_ms, amp1: level } },
        ],
        events: {
          sources: [{ type: 'explicit', times_ms: syn.events_ms }],
          connections: [{ from: { source: 0 }, to: { mechanism: 1, instance: 0 }, delay_ms: 0, weight: 1 }],
        },
        record: [node, { mechanism: 1, variable: 'i', instance: 0 }, { mechanism: 1, variable: 'mggate', instance: 0 }],
        dt_ms: json.run.dt_ms,
        tstop_ms: json.run.tstop_ms,
        v_init_mV: sweep.v_init_mV,
        celsius: json.celsius_degC,
      });
      const dv = maxDiff(res.traces[0], csv.col(`v@${sweep.label}`));
      expect(dv.max, `level ${sweep.label}: max |Δv| ${dv.max}`).toBeLessThanOrEqual(1e-6);
      expect(maxRelDiff(res.traces[1], csv.col(`myNMDA.i@${sweep.label}`)), `i at ${sweep.label}`).toBeLessThanOrEqual(1e-9);
      expect(maxRelDiff(res.traces[2], csv.col(`myNMDA.mggate@${sweep.label}`)), `mggate at ${sweep.label}`).toBeLessThanOrEqual(1e-9);
    }
  });
});
