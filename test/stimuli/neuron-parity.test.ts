/**
 * Stimuli against NEURON 8.2: the protocols in fixtures/neuron/stimuli/cases were run in NEURON by
 * run_stimuli.py (SEClamp; pulse trains as IClamps; ramps, sines, noise and CSV waveforms as
 * Vector.play into IClamp.amp; distance locations with h.distance()). Every recorded column,
 * v (mV) and stimulus currents (nA), must agree to 1e-6 at every step.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProtocol, runProtocol } from '../../src/protocol/index.ts';
import { readCsv } from '../helpers/csv.ts';

const CASES = fileURLToPath(new URL('../../fixtures/neuron/stimuli/cases/', import.meta.url));
const manifest: { protocol: string; csv: string; n_rows: number }[] = JSON.parse(readFileSync(join(CASES, 'manifest.json'), 'utf8'));



describe('stimuli equal NEURON 8.2 to 1e-6 (mV and nA)', () => {
  it('has the cases', () => expect(manifest.length).toBe(7));
  for (const c of manifest) {
    it(c.protocol, () => {
      const ref = readCsv(join(CASES, c.csv));
      const run = runProtocol(loadProtocol(join(CASES, c.protocol)));
      expect(['t_ms', ...run.built.probes.map((p) => p.label)]).toEqual(ref.header);
      expect(run.result.t_ms.length).toBe(ref.cols[0].length);
      let worst = 0;
      let where = '';
      run.result.traces.forEach((a, k) => {
        const b = ref.cols[k + 1];
        for (let i = 0; i < a.length; i++) {
          const d = Math.abs(a[i] - b[i]);
          if (!(d <= worst)) {
            worst = d;
            where = `${ref.header[k + 1]} at t = ${ref.cols[0][i]}`;
          }
        }
      });
      expect(worst, `max |Δ| ${worst} (${where})`).toBeLessThanOrEqual(1e-6);
    });
  }
});
