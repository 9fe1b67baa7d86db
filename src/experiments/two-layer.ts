/**
 * two-layer: the pyramidal neuron as a two-layer neural network (Poirazi, Brannon & Mel 2003,
 * Neuron 37:989). File set: fixtures/experiments/two-layer/ (README.md, base.json).
 *
 * Many random synaptic patterns on the human L2/3 cell (passive): pattern p puts n_b AMPA+NMDA
 * pairs, each firing a regular train with its own random phase, in a cluster on each of B thin
 * terminal basal branches (a total S on k branches, drawn from a fixed seed, so that the same total
 * is sometimes concentrated and sometimes spread). Measured: the somatic depolarisation averaged
 * over the run after its onset. Fitted (./two-layer-fit.ts): the linear point neuron c + Σ w_b n_b,
 * the same sum through an output sigmoid, and the two-layer model g(c + Σ α_b σ((n_b − θ)/s)). The
 * r² of each, on the fitted patterns and cross-validated (4 folds).
 *
 * Firing-rate form (Poirazi et al.'s measure): the same patterns on the cell with Hay et al.'s
 * somatic and axonal channels and a steady somatic bias just below threshold (rate.json); the
 * response is the somatic spike rate from COUNT_FROM_MS to tstop, fitted by the same three models.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseProtocol } from '../protocol/protocol.ts';
import { loadProtocolMorphology } from '../protocol/build.ts';
import { runProtocol } from '../protocol/run.ts';
import { xyFigureSvg } from './figures.ts';
import { check, type Experiment, type ExperimentContext, type ExperimentOutput } from './types.ts';
import { crossValidatedR2, fitLinear, fitLinearSigmoid, fitTwoLayer, linearModel, predict, predictLinear, twoLayerModel, type ModelFit } from './two-layer-fit.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawProtocol = any;

/** The thin terminal basal branches (about 1 µm thick, 135–232 µm long), one per parent branch. */
export const BRANCHES = ['dend[23]', 'dend[20]', 'dend[26]', 'dend[3]', 'dend[30]', 'dend[44]', 'dend[59]', 'dend[62]'];
/** Total active pairs of a pattern: uniform on this range. */
const S_RANGE = [4, 56] as const;
/** Number of branches a pattern uses: concentrated input as often as dispersed. */
const K_CHOICES = [1, 2, 3, 4, 6, 8];
const CLUSTER = { length_um: 60, x: 0.6 };
/** Each pair fires regularly at rate_Hz from start_ms with its own random phase. */
const SYN = { ampa_uS: 0.25e-3, nmda_uS: 1.5e-3, rate_Hz: 10, start_ms: 20 };
/** The somatic depolarisation is averaged from here to tstop. */
const COUNT_FROM_MS = 50;
const QUICK = { patterns: 48, tstop_ms: 250 };
const FULL = { patterns: 240, tstop_ms: 550 };
/** Firing-rate form: more patterns (the rate is quantised by the spike count) of longer runs. */
const RATE_QUICK = { patterns: 96, tstop_ms: 550 };
const RATE_FULL = { patterns: 192, tstop_ms: 550 };
/** A somatic spike: an upward crossing of this voltage. */
const SPIKE_THRESHOLD_mV = 0;
const PATTERN_SEED = 2003;
const FOLDS = 4;

/** mulberry32: a small seeded generator of uniforms in [0, 1) for the patterns (fixed seed). */
function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The synaptic patterns, as Poirazi et al.'s mix of concentrated and dispersed input: a total of S
 * pairs (uniform on sMin..sMax) on k branches (k one of K_CHOICES, the branches chosen at random),
 * each pair on one of the k at random. The same total can thus sit on one branch or spread over all.
 */
