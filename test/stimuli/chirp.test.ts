/**
 * The chirp (ZAP) current, IChirp (src/channels/stimuli/chirp.ts), and the protocol's `chirp`
 * stimulus: the closed forms at mid-step times, the sweep's instantaneous frequency seen in the zero
 * crossings, equality with ISine for f0 = f1, and protocol errors with JSON paths.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import type { MechanismUse, Probe, SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { parseProtocol, runProtocol } from '../../src/protocol/index.ts';
import { builtinCatalogue } from '../../src/channels/catalogue.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const layout = buildLayout([
  { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
]);
const node = nodeAt(layout.sections[0], 0.5);
const PAS: MechanismUse = { name: 'pas', nodes: [node], params: { g: 1e-3, e: -65 } };

function run(extra: Partial<SimulationRequest>, record: Probe[], tstop: number, dt = 0.025) {
  return simulate({ layout, mechanisms: [PAS], record, dt_ms: dt, tstop_ms: tstop, v_init_mV: -65, ...extra });
}

/** Mid-step times as the engine accumulates them (t += dt/2 twice a step). */
function midTimes(steps: number, dt = 0.025): number[] {
  const out: number[] = [];
  let t = 0;
  for (let k = 0; k < steps; k++) {
    out.push(t + dt / 2);
    t += dt / 2;
    t += dt / 2;
  }
  return out;
}

const chirpUse = (params: Record<string, number>): MechanismUse => ({ name: 'IChirp', nodes: [node], params });
const I = { mechanism: 1, variable: 'i', instance: 0 };

describe('IChirp', () => {
  it('is in the catalogue with its parameters and units', () => {
    const d = builtinCatalogue().get('IChirp')!.description;
    expect(d.params.map((p) => `${p.name} ${p.unit}`)).toEqual(['del ms', 'dur ms', 'amp nA', 'f0 Hz', 'f1 Hz', 'exponential 1', 'offset nA']);
  });

  it('linear sweep: offset + amp·sin(2π(f0·τ + (f1 − f0)τ²/2T)) in its window, 0 outside', () => {
    const res = run({ mechanisms: [PAS, chirpUse({ del: 5, dur: 200, amp: 0.1, f0: 1, f1: 100, exponential: 0, offset: 0.02 })] }, [I], 220);
    const mids = midTimes(res.steps);
    for (let k = 1; k <= res.steps; k++) {
      const t = mids[k - 1];
      const tau = (t - 5) / 1000;
      const want = t >= 5 && t < 205 ? 0.02 + 0.1 * Math.sin(2 * Math.PI * (1 * tau + (99 * tau * tau) / (2 * 0.2))) : 0;
      expect(res.traces[0][k]).toBeCloseTo(want, 12);
    }
  });

  it('exponential sweep: θ = 2π·f0·T·(k^(τ/T) − 1)/ln k', () => {
    const res = run({ mechanisms: [PAS, chirpUse({ del: 0, dur: 500, amp: 0.2, f0: 0.5, f1: 200, exponential: 1, offset: 0 })] }, [I], 500);
    const mids = midTimes(res.steps);
    const k400 = Math.log(400);
    for (let k = 1; k <= res.steps; k++) {
      const tau = mids[k - 1] / 1000;
      expect(res.traces[0][k]).toBeCloseTo(0.2 * Math.sin((2 * Math.PI * 0.5 * 0.5 * (Math.pow(400, tau / 0.5) - 1)) / k400), 10);
    }
  });

  it('its zero crossings follow the instantaneous frequency f0 + (f1 − f0)·τ/T', () => {
    const res = run({ mechanisms: [PAS, chirpUse({ del: 0, dur: 1000, amp: 1, f0: 5, f1: 50, exponential: 0, offset: 0 })] }, [I], 1000, 0.01);
    const mids = midTimes(res.steps, 0.01);
    const ups: number[] = [];
    for (let k = 2; k <= res.steps; k++) if (res.traces[0][k - 1] < 0 && res.traces[0][k] >= 0) ups.push(mids[k - 2]);
    // cycles in a linear sweep: f0·T + (f1 − f0)·T/2 = 27.5
    expect(ups.length).toBe(27);
    for (let j = 1; j < ups.length; j++) {
      const mid_s = (ups[j] + ups[j - 1]) / 2000;
      const f = 5 + 45 * mid_s;
      expect(1000 / (ups[j] - ups[j - 1])).toBeCloseTo(f, 0);
    }
  });

  it('with f0 = f1 it is the sine of the same frequency', () => {
    const a = run({ mechanisms: [PAS, chirpUse({ del: 2, dur: 30, amp: 0.3, f0: 120, f1: 120, exponential: 0, offset: 0.05 })] }, [node], 40);
    const b = run({ mechanisms: [PAS, { name: 'ISine', nodes: [node], params: { del: 2, dur: 30, amp: 0.3, freq: 120, phase: 0, offset: 0.05 } }] }, [node], 40);
    for (let k = 0; k <= a.steps; k++) expect(a.traces[0][k]).toBeCloseTo(b.traces[0][k], 10);
  });
});

