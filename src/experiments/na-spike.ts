/**
 * na-spike: a dendritic Na spike in a radial oblique dendrite of a CA1 pyramidal cell, triggered by
 * ~20 clustered synchronous inputs, and its coincidence window (Losonczy & Magee 2006: ~20 inputs
 * within ~6 ms; fast dendritic Na spikes: Golding & Spruston 1998). File set:
 * fixtures/experiments/na-spike/ (README.md, oblique.json).
 *
 * The 20 AMPA + NMDA pairs of the cluster are activated one after the other, synapse j at
 * 10 + j·spread/19 ms, for a set of spreads. Every spread runs twice, with the dendritic Na
 * channel and without it (the "TTX" control, gNaTa_tbar = 0). The Na-dependent component is the
 * difference of the two branch traces; a spread gives a spike when that component's peak is above
 * SPIKE_MV. The coincidence window is the spread at which the Na component has fallen to half its
 * synchronous value (linear interpolation between spreads). The spike's width is the width at
 * half amplitude (above rest) of the branch trace for synchronous input.
 */
import { check, type Experiment, type ExperimentContext, type ExperimentOutput } from './types.ts';
import { amplitude, feature, minus, r4, Runner, xySvg, type RawProtocol, type RunTraces } from './dendritic-runs.ts';
import { tracesSvg, type TraceSeries } from '../io/svg/index.ts';
import { uniformGenerator } from '../channels/random.ts';

const ONSET_MS = 10;
/** A Na-dependent component above this (mV) is a spike. */
export const SPIKE_MV = 10;
const QUICK_SPREADS = [0, 2, 4, 6, 8, 10];
const FULL_SPREADS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16];
/** Full form only: trials per spread with random input times, for the spike probability. */
const FULL_TRIALS = 8;
const FULL_TRIAL_SPREADS = [2, 4, 6, 8, 10, 12, 16];
const TRIAL_SEED = 2006;

/** Input j at 10 + j·spread/(n − 1) ms, or at the given offsets (ms after 10 ms); without Na when !na. */
function withSpread(p: RawProtocol, spread_ms: number, na: boolean, offsets_ms?: readonly number[]): void {
  const n = p.synapses[0].at.cluster.n as number;
  const times = Array.from({ length: n }, (_, j) => [ONSET_MS + (offsets_ms ? offsets_ms[j] : n > 1 ? (j * spread_ms) / (n - 1) : 0)]);
  for (const s of p.synapses) s.train = { type: 'explicit', times_ms: times };
  if (!na) p.biophysics.mechanisms.find((m: { name: string }) => m.name === 'NaTa_t').params.gNaTa_tbar = 0;
}

/** Where y (falling) crosses `level` between grid points of x; the last x if it never does. */
export function crossing(x: readonly number[], y: readonly number[], level: number): number {
  for (let i = 1; i < x.length; i++) {
    if (y[i - 1] >= level && y[i] < level) return x[i - 1] + ((y[i - 1] - level) / (y[i - 1] - y[i])) * (x[i] - x[i - 1]);
  }
  return y[y.length - 1] >= level ? x[x.length - 1] : x[0];
}

