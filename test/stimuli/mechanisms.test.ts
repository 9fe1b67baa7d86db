/**
 * The stimulus point processes on one passive compartment through simulate(): each against the
 * formula it documents, and against IClamps where NEURON would use IClamps.
 */
import { describe, expect, it } from 'vitest';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinCatalogue, createCatalogue, builtinMechanisms } from '../../src/channels/catalogue.ts';
import { createPlayedCurrent, epspPeakTime, gaussianSequence } from '../../src/channels/stimuli/index.ts';
import type { MechanismUse, Probe, SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';

const layout = buildLayout([
  { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
]);
const node = nodeAt(layout.sections[0], 0.5);
const PAS: MechanismUse = { name: 'pas', nodes: [node], params: { g: 1e-3, e: -65 } };

function run(extra: Partial<SimulationRequest>, record: Probe[], tstop = 20) {
  return simulate({ layout, mechanisms: [PAS], record, dt_ms: 0.025, tstop_ms: tstop, v_init_mV: -65, ...extra });
}

/** Mid-step times as the engine accumulates them. */
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

describe('stimulus point processes', () => {
  it('the catalogue lists them', () => {
    const names = builtinCatalogue().names();
    for (const n of ['IRamp', 'ISine', 'IPulseTrain', 'INoise', 'IPlay', 'epsp', 'SEClamp']) expect(names).toContain(n);
  });

  it('IRamp follows amp0 + (amp1 − amp0)(t − del)/dur at mid-step, 0 outside', () => {
    const res = run({ mechanisms: [PAS, { name: 'IRamp', nodes: [node], params: { del: 2, dur: 10, amp0: 0.1, amp1: 0.5 } }] },
      [{ mechanism: 1, variable: 'i', instance: 0 }]);
    const mids = midTimes(res.steps);
    for (let k = 1; k <= res.steps; k++) {
      const t = mids[k - 1];
      const want = t >= 2 && t < 12 ? 0.1 + 0.4 * ((t - 2) / 10) : 0;
      expect(res.traces[0][k]).toBeCloseTo(want, 14);
    }
  });

  it('ISine is offset + amp·sin(2πf(t − del) + phase) in its window', () => {
    const res = run({ mechanisms: [PAS, { name: 'ISine', nodes: [node], params: { del: 1, dur: 15, amp: 0.3, freq: 200, phase: 90, offset: 0.05 } }] },
      [{ mechanism: 1, variable: 'i', instance: 0 }]);
    const mids = midTimes(res.steps);
    for (let k = 1; k <= res.steps; k++) {
      const t = mids[k - 1];
      const want = t >= 1 && t < 16 ? 0.05 + 0.3 * Math.cos(2 * Math.PI * 0.2 * (t - 1)) : 0;
      expect(res.traces[0][k]).toBeCloseTo(want, 12);
    }
  });

  it('IPulseTrain equals one IClamp per pulse, bit for bit', () => {
    const a = run({ mechanisms: [PAS, { name: 'IPulseTrain', nodes: [node], params: { del: 1.0125, number: 4, interval: 3.3, dur: 1.1, amp: 0.4 } }] }, [node]);
    const b = run({ stimuli: [0, 1, 2, 3].map((j) => ({ node, del_ms: 1.0125 + j * 3.3, dur_ms: 1.1, amp_nA: 0.4 })) }, [node]);
    expect(Array.from(a.traces[0])).toEqual(Array.from(b.traces[0]));
  });

  it('INoise: same seed same current, other seed other current, held per interval, mean and std', () => {
    const noise = (seed: number) => run({ mechanisms: [PAS, { name: 'INoise', nodes: [node], params: { del: 0, dur: 1e4, mean: 0.2, std: 0.1, seed, interval: 0.1 } }] },
      [{ mechanism: 1, variable: 'i', instance: 0 }], 500);
    const a = noise(7).traces[0];
    const b = noise(7).traces[0];
    const c = noise(8).traces[0];
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // held for 4 steps of 0.025 ms
    expect(a[1]).toBe(a[4]);
    expect(a[5]).not.toBe(a[4]);
    const vals = Array.from(a.slice(1));
    const mean = vals.reduce((s, x) => s + x, 0) / vals.length;
    const sd = Math.sqrt(vals.reduce((s, x) => s + (x - mean) ** 2, 0) / vals.length);
    expect(Math.abs(mean - 0.2)).toBeLessThan(0.005); // 5000 values: se 0.0014
    expect(Math.abs(sd - 0.1)).toBeLessThan(0.005);
  });

  it('gaussianSequence is standard normal and reproducible', () => {
    const z = gaussianSequence(12345, 200000);
    expect(Array.from(gaussianSequence(12345, 10))).toEqual(Array.from(z.slice(0, 10)));
    let s = 0, s2 = 0, s4 = 0, inside = 0;
    for (const x of z) {
      s += x; s2 += x * x; s4 += x ** 4;
      if (Math.abs(x) < 1) inside++;
    }
    const n = z.length;
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.05);
    expect(Math.abs(inside / n - 0.6827)).toBeLessThan(0.005);
  });

  it('IPlay of a step waveform equals the IClamp bit for bit; 0 outside the waveform', () => {
    const play = createPlayedCurrent([{ t_ms: Float64Array.of(0, 2, 2, 7, 7, 9), i_nA: Float64Array.of(0, 0, 0.5, 0.5, 0, 0) }]);
    const catalogue = createCatalogue(builtinMechanisms().map((m) => (m.description.name === 'IPlay' ? play : m)));
    const a = run({ catalogue, mechanisms: [PAS, { name: 'IPlay', nodes: [node], params: { del: 1, wave: 0 } }] }, [node, { mechanism: 1, variable: 'i', instance: 0 }]);
    const b = run({ stimuli: [{ node, del_ms: 3, dur_ms: 5, amp_nA: 0.5 }] }, [node, { stimulus: 0 }]);
    expect(Array.from(a.traces[0])).toEqual(Array.from(b.traces[0]));
    expect(Array.from(a.traces[1])).toEqual(Array.from(b.traces[1]));
  });

  it('IPlay interpolates linearly at mid-step and is 0 before the first and after the last point', () => {
    const play = createPlayedCurrent([{ t_ms: Float64Array.of(1, 3, 4), i_nA: Float64Array.of(0.2, 0.6, -0.4) }]);
    const catalogue = createCatalogue(builtinMechanisms().map((m) => (m.description.name === 'IPlay' ? play : m)));
    const res = run({ catalogue, mechanisms: [PAS, { name: 'IPlay', nodes: [node], params: { del: 0.5, wave: 0 } }] }, [{ mechanism: 1, variable: 'i', instance: 0 }], 6);
    const mids = midTimes(res.steps);
    for (let k = 1; k <= res.steps; k++) {
      const t = mids[k - 1] - 0.5;
      const want = t < 1 || t > 4 ? 0 : t < 3 ? 0.2 + 0.4 * ((t - 1) / 2) : 0.6 - 1.0 * (t - 3);
      expect(res.traces[0][k]).toBeCloseTo(want, 12);
    }
  });

  it('epsp peaks at −imax at onset + tpeak and depolarises', () => {
    const tau0 = 0.5, tau1 = 5, imax = 0.5, onset = 2;
    const res = run({ mechanisms: [PAS, { name: 'epsp', nodes: [node], params: { onset, tau0, tau1, imax } }] },
      [node, { mechanism: 1, variable: 'i', instance: 0 }], 30);
    const i = res.traces[1];
    let kMin = 0;
    for (let k = 0; k < i.length; k++) if (i[k] < i[kMin]) kMin = k;
    const tpeak = epspPeakTime(tau0, tau1);
    expect(tpeak).toBeCloseTo((tau0 * tau1 * Math.log(tau0 / tau1)) / (tau0 - tau1), 14);
    // sample k holds the current at t_{k−1} + dt/2
    expect(Math.abs(res.t_ms[kMin] - 0.0125 - (onset + tpeak))).toBeLessThanOrEqual(0.0125 + 1e-9);
    expect(Math.abs(i[kMin] + imax)).toBeLessThan(1e-4); // sampled within dt/2 of the peak
    const tm = res.t_ms[kMin] - 0.0125;
    const adjust = 1 / (Math.exp(-tpeak / tau1) - Math.exp(-tpeak / tau0));
    expect(i[kMin]).toBeCloseTo(-imax * adjust * (Math.exp(-(tm - onset) / tau1) - Math.exp(-(tm - onset) / tau0)), 12);
    expect(Math.max(...res.traces[0])).toBeGreaterThan(-64);
  });

  it('SEClamp holds the voltage, its current is (vc − v)/rs with the new v, and it is off after dur1+dur2+dur3', () => {
    const res = run({ mechanisms: [PAS, { name: 'SEClamp', nodes: [node], params: { rs: 0.01, dur1: 5, amp1: -50, dur2: 5, amp2: -80, dur3: 0, amp3: 0 } }] },
      [node, { mechanism: 1, variable: 'i', instance: 0 }, { mechanism: 1, variable: 'vc', instance: 0 }]);
    const [v, i, vc] = res.traces;
    // t = 0: (amp1 − v_init)/rs
    expect(i[0]).toBeCloseTo((-50 + 65) / 0.01, 9);
    for (let k = 0; k < v.length; k++) {
      expect(i[k]).toBeCloseTo(vc[k] === 0 && res.t_ms[k] > 10 ? 0 : (vc[k] - v[k]) / 0.01, 9);
    }
    // steady state at -50: the clamp supplies the leak current g·A·(v − e)
    const k4 = Math.round(4.5 / 0.025);
    const area = layout.area_um2[node];
    expect(v[k4]).toBeCloseTo(-50, 1);
    expect(i[k4]).toBeCloseTo(1e-3 * area * 1e-2 * (v[k4] + 65), 6);
    const k9 = Math.round(9.5 / 0.025);
    expect(v[k9]).toBeCloseTo(-80, 1);
    // off after 10 ms: i = 0, v relaxes to rest
    expect(i[i.length - 1]).toBe(0);
    expect(v[v.length - 1]).toBeGreaterThan(-70);
  });
});
