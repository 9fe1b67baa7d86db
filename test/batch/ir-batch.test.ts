/**
 * The batch path with the newly described mechanisms: `simulateBatch` runs the kernels generated
 * from the kinetics IR by default (`irCatalogue()`), now also for the synapses, CaDynamics_E2,
 * dCaAP and kap. A batch of variants of one cell (NMDA with a Ca²⁺ share and AMPA driven by Poisson
 * trains, Ca_HVA + CaDynamics_E2, kap and dCaAP on the dendrite) equals single runs of each variant
 * with the same generated kernels bit for bit (v at every node, cai, spikes), and single runs with
 * the hand-written kernels within 1e-12 mV (measured 0 at commit 0bf96f6: every hand-written kernel
 * here computes the generated arithmetic).
 */
import { describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../../src/channels/catalogue.ts';
import { irCatalogue } from '../../src/channels/ir/index.ts';
import { simulateBatch, type BatchVariant } from '../../src/solvers/batch/index.ts';
import type { MechanismUse, Probe, SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { maxAbsDiff } from './cases.ts';
import { allNodes, cell, dendNodes, layout, poissonEvents, sites } from './ir-cell.ts';

function mechanisms(caFraction: number, gkabar: number, w: number): MechanismUse[] {
  return cell([
    { name: 'NMDA', nodes: sites, params: { ca_fraction: caFraction } },
    { name: 'AMPA', nodes: sites },
    { name: 'Ca_HVA', nodes: dendNodes, params: { gCa_HVAbar: 0.0005 } },
    { name: 'CaDynamics_E2', nodes: dendNodes, params: { decay: 80, gamma: 0.05 } },
    { name: 'kap', nodes: dendNodes, params: { gkabar } },
    { name: 'dCaAP', nodes: dendNodes, params: { w, refract_period: 30 } },
  ]);
}

function events(seed: number, weight: number) {
  const e = poissonEvents(2, weight, seed);
  // the same trains onto AMPA (mechanism 3)
  return { ...e, connections: [...(e.connections ?? []), ...sites.map((_, k) => ({ from: { source: k }, to: { mechanism: 3, instance: k }, delay_ms: 1, weight: 2 * weight }))] };
}

const record: Probe[] = [...allNodes, ...sites.map((node) => ({ ion: 'ca', variable: 'ci' as const, node })), { mechanism: 7, variable: 'dcaap_count', instance: 4 }];

const base: Omit<SimulationRequest, 'catalogue'> = {
  layout,
  celsius: 34,
  mechanisms: mechanisms(0.1, 0.01, 0.003),
  events: events(1, 0.004),
  record,
  dt_ms: 0.025,
  tstop_ms: 60,
};

describe('simulateBatch with synapses, CaDynamics_E2, kap and dCaAP (kernels generated from the IR)', () => {
  it('each variant equals its single run with the same kernels bit for bit, and the hand-written single run within 1e-12 mV', () => {
    const variants: BatchVariant[] = [
      {},
      { mechanisms: mechanisms(0, 0.01, 0.003), events: events(2, 0.004) },
      { mechanisms: mechanisms(0.2, 0.03, 0), events: events(3, 0.006) },
      { mechanisms: mechanisms(0.1, 0, 0.006), events: events(1, 0.002), v_init_mV: -70 },
    ];
    const batch = simulateBatch(base, variants); // no catalogue: irCatalogue()
    const nv = allNodes.length;
    let spread = 0;
    const rows: string[] = [];
    variants.forEach((v, k) => {
      const single = simulate({ ...base, ...v, catalogue: irCatalogue() });
      expect(maxAbsDiff(single.traces, batch.traces[k]), `variant ${k}`).toBe(0);
      expect(batch.spikes[k]).toEqual(single.spikes);
      const hand = simulate({ ...base, ...v, catalogue: builtinCatalogue() });
      const dv = maxAbsDiff(hand.traces.slice(0, nv), batch.traces[k].slice(0, nv));
      const dcai = maxAbsDiff(hand.traces.slice(nv, nv + 3), batch.traces[k].slice(nv, nv + 3));
      rows.push(`variant ${k}: batch vs hand-written single run max |ΔV| ${dv.toExponential(2)} mV, cai ${dcai.toExponential(2)} mM, dCaAP triggers ${batch.traces[k][nv + 3].at(-1)}`);
      expect(dv, `variant ${k} vs the hand-written kernels`).toBeLessThanOrEqual(1e-12);
      expect(dcai).toBeLessThanOrEqual(1e-15);
      if (k > 0) spread = Math.max(spread, maxAbsDiff(batch.traces[0].slice(0, nv), batch.traces[k].slice(0, nv)));
    });
    console.log(rows.join('\n'));
    expect(spread).toBeGreaterThan(10); // the variants differ
    expect(Math.max(...batch.traces.map((t) => t[nv + 3].at(-1)!))).toBeGreaterThan(0); // dCaAP fired in some variant
  }, 120_000);
});
