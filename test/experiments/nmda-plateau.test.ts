/**
 * nmda-plateau (--quick): the somatic NMDA-spike amplitude against the number of clustered
 * AMPA+NMDA pairs is a sigmoid whose threshold, the plateau duration at the top, the somatic
 * half-width and the clustered/dispersed summation fall in the published ranges (the checks of
 * src/experiments/nmda-plateau.ts), and the curve has the shape those numbers summarise.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failedChecks, runQuick } from './helpers.ts';
import { fitSigmoid } from '../../src/experiments/nmda-plateau.ts';

describe('experiment nmda-plateau --quick', async () => {
  const { results, checks, dir } = await runQuick('nmda-plateau');
  const r = results as any;

  it('every literature check passes', () => {
    console.log(checks.map((c) => `${c.name}: ${c.value.toPrecision(4)} ${c.unit} [${c.range}]`).join('\n'));
    expect(checks.length).toBe(6);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('the curve: near-linear below threshold, supralinear and saturating above; plateaus lengthen with N', () => {
    const n: number[] = r.n_synapses, soma: number[] = r.soma_peak_mV, dur: number[] = r.plateau_duration_ms;
    const e1 = r.single_pair_soma_epsp_mV;
    // 4 pairs sum within 15 % of linear; 16 pairs far above it
    expect(soma[n.indexOf(4)] / (4 * e1)).toBeGreaterThan(0.85);
    expect(soma[n.indexOf(4)] / (4 * e1)).toBeLessThan(1.15);
    for (let i = 1; i < n.length; i++) {
      expect(soma[i]).toBeGreaterThan(soma[i - 1]);
      expect(dur[i]).toBeGreaterThan(dur[i - 1]);
    }
    // a brief EPSP at 1 pair (< 10 ms at half amplitude), a plateau far longer than the AMPA input at the top
    expect(dur[0]).toBeLessThan(10);
    expect(r.sigmoid.r2).toBeGreaterThan(0.98);
  });

  it('writes its figures and the protocols it ran', () => {
    for (const f of ['traces.svg', 'amplitude_vs_n.svg', 'duration_vs_n.svg', 'clustered_vs_dispersed.svg', 'shape_clustered.svg', 'shape_dispersed.svg']) expect(existsSync(join(dir, f))).toBe(true);
    expect(results.protocols).toContain('cluster_n32.json');
    expect(results.protocols).toContain('dispersed_n16.json');
  });
});

describe('fitSigmoid', () => {
  it('recovers the parameters of an exact sigmoid', () => {
    const x = [1, 3, 5, 7, 9, 11, 13, 15, 20, 30];
    const y = x.map((v) => 0.5 + 12 / (1 + Math.exp(-(v - 9.3) / 1.7)));
    const f = fitSigmoid(x, y);
    expect(f.n50).toBeCloseTo(9.3, 1);
    expect(f.k).toBeCloseTo(1.7, 1);
    expect(f.A).toBeCloseTo(12, 1);
    expect(f.r2).toBeGreaterThan(0.9999);
  });
});
