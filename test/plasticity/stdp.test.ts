/**
 * Pair-based STDP (src/plasticity/stdp.ts, docs/plasticity.md "STDP") on a ball-and-stick cell:
 * somatic spikes from current pulses, presynaptic events on AMPA synapses of the dendrite whose
 * weights are too small to move the membrane. Δt is measured as an experimenter would, from the
 * recorded somatic trace (threshold crossing, interpolated) and the presynaptic spike times.
 */
import { describe, expect, it } from 'vitest';
import { runProtocol } from '../../src/protocol/run.ts';
import { ballAndStick } from './cell.ts';

const DT = 0.025;
const THRESHOLD = -20;
const W_MAX = 2e-7; // µS: events of this size move v by < 1e-4 mV
const TAU_PLUS = 16.8;
const TAU_MINUS = 33.7;
const A_PLUS = 0.005;
const A_MINUS = 0.00525;

/** Upward crossings of `thr`, linearly interpolated between samples (as the post detector does). */
function crossings(t: Float64Array, v: Float64Array, thr: number): number[] {
  const out: number[] = [];
  for (let n = 0; n + 1 < v.length; n++) {
    if (!(v[n] - thr > 0) && v[n + 1] - thr > 0) out.push(t[n + 1] - DT + (DT * (thr - v[n])) / (v[n + 1] - v[n]));
  }
  return out;
}

