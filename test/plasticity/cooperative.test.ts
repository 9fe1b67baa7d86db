/**
 * Cooperative plasticity (src/plasticity/cooperative.ts; synaptic tagging and capture within a
 * branch, Kastellakis et al. 2016) on the eight-branch test cell of the clustered-plasticity
 * experiment: NMDA synapses with the rule (and fixed AMPA synapses at the same sites), five 50 Hz
 * bursts of 10 spikes at 1 s intervals.
 * - four co-active synapses on one terminal branch sum their calcium above the branch threshold, the
 *   branch makes its resource, and all four strengthen together;
 * - an inactive synapse on that branch gets the resource but no tag: unchanged;
 * - a synapse driven identically but alone on another branch is tagged (its calcium crosses θ_tag)
 *   but its branch makes no resource: unchanged;
 * - the same four co-active synapses spread over four branches: tagged, no resource, unchanged.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parseProtocol } from '../../src/protocol/protocol.ts';
import { runProtocol } from '../../src/protocol/run.ts';

const FILE = fileURLToPath(new URL('../../fixtures/experiments/clustered-plasticity/test.json', import.meta.url));
const W0 = 0.0005;

function run(sites: string[], active: boolean[]) {
  const burst: number[] = [];
  for (let r = 0; r < 5; r++) for (let j = 0; j < 10; j++) burst.push(100 + 1000 * r + 20 * j);
  const trains = active.map((a) => (a ? burst : []));
  const p = parseProtocol({
    morphology: 'cell.swc',
    biophysics: { Ra_ohm_cm: 100, v_init_mV: -65, mechanisms: [{ name: 'pas', region: 'all', params: { g: 1e-4, e: -65 } }, { name: 'hh', region: 'soma' }] },
    synapses: [
      {
        name: 'n', type: 'NMDA', at: sites, weight_uS: W0, train: { type: 'explicit', times_ms: trains },
        plasticity: { rule: 'cooperative', w_max_uS: 2 * W0, ca_per_pC: 12, theta_branch: 4 },
      },
      { name: 'a', type: 'AMPA', at: sites, weight_uS: 0.0005, train: { type: 'explicit', times_ms: trains } },
    ],
    record: [{ label: 'ca', synapse: 'n', what: 'ca' }, { label: 'tag', synapse: 'n', what: 'tag' }, { label: 'prp', synapse: 'n', what: 'prp' }],
    run: { tstop_ms: 10000, dt_ms: 0.1 },
  }, FILE);
  const r = runProtocol(p);
  const n = sites.length;
  const max = (a: Float64Array) => a.reduce((x, y) => Math.max(x, y), -Infinity);
  return {
    gain: r.weights!.filter((w) => w.synapse === 'n').map((w) => w.final_weight / W0),
    caMax: r.output.traces.slice(0, n).map(max),
    tagMax: r.output.traces.slice(n, 2 * n).map(max),
    prpMax: r.output.traces.slice(2 * n, 3 * n).map(max),
  };
}

describe('cooperative plasticity: co-active neighbours on one branch strengthen together', () => {
  it('clustered co-active synapses strengthen; an isolated one, an inactive neighbour and the same group dispersed do not', () => {
    const clustered = run(['dend[1](0.3)', 'dend[1](0.45)', 'dend[1](0.6)', 'dend[1](0.75)', 'dend[1](0.9)', 'dend[4](0.5)'], [true, true, true, true, false, true]);
    const dispersed = run(['dend[1](0.5)', 'dend[5](0.5)', 'dend[7](0.5)', 'dend[10](0.5)'], [true, true, true, true]);
    const f = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(' ');
    console.log(`cooperative: clustered w/w0 ${f(clustered.gain)} (4 co-active, inactive neighbour, isolated); dispersed ${f(dispersed.gain)}`);
    const [c0, c1, c2, c3, inactive, isolated] = clustered.gain;
    for (const g of [c0, c1, c2, c3]) expect(g).toBeGreaterThan(1.3);
    expect(inactive).toBe(1);
    expect(isolated).toBe(1);
    for (const g of dispersed.gain) expect(g).toBe(1);
    // why: the isolated and the dispersed synapses were tagged (calcium above θ_tag = 1) but their
    // branches made no resource; the inactive neighbour had the resource but no tag
    expect(clustered.tagMax[5]).toBe(1);
    for (const t of dispersed.tagMax) expect(t).toBe(1);
    expect(clustered.prpMax[5]).toBe(0);
    for (const p of dispersed.prpMax) expect(p).toBe(0);
    expect(clustered.tagMax[4]).toBe(0);
    expect(clustered.prpMax[4]).toBeGreaterThan(0.1);
    // co-activity on one branch also raises each synapse's own calcium (shared NMDA depolarisation)
    expect(Math.min(...clustered.caMax.slice(0, 4))).toBeGreaterThan(1.5 * clustered.caMax[5]);
  });
});
