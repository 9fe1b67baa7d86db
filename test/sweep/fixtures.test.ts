/**
 * The example sweeps of fixtures/sweeps, run in reduced form, check physics: an f-I curve rises
 * with current and with the sodium density; steady-state attenuation along a sealed passive
 * dendrite follows cosh((L − x)/λ)/cosh(L/λ) with λ = sqrt(d·Rm / (4·Ra)), so it falls with
 * distance and rises with diameter.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep, sweep } from '../../src/sweep/index.ts';
import { tempDir } from './helpers.ts';

/** A copy of a fixture sweep with other parameter values, its base protocol referenced where it is. */
function reduced(name: string, values: Record<string, { values: unknown[]; labels?: unknown[] }>): string {
  const src = resolve('fixtures/sweeps', name);
  const s = JSON.parse(readFileSync(src, 'utf8'));
  s.protocol = resolve('fixtures/sweeps', s.protocol);
  for (const p of s.parameters) {
    if (values[p.name]) {
      delete p.range;
      p.values = values[p.name].values;
      if (values[p.name].labels) p.labels = values[p.name].labels;
    }
  }
  const f = join(tempDir('sweep-fixture-'), name);
  writeFileSync(f, JSON.stringify(s));
  return f;
}

describe('fixtures/sweeps', () => {
  it('both fixture sweeps load as they are', () => {
    expect(loadSweep('fixtures/sweeps/fi_curve.json').total).toBe(33);
    expect(loadSweep('fixtures/sweeps/attenuation.json').total).toBe(16);
  });

  it('f-I curve: more spikes with more current, and with more sodium', async () => {
    const amps = [0, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25];
    const f = reduced('fi_curve.json', { gna: { values: [0.1, 0.16] }, amp: { values: amps } });
    const out = join(tempDir('sweep-fi-'), 'out');
    const r = await sweep(f, { out, jobs: 2 });
    expect(r.ok).toBe(14);
    const n = r.table.data.n_spikes as number[];
    const low = n.slice(0, 7), high = n.slice(7);
    expect(low[0]).toBe(0);
    expect(high[0]).toBe(0);
    for (const curve of [low, high]) for (let k = 1; k < curve.length; k++) expect(curve[k]).toBeGreaterThanOrEqual(curve[k - 1]);
    for (let k = 0; k < amps.length; k++) expect(high[k]).toBeGreaterThanOrEqual(low[k]);
    expect(high[6]).toBeGreaterThan(high[2]); // rate grows over the range
    const rheobase = (c: number[]) => amps[c.findIndex((x) => x > 0)];
    expect(rheobase(high)).toBeLessThan(rheobase(low));
  }, 180_000);

  it('attenuation: cable theory for a sealed end; falls with distance, rises with diameter', async () => {
    const f = reduced('attenuation.json', {
      diam_um: { values: ['stick_d0.5.swc', 'stick_d2.swc'], labels: [0.5, 2] },
      distance_um: { values: [100, 500, 1000] },
    });
    const out = join(tempDir('sweep-att-'), 'out');
    const r = await sweep(f, { out, jobs: 2 });
    expect(r.ok).toBe(6);
    const att = r.table.data.attenuation as number[];
    const Rm = 1 / 1e-4, Ra = 100, L = 1000; // ohm cm2, ohm cm, um
    r.table.data.run.forEach((_, i) => {
      const d = r.table.data.diam_um[i] as number, x = r.table.data.distance_um[i] as number;
      const lambda = Math.sqrt(((d * 1e-4) * Rm) / (4 * Ra)) * 1e4; // um
      const theory = Math.cosh((L - x) / lambda) / Math.cosh(L / lambda);
      // recorded at the centre of the 5 um segment holding x, and 200 ms is 20 membrane time constants
      expect(Math.abs(att[i] - theory) / theory).toBeLessThan(0.02);
    });
    expect(att[0]).toBeGreaterThan(att[1]);
    expect(att[1]).toBeGreaterThan(att[2]);
    for (let k = 0; k < 3; k++) expect(att[3 + k]).toBeGreaterThan(att[k]);
  }, 180_000);
});
