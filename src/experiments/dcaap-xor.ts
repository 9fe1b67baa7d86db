/**
 * dcaap-xor: the dendritic Ca action potential (dCaAP) of human L2/3 pyramidal neurons and the XOR
 * it lets one neuron compute (Gidon et al. 2020, Science 367:83; model ModelDB 254217,
 * Fig3andS9/xor.hoc). File set: fixtures/experiments/dcaap-xor/ (README.md, testpulse.json, xor.json).
 *
 * (a) testpulse.json, Gidon's `test_pulse_uncoupled`: a current step at the dCaAP site of a passive
 *     cell, 0.16–0.30 nA. Each dCaAP's amplitude is the peak of the site's v within 40 ms of its
 *     trigger minus v at the trigger. The first dCaAP of a step fires on the upward crossing of vth
 *     and has nearly the same size at every current; the later ones fire during the steady
 *     depolarisation, where a stronger input means a larger overshoot of vth, a smaller K and a
 *     smaller dCaAP. The amplitude at a current is the mean of its later dCaAPs.
 * (b) xor.json, Gidon's `coupled` arrangement: a dCaAP that fires the soma, two pathways A and B of
 *     Poisson-driven AMPA+NMDA pairs beyond it; conditions none, a, b, ab. The soma's rate is counted
 *     from RATE_FROM_MS (after the inputs' onset plus one dCaAP refractory period: the first dCaAP of
 *     any strong enough input fires on the upward crossing at full size) to the end of the run.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Morphology } from '../morphology/index.ts';
import { parseProtocol } from '../protocol/protocol.ts';
import { loadProtocolMorphology } from '../protocol/build.ts';
import { runProtocol } from '../protocol/run.ts';
import { tracesSvg, type TraceSeries } from '../io/svg/index.ts';
import { xyFigureSvg } from './figures.ts';
import { check, type Experiment, type ExperimentContext, type ExperimentOutput, type LiteratureCheck } from './types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawProtocol = any;

const QUICK_AMPS_nA = [0.16, 0.18, 0.22, 0.26, 0.3];
const FULL_AMPS_nA = [0.16, 0.17, 0.18, 0.19, 0.2, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.29, 0.3];
/** --quick test pulse: 400 ms step from 50 ms (two dCaAPs); the full form keeps Gidon's 1 s from 200 ms. */
const QUICK_PULSE = { delay_ms: 50, dur_ms: 400, tstop_ms: 480 };
/** A dCaAP's peak is looked for within this window after its trigger (it ends at sigma_diff, 21 ms). */
const DCAAP_WINDOW_MS = 40;
const CONDITIONS = ['none', 'a', 'b', 'ab'] as const;
type Condition = (typeof CONDITIONS)[number];
const QUICK_TSTOP_MS = 1500;
/** Inputs start at 50 ms; the first dCaAP's refractory period (200 ms) ends by 250 ms. */
const RATE_FROM_MS = 300;

interface Run {
  t_ms: Float64Array;
  v: Record<string, Float64Array>;
  somaSpikes_ms: number[];
}

class Runner {
  readonly file: string;
  readonly base: RawProtocol;
  private readonly morphology: Morphology;

  constructor(private readonly ctx: ExperimentContext, file: string) {
    this.file = join(ctx.filesDir, file);
    const raw = JSON.parse(readFileSync(this.file, 'utf8')) as RawProtocol;
    raw.morphology = resolve(dirname(this.file), raw.morphology);
    this.base = raw;
    this.morphology = loadProtocolMorphology(parseProtocol(structuredClone(raw), this.file));
  }

  run(name: string, edit: (p: RawProtocol) => void): Run {
    const p = structuredClone(this.base);
    edit(p);
    this.ctx.protocol(name, p);
    const r = runProtocol(parseProtocol(structuredClone(p), this.file), { morphology: this.morphology });
    const v: Record<string, Float64Array> = {};
    r.built.probes.forEach((q, k) => (v[q.label] = r.result.traces[k]));
    const soma = r.probes.find((q) => q.label === 'soma');
    return { t_ms: r.result.t_ms, v, somaSpikes_ms: soma ? soma.spikes_ms : [] };
  }
}

