/**
 * The event system (src/solvers/events.ts): queue order, NEURON's delivery rule (τ ≤ t_n + dt/2
 * with accumulated t), threshold detection (t_n + 1e-10, armed/disarmed), spike trains (VecStim,
 * NetStim and Poisson arithmetic), weights, and the spike records.
 */
import { describe, expect, it } from 'vitest';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { createCpuState, finitialize, fixedStep } from '../../src/solvers/cpu.ts';
import { EventQueue, poissonTrain, spikeTrain, uniformGenerator } from '../../src/solvers/events.ts';
import { compileModel, type SimulationRequest } from '../../src/solvers/model.ts';
import { SimulationSpecError } from '../../src/solvers/errors.ts';
import { simulate } from '../../src/solvers/simulate.ts';

const layout = buildLayout([
  { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
]);
const soma = nodeAt(layout.sections[0], 0.5);

/** Accumulated t_n as NEURON computes it (two half-step additions per step). */
function neuronTimes(dt: number, steps: number): number[] {
  const t = [0];
  let x = 0;
  for (let k = 0; k < steps; k++) {
    x += 0.5 * dt;
    x += 0.5 * dt;
    t.push(x);
  }
  return t;
}

/** Row at which a weight-w Exp2Syn event at τ first shows in A: one after the step that delivers it. */
function expectedRow(tau: number, dt: number, steps: number): number {
  const t = neuronTimes(dt, steps);
  if (tau <= 0) return 0;
  for (let n = 0; n < steps; n++) if (tau <= t[n] + 0.5 * dt) return n + 1;
  return -1;
}

function exp2synRun(times: number[], opts: { dt?: number; tstop?: number; weight?: number; delay?: number; mech?: string } = {}) {
  return simulate({
    layout,
    mechanisms: [
      { name: 'pas', nodes: [soma], params: { g: 1e-4, e: -70 } },
      { name: opts.mech ?? 'Exp2Syn', nodes: [soma] },
    ],
    events: {
      sources: [{ type: 'explicit', times_ms: times, label: 'in' }],
      connections: [{ from: { source: 0 }, to: { mechanism: 1, instance: 0 }, delay_ms: opts.delay ?? 0, weight: opts.weight ?? 0.001 }],
    },
    record: [soma, { mechanism: 1, variable: 'A', instance: 0 }],
    dt_ms: opts.dt ?? 0.025,
    tstop_ms: opts.tstop ?? 3,
    v_init_mV: -70,
  });
}

describe('event queue', () => {
  it('pops in (time, insertion) order, ties first in first out', () => {
    const q = new EventQueue(4);
    const u = uniformGenerator(7);
    const items: { t: number; k: number }[] = [];
    for (let k = 0; k < 500; k++) {
      const t = Math.floor(u() * 50) / 4; // many ties
      items.push({ t, k });
      q.push(t, k);
    }
    expect(q.capacity).toBeGreaterThanOrEqual(500);
    const out: number[] = [];
    while (q.size > 0) {
      out.push(q.peekWhat());
      q.pop();
    }
    const sorted = [...items].sort((a, b) => a.t - b.t || a.k - b.k).map((x) => x.k);
    expect(out).toEqual(sorted);
    expect(q.peekTime()).toBe(Infinity);
  });
});

describe('delivery follows NEURON: τ ≤ t_n + dt/2 with accumulated t', () => {
  it('an event at 1.0125 ms (dt 0.025) lands before step 41, not 40; one at 1.0 before step 40', () => {
    for (const tau of [1.0125, 1.0, 0.5375, 1.01, 2.0]) {
      const res = exp2synRun([tau]);
      const A = res.traces[1];
      const row = A.findIndex((x) => x > 0);
      expect(row, `τ = ${tau}`).toBe(expectedRow(tau, 0.025, res.steps));
    }
    expect(expectedRow(1.0125, 0.025, 120)).toBe(42);
    expect(expectedRow(1.0, 0.025, 120)).toBe(41);
  });

  it('an event at t = 0 is delivered in finitialize (row 0 already holds it)', () => {
    const res = exp2synRun([0], { weight: 0.002 });
    expect(res.traces[1][0]).toBeGreaterThan(0);
  });

  it('delay adds to the spike time; dt 0.1 follows the same rule', () => {
    const res = exp2synRun([0.3], { delay: 0.76, dt: 0.1, tstop: 3 });
    expect(res.traces[1].findIndex((x) => x > 0)).toBe(expectedRow(0.3 + 0.76, 0.1, res.steps));
  });

  it('weights scale Exp2Syn (µS) and are ignored by Gidon synapses', () => {
    const a = exp2synRun([1], { weight: 0.001 });
    const b = exp2synRun([1], { weight: 0.002 });
    for (let i = 0; i < a.traces[1].length; i++) expect(b.traces[1][i]).toBe(2 * a.traces[1][i]);
    const g1 = exp2synRun([1], { weight: 1, mech: 'myAMPA' });
    const g5 = exp2synRun([1], { weight: 5, mech: 'myAMPA' });
    expect(Array.from(g5.traces[0])).toEqual(Array.from(g1.traces[0]));
  });

  it('records a source spike only when it is delivered (τ ≤ the last t)', () => {
    const res = exp2synRun([0.5, 2.9, 2.99, 3.0, 3.2], { tstop: 3 });
    const last = res.t_ms[res.t_ms.length - 1];
    expect(Array.from(res.spikes![0].t_ms)).toEqual([0.5, 2.9, 2.99, 3.0, 3.2].filter((t) => t <= last));
    expect(res.spikes![0].label).toBe('in');
    expect(res.spikes![0].kind).toBe('source');
  });
});

describe('threshold detection', () => {
  function hhRun(opts: { thr?: number; delay?: number; amp?: number; vInit?: number; tstop?: number; withSyn?: boolean } = {}) {
    const req: SimulationRequest = {
      layout,
      mechanisms: [
        { name: 'hh', nodes: [soma] },
        ...(opts.withSyn === false ? [] : [{ name: 'Exp2Syn', nodes: [soma], params: { tau1: 0.5, tau2: 3, e: -80 } }]),
      ],
      stimuli: [{ node: soma, del_ms: 2, dur_ms: 40, amp_nA: opts.amp ?? 0.4 }],
      events: {
        detectors: [{ node: soma, threshold_mV: opts.thr ?? 0, label: 'soma' }],
        connections: opts.withSyn === false ? [] : [{ from: { detector: 0 }, to: { mechanism: 1, instance: 0 }, delay_ms: opts.delay ?? 1.5, weight: 0.001 }],
      },
      record: [soma, ...(opts.withSyn === false ? [] : [{ mechanism: 1, variable: 'A', instance: 0 }])],
      dt_ms: 0.025,
      tstop_ms: opts.tstop ?? 30,
      v_init_mV: opts.vInit ?? -65,
      celsius: 6.3,
    };
    return simulate(req);
  }

  it('spikes at t_n + 1e-10 for each step whose starting v first exceeds the threshold', () => {
    const res = hhRun();
    const v = res.traces[0];
    const expected: number[] = [];
    let armed = false;
    // The detector looks at v(t_n) at the start of step n, for n = 0 … steps − 1.
    for (let n = 0; n < res.steps; n++) {
      if (v[n] - 0 > 0) {
        if (!armed) expected.push(res.t_ms[n] + 1e-10);
        armed = true;
      } else armed = false;
    }
    const got = Array.from(res.spikes![0].t_ms);
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(got).toEqual(expected);
    expect(res.spikes![0].kind).toBe('detector');
  });

  it("drives a synapse on the cell's own spikes after the delay (autapse)", () => {
    const res = hhRun({ delay: 1.5 });
    const A = res.traces[1];
    const spikes = Array.from(res.spikes![0].t_ms);
    // Rows where A jumps up (an event arrived in the step before).
    const jumps: number[] = [];
    for (let r = 1; r < A.length; r++) if (A[r] > A[r - 1] * 1.000001 + 1e-15) jumps.push(r);
    const expected = spikes.map((s) => expectedRow(s + 1.5, 0.025, res.steps)).filter((r) => r > 0);
    expect(jumps).toEqual(expected);
  });

  it('stays armed while v is above threshold: one spike per crossing', () => {
    // A strong sustained current holds v above −20 mV after the first spike (depolarisation block).
    const res = hhRun({ thr: -40, amp: 50, withSyn: false });
    const v = res.traces[0];
    let crossings = 0;
    for (let n = 1; n < res.steps; n++) if (v[n] > -40 && !(v[n - 1] > -40)) crossings++;
    expect(res.spikes![0].t_ms.length).toBe(crossings);
    expect(crossings).toBeLessThan(4);
  });

  it('fires at the first step when v_init is already above threshold (detectors start disarmed)', () => {
    const res = hhRun({ thr: -80, vInit: -65, tstop: 1, withSyn: false });
    expect(res.spikes![0].t_ms[0]).toBe(0 + 1e-10);
  });
});

describe('spike trains', () => {
  it('explicit: VecStim arithmetic, non-decreasing times ≥ 0', () => {
    expect(Array.from(spikeTrain({ type: 'explicit', times_ms: [1, 2.5, 2.5, 7] }, 100))).toEqual([1, 2.5, 2.5, 7]);
    expect(Array.from(spikeTrain({ type: 'explicit', times_ms: [1, 2, 300] }, 100))).toEqual([1, 2]);
    expect(() => spikeTrain({ type: 'explicit', times_ms: [3, 2] }, 100)).toThrow(/must not decrease/);
    expect(() => spikeTrain({ type: 'explicit', times_ms: [-1] }, 100)).toThrow(SimulationSpecError);
  });

  it("regular: NetStim's first spike (start + interval) − interval, then repeated addition, `number` spikes", () => {
    const tr = spikeTrain({ type: 'regular', start_ms: 0.1, interval_ms: 0.2, number: 4 }, 100);
    let t = 0.1 + 0.2 - 0.2 * 1;
    const expected = [];
    for (let k = 0; k < 4; k++, t += 0.2) expected.push(t);
    expect(Array.from(tr)).toEqual(expected);
    expect(tr[0]).not.toBe(0.1); // the NetStim formula does not give back start exactly here
    expect(spikeTrain({ type: 'regular', start_ms: -1, interval_ms: 5, number: 3 }, 100).length).toBe(0);
    expect(spikeTrain({ type: 'regular', start_ms: 5, interval_ms: 5, number: 0 }, 100).length).toBe(0);
    expect(spikeTrain({ type: 'regular', start_ms: 5, interval_ms: 10, number: 1e9 }, 100).length).toBe(10);
  });

  it('poisson: same seed, same spikes; other seed, other spikes; rate and window respected', () => {
    const a = poissonTrain(20, 100, 30100, 1);
    const b = poissonTrain(20, 100, 30100, 1);
    const c = poissonTrain(20, 100, 30100, 2);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    for (const t of a) {
      expect(t).toBeGreaterThanOrEqual(100);
      expect(t).toBeLessThan(30100);
    }
    // 600 expected; Poisson sd ≈ 24.5
    expect(Math.abs(a.length - 600)).toBeLessThan(5 * 24.5);
    // Coefficient of variation of the intervals ≈ 1 for a Poisson process.
    const isi = Array.from(a).slice(1).map((t, k) => t - a[k]);
    const mean = isi.reduce((x, y) => x + y, 0) / isi.length;
    const sd = Math.sqrt(isi.reduce((x, y) => x + (y - mean) ** 2, 0) / isi.length);
    expect(Math.abs(mean - 50)).toBeLessThan(5);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.15);
    // A shorter run sees a prefix of the same train.
    const short = spikeTrain({ type: 'poisson', rate_Hz: 20, start_ms: 100, stop_ms: 30100, seed: 1 }, 5000);
    expect(Array.from(short)).toEqual(Array.from(a).filter((t) => t <= 5000));
  });

  it('uniform generator: [0, 1), reproducible, roughly uniform', () => {
    const u = uniformGenerator(12345);
    const v = uniformGenerator(12345);
    let sum = 0;
    for (let k = 0; k < 10000; k++) {
      const x = u();
      expect(x).toBe(v());
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 10000 - 0.5)).toBeLessThan(0.02);
  });
});