export function patterns(count: number, seed: number, branches: number, sMin: number, sMax: number): number[][] {
  const u = uniforms(seed);
  return Array.from({ length: count }, () => {
    const S = sMin + Math.floor(u() * (sMax - sMin + 1));
    const k = Math.min(branches, K_CHOICES[Math.floor(u() * K_CHOICES.length)]);
    const order = Array.from({ length: branches }, (_, i) => i);
    for (let i = branches - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const n = new Array<number>(branches).fill(0);
    for (let q = 0; q < S; q++) n[order[Math.floor(u() * k)]]++;
    return n;
  });
}

/** Regular trains at rate_Hz from start_ms to tstop, one per pair, each shifted by a random phase. */
function phasedTrains(count: number, u: () => number, tstop: number): number[][] {
  const period = 1000 / SYN.rate_Hz;
  return Array.from({ length: count }, () => {
    const times: number[] = [];
    for (let t = SYN.start_ms + u() * period; t < tstop; t += period) times.push(Number(t.toFixed(3)));
    return times;
  });
}

function patternProtocol(base: RawProtocol, n: readonly number[], p: number, tstop: number): RawProtocol {
  const q = structuredClone(base);
  const u = uniforms(PATTERN_SEED + 7919 * (p + 1));
  q.run.tstop_ms = tstop;
  q.synapses = [];
  n.forEach((count, b) => {
    if (count === 0) return;
    const at = { cluster: { section: BRANCHES[b], n: count, length_um: CLUSTER.length_um, x: CLUSTER.x, seed: 1000 * (p + 1) + b } };
    const train = { type: 'explicit', times_ms: phasedTrains(count, u, tstop) };
    q.synapses.push(
      { name: `ampa${b}`, type: 'AMPA', at, train, weight_uS: SYN.ampa_uS },
      { name: `nmda${b}`, type: 'NMDA', at, train, weight_uS: SYN.nmda_uS, params: { mg: 1, gamma: 0.062 } },
    );
  });
  return q;
}

function r4(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(4)) : v;
}

interface Measured { depolarisation_mV: number[]; rate_Hz: number[] }

/** Runs every pattern on base; the somatic depolarisation (mean from COUNT_FROM_MS) and spike rate. */
function simulate(ctx: ExperimentContext, base: RawProtocol, file: string, morphology: ReturnType<typeof loadProtocolMorphology>, X: number[][], tstop: number, prefix: string): Measured {
  const out: Measured = { depolarisation_mV: [], rate_Hz: [] };
  X.forEach((n, p) => {
    const q = patternProtocol(base, n, p, tstop);
    if (p < 3) ctx.protocol(`${prefix}${p}`, q); // the first three, as examples of what every pattern runs
    const run = runProtocol(parseProtocol(structuredClone(q), file), { morphology });
    const k = run.built.probes.findIndex((pr) => pr.label === 'soma');
    const t = run.result.t_ms, v = run.result.traces[k];
    let s = 0, c = 0, spikes = 0;
    for (let i = 1; i < t.length; i++) {
      if (t[i] < COUNT_FROM_MS) continue;
      s += v[i]; c++;
      if (v[i - 1] < SPIKE_THRESHOLD_mV && v[i] >= SPIKE_THRESHOLD_mV) spikes++;
    }
    out.depolarisation_mV.push(s / c - v[0]);
    out.rate_Hz.push(spikes / ((tstop - COUNT_FROM_MS) / 1000));
    if ((p + 1) % 24 === 0) ctx.log(`${prefix}: ${p + 1}/${X.length} patterns`);
  });
  return out;
}

function fitAll(X: number[][], y: number[]) {
  return {
    lin: fitLinear(X, y),
    linSig: fitLinearSigmoid(X, y),
    two: fitTwoLayer(X, y),
    cv: {
      linear: crossValidatedR2(fitLinear, predictLinear, X, y, FOLDS),
      linearSigmoid: crossValidatedR2(fitLinearSigmoid, (p, n) => predict(linearModel, p, n), X, y, FOLDS),
      two: crossValidatedR2(fitTwoLayer, (p, n) => predict(twoLayerModel, p, n), X, y, FOLDS),
    },
  };
}

function scatterFigure(y: number[], fits: { title: string; fit: ModelFit; cv: number }[], what = { label: 'depolarisation (mV)', title: 'two-layer: the somatic response to random synaptic patterns, predicted by three models (Poirazi et al. 2003)', response: `response: somatic depolarisation averaged from ${COUNT_FROM_MS} ms`, cell: 'passive' }): string {
  const hi = Math.max(...y, ...fits.flatMap((f) => f.fit.predicted), 1);
  const lo = Math.min(0, ...fits.flatMap((f) => f.fit.predicted));
  const domain: [number, number] = [lo < 0 ? -Math.ceil(-lo) : 0, Math.ceil(hi / 10) * 10];
  return xyFigureSvg(
    fits.map((f) => ({
      title: `${f.title}: r² ${f.fit.r2.toFixed(3)} (CV ${f.cv.toFixed(3)})`,
      xLabel: `predicted ${what.label}`,
      yLabel: `simulated ${what.label}`,
      xDomain: domain,
      yDomain: domain,
      legend: 'tl' as const,
      series: [
        { label: 'pattern', x: f.fit.predicted, y, noLine: true, markers: true },
        { label: 'identity', x: domain, y: domain, dashed: true, color: '#888888', markers: false },
      ],
    })),
    {
      title: what.title,
      caption: `${y.length} patterns of AMPA+NMDA pairs on ${BRANCHES.length} thin basal branches of the human L2/3 cell (${what.cell}); ${what.response}. Linear: c + Σ w_b n_b; with output sigmoid: g(c + Σ w_b n_b); two-layer: g(c + Σ α_b σ((n_b − θ)/s)); g(z) = R/(1 + e^−z).`,
      panelWidth: 380,
      panelHeight: 360,
    },
  );
}

