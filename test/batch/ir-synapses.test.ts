/**
 * Issue 10 item 1, the synapses: Exp2Syn, AMPA, GABAA, NMDA (with and without its Ca²⁺ share) and
 * Gidon 2020's myAMPA, myGABA, myNMDA (also with an active homeostatic factor lSF) described once (src/channels/ir/specs-synapses.ts) and their kernels generated from the
 * description, against the hand-written kernels (src/channels/synapses/dualexp.ts): Poisson trains
 * of events onto three synapses of a ball-and-stick cell (hh soma), every node's v at every step.
 * NMDA with ca_fraction 0.1 runs with CaDynamics_E2 (hand-written in both runs) on the dendrite,
 * and cai at the synapses is compared as well.
 *
 * Measured (2026-12-02, Node 20): every case bit for bit equal (max |ΔV| 0, cai 0), with tau_H
 * 20 ms too (lSF falls to −0.08 in the hand-written kernel's record, so BREAKPOINT's clamp at 0 is
 * exercised). NMDA with ca_fraction 0.1 was 1.8e-12 … 1.4e-11 mV until the hand-written kernel summed
 * the membrane current as (1 − f)·i + f·i and scaled the Ca totals as c·100/area, as the generated
 * one does (nocmodl's arithmetic). Asserted: ≤ 1e-12 mV (the issue's bound for keeping a
 * hand-written kernel), cai within 1e-15 mM.
 */
import { describe, expect, it } from 'vitest';
import { builtinMechanisms } from '../../src/channels/catalogue.ts';
import { describedMechanisms, irMechanism } from '../../src/channels/ir/index.ts';
import { cell, compare, dendNodes, layout, poissonEvents, sites } from './ir-cell.ts';

const table: string[] = [];
const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name);

const CASES: { label: string; name: string; params: Record<string, number>; weight: number; exact: boolean; caDyn?: boolean }[] = [
  { label: 'Exp2Syn', name: 'Exp2Syn', params: { tau1: 0.5, tau2: 5, e: 0 }, weight: 0.004, exact: true },
  { label: 'Exp2Syn (tau1 > tau2: INITIAL clamps the rise)', name: 'Exp2Syn', params: { tau1: 6, tau2: 5, e: 0 }, weight: 0.004, exact: true },
  { label: 'AMPA', name: 'AMPA', params: {}, weight: 0.01, exact: true },
  { label: 'GABAA (with an excitatory drive: Exp2Syn)', name: 'GABAA', params: {}, weight: 0.004, exact: true },
  { label: 'NMDA (ca_fraction 0)', name: 'NMDA', params: {}, weight: 0.003, exact: true },
  { label: 'NMDA (ca_fraction 0.1, CaDynamics_E2)', name: 'NMDA', params: { ca_fraction: 0.1 }, weight: 0.003, exact: true, caDyn: true },
  { label: 'myAMPA (gmax 6 nS)', name: 'myAMPA', params: { gmax: 0.006 }, weight: 0, exact: true },
  { label: 'myGABA (gmax 4 nS, with an excitatory drive: Exp2Syn)', name: 'myGABA', params: { gmax: 0.004 }, weight: 0, exact: true },
  { label: 'myNMDA (gmax 5 nS)', name: 'myNMDA', params: { gmax: 0.005 }, weight: 0, exact: true },
  { label: 'myNMDA (gmax 5 nS, lSF active and clamped: tau_H 20 ms, Vtrg -60 mV)', name: 'myNMDA', params: { gmax: 0.005, tau_H: 20, Vtrg: -60 }, weight: 0, exact: true },
];

describe('synapses from the IR against the hand-written kernels', () => {
  it('are described with the built-ins\' names, parameters, defaults, globals and states', () => {
    for (const name of ['Exp2Syn', 'AMPA', 'GABAA', 'NMDA', 'myAMPA', 'myGABA', 'myNMDA']) {
      expect(describedMechanisms()).toContain(name);
      const b = builtinMechanisms().find((m) => m.description.name === name)!.description;
      const g = irMechanism(name).description;
      expect(g.kind).toBe('point');
      expect(g.order, name).toBe(b.order);
      expect(names(g.params), name).toEqual(names(b.params));
      expect(g.params.map((p) => p.default), name).toEqual(b.params.map((p) => p.default));
      expect(names(g.globals), name).toEqual(names(b.globals));
      // every state and assigned variable of the built-in can be recorded from the generated one,
      // except factor (computed when an event arrives); Gidon's tsyn and lSF are weight states there
      const vars = (d: typeof g) => [...names(d.states), ...names(d.assigned)].filter((n) => n !== 'factor' && n !== 'i_ns').sort();
      expect(vars(g), name).toEqual(vars(b));
      expect(g.ions).toEqual(b.ions);
      expect(g.events).toEqual(b.events);
    }
  });

  for (const c of CASES) {
    it(c.label, () => {
      const synapse = { name: c.name, nodes: sites, params: c.params };
      const more = c.name === 'GABAA' || c.name === 'myGABA'
        ? [synapse, { name: 'Exp2Syn', nodes: sites, params: { tau1: 0.5, tau2: 5, e: 0 } }]
        : c.caDyn
          ? [synapse, { name: 'CaDynamics_E2', nodes: dendNodes, params: { decay: 80, gamma: 0.05 } }]
          : [synapse];
      const events = poissonEvents(2, c.weight);
      if (c.name === 'GABAA' || c.name === 'myGABA') {
        // the same trains also drive the excitatory Exp2Syn (mechanism 3), so GABAA has something to shunt
        events.connections = [...(events.connections ?? []), ...sites.map((_, k) => ({ from: { source: k }, to: { mechanism: 3, instance: k }, delay_ms: 1, weight: 0.006 }))];
      }
      const extra = c.caDyn ? sites.map((node) => ({ ion: 'ca', variable: 'ci' as const, node })) : [];
      const r = compare({ layout, mechanisms: cell(more), events, dt_ms: 0.025, tstop_ms: 60 }, [c.name], extra);
      table.push(`${c.label} | ${r.dv_mV.toExponential(2)} mV | ${c.caDyn ? `cai ${r.dExtra.toExponential(2)} mM | ` : ''}soma spikes ${r.somaSpikes}, v range at a synapse ${r.vRange_mV.toFixed(1)} mV`);
      expect(r.vRange_mV, 'the synapses act').toBeGreaterThan(1);
      if (c.exact) expect(r.dv_mV, c.label).toBeLessThanOrEqual(1e-12);
      else expect(r.dv_mV, c.label).toBeLessThanOrEqual(1e-9);
      if (c.caDyn) expect(r.dExtra, 'cai').toBeLessThanOrEqual(1e-15);
    }, 120_000);
  }

  it('prints the table', () => {
    console.log(['synapse | max |ΔV| | activity', ...table].join('\n'));
    expect(table.length).toBe(CASES.length);
  });
});
