/**
 * Events in a batch: each variant has its own spike sources (Poisson trains with their own seeds),
 * weights and threshold detectors, delivered to NET_RECEIVE of its own instances (instance k of
 * variant β is the expanded instance k·B + β). Every variant's traces and spike records equal a
 * single run of it, bit for bit: Exp2Syn synapses on a ball-and-stick cell with hh at the soma,
 * driven by Poisson trains and by a detector at the soma (a feedback synapse).
 */
import { describe, expect, it } from 'vitest';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { irCatalogue } from '../../src/channels/ir/index.ts';
import { simulateBatch, type BatchVariant } from '../../src/solvers/batch/index.ts';
import type { EventsRequest } from '../../src/solvers/events.ts';
import type { SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { maxAbsDiff } from './cases.ts';

const layout = buildLayout([
  { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
  { name: 'dend', type: 3, parentSection: 0, parentX: 1, nseg: 9, cm_uF_per_cm2: 1, ...cylinderSegments(300, 2, 9, 100) },
]);
const soma = nodeAt(layout.sections[0], 0.5);
const dend = [0.1, 0.5, 0.9].map((x) => nodeAt(layout.sections[1], x));
const dendNodes = Array.from({ length: 9 }, (_, k) => nodeAt(layout.sections[1], (k + 0.5) / 9));

function events(seed: number, weight: number): EventsRequest {
  return {
    sources: dend.map((_, k) => ({ type: 'poisson' as const, rate_Hz: 80, start_ms: 2, stop_ms: 60, seed: seed * 10 + k, label: `in${k}` })),
    detectors: [{ node: soma, threshold_mV: -10, label: 'soma' }],
    connections: [
      ...dend.map((_, k) => ({ from: { source: k }, to: { mechanism: 2, instance: k }, delay_ms: 1, weight })),
      { from: { detector: 0 }, to: { mechanism: 2, instance: 3 }, delay_ms: 2, weight: 0.002 },
    ],
  };
}

const base: SimulationRequest = {
  layout,
  catalogue: irCatalogue(),
  mechanisms: [
    { name: 'hh', nodes: [soma] },
    { name: 'pas', nodes: dendNodes, params: { g: 1e-4, e: -65 } },
    { name: 'Exp2Syn', nodes: [...dend, dend[1]], params: { tau1: 0.5, tau2: 5, e: 0 } },
  ],
  events: events(1, 0.004),
  record: [soma, dend[2], { mechanism: 2, variable: 'g', instance: 3 }],
  dt_ms: 0.025,
  tstop_ms: 60,
};

describe('simulateBatch with events', () => {
  it('each variant its own Poisson seeds, weights and feedback detector: equal to single runs, spikes included', () => {
    const variants: BatchVariant[] = [{}, { events: events(2, 0.004) }, { events: events(3, 0.008) }, { events: events(1, 0.001), v_init_mV: -70 }];
    const batch = simulateBatch(base, variants);
    let spread = 0;
    variants.forEach((v, k) => {
      const single = simulate({ ...base, ...v });
      expect(maxAbsDiff(single.traces, batch.traces[k]), `variant ${k}`).toBe(0);
      expect(batch.spikes[k]).toEqual(single.spikes);
      if (k > 0) spread = Math.max(spread, maxAbsDiff(batch.traces[0], batch.traces[k]));
    });
    const somaSpikes = batch.spikes.map((s) => s.find((x) => x.label === 'soma')!.t_ms.length);
    console.log(`soma spikes per variant: ${somaSpikes.join(', ')}; variants differ by up to ${spread.toFixed(1)} mV`);
    expect(Math.max(...somaSpikes)).toBeGreaterThan(0); // the detector and its feedback synapse are exercised
    expect(spread).toBeGreaterThan(10);
  }, 120_000);
});
