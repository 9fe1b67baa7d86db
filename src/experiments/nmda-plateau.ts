/**
 * nmda-plateau: NMDA spike/plateau amplitude and duration against the number of clustered synapses
 * (a sigmoid with a threshold: Schiller et al. 2000; Major et al. 2008), and clustered against
 * dispersed input (supralinear within a branch, near-linear across branches: Polsky et al. 2004).
 * File set: fixtures/experiments/nmda-plateau/ (README.md, cluster.json).
 *
 * N AMPA + NMDA pairs as a seeded cluster within 20 µm on the thin basal branch dend[23] of the
 * human L2/3 cell, one volley at 10 ms. Measured: at the cluster, the peak and the plateau duration
 * (width at half amplitude above rest); at the soma, the peak. The somatic peak against N is fitted
 * with y0 + A/(1 + exp(−(N − N50)/k)); N50 is the threshold. The linear expectation of a cluster is
 * N times the one-pair EPSP; of a dispersed set, 10 times its response at a tenth of the weights.
 */
import { check, type Experiment, type ExperimentContext, type ExperimentOutput } from './types.ts';
import { amplitude, feature, r4, Runner, xySvg, type RawProtocol, type RunTraces } from './dendritic-runs.ts';
import { tracesSvg, type TraceSeries } from '../io/svg/index.ts';

const ONSET_MS = 10;
/** The N whose plateau is "the top" of the curve (both forms run it). */
const N_TOP = 32;
/** The N at which clustered and dispersed input are compared. */
const N_COMPARE = 16;
const QUICK_N = [1, 4, 8, 10, 12, 16, 24, 32];
const FULL_N = [...Array.from({ length: 24 }, (_, i) => i + 1), 28, 32, 36, 40];
const DISPERSED_SEED = 1;

export interface SigmoidFit {
  y0: number;
  A: number;
  n50: number;
  k: number;
  r2: number;
}

/**
 * Least-squares fit of y = y0 + A/(1 + exp(−(x − n50)/k)): a grid over n50 and k (log-spaced), y0
 * and A solved linearly at each grid point, then the grid refined twice around the best point.
 */
export function fitSigmoid(x: readonly number[], y: readonly number[]): SigmoidFit {
  const lo = Math.min(...x), hi = Math.max(...x);
  let best = { y0: NaN, A: NaN, n50: NaN, k: NaN, sse: Infinity };
  const tryPoint = (n50: number, k: number) => {
    const s = x.map((v) => 1 / (1 + Math.exp(-(v - n50) / k)));
    const n = x.length;
    const ms = s.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
    let sxy = 0, sxx = 0;
    for (let i = 0; i < n; i++) { sxy += (s[i] - ms) * (y[i] - my); sxx += (s[i] - ms) ** 2; }
    if (!(sxx > 0)) return;
    const A = sxy / sxx, y0 = my - A * ms;
    let sse = 0;
    for (let i = 0; i < n; i++) sse += (y[i] - y0 - A * s[i]) ** 2;
    if (sse < best.sse) best = { y0, A, n50, k, sse };
  };
  let n50Lo = lo, n50Hi = hi, lkLo = Math.log(0.1), lkHi = Math.log(hi - lo);
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i <= 120; i++) for (let j = 0; j <= 60; j++) tryPoint(n50Lo + ((n50Hi - n50Lo) * i) / 120, Math.exp(lkLo + ((lkHi - lkLo) * j) / 60));
    const dn = (n50Hi - n50Lo) / 20, dk = (lkHi - lkLo) / 10;
    [n50Lo, n50Hi, lkLo, lkHi] = [best.n50 - dn, best.n50 + dn, Math.log(best.k) - dk, Math.log(best.k) + dk];
  }
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  const sst = y.reduce((a, v) => a + (v - my) ** 2, 0);
  return { y0: best.y0, A: best.A, n50: best.n50, k: best.k, r2: 1 - best.sse / sst };
}

