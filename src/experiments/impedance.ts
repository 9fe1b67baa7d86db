/**
 * `impedance`: input and transfer impedance vs frequency, measured with a chirp current and the
 * ratio of Fourier transforms (./impedance-analysis.ts), as NEURON's Impedance class computes it
 * analytically (fixtures/experiments/impedance/README.md).
 *
 * Part 1, ball and stick: chirps at the soma and at the tip of a 1000 µm sealed stick; the four
 * impedances (input at each end, transfer both ways) against the cable equation's closed form.
 * Part 2, the passive CA1 cell c91662: chirps at the soma and at the thinnest apical branch crossing
 * 300 µm; input impedance at both and the transfer impedance between them, their cut-off
 * frequencies: the dendrite → soma transfer impedance falls with frequency sooner and faster than
 * the soma's input impedance (dendritic low-pass filtering).
 */
import { join } from 'node:path';
import { check, type Experiment, type ExperimentContext } from './types.ts';
import { cellGeometry, loc, readBaseProtocol, runRaw, trace, withProtocol, type RawProtocol } from './cells.ts';
import { crossingsAt } from '../cable/distance.ts';
import { ballAndStickImpedance, cutoffFrequency, impedanceSpectrum, logFrequencies, type ImpedanceSpectrum } from './impedance-analysis.ts';
import { xyFigureSvg } from './figures.ts';
import { tracesSvg } from '../io/svg/index.ts';

const CHIRP = { amp_nA: 0.01, f_start_Hz: 0.5, f_end_Hz: 500, delay_ms: 0 };
const F_LO_HZ = 1, F_HI_HZ = 500;

/** A chirp at `at` recorded at the given sites plus the chirp's own current. */
function chirpProtocol(base: RawProtocol, at: string, record: { label: string; at: string }[], dur_ms: number, tail_ms: number): RawProtocol {
  return withProtocol(base, {
    stimuli: [{ type: 'chirp', at, delay_ms: CHIRP.delay_ms, dur_ms, amp_nA: CHIRP.amp_nA, f_start_Hz: CHIRP.f_start_Hz, f_end_Hz: CHIRP.f_end_Hz, sweep: 'linear' }],
    record: [...record, { label: 'I', stimulus: 0 }],
    run: { ...base.run, tstop_ms: dur_ms + tail_ms },
  });
}

/** Z between the current of a run (label I) and v at `label`. */
function spectrum(run: ReturnType<typeof runRaw>, label: string, f: number[]): ImpedanceSpectrum {
  const dt = run.result.dt_ms;
  // the current sample n is the stimulus at mid-step, n·dt − dt/2; v sample n is at n·dt
  return impedanceSpectrum(trace(run, 'I'), trace(run, label), dt, f, -dt / 2, 0);
}

const relErr = (sim: number[], ref: number[]) => Math.max(...sim.map((v, k) => Math.abs(v / ref[k] - 1)));

