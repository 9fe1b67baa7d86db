/**
 * `attenuation`: steady-state and EPSP attenuation along passive dendrites, against cable theory
 * and published measurements (fixtures/experiments/attenuation/README.md).
 *
 * Part 1, ball and stick (4 diameters): a steady current at the soma spreads along the sealed
 * dendrite as cosh(L − X)/cosh(L) (X = x/λ, λ = √(Rm·d/(4·Ri)); Rall 1959, Rall & Rinzel 1973); a
 * current at the tip reaches the soma as 1/(cosh L + ρ sinh L), ρ = G_soma/G_∞. Both compared
 * point by point.
 *
 * Part 2, the CA1 pyramidal cell c91662, passive: the distance along the apical trunk at which a
 * somatic steady voltage falls to 50 % (Golding et al. 2005), and at apical sites an EPSP-shaped
 * current (τ 0.5/5 ms) and a step: EPSP attenuation to the soma
 * (Golding et al. 2005: > 100-fold from small distal dendrites), the asymmetry of steady-state
 * attenuation (dendrite → soma far stronger than soma → dendrite; Rall & Rinzel 1973) and the
 * reciprocity of transfer resistances (linear passive network).
 */
import { join } from 'node:path';
import { check, type Experiment, type ExperimentContext, type LiteratureCheck } from './types.ts';
import { cellGeometry, loc, peakDeflection, readBaseProtocol, runRaw, trace, withProtocol, type RawProtocol } from './cells.ts';
import { crossingsAt } from '../cable/distance.ts';
import { xyFigureSvg, type XYSeries } from './figures.ts';
import { tracesSvg } from '../io/svg/index.ts';

const STICK_DIAMETERS_UM = [0.5, 1, 2, 4];
const STICK_LENGTH_UM = 1000;
/** Sampling points along the stick (fractions of its length). */
const STICK_X = Array.from({ length: 11 }, (_, i) => i / 10);

/** Steady deflection: the last sample minus the first (rest). */
const steady = (v: ArrayLike<number>) => v[v.length - 1] - v[0];

interface StickResult {
  diam_um: number;
  lambda_um: number;
  L_electrotonic: number;
  distance_um: number[];
  soma_injection: { sim: number[]; theory: number[] };
  tip_injection: { sim: number[]; theory: number[] };
  /** Steady-state attenuation tip → soma, V_soma/V_tip. */
  tip_to_soma: number;
}

function runSticks(ctx: ExperimentContext): StickResult[] {
  const base = readBaseProtocol(join(ctx.filesDir, 'stick_base.json'));
  const mech = (base.biophysics as { mechanisms: { params: { g: number } }[] }).mechanisms[0];
  const Rm_ohm_cm2 = 1 / mech.params.g;
  const Ri_ohm_cm = (base.biophysics as { Ra_ohm_cm: number }).Ra_ohm_cm;
  const out: StickResult[] = [];
  for (const d of STICK_DIAMETERS_UM) {
    const morphology = join(ctx.root, 'fixtures/sweeps', `stick_d${d}.swc`);
    const record = [{ label: 'soma', at: 'soma[0](0.5)' }, ...STICK_X.map((x, i) => ({ label: `x${i}`, at: `dend[0](${x})` }))];
    const runs: Record<'soma' | 'tip', ReturnType<typeof runRaw>> = {} as never;
    for (const site of ['soma', 'tip'] as const) {
      const raw = withProtocol(base, {
        morphology,
        stimuli: [{ type: 'iclamp', at: site === 'soma' ? 'soma[0](0.5)' : 'dend[0](1)', delay_ms: 5, dur_ms: 200, amp_nA: 0.01 }],
        record,
      });
      const name = `stick_d${d}_${site}`;
      ctx.protocol(name.replace('.', 'p'), raw);
      runs[site] = runRaw(raw, join(ctx.filesDir, `${name}.json`));
    }
    const r = runs.soma;
    const xs = r.built.probes.slice(1).map((p) => p.node_x); // node positions (segment centres, ends)
    const lambda_cm = Math.sqrt((Rm_ohm_cm2 * d * 1e-4) / (4 * Ri_ohm_cm));
    const lambda_um = lambda_cm * 1e4;
    const L = STICK_LENGTH_UM / lambda_um;
    const somaArea_cm2 = r.built.morphology.sections[0].area_um2 * 1e-8;
    const Ginf_S = (Math.PI * (d * 1e-4) ** 2) / (4 * Ri_ohm_cm * lambda_cm);
    const rho = somaArea_cm2 / Rm_ohm_cm2 / Ginf_S;
    const v0 = steady(trace(runs.soma, 'x0'));
    const vtip = steady(trace(runs.tip, `x${STICK_X.length - 1}`));
    const soma_sim = STICK_X.map((_, i) => steady(trace(runs.soma, `x${i}`)) / v0);
    const tip_sim = STICK_X.map((_, i) => steady(trace(runs.tip, `x${i}`)) / vtip);
    const X = xs.map((x) => (x * STICK_LENGTH_UM) / lambda_um);
    out.push({
      diam_um: d,
      lambda_um,
      L_electrotonic: L,
      distance_um: xs.map((x) => x * STICK_LENGTH_UM),
      soma_injection: { sim: soma_sim, theory: X.map((x) => Math.cosh(L - x) / Math.cosh(L)) },
      tip_injection: { sim: tip_sim, theory: X.map((x) => (Math.cosh(x) + rho * Math.sinh(x)) / (Math.cosh(L) + rho * Math.sinh(L))) },
      tip_to_soma: steady(trace(runs.tip, 'soma')) / vtip,
    });
  }
  return out;
}