export interface DcaapEvent {
  t_ms: number;
  /** v at the trigger, mV. */
  v_trigger_mV: number;
  /** Peak of v within DCAAP_WINDOW_MS minus v at the trigger, mV. */
  amplitude_mV: number;
  /** The mechanism's amplitude factor set at the trigger. */
  K: number;
}

/** The dCaAPs of a run: steps where the mechanism's trigger count rises, measured on the site's v. */
export function dcaapEvents(t: Float64Array, v: Float64Array, count: Float64Array, K: Float64Array): DcaapEvent[] {
  const out: DcaapEvent[] = [];
  for (let i = 1; i < t.length; i++) {
    if (!(count[i] > count[i - 1])) continue;
    const v0 = v[i - 1];
    let peak = v0;
    for (let j = i; j < t.length && t[j] <= t[i] + DCAAP_WINDOW_MS; j++) if (v[j] > peak) peak = v[j];
    out.push({ t_ms: t[i], v_trigger_mV: v0, amplitude_mV: peak - v0, K: K[i] });
  }
  return out;
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function r4(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(4)) : v;
}

/** Part (a): the test pulse at each current. */
function testPulse(ctx: ExperimentContext) {
  const runner = new Runner(ctx, 'testpulse.json');
  const amps = ctx.quick ? QUICK_AMPS_nA : FULL_AMPS_nA;
  const stim = runner.base.stimuli[0];
  const pulse = ctx.quick ? QUICK_PULSE : { delay_ms: stim.delay_ms, dur_ms: stim.dur_ms, tstop_ms: runner.base.run.tstop_ms };
  const rows: { amp_nA: number; events: DcaapEvent[] }[] = [];
  const traces: TraceSeries[] = [];
  let t_ms: Float64Array = new Float64Array(0);
  for (const amp of amps) {
    const name = `testpulse_${Math.round(amp * 1000)}pa`;
    ctx.log(`${name}: ${pulse.dur_ms} ms step of ${amp} nA at the dCaAP site`);
    const r = runner.run(name, (p) => {
      Object.assign(p.stimuli[0], { amp_nA: amp, delay_ms: pulse.delay_ms, dur_ms: pulse.dur_ms });
      p.run.tstop_ms = pulse.tstop_ms;
    });
    const inStep = dcaapEvents(r.t_ms, r.v.site, r.v.count, r.v.K).filter((e) => e.t_ms < pulse.delay_ms + pulse.dur_ms);
    rows.push({ amp_nA: amp, events: inStep });
    t_ms = r.t_ms;
    traces.push({ label: `${amp.toFixed(2)} nA`, values: r.v.site });
  }
  const above = rows.filter((r) => r.events.length > 0);
  const threshold = above.length > 0 ? above[0] : undefined;
  const later = (r: { events: DcaapEvent[] }) => mean(r.events.slice(1).map((e) => e.amplitude_mV));
  const strongest = rows[rows.length - 1];
  const ratio = threshold ? later(strongest) / later(threshold) : NaN;
  return { runner, amps, pulse, rows, threshold, strongest, ratio, later, traces, t_ms };
}

/** Part (b): the four input conditions. */
function xor(ctx: ExperimentContext) {
  const runner = new Runner(ctx, 'xor.json');
  const tstop = ctx.quick ? QUICK_TSTOP_MS : (runner.base.run.tstop_ms as number);
  const runs = {} as Record<Condition, Run>;
  const rates = {} as Record<Condition, number>;
  const whole = {} as Record<Condition, number>;
  const events = {} as Record<Condition, DcaapEvent[]>;
  for (const c of CONDITIONS) {
    ctx.log(`xor_${c}: ${c === 'none' ? 'no input' : `pathway${c.length > 1 ? 's' : ''} ${c.toUpperCase().split('').join(' + ')}`}, ${tstop} ms`);
    const r = runner.run(`xor_${c}`, (p) => {
      p.synapses = (p.synapses as { name: string }[]).filter((s) => c.includes(s.name[0].toLowerCase()));
      p.run.tstop_ms = tstop;
    });
    runs[c] = r;
    rates[c] = (r.somaSpikes_ms.filter((t) => t >= RATE_FROM_MS).length / (tstop - RATE_FROM_MS)) * 1000;
    whole[c] = (r.somaSpikes_ms.length / tstop) * 1000;
    events[c] = dcaapEvents(r.t_ms, r.v.site, r.v.count, r.v.K);
  }
  return { runner, tstop, runs, rates, whole, events };
}

