/**
 * Event blocks in mechanism files (NMODL NET_RECEIVE; docs/mechanisms.md "Events"):
 * - fixtures/mechanisms/synapses/exp2syn.json against the built-in Exp2Syn (src/channels/synapses/dualexp.ts)
 *   on a ball and stick with hh, three synapses with their own time constants and reversal potentials,
 *   explicit, regular and Poisson trains, delays and weights, backward Euler and Crank–Nicolson:
 *   soma and dendrite v, and the synapses' A, B, g and i, agree to 1e-12 (mV, µS, nA);
 * - the same file placed by a protocol (`mechanism_files` + `synapses`) gives the built-in's trace;
 * - statements: order (later statements see the new values), locals, `if`/`else`, weight states
 *   with their initial values, `t` = the event time;
 * - bad event blocks: errors with the JSON path.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms, createCatalogue } from '../../src/channels/catalogue.ts';
import { MechanismFileError, loadMechanismFile, parseMechanism } from '../../src/channels/user/index.ts';
import type { Method, SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { buildSimulation, parseProtocol } from '../../src/protocol/index.ts';
import { maxDiff, ROOT } from './helpers.ts';

const EXP2SYN_JSON = join(ROOT, 'fixtures/mechanisms/synapses/exp2syn.json');

const layout = buildLayout([
  { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
  { name: 'dend', type: 3, parentSection: 0, parentX: 1, nseg: 9, cm_uF_per_cm2: 1, ...cylinderSegments(300, 1.5, 9, 150) },
]);
const soma = nodeAt(layout.sections[0], 0.5);
const d3 = nodeAt(layout.sections[1], 0.3);
const d9 = nodeAt(layout.sections[1], 0.9);

function exp2synRequest(name: string, method: Method): SimulationRequest {
  const file = loadMechanismFile(EXP2SYN_JSON);
  // The file takes the built-in's place in each node's sum of currents (its evaluation order): order
  // changes only rounding, and with NEURON's finite-difference dI/dv in hh that rounding is no longer
  // hidden (a file after hh differs by ~2e-11 mV); the comparison is of the kernels.
  const order = builtinMechanisms().find((m) => m.description.name === 'Exp2Syn')!.description.order;
  return {
    layout,
    catalogue: createCatalogue([...builtinMechanisms(), { ...file, description: { ...file.description, order } }]),
    mechanisms: [
      { name: 'hh', nodes: [soma] },
      { name: 'pas', nodes: Array.from({ length: 9 }, (_, i) => nodeAt(layout.sections[1], (i + 0.5) / 9)), params: { g: 5e-5, e: -65 } },
      // three synapses: dendrite tip (fast, excitatory), dendrite middle (slow), soma (inhibitory)
      { name, nodes: [d9, d3, soma], params: { tau1: [0.2, 2, 0.5], tau2: [3, 40, 8], e: [0, 0, -75] } },
    ],
    events: {
      sources: [
        { type: 'explicit', times_ms: [1, 1.0125, 4.3, 4.3, 9.77, 15], label: 'burst' },
        { type: 'regular', start_ms: 2, interval_ms: 3.3, number: 8, label: 'reg' },
        { type: 'poisson', rate_Hz: 150, start_ms: 0, stop_ms: 30, seed: 11, label: 'poi' },
      ],
      connections: [
        { from: { source: 0 }, to: { mechanism: 2, instance: 0 }, delay_ms: 0.5, weight: 0.004 },
        { from: { source: 1 }, to: { mechanism: 2, instance: 1 }, delay_ms: 1.1, weight: 0.0015 },
        { from: { source: 2 }, to: { mechanism: 2, instance: 0 }, delay_ms: 0, weight: 0.002 },
        { from: { source: 2 }, to: { mechanism: 2, instance: 2 }, delay_ms: 2, weight: 0.003 },
      ],
    },
    record: [
      soma,
      d9,
      ...[0, 1, 2].flatMap((instance) => ['A', 'B', 'g', 'i'].map((variable) => ({ mechanism: 2, variable, instance }))),
    ],
    dt_ms: 0.025,
    tstop_ms: 40,
    v_init_mV: -65,
    method,
  };
}

describe('Exp2Syn written as a mechanism file equals the built-in Exp2Syn', () => {
  for (const method of ['backward_euler', 'crank_nicolson'] as const) {
    it(`${method}: v, A, B, g and i within 1e-12`, () => {
      const a = simulate(exp2synRequest('Exp2Syn', method));
      const b = simulate(exp2synRequest('Exp2Syn_file', method));
      // the synapses fire the soma (so the comparison covers spikes, not just small EPSPs)
      expect(Math.max(...a.traces[0])).toBeGreaterThan(20);
      expect(Math.max(...a.traces[1])).toBeGreaterThan(-50);
      const diff = maxDiff(a.traces, b.traces);
      console.log(`Exp2Syn_file vs Exp2Syn (${method}): max |diff| over v, A, B, g, i = ${diff}`);
      expect(diff).toBeLessThanOrEqual(1e-12);
    });
  }

  it('the compiled description: a point process that receives events weighted in µS', () => {
    const m = loadMechanismFile(EXP2SYN_JSON);
    expect(m.description.kind).toBe('point');
    expect(m.description.events).toEqual({ weight: 'uS' });
    expect(m.netReceive).toBeTypeOf('function');
    expect(m.code).toContain('function netReceive(inst, j, weight, ctx)');
  });

  it('placed by a protocol through mechanism_files and synapses, it gives the built-in trace', () => {
    const proto = (type: string) => ({
      morphology: join(ROOT, 'fixtures/morphologies/ball_and_stick.swc'),
      mechanism_files: [EXP2SYN_JSON],
      biophysics: { Ra_ohm_cm: 100, mechanisms: [{ name: 'hh', region: 'soma' }, { name: 'pas', region: 'dend', params: { g: 5e-5, e: -65 } }] },
      synapses: [{ name: 's', type, at: 'dend[0](0.7)', params: { tau1: 0.3, tau2: 6 }, weight_uS: 0.01 }],
      spike_sources: [{ name: 'in', type: 'regular', start_ms: 2, interval_ms: 5, number: 4 }],
      connections: [{ source: 'in', target: 's', delay_ms: 1 }],
      record: [{ label: 'soma', at: 'soma(0.5)' }, { label: 'i', synapse: 's', what: 'i' }],
      run: { tstop_ms: 25, dt_ms: 0.025 },
    });
    const run = (type: string) => {
      const p = parseProtocol(proto(type), join(ROOT, 'p.json'));
      return simulate(buildSimulation(p).request);
    };
    const a = run('Exp2Syn');
    const b = run('Exp2Syn_file');
    expect(Math.min(...a.traces[1])).toBeLessThan(-0.05); // nA: the events arrived
    expect(maxDiff(a.traces, b.traces)).toBeLessThanOrEqual(1e-12);
  });
});

/** A one-instance point process on the soma of `layout`, events at `times`, recording `vars`. */
function runFile(spec: Record<string, unknown>, times: number[], vars: string[], weight = 0.5, tstop = 5) {
  const m = parseMechanism(JSON.stringify(spec), `${String(spec.name)}.json`);
  return simulate({
    layout,
    catalogue: createCatalogue([...builtinMechanisms(), m]),
    mechanisms: [{ name: String(spec.name), nodes: [soma] }],
    events: {
      sources: [{ type: 'explicit', times_ms: times }],
      connections: [{ from: { source: 0 }, to: { mechanism: 0, instance: 0 }, delay_ms: 0, weight }],
    },
    record: vars.map((variable) => ({ mechanism: 0, variable, instance: 0 })),
    dt_ms: 0.025,
    tstop_ms: tstop,
  });
}