interface SiteResult {
  site: string;
  distance_um: number;
  diam_um: number;
  /** EPSP peak at the site / at the soma (fold). */
  epsp_attenuation: number;
  epsp_site_mV: number;
  epsp_soma_mV: number;
  /** Steady-state V_soma / V_site for a step at the site. */
  ss_dend_to_soma: number;
  /** Steady-state V_site / V_soma for a step at the soma. */
  ss_soma_to_dend: number;
  /** Transfer resistances both ways (MΩ): equal in a linear passive cell (reciprocity). */
  Rtransfer_from_site_Mohm: number;
  Rtransfer_from_soma_Mohm: number;
  Rin_site_Mohm: number;
}

const EPSP = { tau0_ms: 0.5, tau1_ms: 5, imax_nA: 0.005, onset_ms: 5 };
const STEP_NA = 0.02;

/**
 * A steady-state run: a step at `at` from t = 0. The DC solution does not depend on the membrane
 * capacitance, so these runs scale Cm down 100-fold (τm 0.2 ms instead of 20 ms) and reach the
 * steady state to < 1e-9 within their 10 ms.
 */
function dcProtocol(base: RawProtocol, at: string, record: unknown[]): RawProtocol {
  const bio = { ...(base.biophysics as Record<string, unknown>), cm_uF_per_cm2: (base.biophysics as { cm_uF_per_cm2: number }).cm_uF_per_cm2 / 100 };
  return withProtocol(base, {
    description: `Steady state for a ${STEP_NA * 1000} pA step at ${at} (Cm scaled down 100-fold: the DC solution does not depend on it). ${String(base.description ?? '')}`,
    biophysics: bio,
    stimuli: [{ type: 'iclamp', at, delay_ms: 0, dur_ms: 1000, amp_nA: STEP_NA }],
    record,
    run: { tstop_ms: 10, dt_ms: 0.025 },
  });
}

