/**
 * `bac`: back-propagating-AP-activated Ca spike firing (Larkum, Zhu & Sakmann 1999; Hay et al. 2011)
 * on the reduced L5 pyramidal cell (./l5-reduced.ts). A 5 ms somatic current that gives one AP, an
 * EPSP-shaped current at 600 µm in the tuft, and both together: only the pair triggers a dendritic
 * Ca spike and a somatic burst. Then the EPSP is moved in time against the somatic current to find
 * the coincidence window (the delays that still give a burst).
 */
import { join } from 'node:path';
import { tracesSvg } from '../io/svg/index.ts';
import { xyFigureSvg } from './figures.ts';
import { check, type Experiment, type ExperimentContext, type ExperimentOutput } from './types.ts';
import { column, maxAfter, readCellProtocol, runCell, spikesOf, timeAbove, valueAt, variant, type CellProtocol } from './l5-reduced.ts';

/** Hay et al. 2011's Ca spike threshold on the hot-zone trace (their BAC_caSpike_width is the time above it). */
export const CA_SPIKE_THRESHOLD_MV = -55;

/** Delays of the EPSP onset after the somatic current's onset (ms) for the window. */
const DELAYS_FULL = Array.from({ length: 25 }, (_, k) => -20 + 2.5 * k);
const DELAYS_QUICK = [-5, 0, 5, 10, 20, 30];

interface Condition {
  name: 'bap_only' | 'epsp_only' | 'bac';
  protocol: CellProtocol;
}

function stimuliOf(base: CellProtocol): { soma: Record<string, unknown>; epsp: Record<string, unknown> } {
  const soma = base.stimuli.find((s) => s.type === 'iclamp');
  const epsp = base.stimuli.find((s) => s.type === 'epsp');
  if (!soma || !epsp) throw new Error('bac.json: expected one iclamp (the somatic current) and one epsp stimulus');
  return { soma, epsp };
}

