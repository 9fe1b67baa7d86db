/**
 * sequence-selectivity: Rall's passive direction selectivity (a centripetal, distal-to-proximal
 * sequence of inputs gives a larger somatic peak than the reverse: Rall 1964) and its enhancement
 * by NMDA receptors (Branco, Clark & Häusser 2010 Science 329:1671: IN vs OUT sequences on one
 * basal dendrite; blocking NMDA receptors reduces the selectivity; it depends on the interval
 * between inputs, i.e. the sequence's velocity). File set: fixtures/experiments/sequence-selectivity/
 * (README.md, branch.json).
 *
 * Nine AMPA + NMDA pairs evenly spaced along a thin terminal basal branch are activated one per
 * interval, distal first (IN) or proximal first (OUT), with NMDA and without it (AMPA only: a
 * passive dendrite with transient conductances, Rall's case). Measured: the somatic peak above rest;
 * IN/OUT ratio and selectivity index SI = (IN − OUT)/(IN + OUT) per interval and condition.
 */
import { check, type Experiment, type ExperimentContext, type ExperimentOutput } from './types.ts';
import { amplitude, r4, Runner, xySvg, type RawProtocol, type RunTraces } from './dendritic-runs.ts';
import { tracesSvg, type TraceSeries } from '../io/svg/index.ts';

const ONSET_MS = 10;
/** The interval of the headline numbers (both forms run it). */
const MAIN_INTERVAL_MS = 4;
const QUICK_INTERVALS = [2, 4];
const FULL_INTERVALS = [0.5, 1, 2, 3, 4, 5, 6, 8];

type Direction = 'in' | 'out';
const IN_COLOR = '#c0392b', OUT_COLOR = '#2e6fba', IN_LIGHT = '#e8a39b', OUT_LIGHT = '#9dbde3';

function sequence(p: RawProtocol, interval_ms: number, dir: Direction, nmda: boolean): void {
  const n = (p.synapses[0].at as string[]).length;
  // sites are listed proximal (k = 0) to distal (k = n − 1); IN starts distal
  const times = Array.from({ length: n }, (_, k) => [ONSET_MS + interval_ms * (dir === 'in' ? n - 1 - k : k)]);
  for (const s of p.synapses) s.train = { type: 'explicit', times_ms: times };
  if (!nmda) p.synapses.find((s: { type: string }) => s.type === 'NMDA').weight_uS = 0;
  // the somatic peak comes within ~25 ms of the last input: stop 60 ms after it
  p.run.tstop_ms = ONSET_MS + (n - 1) * interval_ms + 60;
}

/** Position along the branch (µm from its start) of a site `sec(x)`, for the sequence's velocity. */
function siteX(site: string): number {
  const m = /\(([0-9.]+)\)$/.exec(site);
  return m ? Number(m[1]) : NaN;
}

