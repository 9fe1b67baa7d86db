/**
 * Signature: a dendritic Na spike. Fast Na and delayed-rectifier K (NEURON's hh) only in a thin
 * (1 µm) basal branch of a human L2/3 pyramidal cell, one brief strong AMPA input in the middle of
 * the branch (fixtures/protocols/syn_dendritic_na_spike_l23.json): a regenerative, overshooting
 * spike of 0.5–3 ms width at half amplitude, local to the branch. The same input without Na gives
 * a passive EPSP. Everything asserted is measured on our own traces.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseProtocol, buildSimulation } from '../../src/protocol/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { halfWidth } from './measure.ts';

const FILE = fileURLToPath(new URL('../../fixtures/protocols/syn_dendritic_na_spike_l23.json', import.meta.url));
const BASE = JSON.parse(readFileSync(FILE, 'utf8'));
const ONSET = 10;

function run(mutate: (p: any) => void = () => {}) {
  const raw = structuredClone(BASE);
  mutate(raw);
  const res = simulate(buildSimulation(parseProtocol(raw, FILE)).request);
  return { res, branch: halfWidth(res.t_ms, res.traces[0], ONSET - 0.1), soma: halfWidth(res.t_ms, res.traces[1], ONSET - 0.1) };
}

describe('dendritic Na spike in a thin branch', () => {
  const spike = run();
  const passive = run((p) => (p.biophysics.mechanisms[1].params.gnabar = 0));
  const weak = run((p) => (p.synapses[0].weight_uS = '0.5 nS'));

  it('is a fast all-or-none spike: overshoot, width at half amplitude 0.5–3 ms', () => {
    expect(spike.branch.peak).toBeGreaterThan(0);
    expect(spike.branch.width).toBeGreaterThan(0.5);
    expect(spike.branch.width).toBeLessThan(3);
    // it starts within a few ms of the input
    expect(spike.branch.peak_t - ONSET).toBeLessThan(5);
  });

  it('needs the Na conductance: without it the same input gives a passive EPSP', () => {
    expect(passive.branch.peak).toBeLessThan(-30);
    expect(spike.branch.peak - spike.branch.base).toBeGreaterThan(2 * (passive.branch.peak - passive.branch.base));
  });

  it('needs a strong input: a weak one stays subthreshold', () => {
    expect(weak.branch.peak).toBeLessThan(-40);
  });

  it('stays local: the soma sees a small, slow depolarisation', () => {
    expect(spike.soma.peak - spike.soma.base).toBeLessThan(10);
    expect(spike.soma.width).toBeGreaterThan(2 * spike.branch.width);
  });
});
