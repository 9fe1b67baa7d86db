/**
 * The `plasticity` key (src/protocol/plasticity.ts, docs/protocol.md "Plasticity"): what is
 * refused, with the JSON path and what was expected, and what a plastic synapse looks like to the
 * rest of the protocol (its mechanism, its recordable variables, its post node).
 */
import { describe, expect, it } from 'vitest';
import { buildSimulation } from '../../src/protocol/build.ts';
import { ProtocolError } from '../../src/protocol/validate.ts';
import { UserError } from '../../src/errors.ts';
import { makePlasticSynapse, stdp } from '../../src/plasticity/index.ts';
import { ampa, myAMPA } from '../../src/channels/synapses/index.ts';
import { ballAndStick } from './cell.ts';

function build(syn: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const p = ballAndStick({
    synapses: [{ name: 's', type: 'AMPA', at: 'dend[0](0.5)', weight_uS: 0.001, train: { type: 'explicit', times_ms: [10] }, ...syn }],
    ...extra,
  }, { tstop_ms: 20 });
  return buildSimulation(p);
}

function refused(f: () => unknown, path: string, message: RegExp): void {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  // ProtocolError with the path, or (locations, checked by src/cable/regions.ts) a UserError naming it
  expect(err, `expected an error at ${path}`).toBeInstanceOf(UserError);
  if (err instanceof ProtocolError) expect(err.path).toBe(path);
  else expect((err as Error).message).toContain(`: ${path}`);
  expect((err as Error).message).toMatch(message);
}

