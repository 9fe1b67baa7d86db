/**
 * sequence-selectivity (--quick): on one basal dendrite, a distal-to-proximal (IN) sequence of
 * nine inputs gives a larger somatic peak than the reverse (OUT): slightly with AMPA only (Rall's
 * passive direction selectivity) and more with NMDA receptors (Branco, Clark & Häusser 2010).
 * Asserts the literature checks of src/experiments/sequence-selectivity.ts and the shape of the
 * numbers in results.json.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failedChecks, runQuick } from './helpers.ts';

describe('experiment sequence-selectivity --quick', async () => {
  const { results, checks, dir } = await runQuick('sequence-selectivity');
  const r = results as any;

  it('every literature check passes', () => {
    console.log(checks.map((c) => `${c.name}: ${c.value.toPrecision(4)} ${c.unit} [${c.range}]`).join('\n'));
    expect(checks.length).toBe(3);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('IN beats OUT at every interval, with and without NMDA; NMDA makes the responses larger', () => {
    for (const q of r.by_interval) {
      expect(q.nmda_in_mV).toBeGreaterThan(q.nmda_out_mV);
      expect(q.ampa_in_mV).toBeGreaterThan(q.ampa_out_mV);
      expect(q.nmda_in_mV).toBeGreaterThan(3 * q.ampa_in_mV);
    }
  });

  it('velocity dependence: with NMDA the selectivity grows from 2 to 4 ms intervals', () => {
    const by = new Map(r.by_interval.map((q: any) => [q.interval_ms, q]));
    expect((by.get(4) as any).si_nmda).toBeGreaterThan(1.3 * (by.get(2) as any).si_nmda);
    expect(r.velocity_um_per_ms).toBeCloseTo(r.site_spacing_um / r.main_interval_ms, 3);
  });

  it('writes its figures and the protocols it ran', () => {
    for (const f of ['traces.svg', 'selectivity_vs_interval.svg', 'peaks_vs_interval.svg', 'shape.svg']) expect(existsSync(join(dir, f))).toBe(true);
    expect(results.protocols).toEqual(expect.arrayContaining(['in_4ms_nmda.json', 'out_4ms_nmda.json', 'in_4ms_ampa.json', 'out_4ms_ampa.json']));
  });
});
