/**
 * `bap`: the back-propagating action potential along the apical trunk of the reduced L5 pyramidal
 * cell (./l5-reduced.ts; Stuart & Sakmann 1994, Larkum et al. 2001, Hay et al. 2011). One AP from a
 * brief somatic current; its amplitude (peak − the potential just before the current) every 50 µm
 * of path distance along the trunk (0–500 µm) and on into the tuft.
 */
import { join } from 'node:path';
import { tracesSvg } from '../io/svg/index.ts';
import { xyFigureSvg } from './figures.ts';
import { check, type Experiment, type ExperimentContext, type ExperimentOutput } from './types.ts';
import { column, readCellProtocol, runCell, spikesOf, valueAt, variant } from './l5-reduced.ts';

/** Where the trunk ends (the nexus, µm from the soma centre): fixtures/morphologies/l5_reduced.swc. */
export const TRUNK_END_UM = 500;

/** The distance of a `v_apicD` record, 0 for `v_soma`. */
function distanceOf(label: string): number {
  if (label === 'v_soma') return 0;
  const m = /^v_apic(\d+)$/.exec(label);
  if (!m) throw new Error(`bap.json: record "${label}" is neither v_soma nor v_apic<distance>`);
  return Number(m[1]);
}

/** Amplitude (mV) of v at distance `d` by linear interpolation between the sampled distances. */
function interpolate(d_um: number[], amp: number[], d: number): number {
  for (let k = 1; k < d_um.length; k++) {
    if (d_um[k] >= d) return amp[k - 1] + ((amp[k] - amp[k - 1]) * (d - d_um[k - 1])) / (d_um[k] - d_um[k - 1]);
  }
  return NaN;
}

