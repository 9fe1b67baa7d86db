/**
 * dCaAP (Gidon et al. 2020) against NEURON 8.2.2: fixtures/neuron/channels/cases/dCaAP_testpulse,
 * one 80 µm compartment with Gidon's passive values and dCaAP (w 0.005), IClamp del 200, dur 300
 * ms at 0.18 (subthreshold), 0.22 and 0.30 nA. Required: |Δv| ≤ 1e-6 mV at every step; A and B
 * (whose BEFORE BREAKPOINT resets and linearised cnexp are checked row by row) to 1e-9.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/solvers/simulate.ts';
import { caseCompartment, maxDiff, readCase } from './synapse-fixtures.ts';

const NAME = 'dCaAP_testpulse';

function run(json: any, amp: number, extra: { tstop?: number; dur?: number } = {}) {
  const { layout, node } = caseCompartment(json);
  const pas = json.mechanisms.find((m: any) => m.name === 'pas').params_in_force;
  const d = json.mechanisms.find((m: any) => m.name === 'dCaAP').set_params;
  const stim = json.stimuli[0];
  return simulate({
    layout,
    mechanisms: [
      { name: 'pas', nodes: [node], params: { g: pas.g, e: pas.e } },
      { name: 'dCaAP', nodes: [node], params: d },
    ],
    stimuli: [{ node, del_ms: stim.delay_ms, dur_ms: extra.dur ?? stim.dur_ms, amp_nA: amp }],
    record: [
      node,
      { mechanism: 1, variable: 'A', instance: 0 },
      { mechanism: 1, variable: 'B', instance: 0 },
      { mechanism: 1, variable: 'K', instance: 0 },
      { mechanism: 1, variable: 't_dCaAP', instance: 0 },
    ],
    dt_ms: json.run.dt_ms,
    tstop_ms: extra.tstop ?? json.run.tstop_ms,
    v_init_mV: json.v_init_mV,
    celsius: json.celsius_degC,
  });
}

describe('dCaAP equals NEURON 8.2 (Gidon 2020 test pulse on one compartment)', () => {
  const { json, csv } = readCase(NAME);
  for (const sweep of json.sweeps) {
    const amp = sweep.set['IClamp.amp'];
    it(`${amp} nA`, () => {
      const res = run(json, amp);
      expect(res.t_ms.length).toBe(csv.rows);
      const dv = maxDiff(res.traces[0], csv.col(`v@${sweep.label}`));
      expect(dv.max, `max |Δv| ${dv.max} mV at t = ${csv.col('t_ms')[dv.at]}`).toBeLessThanOrEqual(1e-6);
      expect(maxDiff(res.traces[1], csv.col(`dCaAP.A@${sweep.label}`)).max).toBeLessThanOrEqual(1e-9);
      expect(maxDiff(res.traces[2], csv.col(`dCaAP.B@${sweep.label}`)).max).toBeLessThanOrEqual(1e-9);
      // Triggers: the rows where t_dCaAP changes, with NEURON's times and K.
      const triggers = json.dCaAP_triggers.per_sweep[sweep.label] as { row: number; t_dCaAP_ms: number; K: number }[];
      const K = res.traces[3];
      const tT = res.traces[4];
      const ours: { row: number; t: number; K: number }[] = [];
      for (let r = 1; r < tT.length; r++) if (tT[r] !== tT[r - 1]) ours.push({ row: r, t: tT[r], K: K[r] });
      expect(ours.map((x) => x.row)).toEqual(triggers.map((x) => x.row));
      ours.forEach((x, k) => {
        expect(Math.abs(x.t - triggers[k].t_dCaAP_ms)).toBeLessThan(1e-9);
        expect(Math.abs(x.K - triggers[k].K)).toBeLessThan(1e-9);
      });
    });
  }

  it('B becomes 0.001 already in finitialize (BEFORE BREAKPOINT runs there with t = 0)', () => {
    const res = run(json, 0.18, { tstop: 1 });
    expect(res.traces[2][0]).toBe(0.001);
    expect(csv.col('dCaAP.B@0.18')[0]).toBe(0.001);
  });
});