const counter = (statements: unknown[], extra: Record<string, unknown> = {}) => ({
  name: 'counter',
  kind: 'point',
  parameters: [{ name: 'w_init', unit: '1', default: 3 }],
  states: [{ name: 'x', unit: '1', inf: '0', tau: '1e9 ms', initial: '0' }],
  weight_states: [
    { name: 'n', unit: '1', initial: '0' },
    { name: 'w', unit: '1', initial: 'w_init' },
    { name: 'tlast', unit: 'ms', initial: '-1 ms' },
  ],
  currents: [{ name: 'i', expr: '0 nA' }],
  net_receive: { statements },
  ...extra,
});

describe('event statements', () => {
  it('run in order, with locals, if/else, weight states and t = the event time', () => {
    const spec = counter([
      'n = n + 1',
      'gap = t - tlast',
      'tlast = t',
      { if: 'n == 2 or gap < 0.5 ms', then: ['w = w * 10'], else: ['w = w + weight/(1 uS)'] },
      'x = n + w',
    ]);
    const r = runFile(spec, [1, 2, 2.2], ['n', 'w', 'tlast', 'x']);
    const last = (k: number) => r.traces[k][r.traces[k].length - 1];
    expect(r.traces[0][0]).toBe(0);
    expect(r.traces[1][0]).toBe(3); // initial = w_init
    expect(r.traces[2][0]).toBe(-1);
    expect(last(0)).toBe(3);
    // event 1: else → 3 + 0.5; event 2 (n == 2) → ×10; event 3 (gap 0.2 ms) → ×10
    expect(last(1)).toBeCloseTo(350, 10);
    expect(last(2)).toBe(2.2);
    // x is a state (decays with τ = 1e9 ms, i.e. not noticeably); set from n and the NEW w
    expect(last(3)).toBeCloseTo(353, 4);
  });

  it('a weight state w initialised by parameter w_init is declared as the plastic weight', () => {
    const m = parseMechanism(JSON.stringify(counter(['w = w + 1', 'n = n + weight/(1 uS)', 'tlast = t'])), 'c.json');
    expect(m.description.events).toEqual({ weight: 'uS', weightState: 'w', weightInit: 'w_init' });
    expect(m.description.states.map((s) => s.name)).toEqual(['x', 'n', 'w', 'tlast']);
    const noWeight = parseMechanism(JSON.stringify({ ...counter(['n = n + 1', 'tlast = t']), name: 'c2', weight_states: [{ name: 'n', initial: '0' }, { name: 'tlast', unit: 'ms', initial: '0 ms' }] }), 'c2.json');
    expect(noWeight.description.events).toEqual({ weight: 'ignored' });
  });
});

