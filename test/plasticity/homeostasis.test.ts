/**
 * Homeostatic synaptic scaling (src/plasticity/scaling.ts; Turrigiano et al. 1998, van Rossum et
 * al. 2000): 40 AMPA synapses on the dendrite of the ball-and-stick cell, each driven by its own
 * 20 Hz Poisson train, scaled by the somatic firing rate toward 10 Hz. From weights that make the
 * cell fire far too fast, and from weights that make it fire far too slowly, the rate converges to
 * the target, and every weight is multiplied by the same factor (ratios preserved), as in
 * Turrigiano et al.'s multiplicative scaling of mEPSC amplitudes.
 */
import { describe, expect, it } from 'vitest';
import { runProtocol } from '../../src/protocol/run.ts';
import { ballAndStick } from './cell.ts';

const TARGET = 10;
const TSTOP = 10000;

function run(w0: number) {
  const sc = { rule: 'scaling', post: 'soma[0](0.5)', target_rate_Hz: TARGET, tau_scaling_ms: 1000, tau_rate_ms: 500 };
  const p = ballAndStick({
    synapses: [
      // two groups, the second at half the weight of the first
      { name: 'a', type: 'AMPA', at: { random: { region: 'dend', n: 20, seed: 1 } }, weight_uS: w0, train: { type: 'poisson', rate_Hz: 20, start_ms: 0, seed: 3 }, plasticity: sc },
      { name: 'b', type: 'AMPA', at: { random: { region: 'dend', n: 20, seed: 2 } }, weight_uS: w0 / 2, train: { type: 'poisson', rate_Hz: 20, start_ms: 0, seed: 4 }, plasticity: sc },
    ],
    record: [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'rate', synapse: 'a', what: 'rate' }],
    run: { tstop_ms: TSTOP, dt_ms: 0.05, record_dt_ms: 10 },
  }, { tstop_ms: TSTOP, dt_ms: 0.05 });
  const r = runProtocol(p);
  const spikes = r.probes[0].spikes_ms;
  const rateIn = (a: number, b: number) => spikes.filter((t) => t >= a && t < b).length / ((b - a) / 1000);
  return { r, first: rateIn(0, 1000), last: rateIn(TSTOP - 4000, TSTOP), factors: r.weights!.map((q) => q.final_weight / q.initial_weight) };
}

describe('homeostatic synaptic scaling', () => {
  for (const [what, w0] of [['too fast', 0.004], ['too slow', 0.00005]] as const) {
    it(`brings a cell that fires ${what} to the target rate, scaling all weights by one factor`, () => {
      const { r, first, last, factors } = run(w0);
      console.log(`scaling from ${what}: rate ${first} Hz in the first second, ${last} Hz over the last 4 s (target ${TARGET}); weights x${factors[0].toPrecision(4)}`);
      if (w0 > 0.001) {
        expect(first).toBeGreaterThan(2 * TARGET);
        expect(factors[0]).toBeLessThan(0.5);
      } else {
        expect(first).toBeLessThan(TARGET / 2);
        expect(factors[0]).toBeGreaterThan(2);
      }
      expect(Math.abs(last - TARGET)).toBeLessThan(0.3 * TARGET);
      // one factor for all 40 synapses: their ratios are those they started with
      for (const f of factors) expect(Math.abs(f / factors[0] - 1)).toBeLessThan(1e-9);
      const a = r.weights!.filter((q) => q.synapse === 'a');
      const b = r.weights!.filter((q) => q.synapse === 'b');
      for (let j = 0; j < 20; j++) expect(a[j].final_weight / b[j].final_weight).toBeCloseTo(2, 9);
      // the recorded rate estimate ends near the measured rate
      const est = r.output.traces[1];
      expect(Math.abs(est[est.length - 1] - TARGET)).toBeLessThan(0.6 * TARGET);
    });
  }
});
