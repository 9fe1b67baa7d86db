/**
 * Behavioural-timescale plasticity (src/plasticity/btsp.ts; Bittner et al. 2017, Milstein et al.
 * 2021): one 300 ms dendritic plateau (a current step into the middle of the ball-and-stick's
 * dendrite, v there above −30 mV) and four plastic synapses at that site, each driven by one burst
 * (5 spikes at 20 Hz) starting 3 s and 1 s before and 1 s and 6 s after the plateau's onset.
 *
 * With dw/dt = k+·(w_max − w)·ET·IS the overlap O = ∫ET·IS dt of each synapse follows from its final
 * weight exactly, O = ln((w_max − w0)/(w_max − w))/k+. The window the rule reproduces:
 * - inputs before the plateau are potentiated over seconds, O(−3 s)/O(−1 s) = exp(−2 s/τ_ET)
 *   (the eligibility trace decays by that factor in between, and IS is the same);
 * - an input 1 s after the onset is potentiated too, less than one 1 s before (asymmetric window);
 * - an input 6 s after is not (IS has decayed by exp(−5.7 s/τ_IS) ≈ 3e-7).
 */
import { describe, expect, it } from 'vitest';
import { runProtocol } from '../../src/protocol/run.ts';
import { ballAndStick } from './cell.ts';

const W0 = 0.0002; // µS: EPSPs of a few tenths of a mV, far below the plateau threshold
const W_MAX = 0.001;
const K_PLUS = 0.5; // 1/s
const TAU_ET = 1100; // the rule's default (ms)
const ONSET = 3500; // ms
const OFFSETS_S = [-3, -1, 1, 6];

describe('BTSP: a plateau potentiates inputs active seconds before or after it', () => {
  it('asymmetric window: -3 s and -1 s and +1 s potentiate, +6 s does not; O(-3)/O(-1) = exp(-2 s/tau_ET)', () => {
    const bursts = OFFSETS_S.map((d) => Array.from({ length: 5 }, (_, j) => ONSET + 1000 * d + 50 * j));
    const p = ballAndStick({
      stimuli: [{ type: 'iclamp', at: 'dend[0](0.5)', delay_ms: ONSET, dur_ms: 300, amp_nA: 1.5 }],
      synapses: [{
        name: 's', type: 'AMPA', at: OFFSETS_S.map(() => 'dend[0](0.5)'), weight_uS: W0,
        train: { type: 'explicit', times_ms: bursts },
        plasticity: { rule: 'btsp', w_max_uS: W_MAX, k_plus_per_s: K_PLUS },
      }],
      record: [{ label: 'dend', at: 'dend[0](0.5)' }, { label: 'IS', synapse: 's', what: 'IS' }],
    }, { tstop_ms: ONSET + 6000 + 1000, dt_ms: 0.1 });
    const r = runProtocol(p);
    // the plateau: the dendrite above −30 mV for about its 300 ms, and not otherwise
    const [t, dend] = [r.output.t_ms, r.output.traces[0]];
    let above = 0;
    for (let i = 1; i < t.length; i++) if (dend[i] > -30) above += t[i] - t[i - 1];
    expect(above).toBeGreaterThan(250);
    expect(above).toBeLessThan(320);
    const w = r.weights!.map((row) => row.final_weight);
    const overlap = w.map((x) => Math.log((W_MAX - W0) / (W_MAX - x)) / K_PLUS);
    console.log(`BTSP: inputs at ${OFFSETS_S.join(', ')} s: w/w0 ${w.map((x) => (x / W0).toFixed(3)).join(', ')}; overlap ∫ET·IS ${overlap.map((o) => o.toExponential(3)).join(', ')} s`);
    const [m3, m1, p1, p6] = overlap;
    expect(m1).toBeGreaterThan(0.1);
    expect(m3).toBeGreaterThan(0.03);
    expect(p1).toBeGreaterThan(0.03);
    expect(m1).toBeGreaterThan(m3);
    expect(m1).toBeGreaterThan(p1);
    expect(p6).toBeLessThan(1e-3 * m1);
    // equal up to the explicit-Euler weight update
    expect(Math.abs(m3 / m1 / Math.exp(-2000 / TAU_ET) - 1)).toBeLessThan(1e-4);
  });
});
