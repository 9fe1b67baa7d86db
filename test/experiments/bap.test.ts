/**
 * bap (--quick): the back-propagating AP on the reduced L5 pyramidal cell falls with distance along
 * the apical trunk as Stuart & Sakmann 1994 measured (the literature checks of src/experiments/bap.ts),
 * travels outwards (later peaks farther out), and the cell is the one the bac experiment uses.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failedChecks, runQuick } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (f: string) => JSON.parse(readFileSync(join(ROOT, f), 'utf8'));

describe('experiment bap --quick', async () => {
  const { results, checks, dir } = await runQuick('bap');
  const r = results as any;

  it('every literature check passes', () => {
    console.log(checks.map((c) => `${c.name}: ${c.value.toPrecision(4)} ${c.unit} [${c.range}]`).join('\n'));
    expect(checks.length).toBe(4);
    expect(failedChecks(checks)).toEqual([]);
  });

  it('the bAP shrinks and arrives later with distance along the trunk', () => {
    const d: number[] = r.distance_um, a: number[] = r.amplitude_mV, tp: number[] = r.peak_time_ms;
    expect(d[0]).toBe(0);
    expect(d.length).toBeGreaterThanOrEqual(10); // every 100 µm to 900 µm in --quick
    for (let k = 1; k < d.length; k++) {
      expect(tp[k]).toBeGreaterThan(tp[k - 1] - 0.05);
      if (d[k] <= 500) expect(a[k]).toBeLessThan(a[k - 1]);
    }
    // still an active bAP at the nexus (a passive trunk would leave a few mV), not a full spike
    expect(a[d.indexOf(500)]).toBeGreaterThan(20);
    expect(r.half_amplitude_distance_um).toBeGreaterThan(100);
    expect(r.half_amplitude_distance_um).toBeLessThan(500);
  });

  it('runs on the cell of the bac experiment (same morphology, discretization and biophysics)', () => {
    const bap = read('fixtures/experiments/bap/bap.json'), bac = read('fixtures/experiments/bac/bac.json');
    expect(bap.morphology).toBe(bac.morphology);
    expect(bap.discretization).toEqual(bac.discretization);
    expect(bap.biophysics).toEqual(bac.biophysics);
  });

  it('writes its figures and protocol', () => {
    for (const f of ['bap_amplitude.svg', 'bap_traces.svg']) expect(existsSync(join(dir, f))).toBe(true);
    expect(results.protocols).toEqual(['bap.json']);
  });
});
