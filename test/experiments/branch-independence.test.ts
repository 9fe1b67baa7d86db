/**
 * `branch-independence --quick`: 12 AMPA+NMDA pairs on a thin human L2/3 basal branch (dend[23])
 * give a local NMDA spike that its sibling (dend[22]) sees at a third; input at the soma spreads
 * almost undiminished; two sub-threshold clusters sum supralinearly on one branch and linearly on
 * branches of different stems (Polsky, Mel & Schiller 2004).
 */
import { describe, expect, it } from 'vitest';
import { failedChecks, runQuick, type QuickRun } from './helpers.ts';

type Matrix = Record<'branch' | 'sibling' | 'branch_point' | 'soma', Record<'branch' | 'sibling' | 'branch_point' | 'soma', number>>;

describe('branch-independence --quick', () => {
  let run: QuickRun;
  it('runs and every check is within its range', async () => {
    run = await runQuick('branch-independence');
    expect(failedChecks(run.checks)).toEqual([]);
    expect(run.checks.length).toBe(6);
  });

  it('each dendritic input is largest where it is given; the soma sees least of every dendritic input', () => {
    const m = run.results.peak_depolarization_mV as Matrix;
    expect(m.branch.branch).toBeGreaterThan(2 * m.branch.sibling);
    expect(m.sibling.sibling).toBeGreaterThan(2 * m.sibling.branch);
    // symmetric siblings: each sees about the same of the other's input
    expect(m.branch.sibling / m.sibling.branch).toBeGreaterThan(0.8);
    expect(m.branch.sibling / m.sibling.branch).toBeLessThan(1.25);
    for (const k of ['branch', 'sibling', 'branch_point'] as const) {
      expect(m[k].soma).toBeLessThan(m[k].branch_point);
      expect(m[k].soma).toBeLessThan(m[k].branch);
    }
    // an input at the soma: every site within 10 % of the soma
    for (const k of ['branch', 'sibling', 'branch_point'] as const) expect(m.soma[k] / m.soma.soma).toBeGreaterThan(0.9);
  });

  it('within-branch summation is supralinear, summation on different stems near-linear, siblings in between', () => {
    const s = (run.results.summation as { pairs_per_cluster: number; same_branch_ratio: number; sibling_ratio: number; between_branch_ratio: number }[])[0];
    expect(s.pairs_per_cluster).toBe(6);
    expect(s.same_branch_ratio).toBeGreaterThan(s.sibling_ratio);
    expect(s.sibling_ratio).toBeGreaterThan(s.between_branch_ratio);
    expect(run.results.figures).toEqual(['matrix.svg', 'branch_input.svg']);
    expect(run.results.protocols.length).toBe(4 + 7);
  });
});
