/**
 * Bad `synapses`, `spike_sources` and `connections`: each gives a UserError (the CLI exits 1)
 * whose message names the file, the JSON path and the offending value. Built from one valid
 * protocol by single mutations; the valid one is run too.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseProtocol, buildSimulation } from '../../src/protocol/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { UserError } from '../../src/errors.ts';

const DIR = fileURLToPath(new URL('../../fixtures/protocols/', import.meta.url));
const FILE = join(DIR, 'test-protocol.json');

function base(): any {
  return {
    morphology: '../morphologies/ball_and_stick.swc',
    discretization: { nseg: 5 },
    biophysics: {
      cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, celsius: 6.3,
      mechanisms: [{ name: 'pas', region: 'all', params: { g: 1e-4, e: -65 } }, { name: 'hh', region: 'soma' }],
    },
    synapses: [
      { name: 'ampa', type: 'AMPA', at: 'dend[0](0.5)', weight_uS: 0.002 },
      { name: 'nmda', type: 'NMDA', at: 'dend[0](0.5)', params: { mg: 1, tau_d: '40 ms' } },
      { type: 'myGABA', at: 'soma(0.5)', params: { gmax: '0.5 nS' } },
    ],
    spike_sources: [
      { name: 'in', type: 'explicit', times_ms: [1, 2, 2] },
      { name: 'burst', type: 'regular', start_ms: 3, interval_ms: 1, number: 3 },
      { name: 'bg', type: 'poisson', rate_Hz: 100, start_ms: 0, seed: 7 },
    ],
    connections: [
      { source: 'in', target: 'ampa', delay_ms: 0.5 },
      { source: 'burst', target: 'nmda', weight_uS: 0.001 },
      { source: 'bg', target: 2, delay_ms: 0 },
      { source: { at: 'soma(0.5)', threshold_mV: 0, label: 'soma_spikes' }, target: 'ampa', delay_ms: 1 },
    ],
    record: [{ label: 'soma', at: 'soma(0.5)' }, { label: 'mid', at: 'dend[0](0.5)' }],
    run: { tstop_ms: 10, dt_ms: 0.025 },
  };
}

function check(raw: unknown): void {
  buildSimulation(parseProtocol(raw, FILE));
}

type Case = [string, (p: any) => void, RegExp];
const CASES: Case[] = [
  // synapses
  ['synapses not an array', (p) => (p.synapses = { type: 'AMPA' }), /\$\.synapses: expected an array/],
  ['unknown synapse key', (p) => (p.synapses[0].weight = 1), /\$\.synapses\[0\]\.weight: unknown key "weight" \(did you mean "weight_uS"\? keys carry their unit\)/],
  ['synapse without type', (p) => delete p.synapses[0].type, /\$\.synapses\[0\]\.type: missing/],
  ['synapse without location', (p) => delete p.synapses[1].at, /\$\.synapses\[1\]\.at: missing/],
  ['unknown synapse type', (p) => (p.synapses[0].type = 'AMAP'), /\$\.synapses\[0\]\.type: unknown synapse type "AMAP" \(did you mean "AMPA"\?\)/],
  ['density mechanism as synapse', (p) => (p.synapses[0].type = 'pas'), /\$\.synapses\[0\]\.type: pas is a density mechanism; it cannot receive spikes/],
  ['point process without NET_RECEIVE as synapse', (p) => (p.synapses[0].type = 'SEClamp'), /\$\.synapses\[0\]\.type: SEClamp is a point process without NET_RECEIVE/],
  ['synapse on an unknown section', (p) => (p.synapses[0].at = 'dend[4](0.5)'), /\$\.synapses\[0\]\.at: no section named "dend\[4\]"/],
  ['empty cluster', (p) => (p.synapses[0].at = []), /\$\.synapses\[0\]\.at: expected at least one location, got \[\]/],
  ['bad location in a cluster', (p) => (p.synapses[0].at = ['dend[0](0.4)', 'dend[0](0.5', 'dend[0](0.6)']), /\$\.synapses\[0\]\.at\[1\]: "dend\[0\]\(0\.5" is not a location/],
  ['synapse x out of range', (p) => (p.synapses[0].at = 'dend[0](1.2)'), /\$\.synapses\[0\]\.at: x in "dend\[0\]\(1\.2\)" is 1\.2/],
  ['synapse distance beyond the region', (p) => (p.synapses[0].at = { region: 'dend', distance_um: 5000 }), /\$\.synapses\[0\]\.at\.distance_um: 5000 um is beyond the farthest point/],
  ['unknown synapse parameter', (p) => (p.synapses[1].params = { tau_decay: 40 }), /\$\.synapses\[1\]\.params\.tau_decay: NMDA has no parameter "tau_decay"/],
  ['synapse parameter of the wrong dimension', (p) => (p.synapses[1].params = { tau_d: '40 mV' }), /\$\.synapses\[1\]\.params\.tau_d: "40 mV" is not a time/],
  ['negative Mg', (p) => (p.synapses[1].params = { mg: -1 }), /\$\.synapses\[1\]\.params\.mg: -1 mM is outside the allowed range/],
  ['negative synapse weight', (p) => (p.synapses[0].weight_uS = -0.001), /\$\.synapses\[0\]\.weight_uS: expected a number >= 0, got -0\.001/],
  ['weight on a Gidon synapse', (p) => (p.synapses[2].weight_uS = 0.001), /\$\.synapses\[2\]\.weight_uS: myGABA ignores connection weights/],
  ['duplicate synapse name', (p) => (p.synapses[1].name = 'ampa'), /\$\.synapses\[1\]\.name: duplicate synapse name "ampa"/],
  ['synapse name with a comma', (p) => (p.synapses[0].name = 'a,b'), /\$\.synapses\[0\]\.name: names may not contain commas/],
  // spike sources
  ['spike source without name', (p) => delete p.spike_sources[0].name, /\$\.spike_sources\[0\]\.name: missing \(required for a explicit source\)/],
  ['unknown spike source type', (p) => (p.spike_sources[2].type = 'poison'), /\$\.spike_sources\[2\]\.type: expected one of "explicit", "regular", "poisson", got "poison" \(did you mean "poisson"\?\)/],
  ['key of another source type', (p) => (p.spike_sources[1].rate_Hz = 10), /\$\.spike_sources\[1\]\.rate_Hz: unknown key "rate_Hz" for a regular source \(it belongs to type "poisson"\)/],
  ['decreasing explicit times', (p) => (p.spike_sources[0].times_ms = [1, 3, 2]), /\$\.spike_sources\[0\]\.times_ms\[2\]: spike times must not decrease: 2 after 3/],
  ['negative explicit time', (p) => (p.spike_sources[0].times_ms = [-1]), /\$\.spike_sources\[0\]\.times_ms\[0\]: expected a number >= 0, got -1/],
  ['explicit time of the wrong dimension', (p) => (p.spike_sources[0].times_ms = ['1 mV']), /\$\.spike_sources\[0\]\.times_ms\[0\]: "1 mV" is not a time/],
  ['poisson key without its unit', (p) => (p.spike_sources[2].rate = 10), /\$\.spike_sources\[2\]\.rate: unknown key "rate" for a poisson source \(did you mean "rate_Hz"\? keys carry their unit\)/],
  ['zero interval', (p) => (p.spike_sources[1].interval_ms = 0), /\$\.spike_sources\[1\]\.interval_ms: expected a number > 0, got 0/],
  ['fractional number of spikes', (p) => (p.spike_sources[1].number = 2.5), /\$\.spike_sources\[1\]\.number: expected an integer, got 2\.5/],
  ['negative rate', (p) => (p.spike_sources[2].rate_Hz = -5), /\$\.spike_sources\[2\]\.rate_Hz: expected a number >= 0, got -5/],
  ['rate with wrong units', (p) => (p.spike_sources[2].rate_Hz = '20 ms'), /\$\.spike_sources\[2\]\.rate_Hz: "20 ms" is not a frequency/],
  ['poisson without seed', (p) => delete p.spike_sources[2].seed, /\$\.spike_sources\[2\]\.seed: missing \(required for a poisson source\)/],
  ['seed too large', (p) => (p.spike_sources[2].seed = 2 ** 32), /\$\.spike_sources\[2\]\.seed: expected a number <= 4294967295/],
  ['poisson stop before start', (p) => Object.assign(p.spike_sources[2], { start_ms: 5, stop_ms: 2 }), /\$\.spike_sources\[2\]\.stop_ms: 2 ms is before start_ms 5 ms/],
  ['duplicate source name', (p) => (p.spike_sources[1].name = 'in'), /\$\.spike_sources\[1\]\.name: duplicate spike source name "in"/],
  ['source name equal to a record label', (p) => (p.spike_sources[1].name = 'soma'), /\$\.spike_sources\[1\]\.name: "soma" is also a record label/],
  // connections
  ['connection without target', (p) => delete p.connections[0].target, /\$\.connections\[0\]\.target: missing/],
  ['unknown connection key', (p) => (p.connections[0].delay = 1), /\$\.connections\[0\]\.delay: unknown key "delay" \(did you mean "delay_ms"\? keys carry their unit\)/],
  ['unknown source name', (p) => (p.connections[0].source = 'inn'), /\$\.connections\[0\]\.source: no spike source named "inn" \(did you mean "in"\?\)/],
  ['unknown target name', (p) => (p.connections[0].target = 'nmad'), /\$\.connections\[0\]\.target: no synapse named "nmad" \(did you mean "nmda"\?\)/],
  ['target index out of range', (p) => (p.connections[2].target = 3), /\$\.connections\[2\]\.target: synapse index 3, but there are 3 synapses/],
  ['negative delay', (p) => (p.connections[0].delay_ms = -1), /\$\.connections\[0\]\.delay_ms: expected a number >= 0, got -1/],
  ['delay of the wrong dimension', (p) => (p.connections[0].delay_ms = '1 nA'), /\$\.connections\[0\]\.delay_ms: "1 nA" is not a time/],
  ['source neither name nor object', (p) => (p.connections[0].source = 3), /\$\.connections\[0\]\.source: expected the name of a spike source or \{"at": location, "threshold_mV": number\}, got 3/],
  ['detector without location', (p) => (p.connections[3].source = { threshold_mV: 0 }), /\$\.connections\[3\]\.source\.at: missing/],
  ['detector with an unknown key', (p) => (p.connections[3].source.thresh_mV = 0), /\$\.connections\[3\]\.source\.thresh_mV: unknown key "thresh_mV" \(did you mean "threshold_mV"\?\)/],
  ['detector on an unknown section', (p) => (p.connections[3].source.at = 'axon[0](0.5)'), /\$\.connections\[3\]\.source\.at: no section named "axon\[0\]"/],
  ['detector with pick all', (p) => (p.connections[3].source.at = { region: 'dend', distance_um: 50, pick: 'all' }), /\$\.connections\[3\]\.source\.at\.pick: a record entry records one point/],
  ['no weight anywhere', (p) => delete p.connections[1].weight_uS, /\$\.connections\[1\]\.weight_uS: missing: give weight_uS here or on the synapse "nmda"/],
  ['weight to a Gidon synapse', (p) => (p.connections[2].weight_uS = 1), /\$\.connections\[2\]\.weight_uS: the target \$\.synapses\[2\] is myGABA, which ignores connection weights/],
  ['connection weight with wrong units', (p) => (p.connections[1].weight_uS = '1 nA'), /\$\.connections\[1\]\.weight_uS: "1 nA" is not a conductance/],
];

describe('invalid synapses, spike sources and connections', () => {
  it('the base protocol is valid and runs, with the events in place', () => {
    const built = buildSimulation(parseProtocol(base(), FILE));
    expect(built.synapses!.map((s) => s.type)).toEqual(['AMPA', 'NMDA', 'myGABA']);
    const ev = built.request.events!;
    expect(ev.sources!.map((s) => s.label)).toEqual(['in', 'burst', 'bg']);
    expect(ev.detectors!.map((d) => d.label)).toEqual(['soma_spikes']);
    expect(ev.connections!.length).toBe(4);
    // a cluster: one synapse per location, every one driven by the entry's connections
    const q = base();
    q.synapses[0].at = ['dend[0](0.3)', 'dend[0](0.5)', 'dend[0](0.7)'];
    const bq = buildSimulation(parseProtocol(q, FILE));
    expect(bq.synapses!.filter((s) => s.entry === 0).map((s) => s.x)).toEqual([0.3, 0.5, 0.7]);
    expect(bq.request.events!.connections!.length).toBe(8);
    // the NMDA tau_d "40 ms" was converted; the connection default delay is NEURON's 1 ms
    const res = simulate(built.request);
    expect(res.spikes!.map((s) => s.label)).toEqual(['in', 'burst', 'bg', 'soma_spikes']);
    expect(Array.from(res.spikes![0].t_ms)).toEqual([1, 2, 2]);
    expect(Array.from(res.spikes![1].t_ms)).toEqual([3, 4, 5]);
  });

  it(`has at least 20 invalid cases (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(20));

  for (const [name, mutate, expected] of CASES) {
    it(name, () => {
      const p = base();
      mutate(p);
      let err: unknown;
      try {
        check(p);
      } catch (e) {
        err = e;
      }
      expect(err, 'expected an error').toBeInstanceOf(UserError);
      const msg = (err as Error).message;
      expect(msg).toMatch(expected);
      expect(msg.startsWith(FILE)).toBe(true);
    });
  }
});