describe('plasticity protocol key', () => {
  it('builds a plastic synapse: its own mechanism, w and rule parameters per synapse, post node', () => {
    const b = build({ at: ['dend[0](0.2)', 'dend[0](0.7)'], plasticity: { rule: 'stdp', w_max_uS: 0.002, post: 'branch', tau_plus_ms: 20, pairing: 'nearest' } });
    const use = b.request.mechanisms!.find((u) => u.name.startsWith('AMPA+'))!;
    expect(use.name).toBe('AMPA+stdp:pairing=nearest');
    expect(Array.from(use.params!.w_init as ArrayLike<number>)).toEqual([0.001, 0.001]);
    expect(Array.from(use.params!.tau_plus_ms as ArrayLike<number>)).toEqual([20, 20]);
    expect(Array.from(use.params!.w_max as ArrayLike<number>)).toEqual([0.002, 0.002]);
    // "branch": the centre node of the synapse's section (dend[0](0.5)) for both
    const centre = b.layout.sections[1].firstCentre + 5;
    expect(Array.from(use.params!.post_node as ArrayLike<number>)).toEqual([centre, centre]);
    expect(b.plastic!.map((q) => [q.synapse, q.index, q.section, q.x, q.initial_uS])).toEqual([['s', 0, 'dend[0]', 0.2, 0.001], ['s', 1, 'dend[0]', 0.7, 0.001]]);
    expect(b.request.final).toHaveLength(2);
  });

  it('several rules act on one weight: STDP and scaling together', () => {
    const b = build({ plasticity: { rules: [{ rule: 'stdp', tau_minus_ms: 30 }, { rule: 'scaling', target_rate_Hz: 3 }], w_max_uS: 0.002, post: 'soma[0](0.5)' } });
    const use = b.request.mechanisms!.find((u) => u.name.startsWith('AMPA+'))!;
    expect(use.name).toBe('AMPA+stdp+scaling');
    expect(Array.from(use.params!.tau_minus_ms as ArrayLike<number>)).toEqual([30]);
    expect(Array.from(use.params!.target_rate_Hz as ArrayLike<number>)).toEqual([3]);
    expect(Array.from(use.params!.post_node as ArrayLike<number>)).toEqual([b.layout.sections[0].firstCentre]);
  });

  it('two entries with the same type, rules and options share one mechanism; different options do not', () => {
    const p = ballAndStick({
      synapses: [
        { name: 'a', type: 'AMPA', at: 'dend[0](0.2)', weight_uS: 0.001, plasticity: { rule: 'stdp', w_max_uS: 0.002 } },
        { name: 'b', type: 'AMPA', at: 'dend[0](0.4)', weight_uS: 0.001, plasticity: { rule: 'stdp', w_max_uS: 0.003, A_plus: 0.01 } },
        { name: 'c', type: 'AMPA', at: 'dend[0](0.6)', weight_uS: 0.001, plasticity: { rule: 'stdp', w_max_uS: 0.003, weight_dependence: 'multiplicative' } },
      ],
    }, { tstop_ms: 10 });
    const names = buildSimulation(p).request.mechanisms!.map((u) => u.name).filter((n) => n.includes('+'));
    expect(names).toEqual(['AMPA+stdp', 'AMPA+stdp:weight_dependence=multiplicative']);
  });

  it('refuses bad plasticity with the JSON path and what was expected', () => {
    const P = '$.synapses[0]';
    refused(() => build({ plasticity: { rule: 'stpd', w_max_uS: 1 } }), `${P}.plasticity.rule`, /unknown plasticity rule "stpd" \(did you mean "stdp"\?\); rules: stdp/);
    refused(() => build({ plasticity: { rule: 'stdp', w_max_uS: 1, tau_plus: 3 } }), `${P}.plasticity.tau_plus`, /rule stdp has no parameter or option "tau_plus".*did you mean "tau_plus_ms"/);
    refused(() => build({ plasticity: { rule: 'stdp' } }), `${P}.plasticity.w_max_uS`, /missing: rule stdp needs an upper bound/);
    refused(() => build({ plasticity: { rule: 'stdp', w_max_uS: 1, pairing: 'closest' } }), `${P}.plasticity.pairing`, /expected one of "all_to_all", "nearest", got "closest"/);
    refused(() => build({ plasticity: { rule: 'stdp', w_max_uS: 1, A_plus: 2 } }), `${P}.plasticity.A_plus`, /2 1 is outside the allowed range \[0, 1\]/);
    refused(() => build({ plasticity: { rule: 'stdp', w_max_uS: 1, A_plus: 'big' } }), `${P}.plasticity.A_plus`, /expected one of|expected a number|finite number/);
    refused(() => build({ plasticity: { w_max_uS: 1 } }), `${P}.plasticity`, /missing "rule" \(e\.g\. "stdp"\) or "rules"/);
    refused(() => build({ plasticity: { rule: 'stdp', rules: [] } }), `${P}.plasticity`, /give "rule" \(one rule\) or "rules" \(a list\), not both/);
    refused(() => build({ plasticity: { rules: [{ rule: 'stdp', w_max_uS: 1 }] } }), `${P}.plasticity.rules[0].w_max_uS`, /applies to the whole synapse: put it next to "rules"/);
    refused(() => build({ plasticity: { rules: [{ rule: 'stdp' }], A_plus: 0.1 } }), `${P}.plasticity.A_plus`, /unknown key "A_plus" next to "rules"/);
    refused(() => build({ plasticity: { rules: [{ rule: 'stdp' }, { rule: 'stdp' }], w_max_uS: 1 } }), `${P}.plasticity.rules`, /rule "stdp" is given twice/);
    refused(() => build({ plasticity: { rule: 'stdp', w_max_uS: 1, w_min_uS: 2 } }), `${P}.plasticity.w_max_uS`, /1 uS is below w_min_uS 2 uS/);
    refused(() => build({ plasticity: { rule: 'stdp', w_max_uS: 1, post: 'dend[7](0.5)' } }), `${P}.plasticity.post`, /dend\[7\]/);
    refused(() => build({ plasticity: 'stdp' }), `${P}.plasticity`, /expected an object like \{"rule": "stdp"/);
    refused(() => build({ weight_uS: undefined, plasticity: { rule: 'stdp', w_max_uS: 1 } }), `${P}.weight_uS`, /a plastic synapse needs its initial weight/);
    refused(() => build({ type: 'myAMPA', weight_uS: undefined, plasticity: { rule: 'stdp', w_max_uS: 1 } }), `${P}.weight_uS`, /plastic synapse needs its initial weight/);
  });

  it('refuses a connection weight that differs from the plastic synapse\'s own', () => {
    const extra = {
      spike_sources: [{ name: 'src', type: 'regular', start_ms: 1, interval_ms: 5, number: 2 }],
      connections: [{ source: 'src', target: 's', weight_uS: 0.5 }],
    };
    refused(() => build({ plasticity: { rule: 'stdp', w_max_uS: 1 } }, extra), '$.connections[0].weight_uS', /is plastic: its weight lives on the synapse.*remove weight_uS here/);
  });

  it('records w and lists the plastic variables when asked for an unknown one', () => {
    const syn = { plasticity: { rule: 'stdp', w_max_uS: 1 } };
    const b = build(syn, { record: [{ label: 'w', synapse: 's', what: 'w' }] });
    expect(b.probes[0]).toMatchObject({ label: 'w', unit: 'uS', what: 'w' });
    refused(() => build(syn, { record: [{ label: 'w', synapse: 's', what: 'weight' }] }), '$.record[0].what', /AMPA with plasticity has no variable "weight".*it has: .*\bw\b.*w_init/);
  });
});

describe('makePlasticSynapse', () => {
  it('refuses what it cannot wrap', () => {
    expect(() => makePlasticSynapse(myAMPA, [{ rule: stdp }])).toThrow(/ignores event weights/);
    expect(() => makePlasticSynapse(ampa, [])).toThrow(/no rule given/);
    expect(() => makePlasticSynapse(ampa, [{ rule: stdp, options: { pairing: 'x' } }])).toThrow(/option pairing must be one of all_to_all, nearest/);
    expect(() => makePlasticSynapse(ampa, [{ rule: { ...stdp, params: [{ name: 'e', unit: 'mV', default: 0 }] } }])).toThrow(/the name "e" is used twice/);
    const m = makePlasticSynapse(ampa, [{ rule: stdp }]);
    expect(m.description.events).toEqual({ weight: 'uS', weightState: 'w', weightInit: 'w_init' });
    expect(() => makePlasticSynapse(m, [{ rule: stdp }])).toThrow(/already carries its own plastic weight/);
  });
});
