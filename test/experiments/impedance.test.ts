/**
 * `impedance --quick`: chirp-measured impedances of a passive ball and stick against the cable
 * equation's closed form, and of the passive CA1 cell against NEURON 8.2's Impedance class on the
 * same cell (fixtures/neuron/impedance/, made by its generate.py); dendritic low-pass filtering.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { failedChecks, runQuick, type QuickRun } from './helpers.ts';
import { ballAndStickImpedance, impedanceSpectrum, logFrequencies } from '../../src/experiments/impedance-analysis.ts';

const NEURON = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/neuron/impedance/ca1_impedance.json', import.meta.url)), 'utf8')) as {
  site: string; frequencies_Hz: number[]; input_soma: { mag_Mohm: number; phase_rad: number }[]; input_dend: { mag_Mohm: number; phase_rad: number }[]; transfer: { mag_Mohm: number; phase_rad: number }[];
};

describe('impedance analysis', () => {
  it('Z = V̂/Î recovers a first-order low-pass exactly from a discrete response', () => {
    // V_n = a·V_{n−1} + b·I_n (a one-pole filter): H(f) = b/(1 − a·e^(−iωdt))
    const dt = 0.1, a = 0.98, b = 2;
    const n = 20000;
    const i = new Float64Array(n), v = new Float64Array(n);
    let s = 1;
    for (let k = 1; k < 5000; k++) i[k] = ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
    for (let k = 1; k < n; k++) v[k] = a * v[k - 1] + b * i[k];
    const f = logFrequencies(1, 1000, 7);
    const z = impedanceSpectrum(i, v, dt, f);
    f.forEach((fq, k) => {
      const w = (2 * Math.PI * fq * dt) / 1000;
      const want = b / Math.hypot(1 - a * Math.cos(w), a * Math.sin(w));
      expect(z.mag_Mohm[k] / want - 1).toBeLessThan(1e-9);
    });
  });
  it('the ball and stick closed form: DC limits are R_in = 1/(G_soma + G∞ tanh L) and R_in/cosh L', () => {
    const c = { soma_area_um2: 500, length_um: 1000, diam_um: 1, Rm_ohm_cm2: 1e4, Ri_ohm_cm: 100, Cm_uF_cm2: 1 };
    const z = ballAndStickImpedance(c, 1e-9);
    const lambda = 0.05, Ginf = (Math.PI * 1e-8) / (4 * 100 * lambda), Gs = 500e-8 / 1e4;
    const Rin = 1 / (Gs + Ginf * Math.tanh(2)) / 1e6;
    expect(z.zSoma[0]).toBeCloseTo(Rin, 6);
    expect(z.zTransfer[0]).toBeCloseTo(Rin / Math.cosh(2), 6);
  });
});

describe('impedance --quick', () => {
  let run: QuickRun;
  it('runs and every check is within its range', async () => {
    run = await runQuick('impedance');
    expect(failedChecks(run.checks)).toEqual([]);
    expect(run.checks.length).toBe(8);
  });

  it('CA1: input and transfer impedances equal NEURON\'s Impedance class within 0.5 % (magnitude) and 0.01 rad (phase), 1–500 Hz', () => {
    const ca1 = run.results.ca1 as { dendritic_site: string; Z_input_soma_Mohm: number[]; Z_input_dend_Mohm: number[]; Z_transfer_Mohm: number[]; phase_transfer_rad: number[]; phase_input_soma_rad: number[] };
    expect(ca1.dendritic_site).toBe(NEURON.site);
    const f = run.results.frequencies_Hz as number[];
    f.forEach((x, k) => expect(Math.abs(x / NEURON.frequencies_Hz[k] - 1)).toBeLessThan(1e-4));
    const rel = (a: number[], b: { mag_Mohm: number }[]) => Math.max(...a.map((v, k) => Math.abs(v / b[k].mag_Mohm - 1)));
    expect(rel(ca1.Z_input_soma_Mohm, NEURON.input_soma)).toBeLessThan(0.005);
    expect(rel(ca1.Z_input_dend_Mohm, NEURON.input_dend)).toBeLessThan(0.005);
    expect(rel(ca1.Z_transfer_Mohm, NEURON.transfer)).toBeLessThan(0.005);
    // NEURON's phases are those of V relative to I (negative: lag), ours too
    ca1.phase_input_soma_rad.forEach((p, k) => expect(Math.abs(p - NEURON.input_soma[k].phase_rad)).toBeLessThan(0.01));
    ca1.phase_transfer_rad.forEach((p, k) => expect(Math.abs(p - NEURON.transfer[k].phase_rad)).toBeLessThan(0.01));
  });

  it('the transfer impedance falls faster than either input impedance', () => {
    const ca1 = run.results.ca1 as { relative_Z_at_100Hz: { input_soma: number; input_dend: number; transfer: number }; cutoff_input_dend_Hz: number; cutoff_transfer_Hz: number };
    expect(ca1.relative_Z_at_100Hz.transfer).toBeLessThan(ca1.relative_Z_at_100Hz.input_soma);
    expect(ca1.relative_Z_at_100Hz.input_soma).toBeLessThan(ca1.relative_Z_at_100Hz.input_dend);
    expect(ca1.cutoff_transfer_Hz).toBeLessThan(ca1.cutoff_input_dend_Hz / 5);
    expect(run.results.figures).toEqual(['impedance.svg', 'chirp.svg']);
  });
});
