/**
 * na-spike (--quick): 20 synchronous clustered inputs on a CA1 oblique dendrite with dendritic Na
 * channels fire a fast (1–2 ms) local Na spike; the same inputs spread over more than the
 * coincidence window (Losonczy & Magee 2006: ~6 ms) do not. Asserts the literature checks of
 * src/experiments/na-spike.ts and the physics behind them on the numbers in results.json.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failedChecks, runQuick } from './helpers.ts';
import { crossing } from '../../src/experiments/na-spike.ts';

describe('experiment na-spike --quick', async () => {
  const { results, checks, dir } = await runQuick('na-spike');
  const r = results as any;

  it('every literature check passes', () => {
    console.log(checks.map((c) => `${c.name}: ${c.value.toPrecision(4)} ${c.unit} [${c.range}]`).join('\n'));
    expect(checks.length).toBe(2);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('synchronous input: an overshooting spike that needs the dendritic Na channel', () => {
    expect(r.spike_peak_mV).toBeGreaterThan(0);
    // without Na the same input gives a far smaller passive EPSP
    expect(r.branch_peak_no_na_mV[0]).toBeLessThan(0.5 * r.branch_peak_mV[0]);
    expect(r.na_component_mV).toBeGreaterThan(30);
    // the Na component itself is narrower than the spike riding on the EPSP
    expect(r.na_component_half_width_ms).toBeLessThan(r.spike_half_width_ms);
  });

  it('all-or-none in time: spikes up to the window, none well beyond it; without Na amplitude falls only gently', () => {
    const spread: number[] = r.spread_ms;
    const spike: boolean[] = r.spike_by_spread;
    expect(spike[0]).toBe(true);
    expect(spike[spike.length - 1]).toBe(false);
    // one switch from spike to none
    expect(spike.findIndex((s) => !s)).toBe(spike.lastIndexOf(true) + 1);
    expect(r.largest_spread_with_spike_ms).toBeLessThan(r.coincidence_window_ms + 2);
    const noNa: number[] = r.branch_peak_no_na_mV;
    expect(noNa[noNa.length - 1] / noNa[0]).toBeGreaterThan(0.4);
    expect(spread[0]).toBe(0);
  });

  it('stays local: the soma sees about a millivolt', () => {
    expect(r.soma_peak_mV[0]).toBeLessThan(5);
    expect(r.soma_peak_mV[0]).toBeGreaterThan(r.soma_peak_no_na_mV[0]);
  });

  it('writes its figures and the protocols it ran', () => {
    for (const f of ['traces.svg', 'window.svg', 'shape.svg']) expect(existsSync(join(dir, f))).toBe(true);
    expect(results.protocols).toContain('spread_0ms_ttx.json');
  });
});

describe('crossing', () => {
  it('interpolates where a falling curve crosses a level', () => {
    expect(crossing([0, 2, 4], [10, 8, 2], 5)).toBeCloseTo(3, 12);
    expect(crossing([0, 2, 4], [10, 9, 8], 5)).toBe(4);
  });
});