async function run(ctx: ExperimentContext) {
  const f = logFrequencies(F_LO_HZ, F_HI_HZ, ctx.quick ? 25 : 49);
  const dur_ms = ctx.quick ? 500 : 2000;

  // ---------------- part 1: ball and stick vs the cable equation
  ctx.log(`ball and stick: chirps ${CHIRP.f_start_Hz}-${CHIRP.f_end_Hz} Hz over ${dur_ms} ms at the soma and at the tip`);
  const sBase = readBaseProtocol(join(ctx.filesDir, 'stick_base.json'));
  const sites = [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'tip', at: 'dend[0](1)' }];
  const sRuns = sites.map((s) => {
    const raw = chirpProtocol(sBase, s.at, sites, dur_ms, 150);
    ctx.protocol(`stick_chirp_${s.label}`, raw);
    return runRaw(raw, join(ctx.filesDir, `stick_chirp_${s.label}.json`));
  });
  const zSoma = spectrum(sRuns[0], 'soma', f), zTrSomaTip = spectrum(sRuns[0], 'tip', f);
  const zTip = spectrum(sRuns[1], 'tip', f), zTrTipSoma = spectrum(sRuns[1], 'soma', f);
  const geom = { soma_area_um2: sRuns[0].built.morphology.sections[0].area_um2, length_um: 1000, diam_um: 1, Rm_ohm_cm2: 1e4, Ri_ohm_cm: 100, Cm_uF_cm2: 1 };
  const theory = f.map((x) => ballAndStickImpedance(geom, x));
  const mag = (z: [number, number]) => Math.hypot(z[0], z[1]);
  const tSoma = theory.map((t) => mag(t.zSoma)), tTip = theory.map((t) => mag(t.zTip)), tTr = theory.map((t) => mag(t.zTransfer));
  const tPhaseSoma = theory.map((t) => Math.atan2(t.zSoma[1], t.zSoma[0]));
  const errStick = Math.max(relErr(zSoma.mag_Mohm, tSoma), relErr(zTip.mag_Mohm, tTip), relErr(zTrSomaTip.mag_Mohm, tTr), relErr(zTrTipSoma.mag_Mohm, tTr));
  const errPhase = Math.max(...zSoma.phase_rad.map((p, k) => Math.abs(p - tPhaseSoma[k])));
  const recipStick = relErr(zTrSomaTip.mag_Mohm, zTrTipSoma.mag_Mohm);

  // ---------------- part 2: CA1, soma and a thin apical site
  const cBase = readBaseProtocol(join(ctx.filesDir, 'ca1_base.json'));
  const g = cellGeometry(cBase.morphology);
  const apic = g.morphology.sections.map((s, i) => (s.type === 4 ? i : -1)).filter((i) => i >= 0);
  const thin = crossingsAt(g.pd, apic, 300).reduce((a, b) => (g.diam_um[b.section] < g.diam_um[a.section] ? b : a));
  const dend = loc(g, thin.section, thin.x);
  ctx.log(`CA1 c91662, passive: chirps at the soma and at ${dend} (300 µm, ${g.diam_um[thin.section].toFixed(2)} µm)`);
  const cSites = [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'dend', at: dend }];
  const cRuns = cSites.map((s) => {
    const raw = chirpProtocol(cBase, s.at, cSites, dur_ms, 200);
    ctx.protocol(`ca1_chirp_${s.label}`, raw);
    return runRaw(raw, join(ctx.filesDir, `ca1_chirp_${s.label}.json`), g.morphology);
  });
  const cSoma = spectrum(cRuns[0], 'soma', f), cTrSomaDend = spectrum(cRuns[0], 'dend', f);
  const cDend = spectrum(cRuns[1], 'dend', f), cTrDendSoma = spectrum(cRuns[1], 'soma', f);
  const fcSoma = cutoffFrequency(cSoma), fcDend = cutoffFrequency(cDend), fcTr = cutoffFrequency(cTrDendSoma);
  const at = (s: ImpedanceSpectrum, hz: number) => s.mag_Mohm[s.f_Hz.findIndex((x) => x >= hz * 0.999)];
  const fall100 = (s: ImpedanceSpectrum) => at(s, 100) / s.mag_Mohm[0];
  const recipCa1 = relErr(cTrSomaDend.mag_Mohm, cTrDendSoma.mag_Mohm);
  const slope = (sp: ImpedanceSpectrum) => Math.log(sp.mag_Mohm[sp.f_Hz.length - 1] / at(sp, 100)) / Math.log(sp.f_Hz[sp.f_Hz.length - 1] / sp.f_Hz[sp.f_Hz.findIndex((x) => x >= 99.9)]);
  const slopeSoma = slope(cSoma), slopeTr = slope(cTrDendSoma);

  // ---------------- figures
  ctx.figure(
    'impedance',
    xyFigureSvg(
      [
        {
          title: 'Ball and stick: Dendrite vs cable theory',
          xLabel: 'frequency (Hz)',
          yLabel: '|Z| (MΩ)',
          logX: true,
          logY: true,
          legend: 'bl',
          series: [
            { label: 'input, soma', x: f, y: zSoma.mag_Mohm, noLine: true, markers: true, color: '#1f77b4' },
            { label: 'input, tip', x: f, y: zTip.mag_Mohm, noLine: true, markers: true, color: '#ff7f0e' },
            { label: 'transfer soma ↔ tip', x: f, y: zTrTipSoma.mag_Mohm, noLine: true, markers: true, color: '#2ca02c' },
            { label: 'cable theory', x: f, y: tSoma, dashed: true, color: '#1f77b4' },
            { label: '', x: f, y: tTip, dashed: true, color: '#ff7f0e', hideLegend: true },
            { label: '', x: f, y: tTr, dashed: true, color: '#2ca02c', hideLegend: true },
          ],
        },
        {
          title: 'CA1 c91662: impedance magnitude',
          xLabel: 'frequency (Hz)',
          yLabel: '|Z| (MΩ)',
          logX: true,
          logY: true,
          legend: 'bl',
          series: [
            { label: 'input, soma', x: f, y: cSoma.mag_Mohm, color: '#1f77b4' },
            { label: `input, ${dend}`, x: f, y: cDend.mag_Mohm, color: '#ff7f0e' },
            { label: 'transfer dendrite ↔ soma', x: f, y: cTrDendSoma.mag_Mohm, color: '#2ca02c' },
          ],
        },
        {
          title: 'CA1: normalised, |Z(f)| / |Z(1 Hz)|',
          xLabel: 'frequency (Hz)',
          yLabel: 'relative |Z|',
          logX: true,
          logY: true,
          legend: 'bl',
          series: [
            { label: `input, soma (f½ ${fcSoma.toFixed(1)} Hz)`, x: f, y: cSoma.mag_Mohm.map((v) => v / cSoma.mag_Mohm[0]), color: '#1f77b4' },
            { label: `input, dendrite (f½ ${fcDend.toFixed(1)} Hz)`, x: f, y: cDend.mag_Mohm.map((v) => v / cDend.mag_Mohm[0]), color: '#ff7f0e' },
            { label: `transfer (f½ ${fcTr.toFixed(1)} Hz)`, x: f, y: cTrDendSoma.mag_Mohm.map((v) => v / cTrDendSoma.mag_Mohm[0]), color: '#2ca02c' },
          ],
        },
      ],
      {
        title: 'Input and transfer impedance from chirp currents (Z = V̂/Î): passive ball and stick and CA1 pyramidal cell',
        caption: `Chirp ${CHIRP.amp_nA * 1000} pA, ${CHIRP.f_start_Hz}–${CHIRP.f_end_Hz} Hz linear over ${dur_ms} ms; f½: where |Z| falls to 1/√2 of its 1 Hz value. The transfer impedance falls fastest: dendrites filter what reaches the soma.`,
      },
    ),
  );
  const r0 = cRuns[1];
  const stride = Math.max(1, Math.floor(r0.output.t_ms.length / 4000));
  const sub = (a: Float64Array) => a.filter((_, k) => k % stride === 0);
  ctx.figure(
    'chirp',
    tracesSvg(sub(r0.output.t_ms), [
      { label: `v at ${dend}`, values: sub(trace(r0, 'dend')), panel: 0 },
      { label: 'v at the soma', values: sub(trace(r0, 'soma')), panel: 1 },
      { label: 'chirp current (nA)', values: sub(trace(r0, 'I')), panel: 2 },
    ], { title: `CA1: chirp at ${dend}, ${CHIRP.f_start_Hz}–${CHIRP.f_end_Hz} Hz`, subtitle: 'local response and what reaches the soma: high frequencies are filtered out on the way', xLabel: 'time (ms)', yLabel: 'mV / nA' }),
  );

  const checks = [
    check('ball and stick: max relative error of |Z| (input at soma and tip, transfer both ways) against the cable equation, 1–500 Hz', errStick, '', [0, 0.01], 'cable theory of a sealed cylinder with a lumped soma (Rall 1959; Koch 1999 ch. 2)'),
    check('ball and stick: max error of the soma input impedance\'s phase against the cable equation', errPhase, 'rad', [0, 0.02], 'cable theory'),
    check('ball and stick: reciprocity, max |Z(soma→tip)/Z(tip→soma) − 1|', recipStick, '', [0, 0.005], 'linear passive networks: transfer impedances are symmetric'),
    check('CA1: reciprocity of the dendrite ↔ soma transfer impedance', recipCa1, '', [0, 0.005], 'linear passive networks'),
    check('CA1: |Z(100 Hz)|/|Z(1 Hz)| of the dendrite → soma transfer impedance over that of the soma input impedance', fall100(cTrDendSoma) / fall100(cSoma), 'ratio', [0, 0.5], 'dendritic low-pass filtering (Rall 1967; Koch 1999 ch. 2-3): what a dendritic input delivers to the soma loses high frequencies faster than the soma\'s own input impedance'),
    check('CA1: log-log slope of the soma input impedance, 100-500 Hz', slopeSoma, '', [-1, -0.5], 'cable theory: between a cable\'s f^-1/2 (Z ∝ 1/√(1 + iωτ)) and a capacitor\'s f^-1'),
    check('CA1: log-log slope of the dendrite → soma transfer impedance, 100-500 Hz', slopeTr, '', [-10, -1.2], 'cable theory: transfer impedance falls as exp(−(x/λ)·√(ωτ/2)), faster than any power of f^-1/2'),
    check('CA1: input impedance at the thin dendrite over that at the soma, at 1 Hz', cDend.mag_Mohm[0] / cSoma.mag_Mohm[0], 'ratio', [3, 100], 'Rall & Rinzel 1973: the input resistance at a thin distal branch far exceeds that at the soma'),
  ];
  const r = (v: number) => Number(v.toPrecision(5));
  return {
    results: {
      frequencies_Hz: f.map(r),
      chirp: { ...CHIRP, dur_ms, sweep: 'linear' },
      ball_and_stick: {
        Z_input_soma_Mohm: zSoma.mag_Mohm.map(r), Z_input_tip_Mohm: zTip.mag_Mohm.map(r), Z_transfer_Mohm: zTrTipSoma.mag_Mohm.map(r),
        theory_input_soma_Mohm: tSoma.map(r), theory_input_tip_Mohm: tTip.map(r), theory_transfer_Mohm: tTr.map(r),
        phase_input_soma_rad: zSoma.phase_rad.map(r), max_relative_error: r(errStick),
      },
      ca1: {
        dendritic_site: dend,
        site_diam_um: r(g.diam_um[thin.section]),
        Z_input_soma_Mohm: cSoma.mag_Mohm.map(r), Z_input_dend_Mohm: cDend.mag_Mohm.map(r), Z_transfer_Mohm: cTrDendSoma.mag_Mohm.map(r),
        phase_transfer_rad: cTrDendSoma.phase_rad.map(r),
        cutoff_input_soma_Hz: r(fcSoma), cutoff_input_dend_Hz: r(fcDend), cutoff_transfer_Hz: r(fcTr),
        relative_Z_at_100Hz: { input_soma: r(fall100(cSoma)), input_dend: r(fall100(cDend)), transfer: r(fall100(cTrDendSoma)) },
        slope_100_500Hz: { input_soma: r(slopeSoma), input_dend: r(slope(cDend)), transfer: r(slopeTr) },
        phase_input_soma_rad: cSoma.phase_rad.map(r), phase_input_dend_rad: cDend.phase_rad.map(r),
      },
    },
    checks,
  };
}

export const impedance: Experiment = {
  name: 'impedance',
  title: 'Input and transfer impedance vs frequency: dendritic low-pass filtering',
  summary: 'chirp currents and Z = V̂/Î: ball and stick vs cable theory; CA1 soma/dendrite input and transfer impedance',
  reproduces: 'Rall 1959; Koch 1999 (Biophysics of Computation, ch. 2-3); NEURON\'s Impedance class',
  files: 'fixtures/experiments/impedance',
  run,
};