function runCa1(ctx: ExperimentContext) {
  const base = readBaseProtocol(join(ctx.filesDir, 'ca1_base.json'));
  const g = cellGeometry(base.morphology);
  const apic = g.morphology.sections.map((s, i) => (s.type === 4 ? i : -1)).filter((i) => i >= 0);
  const distances = ctx.quick ? [150, 300] : [100, 200, 300, 400];
  const perDistance = ctx.quick ? 4 : 12;
  // Sites: at each distance, the trunk crossing (thickest) and thin ones, spread over the crossings.
  const sites: { section: number; x: number; distance_um: number }[] = [];
  for (const D of distances) {
    const cr = crossingsAt(g.pd, apic, D).sort((a, b) => g.diam_um[b.section] - g.diam_um[a.section]);
    const pick = cr.length <= perDistance ? cr : Array.from({ length: perDistance }, (_, k) => cr[Math.round((k * (cr.length - 1)) / (perDistance - 1))]);
    for (const c of pick) sites.push({ ...c, distance_um: D });
  }
  ctx.log(`CA1 c91662: ${sites.length} apical sites at ${distances.join(', ')} µm`);

  // Soma step: v along the trunk (every 25 µm) and at every site.
  const trunkD: number[] = [];
  for (let D = 25; D <= 500; D += 25) trunkD.push(D);
  const trunkRecords = trunkD.map((D) => ({ label: `trunk_${D}`, at: { region: 'apic', distance_um: D } }));
  const somaRaw = dcProtocol(base, 'soma[0](0.5)', [{ label: 'soma', at: 'soma[0](0.5)' }, ...trunkRecords, ...sites.map((s, k) => ({ label: `site${k}`, at: loc(g, s.section, s.x) }))]);
  ctx.protocol('ca1_soma_step', somaRaw);
  const somaRun = runRaw(somaRaw, join(ctx.filesDir, 'ca1_soma_step.json'), g.morphology);
  const vSoma = steady(trace(somaRun, 'soma'));
  const trunk = trunkD.map((D) => steady(trace(somaRun, `trunk_${D}`)) / vSoma);
  // 50 % point along the trunk, interpolated
  let d50 = NaN;
  const prof = [[0, 1], ...trunkD.map((D, i) => [D, trunk[i]])];
  for (let i = 1; i < prof.length; i++) {
    if (prof[i][1] <= 0.5 && prof[i - 1][1] > 0.5) {
      d50 = prof[i - 1][0] + ((prof[i - 1][1] - 0.5) / (prof[i - 1][1] - prof[i][1])) * (prof[i][0] - prof[i - 1][0]);
      break;
    }
  }
  const Rin_soma_Mohm = vSoma / STEP_NA;

  const results: SiteResult[] = [];
  let example: { t: Float64Array; site: Float64Array; soma: Float64Array; label: string } | null = null;
  sites.forEach((s, k) => {
    const at = loc(g, s.section, s.x);
    const epspRaw = withProtocol(base, {
      stimuli: [{ type: 'epsp', at, onset_ms: EPSP.onset_ms, tau0_ms: EPSP.tau0_ms, tau1_ms: EPSP.tau1_ms, imax_nA: EPSP.imax_nA }],
      record: [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'site', at }],
      run: { tstop_ms: 40, dt_ms: 0.025 },
    });
    const dcRaw = dcProtocol(base, at, [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'site', at }]);
    ctx.protocol(`ca1_site${k}_epsp`, epspRaw);
    ctx.protocol(`ca1_site${k}_step`, dcRaw);
    const r = runRaw(epspRaw, join(ctx.filesDir, `ca1_site${k}_epsp.json`), g.morphology);
    const dc = runRaw(dcRaw, join(ctx.filesDir, `ca1_site${k}_step.json`), g.morphology);
    const t = r.output.t_ms;
    const vs = trace(r, 'soma'), vd = trace(r, 'site');
    const epspSite = peakDeflection(vd), epspSoma = peakDeflection(vs);
    const ssSite = steady(trace(dc, 'site')), ssSoma = steady(trace(dc, 'soma'));
    const sSite = steady(trace(somaRun, `site${k}`));
    results.push({
      site: at,
      distance_um: s.distance_um,
      diam_um: g.diam_um[s.section],
      epsp_attenuation: epspSite / epspSoma,
      epsp_site_mV: epspSite,
      epsp_soma_mV: epspSoma,
      ss_dend_to_soma: ssSoma / ssSite,
      ss_soma_to_dend: sSite / vSoma,
      Rtransfer_from_site_Mohm: ssSoma / STEP_NA,
      Rtransfer_from_soma_Mohm: sSite / STEP_NA,
      Rin_site_Mohm: ssSite / STEP_NA,
    });
    const last = results[results.length - 1];
    if (s.distance_um === distances[distances.length - 1] && (example === null || last.epsp_attenuation > Number(example.label.split('|')[1]))) {
      example = { t, site: vd, soma: vs, label: `${at}|${last.epsp_attenuation}` };
    }
  });
  return { d50, trunkD, trunk, Rin_soma_Mohm, sites: results, distances, example: example as { t: Float64Array; site: Float64Array; soma: Float64Array; label: string } | null };
}