function amplitudeFigure(a: ReturnType<typeof testPulse>): string {
  const first = a.rows.filter((r) => r.events.length > 0);
  const later = a.rows.filter((r) => r.events.length > 1);
  return xyFigureSvg(
    [
      {
        title: 'dCaAP amplitude against the current step',
        xLabel: 'current at the dCaAP site (nA)',
        yLabel: 'dCaAP amplitude (mV)',
        series: [
          { label: 'later dCaAPs (steady input), mean', x: later.map((r) => r.amp_nA), y: later.map((r) => a.later(r)), markers: true },
          { label: 'first dCaAP (upward crossing)', x: first.map((r) => r.amp_nA), y: first.map((r) => r.events[0].amplitude_mV), markers: true, dashed: true },
        ],
        legend: 'bl',
      },
      {
        title: 'amplitude factor K at the trigger',
        xLabel: 'current at the dCaAP site (nA)',
        yLabel: 'K (1)',
        series: [{ label: 'later dCaAPs, mean K', x: later.map((r) => r.amp_nA), y: later.map((r) => mean(r.events.slice(1).map((e) => e.K))), markers: true }],
        yDomain: [0, 1],
        legend: 'bl',
      },
    ],
    {
      title: 'dcaap-xor (a): the dCaAP shrinks as the input grows (Gidon et al. 2020, test pulse)',
      caption: `Human L2/3 cell, dCaAP (w 1.6) at apic[76](0.214), ${a.pulse.dur_ms} ms steps from ${a.pulse.delay_ms} ms; amplitude = peak within ${DCAAP_WINDOW_MS} ms of the trigger minus v at the trigger. No dCaAP at ${a.amps[0]} nA.`,
    },
  );
}

function testPulseTraces(a: ReturnType<typeof testPulse>): string {
  return tracesSvg(a.t_ms, a.traces, {
    title: 'dcaap-xor (a): v at the dCaAP site during the current step',
    subtitle: `apic[76](0.214), step ${a.pulse.delay_ms}–${a.pulse.delay_ms + a.pulse.dur_ms} ms; a dCaAP every refractory period (200 ms) above threshold`,
    xLabel: 'time (ms)',
    yLabel: 'v (mV)',
    width: 900,
    height: 480,
  });
}

function xorTraces(b: ReturnType<typeof xor>): string {
  const t = b.runs.none.t_ms;
  const series: TraceSeries[] = [];
  CONDITIONS.forEach((c, k) => {
    series.push({ label: `soma, ${c}`, values: b.runs[c].v.soma, spikes: b.runs[c].somaSpikes_ms, panel: k });
  });
  return tracesSvg(t, series, {
    title: 'dcaap-xor (b): the soma fires for A alone and for B alone, not for A and B',
    subtitle: `rates from ${RATE_FROM_MS} ms: ` + CONDITIONS.map((c) => `${c} ${b.rates[c].toFixed(1)} Hz`).join(', '),
    xLabel: 'time (ms)',
    yLabel: 'v soma (mV)',
    width: 900,
    height: 720,
    caption: 'Inputs from 50 ms: 32 AMPA+NMDA pairs per pathway, 20 Hz Poisson each; dCaAP (w 6) at apic[72](0.5). Spike rows: somatic action potentials.',
  });
}

function xorSiteTraces(b: ReturnType<typeof xor>): string {
  const t = b.runs.none.t_ms;
  const series: TraceSeries[] = CONDITIONS.filter((c) => c !== 'none').map((c, k) => ({
    label: `dCaAP site, ${c}`,
    values: b.runs[c].v.site,
    spikes: b.events[c].map((e) => e.t_ms),
    panel: k,
  }));
  return tracesSvg(t, series, {
    title: 'dcaap-xor (b): the dCaAP site; with A and B, small dCaAPs after the first',
    subtitle: CONDITIONS.filter((c) => c !== 'none').map((c) => `${c}: K ${b.events[c].map((e) => e.K.toFixed(2)).join(' ')}`).join(' · '),
    xLabel: 'time (ms)',
    yLabel: 'v site (mV)',
    width: 900,
    height: 600,
    caption: 'Spike rows: dCaAP triggers. K = exp(−(v − vth)/(vth − vrest)/D) at the trigger scales the dCaAP current.',
  });
}

