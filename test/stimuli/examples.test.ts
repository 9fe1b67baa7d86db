/**
 * Every example protocol in fixtures/protocols/ that shows a stimulus type runs, and its result
 * has the physical property the example is about.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProtocol, parseProtocol, runProtocol, type ProtocolRun } from '../../src/protocol/index.ts';
import { distanceAt, pathDistances, segmentDiameter, crossingsAt } from '../../src/cable/distance.ts';

const DIR = fileURLToPath(new URL('../../fixtures/protocols/', import.meta.url));
const MORPH = fileURLToPath(new URL('../../fixtures/morphologies/', import.meta.url));
const file = (name: string) => join(DIR, name);

function column(run: ProtocolRun, label: string): Float64Array {
  const k = run.built.probes.findIndex((p) => p.label === label);
  if (k < 0) throw new Error(`no column ${label}`);
  return run.result.traces[k];
}

/** Index of the first sample with t ≥ t0. */
function at(run: ProtocolRun, t0: number): number {
  return run.result.t_ms.findIndex((t) => t >= t0 - 1e-9);
}

/** The mid-step time whose current sample k holds (sample k = the current of step k − 1). */
const mid = (run: ProtocolRun, k: number) => run.result.t_ms[k - 1] + run.result.dt_ms / 2;

/**
 * Input resistance (MΩ) of the passive ball and stick used by the examples (g_pas 1e-4 S/cm²,
 * Ra 100 Ω·cm): a 12.6157 µm soma cylinder (L = diam) in parallel with a sealed 200 µm × 1 µm
 * cable, G = g·π·d_s·L_s + tanh(L/λ)/(r_a·λ).
 */
function ballAndStickRin_MOhm(): number {
  const g = 1e-4, Ra = 100, d = 1e-4, L = 200e-4, dSoma = 12.6157e-4; // S/cm², Ω·cm, cm
  const lambda = Math.sqrt(((1 / g) * d) / (4 * Ra));
  const ra = (4 * Ra) / (Math.PI * d * d);
  const G = g * Math.PI * dSoma * dSoma + Math.tanh(L / lambda) / (ra * lambda); // S
  return 1 / G / 1e6;
}

