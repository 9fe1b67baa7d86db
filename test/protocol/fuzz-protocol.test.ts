/**
 * Property test over mutated protocol files: mutants of every bundled example protocol
 * (fixtures/protocols/*.json; fuzz-mutate.ts says how they are made) are checked and built
 * (parseProtocol + buildSimulation, no simulation), and the small ones are also run. Every mutant
 * gives a result or a clean error: a UserError whose message names the protocol file (and, for a
 * ProtocolError, the JSON path), or names the SWC file for a broken morphology. Never another
 * exception (a stack trace in the CLI), never a hang, and never a silent accept of a mutant that is
 * certainly invalid (a prototype key, a value nested 5000 deep, "NaN" for a number, a renamed key,
 * a look-alike letter in a region or location, a description that is not a string).
 *
 * The per-mutant time limit is a hang guard (a protocol with tstop 1e308 once looped forever in
 * checking), far above what any mutant takes; speed itself is measured by the benchmarks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { convertQuantity } from '../../src/protocol/units.ts';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSimulation, parseProtocol, runProtocol, type Protocol } from '../../src/protocol/index.ts';
import { loadProtocolMorphology, protocolCatalogue } from '../../src/protocol/build.ts';
import { ProtocolError } from '../../src/protocol/validate.ts';
import { UserError } from '../../src/errors.ts';
import { InstabilityError, SimulationSpecError } from '../../src/solvers/index.ts';
import type { Morphology } from '../../src/morphology/index.ts';
import type { Catalogue } from '../../src/channels/catalogue.ts';
import { mutate, mutationsArb, type Json } from './fuzz-mutate.ts';

const DIR = fileURLToPath(new URL('../../fixtures/protocols/', import.meta.url));
const examples = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
  .map((f) => ({ file: join(DIR, f), raw: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Json }));

/** Hang guard per mutant (checking, building and, for small ones, running). */
const LIMIT_MS = 10_000;
/** Mutants whose steps × compartments is at most this are simulated too. */
const SIMULATE_BELOW = 200_000;

// Loading a cell and the catalogue is the slow part of a build and does not depend on most
// mutations: keep them by their inputs.
const morphologies = new Map<string, Morphology>();
const catalogues = new Map<string, Catalogue>();
function cachedMorphology(p: Protocol): Morphology {
  const key = JSON.stringify([p.morphology, p.morphologyOptions]);
  let m = morphologies.get(key);
  if (!m) morphologies.set(key, (m = loadProtocolMorphology(p)));
  return m;
}
function cachedCatalogue(p: Protocol): Catalogue {
  const key = JSON.stringify(p.mechanism_files ?? []);
  let c = catalogues.get(key);
  if (!c) catalogues.set(key, (c = protocolCatalogue(p)));
  return c;
}

type Outcome = { ok: true; simulated: boolean } | { ok: false; error: unknown };