export function bacRun(ctx: ExperimentContext): ExperimentOutput {
  const file = join(ctx.filesDir, 'bac.json');
  const base = readCellProtocol(file);
  const { soma, epsp } = stimuliOf(base);
  const t0 = soma.delay_ms as number;
  const conditions: Condition[] = [
    { name: 'bap_only', protocol: variant(base, { stimuli: [soma] }) },
    { name: 'epsp_only', protocol: variant(base, { stimuli: [epsp] }) },
    { name: 'bac', protocol: base },
  ];

  const spikes: Record<string, number> = {};
  const traces: { name: string; t: Float64Array; soma: Float64Array; tuft: Float64Array; spikes: number[] }[] = [];
  let caWidth = NaN, caPeak = NaN, isi = NaN, caiPeak = NaN, restTuft = NaN, apTime = NaN;
  const caWidthAlone: Record<string, number> = {};
  for (const c of conditions) {
    ctx.log(c.name);
    ctx.protocol(c.name, c.protocol);
    const run = runCell(c.protocol, file);
    const t = run.output.t_ms;
    const s = spikesOf(run, 'v_soma').filter((x) => x >= t0);
    spikes[c.name] = s.length;
    const tuft = column(run, 'v_tuft600');
    const width = timeAbove(t, tuft, CA_SPIKE_THRESHOLD_MV, t0);
    if (c.name === 'bac') {
      caWidth = width;
      caPeak = maxAfter(t, tuft, t0);
      restTuft = valueAt(t, tuft, t0);
      caiPeak = maxAfter(t, column(run, 'cai_tuft600'), t0);
      isi = s.length >= 2 ? (s[s.length - 1] - s[0]) / (s.length - 1) : NaN;
    } else caWidthAlone[c.name] = width;
    if (c.name === 'bap_only' && s.length > 0) apTime = s[0];
    traces.push({ name: c.name, t, soma: column(run, 'v_soma'), tuft, spikes: s });
  }

  // the coincidence window: EPSP onset moved against the somatic current
  const delays = ctx.quick ? DELAYS_QUICK : DELAYS_FULL;
  const windowSpikes: number[] = [];
  for (const d of delays) {
    const p = variant(base, {
      stimuli: [soma, { ...epsp, onset_ms: t0 + d }],
      run: { ...base.run, tstop_ms: t0 + Math.max(d, 0) + 70 },
    });
    const run = runCell(p, file);
    windowSpikes.push(spikesOf(run, 'v_soma').filter((x) => x >= t0).length);
  }
  ctx.log(`window ${delays.map((d, k) => `${d}:${windowSpikes[k]}`).join(' ')}`);
  ctx.protocol('window_example', variant(base, { stimuli: [soma, { ...epsp, onset_ms: t0 + delays[delays.length - 1] }] }));
  // the contiguous run of delays around 0 that give a burst (≥ 2 somatic spikes)
  const k0 = delays.indexOf(0);
  let lo = k0, hi = k0;
  if (windowSpikes[k0] >= 2) {
    while (lo > 0 && windowSpikes[lo - 1] >= 2) lo--;
    while (hi < delays.length - 1 && windowSpikes[hi + 1] >= 2) hi++;
  }
  const burstAt0 = windowSpikes[k0] >= 2;
  const from = burstAt0 ? delays[lo] : NaN, to = burstAt0 ? delays[hi] : NaN;
  // the same window measured from the somatic AP of the bAP (its time in the bAP-alone run)
  const afterAp = { from: from - (apTime - t0), to: to - (apTime - t0) };

  // figure: soma and tuft in the three conditions, one panel each
  const t = traces[0].t;
  const series = traces.flatMap((tr, k) => [
    { label: `soma, ${tr.name.replace('_', ' ')}`, values: tr.soma, panel: k, color: '#1f77b4', spikes: tr.spikes },
    { label: `tuft 600 µm, ${tr.name.replace('_', ' ')}`, values: tr.tuft, panel: k, color: '#d62728' },
  ]);
  ctx.figure('bac_traces', tracesSvg(t, series, {
    title: 'BAC firing on the reduced L5 pyramidal cell',
    subtitle: `bAP only: ${spikes.bap_only} AP · EPSP only: ${spikes.epsp_only} AP · bAP + EPSP: ${spikes.bac} APs, Ca spike ${caWidth.toFixed(1)} ms above ${CA_SPIKE_THRESHOLD_MV} mV`,
    xDomain: [t0 - 10, t0 + 80],
    yDomain: [-85, 45],
    height: 640,
    caption: `somatic current ${soma.amp_nA} nA × ${soma.dur_ms} ms at ${t0} ms; EPSP-shaped current ${epsp.imax_nA} nA (τ ${epsp.tau0_ms}/${epsp.tau1_ms} ms) at 600 µm in the tuft, same onset`,
  }));

  ctx.figure('bac_window', xyFigureSvg([{
    title: 'somatic APs against the EPSP delay',
    xLabel: 'EPSP onset − somatic current onset (ms)',
    yLabel: 'somatic APs',
    yDomain: [0, 5],
    series: [{ label: 'bAP + EPSP', x: delays, y: windowSpikes, markers: true, color: '#1f77b4' }],
  }], {
    title: 'Coincidence window of BAC firing',
    caption: `burst (≥ 2 APs) for EPSP onsets ${from}…${to} ms after the somatic current's onset, ${afterAp.from.toFixed(1)}…${afterAp.to.toFixed(1)} ms after the somatic AP (at ${apTime.toFixed(1)} ms)`,
    panelWidth: 640,
  }));

  const src = 'Larkum, Zhu & Sakmann 1999 (Nature 398:338) Fig. 1; Hay et al. 2011 (PLoS Comput Biol 7:e1002107) BAC protocol';
  const checks = [
    check('somatic APs, bAP alone', spikes.bap_only, 'spikes', [1, 1], src),
    check('somatic APs, distal EPSP alone', spikes.epsp_only, 'spikes', [0, 1], src),
    check('somatic APs, bAP + distal EPSP (burst)', spikes.bac, 'spikes', [2, 4], src),
    check('Ca spike width (time above −55 mV at 600 µm), bAP + EPSP', caWidth, 'ms', [20, 60], 'Larkum et al. 1999; Hay et al. 2011 BAC_caSpike_width target 37.4 ± 1.3 ms at −55 mV'),
    check('coincidence window: latest EPSP onset after the somatic AP that still gives a burst', afterAp.to, 'ms', [5, 20], 'Larkum et al. 1999: the distal input must follow the bAP within a short window (issue 11: about 5–10 ms, up to ~20 ms)'),
  ];
  return {
    results: {
      somatic_spikes: spikes,
      ca_spike_width_ms: caWidth,
      ca_spike_threshold_mV: CA_SPIKE_THRESHOLD_MV,
      ca_spike_peak_mV: caPeak,
      tuft_rest_mV: restTuft,
      cai_peak_mM: caiPeak,
      burst_mean_isi_ms: isi,
      time_above_threshold_alone_ms: caWidthAlone,
      coincidence_window_ms: { from, to, width: to - from, after_ap: afterAp, ap_time_ms: apTime, delays_ms: delays, somatic_spikes: windowSpikes, burst_rule: '≥ 2 somatic APs; delay = EPSP onset − somatic current onset (after_ap: − the somatic AP time of the bAP alone instead)' },
      stimuli: { soma_amp_nA: soma.amp_nA, soma_dur_ms: soma.dur_ms, epsp_imax_nA: epsp.imax_nA, epsp_site: 'apic, 600 µm path distance from soma[0](0.5)' },
    },
    checks,
  };
}

export const bac: Experiment = {
  name: 'bac',
  title: 'BAC firing: a bAP plus a distal EPSP give a dendritic Ca spike and a somatic burst',
  summary: 'bAP alone, distal EPSP alone, both, and the coincidence window, on a reduced L5 pyramidal cell with Hay 2011 channels',
  reproduces: 'Larkum, Zhu & Sakmann 1999 (Nature 398:338); Hay et al. 2011 (PLoS Comput Biol 7:e1002107)',
  files: 'fixtures/experiments/bac',
  run: bacRun,
};