/** Least-squares slope of y on x. */
function slope(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

interface Pairing {
  /** One list of presynaptic times per synapse. */
  pre: number[][];
  /** Current pulses into the soma (one spike each). */
  pulses: { delay_ms: number; number: number; interval_ms: number };
  w0: number[];
  plasticity: Record<string, unknown>;
  tstop_ms: number;
}

function run(p: Pairing) {
  const n = p.pre.length;
  const protocol = ballAndStick({
    stimuli: [{ type: 'pulse_train', at: 'soma[0](0.5)', ...p.pulses, pulse_dur_ms: 1, amp_nA: 2 }],
    synapses: p.w0.map((w, k) => ({
      name: `s${k}`, type: 'AMPA', at: 'dend[0](0.5)', weight_uS: w,
      train: { type: 'explicit', times_ms: p.pre[k] },
      plasticity: { rule: 'stdp', w_max_uS: W_MAX, post: 'soma[0](0.5)', post_threshold_mV: THRESHOLD, ...p.plasticity },
    })),
    record: [{ label: 'soma', at: 'soma[0](0.5)' }],
  }, { tstop_ms: p.tstop_ms, dt_ms: DT });
  const r = runProtocol(protocol);
  const post = crossings(r.result.t_ms, r.result.traces[0], THRESHOLD);
  expect(r.weights).toHaveLength(n);
  return { post, dw: r.weights!.map((row) => row.final_weight - row.initial_weight), weights: r.weights! };
}

describe('STDP window (Bi & Poo 1998)', () => {
  it('potentiates pre-before-post, depresses post-before-pre, with the published time constants', () => {
    // One postsynaptic spike near 100 ms; synapse k has one presynaptic spike at t_post − Δt_k.
    const offsets = [-80, -60, -40, -25, -12, -4, 4, 12, 25, 40, 60, 80];
    const tPost = 100.3; // approximately; the measured time is used below
    const r = run({
      pre: offsets.map((d) => [tPost - d]),
      pulses: { delay_ms: 100, number: 1, interval_ms: 10 },
      w0: offsets.map(() => W_MAX / 2),
      plasticity: { tau_plus_ms: TAU_PLUS, tau_minus_ms: TAU_MINUS, A_plus: A_PLUS, A_minus: A_MINUS },
      tstop_ms: 250,
    });
    expect(r.post).toHaveLength(1);
    // events are delivered at the step boundary nearest their time (NEURON's rule)
    const dts = offsets.map((d) => r.post[0] - (tPost - d));
    const ltp = dts.map((d, k) => ({ d, w: r.dw[k] })).filter((q) => q.d > 0);
    const ltd = dts.map((d, k) => ({ d, w: r.dw[k] })).filter((q) => q.d < 0);
    expect(ltp).toHaveLength(6);
    expect(ltd).toHaveLength(6);
    for (const q of ltp) expect(q.w).toBeGreaterThan(0);
    for (const q of ltd) expect(q.w).toBeLessThan(0);
    // exponential fits of each side
    const tauPlus = -1 / slope(ltp.map((q) => q.d), ltp.map((q) => Math.log(q.w)));
    const tauMinus = 1 / slope(ltd.map((q) => q.d), ltd.map((q) => Math.log(-q.w)));
    console.log(`STDP window: fitted tau+ ${tauPlus.toFixed(3)} ms (parameter ${TAU_PLUS}), tau- ${tauMinus.toFixed(3)} ms (parameter ${TAU_MINUS})`);
    expect(Math.abs(tauPlus / TAU_PLUS - 1)).toBeLessThan(0.02);
    expect(Math.abs(tauMinus / TAU_MINUS - 1)).toBeLessThan(0.02);
    // amplitudes at Δt → 0 (extrapolated): A± · w_max
    const aPlus = Math.exp(Math.log(ltp[0].w) + ltp[0].d / tauPlus) / W_MAX;
    const aMinus = Math.exp(Math.log(-ltd[ltd.length - 1].w) - ltd[ltd.length - 1].d / tauMinus) / W_MAX;
    expect(aPlus).toBeCloseTo(A_PLUS, 4);
    expect(aMinus).toBeCloseTo(A_MINUS, 4);
  });
});

describe('STDP pairing schemes at high rates', () => {
  // 10 pre-post pairs at 40 Hz (T = 25 ms), pre 10 ms before each post spike.
  const T = 25;
  const lead = 10;
  const delay = 50;
  const pulses = { delay_ms: delay, number: 10, interval_ms: T };
  const pre = Array.from({ length: 10 }, (_, j) => delay + j * T + 0.3 - lead);

  /** Total weight change from the explicit pair sums (not traces): every pair, or nearest-spike pairs. */
  function pairSum(preT: number[], postT: number[], nearest: boolean): number {
    let dw = 0;
    for (const tp of postT) {
      const before = preT.filter((t) => t < tp);
      const pairs = nearest ? before.slice(-1) : before;
      for (const t of pairs) dw += A_PLUS * W_MAX * Math.exp(-(tp - t) / TAU_PLUS);
    }
    for (const t of preT) {
      const before = postT.filter((tp) => tp < t);
      const pairs = nearest ? before.slice(-1) : before;
      for (const tp of pairs) dw -= A_MINUS * W_MAX * Math.exp(-(t - tp) / TAU_MINUS);
    }
    return dw;
  }

  it('all-to-all and nearest-spike pairing match their pair sums and differ from each other', () => {
    const all = run({ pre: [pre], pulses, w0: [W_MAX / 2], plasticity: {}, tstop_ms: 330 });
    const near = run({ pre: [pre], pulses, w0: [W_MAX / 2], plasticity: { pairing: 'nearest' }, tstop_ms: 330 });
    expect(all.post).toHaveLength(10);
    // the weights move the membrane by < 1e-4 mV: the same spikes to 1e-6 ms
    near.post.forEach((t, j) => expect(t).toBeCloseTo(all.post[j], 6));
    const expectAll = pairSum(pre, all.post, false);
    const expectNear = pairSum(pre, near.post, true);
    console.log(`40 Hz pairing, 10 pairs: all-to-all dw ${all.dw[0].toExponential(4)} (pair sum ${expectAll.toExponential(4)}), nearest ${near.dw[0].toExponential(4)} (pair sum ${expectNear.toExponential(4)}) uS`);
    expect(Math.abs(all.dw[0] / expectAll - 1)).toBeLessThan(1e-6);
    expect(Math.abs(near.dw[0] / expectNear - 1)).toBeLessThan(1e-6);
    // all-to-all adds the depression of each pre by the earlier posts and the potentiation by earlier pres
    expect(Math.abs(all.dw[0] - near.dw[0]) / Math.abs(near.dw[0])).toBeGreaterThan(0.2);
    // the steady-state closed forms (docs/plasticity.md) for the last pair
    const dtLast = all.post[9] - pre[9];
    const pAll = A_PLUS * Math.exp(-dtLast / TAU_PLUS) / (1 - Math.exp(-T / TAU_PLUS));
    const pNear = A_PLUS * Math.exp(-dtLast / TAU_PLUS);
    expect(pAll / pNear).toBeCloseTo(1 / (1 - Math.exp(-T / TAU_PLUS)), 10);
  });

  it('multiplicative: potentiation scales with w_max − w, depression with w − w_min; mixed: additive potentiation', () => {
    // two synapses with the same single pre spike, starting at 0.2 and 0.8 of w_max
    const w0 = [0.2 * W_MAX, 0.8 * W_MAX];
    const ltp = run({ pre: [[90.3], [90.3]], pulses: { delay_ms: 100, number: 1, interval_ms: 10 }, w0, plasticity: { weight_dependence: 'multiplicative' }, tstop_ms: 200 });
    expect(ltp.dw[0]).toBeGreaterThan(0);
    expect(ltp.dw[0] / ltp.dw[1]).toBeCloseTo(0.8 / 0.2, 8);
    const ltd = run({ pre: [[110.3], [110.3]], pulses: { delay_ms: 100, number: 1, interval_ms: 10 }, w0, plasticity: { weight_dependence: 'multiplicative' }, tstop_ms: 200 });
    expect(ltd.dw[0]).toBeLessThan(0);
    expect(ltd.dw[0] / ltd.dw[1]).toBeCloseTo(0.2 / 0.8, 8);
    // additive: the same step whatever the weight
    const add = run({ pre: [[90.3], [90.3]], pulses: { delay_ms: 100, number: 1, interval_ms: 10 }, w0, plasticity: {}, tstop_ms: 200 });
    expect(add.dw[0] / add.dw[1]).toBeCloseTo(1, 10);
    // mixed (van Rossum et al. 2000): additive potentiation, multiplicative depression
    const mixLtp = run({ pre: [[90.3], [90.3]], pulses: { delay_ms: 100, number: 1, interval_ms: 10 }, w0, plasticity: { weight_dependence: 'mixed' }, tstop_ms: 200 });
    expect(mixLtp.dw[0] / mixLtp.dw[1]).toBeCloseTo(1, 10);
    expect(mixLtp.dw[0]).toBeCloseTo(add.dw[0], 15);
    const mixLtd = run({ pre: [[110.3], [110.3]], pulses: { delay_ms: 100, number: 1, interval_ms: 10 }, w0, plasticity: { weight_dependence: 'mixed' }, tstop_ms: 200 });
    expect(mixLtd.dw[0] / mixLtd.dw[1]).toBeCloseTo(0.2 / 0.8, 8);
    expect(mixLtd.dw[0] / ltd.dw[0]).toBeCloseTo(1, 8);
  });

  it('additive weights stop at w_max (hard bound)', () => {
    const r = run({ pre: [pre], pulses, w0: [W_MAX * 0.999], plasticity: { A_plus: 0.5, A_minus: 0 }, tstop_ms: 330 });
    expect(r.weights[0].final_weight).toBe(W_MAX);
  });
});

describe('STDP weight dependence shapes the weight distribution', () => {
  // 100 synapses with their own 10 Hz Poisson trains drive the cell for 30 s (dt 0.1 ms), all
  // starting at w_max/2; Song et al.'s balance (τ+ = τ− = 20 ms, A− = 1.05·A+), large steps to be
  // quick. Additive STDP drives the weights apart toward both bounds (Song, Miller & Abbott 2000);
  // soft bounds keep them together around one value (Rubin, Lee & Sompolinsky 2001; van Rossum,
  // Bi & Turrigiano 2000).
  function distribution(dep: 'additive' | 'multiplicative'): number[] {
    const wMax = 0.0008;
    const p = ballAndStick({
      synapses: [{
        name: 's', type: 'AMPA', at: { random: { region: 'dend', n: 100, seed: 3 } }, weight_uS: wMax / 2,
        train: { type: 'poisson', rate_Hz: 10, start_ms: 0, seed: 5 },
        plasticity: { rule: 'stdp', w_max_uS: wMax, post: 'soma[0](0.5)', A_plus: 0.04, A_minus: 0.042, tau_plus_ms: 20, tau_minus_ms: 20, weight_dependence: dep },
      }],
      record: [{ label: 'soma', at: 'soma[0](0.5)' }],
      run: { tstop_ms: 30000, dt_ms: 0.1, record_dt_ms: 100 },
    }, { tstop_ms: 30000, dt_ms: 0.1 });
    return runProtocol(p).weights!.map((q) => q.final_weight / wMax);
  }
  const hist = (w: number[]) => {
    const h = new Array(10).fill(0);
    for (const x of w) h[Math.min(9, Math.floor(x * 10))]++;
    return h;
  };
  const sd = (w: number[]) => {
    const m = w.reduce((a, b) => a + b, 0) / w.length;
    return Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / w.length);
  };

  it('additive: weights pushed toward both bounds; multiplicative: one peak', () => {
    const add = distribution('additive');
    const mul = distribution('multiplicative');
    console.log(`weights after 30 s (tenths of w_max): additive ${hist(add).join(' ')} (sd ${sd(add).toFixed(3)}), multiplicative ${hist(mul).join(' ')} (sd ${sd(mul).toFixed(3)})`);
    const low = add.filter((x) => x < 0.2).length;
    const high = add.filter((x) => x >= 0.8).length;
    expect(low).toBeGreaterThanOrEqual(10);
    expect(high).toBeGreaterThanOrEqual(10);
    expect(low + high).toBeGreaterThanOrEqual(40);
    expect(sd(add)).toBeGreaterThan(0.2);
    for (const x of mul) expect(x).toBeGreaterThan(0.3);
    for (const x of mul) expect(x).toBeLessThan(0.7);
    expect(sd(mul)).toBeLessThan(0.05);
  });
});