describe('protocol stimulus "chirp"', () => {
  const base = (stim: Record<string, unknown>) => ({
    morphology: join(ROOT, 'fixtures/morphologies/ball_and_stick.swc'),
    biophysics: { mechanisms: [{ name: 'pas', region: 'all' }] },
    stimuli: [{ type: 'chirp', at: 'soma[0](0.5)', ...stim }],
    record: [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'I', stimulus: 0 }],
    run: { tstop_ms: 110, dt_ms: 0.025 },
  });
  const where = join(ROOT, 'fixtures/protocols/x.json');

  it('runs, with the sweep as documented (default linear, offset 0)', () => {
    const r = runProtocol(parseProtocol(base({ delay_ms: 10, dur_ms: 100, amp_nA: 0.05, f_start_Hz: 0, f_end_Hz: 200 }), where));
    const i = r.result.traces[1];
    const t = r.result.t_ms;
    for (let k = 1; k < t.length; k++) {
      const tm = t[k - 1] + 0.0125;
      const tau = (tm - 10) / 1000;
      const want = tm >= 10 && tm < 110 ? 0.05 * Math.sin(2 * Math.PI * ((200 * tau * tau) / 0.2)) : 0;
      expect(i[k]).toBeCloseTo(want, 10);
    }
    expect(r.built.stimuli[0].type).toBe('chirp');
  });

  it('errors name the JSON path and the value', () => {
    expect(() => parseProtocol(base({ delay_ms: 0, dur_ms: 100, amp_nA: 1, f_start_Hz: 0, f_end_Hz: 10, sweep: 'exponential' }), where)).toThrow(/\$\.stimuli\[0\]\.f_start_Hz: an exponential sweep needs f_start_Hz and f_end_Hz > 0, got 0 and 10 Hz/);
    expect(() => parseProtocol(base({ delay_ms: 0, dur_ms: 100, amp_nA: 1, f_start_Hz: 1, f_end_Hz: 10, sweep: 'log' }), where)).toThrow(/\$\.stimuli\[0\]\.sweep/);
    expect(() => parseProtocol(base({ delay_ms: 0, dur_ms: 0, amp_nA: 1, f_start_Hz: 1, f_end_Hz: 10 }), where)).toThrow(/\$\.stimuli\[0\]\.dur_ms/);
    expect(() => parseProtocol(base({ delay_ms: 0, dur_ms: 10, amp_nA: 1, f_start_Hz: 1 }), where)).toThrow(/\$\.stimuli\[0\]\.f_end_Hz: missing/);
    expect(() => parseProtocol(base({ delay_ms: 0, dur_ms: 10, amp_nA: 1, f_start_Hz: 1, f_end_Hz: 2, frequency_Hz: 3 }), where)).toThrow(/unknown key "frequency_Hz" for a chirp \(it belongs to type "sine"\)/);
  });
});

describe('fixtures/protocols/chirp_ball_and_stick.json', () => {
  it('runs; the soma impedance measured from it (Z = V̂/Î) matches the ball and stick closed form within 1 %', async () => {
    const { loadProtocol } = await import('../../src/protocol/index.ts');
    const { impedanceSpectrum, ballAndStickImpedance } = await import('../../src/experiments/impedance-analysis.ts');
    const r = runProtocol(loadProtocol(join(ROOT, 'fixtures/protocols/chirp_ball_and_stick.json')));
    const k = (label: string) => r.built.probes.findIndex((p) => p.label === label);
    const dt = r.result.dt_ms;
    const f = [2, 5, 10, 20, 50, 100];
    const z = impedanceSpectrum(r.result.traces[k('I_chirp')], r.result.traces[k('soma')], dt, f, -dt / 2, 0);
    // ball_and_stick.swc: one-point soma of radius 6.30785 µm (a 12.6157 µm cylinder, 500 µm²) and a 200 µm × 1 µm stick
    const soma_area_um2 = r.built.morphology.sections[0].area_um2;
    f.forEach((fq, j) => {
      const t = ballAndStickImpedance({ soma_area_um2, length_um: 200, diam_um: 1, Rm_ohm_cm2: 1e4, Ri_ohm_cm: 100, Cm_uF_cm2: 1 }, fq).zSoma;
      expect(Math.abs(z.mag_Mohm[j] / Math.hypot(t[0], t[1]) - 1)).toBeLessThan(0.01);
    });
    // low-pass: |Z| at 100 Hz well below |Z| at 2 Hz
    expect(z.mag_Mohm[5] / z.mag_Mohm[0]).toBeLessThan(0.25);
  });
});
