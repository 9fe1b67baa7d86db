/**
 * fixtures/mechanisms/hh.json (NEURON's hh.mod as a mechanism file) against the built-in hh and
 * against NEURON 8.2's own traces; fixtures/mechanisms/pas.json against pas.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms, createCatalogue } from '../../src/channels/catalogue.ts';
import { loadMechanismFile } from '../../src/channels/user/index.ts';
import { parseProtocol, runProtocol } from '../../src/protocol/index.ts';
import type { Method } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { upwardCrossings } from '../validation/rallpack-models.ts';
import { HH_JSON, NEURON_CASES, PAS_JSON, maxDiff, readCsv } from './helpers.ts';

const hhUser = loadMechanismFile(HH_JSON);
const catalogue = createCatalogue([...builtinMechanisms(), hhUser]);

describe('hh.json: single compartment with a current step, against the built-in hh', () => {
  const layout = buildLayout([
    { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
  ]);
  const soma = nodeAt(layout.sections[0], 0.5);
  const run = (name: string, method: Method, usetable: number, celsius: number) =>
    simulate({
      layout,
      catalogue,
      mechanisms: [{ name, nodes: [soma], globals: { usetable } }],
      stimuli: [{ node: soma, del_ms: 5, dur_ms: 40, amp_nA: 0.3 }],
      record: [
        soma,
        { mechanism: 0, variable: 'm', instance: 0 },
        { mechanism: 0, variable: 'h', instance: 0 },
        { mechanism: 0, variable: 'n', instance: 0 },
        { mechanism: 0, variable: 'ina', instance: 0 },
        { mechanism: 0, variable: 'gk', instance: 0 },
        { ion: 'na', variable: 'i', node: soma },
      ],
      dt_ms: 0.025,
      tstop_ms: 60,
      method,
      celsius,
    });

  for (const method of ['backward_euler', 'crank_nicolson'] as const) {
    for (const usetable of [0, 1]) {
      for (const celsius of [6.3, 16.3]) {
        it(`${method}, usetable ${usetable}, ${celsius} °C: max |ΔV| <= 1e-9 mV, gates and currents too`, () => {
          const a = run('hh', method, usetable, celsius);
          const b = run('hh_user', method, usetable, celsius);
          // a real spike train, not a trivially equal rest
          expect(upwardCrossings(a.t_ms, a.traces[0], 0).length).toBeGreaterThanOrEqual(3);
          const sa = upwardCrossings(a.t_ms, a.traces[0], 0);
          const sb = upwardCrossings(b.t_ms, b.traces[0], 0);
          expect(sb.length).toBe(sa.length);
          expect(maxDiff([sb], [sa])).toBeLessThan(1e-9);
          expect(maxDiff([b.traces[0]], [a.traces[0]])).toBeLessThanOrEqual(1e-9);
          expect(maxDiff(b.traces.slice(1, 4), a.traces.slice(1, 4))).toBeLessThanOrEqual(1e-11);
          expect(maxDiff(b.traces.slice(4), a.traces.slice(4))).toBeLessThanOrEqual(1e-9);
        });
      }
    }
  }

  it('rests where the built-in hh rests (NEURON: −64.97405245162669 mV after 200 ms)', () => {
    const res = simulate({
      layout, catalogue, mechanisms: [{ name: 'hh_user', nodes: [soma] }], record: [soma], dt_ms: 0.025, tstop_ms: 200,
    });
    expect(Math.abs(res.traces[0][res.traces[0].length - 1] - -64.97405245162669)).toBeLessThan(1e-9);
  });
});

/** A NEURON reference protocol with hh → hh_user and pas → pas_user, loaded through mechanism_files. */
function userVariant(caseName: string, files: string[]): { raw: Record<string, any>; file: string } {
  const file = join(NEURON_CASES, `${caseName}.json`);
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  raw.mechanism_files = files;
  for (const m of raw.biophysics.mechanisms) m.name = m.name === 'hh' ? 'hh_user' : m.name === 'pas' ? 'pas_user' : m.name;
  return { raw, file };
}

describe('through protocols: ball-and-stick and whole cells, against the built-ins and NEURON 8.2', () => {
  const cases: [string, number][] = [
    ['bs_hh_soma_maxlen20_be', 1e-10],
    ['bs_hh_soma_maxlen20_cn', 1e-10],
    ['bs_passive_nseg5_be', 1e-10],
    ['bs_passive_nseg5_cn', 1e-10],
    ['n120_hh_all_be', 1e-10],
    ['c91662_hh_soma_axon_cn', 1e-10],
  ];
  for (const [name, tolNeuron] of cases) {
    it(`${name}: user mechanisms within 1e-9 mV of the built-ins and ${tolNeuron} mV of NEURON`, () => {
      const ref = readCsv(join(NEURON_CASES, `${name}.csv`));
      const builtin = runProtocol(parseProtocol(JSON.parse(readFileSync(join(NEURON_CASES, `${name}.json`), 'utf8')), join(NEURON_CASES, `${name}.json`)));
      // paths in mechanism_files are relative to the protocol file
      const { raw, file } = userVariant(name, ['../../../mechanisms/hh.json', '../../../mechanisms/pas.json']);
      const user = runProtocol(parseProtocol(raw, file));
      expect(user.built.request.mechanisms!.map((m) => m.name).sort()).toEqual(
        builtin.built.request.mechanisms!.map((m) => m.name.replace(/^(hh|pas)$/, '$1_user')).sort(),
      );
      expect(user.result.t_ms).toEqual(builtin.result.t_ms);
      expect(maxDiff(user.result.traces, builtin.result.traces)).toBeLessThanOrEqual(1e-9);
      expect(maxDiff(user.result.traces, ref.cols.slice(1))).toBeLessThanOrEqual(tolNeuron);
    });
  }

  it('pas.json compiles to the same arithmetic as pas: bitwise on a passive cable', () => {
    const pasUser = loadMechanismFile(PAS_JSON);
    const cat = createCatalogue([...builtinMechanisms(), pasUser]);
    const layout = buildLayout([
      { name: 'cable', type: 3, parentSection: -1, parentX: 0, nseg: 9, cm_uF_per_cm2: 1, ...cylinderSegments(500, 2, 9, 100) },
    ]);
    const sec = layout.sections[0];
    const nodes = Array.from({ length: 9 }, (_, j) => sec.firstCentre + j);
    const run = (name: string) => simulate({
      layout, catalogue: cat, mechanisms: [{ name, nodes, params: { g: 2e-4, e: -70 } }],
      stimuli: [{ node: nodeAt(sec, 0.1), del_ms: 1, dur_ms: 5, amp_nA: 0.2 }],
      record: [nodeAt(sec, 0.1), nodeAt(sec, 0.9), nodeAt(sec, 1)], dt_ms: 0.025, tstop_ms: 10, v_init_mV: -70,
    });
    const a = run('pas');
    const b = run('pas_user');
    expect(Math.max(...a.traces[0])).toBeGreaterThan(-60);
    expect(maxDiff(b.traces, a.traces)).toBeLessThanOrEqual(1e-12);
  });
});
