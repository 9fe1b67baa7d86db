/**
 * Long plasticity runs in `npm run bench` (issue 12 item 4): bench/protocols/stdp_60s_ball_and_stick.json,
 * 60 s of biological time of STDP induction on a ball-and-stick cell with 100 plastic AMPA synapses,
 * each driven by its own 10 Hz Poisson train (about 60,000 presynaptic events and, with somatic
 * spikes, every STDP update). Ours only: NEURON has no built-in counterpart of these synapses.
 * Simulated seconds per wall second = 60 / wall_s (the case's `simulated_s`).
 */
import { fileURLToPath } from 'node:url';
import { buildSimulation, loadProtocol } from '../src/protocol/index.ts';
import type { SimCase } from './cases.ts';

export const STDP_PROTOCOL = fileURLToPath(new URL('./protocols/stdp_60s_ball_and_stick.json', import.meta.url));

export function plasticityCases(): SimCase[] {
  return [
    {
      kind: 'simulation',
      name: 'plasticity-stdp-60s',
      title: 'STDP induction, 60 s simulated: ball-and-stick (hh soma), 100 plastic AMPA synapses with their own 10 Hz Poisson trains, additive all-to-all STDP on somatic spikes, dt 0.025 ms; simulated s per wall s = 60 / wall_s',
      rates: 'exact',
      targetRatio: null,
      issueNeuron_s: null,
      simulated_s: 60,
      build: () => {
        const built = buildSimulation(loadProtocol(STDP_PROTOCOL));
        let nseg = 0;
        for (const s of built.layout.sections) nseg += s.nseg;
        return { request: built.request, nseg, labels: built.probes.map((p) => p.label) };
      },
      neuron: { script: '', args: [] },
      neuronSkip: () => 'no NEURON counterpart (plastic synapses are Dendrite mechanisms)',
    },
  ];
}
