/**
 * Physics of synapse populations (fixtures/protocols/syn_population_l23.json): 20 AMPA + NMDA
 * pairs placed as a cluster within 20 µm on the thin basal branch dend[23] give an NMDA plateau,
 * and halving their weights takes it away (supralinear: the soma response drops by far more than
 * half); the same 20 pairs placed at random over the basal tree give a much smaller somatic
 * response that halves when the weights halve (near-linear summation). Measured on our own traces.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseProtocol, buildSimulation } from '../../src/protocol/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { halfWidth } from '../signatures/measure.ts';

const FILE = fileURLToPath(new URL('../../fixtures/protocols/syn_population_l23.json', import.meta.url));
const BASE = JSON.parse(readFileSync(FILE, 'utf8'));
const ONSET = 50;
const DISPERSED = { random: { region: 'dend', n: 20, seed: 1 } };

function run(at: unknown, scale: number) {
  const raw = structuredClone(BASE);
  if (at !== null) for (const s of raw.synapses) s.at = at;
  raw.synapses[0].weight_uS = `${0.25 * scale} nS`;
  raw.synapses[1].weight_uS = `${1.5 * scale} nS`;
  const built = buildSimulation(parseProtocol(raw, FILE));
  const res = simulate(built.request);
  return {
    built,
    site: halfWidth(res.t_ms, res.traces[0], ONSET - 0.5),
    soma: halfWidth(res.t_ms, res.traces[1], ONSET - 0.5),
  };
}
const amp = (w: { peak: number; base: number }) => w.peak - w.base;

describe('clustered vs dispersed synapse populations (human L2/3 cell)', () => {
  const cluster = run(null, 1);
  const clusterHalf = run(null, 0.5);
  const dispersed = run(DISPERSED, 1);
  const dispersedHalf = run(DISPERSED, 0.5);

  it('the populations are what the file says: 20 pairs on dend[23] within 20 µm; 20 pairs over several dend sections', () => {
    const c = cluster.built.synapses!;
    expect(c.length).toBe(40);
    const secs = cluster.built.morphology.sections;
    const xs = c.map((s) => {
      expect(secs[s.section].name).toBe('dend[23]');
      return s.x * secs[s.section].L_um;
    });
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThanOrEqual(20);
    const d = dispersed.built.synapses!;
    expect(d.length).toBe(40);
    expect(new Set(d.map((s) => s.section)).size).toBeGreaterThan(10);
    for (const s of d) expect(secs[s.section].name.startsWith('dend[')).toBe(true);
  });

  it('clustered: an NMDA plateau at the branch (> 40 mV, > 25 ms at half amplitude)', () => {
    console.log(`populations: cluster site ${amp(cluster.site).toFixed(2)} mV, ${cluster.site.width.toFixed(1)} ms; soma ${amp(cluster.soma).toFixed(2)} mV; half weights: soma ${amp(clusterHalf.soma).toFixed(2)} mV; dispersed soma ${amp(dispersed.soma).toFixed(2)} mV, half weights ${amp(dispersedHalf.soma).toFixed(2)} mV`);
    expect(amp(cluster.site)).toBeGreaterThan(40);
    expect(cluster.site.width).toBeGreaterThan(25);
    // half the weights: below the plateau's threshold, a brief local EPSP
    expect(clusterHalf.site.width).toBeLessThan(0.5 * cluster.site.width);
  });

  it('dispersed: a much smaller somatic response than the cluster gives', () => {
    expect(amp(dispersed.soma)).toBeLessThan(0.6 * amp(cluster.soma));
  });

  it('dispersed sums near-linearly (halving the weights halves the response); clustered does not', () => {
    const linear = amp(dispersed.soma) / amp(dispersedHalf.soma);
    expect(linear).toBeGreaterThan(1.8);
    expect(linear).toBeLessThan(2.3);
    expect(amp(cluster.soma) / amp(clusterHalf.soma)).toBeGreaterThan(2.8);
  });
});