function errorOf(spec: Record<string, unknown>): MechanismFileError {
  try {
    parseMechanism(JSON.stringify(spec), 'bad.json');
  } catch (e) {
    expect(e).toBeInstanceOf(MechanismFileError);
    return e as MechanismFileError;
  }
  throw new Error('expected the file to be refused');
}

describe('bad event blocks: errors with the JSON path', () => {
  const base = () => counter(['n = n + 1', 'w = w + 1', 'tlast = t']);
  const cases: [string, (s: Record<string, any>) => void, string, RegExp][] = [
    ['not an assignment', (s) => (s.net_receive.statements[1] = 'w + 1'), '$.net_receive.statements[1]', /expected an assignment "name = expression"/],
    ['unknown key', (s) => (s.net_receive.statments = []), '$.net_receive.statments', /unknown key "statments" \(did you mean "statements"\?\)/],
    ['empty block', (s) => (s.net_receive.statements = []), '$.net_receive.statements', /at least one statement/],
    ['a parameter set', (s) => s.net_receive.statements.push('w_init = 2'), '$.net_receive.statements[3]', /cannot assign to the parameter "w_init"/],
    ['the weight set', (s) => s.net_receive.statements.push('weight = 2 uS'), '$.net_receive.statements[3]', /cannot assign to "weight", the connection weight/],
    ['v set', (s) => s.net_receive.statements.push('v = 2 mV'), '$.net_receive.statements[3]', /cannot assign to "v" \(built in\)/],
    ['wrong unit', (s) => (s.net_receive.statements[2] = 'tlast = weight'), '$.net_receive.statements[2]', /"weight" is in uS, but the new value of weight state "tlast" must be in ms/],
    ['misspelt state (unused local)', (s) => (s.net_receive.statements[0] = 'nn = n + 1'), '$.net_receive.statements[0]', /"nn" is set here but never read.*did you mean "n"\?/],
    ['undefined name', (s) => (s.net_receive.statements[0] = 'n = n + wieght'), '$.net_receive.statements[0]', /undefined name "wieght" \(did you mean "weight"\?\)/],
    ['condition not a comparison', (s) => s.net_receive.statements.push({ if: 'n', then: ['n = 0'] }), '$.net_receive.statements[3].if', /is a number, not a condition/],
    ['bad statement in then', (s) => s.net_receive.statements.push({ if: 'n > 1', then: [3] }), '$.net_receive.statements[3].then[0]', /expected a statement/],
    ['weight outside net_receive', (s) => (s.currents[0].expr = 'weight*(v - 0 mV)'), '$.currents[0].expr', /"weight" is the connection weight, known only inside "net_receive"/],
    ['weight state never set', (s) => (s.net_receive.statements = ['n = n + 1', 'w = w + 1']), '$.weight_states[2].name', /"tlast" is never set in "net_receive"/],
    ['weight state initial from a state', (s) => (s.weight_states[0].initial = 'x'), '$.weight_states[0].initial', /depends on a state/],
    ['density mechanism', (s) => (s.kind = 'density'), '$.net_receive', /only point processes \(synapses\) receive events/],
    ['weight states without events', (s) => delete s.net_receive, '$.weight_states', /add a "net_receive" block/],
  ];
  for (const [what, edit, path, re] of cases) {
    it(what, () => {
      const s = base() as Record<string, any>;
      edit(s);
      const e = errorOf(s);
      expect(e.path, e.message).toBe(path);
      expect(e.message.startsWith(`bad.json: ${path}: `), e.message).toBe(true);
      expect(e.message).toMatch(re);
    });
  }
});

