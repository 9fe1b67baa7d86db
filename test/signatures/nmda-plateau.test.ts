/**
 * Signature: an NMDA plateau. Twenty AMPA + NMDA synapse pairs within 19 µm of a thin basal branch
 * of a human L2/3 pyramidal cell, activated together by one presynaptic volley
 * (fixtures/protocols/syn_nmda_plateau_l23.json), give a regenerative depolarisation that outlasts
 * the input by tens of ms (a plateau of 50–150 ms at half amplitude). It is absent with only two
 * synapse pairs (a brief EPSP) and absent when the Mg block is strong at rest ([Mg]o 10 mM instead
 * of 1 mM). Everything asserted is measured on our own traces.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseProtocol, buildSimulation } from '../../src/protocol/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { halfWidth, timeAbove } from './measure.ts';

const FILE = fileURLToPath(new URL('../../fixtures/protocols/syn_nmda_plateau_l23.json', import.meta.url));
const BASE = JSON.parse(readFileSync(FILE, 'utf8'));
const ONSET = 50;

function run(mutate: (p: any) => void = () => {}) {
  const raw = structuredClone(BASE);
  mutate(raw);
  const res = simulate(buildSimulation(parseProtocol(raw, FILE)).request);
  const cluster = halfWidth(res.t_ms, res.traces[0], ONSET - 0.5);
  const soma = halfWidth(res.t_ms, res.traces[1], ONSET - 0.5);
  return { res, cluster, soma, above40: timeAbove(res.t_ms, res.traces[0], -40) };
}

describe('NMDA plateau from clustered synapses (L2/3 basal branch)', () => {
  const full = run();
  const few = run((p) => {
    for (const s of p.synapses) s.at = s.at.slice(9, 11);
  });
  const blocked = run((p) => (p.synapses[1].params.mg = 10));

  it('20 clustered AMPA+NMDA pairs: a plateau of 50–150 ms at half amplitude, far beyond the input', () => {
    expect(full.res.spikes![0].t_ms.length).toBe(1); // one volley
    expect(full.cluster.peak - full.cluster.base).toBeGreaterThan(40);
    expect(full.cluster.width).toBeGreaterThan(50);
    expect(full.cluster.width).toBeLessThan(150);
    // it is a plateau, not a slow EPSP: v stays above −40 mV for most of that time
    expect(full.above40).toBeGreaterThan(0.8 * full.cluster.width);
    // the AMPA conductance (τd 1.7 ms) is gone within ~10 ms; the plateau is carried by NMDA
    expect(full.cluster.width).toBeGreaterThan(5 * few.cluster.width);
  });

  it('two pairs: a short EPSP only', () => {
    expect(few.cluster.peak - few.cluster.base).toBeLessThan(20);
    expect(few.cluster.width).toBeLessThan(15);
    expect(few.above40).toBe(0);
  });

  it('strong Mg block at rest ([Mg]o 10 mM): no plateau', () => {
    expect(blocked.cluster.width).toBeLessThan(15);
    expect(blocked.above40).toBeLessThan(0.2 * full.above40);
    expect(blocked.cluster.peak).toBeLessThan(full.cluster.peak - 10);
  });

  it('the plateau reaches the soma attenuated and smoothed', () => {
    expect(full.soma.peak - full.soma.base).toBeGreaterThan(5);
    expect(full.soma.peak - full.soma.base).toBeLessThan(0.5 * (full.cluster.peak - full.cluster.base));
  });
});
