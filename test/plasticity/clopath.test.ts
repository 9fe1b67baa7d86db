/**
 * The voltage-based rule of Clopath et al. 2010 (src/plasticity/clopath.ts) on the local dendritic
 * voltage of a ball-and-stick cell. Their Fig. 2 (Sjöström et al. 2001's protocol): five pairings
 * of a presynaptic spike and a postsynaptic spike 10 ms apart, at increasing frequency. Post before
 * pre depresses at low pairing frequency and potentiates at high frequency; pre before post
 * potentiates, more at high frequency. The thresholds are the paper's relative to rest: θ− at the
 * resting potential (−65 mV here, −70.6 mV in the paper) and θ+ 25.3 mV above it.
 */
import { describe, expect, it } from 'vitest';
import { runProtocol } from '../../src/protocol/run.ts';
import { ballAndStick } from './cell.ts';

const REST = -65;
const W0 = 1e-7; // µS: too small to move v
const THETAS = { theta_minus_mV: REST, theta_plus_mV: REST + (-45.3 + 70.6) };

/** Relative weight change after five pairings at f Hz, post spike `lag` ms after the pre spike (negative: post first). */
function pairing(f: number, lag: number): number {
  const T = 1000 / f;
  const start = 50;
  // the somatic spike crosses −20 mV about 0.3 ms after the pulse starts
  const pre = Array.from({ length: 5 }, (_, j) => start + j * T + 0.3 - lag);
  const p = ballAndStick({
    stimuli: [{ type: 'pulse_train', at: 'soma[0](0.5)', delay_ms: start, number: 5, interval_ms: T, pulse_dur_ms: 1, amp_nA: 2 }],
    synapses: [{
      name: 's', type: 'AMPA', at: 'dend[0](0.05)', weight_uS: W0, train: { type: 'explicit', times_ms: pre },
      plasticity: { rule: 'clopath', w_max_uS: 2 * W0, ...THETAS },
    }],
    record: [{ label: 'soma', at: 'soma[0](0.5)' }],
  }, { tstop_ms: start + 5 * T + 50 });
  const r = runProtocol(p);
  expect(r.probes[0].spikes_ms).toHaveLength(5);
  return r.weights![0].final_weight / W0 - 1;
}

describe('Clopath et al. 2010 voltage rule', () => {
  it('post-before-pre pairing depresses at low frequency and potentiates at high frequency (their Fig. 2)', () => {
    const freqs = [5, 20, 40, 50];
    const postPre = freqs.map((f) => pairing(f, -10));
    const prePost = [5, 50].map((f) => pairing(f, 10));
    console.log(`Clopath: post-pre 10 ms, 5 pairings: ${freqs.map((f, k) => `${f} Hz ${(100 * postPre[k]).toFixed(2)} %`).join(', ')}; pre-post: 5 Hz ${(100 * prePost[0]).toFixed(2)} %, 50 Hz ${(100 * prePost[1]).toFixed(2)} %`);
    expect(postPre[0]).toBeLessThan(0);
    expect(postPre[3]).toBeGreaterThan(0);
    // the change grows with the frequency
    for (let k = 1; k < freqs.length; k++) expect(postPre[k]).toBeGreaterThan(postPre[k - 1]);
    // pre-before-post potentiates, more at 50 Hz than at 5 Hz
    expect(prePost[0]).toBeGreaterThan(0);
    expect(prePost[1]).toBeGreaterThan(prePost[0]);
  });

  it('acts on the local voltage: a dendritic depolarisation without a somatic spike potentiates only the synapse there', () => {
    // 10 presynaptic spikes at 20 Hz on two synapses of a long thin dendrite (1000 um, 0.5 um: λ ≈ 350 um),
    // each followed after 2 ms by a 5 ms, 0.05 nA pulse into its far end: a local depolarisation
    // that the soma sees only attenuated
    const pre = Array.from({ length: 10 }, (_, j) => 50 + j * 50);
    const p = ballAndStick({
      morphology: '../sweeps/stick_d0.5.swc',
      discretization: { nseg: 41, sections: { soma: 1 } },
      stimuli: [{ type: 'pulse_train', at: 'dend[0](0.95)', delay_ms: 52, number: 10, interval_ms: 50, pulse_dur_ms: 5, amp_nA: 0.05 }],
      synapses: ['dend[0](0.9)', 'dend[0](0.1)'].map((at, k) => ({
        name: `s${k}`, type: 'AMPA', at, weight_uS: W0, train: { type: 'explicit', times_ms: pre },
        plasticity: { rule: 'clopath', w_max_uS: 2 * W0, ...THETAS },
      })),
      record: [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'far', at: 'dend[0](0.9)' }, { label: 'u_plus', synapse: 's0', what: 'u_plus' }],
    }, { tstop_ms: 600 });
    const r = runProtocol(p);
    expect(r.probes[0].spikes_ms).toHaveLength(0);
    expect(r.probes[0].features.peak_mV as number).toBeLessThan(REST + 5);
    expect(r.probes[1].features.peak_mV as number).toBeGreaterThan(REST + 25.3);
    const [far, near] = r.weights!.map((row) => row.final_weight / W0 - 1);
    console.log(`Clopath local: synapse at the depolarised end ${(100 * far).toFixed(2)} %, near the soma ${(100 * near).toFixed(2)} %`);
    expect(far).toBeGreaterThan(0);
    expect(near).toBeLessThan(0);
    // ū+ follows the local v with τ+ = 7 ms: its peak lags the voltage's and stays below it
    const u = r.result.traces[2];
    const v = r.result.traces[1];
    const peak = (a: Float64Array) => a.reduce((m, x, i) => (x > a[m] ? i : m), 0);
    expect(peak(u)).toBeGreaterThan(peak(v));
    expect(u[peak(u)]).toBeLessThan(v[peak(v)]);
  });
});
