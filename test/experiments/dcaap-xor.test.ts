/**
 * dcaap-xor (--quick): Gidon et al. 2020's dCaAP shrinks as the current step grows, and the
 * coupled neuron fires for pathway A alone and for B alone but not for both (the checks of
 * src/experiments/dcaap-xor.ts), by the mechanism the paper gives: the dCaAPs of A+B trigger far
 * above vth, with a small K.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failedChecks, runQuick } from './helpers.ts';
import { dcaapEvents } from '../../src/experiments/dcaap-xor.ts';

describe('experiment dcaap-xor --quick', async () => {
  const { results, checks, dir } = await runQuick('dcaap-xor');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const r = results as any;

  it('every literature check passes', () => {
    console.log(checks.map((c) => `${c.name}: ${c.value.toPrecision(4)} ${c.unit} [${c.range}]`).join('\n'));
    console.log('rates_Hz', JSON.stringify(r.rates_Hz), 'later dCaAP mV', JSON.stringify(r.testpulse.later_dcaap_mean_mV));
    expect(checks.length).toBe(4);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('results.json has rates_Hz for none, a, b, ab and the seeds', () => {
    expect(Object.keys(r.rates_Hz).sort()).toEqual(['a', 'ab', 'b', 'none']);
    for (const v of Object.values(r.rates_Hz)) expect(Number.isFinite(v)).toBe(true);
    expect(r.seeds.placement).toEqual({ A_ampa: 2, A_nmda: 2, B_ampa: 4, B_nmda: 4 });
    expect(r.seeds.poisson).toEqual({ A_ampa: 12, A_nmda: 12, B_ampa: 14, B_nmda: 14 });
  });

  it('test pulse: no dCaAP below threshold, one every 200 ms above, later ones shrinking with the current', () => {
    const tp = r.testpulse;
    expect(tp.dcaap_count[0]).toBe(0);
    expect(tp.threshold_nA).toBe(0.18);
    for (const n of tp.dcaap_count.slice(1)) expect(n).toBe(2);
    const later: number[] = tp.later_dcaap_mean_mV.slice(1);
    for (let k = 1; k < later.length; k++) expect(later[k]).toBeLessThan(later[k - 1]);
    const K: number[] = tp.later_dcaap_K.slice(1);
    for (let k = 1; k < K.length; k++) expect(K[k]).toBeLessThan(K[k - 1]);
  });

  it('XOR by the dCaAP: A+B triggers dCaAPs with a small K, A or B alone near K = 1', () => {
    expect(r.dcaap_K_after_first.ab).toBeLessThan(0.4);
    expect(r.dcaap_K_after_first.a).toBeGreaterThan(0.7);
    expect(r.dcaap_K_after_first.b).toBeGreaterThan(0.7);
    // A+B fires dCaAPs as often as the refractory period allows (every 200 ms from its first)
    const ab = r.dcaap_triggers.ab as { t_ms: number }[];
    expect(ab.length).toBeGreaterThanOrEqual(6);
    for (let k = 1; k < ab.length; k++) expect(ab[k].t_ms - ab[k - 1].t_ms).toBeCloseTo(200, 0);
    expect(r.dcaap_triggers.none).toEqual([]);
  });

  it('writes its figures and the protocols it ran', () => {
    for (const f of ['dcaap_amplitude.svg', 'testpulse_traces.svg', 'xor_soma.svg', 'xor_site.svg']) expect(existsSync(join(dir, f))).toBe(true);
    for (const p of ['testpulse_180pa.json', 'xor_none.json', 'xor_a.json', 'xor_b.json', 'xor_ab.json']) expect(results.protocols).toContain(p);
  });
});

describe('dcaapEvents', () => {
  it('finds each rise of the trigger count and measures the peak within 40 ms above v at the trigger', () => {
    const n = 2000;
    const t = Float64Array.from({ length: n }, (_, i) => i * 0.1);
    const v = new Float64Array(n).fill(-40);
    const count = new Float64Array(n);
    const K = new Float64Array(n);
    for (let i = 500; i < n; i++) { count[i] = 1; K[i] = 0.5; }
    for (let i = 500; i < 700; i++) v[i] = -40 + 30 * Math.sin((Math.PI * (i - 500)) / 200); // 30 mV bump
    v[1200] = 100; // beyond 40 ms of the trigger: not part of it
    const ev = dcaapEvents(t, v, count, K);
    expect(ev.length).toBe(1);
    expect(ev[0].t_ms).toBeCloseTo(50, 9);
    expect(ev[0].v_trigger_mV).toBe(-40);
    expect(ev[0].amplitude_mV).toBeCloseTo(30, 3);
    expect(ev[0].K).toBe(0.5);
  });
});