function withN(p: RawProtocol, n: number): void {
  for (const s of p.synapses) s.at.cluster.n = n;
}

/** A weight as the protocol gives it (a number in µS, or a string with a unit, "0.5 nS") times `scale`. */
function scaled(w: number | string, scale: number): number | string {
  if (typeof w === 'number') return w * scale;
  const m = /^\s*([-+0-9.eE]+)\s*(.*)$/.exec(w);
  if (!m) throw new Error(`nmda-plateau: cannot scale the weight ${JSON.stringify(w)}`);
  return `${Number(m[1]) * scale} ${m[2]}`.trim();
}

function dispersed(p: RawProtocol, n: number, scale: number): void {
  for (const s of p.synapses) {
    s.at = { random: { region: 'dend', n, seed: DISPERSED_SEED } };
    s.weight_uS = scaled(s.weight_uS, scale);
  }
}

function run(ctx: ExperimentContext): ExperimentOutput {
  const runner = new Runner(ctx, 'cluster.json');
  const tstop = runner.base.run.tstop_ms as number;
  const win = { from_ms: ONSET_MS - 0.5, to_ms: tstop };
  const ns = ctx.quick ? QUICK_N : FULL_N;

  const rows: { n: number; soma_mV: number; branch_mV: number; plateau_ms: number; soma_halfwidth_ms: number }[] = [];
  const traces = new Map<number, { t: Float64Array; branch: Float64Array; soma: Float64Array }>();
  let clusterRun: RunTraces | null = null;
  for (const n of ns) {
    ctx.log(`${n} clustered pair${n === 1 ? '' : 's'}`);
    const r = runner.run(`cluster_n${n}`, runner.variant((p) => withN(p, n)));
    const { cluster, soma } = r.v;
    traces.set(n, { t: r.t_ms, branch: cluster, soma });
    if (n === N_COMPARE) clusterRun = r;
    rows.push({
      n,
      soma_mV: amplitude(r.t_ms, soma, win.from_ms, win.to_ms),
      branch_mV: amplitude(r.t_ms, cluster, win.from_ms, win.to_ms),
      plateau_ms: feature('half_width', r.t_ms, cluster, win),
      soma_halfwidth_ms: feature('half_width', r.t_ms, soma, win),
    });
  }
  const epsp1 = rows.find((q) => q.n === 1)!.soma_mV;
  const fit = fitSigmoid(rows.map((q) => q.n), rows.map((q) => q.soma_mV));
  const top = rows.find((q) => q.n === N_TOP)!;
  const cmp = rows.find((q) => q.n === N_COMPARE)!;

  // dispersed: the same pairs at random over the basal tree; linear expectation from a tenth of the weights
  const dispersedNs = ctx.quick ? [N_COMPARE] : [4, 8, N_COMPARE, 24, N_TOP];
  const disp: { n: number; soma_mV: number; linear_mV: number }[] = [];
  let dispTrace: Float64Array | null = null;
  let dispRun: RunTraces | null = null;
  for (const n of dispersedNs) {
    ctx.log(`${n} dispersed pairs`);
    const full = runner.run(`dispersed_n${n}`, runner.variant((p) => dispersed(p, n, 1)));
    const tenth = runner.run(`dispersed_n${n}_tenth`, runner.variant((p) => dispersed(p, n, 0.1)));
    disp.push({ n, soma_mV: amplitude(full.t_ms, full.v.soma, win.from_ms, win.to_ms), linear_mV: 10 * amplitude(tenth.t_ms, tenth.v.soma, win.from_ms, win.to_ms) });
    if (n === N_COMPARE) {
      dispTrace = full.v.soma;
      dispRun = full;
    }
  }
  const d = disp.find((q) => q.n === N_COMPARE)!;
  const clusteredSupra = cmp.soma_mV / (N_COMPARE * epsp1);
  const dispersedRatio = d.soma_mV / d.linear_mV;
  const clusteredOverDispersed = cmp.soma_mV / d.soma_mV;

  // figures
  const shown = ns.filter((n) => [1, 4, 8, 10, 12, 16, 32].includes(n));
  const t = traces.get(ns[0])!.t;
  const series: TraceSeries[] = [];
  shown.forEach((n, k) => series.push({ label: `branch, N=${n}`, values: traces.get(n)!.branch, panel: 0, color: colorOf(k, shown.length) }));
  shown.forEach((n, k) => series.push({ label: `soma, N=${n}`, values: traces.get(n)!.soma, panel: 1, color: colorOf(k, shown.length) }));
  ctx.figure('traces', tracesSvg(t, series, {
    title: 'NMDA plateaus: N clustered AMPA+NMDA pairs on dend[23]',
    subtitle: 'human L2/3 cell · cluster within 20 µm · one volley at 10 ms · top: the branch · bottom: the soma',
    width: 900,
    height: 680,
  }));
  ctx.figure('amplitude_vs_n', xySvg(rows.map((q) => q.n), [
    { label: 'measured', y: rows.map((q) => q.soma_mV) },
    { label: 'sigmoid fit', y: rows.map((q) => fit.y0 + fit.A / (1 + Math.exp(-(q.n - fit.n50) / fit.k))) },
    { label: 'linear sum', y: rows.map((q) => Math.min(q.n * epsp1, 1.5 * Math.max(...rows.map((z) => z.soma_mV)))) },
  ], {
    title: 'Somatic peak vs number of clustered synapses',
    subtitle: `sigmoid threshold N50 = ${fit.n50.toFixed(1)} pairs, slope ${fit.k.toFixed(2)}, r² = ${fit.r2.toFixed(3)}`,
    xLabel: 'clustered AMPA+NMDA pairs N',
    yLabel: 'soma peak (mV above rest)',
    caption: 'Linear sum: N times the somatic EPSP of one pair (drawn up to 1.5 × the largest measured peak). Sigmoid: y0 + A/(1 + exp(−(N − N50)/k)), least squares.',
  }));
  ctx.figure('duration_vs_n', xySvg(rows.map((q) => q.n), [
    { label: 'branch', y: rows.map((q) => q.plateau_ms) },
    { label: 'soma', y: rows.map((q) => q.soma_halfwidth_ms) },
  ], { title: 'Plateau duration vs number of clustered synapses', subtitle: 'width at half amplitude above rest, at the cluster (branch) and at the soma', xLabel: 'clustered AMPA+NMDA pairs N', yLabel: 'duration (ms)' }));
  const c = traces.get(N_COMPARE)!;
  ctx.figure('clustered_vs_dispersed', tracesSvg(t, [
    { label: 'clustered', values: c.soma },
    { label: 'dispersed', values: dispTrace! },
  ], {
    title: `Soma: ${N_COMPARE} pairs clustered vs dispersed`,
    caption: `The same ${N_COMPARE} AMPA+NMDA pairs and weights, clustered within 20 µm on dend[23] or placed at random (seed ${DISPERSED_SEED}) over the basal tree. Linear sum: N × one-pair EPSP (clustered); 10 × the response at a tenth of the weights (dispersed).`,
    subtitle: `clustered ${cmp.soma_mV.toFixed(2)} mV = ${clusteredSupra.toFixed(2)} × its linear sum · dispersed ${d.soma_mV.toFixed(2)} mV = ${dispersedRatio.toFixed(2)} × its linear sum`,
  }));

  ctx.figure('shape_clustered', runner.shape(clusterRun!, `${N_COMPARE} AMPA+NMDA pairs clustered on dend[23]`, 'human L2/3 cell (Eyal et al. 2016) · synapses as dots · recording sites as circles'));
  ctx.figure('shape_dispersed', runner.shape(dispRun!, `${N_COMPARE} AMPA+NMDA pairs dispersed over the basal tree`, `random sites, seed ${DISPERSED_SEED} · synapses as dots · recording sites as circles`));

  const checks = [
    check('sigmoid threshold of the somatic NMDA-spike amplitude', fit.n50, 'synapses', [8, 50], 'NMDA spikes need ~10–50 coactive synapses clustered within 20–40 µm (Schiller et al. 2000; Major et al. 2008; review: Antic et al. 2010 J Neurosci Res 88:2991)'),
    check(`branch plateau duration at N = ${N_TOP}`, top.plateau_ms, 'ms', [50, 150], 'NMDA spike/plateau potentials last 50–150 ms (Schiller et al. 2000; Major et al. 2008)'),
    check(`somatic half-width at N = ${N_TOP}`, top.soma_halfwidth_ms, 'ms', [44.6, 84.2], 'Schiller et al. 2000 Nature 404:285: somatic NMDA-spike half-width 64.4 ± 19.8 ms (mean ± SD)'),
    check(`clustered: somatic peak / linear sum at N = ${N_COMPARE}`, clusteredSupra, '1', [1.5, 4], 'supralinear summation within a branch (Polsky et al. 2004 Nat Neurosci 7:621; Schiller et al. 2000: NMDA spikes amplified the somatic response by 226 ± 46 %)'),
    check(`dispersed: somatic peak / linear sum at N = ${N_COMPARE}`, dispersedRatio, '1', [0.8, 1.2], 'near-linear summation of inputs on different branches (Polsky et al. 2004)'),
    check(`clustered / dispersed somatic peak at N = ${N_COMPARE}`, clusteredOverDispersed, '1', [1.5, 10], 'clustered input gives a much larger somatic response than the same input dispersed (Polsky et al. 2004)'),
  ];
  return {
    results: {
      cell: 'human L2/3 pyramidal cell 2013_03_06_cell03_789_H41_03 (Eyal et al. 2016), cluster on dend[23]',
      n_synapses: rows.map((q) => q.n),
      soma_peak_mV: rows.map((q) => r4(q.soma_mV)),
      branch_peak_mV: rows.map((q) => r4(q.branch_mV)),
      plateau_duration_ms: rows.map((q) => r4(q.plateau_ms)),
      soma_half_width_ms: rows.map((q) => r4(q.soma_halfwidth_ms)),
      single_pair_soma_epsp_mV: r4(epsp1),
      sigmoid: { threshold_synapses: r4(fit.n50), slope_synapses: r4(fit.k), y0_mV: r4(fit.y0), amplitude_mV: r4(fit.A), r2: r4(fit.r2) },
      plateau_duration_top_ms: r4(top.plateau_ms),
      n_top: N_TOP,
      n_compare: N_COMPARE,
      clustered_soma_mV: r4(cmp.soma_mV),
      clustered_linear_sum_mV: r4(N_COMPARE * epsp1),
      dispersed: disp.map((q) => ({ n: q.n, soma_mV: r4(q.soma_mV), linear_sum_mV: r4(q.linear_mV) })),
      clustered_supralinearity: r4(clusteredSupra),
      dispersed_linearity: r4(dispersedRatio),
      clustered_over_dispersed: r4(clusteredOverDispersed),
    },
    checks,
  };
}

function colorOf(k: number, n: number): string {
  // dark blue to orange: small N cool, large N warm
  const u = n > 1 ? k / (n - 1) : 0;
  const a = [30, 60, 160], b = [230, 110, 20];
  return `rgb(${a.map((v, i) => Math.round(v + (b[i] - v) * u)).join(',')})`;
}

export const nmdaPlateau: Experiment = {
  name: 'nmda-plateau',
  title: 'NMDA plateaus against the number of clustered synapses; clustered vs dispersed input',
  summary: 'NMDA spike/plateau amplitude and duration vs N clustered synapses (sigmoid threshold), and clustered vs dispersed summation',
  reproduces: 'Schiller et al. 2000 Nature 404:285; Major et al. 2008 J Neurophysiol 99:2584; Polsky, Mel & Schiller 2004 Nat Neurosci 7:621',
  files: 'fixtures/experiments/nmda-plateau',
  run,
};
