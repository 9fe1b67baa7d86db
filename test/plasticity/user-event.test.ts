/**
 * A plastic synapse written as a mechanism file (issue 12 item 3): fixtures/mechanisms/synapses/
 * exp2syn_stdp.json (Exp2Syn + additive all-to-all STDP with weight states, a net_receive and a
 * post_spike block) against the built-in Exp2Syn+stdp (src/plasticity/synapse.ts + stdp.ts) with the
 * postsynaptic spikes detected at the synapse's own node: three synapses with their own amplitudes,
 * pre trains paired with current-evoked postsynaptic spikes before and after them; the weights move
 * both ways, reach the bound, and agree: w and g to 1e-12·w_max, v to 1e-11 mV (the file is given
 * the built-in's evaluation order, its place in a node's matrix sums).
 * Through a protocol (mechanism_files + synapses, no "plasticity" key): weight_uS becomes w_init, the
 * weights come back per synapse (weights.csv rows) and equal those of the built-in rule placed with
 * "plasticity": {"rule": "stdp", "post": "local"}.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms, createCatalogue } from '../../src/channels/catalogue.ts';
import { loadMechanismFile } from '../../src/channels/user/index.ts';
import { makePlasticSynapse, stdp } from '../../src/plasticity/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { runProtocol } from '../../src/protocol/run.ts';
import { ballAndStick } from './cell.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILE = join(ROOT, 'fixtures/mechanisms/synapses/exp2syn_stdp.json');

const layout = buildLayout([
  { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
]);
const soma = nodeAt(layout.sections[0], 0.5);

// Post spikes from 2 ms current pulses; pre events 10 ms before (LTP) or 10 ms after (LTD) them, and a burst.
const POST_MS = [20, 60, 100, 140, 180, 220, 260];
const PRE_MS = [10, 70, 90, 150, 152, 154, 190, 230, 275];

function run(which: 'builtin' | 'file') {
  const base = builtinMechanisms();
  const plastic = makePlasticSynapse(base.find((m) => m.description.name === 'Exp2Syn')!, [{ rule: stdp }]);
  // The file takes the built-in's place in the node's sum of currents (evaluation order changes only
  // rounding; with hh's finite-difference dI/dv a file added after hh differs by ~5e-11 mV).
  const loaded = loadMechanismFile(FILE);
  const file = { ...loaded, description: { ...loaded.description, order: plastic.description.order } };
  const name = which === 'builtin' ? plastic.description.name : file.description.name;
  const n = 3;
  const common: Record<string, number[]> = {
    tau1: [0.5, 0.5, 1],
    tau2: [5, 5, 8],
    e: [0, 0, 0],
    w_init: [0.0005, 0.0002, 0.00095],
    w_min: [0, 0, 0],
    w_max: [0.001, 0.001, 0.001],
    A_plus: [0.05, 0.1, 0.2],
    A_minus: [0.0525, 0.02, 0.03],
    post_threshold: [-20, -20, -30],
  };
  const params: Record<string, number[]> = which === 'builtin'
    ? { ...common, tau_plus_ms: [16.8, 16.8, 10], tau_minus_ms: [33.7, 33.7, 20], post_node: Array(n).fill(-1), branch: Array(n).fill(0) }
    : { ...common, tau_plus: [16.8, 16.8, 10], tau_minus: [33.7, 33.7, 20] };
  return simulate({
    layout,
    catalogue: createCatalogue([...base, file, plastic]),
    mechanisms: [
      { name: 'hh', nodes: [soma] },
      { name: 'IClamp', nodes: POST_MS.map(() => soma), params: { del: POST_MS, dur: POST_MS.map(() => 2), amp: POST_MS.map(() => 1) } },
      { name, nodes: [soma, soma, soma], params },
    ],
    events: {
      sources: [{ type: 'explicit', times_ms: PRE_MS }],
      connections: [0, 1, 2].map((instance) => ({ from: { source: 0 }, to: { mechanism: 2, instance }, delay_ms: 0, weight: common.w_init[instance] })),
    },
    record: [soma, ...[0, 1, 2].flatMap((instance) => ['w', 'g'].map((variable) => ({ mechanism: 2, variable, instance })))],
    dt_ms: 0.025,
    tstop_ms: 300,
    v_init_mV: -65,
  });
}

describe('STDP written as a mechanism file equals the built-in Exp2Syn+stdp', () => {
  it('w and g within 1e-12 of w_max, v within 1e-11 mV, over LTP and LTD pairings', () => {
    const a = run('builtin');
    const b = run('file');
    // postsynaptic spikes happened, and the weights moved both ways
    expect(a.traces[0].filter((v, i, arr) => i > 0 && v > 0 && arr[i - 1] <= 0).length).toBeGreaterThanOrEqual(POST_MS.length);
    for (const k of [0, 1, 2]) {
      const w = a.traces[1 + 2 * k];
      let up = false;
      let down = false;
      for (let i = 1; i < w.length; i++) {
        if (w[i] > w[i - 1]) up = true;
        if (w[i] < w[i - 1]) down = true;
      }
      expect(up && down, `synapse ${k}`).toBe(true);
    }
    // synapse 2 starts near w_max and is clipped there
    expect(Math.max(...a.traces[5])).toBe(0.001);
    const diff = (c: number) => {
      let worst = 0;
      for (let i = 0; i < a.traces[c].length; i++) worst = Math.max(worst, Math.abs(a.traces[c][i] - b.traces[c][i]));
      return worst;
    };
    const dv = diff(0);
    const dw = Math.max(diff(1), diff(3), diff(5));
    const dg = Math.max(diff(2), diff(4), diff(6));
    const wEnd = (r: typeof a, k: number) => r.traces[1 + 2 * k][r.traces[1 + 2 * k].length - 1];
    console.log(`user STDP file vs Exp2Syn+stdp: final w ${[0, 1, 2].map((k) => wEnd(b, k)).join(', ')} uS; max |diff| v ${dv} mV, w ${dw} uS, g ${dg} uS`);
    // v passes through 7+ action potentials; both add into the matrix at the built-in's place
    expect(dv).toBeLessThanOrEqual(1e-11);
    expect(dw).toBeLessThanOrEqual(1e-12 * 0.001);
    expect(dg).toBeLessThanOrEqual(1e-12 * 0.001);
  });
});

describe('a plastic synapse from a mechanism file in a protocol', () => {
  it('weight_uS sets w_init, weights come back per synapse, equal to the built-in rule placed by the protocol', () => {
    const pre = [10, 70, 90, 150];
    const common = {
      stimuli: [{ type: 'pulse_train', at: 'soma[0](0.5)', delay_ms: 20, number: 4, interval_ms: 40, pulse_dur_ms: 1, amp_nA: 2 }],
      record: [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'w', synapse: 's', what: 'w' }],
    };
    const file = ballAndStick({
      ...common,
      mechanism_files: [FILE],
      synapses: [{ name: 's', type: 'Exp2Syn_stdp_file', at: ['soma[0](0.5)', 'soma[0](0.5)'], weight_uS: 0.0004, params: { w_max: 0.001, A_plus: 0.1, A_minus: 0.05 }, train: { type: 'explicit', times_ms: pre } }],
    }, { tstop_ms: 200 });
    const builtin = ballAndStick({
      ...common,
      synapses: [{ name: 's', type: 'Exp2Syn', at: ['soma[0](0.5)', 'soma[0](0.5)'], weight_uS: 0.0004, train: { type: 'explicit', times_ms: pre }, plasticity: { rule: 'stdp', w_max_uS: 0.001, A_plus: 0.1, A_minus: 0.05, post: 'local' } }],
    }, { tstop_ms: 200 });
    const a = runProtocol(file);
    const b = runProtocol(builtin);
    expect(a.weights).toHaveLength(2);
    expect(a.weights!.map((r) => r.initial_weight)).toEqual([0.0004, 0.0004]);
    expect(a.weights!.map((r) => [r.synapse, r.index, r.section])).toEqual([['s', 0, 'soma[0]'], ['s', 1, 'soma[0]']]);
    for (let k = 0; k < 2; k++) {
      expect(a.weights![k].final_weight).not.toBe(0.0004);
      expect(Math.abs(a.weights![k].final_weight - b.weights![k].final_weight)).toBeLessThanOrEqual(1e-15);
    }
  });
});
