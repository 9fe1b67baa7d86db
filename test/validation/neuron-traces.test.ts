/**
 * NEURON parity on real cells: every protocol in fixtures/neuron/traces/cases was run in NEURON 8.2
 * (usetable_hh = 0; fixtures/neuron/traces/README.md). We run the same protocol file through the
 * library and require max |ΔV| <= 1e-6 mV at every recorded site over the whole trace.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProtocol, runProtocol } from '../../src/protocol/index.ts';
import { readCsv } from '../helpers/csv.ts';

const CASES = fileURLToPath(new URL('../../fixtures/neuron/traces/cases/', import.meta.url));
const manifest: { protocol: string; csv: string }[] = JSON.parse(readFileSync(join(CASES, 'manifest.json'), 'utf8')).cases
  ?? JSON.parse(readFileSync(join(CASES, 'manifest.json'), 'utf8'));


describe('traces equal NEURON 8.2 to 1e-6 mV', () => {
  it('has the reference cases', () => expect(manifest.length).toBeGreaterThanOrEqual(18));
  for (const c of manifest) {
    const name = c.protocol.replace(/^.*\//, '');
    it(name, () => {
      const ref = readCsv(join(CASES, c.csv.replace(/^.*\//, '')));
      const run = runProtocol(loadProtocol(join(CASES, name)));
      expect(['t_ms', ...run.built.probes.map((p) => p.label)]).toEqual(ref.header);
      expect(run.result.t_ms.length).toBe(ref.cols[0].length);
      let worst = 0;
      let where = '';
      for (let k = 0; k < run.result.traces.length; k++) {
        const a = run.result.traces[k];
        const b = ref.cols[k + 1];
        for (let i = 0; i < a.length; i++) {
          const d = Math.abs(a[i] - b[i]);
          if (!(d <= worst)) {
            worst = d;
            where = `${ref.header[k + 1]} at t = ${ref.cols[0][i]}`;
          }
        }
      }
      for (let i = 0; i < run.result.t_ms.length; i++) expect(run.result.t_ms[i]).toBeCloseTo(ref.cols[0][i], 9);
      expect(worst, `max |ΔV| ${worst} mV (${where})`).toBeLessThanOrEqual(1e-6);
    });
  }
});
