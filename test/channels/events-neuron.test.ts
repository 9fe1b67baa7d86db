/**
 * Events against NEURON 8.2.2 on a multi-compartment cell (fixtures/neuron/events): ball and stick,
 * hh in the soma, pas in the dendrite, nseg 5, Exp2Syn synapses driven by NetStim regular trains,
 * explicit spike lists (NetCon.event), and threshold detectors on the cell's own v (soma spikes
 * onto a dendritic synapse, an autapse, dendritic detectors, one above threshold at t = 0), each
 * under backward Euler and Crank–Nicolson. The protocol files are run through loadProtocol /
 * runProtocol. Required: |Δv| ≤ 1e-6 mV at every step and recorded site, and identical spike
 * times (≤ 1e-9 ms) for every source and detector.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadProtocol, runProtocol } from '../../src/protocol/index.ts';

const DIR = fileURLToPath(new URL('../../fixtures/neuron/events/cases/', import.meta.url));

function readCsv(path: string): { header: string[]; cols: Float64Array[] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const cols = header.map(() => new Float64Array(lines.length - 1));
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    for (let j = 0; j < header.length; j++) cols[j][i - 1] = Number(f[j]);
  }
  return { header, cols };
}

const CASES = ['regular_be', 'regular_cn', 'explicit_be', 'explicit_cn', 'detector_be', 'detector_cn'];

describe('events equal NEURON 8.2 on a ball and stick (NetStim, explicit times, detectors, BE and CN)', () => {
  for (const name of CASES) {
    it(name, () => {
      const run = runProtocol(loadProtocol(`${DIR}${name}.json`));
      const ref = readCsv(`${DIR}${name}.csv`);
      const refSpikes: Record<string, number[]> = JSON.parse(readFileSync(`${DIR}${name}.spikes.json`, 'utf8'));
      const t = run.output.t_ms;
      expect(t.length).toBe(ref.cols[0].length);
      for (let i = 0; i < t.length; i++) expect(Math.abs(t[i] - ref.cols[0][i])).toBeLessThan(1e-9);
      const dvs: string[] = [];
      ref.header.slice(1).forEach((label, j) => {
        const k = run.built.probes.findIndex((p) => p.label === label);
        expect(k, label).toBeGreaterThanOrEqual(0);
        const ours = run.output.traces[k];
        const theirs = ref.cols[j + 1];
        let max = 0;
        let at = 0;
        for (let i = 0; i < theirs.length; i++) {
          const d = Math.abs(ours[i] - theirs[i]);
          if (!(d <= max)) {
            max = d;
            at = i;
          }
        }
        dvs.push(`${label} ${max.toExponential(2)}`);
        expect(max, `${name} ${label}: max |Δv| ${max} mV at t = ${ref.cols[0][at]}`).toBeLessThanOrEqual(1e-6);
      });
      const spikes = run.result.spikes!;
      expect(spikes.map((s) => s.label).sort()).toEqual(Object.keys(refSpikes).sort());
      let maxDt = 0;
      for (const s of spikes) {
        const ours = Array.from(s.t_ms);
        const theirs = refSpikes[s.label];
        expect(ours.length, `${name} ${s.label}: ${JSON.stringify(ours)} vs NEURON ${JSON.stringify(theirs)}`).toBe(theirs.length);
        ours.forEach((x, k) => {
          maxDt = Math.max(maxDt, Math.abs(x - theirs[k]));
          expect(Math.abs(x - theirs[k]), `${name} ${s.label}[${k}]: ${x} vs NEURON ${theirs[k]}`).toBeLessThanOrEqual(1e-9);
        });
      }
      console.log(`${name}: max |Δv| ${dvs.join(', ')}; max |Δt_spike| ${maxDt.toExponential(2)} ms`);
    });
  }
});