function run(ctx: ExperimentContext): ExperimentOutput {
  const runner = new Runner(ctx, 'oblique.json');
  const tstop = runner.base.run.tstop_ms as number;
  const win = { from_ms: ONSET_MS - 0.1, to_ms: tstop };
  const spreads = ctx.quick ? QUICK_SPREADS : FULL_SPREADS;
  const nInputs = runner.base.synapses[0].at.cluster.n as number;

  const rows: { spread: number; branch_mV: number; ttx_mV: number; na_mV: number; soma_mV: number; soma_ttx_mV: number; max_dvdt: number }[] = [];
  const shown: { spread: number; t: Float64Array; active: Float64Array; ttx: Float64Array; soma: Float64Array }[] = [];
  let width = NaN, naWidth = NaN, peak_mV = NaN;
  let syncRun: RunTraces | null = null;
  for (const spread of spreads) {
    ctx.log(`${nInputs} inputs spread over ${spread} ms`);
    const a = runner.run(`spread_${spread}ms`, runner.variant((p) => withSpread(p, spread, true)));
    const b = runner.run(`spread_${spread}ms_ttx`, runner.variant((p) => withSpread(p, spread, false)));
    const t = a.t_ms;
    const na = minus(a.v.branch, b.v.branch);
    let dvdt = 0;
    for (let i = 1; i < t.length; i++) dvdt = Math.max(dvdt, (a.v.branch[i] - a.v.branch[i - 1]) / (t[i] - t[i - 1]));
    rows.push({
      spread,
      branch_mV: amplitude(t, a.v.branch, win.from_ms, win.to_ms),
      ttx_mV: amplitude(t, b.v.branch, win.from_ms, win.to_ms),
      na_mV: amplitude(t, na, win.from_ms, win.to_ms),
      soma_mV: amplitude(t, a.v.soma, win.from_ms, win.to_ms),
      soma_ttx_mV: amplitude(t, b.v.soma, win.from_ms, win.to_ms),
      max_dvdt: dvdt,
    });
    if (spread === 0) {
      syncRun = a;
      width = feature('half_width', t, a.v.branch, win);
      naWidth = feature('half_width', t, na, win);
      peak_mV = feature('peak', t, a.v.branch, win);
    }
    if ([0, 4, 8].includes(spread)) shown.push({ spread, t, active: a.v.branch, ttx: b.v.branch, soma: a.v.soma });
  }
  // one input alone, for scale
  const one = runner.run('single_input', runner.variant((p) => {
    for (const s of p.synapses) s.at.cluster.n = 1;
  }));
  const single = { branch: amplitude(one.t_ms, one.v.branch, win.from_ms, win.to_ms), soma: amplitude(one.t_ms, one.v.soma, win.from_ms, win.to_ms) };

  // full form: the spike probability when the 20 input times are drawn at random within the spread
  const probability: { spread: number; p: number }[] = [];
  if (!ctx.quick) {
    const u = uniformGenerator(TRIAL_SEED);
    for (const spread of FULL_TRIAL_SPREADS) {
      let spikes = 0;
      for (let k = 0; k < FULL_TRIALS; k++) {
        ctx.log(`random timing within ${spread} ms, trial ${k + 1}/${FULL_TRIALS}`);
        const offsets = Array.from({ length: nInputs }, () => u() * spread);
        const a = runner.run(`random_${spread}ms_trial${k}`, runner.variant((p) => withSpread(p, spread, true, offsets)));
        const b = runner.run(`random_${spread}ms_trial${k}_ttx`, runner.variant((p) => withSpread(p, spread, false, offsets)));
        if (amplitude(a.t_ms, minus(a.v.branch, b.v.branch), win.from_ms, win.to_ms) > SPIKE_MV) spikes++;
      }
      probability.push({ spread, p: spikes / FULL_TRIALS });
    }
  }

  const sync = rows[0];
  const x = rows.map((q) => q.spread);
  const window_ms = crossing(x, rows.map((q) => q.na_mV), sync.na_mV / 2);
  const lastSpike = rows.filter((q) => q.na_mV > SPIKE_MV).reduce((m, q) => Math.max(m, q.spread), -Infinity);

  // figures
  const firstFail = rows.find((q) => !(q.na_mV > SPIKE_MV))?.spread;
  const t = shown[0].t;
  const series: TraceSeries[] = [];
  const colors = ['#1f4e9c', '#d9731a', '#3a9a3a'];
  shown.forEach((s, k) => {
    series.push({ label: `${s.spread} ms spread`, values: s.active, color: colors[k], panel: 0 });
    series.push({ label: `${s.spread} ms, no Na`, values: s.ttx, color: colors[k] + '88', panel: 0 });
  });
  shown.forEach((s, k) => series.push({ label: `soma, ${s.spread} ms`, values: s.soma, color: colors[k], panel: 1 }));
  ctx.figure('traces', tracesSvg(t, series, {
    title: 'Dendritic Na spike in a CA1 oblique dendrite',
    subtitle: `${nInputs} clustered AMPA+NMDA inputs on apic[80] · top: the branch (faint: without dendritic Na) · bottom: the soma`,
    xDomain: [5, 30],
    width: 900,
    height: 680,
    caption: `Synapse j is activated at 10 + j·spread/${nInputs - 1} ms. Synchronous input fires a ${width.toFixed(2)} ms wide spike (half amplitude above rest)${firstFail === undefined ? '' : `; spread over ${firstFail} ms it does not`}.`,
  }));
  ctx.figure('window', xySvg(x, [
    { label: 'Na component', y: rows.map((q) => q.na_mV) },
    { label: 'branch peak', y: rows.map((q) => q.branch_mV) },
    { label: 'branch, no Na', y: rows.map((q) => q.ttx_mV) },
  ], {
    title: 'Coincidence window of the dendritic Na spike',
    subtitle: `window (Na component at half its synchronous value): ${window_ms.toFixed(1)} ms`,
    xLabel: `spread of the ${nInputs} inputs (ms)`,
    yLabel: 'amplitude above rest (mV)',
    caption: 'Na component: peak of (branch with Na − branch without Na). A spread is a spike when it exceeds 10 mV.',
  }));

  if (probability.length > 0) {
    ctx.figure('probability', xySvg(probability.map((q) => q.spread), [{ label: 'spike probability', y: probability.map((q) => q.p) }], {
      title: 'Spike probability with random input timing',
      subtitle: `${FULL_TRIALS} trials per spread; the ${nInputs} input times drawn uniformly within the spread (seed ${TRIAL_SEED})`,
      xLabel: 'spread of the inputs (ms)',
      yLabel: 'fraction of trials with a spike',
    }));
  }

  ctx.figure('shape', runner.shape(syncRun!, `${nInputs} clustered inputs on the oblique apic[80]`, 'CA1 pyramidal cell c91662 · dendritic NaTa_t + SKv3_1 only in apic[80] · synapses as dots'));

  const checks = [
    check('dendritic spike width at half amplitude (synchronous input)', width, 'ms', [1, 2], 'a fast dendritic Na spike, 1–2 ms wide (the range issue 11 asks for; fast Na spikes in CA1 dendrites: Golding & Spruston 1998 Neuron 21:1189; Losonczy & Magee 2006 Neuron 50:291: the oblique spike is a fast Na+ spike)'),
    check('coincidence window (Na component at half its synchronous value)', window_ms, 'ms', [2, 10], 'Losonczy & Magee 2006: spikes need ~20 inputs within ~6 ms; asynchronous input sums linearly'),
  ];
  return {
    results: {
      cell: 'CA1 pyramidal cell c91662 (Ishizuka et al. 1995), radial oblique apic[80]',
      dendritic_channels: { NaTa_t_S_per_cm2: 0.06, SKv3_1_S_per_cm2: 0.005, region: 'apic[80]' },
      n_inputs: nInputs,
      spike_half_width_ms: r4(width),
      na_component_half_width_ms: r4(naWidth),
      spike_peak_mV: r4(peak_mV),
      spike_amplitude_mV: r4(sync.branch_mV),
      na_component_mV: r4(sync.na_mV),
      max_dvdt_V_per_s: r4(sync.max_dvdt),
      coincidence_window_ms: r4(window_ms),
      largest_spread_with_spike_ms: lastSpike,
      spread_ms: x,
      branch_peak_mV: rows.map((q) => r4(q.branch_mV)),
      branch_peak_no_na_mV: rows.map((q) => r4(q.ttx_mV)),
      na_component_by_spread_mV: rows.map((q) => r4(q.na_mV)),
      spike_by_spread: rows.map((q) => q.na_mV > SPIKE_MV),
      soma_peak_mV: rows.map((q) => r4(q.soma_mV)),
      soma_peak_no_na_mV: rows.map((q) => r4(q.soma_ttx_mV)),
      single_input_mV: { branch: r4(single.branch), soma: r4(single.soma) },
      // full form only (null with --quick): input times drawn at random within the spread
      spike_probability_random_timing: probability.length > 0 ? { trials: FULL_TRIALS, seed: TRIAL_SEED, spread_ms: probability.map((q) => q.spread), p: probability.map((q) => q.p) } : null,
    },
    checks,
  };
}

export const naSpike: Experiment = {
  name: 'na-spike',
  title: 'Dendritic Na spike and its coincidence window (CA1 oblique dendrite)',
  summary: 'a 1–2 ms dendritic Na spike from ~20 clustered synchronous inputs; spike amplitude vs the time spread of the inputs',
  reproduces: 'Losonczy & Magee 2006 Neuron 50:291; Golding & Spruston 1998 Neuron 21:1189',
  files: 'fixtures/experiments/na-spike',
  run,
};
