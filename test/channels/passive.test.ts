/** One passive compartment charged by an IClamp, against the analytic RC curve. */
import { describe, expect, it } from 'vitest';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { pas } from '../../src/channels/pas.ts';
import type { Method } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';

// 20 µm × 20 µm cylinder: area 400π µm². g 0.001 S/cm², cm 1 µF/cm² → τ = cm/g = 1 ms.
const G_DENSITY = 0.001;
const E = -70;
const AMP = 0.2;
const layout = buildLayout([
  { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
]);
const node = nodeAt(layout.sections[0], 0.5);
const area = layout.area_um2[node];
const R = 1 / (G_DENSITY * area * 1e-2); // MΩ (µS⁻¹)
const TAU = 1; // ms
const vInf = E + AMP * R;

function run(dt: number, method: Method, tstop = 5) {
  return simulate({
    layout,
    mechanisms: [{ name: 'pas', nodes: [node], params: { g: G_DENSITY, e: E } }],
    stimuli: [{ node, del_ms: 0, dur_ms: 1e9, amp_nA: AMP }],
    record: [node, nodeAt(layout.sections[0], 0), nodeAt(layout.sections[0], 1)],
    dt_ms: dt,
    tstop_ms: tstop,
    method,
    v_init_mV: E,
  });
}

function maxErrorVsAnalytic(dt: number, method: Method): number {
  const res = run(dt, method);
  let worst = 0;
  res.t_ms.forEach((t, k) => {
    const exact = vInf + (E - vInf) * Math.exp(-t / TAU);
    worst = Math.max(worst, Math.abs(res.traces[0][k] - exact));
  });
  return worst;
}

describe('passive compartment + IClamp', () => {
  it('uses NEURON defaults g = 0.001 S/cm², e = −70 mV', () => {
    expect(pas.description.params.map((p) => [p.name, p.default])).toEqual([
      ['g', 0.001],
      ['e', -70],
    ]);
  });

  it('backward Euler reproduces its own closed form v_n = v∞ + (v0 − v∞)/(1 + dt/τ)^n', () => {
    const dt = 0.025;
    const res = run(dt, 'backward_euler');
    res.t_ms.forEach((_, k) => {
      const discrete = vInf + (E - vInf) / Math.pow(1 + dt / TAU, k);
      expect(Math.abs(res.traces[0][k] - discrete)).toBeLessThan(1e-10);
    });
    // Zero-area end nodes carry no current, so they follow the centre (up to the rounding of the
    // solver's reciprocal diagonal: a few ulp).
    for (const k of [1, 2]) {
      res.traces[k].forEach((x, j) => expect(Math.abs(x - res.traces[0][j])).toBeLessThan(1e-12));
    }
  });

  it('approaches the analytic charging curve, first order in dt for backward Euler', () => {
    const e1 = maxErrorVsAnalytic(0.1, 'backward_euler');
    const e2 = maxErrorVsAnalytic(0.05, 'backward_euler');
    const e3 = maxErrorVsAnalytic(0.025, 'backward_euler');
    expect(e1 / e2).toBeGreaterThan(1.8);
    expect(e1 / e2).toBeLessThan(2.2);
    expect(e2 / e3).toBeGreaterThan(1.8);
    expect(e3).toBeLessThan(0.01 * (vInf - E));
  });

  it('second order for Crank–Nicolson', () => {
    const e1 = maxErrorVsAnalytic(0.1, 'crank_nicolson');
    const e2 = maxErrorVsAnalytic(0.05, 'crank_nicolson');
    expect(e1 / e2).toBeGreaterThan(3.5);
    expect(e1 / e2).toBeLessThan(4.5);
    expect(e2).toBeLessThan(maxErrorVsAnalytic(0.05, 'backward_euler') / 10);
  });

  it('records its current i = g·(v − e) when asked, with the same v as without the probe', () => {
    const base = {
      layout,
      mechanisms: [{ name: 'pas', nodes: [node], params: { g: G_DENSITY, e: E } }],
      stimuli: [{ node, del_ms: 0, dur_ms: 1e9, amp_nA: AMP }],
      dt_ms: 0.025,
      tstop_ms: 3,
      v_init_mV: E,
    };
    const bare = simulate({ ...base, record: [node] });
    const withI = simulate({ ...base, record: [node, { mechanism: 0, variable: 'i', instance: 0 }] });
    expect(Array.from(withI.traces[0])).toEqual(Array.from(bare.traces[0]));
    // i of sample k is the value used in step k − 1, i.e. from v of sample k − 1 (numerics §8).
    for (let k = 1; k < withI.t_ms.length; k++) {
      expect(withI.traces[1][k]).toBe(G_DENSITY * (withI.traces[0][k - 1] - E));
    }
  });

  it('reaches v∞ = e + I·R', () => {
    const res = run(0.025, 'backward_euler', 30);
    expect(res.traces[0][res.t_ms.length - 1]).toBeCloseTo(vInf, 8);
  });
});
