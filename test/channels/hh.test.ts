import { describe, expect, it } from 'vitest';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import {
  buildHhTable,
  hh,
  hhQ10,
  hhRates,
  hhRatesFromTable,
  HTAU,
  MINF,
  MTAU,
  NINF,
  NTAU,
} from '../../src/channels/hh.ts';
import { ION_DEFAULTS } from '../../src/channels/ions.ts';
import { paramDefault } from '../../src/channels/mechanism.ts';
import type { Method } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { upwardCrossings } from '../validation/rallpack-models.ts';

const layout = buildLayout([
  { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
]);
const soma = nodeAt(layout.sections[0], 0.5);

function run(opts: { amp?: number; celsius?: number; usetable?: 0 | 1; tstop?: number; method?: Method; del?: number; dur?: number }) {
  return simulate({
    layout,
    mechanisms: [{ name: 'hh', nodes: [soma], globals: { usetable: opts.usetable ?? 0 } }],
    stimuli: [{ node: soma, del_ms: opts.del ?? 5, dur_ms: opts.dur ?? 40, amp_nA: opts.amp ?? 0 }],
    record: [soma, { mechanism: 0, variable: 'm', instance: 0 }],
    dt_ms: 0.025,
    tstop_ms: opts.tstop ?? 50,
    method: opts.method ?? 'backward_euler',
    v_init_mV: -65,
    celsius: opts.celsius ?? 6.3,
  });
}

describe('hh', () => {
  it("has NEURON's defaults", () => {
    const d = hh.description;
    expect(['gnabar', 'gkbar', 'gl', 'el'].map((p) => paramDefault(d, p))).toEqual([0.12, 0.036, 0.0003, -54.3]);
    expect(ION_DEFAULTS.na.e_mV).toBe(50);
    expect(ION_DEFAULTS.k.e_mV).toBe(-77);
    expect(paramDefault(d, 'usetable')).toBe(0);
  });

  it('rests at −64.974 mV (NEURON: −64.97405245162669 after 200 ms)', () => {
    const res = run({ tstop: 200 });
    const v = res.traces[0];
    expect(Math.abs(v[v.length - 1] - -64.97405245162669)).toBeLessThan(1e-9);
    expect(Math.max(...v)).toBeLessThan(-64.9);
  });

  it('gives the same v whether or not its currents and ion totals are recorded (current-only kernel)', () => {
    for (const method of ['backward_euler', 'crank_nicolson'] as const) {
      const base = {
        layout,
        mechanisms: [{ name: 'hh', nodes: [soma] }],
        stimuli: [{ node: soma, del_ms: 2, dur_ms: 20, amp_nA: 0.3 }],
        dt_ms: 0.025,
        tstop_ms: 25,
        method,
      };
      const bare = simulate({ ...base, record: [soma] });
      const full = simulate({
        ...base,
        record: [
          soma,
          { mechanism: 0, variable: 'ina', instance: 0 },
          { mechanism: 0, variable: 'il', instance: 0 },
          { ion: 'k', variable: 'i', node: soma },
        ],
      });
      expect(Array.from(bare.traces[0])).toEqual(Array.from(full.traces[0]));
      const k = full.traces.length - 1;
      expect(Math.min(...full.traces[1])).toBeLessThan(-0.1); // ina during spikes, mA/cm²
      expect(full.traces[2].some((x) => x !== 0)).toBe(true);
      expect(Math.max(...full.traces[k])).toBeGreaterThan(0.1); // ik
    }
  });

  it('fires repetitively during a current step and not before it', () => {
    const res = run({ amp: 0.3, del: 5, dur: 40, tstop: 60 });
    const spikes = upwardCrossings(res.t_ms, res.traces[0], 0);
    expect(spikes.length).toBeGreaterThanOrEqual(3);
    expect(spikes[0]).toBeGreaterThan(5);
    expect(spikes[spikes.length - 1]).toBeLessThan(46);
    expect(Math.max(...res.traces[0])).toBeGreaterThan(30);
    // The gate is recorded with the voltage.
    expect(Math.max(...res.traces[1])).toBeGreaterThan(0.9);
  });

  it('q10 = 3^((celsius − 6.3)/10) divides every time constant', () => {
    expect(hhQ10(6.3)).toBe(1);
    expect(hhQ10(16.3)).toBe(3);
    const a = new Float64Array(6);
    const b = new Float64Array(6);
    for (const v of [-80, -65, -40, 0, 30]) {
      hhRates(v, 1, a, 0);
      hhRates(v, hhQ10(16.3), b, 0);
      for (const k of [MTAU, HTAU, NTAU]) expect(b[k]).toBeCloseTo(a[k] / 3, 14);
      for (const k of [MINF, MINF + 2, NINF]) expect(b[k]).toBe(a[k]);
    }
    // Warmer: faster kinetics, so a shorter first-spike latency and a narrower spike.
    const cold = run({ amp: 0.3, celsius: 6.3 });
    const warm = run({ amp: 1.0, celsius: 16.3 });
    const width = (t: Float64Array, v: Float64Array): number => {
      const up = upwardCrossings(t, v, 0)[0];
      const down = upwardCrossings(t, v.map((x) => -x), 0).find((x) => x > up)!;
      return down - up;
    };
    expect(width(warm.t_ms, warm.traces[0])).toBeLessThan(0.6 * width(cold.t_ms, cold.traces[0]));
  });

  it('vtrap removes the 0/0 of αm at v = −40 mV and αn at v = −55 mV', () => {
    const out = new Float64Array(6);
    const near = new Float64Array(6);
    for (const v of [-40, -55]) {
      hhRates(v, 1, out, 0);
      hhRates(v + 1e-9, 1, near, 0);
      for (let k = 0; k < 6; k++) {
        expect(Number.isFinite(out[k])).toBe(true);
        expect(Math.abs(out[k] - near[k])).toBeLessThan(1e-8 * Math.abs(out[k]) + 1e-12);
      }
    }
  });

  describe("NEURON's rate table (usetable = 1)", () => {
    const table = buildHhTable(6.3);
    const exact = new Float64Array(6);
    const looked = new Float64Array(6);

    it('holds exact rates at the 201 grid points −100, −99, …, 100', () => {
      expect(table.length).toBe(201 * 6);
      for (const v of [-100, -73, -40, -1, 0, 55, 100]) {
        hhRates(v, 1, exact, 0);
        hhRatesFromTable(v, table, looked, 0);
        expect(Array.from(looked)).toEqual(Array.from(exact));
      }
    });

    it('interpolates linearly between grid points and clamps outside ±100 mV', () => {
      const lo = new Float64Array(6);
      const hi = new Float64Array(6);
      hhRates(-41, 1, lo, 0);
      hhRates(-40, 1, hi, 0);
      hhRatesFromTable(-40.25, table, looked, 0);
      for (let k = 0; k < 6; k++) expect(looked[k]).toBeCloseTo(lo[k] + 0.75 * (hi[k] - lo[k]), 14);
      hhRates(-100, 1, exact, 0);
      hhRatesFromTable(-130, table, looked, 0);
      expect(Array.from(looked)).toEqual(Array.from(exact));
      hhRates(100, 1, exact, 0);
      hhRatesFromTable(150, table, looked, 0);
      expect(Array.from(looked)).toEqual(Array.from(exact));
    });

    it('changes a spiking trace a little, as it does in NEURON, and is rebuilt for another celsius', () => {
      const a = run({ amp: 0.3, usetable: 0 });
      const b = run({ amp: 0.3, usetable: 1 });
      let diff = 0;
      a.traces[0].forEach((v, k) => (diff = Math.max(diff, Math.abs(v - b.traces[0][k]))));
      expect(diff).toBeGreaterThan(1e-3);
      const sa = upwardCrossings(a.t_ms, a.traces[0], 0);
      const sb = upwardCrossings(b.t_ms, b.traces[0], 0);
      expect(sb.length).toBe(sa.length);
      sa.forEach((t, k) => expect(Math.abs(t - sb[k])).toBeLessThan(0.2));
      // Tables at 16.3 °C must give 16.3 °C kinetics, not the 6.3 °C ones.
      const warmTable = run({ amp: 1.0, celsius: 16.3, usetable: 1 });
      const warmExact = run({ amp: 1.0, celsius: 16.3, usetable: 0 });
      const t1 = upwardCrossings(warmTable.t_ms, warmTable.traces[0], 0)[0];
      const t2 = upwardCrossings(warmExact.t_ms, warmExact.traces[0], 0)[0];
      expect(Math.abs(t1 - t2)).toBeLessThan(0.05);
    });
  });
});