function subunitFigure(two: ModelFit): string {
  const B = BRANCHES.length;
  const theta = two.params[1 + B], s = two.params[2 + B];
  const x = Array.from({ length: 4 * S_RANGE[1] + 1 }, (_, i) => i / 4);
  return xyFigureSvg(
    [{
      title: `fitted branch subunits: θ ${theta.toFixed(1)} pairs, s ${s.toFixed(2)}`,
      xLabel: 'active AMPA+NMDA pairs on the branch',
      yLabel: 'subunit output α_b·σ (drive z)',
      legend: 'tl',
      series: BRANCHES.map((name, b) => ({ label: name, x, y: x.map((n) => two.params[1 + b] / (1 + Math.exp(-(n - theta) / s))) })),
    }],
    { title: 'two-layer: the first layer, one sigmoid per branch', panelWidth: 560 },
  );
}

export const twoLayer: Experiment = {
  name: 'two-layer',
  title: 'Pyramidal neuron as a two-layer neural network',
  summary: 'somatic response to random synaptic patterns: sum of sigmoidal branch subunits vs a linear point neuron (r²)',
  reproduces: 'Poirazi, Brannon & Mel 2003, Neuron 37:989',
  files: 'fixtures/experiments/two-layer',

  run(ctx: ExperimentContext): ExperimentOutput {
    const file = join(ctx.filesDir, 'base.json');
    const base = JSON.parse(readFileSync(file, 'utf8')) as RawProtocol;
    base.morphology = resolve(dirname(file), base.morphology);
    const morphology = loadProtocolMorphology(parseProtocol(structuredClone(base), file));
    const form = ctx.quick ? QUICK : FULL;
    const X = patterns(form.patterns, PATTERN_SEED, BRANCHES.length, S_RANGE[0], S_RANGE[1]);
    const y = simulate(ctx, base, file, morphology, X, form.tstop_ms, 'pattern_').depolarisation_mV;
    const { lin, linSig, two, cv } = fitAll(X, y);

    // Firing-rate form: the same kind of patterns (more of them) on the cell with somatic spiking channels.
    const rateFile = join(ctx.filesDir, 'rate.json');
    const rateAdd = JSON.parse(readFileSync(rateFile, 'utf8')) as RawProtocol;
    const rateBase = structuredClone(base);
    rateBase.biophysics.mechanisms.push(...rateAdd.mechanisms);
    rateBase.stimuli = rateAdd.stimuli;
    const rateForm = ctx.quick ? RATE_QUICK : RATE_FULL;
    const XR = patterns(rateForm.patterns, PATTERN_SEED, BRANCHES.length, S_RANGE[0], S_RANGE[1]);
    const rate = simulate(ctx, rateBase, rateFile, morphology, XR, rateForm.tstop_ms, 'rate_pattern_').rate_Hz;
    const rf = fitAll(XR, rate);
    const bestPointCv = Math.max(rf.cv.linear, rf.cv.linearSigmoid);
    const bestPointR2 = Math.max(rf.lin.r2, rf.linSig.r2);
    ctx.figure('predicted_vs_actual', scatterFigure(y, [
      { title: 'linear', fit: lin, cv: cv.linear },
      { title: 'linear + sigmoid', fit: linSig, cv: cv.linearSigmoid },
      { title: 'two-layer', fit: two, cv: cv.two },
    ]));
    ctx.figure('subunits', subunitFigure(two));
    ctx.figure('rate_predicted_vs_actual', scatterFigure(rate, [
      { title: 'linear', fit: rf.lin, cv: rf.cv.linear },
      { title: 'linear + sigmoid', fit: rf.linSig, cv: rf.cv.linearSigmoid },
      { title: 'two-layer', fit: rf.two, cv: rf.cv.two },
    ], {
      label: 'firing rate (Hz)',
      title: 'two-layer, firing-rate form: the somatic spike rate under random synaptic patterns, predicted by three models',
      response: `Hay et al.'s somatic and axonal channels, 0.2 nA somatic bias; response: spike rate from ${COUNT_FROM_MS} to ${rateForm.tstop_ms} ms`,
      cell: 'active soma and axon',
    }));
    const B = BRANCHES.length;
    const checks = [
      check('r² of the two-layer model', two.r2, '1', [0.8, 1],
        'Poirazi, Brannon & Mel 2003: the two-layer model explains 91 % of the variance (B. Mel, Gatsby workshop 2002, abstract of the same work)'),
      check('r² two-layer − r² linear point neuron', two.r2 - lin.r2, '1', [0.05, 1],
        'Poirazi et al. 2003: a point neuron (weighted sum of the inputs) explains far less (37 % against 91 %)'),
      check('cross-validated r² of the two-layer model', cv.two, '1', [0.7, 1],
        'Poirazi et al. 2003: the two-layer formula predicts the response to patterns it was not fitted to'),
      check('firing rate: r² two-layer − r² best point neuron (linear, or through the output sigmoid)', rf.two.r2 - bestPointR2, '1', [0.05, 1],
        'Poirazi et al. 2003: the firing rate is predicted by the two-layer model (91 %) far better than by a point neuron (37 %)'),
      check('firing rate: cross-validated r² two-layer − best cross-validated point neuron', rf.cv.two - bestPointCv, '1', [0.05, 1],
        'Poirazi et al. 2003: the two-layer formula predicts the rate for patterns it was not fitted to better than a point neuron'),
    ];
    return {
      results: {
        r2_two_layer: r4(two.r2),
        r2_linear: r4(lin.r2),
        r2_linear_output_sigmoid: r4(linSig.r2),
        r2_cross_validated: { two_layer: r4(cv.two), linear: r4(cv.linear), linear_output_sigmoid: r4(cv.linearSigmoid), folds: FOLDS },
        response: `somatic depolarisation (mV) averaged from ${COUNT_FROM_MS} ms to tstop`,
        patterns: X.length,
        tstop_ms: form.tstop_ms,
        branches: BRANCHES,
        pattern_seed: PATTERN_SEED,
        total_pairs_range: S_RANGE,
        branches_per_pattern: K_CHOICES,
        depolarisation_mV: { min: r4(Math.min(...y)), max: r4(Math.max(...y)), mean: r4(y.reduce((a, b) => a + b, 0) / y.length) },
        two_layer_fit: { c: r4(two.params[0]), alpha: two.params.slice(1, 1 + B).map(r4), theta_pairs: r4(two.params[1 + B]), s_pairs: r4(two.params[2 + B]), R_mV: r4(two.params[3 + B]) },
        linear_fit: { c_mV: r4(lin.params[0]), w_mV_per_pair: lin.params.slice(1, 1 + B).map(r4) },
        linear_output_sigmoid_fit: { c: r4(linSig.params[0]), w_per_pair: linSig.params.slice(1, 1 + B).map(r4), R_mV: r4(linSig.params[1 + B]) },
        firing_rate: {
          response: `somatic spike rate (Hz), upward crossings of ${SPIKE_THRESHOLD_mV} mV from ${COUNT_FROM_MS} ms to tstop; Hay et al.'s somatic and axonal channels and a 0.2 nA somatic bias (rate.json)`,
          patterns: XR.length,
          tstop_ms: rateForm.tstop_ms,
          rate_Hz: { min: r4(Math.min(...rate)), max: r4(Math.max(...rate)), mean: r4(rate.reduce((a, b) => a + b, 0) / rate.length) },
          r2_two_layer: r4(rf.two.r2),
          r2_linear: r4(rf.lin.r2),
          r2_linear_output_sigmoid: r4(rf.linSig.r2),
          r2_cross_validated: { two_layer: r4(rf.cv.two), linear: r4(rf.cv.linear), linear_output_sigmoid: r4(rf.cv.linearSigmoid), folds: FOLDS },
          two_layer_fit: { c: r4(rf.two.params[0]), alpha: rf.two.params.slice(1, 1 + B).map(r4), theta_pairs: r4(rf.two.params[1 + B]), s_pairs: r4(rf.two.params[2 + B]), R_Hz: r4(rf.two.params[3 + B]) },
          data: XR.map((n, p) => ({ n, rate_Hz: r4(rate[p]), linear_Hz: r4(rf.lin.predicted[p]), linear_output_sigmoid_Hz: r4(rf.linSig.predicted[p]), two_layer_Hz: r4(rf.two.predicted[p]) })),
        },
        data: X.map((n, p) => ({ n, depolarisation_mV: r4(y[p]), linear_mV: r4(lin.predicted[p]), linear_output_sigmoid_mV: r4(linSig.predicted[p]), two_layer_mV: r4(two.predicted[p]) })),
      },
      checks,
    };
  },
};
