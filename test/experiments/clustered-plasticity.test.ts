/**
 * clustered-plasticity (--quick): 24 of 48 NMDA synapses with the cooperative rule, placed at random
 * over eight branches, are co-activated three times; the potentiated synapses end up on few
 * branches: the fraction of them on the top-2 branches is far above its shuffle baseline (the checks
 * of src/experiments/clustered-plasticity.ts), only co-activated synapses are potentiated, and they
 * are those whose branch holds many co-activated neighbours. Also the clustering measure itself.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failedChecks, runQuick } from './helpers.ts';
import { placeSites, shuffleBaseline, topKFraction } from '../../src/experiments/clustered-plasticity.ts';

describe('experiment clustered-plasticity --quick', async () => {
  const { results, checks, dir } = await runQuick('clustered-plasticity');
  const r = results as any;

  it('every check passes', () => {
    console.log(checks.map((c) => `${c.name}: ${c.value} ${c.unit} [${c.range}]`).join('\n'));
    console.log(`group per branch ${r.group_per_branch.join(' ')}; potentiated per branch ${r.potentiated_per_branch.join(' ')}`);
    expect(checks.length).toBe(3);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('the co-activated group is spread over the tree, the potentiated synapses are not', () => {
    const group: number[] = r.group_per_branch;
    const pot: number[] = r.potentiated_per_branch;
    // the group touches every branch, the potentiation at most a quarter of them
    expect(group.filter((n) => n > 0).length).toBe(8);
    expect(r.branches_with_potentiated).toBeGreaterThan(0);
    expect(r.branches_with_potentiated).toBeLessThanOrEqual(2);
    expect(r.clustering.group_top_k_fraction).toBeLessThan(0.6);
    expect(r.clustering.potentiated_top_k_fraction).toBe(1);
    // potentiated synapses sit on the branches with the most co-activated synapses
    const most = Math.max(...group);
    pot.forEach((n, b) => {
      if (n > 0) expect(group[b]).toBe(most);
    });
    // and they are strengthened clearly: every potentiated gain above 1.5
    const gains: number[] = r.weight_gain;
    for (const g of gains) expect(g < 1.001 || g > 1.5).toBe(true);
  });

  it('writes the weights figure, the gain figure and the protocol', () => {
    for (const f of ['weights.svg', 'gain_vs_neighbours.svg', 'protocols/induction.json']) expect(existsSync(join(dir, f))).toBe(true);
    const svg = readFileSync(join(dir, 'weights.svg'), 'utf8');
    expect(svg).toContain('final / initial weight');
    expect(svg).toContain('co-activated synapses (24)');
  });
});

describe('the clustering measure', () => {
  it('top-k fraction of labelled items', () => {
    expect(topKFraction([0, 0, 1, 1, 2, 2], [true, true, false, false, false, false], 3, 1)).toBe(1);
    expect(topKFraction([0, 0, 1, 1, 2, 2], [true, false, true, false, true, false], 3, 1)).toBeCloseTo(1 / 3, 15);
    expect(topKFraction([0, 1], [false, false], 2, 1)).toBeNaN();
  });

  it('shuffle baseline matches the exact expectation', () => {
    // 2 labelled among 6 items on 3 branches of 2: both on one branch with probability 3/15
    // (top-1 fraction 1), else 1/2: mean 0.6; P(fraction >= 1) = 0.2
    const s = shuffleBaseline([0, 0, 1, 1, 2, 2], [true, true, false, false, false, false], 3, 1, 20000, 5, 1);
    expect(s.mean).toBeGreaterThan(0.59);
    expect(s.mean).toBeLessThan(0.61);
    expect(s.p).toBeGreaterThan(0.19);
    expect(s.p).toBeLessThan(0.21);
  });

  it('sites are reproducible from the seed, on the eight terminal branches, half of them in the group', () => {
    const a = placeSites(7);
    expect(placeSites(7)).toEqual(a);
    expect(a).toHaveLength(48);
    expect(a.filter((s) => s.group)).toHaveLength(24);
    expect(new Set(a.map((s) => s.section)).size).toBe(8);
    for (const s of a) expect(s.x >= 0.05 && s.x <= 0.95).toBe(true);
  });
});