export function bapRun(ctx: ExperimentContext): ExperimentOutput {
  const file = join(ctx.filesDir, 'bap.json');
  const base = readCellProtocol(file);
  const soma = base.stimuli.find((s) => s.type === 'iclamp');
  if (!soma) throw new Error('bap.json: expected an iclamp stimulus at the soma');
  const t0 = soma.delay_ms as number;
  // quick: every 100 µm
  const record = ctx.quick ? base.record.filter((r) => distanceOf(r.label as string) % 100 === 0) : base.record;
  const p = variant(base, { record });
  ctx.log('one somatic AP');
  ctx.protocol('bap', p);
  const run = runCell(p, file);
  const t = run.output.t_ms;
  const spikes = spikesOf(run, 'v_soma').filter((x) => x >= t0);
  const labels = record.map((r) => r.label as string);
  const d_um = labels.map(distanceOf);
  const rest: number[] = [], peak: number[] = [], amp: number[] = [], peakTime: number[] = [];
  for (const label of labels) {
    const v = column(run, label);
    const v0 = valueAt(t, v, t0);
    let m = -Infinity, tm = NaN;
    for (let i = 0; i < t.length; i++) if (t[i] >= t0 && t[i] <= t0 + 30 && v[i] > m) { m = v[i]; tm = t[i]; }
    rest.push(v0);
    peak.push(m);
    amp.push(m - v0);
    peakTime.push(tm);
  }
  const somaAmp = amp[0];
  const rel = amp.map((a) => a / somaAmp);
  const trunk = d_um.map((d, k) => ({ d, a: amp[k] })).filter((x) => x.d <= TRUNK_END_UM);
  let increases = 0;
  for (let k = 1; k < trunk.length; k++) if (trunk[k].a > trunk[k - 1].a) increases++;
  const at500 = interpolate(d_um, rel, 500);
  const at300 = interpolate(d_um, rel, 300);
  // the distance at which the amplitude is half the somatic one (first crossing)
  let half = NaN;
  for (let k = 1; k < amp.length; k++) {
    if (rel[k] <= 0.5 && rel[k - 1] > 0.5) { half = d_um[k - 1] + ((0.5 - rel[k - 1]) * (d_um[k] - d_um[k - 1])) / (rel[k] - rel[k - 1]); break; }
  }
  // latency of the peak against the soma's: conduction velocity along the trunk
  const kEnd = d_um.indexOf(TRUNK_END_UM);
  const velocity = kEnd > 0 ? (TRUNK_END_UM * 1e-6) / ((peakTime[kEnd] - peakTime[0]) * 1e-3) : NaN;

  ctx.figure('bap_amplitude', xyFigureSvg([
    {
      title: 'bAP amplitude',
      xLabel: 'path distance from the soma (µm)',
      yLabel: 'amplitude (mV)',
      yDomain: [0, Math.ceil(somaAmp / 20) * 20],
      series: [{ label: 'model', x: d_um, y: amp, markers: true, color: '#1f77b4' }],
    },
    {
      title: 'relative to the soma',
      xLabel: 'path distance from the soma (µm)',
      yLabel: 'amplitude / somatic amplitude',
      yDomain: [0, 1],
      series: [
        { label: 'model', x: d_um, y: rel, markers: true, color: '#1f77b4' },
        { label: 'published range at 500 µm', x: [500, 500], y: [0.25, 0.65], color: '#d62728', markers: true },
      ],
    },
  ], {
    title: `Back-propagating AP along the apical dendrite: ${somaAmp.toFixed(0)} mV at the soma, ${(at500 * 100).toFixed(0)} % at 500 µm (nexus)`,
    caption: `trunk 0–${TRUNK_END_UM} µm, tuft beyond; amplitude = peak − v before the ${soma.amp_nA} nA × ${soma.dur_ms} ms somatic current; range: Stuart & Sakmann 1994, Larkum et al. 2001`,
  }));
  const shown = labels.filter((l) => [0, 200, 400, 600, 800].includes(distanceOf(l)));
  ctx.figure('bap_traces', tracesSvg(t, shown.map((l, k) => ({ label: l === 'v_soma' ? 'soma' : `${distanceOf(l)} µm`, values: column(run, l), panel: 0, color: ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'][k] })), {
    title: 'bAP at increasing distance from the soma',
    xDomain: [t0 - 2, t0 + 25],
  }));

  const checks = [
    check('somatic APs', spikes.length, 'spikes', [1, 1], 'Stuart & Sakmann 1994 (Nature 367:69): a single AP from a brief somatic current'),
    check('somatic AP amplitude', somaAmp, 'mV', [80, 120], 'Stuart & Sakmann 1994 Fig. 1; Larkum et al. 2001 (J Physiol 533:447)'),
    check('increases of bAP amplitude from one site to the next along the trunk (0–500 µm)', increases, 'count', [0, 0], 'Stuart & Sakmann 1994 Fig. 2: amplitude falls with distance'),
    check('bAP amplitude at 500 µm / at the soma', at500, '1', [0.25, 0.65], 'Stuart & Sakmann 1994 Fig. 2; Larkum et al. 2001 Fig. 1 (about 30–60 % at 500 µm)'),
  ];
  return {
    results: {
      somatic_spikes: spikes.length,
      distance_um: d_um,
      amplitude_mV: amp,
      amplitude_relative: rel,
      rest_mV: rest,
      peak_mV: peak,
      peak_time_ms: peakTime,
      soma_amplitude_mV: somaAmp,
      relative_at_300_um: at300,
      relative_at_500_um: at500,
      half_amplitude_distance_um: half,
      trunk_conduction_velocity_m_per_s: velocity,
    },
    checks,
  };
}

export const bap: Experiment = {
  name: 'bap',
  title: 'Back-propagating AP amplitude vs distance along the apical trunk',
  summary: 'one somatic AP on a reduced L5 pyramidal cell with Hay 2011 channels; bAP amplitude every 50 µm along the trunk and into the tuft',
  reproduces: 'Stuart & Sakmann 1994 (Nature 367:69); Larkum et al. 2001 (J Physiol 533:447); Hay et al. 2011 (PLoS Comput Biol 7:e1002107)',
  files: 'fixtures/experiments/bap',
  run: bapRun,
};