function check(file: string, raw: Json): Outcome {
  try {
    const p = parseProtocol(raw, file);
    const built = buildSimulation(p, cachedMorphology(p), cachedCatalogue(p));
    const steps = p.run.tstop_ms / p.run.dt_ms;
    if (steps * built.layout.nNodes > SIMULATE_BELOW) return { ok: true, simulated: false };
    runProtocol(p);
    return { ok: true, simulated: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Why an error is not a clean one, or null. */
function uncleanError(file: string, e: unknown): string | null {
  if (e instanceof InstabilityError || e instanceof SimulationSpecError) return null; // a run that blew up: reported cleanly by the CLI
  if (!(e instanceof UserError)) return `not a UserError: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`;
  const msg = e.message;
  if (!msg.includes(file) && !/\.(swc|csv|json)\b/.test(msg)) return `does not name the file: ${msg}`;
  if (e instanceof ProtocolError && !/\$/.test(msg)) return `no JSON path: ${msg}`;
  if (/\[object Object\]|got undefined|: undefined\b/.test(msg)) return `unreadable message: ${msg}`;
  return null;
}

describe('mutated example protocols give a result or a clean error', () => {
  // mathjs takes seconds to load on a busy machine: load it before any mutant is timed
  beforeAll(() => {
    convertQuantity('1 nA', 'nA');
  }, 120_000);
  it('has the example protocols', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });
  const tally = { mutants: 0, refused: 0, built: 0, simulated: 0 };
  for (const { file, raw } of examples) {
    // the small cells are cheap to build: more runs there
    const runs = /ball_and_stick/.test(file) ? 80 : 36;
    it(`${file.slice(DIR.length)} (${runs} mutants)`, () => {
      const seed = [...file.slice(DIR.length)].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, 7);
      fc.assert(
        fc.property(mutationsArb, (mutations) => {
          const m = mutate(raw, mutations);
          const t0 = performance.now();
          const r = check(file, m.value);
          const ms = performance.now() - t0;
          tally.mutants++;
          const label = m.what.join('; ');
          expect(ms, `took ${ms.toFixed(0)} ms: ${label}`).toBeLessThan(LIMIT_MS);
          if (r.ok) {
            tally.built++;
            if (r.simulated) tally.simulated++;
            expect(m.invalid, `accepted an invalid mutant: ${label}`).toBe(false);
          } else {
            tally.refused++;
            expect(uncleanError(file, r.error), label).toBe(null);
          }
        }),
        { seed, numRuns: runs, endOnFailure: true },
      );
    }, 120_000);
  }
  it('ran enough mutants', () => {
    console.log(`protocol fuzz: ${tally.mutants} mutants, ${tally.refused} refused cleanly, ${tally.built} built (${tally.simulated} also run)`);
    expect(tally.mutants).toBeGreaterThanOrEqual(500);
  });
});

/** The cases found by an earlier fuzzing campaign, each with the error it must give now. */
describe('fuzzer findings stay fixed', () => {
  const ca1 = examples.find((e) => e.file.endsWith('ca1_hh_soma.json'))!;
  const bs = examples.find((e) => e.file.endsWith('ramp_ball_and_stick.json'))!;
  const syn = examples.find((e) => e.file.endsWith('syn_dendritic_na_spike_l23.json'))!;
  const edit = (raw: Json, f: (p: any) => void): Json => {
    const c = structuredClone(raw) as any;
    f(c);
    return c;
  };
  const cases: [string, Json, string, RegExp][] = [
    ['a value nested 5000 deep', edit(bs.raw, (p) => {
      let v: unknown = 1;
      for (let i = 0; i < 5000; i++) v = [v];
      p.record[0].label = v;
    }), bs.file, /\$\.record\[0\]\.label(\[0\])+: nested more than 32 levels deep/],
    ['d_lambda 1e-308', edit(ca1.raw, (p) => (p.discretization = { d_lambda: 1e-308 })), ca1.file, /\$\.discretization\.d_lambda: d_lambda = 1e-308 .* gives section soma\[0\] nseg = .*; NEURON allows 1\.\.32767/],
    ['frequency_Hz 1e308', edit(ca1.raw, (p) => (p.discretization = { d_lambda: 0.1, frequency_Hz: 1e308 })), ca1.file, /\$\.discretization\.frequency_Hz: expected a number <= 1000000, got 1e\+308/],
    ['Ra 5e-324', edit(bs.raw, (p) => (p.biophysics.Ra_ohm_cm = 5e-324)), bs.file, /\$\.biophysics\.Ra_ohm_cm: section soma\[0\] .*axial resistance is zero/],
    ['region Ra 1e308', edit(bs.raw, (p) => (p.biophysics.regions = { dend: { Ra_ohm_cm: 1e308 } })), bs.file, /\$\.biophysics\.regions\.dend\.Ra_ohm_cm: |\$\.discretization/],
    ['tstop 1e9', edit(bs.raw, (p) => (p.run.tstop_ms = 1e9)), bs.file, /\$\.run\.tstop_ms: tstop 1000000000 ms at dt 0\.025 ms is 40000000000 steps; at most 10000000 steps/],
    ['tstop 1e308', edit(bs.raw, (p) => (p.run.tstop_ms = 1e308)), bs.file, /\$\.run\.tstop_ms: tstop 1e\+308 ms at dt 0\.025 ms is more than 1e308 steps; at most 10000000 steps/],
    ['dt 1e-300', edit(bs.raw, (p) => (p.run.dt_ms = 1e-300)), bs.file, /\$\.run\.dt_ms: tstop 200 ms at dt 1e-300 ms is 2e\+302 steps/],
    ['sine frequency 1e308', edit(bs.raw, (p) => (p.stimuli[0] = { type: 'sine', at: 'soma[0](0.5)', delay_ms: 0, dur_ms: 10, amp_nA: 0.1, frequency_Hz: 1e308 })), bs.file, /\$\.stimuli\[0\]\.frequency_Hz: expected a number <= 1000000, got 1e\+308/],
    ['Poisson rate 1e308', edit(syn.raw, (p) => (p.spike_sources[0] = { name: p.spike_sources[0].name, type: 'poisson', start_ms: 0, rate_Hz: 1e308, seed: 1 })), syn.file, /\$\.spike_sources\[0\]\.rate_Hz: 1e\+308 Hz from 0 ms to the end of the run is about more than 1e308 spikes/],
    ['Ra too small to invert', edit(bs.raw, (p) => (p.biophysics.Ra_ohm_cm = 1e-320)), bs.file, /\$\.biophysics\.Ra_ohm_cm: .*axial resistance is too small to invert/],
    ['distance_origin axon[99999](1), unused', edit(ca1.raw, (p) => (p.biophysics.distance_origin = 'axon[99999](1)')), ca1.file, /\$\.biophysics\.distance_origin: no section named "axon\[99999\]" in this morphology; it has axon\[0\]/],
    ['distance_origin dend[-1](0.5)', edit(ca1.raw, (p) => (p.biophysics.distance_origin = 'dend[-1](0.5)')), ca1.file, /\$\.biophysics\.distance_origin: "dend\[-1\]\(0\.5\)" has the section index -1; indices count from 0/],
    ['distance_origin with a Cyrillic о', edit(ca1.raw, (p) => (p.biophysics.distance_origin = 'sоma[0](0.5)')), ca1.file, /\$\.biophysics\.distance_origin: .* contains "о", U\+043E, at character 1; section and region names are ASCII/],
    ['__proto__ in params', edit(bs.raw, (p) => Object.defineProperty(p.biophysics.mechanisms[0].params, '__proto__', { value: { g: 1 }, enumerable: true })), bs.file, /\$\.biophysics\.mechanisms\[0\]\.params\.__proto__: the key "__proto__" is not allowed/],
    ['constructor as a region', edit(bs.raw, (p) => (p.biophysics.regions = { constructor: { cm_uF_per_cm2: 2 } })), bs.file, /\$\.biophysics\.regions\.constructor: the key "constructor" is not allowed/],
    ['description not a string', edit(bs.raw, (p) => (p.description = 42)), bs.file, /\$\.description: expected a string, got 42/],
    ['tiny replace_axon.diam_um', edit(ca1.raw, (p) => (p.morphology = { file: p.morphology, replace_axon: { sections: 1, length_um: 30, diam_um: 1e-300 } })), ca1.file, /\$\.morphology\.replace_axon\.diam_um: /],
    ['mechanism in a region the cell lacks', edit(bs.raw, (p) => p.biophysics.mechanisms.push({ name: 'hh', region: 'axon' })), bs.file, /\$\.biophysics\.mechanisms\[\d+\]\.region: region "axon" matches no section of this cell; it has "soma", "dend"/],
    ['region override on a region the cell lacks', edit(bs.raw, (p) => (p.biophysics.regions = { apic: { cm_uF_per_cm2: 2 } })), bs.file, /\$\.biophysics\.regions\.apic: region "apic" matches no section of this cell/],
  ];
  for (const [name, raw, file, expected] of cases) {
    it(name, () => {
      const r = check(file, raw);
      expect(r.ok, name).toBe(false);
      const e = (r as { error: Error }).error;
      expect(uncleanError(file, e)).toBe(null);
      expect(e.message).toContain(file);
      expect(e.message).toMatch(expected);
    });
  }
});
