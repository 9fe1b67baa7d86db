/**
 * `attenuation --quick`: a passive ball and stick against the sealed-cable solution, and the passive
 * CA1 cell c91662 against Golding et al. 2005 (50 % steady-state attenuation along the trunk near
 * 409 µm with H channels blocked; > 100-fold EPSP attenuation from thin distal dendrites) and Rall &
 * Rinzel 1973 (dendrite → soma attenuation far exceeds soma → dendrite).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failedChecks, runQuick, type QuickRun } from './helpers.ts';

describe('attenuation --quick', () => {
  let run: QuickRun;
  it('runs and every check is within its range', async () => {
    run = await runQuick('attenuation');
    expect(failedChecks(run.checks)).toEqual([]);
    expect(run.checks.length).toBe(6);
    expect(run.results.all_checks_pass).toBe(true);
  });

  it('ball and stick: λ = √(Rm d / 4 Ri), steady attenuation equals cosh(L − X)/cosh(L) to 1e-3', () => {
    const sticks = run.results.sticks as { diam_um: number; lambda_um: number; soma_injection_V_over_V0: number[]; soma_injection_theory: number[]; tip_to_soma_steady: number }[];
    expect(sticks.map((s) => s.diam_um)).toEqual([0.5, 1, 2, 4]);
    expect(sticks[1].lambda_um).toBeCloseTo(500, 6); // Rm 10 kΩ cm², Ri 100 Ω cm, d 1 µm
    for (const s of sticks) {
      s.soma_injection_V_over_V0.forEach((v, i) => expect(Math.abs(v - s.soma_injection_theory[i])).toBeLessThan(1e-3));
    }
    // at the sealed end (1000 µm): 1/cosh(L), L = 2 for d = 1 µm
    expect(sticks[1].soma_injection_V_over_V0[10]).toBeCloseTo(1 / Math.cosh(2), 3);
    // thicker dendrites attenuate less, both ways
    for (let k = 1; k < 4; k++) {
      expect(sticks[k].soma_injection_V_over_V0[10]).toBeGreaterThan(sticks[k - 1].soma_injection_V_over_V0[10]);
      expect(sticks[k].tip_to_soma_steady).toBeGreaterThan(sticks[k - 1].tip_to_soma_steady);
    }
  });

  it('CA1: half-attenuation distance near Golding\'s 409 µm; thin distal branches attenuate EPSPs ~100-fold, the trunk a few-fold', () => {
    const ca1 = run.results.ca1 as { half_attenuation_distance_trunk_um: number; max_epsp_attenuation_beyond_300um: number; sites: { distance_um: number; diam_um: number; epsp_attenuation: number; ss_dend_to_soma: number; ss_soma_to_dend: number }[] };
    expect(ca1.half_attenuation_distance_trunk_um).toBeGreaterThan(350);
    expect(ca1.half_attenuation_distance_trunk_um).toBeLessThan(470);
    const trunk300 = ca1.sites.filter((s) => s.distance_um === 300).reduce((a, b) => (b.diam_um > a.diam_um ? b : a));
    expect(trunk300.epsp_attenuation).toBeLessThan(10);
    expect(ca1.max_epsp_attenuation_beyond_300um).toBeGreaterThan(10 * trunk300.epsp_attenuation);
    // at the thinnest site, brief EPSPs attenuate more than steady signals (dendritic low-pass filtering)
    const thin = ca1.sites.reduce((a, b) => (b.diam_um < a.diam_um || (b.diam_um === a.diam_um && b.distance_um > a.distance_um) ? b : a));
    expect(thin.epsp_attenuation).toBeGreaterThan(2 / thin.ss_dend_to_soma);
    // soma → dendrite is always the easier direction
    for (const s of ca1.sites) expect(s.ss_soma_to_dend).toBeGreaterThan(s.ss_dend_to_soma);
  });

  it('writes its figures and protocols', () => {
    expect(run.results.figures).toEqual(['sticks.svg', 'ca1.svg', 'epsp_traces.svg']);
    for (const f of run.results.figures) expect(readFileSync(join(run.dir, f), 'utf8')).toMatch(/^<svg/);
    expect(run.results.protocols.length).toBe(8 + 1 + 2 * 8);
    for (const p of run.results.protocols) expect(existsSync(join(run.dir, 'protocols', p))).toBe(true);
  });
});
