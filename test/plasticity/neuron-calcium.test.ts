/**
 * The calcium-based rule against NEURON 8.2 running the same equations
 * (fixtures/neuron/plasticity-calcium: nmda_calcium.mod, written for Dendrite from the published
 * equations, and generate.py, which ran it): one NMDA+calcium synapse on a passive 10 × 10 µm
 * compartment, 30 presynaptic pulses (NetStim / a regular source) at 1, 5, 50 and 100 Hz.
 * v, the local calcium and w every 1000 steps and the final weights agree (measured: v 2.8e-13 mV,
 * calcium 5.8e-15, w exactly).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms, createCatalogue } from '../../src/channels/catalogue.ts';
import { calcium, makePlasticSynapse } from '../../src/plasticity/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';

interface NeuronRun { rate_Hz: number; steps: number; final_w_uS: number; ca_peak: number; v_mV: number[]; ca: number[]; w_uS: number[] }
const REF = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/neuron/plasticity-calcium/calcium_neuron.json', import.meta.url)), 'utf8')) as {
  neuron_version: string; dt_ms: number; every_steps: number; pulses: number; w0_uS: number; kappa_per_pC: number; runs: NeuronRun[];
};

const layout = buildLayout([{ name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(10, 10, 1, 100) }]);
const soma = nodeAt(layout.sections[0], 0.5);

function dendrite(rate: number) {
  const base = builtinMechanisms();
  const syn = makePlasticSynapse(base.find((m) => m.description.name === 'NMDA')!, [{ rule: calcium }]);
  const w0 = REF.w0_uS;
  return simulate({
    layout,
    catalogue: createCatalogue([...base, syn]),
    mechanisms: [
      { name: 'pas', nodes: [soma], params: { g: 1e-4, e: -65 } },
      { name: syn.description.name, nodes: [soma], params: { w_init: [w0], w_max: [2 * w0], ca_per_pC: [REF.kappa_per_pC] } },
    ],
    events: {
      sources: [{ type: 'regular', start_ms: 10, interval_ms: 1000 / rate, number: REF.pulses }],
      connections: [{ from: { source: 0 }, to: { mechanism: 1, instance: 0 }, delay_ms: 0, weight: w0 }],
    },
    record: [soma, { mechanism: 1, variable: 'ca', instance: 0 }, { mechanism: 1, variable: 'w', instance: 0 }],
    dt_ms: REF.dt_ms,
    tstop_ms: 10 + (REF.pulses * 1000) / rate + 300,
    v_init_mV: -65,
  });
}

describe(`calcium rule against NEURON ${REF.neuron_version} (same equations in NMODL)`, () => {
  it('v, calcium and w every 1000 steps and the final weights agree at 1, 5, 50 and 100 Hz', () => {
    let dv = 0, dca = 0, dw = 0;
    for (const ref of REF.runs) {
      const r = dendrite(ref.rate_Hz);
      expect(r.steps).toBe(ref.steps);
      const [v, ca, w] = r.traces;
      ref.v_mV.forEach((x, k) => (dv = Math.max(dv, Math.abs(v[k * REF.every_steps] - x))));
      ref.ca.forEach((x, k) => (dca = Math.max(dca, Math.abs(ca[k * REF.every_steps] - x))));
      ref.w_uS.forEach((x, k) => (dw = Math.max(dw, Math.abs(w[k * REF.every_steps] - x))));
      dw = Math.max(dw, Math.abs(w[w.length - 1] - ref.final_w_uS));
    }
    console.log(`calcium rule vs NEURON: max |dv| ${dv} mV, |dca| ${dca}, |dw| ${dw} uS; final w/w0 NEURON ${REF.runs.map((r) => (r.final_w_uS / REF.w0_uS).toFixed(4)).join(', ')}`);
    expect(dv).toBeLessThan(1e-11);
    expect(dca).toBeLessThan(1e-12);
    expect(dw).toBeLessThan(1e-15);
    // the published sign change, in NEURON too
    const gain = REF.runs.map((r) => r.final_w_uS / REF.w0_uS);
    expect(gain[0]).toBeLessThan(1);
    expect(gain[1]).toBeLessThan(1);
    expect(gain[2]).toBeGreaterThan(1);
    expect(gain[3]).toBeGreaterThan(1);
  });
});