describe('bad post_spike blocks', () => {
  const base = () => ({
    ...counter(['n = n + 1', 'w = w + 1', 'tlast = t']),
    parameters: [{ name: 'w_init', unit: '1', default: 3 }, { name: 'theta', unit: 'mV', default: -20 }],
    post_spike: { threshold: 'theta', statements: ['n = n + 1'] },
  });
  it('a valid block compiles (threshold from a parameter)', () => {
    const m = parseMechanism(JSON.stringify(base()), 'ok.json');
    expect(m.code).toContain('function postSpike(inst, j, tPost, ctx)');
  });
  const cases: [string, (s: Record<string, any>) => void, string, RegExp][] = [
    ['the weight in post_spike', (s) => (s.post_spike.statements = ['n = n + weight/(1 uS)']), '$.post_spike.statements[0]', /"weight" is the connection weight, which a post_spike block does not have/],
    ['a threshold depending on v', (s) => (s.post_spike.threshold = 'v + 1 mV'), '$.post_spike.threshold', /depends on v; a threshold may use parameters and globals only/],
    ['a threshold not a voltage', (s) => (s.post_spike.threshold = '3'), '$.post_spike.threshold', /"3" is dimensionless, but a threshold \(a membrane potential\) must be in mV/],
    ['missing threshold', (s) => delete s.post_spike.threshold, '$.post_spike.threshold', /missing \(required\)/],
  ];
  for (const [what, edit, path, re] of cases) {
    it(what, () => {
      const s = base() as Record<string, any>;
      edit(s);
      const e = errorOf(s);
      expect(e.path, e.message).toBe(path);
      expect(e.message).toMatch(re);
    });
  }
});