function maxAbsDiff(a: number[], b: number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function run(ctx: ExperimentContext) {
  ctx.log('ball and stick, 4 diameters: steady current at the soma and at the tip');
  const sticks = runSticks(ctx);
  ctx.log('CA1 pyramidal cell c91662, passive: soma step, then EPSP-shaped current and step at apical sites');
  const ca1 = runCa1(ctx);

  // ---------------- figures
  const sticksFig = xyFigureSvg(
    [
      {
        title: 'Steady current at the soma',
        xLabel: 'distance from the soma (µm)',
        yLabel: 'V(x) / V(soma)',
        yDomain: [0, 1],
        series: sticks.flatMap((s, k): XYSeries[] => [
          { label: `d = ${s.diam_um} µm (λ = ${Math.round(s.lambda_um)} µm)`, x: s.distance_um, y: s.soma_injection.sim, noLine: true, markers: true, color: PAL[k] },
          { label: 'cosh(L−X)/cosh(L)', x: s.distance_um, y: s.soma_injection.theory, dashed: true, color: PAL[k], hideLegend: k > 0 },
        ]),
      },
      {
        title: 'Steady current at the tip',
        xLabel: 'distance from the soma (µm)',
        yLabel: 'V(x) / V(tip)',
        yDomain: [0, 1],
        legend: 'br',
        series: sticks.flatMap((s, k): XYSeries[] => [
          { label: `d = ${s.diam_um} µm`, x: s.distance_um, y: s.tip_injection.sim, noLine: true, markers: true, color: PAL[k] },
          { label: '(cosh X + ρ sinh X)/(cosh L + ρ sinh L)', x: s.distance_um, y: s.tip_injection.theory, dashed: true, color: PAL[k], hideLegend: k > 0 },
        ]),
      },
    ],
    { title: 'Attenuation along a passive ball and stick (1000 µm, Rm 10 kΩ cm², Ri 100 Ω cm): Dendrite (dots) and cable theory (dashed)', caption: 'Dots: simulated steady-state deflections; dashed: the sealed finite cable (Rall 1959), with the soma as a lumped load for tip injection.' },
  );
  ctx.figure('sticks', sticksFig);

  const byD = ca1.distances.map((D) => ca1.sites.filter((s) => s.distance_um === D));
  const ca1Fig = xyFigureSvg(
    [
      {
        title: 'Soma → dendrite (steady state)',
        xLabel: 'path distance from the soma (µm)',
        yLabel: 'V(site) / V(soma)',
        yDomain: [0, 1],
        legend: 'bl',
        series: [
          { label: 'apical trunk', x: ca1.trunkD, y: ca1.trunk, color: PAL[0] },
          { label: 'input sites', x: ca1.sites.map((s) => s.distance_um), y: ca1.sites.map((s) => s.ss_soma_to_dend), noLine: true, markers: true, color: PAL[1] },
          { label: 'Golding 2005: 50 % at 238 µm (control), 409 µm (H blocked)', x: [238, 409], y: [0.5, 0.5], noLine: true, markers: true, color: '#000' },
        ],
      },
      {
        title: 'Dendrite → soma',
        xLabel: 'path distance of the input (µm)',
        yLabel: 'attenuation (fold)',
        logY: true,
        legend: 'tl',
        series: [
          { label: 'EPSP peak', x: ca1.sites.map((s) => s.distance_um), y: ca1.sites.map((s) => s.epsp_attenuation), noLine: true, markers: true, color: PAL[3] },
          { label: 'steady state', x: ca1.sites.map((s) => s.distance_um + 6), y: ca1.sites.map((s) => 1 / s.ss_dend_to_soma), noLine: true, markers: true, color: PAL[2] },
          { label: 'soma → site, steady (fold)', x: ca1.sites.map((s) => s.distance_um - 6), y: ca1.sites.map((s) => 1 / s.ss_soma_to_dend), noLine: true, markers: true, color: PAL[0] },
        ],
      },
      {
        title: 'EPSP attenuation vs branch diameter',
        xLabel: 'diameter of the input branch (µm)',
        yLabel: 'EPSP attenuation (fold)',
        logY: true,
        legend: 'tr',
        series: byD.map((ss, k) => ({ label: `${ca1.distances[k]} µm`, x: ss.map((s) => s.diam_um), y: ss.map((s) => s.epsp_attenuation), noLine: true, markers: true, color: PAL[k] })),
      },
    ],
    { title: 'Passive CA1 pyramidal cell c91662 (Rm 20 kΩ cm², Ri 200 Ω cm): attenuation of steady and EPSP-shaped signals', caption: 'EPSP-shaped current τ 0.5/5 ms, 5 pA peak; steady steps 20 pA. Dendrite → soma attenuation is far stronger than soma → dendrite (Rall & Rinzel 1973).' },
  );
  ctx.figure('ca1', ca1Fig);
  if (ca1.example) {
    const ex = ca1.example;
    ctx.figure(
      'epsp_traces',
      tracesSvg(ex.t, [{ label: `site ${ex.label.split('|')[0]}`, values: ex.site }, { label: 'soma', values: ex.soma, panel: 1 }], {
        title: `EPSP-shaped current at the most attenuating site at ${ca1.distances[ca1.distances.length - 1]} µm`,
        subtitle: `attenuation ${Number(ex.label.split('|')[1]).toFixed(0)}-fold (site peak / soma peak)`,
        xLabel: 'time (ms)',
        yLabel: 'V (mV)',
      }),
    );
  }

  // ---------------- checks
  const stickSomaErr = Math.max(...sticks.map((s) => maxAbsDiff(s.soma_injection.sim, s.soma_injection.theory)));
  const stickTipErr = Math.max(...sticks.map((s) => maxAbsDiff(s.tip_injection.sim, s.tip_injection.theory)));
  const far = ca1.sites.filter((s) => s.distance_um >= 300);
  const maxEpspFar = Math.max(...far.map((s) => s.epsp_attenuation));
  const thinFar = far.reduce((a, b) => (b.diam_um < a.diam_um ? b : a));
  const recip = Math.max(...ca1.sites.map((s) => Math.abs(s.Rtransfer_from_site_Mohm / s.Rtransfer_from_soma_Mohm - 1)));
  const asym = (1 / thinFar.ss_dend_to_soma) / (1 / thinFar.ss_soma_to_dend);
  const checks: LiteratureCheck[] = [
    check('ball and stick, soma injection: max |V/V0 − cosh(L−X)/cosh(L)| over 4 diameters and 11 points', stickSomaErr, '', [0, 0.002], 'cable theory of a sealed finite cable (Rall 1959; Rall & Rinzel 1973)'),
    check('ball and stick, tip injection: max |V/Vtip − (cosh X + ρ sinh X)/(cosh L + ρ sinh L)|', stickTipErr, '', [0, 0.002], 'cable theory with a lumped soma (Rall 1959)'),
    check('CA1: distance along the apical trunk where a somatic steady voltage falls to 50 %', ca1.d50, 'µm', [238, 500], 'Golding et al. 2005 J Physiol 568:69, dual recordings: 238 µm in control, 409 µm with H channels blocked (a passive cell lies at or beyond the control value)'),
    check('CA1: largest EPSP attenuation site → soma from apical sites at ≥ 300 µm', maxEpspFar, 'fold', [30, 1000], 'Golding et al. 2005 (their fitted models: > 100-fold from many small distal dendrites, with an H conductance this passive cell lacks)'),
    check('CA1: steady-state asymmetry at the thinnest distal site, (dendrite → soma attenuation) / (soma → dendrite attenuation)', asym, 'ratio', [3, 1000], 'Rall & Rinzel 1973: attenuation from a dendritic terminal to the soma far exceeds that from the soma to the terminal'),
    check('CA1: reciprocity of transfer resistance, max |R(site→soma)/R(soma→site) − 1|', recip, '', [0, 0.01], 'linear passive network: transfer impedances are symmetric'),
  ];
  const round = (v: number, n = 4) => Number(v.toPrecision(n));
  return {
    results: {
      sticks: sticks.map((s) => ({
        diam_um: s.diam_um,
        lambda_um: round(s.lambda_um),
        L_electrotonic: round(s.L_electrotonic),
        distance_um: s.distance_um.map((x) => round(x)),
        soma_injection_V_over_V0: s.soma_injection.sim.map((x) => round(x)),
        soma_injection_theory: s.soma_injection.theory.map((x) => round(x)),
        tip_injection_V_over_Vtip: s.tip_injection.sim.map((x) => round(x)),
        tip_injection_theory: s.tip_injection.theory.map((x) => round(x)),
        tip_to_soma_steady: round(s.tip_to_soma),
      })),
      ca1: {
        cell: 'CA1PC_rat_c91662.swc, passive, Rm 20 kOhm cm2, Ri 200 Ohm cm, Cm 1 uF/cm2',
        Rin_soma_Mohm: round(ca1.Rin_soma_Mohm),
        half_attenuation_distance_trunk_um: round(ca1.d50),
        trunk_distance_um: ca1.trunkD,
        trunk_V_over_Vsoma: ca1.trunk.map((x) => round(x)),
        max_epsp_attenuation_beyond_300um: round(maxEpspFar),
        thinnest_distal_site: thinFar.site,
        steady_asymmetry_thinnest_distal: round(asym),
        sites: ca1.sites.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]))),
      },
    },
    checks,
  };
}

const PAL = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

export const attenuation: Experiment = {
  name: 'attenuation',
  title: 'Steady-state and EPSP attenuation along passive dendrites vs distance and diameter',
  summary: 'ball and stick vs cable theory (4 diameters); CA1 cell: 50 % distance, EPSP attenuation, asymmetry',
  reproduces: 'Rall 1959; Rall & Rinzel 1973; Golding, Mickus, Katz, Kath & Spruston 2005',
  files: 'fixtures/experiments/attenuation',
  run,
};