export const dcaapXor: Experiment = {
  name: 'dcaap-xor',
  title: 'Human L2/3 dCaAP: amplitude falling with input, and XOR',
  summary: 'dCaAP amplitude vs current step; somatic rates for inputs none/A/B/A+B (fires for A or B, not both)',
  reproduces: 'Gidon et al. 2020, Science 367:83 (Figs. 2–3; model ModelDB 254217)',
  files: 'fixtures/experiments/dcaap-xor',

  run(ctx: ExperimentContext): ExperimentOutput {
    const a = testPulse(ctx);
    const b = xor(ctx);
    ctx.figure('dcaap_amplitude', amplitudeFigure(a));
    ctx.figure('testpulse_traces', testPulseTraces(a));
    ctx.figure('xor_soma', xorTraces(b));
    ctx.figure('xor_site', xorSiteTraces(b));

    const minAB = Math.min(b.rates.a, b.rates.b);
    const laterK = (c: Condition) => mean(b.events[c].slice(1).map((e) => e.K));
    const checks: LiteratureCheck[] = [
      check(
        'dCaAP amplitude, strongest / threshold current (later dCaAPs of the step)',
        a.ratio, '1', [0, 0.6],
        'Gidon et al. 2020, Fig. 2: dCaAP amplitude maximal for threshold-level input and dampened for stronger input; their model (Fig. 3, test pulse 0.18–0.30 nA) reproduces it',
      ),
      check('somatic rate, one pathway alone (min of a, b)', minAB, 'Hz', [0.5, 30],
        'Gidon et al. 2020, Fig. 3: the model fires for input X alone and for Y alone'),
      check('somatic rate ab / min(a, b)', b.rates.ab / minAB, '1', [0, 0.5],
        'Gidon et al. 2020, Fig. 3: X and Y together do not fire the soma (XOR)'),
      check('somatic rate none / min(a, b)', b.rates.none / minAB, '1', [0, 0.5], 'Gidon et al. 2020, Fig. 3: no input, no firing'),
    ];
    const round = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, r4(v)]));
    return {
      results: {
        rates_Hz: round(b.rates),
        rates_window_ms: [RATE_FROM_MS, b.tstop],
        rates_whole_run_Hz: round(b.whole),
        somatic_spikes: Object.fromEntries(CONDITIONS.map((c) => [c, b.runs[c].somaSpikes_ms.length])),
        dcaap_triggers: Object.fromEntries(CONDITIONS.map((c) => [c, b.events[c].map((e) => ({ t_ms: r4(e.t_ms), K: r4(e.K), amplitude_mV: r4(e.amplitude_mV) }))])),
        dcaap_K_after_first: { a: r4(laterK('a')), b: r4(laterK('b')), ab: r4(laterK('ab')) },
        xor_tstop_ms: b.tstop,
        seeds: {
          placement: Object.fromEntries((b.runner.base.synapses as { name: string; at: { random: { seed: number } } }[]).map((s) => [s.name, s.at.random.seed])),
          poisson: Object.fromEntries((b.runner.base.synapses as { name: string; train: { seed: number } }[]).map((s) => [s.name, s.train.seed])),
        },
        testpulse: {
          site: 'apic[76](0.214)',
          delay_ms: a.pulse.delay_ms,
          dur_ms: a.pulse.dur_ms,
          amps_nA: a.amps,
          threshold_nA: a.threshold ? a.threshold.amp_nA : null,
          first_dcaap_mV: a.rows.map((r) => (r.events.length > 0 ? r4(r.events[0].amplitude_mV) : null)),
          later_dcaap_mean_mV: a.rows.map((r) => (r.events.length > 1 ? r4(a.later(r)) : null)),
          later_dcaap_K: a.rows.map((r) => (r.events.length > 1 ? r4(mean(r.events.slice(1).map((e) => e.K))) : null)),
          dcaap_count: a.rows.map((r) => r.events.length),
          amplitude_ratio_strongest_to_threshold: r4(a.ratio),
        },
      },
      checks,
    };
  },
};