function run(ctx: ExperimentContext): ExperimentOutput {
  const runner = new Runner(ctx, 'branch.json');
  const sites = runner.base.synapses[0].at as string[];
  const branchL_um = 231.8; // dend[23] of the human L2/3 cell (its sections' L, fixtures/morphologies)
  const spacing_um = ((siteX(sites[sites.length - 1]) - siteX(sites[0])) * branchL_um) / (sites.length - 1);
  const intervals = ctx.quick ? QUICK_INTERVALS : FULL_INTERVALS;

  const rows: { interval: number; nmda: { in: number; out: number }; ampa: { in: number; out: number } }[] = [];
  const mainTraces: Record<string, Float64Array> = {};
  let t: Float64Array | null = null;
  let shapeRun: RunTraces | null = null;
  for (const interval of intervals) {
    const row = { interval, nmda: { in: NaN, out: NaN }, ampa: { in: NaN, out: NaN } };
    for (const cond of ['nmda', 'ampa'] as const) {
      for (const dir of ['in', 'out'] as const) {
        ctx.log(`${dir.toUpperCase()} at ${interval} ms, ${cond === 'nmda' ? 'AMPA+NMDA' : 'AMPA only'}`);
        const r = runner.run(`${dir}_${String(interval).replace('.', 'p')}ms_${cond}`, runner.variant((p) => sequence(p, interval, dir, cond === 'nmda')));
        row[cond][dir] = amplitude(r.t_ms, r.v.soma, ONSET_MS - 0.5, r.t_ms[r.t_ms.length - 1]);
        if (interval === MAIN_INTERVAL_MS) {
          mainTraces[`${dir}_${cond}`] = r.v.soma;
          if (dir === 'in' && cond === 'nmda') shapeRun = r;
          t = r.t_ms;
        }
      }
    }
    rows.push(row);
  }
  const si = (c: { in: number; out: number }) => (c.in - c.out) / (c.in + c.out);
  const main = rows.find((q) => q.interval === MAIN_INTERVAL_MS)!;
  const siN = si(main.nmda), siA = si(main.ampa);

  // figures
  const series: TraceSeries[] = [
    { label: 'IN, AMPA+NMDA', values: mainTraces.in_nmda, color: IN_COLOR, panel: 0 },
    { label: 'OUT, AMPA+NMDA', values: mainTraces.out_nmda, color: OUT_COLOR, panel: 0 },
    { label: 'IN, AMPA only', values: mainTraces.in_ampa, color: IN_COLOR, panel: 1 },
    { label: 'OUT, AMPA only', values: mainTraces.out_ampa, color: OUT_COLOR, panel: 1 },
  ];
  ctx.figure('traces', tracesSvg(t!, series, {
    title: 'IN vs OUT sequences on one basal dendrite: somatic voltage',
    subtitle: `9 sites ${spacing_um.toFixed(0)} µm apart on dend[23] · ${MAIN_INTERVAL_MS} ms between inputs · top: AMPA+NMDA · bottom: AMPA only (NMDA blocked)`,
    width: 900,
    height: 640,
    caption: `IN (distal first) / OUT: ${(main.nmda.in / main.nmda.out).toFixed(3)} with NMDA, ${(main.ampa.in / main.ampa.out).toFixed(3)} with AMPA only (Rall's passive selectivity).`,
  }));
  ctx.figure('selectivity_vs_interval', xySvg(rows.map((q) => q.interval), [
    { label: 'AMPA+NMDA', y: rows.map((q) => si(q.nmda)), color: '#7b3294' },
    { label: 'AMPA only', y: rows.map((q) => si(q.ampa)), color: '#999999' },
  ], {
    title: 'Direction selectivity vs interval between inputs',
    subtitle: `SI = (IN − OUT)/(IN + OUT) of the somatic peak · sites ${spacing_um.toFixed(0)} µm apart: velocity = ${spacing_um.toFixed(0)} µm / interval`,
    xLabel: 'interval between successive inputs (ms)',
    yLabel: 'selectivity index',
  }));
  ctx.figure('peaks_vs_interval', xySvg(rows.map((q) => q.interval), [
    { label: 'IN, AMPA+NMDA', y: rows.map((q) => q.nmda.in), color: IN_COLOR },
    { label: 'OUT, AMPA+NMDA', y: rows.map((q) => q.nmda.out), color: OUT_COLOR },
    { label: 'IN, AMPA only', y: rows.map((q) => q.ampa.in), color: IN_LIGHT },
    { label: 'OUT, AMPA only', y: rows.map((q) => q.ampa.out), color: OUT_LIGHT },
  ], { title: 'Somatic peak for IN and OUT sequences', xLabel: 'interval between successive inputs (ms)', yLabel: 'soma peak (mV above rest)' }));

  ctx.figure('shape', runner.shape(shapeRun!, `${sites.length} input sites on dend[23]`, `${spacing_um.toFixed(0)} µm apart · IN: distal first · OUT: proximal first`));

  const checks = [
    check(`passive (AMPA only) IN/OUT somatic peak at ${MAIN_INTERVAL_MS} ms`, main.ampa.in / main.ampa.out, '1', [1.0, 1.15], 'Rall 1964: a centripetal (distal-to-proximal) sequence gives the larger somatic peak; in a passive dendrite the difference is modest (Branco et al. 2010: small with NMDA receptors blocked)'),
    check(`AMPA+NMDA IN/OUT somatic peak at ${MAIN_INTERVAL_MS} ms`, main.nmda.in / main.nmda.out, '1', [1.05, 2], 'Branco, Clark & Häusser 2010 Science 329:1671: IN sequences give larger somatic responses than OUT'),
    check(`NMDA enhancement of selectivity (SI with NMDA / SI AMPA only) at ${MAIN_INTERVAL_MS} ms`, siN / siA, '1', [1.5, 20], 'Branco et al. 2010: blocking NMDA receptors (D-APV) strongly reduces direction selectivity'),
  ];
  return {
    results: {
      cell: 'human L2/3 pyramidal cell 2013_03_06_cell03_789_H41_03 (Eyal et al. 2016), 9 sites on dend[23]',
      n_sites: sites.length,
      site_spacing_um: r4(spacing_um),
      main_interval_ms: MAIN_INTERVAL_MS,
      velocity_um_per_ms: r4(spacing_um / MAIN_INTERVAL_MS),
      soma_peak_mV: {
        nmda: { in: r4(main.nmda.in), out: r4(main.nmda.out) },
        ampa_only: { in: r4(main.ampa.in), out: r4(main.ampa.out) },
      },
      in_out_ratio: { nmda: r4(main.nmda.in / main.nmda.out), ampa_only: r4(main.ampa.in / main.ampa.out) },
      selectivity_index: { nmda: r4(siN), ampa_only: r4(siA) },
      nmda_enhancement: r4(siN / siA),
      interval_ms: rows.map((q) => q.interval),
      by_interval: rows.map((q) => ({
        interval_ms: q.interval,
        velocity_um_per_ms: r4(spacing_um / q.interval),
        nmda_in_mV: r4(q.nmda.in), nmda_out_mV: r4(q.nmda.out), si_nmda: r4(si(q.nmda)),
        ampa_in_mV: r4(q.ampa.in), ampa_out_mV: r4(q.ampa.out), si_ampa_only: r4(si(q.ampa)),
      })),
    },
    checks,
  };
}

export const sequenceSelectivity: Experiment = {
  name: 'sequence-selectivity',
  title: 'Direction selectivity of a dendrite: IN vs OUT input sequences, passive and with NMDA',
  summary: 'somatic peak for distal-to-proximal (IN) vs proximal-to-distal (OUT) sequences on one dendrite, AMPA only (Rall) and AMPA+NMDA (Branco)',
  reproduces: 'Rall 1964 (Neural Theory and Modeling); Branco, Clark & Häusser 2010 Science 329:1671',
  files: 'fixtures/experiments/sequence-selectivity',
  run,
};