describe('requests with events', () => {
  it('refuses connections to mechanisms without NET_RECEIVE and bad indices, naming the path', () => {
    const base = (connections: any[]): SimulationRequest => ({
      layout,
      mechanisms: [{ name: 'pas', nodes: [soma] }, { name: 'Exp2Syn', nodes: [soma] }],
      events: { sources: [{ type: 'explicit', times_ms: [1] }], connections },
      record: [soma],
      dt_ms: 0.025,
      tstop_ms: 2,
    });
    expect(() => compileModel(base([{ from: { source: 0 }, to: { mechanism: 0, instance: 0 }, delay_ms: 1, weight: 1 }]))).toThrow(
      /events\.connections\[0\]\.to\.mechanism: pas has no NET_RECEIVE/,
    );
    expect(() => compileModel(base([{ from: { source: 1 }, to: { mechanism: 1, instance: 0 }, delay_ms: 1, weight: 1 }]))).toThrow(
      /events\.connections\[0\]\.from\.source/,
    );
    expect(() => compileModel(base([{ from: { source: 0 }, to: { mechanism: 1, instance: 3 }, delay_ms: 1, weight: 1 }]))).toThrow(
      /events\.connections\[0\]\.to\.instance: expected 0\.\.0/,
    );
    expect(() => compileModel(base([{ from: { source: 0 }, to: { mechanism: 1, instance: 0 }, delay_ms: -1, weight: 1 }]))).toThrow(
      /events\.connections\[0\]\.delay_ms/,
    );
  });

  it('sizes the queue up front: a long Poisson-driven run never grows it', () => {
    const nSyn = 20;
    const model = compileModel({
      layout,
      mechanisms: [{ name: 'pas', nodes: [soma] }, { name: 'AMPA', nodes: new Array(nSyn).fill(soma) }],
      events: {
        sources: [{ type: 'poisson', rate_Hz: 300, start_ms: 0, stop_ms: 1000, seed: 3 }],
        connections: Array.from({ length: nSyn }, (_, k) => ({ from: { source: 0 }, to: { mechanism: 1, instance: k }, delay_ms: 2 + k, weight: 1e-4 })),
      },
      record: [soma],
      dt_ms: 0.025,
      tstop_ms: 1000,
      v_init_mV: -70,
    });
    const s = createCpuState(model);
    const cap = s.events!.queueCapacity;
    finitialize(s, -70);
    for (let k = 0; k < 40000; k++) {
      fixedStep(s);
      s.events!.endStep(s.ctx);
    }
    expect(s.events!.queueCapacity).toBe(cap);
    expect(s.events!.spikes()[0].t_ms.length).toBeGreaterThan(250);
  });
});