describe('example protocols (fixtures/protocols)', () => {
  it('ramp: the current ramps, the soma rises monotonically with slope R_in·dI/dt, then relaxes to rest', () => {
    const run = runProtocol(loadProtocol(file('ramp_ball_and_stick.json')));
    const v = column(run, 'soma');
    const i = column(run, 'I_ramp');
    for (let k = 1; k < i.length; k++) {
      const t = mid(run, k);
      expect(i[k]).toBeCloseTo(t >= 20 && t < 120 ? (0.02 * (t - 20)) / 100 : 0, 12);
    }
    // a passive cell driven by a rising current from rest: v never decreases while the ramp is on
    const k0 = at(run, 20);
    const k1 = at(run, 120);
    for (let k = 0; k < k0; k++) expect(v[k]).toBe(-65);
    for (let k = k0 + 1; k <= k1; k++) expect(v[k]).toBeGreaterThanOrEqual(v[k - 1]);
    for (let k = k1 + 1; k < v.length; k++) expect(v[k]).toBeLessThanOrEqual(v[k - 1]);
    // after 5τ (τ = cm/g = 10 ms) the slope is R_in·(0.02 nA/100 ms); R_in of the ball and stick below
    const Rin = ballAndStickRin_MOhm();
    const slope = (v[at(run, 115)] - v[at(run, 105)]) / 10;
    expect(slope).toBeCloseTo((Rin * 0.02) / 100, 3);
    expect(Math.abs(slope / ((Rin * 0.02) / 100) - 1)).toBeLessThan(0.01);
    expect(v[v.length - 1] - -65).toBeLessThan(0.01 * (Math.max(...v) + 65));
  });

  it('pulse_train: one spike per pulse, each within its pulse interval', () => {
    const run = runProtocol(loadProtocol(file('pulse_train_ball_and_stick.json')));
    const spikes = run.probes[0].spikes_ms;
    expect(spikes.length).toBe(5);
    spikes.forEach((t, j) => {
      expect(t).toBeGreaterThan(10 + 20 * j);
      expect(t).toBeLessThan(10 + 20 * j + 5);
    });
    const i = column(run, 'I_train');
    for (let k = 1; k < i.length; k++) {
      const s = mid(run, k) - 10;
      const on = s >= 0 && s < 100 && s - 20 * Math.floor(s / 20) < 2;
      expect(i[k]).toBe(on ? 0.5 : 0);
    }
  });

  it('seclamp: holds the command voltage, current = (Vc − E)/(R_in + rs) at steady state, large transients at each step', () => {
    const run = runProtocol(loadProtocol(file('seclamp_ball_and_stick.json')));
    const v = column(run, 'soma');
    const i = column(run, 'I_clamp');
    const Rin = ballAndStickRin_MOhm();
    expect(Rin).toBeGreaterThan(850);
    expect(Rin).toBeLessThan(950);
    const rs = 1;
    for (const [t0, t1, vc] of [[5, 10, -65], [50, 60, -45], [90, 100, -65]] as const) {
      for (let k = at(run, t0); k < at(run, t1); k++) {
        expect(Math.abs(v[k] - vc)).toBeLessThan(0.05);
        expect(Math.abs(i[k] - (vc + 65) / (Rin + rs))).toBeLessThan(2e-4); // 1% of 0.0219 nA
      }
    }
    expect(i[at(run, 59)]).toBeCloseTo(20 / (Rin + rs), 3);
    // transients: more than 50× the steady current within 1 ms of each change, with the sign of the step
    const peakNear = (t: number) => {
      let best = 0;
      for (let k = at(run, t); k < at(run, t + 1); k++) if (Math.abs(i[k]) > Math.abs(best)) best = i[k];
      return best;
    };
    expect(peakNear(10)).toBeGreaterThan(50 * 0.0219);
    expect(peakNear(60)).toBeLessThan(-50 * 0.0219);
    // i is recorded as (vc − v)/rs with the voltage after each step
    for (let k = 1; k < i.length; k++) {
      const t = mid(run, k);
      const vc = t < 10 ? -65 : t < 60 ? -45 : -65;
      expect(i[k]).toBeCloseTo((vc - v[k]) / rs, 10);
    }
  });

  it('waveform: the recorded current replays the CSV (linear interpolation, delay 5 ms, 0 outside)', () => {
    const run = runProtocol(loadProtocol(file('waveform_ball_and_stick.json')));
    const rows = readFileSync(file('waveform_ball_and_stick.csv'), 'utf8').split('\n').filter((l) => /^[\d.]/.test(l)).map((l) => l.split(',').map(Number));
    const interp = (t: number) => {
      if (t < rows[0][0] || t > rows[rows.length - 1][0]) return 0;
      for (let j = 1; j < rows.length; j++) {
        if (t < rows[j][0]) return rows[j - 1][1] + ((rows[j][1] - rows[j - 1][1]) * (t - rows[j - 1][0])) / (rows[j][0] - rows[j - 1][0]);
      }
      return rows[rows.length - 1][1];
    };
    const i = column(run, 'I_played');
    for (let k = 1; k < i.length; k++) expect(i[k]).toBeCloseTo(interp(mid(run, k) - 5), 12);
    expect(Math.max(...i)).toBe(0.02);
    const v = column(run, 'soma');
    expect(v[at(run, 34.9)]).toBeGreaterThan(-65 + 5); // ~9 mV on 10 pA
    expect(v[at(run, 44.9)]).toBeGreaterThan(v[at(run, 34.9)]);
  });

  it('waveform: a step written as CSV gives exactly the traces of the equivalent iclamp', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'dendrite-wave-'));
    writeFileSync(join(tmp, 'step.csv'), 't_ms,i_nA\n0,0\n10.0125,0\n10.0125,0.03\n40,0.03\n40,0\n60,0\n');
    const proto = JSON.parse(readFileSync(file('waveform_ball_and_stick.json'), 'utf8'));
    proto.morphology = join(MORPH, 'ball_and_stick.swc');
    proto.stimuli = [{ type: 'waveform', at: 'dend[0](0.3)', file: 'step.csv', delay_ms: 0 }];
    const asWave = runProtocol(parseProtocol(proto, join(tmp, 'p.json')));
    proto.stimuli = [{ type: 'iclamp', at: 'dend[0](0.3)', delay_ms: 10.0125, dur_ms: 40 - 10.0125, amp_nA: 0.03 }];
    const asIclamp = runProtocol(parseProtocol(proto, join(tmp, 'p.json')));
    for (let k = 0; k < 3; k++) expect(Array.from(asWave.result.traces[k])).toEqual(Array.from(asIclamp.result.traces[k]));
    expect(Math.max(...asWave.result.traces[2])).toBe(0.03);
  });

  it('sine: soma and dendrite oscillate at the stimulus frequency, the dendrite attenuated', () => {
    const run = runProtocol(loadProtocol(file('sine_ca1_c91662.json')));
    const t = run.result.t_ms;
    const window = (x: Float64Array) => Array.from(x.slice(at(run, 150), at(run, 450)));
    const crossings = (x: number[]) => {
      const m = x.reduce((a, b) => a + b, 0) / x.length;
      let n = 0;
      for (let k = 1; k < x.length; k++) if ((x[k - 1] - m) * (x[k] - m) < 0 || (x[k] === m && x[k - 1] !== m)) n++;
      return n;
    };
    const soma = window(column(run, 'soma'));
    const dend = window(column(run, 'apic_300um'));
    // 20 Hz over 300 ms: 6 periods, 12 zero crossings
    expect(Math.abs(crossings(soma) - 12)).toBeLessThanOrEqual(1);
    expect(Math.abs(crossings(dend) - 12)).toBeLessThanOrEqual(1);
    expect(Math.abs(crossings(window(column(run, 'I_sine'))) - 12)).toBeLessThanOrEqual(1);
    const amp = (x: number[]) => (Math.max(...x) - Math.min(...x)) / 2;
    expect(amp(soma)).toBeGreaterThan(2);
    expect(amp(dend)).toBeLessThan(amp(soma));
    expect(amp(dend)).toBeGreaterThan(0.2 * amp(soma));
    // the recording site is 300 µm from the soma along the apical tree
    const q = run.built.probes[1];
    const s = run.built.morphology.sections.findIndex((x) => x.name === q.section);
    expect(distanceAt(pathDistances(run.built.morphology), s, q.x)).toBeCloseTo(300, 9);
    expect(t.length).toBe(5001);
  });

  it('noise: same seed → identical traces, other seed → different; mean and SD of the current as asked', () => {
    const raw = JSON.parse(readFileSync(file('noise_ca1_n120.json'), 'utf8'));
    const a = runProtocol(loadProtocol(file('noise_ca1_n120.json')));
    const b = runProtocol(parseProtocol(JSON.parse(JSON.stringify(raw)), file('noise_ca1_n120.json')));
    raw.stimuli[0].seed = 43;
    const c = runProtocol(parseProtocol(raw, file('noise_ca1_n120.json')));
    expect(Array.from(a.result.traces[0])).toEqual(Array.from(b.result.traces[0]));
    expect(Array.from(a.result.traces[1])).toEqual(Array.from(b.result.traces[1]));
    expect(Array.from(a.result.traces[0])).not.toEqual(Array.from(c.result.traces[0]));
    const i = column(a, 'I_noise');
    const held: number[] = [];
    for (let k = 1; k < i.length; k++) {
      const t = mid(a, k);
      if (t < 20 || t >= 220) expect(i[k]).toBe(0);
      else held.push(i[k]);
    }
    // 400 values, each held 0.5 ms = 20 steps
    const values = held.filter((_, j) => j % 20 === 0);
    expect(values.length).toBe(400);
    held.forEach((x, j) => expect(x).toBe(values[Math.floor(j / 20)]));
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
    expect(Math.abs(mean - 0.3)).toBeLessThan(3 * 0.4 / Math.sqrt(400));
    expect(Math.abs(sd - 0.4)).toBeLessThan(0.06);
    expect(a.probes[0].spikes_ms.length).toBeGreaterThan(0);
  });

  it('epsp: placed on the thickest apical branch at 300 µm, current peaks at −imax at onset + tpeak, smooth EPSP at the soma', () => {
    const run = runProtocol(loadProtocol(file('epsp_l23_human.json')));
    const m = run.built.morphology;
    const site = run.built.stimuli[0];
    const pd = pathDistances(m);
    expect(distanceAt(pd, site.section, site.x)).toBeCloseTo(300, 9);
    const apic = m.sections.flatMap((s, k) => (s.type === 4 ? [k] : []));
    const all = crossingsAt(pd, apic, 300);
    expect(all.length).toBeGreaterThan(1);
    const diam = (c: { section: number; x: number }) => segmentDiameter(m.sections[c.section], run.built.layout.sections[c.section].nseg, c.x);
    for (const c of all) expect(diam(c)).toBeLessThanOrEqual(diam(site));
    const i = column(run, 'I_epsp');
    let kMin = 0;
    for (let k = 0; k < i.length; k++) if (i[k] < i[kMin]) kMin = k;
    const tpeak = (0.5 * 5 * Math.log(0.5 / 5)) / (0.5 - 5);
    expect(Math.abs(mid(run, kMin) - (20 + tpeak))).toBeLessThanOrEqual(run.result.dt_ms / 2 + 1e-9);
    expect(Math.abs(i[kMin] + 0.5)).toBeLessThan(1e-4);
    for (let k = 1; k < i.length; k++) if (mid(run, k) < 20) expect(i[k]).toBe(0);
    // soma: rest until onset, then one smooth hump: rises monotonically to its peak, then decays monotonically
    const v = column(run, 'soma');
    const k0 = at(run, 20);
    let kp = k0;
    for (let k = k0; k < v.length; k++) if (v[k] > v[kp]) kp = k;
    for (let k = k0 + 1; k <= kp; k++) expect(v[k]).toBeGreaterThanOrEqual(v[k - 1]);
    for (let k = kp + 1; k < v.length; k++) expect(v[k]).toBeLessThanOrEqual(v[k - 1]);
    const amp = v[kp] - v[k0];
    expect(amp).toBeGreaterThan(0.5);
    expect(amp).toBeLessThan(10);
    const dend = column(run, 'apic_300um');
    let kd = k0;
    for (let k = k0; k < dend.length; k++) if (dend[k] > dend[kd]) kd = k;
    expect(dend[kd] - dend[k0]).toBeGreaterThan(2 * amp); // larger where it is injected
    expect(kd).toBeLessThan(kp); // and earlier
  });
});
