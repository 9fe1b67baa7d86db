/**
 * Synapse variables recorded through a protocol equal NEURON 8.2's `Vector.record(&syn.X)`: the
 * Gidon et al. 2020 NMDA synapse (myNMDA, gamma 0.077) on one passive compartment, driven by six
 * events (fixtures/neuron/channels, case myNMDA_gamma0p077_events). The compartment is a one-point
 * SWC soma of radius 10 µm, which NEURON's Import3d (and Dendrite) make a 20 × 20 µm cylinder, the
 * section of the reference case.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv } from '../helpers/csv.ts';
import { parseProtocol, runProtocol } from '../../src/protocol/index.ts';

const CASE = fileURLToPath(new URL('../../fixtures/neuron/channels/cases/myNMDA_gamma0p077_events', import.meta.url));

describe('synapse variables through a protocol equal NEURON 8.2', () => {
  it('myNMDA A, B, i and mggate and v at every step', () => {
    const spec = JSON.parse(readFileSync(`${CASE}.json`, 'utf8'));
    const syn = spec.stimuli[0];
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-recneuron-'));
    const swc = join(dir, 'soma.swc');
    writeFileSync(swc, '1 1 0 0 0 10 -1\n');
    const p = parseProtocol({
      morphology: swc,
      discretization: { nseg: 1 },
      biophysics: {
        cm_uF_per_cm2: spec.geometry.cm_uF_per_cm2, Ra_ohm_cm: spec.geometry.Ra_ohm_cm, v_init_mV: spec.v_init_mV, celsius: spec.celsius_degC,
        mechanisms: [{ name: 'pas', region: 'all', params: spec.mechanisms[0].params_in_force }],
      },
      synapses: [{ name: 'nmda', type: 'myNMDA', at: 'soma(0.5)', params: syn.set_params }],
      spike_sources: [{ name: 'events', type: 'explicit', times_ms: syn.events_ms }],
      connections: [{ source: 'events', target: 'nmda', delay_ms: 0 }],
      record: [
        { label: 'v', at: 'soma(0.5)' },
        { label: 'A', synapse: 'nmda', what: 'A' },
        { label: 'B', synapse: 'nmda', what: 'B' },
        { label: 'i', synapse: 'nmda', what: 'i' },
        { label: 'mggate', synapse: 'nmda', what: 'mggate' },
      ],
      run: { tstop_ms: spec.run.tstop_ms, dt_ms: spec.run.dt_ms },
    }, join(dir, 'p.json'));
    const run = runProtocol(p);
    expect(run.built.layout.area_um2[run.built.probes[0].node]).toBeCloseTo(spec.geometry.area_um2, 9);
    expect(run.built.probes.map((q) => q.unit)).toEqual(['mV', '1', '1', 'nA', '1']);
    const ref = readCsv(`${CASE}.csv`);
    expect(ref.header).toEqual(['t_ms', 'v', 'myNMDA.A', 'myNMDA.B', 'myNMDA.i', 'myNMDA.mggate']);
    expect(run.result.t_ms.length).toBe(ref.cols[0].length);
    const tol = [1e-9, 1e-12, 1e-12, 1e-12, 1e-12]; // mV, then the synapse's own units
    for (let c = 0; c < 5; c++) {
      let max = 0;
      const ours = run.result.traces[c];
      const theirs = ref.cols[c + 1];
      for (let k = 0; k < ours.length; k++) max = Math.max(max, Math.abs(ours[k] - theirs[k]));
      expect(max, ref.header[c + 1]).toBeLessThanOrEqual(tol[c]);
    }
    // the synapse does something: six events, an inward current
    expect(Math.min(...run.result.traces[3])).toBeLessThan(-1e-3);
  });
});
