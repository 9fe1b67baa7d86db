/**
 * two-layer (--quick): the somatic response of the human L2/3 cell to random synaptic patterns is
 * predicted by a sum of sigmoidal branch subunits (Poirazi, Brannon & Mel 2003) better than by a
 * linear point neuron, on the fitted patterns and on held-out ones (the checks of
 * src/experiments/two-layer.ts); and the fits of src/experiments/two-layer-fit.ts recover known
 * models.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failedChecks, runQuick } from './helpers.ts';
import { crossValidatedR2, fitLinear, fitLinearSigmoid, fitTwoLayer, predict, predictLinear, twoLayerModel } from '../../src/experiments/two-layer-fit.ts';
import { patterns } from '../../src/experiments/two-layer.ts';

describe('experiment two-layer --quick', async () => {
  const { results, checks, dir } = await runQuick('two-layer');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const r = results as any;

  it('every literature check passes', () => {
    console.log(checks.map((c) => `${c.name}: ${c.value.toPrecision(4)} ${c.unit} [${c.range}]`).join('\n'));
    console.log('r2', r.r2_two_layer, r.r2_linear, r.r2_linear_output_sigmoid, 'cv', JSON.stringify(r.r2_cross_validated));
    expect(checks.length).toBe(5);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('reports both r² values; the two-layer model also wins on held-out patterns', () => {
    expect(r.r2_two_layer).toBeGreaterThan(r.r2_linear);
    expect(r.r2_two_layer).toBeGreaterThan(r.r2_linear_output_sigmoid);
    expect(r.r2_cross_validated.two_layer).toBeGreaterThan(r.r2_cross_validated.linear + 0.05);
    expect(r.r2_cross_validated.two_layer).toBeGreaterThan(r.r2_cross_validated.linear_output_sigmoid + 0.05);
    expect(r.patterns).toBe(48);
  });

  it('firing-rate form: the rate is graded, and the two-layer model predicts it better than the point neurons, also on held-out patterns', () => {
    const f = r.firing_rate;
    console.log('rate r2', f.r2_two_layer, f.r2_linear, f.r2_linear_output_sigmoid, 'cv', JSON.stringify(f.r2_cross_validated), 'rate', JSON.stringify(f.rate_Hz));
    expect(f.patterns).toBe(96);
    expect(f.rate_Hz.min).toBe(0);
    expect(f.rate_Hz.max).toBeGreaterThan(10);
    const levels = new Set((f.data as { rate_Hz: number }[]).map((d) => d.rate_Hz));
    expect(levels.size).toBeGreaterThan(5);
    expect(f.r2_cross_validated.two_layer).toBeGreaterThan(f.r2_cross_validated.linear + 0.05);
    expect(f.r2_cross_validated.two_layer).toBeGreaterThan(f.r2_cross_validated.linear_output_sigmoid + 0.05);
  });

  it('firing-rate form: about 24-32 pairs on one branch make the cell fire, the same total spread over 6-8 branches does not', () => {
    const data = r.firing_rate.data as { n: number[]; rate_Hz: number }[];
    const k = (d: { n: number[] }) => d.n.filter((x) => x > 0).length;
    const S = (d: { n: number[] }) => d.n.reduce((a, b) => a + b, 0);
    const single = data.filter((d) => k(d) === 1 && S(d) >= 24 && S(d) <= 40);
    const spread = data.filter((d) => k(d) >= 6 && S(d) >= 24 && S(d) <= 40);
    console.log('one branch', single.map((d) => [S(d), d.rate_Hz]), 'spread', spread.map((d) => [S(d), d.rate_Hz]));
    expect(single.length).toBeGreaterThan(0);
    expect(spread.length).toBeGreaterThan(0);
    const mean = (ds: typeof data) => ds.reduce((a, d) => a + d.rate_Hz, 0) / ds.length;
    expect(mean(single)).toBeGreaterThan(mean(spread) + 4);
  });

  it('branches are nonlinear subunits: 30+ pairs on one branch give more per pair than the same total spread over 6-8 branches', () => {
    const data = r.data as { n: number[]; depolarisation_mV: number }[];
    const single = data.filter((d) => d.n.filter((x) => x > 0).length === 1 && d.n.reduce((a, b) => a + b, 0) >= 30);
    const spread = data.filter((d) => d.n.filter((x) => x > 0).length >= 6 && d.n.reduce((a, b) => a + b, 0) >= 30);
    expect(single.length).toBeGreaterThan(0);
    expect(spread.length).toBeGreaterThan(0);
    const perPair = (ds: typeof data) => ds.reduce((a, d) => a + d.depolarisation_mV / d.n.reduce((x, y) => x + y, 0), 0) / ds.length;
    console.log('mV per pair: one branch', perPair(single), 'spread', perPair(spread));
    expect(perPair(single)).toBeGreaterThan(1.3 * perPair(spread));
  });

  it('writes its figures and example protocols', () => {
    for (const f of ['predicted_vs_actual.svg', 'subunits.svg', 'rate_predicted_vs_actual.svg']) expect(existsSync(join(dir, f))).toBe(true);
    expect(results.protocols).toContain('pattern_0.json');
    expect(results.protocols).toContain('rate_pattern_0.json');
  });
});

describe('two-layer fits', () => {
  const X = patterns(120, 7, 6, 2, 40);

  it('patterns: totals within range, on at most the chosen branches, reproducible from the seed', () => {
    for (const n of X) {
      const S = n.reduce((a, b) => a + b, 0);
      expect(S).toBeGreaterThanOrEqual(2);
      expect(S).toBeLessThanOrEqual(40);
    }
    expect(patterns(120, 7, 6, 2, 40)).toEqual(X);
    expect(X.some((n) => n.filter((x) => x > 0).length === 1)).toBe(true);
    expect(X.some((n) => n.filter((x) => x > 0).length === 6)).toBe(true);
  });

  it('recover an exact linear model and an exact two-layer model', () => {
    const w = [0.3, 0.5, 0.2, 0.4, 0.1, 0.6];
    const yLin = X.map((n) => 1.5 + n.reduce((a, v, b) => a + w[b] * v, 0));
    const lin = fitLinear(X, yLin);
    expect(lin.r2).toBeGreaterThan(1 - 1e-12);
    lin.params.slice(1).forEach((v, b) => expect(v).toBeCloseTo(w[b], 7));

    const truth = [-3, 2, 3, 1.5, 2.5, 2, 3, 9, 2.5, 30]; // c, α_1..α_6, θ, s, R
    const yTwo = X.map((n) => predict(twoLayerModel, truth, n));
    const two = fitTwoLayer(X, yTwo);
    expect(two.r2).toBeGreaterThan(0.9999);
    expect(two.params[7]).toBeCloseTo(9, 1);
    expect(two.params[8]).toBeCloseTo(2.5, 1);
    // the linear models cannot follow the saturating subunits
    expect(fitLinear(X, yTwo).r2).toBeLessThan(0.99);
    expect(fitLinearSigmoid(X, yTwo).r2).toBeLessThan(two.r2);
    // and held-out patterns are predicted as well as the fitted ones
    expect(crossValidatedR2(fitTwoLayer, (p, n) => predict(twoLayerModel, p, n), X, yTwo, 4)).toBeGreaterThan(0.999);
    expect(crossValidatedR2(fitLinear, predictLinear, X, yLin, 4)).toBeGreaterThan(1 - 1e-9);
  });
});
