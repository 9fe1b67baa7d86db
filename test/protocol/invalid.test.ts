/**
 * Bad protocols: each gives a UserError (the CLI exits 1) whose message names the file, the JSON
 * path and the offending value. Built from one valid protocol by single mutations.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseProtocol, buildSimulation } from '../../src/protocol/index.ts';
import { UserError } from '../../src/errors.ts';

const DIR = fileURLToPath(new URL('../../fixtures/protocols/', import.meta.url));
const FILE = join(DIR, 'test-protocol.json');

function base(): any {
  return {
    morphology: '../morphologies/ball_and_stick.swc',
    discretization: { nseg: 5 },
    biophysics: {
      cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, celsius: 6.3,
      regions: { dend: { cm_uF_per_cm2: 2 } },
      mechanisms: [
        { name: 'pas', region: 'all', params: { g: 1e-4, e: -65 } },
        { name: 'hh', region: 'soma', params: { gnabar: 0.12 } },
      ],
    },
    stimuli: [{ type: 'iclamp', at: 'soma[0](0.5)', delay_ms: 1, dur_ms: 2, amp_nA: 0.5 }],
    record: [{ label: 'soma', at: 'soma(0.5)' }, { label: 'tip', at: 'dend[0](1)' }],
    run: { tstop_ms: 5, dt_ms: 0.025, method: 'backward_euler' },
  };
}

function check(raw: unknown): void {
  const p = parseProtocol(raw, FILE);
  buildSimulation(p);
}

type Case = [string, (p: any) => void, RegExp];
const CASES: Case[] = [
  // top level
  ['not an object', (p) => Object.keys(p).forEach((k) => delete p[k]), /\$\.morphology: missing/],
  ['unknown top-level key', (p) => (p.stimulus = []), /\$\.stimulus: unknown key "stimulus" \(did you mean "stimuli"\?\)/],
  ['missing run', (p) => delete p.run, /\$\.run: missing/],
  ['morphology not a string', (p) => (p.morphology = 3), /\$\.morphology: expected an object, got 3/],
  ['missing morphology file', (p) => (p.morphology = 'nope.swc'), /\$\.morphology: cannot read the morphology file "[^"]*nope\.swc" \(ENOENT\)/],
  ['morphology scale negative', (p) => (p.morphology = { file: p.morphology, scale: -1 }), /\$\.morphology\.scale: expected a number > 0, got -1/],
  ['morphology object without file', (p) => (p.morphology = { scale: 1 }), /\$\.morphology\.file: missing/],
  // discretization
  ['two discretizations', (p) => (p.discretization = { nseg: 3, d_lambda: 0.1 }), /\$\.discretization: expected exactly one of/],
  ['nseg zero', (p) => (p.discretization = { nseg: 0 }), /\$\.discretization\.nseg: expected a number >= 1, got 0/],
  ['nseg fractional', (p) => (p.discretization = { nseg: 2.5 }), /\$\.discretization\.nseg: expected an integer, got 2\.5/],
  ['d_lambda negative', (p) => (p.discretization = { d_lambda: -0.1 }), /\$\.discretization\.d_lambda: expected a number > 0, got -0\.1/],
  ['frequency zero', (p) => (p.discretization = { d_lambda: 0.1, frequency_Hz: 0 }), /\$\.discretization\.frequency_Hz: expected a number > 0, got 0/],
  ['max length string', (p) => (p.discretization = { max_length_um: '20' }), /\$\.discretization\.max_length_um: expected a number, got the string "20" \(write it without quotes, or with a unit: "20 um"\)/],
  ['per-section nseg on unknown section', (p) => (p.discretization = { nseg: 1, sections: { 'dend[7]': 3 } }), /\$\.discretization\.sections\.dend\[7\]: no section named "dend\[7\]"/],
  ['empty discretization', (p) => (p.discretization = {}), /\$\.discretization: expected exactly one of .* got none/],
  // biophysics
  ['negative cm', (p) => (p.biophysics.cm_uF_per_cm2 = -1), /\$\.biophysics\.cm_uF_per_cm2: expected a number >= 0, got -1/],
  ['zero Ra', (p) => (p.biophysics.Ra_ohm_cm = 0), /\$\.biophysics\.Ra_ohm_cm: expected a number > 0, got 0/],
  ['v_init not a number', (p) => (p.biophysics.v_init_mV = 'rest'), /\$\.biophysics\.v_init_mV: expected a finite number.*got "rest"/],
  ['unknown biophysics key', (p) => (p.biophysics.Ra = 100), /\$\.biophysics\.Ra: unknown key "Ra"/],
  ['unknown region', (p) => (p.biophysics.regions = { apical: { cm_uF_per_cm2: 2 } }), /\$\.biophysics\.regions\.apical: unknown region "apical"/],
  ['unknown region key', (p) => (p.biophysics.regions = { dend: { cm: 2 } }), /\$\.biophysics\.regions\.dend\.cm: unknown key "cm"/],
  ['unknown mechanism', (p) => (p.biophysics.mechanisms[1].name = 'hhh'), /\$\.biophysics\.mechanisms\[1\]\.name: unknown mechanism "hhh" \(did you mean "hh"\?\)/],
  ['unknown parameter', (p) => (p.biophysics.mechanisms[1].params = { gnabar_hh: 0.1 }), /\$\.biophysics\.mechanisms\[1\]\.params\.gnabar_hh: hh has no parameter "gnabar_hh" \(did you mean "gnabar"\?\)/],
  ['parameter not a number', (p) => (p.biophysics.mechanisms[0].params.g = '1e-4'), /\$\.biophysics\.mechanisms\[0\]\.params\.g: expected a number, got the string "1e-4"/],
  ['negative conductance', (p) => (p.biophysics.mechanisms[0].params.g = -1e-4), /\$\.biophysics\.mechanisms\[0\]\.params\.g: -0\.0001 S\/cm2? is outside the allowed range/],
  ['mechanism region unknown section', (p) => (p.biophysics.mechanisms[1].region = 'soma[1]'), /\$\.biophysics\.mechanisms\[1\]\.region: no section named "soma\[1\]"/],
  ['mechanism region list with a bad entry', (p) => (p.biophysics.mechanisms[1].region = ['soma', 'axn']), /\$\.biophysics\.mechanisms\[1\]\.region\[1\]: unknown region "axn".*\(did you mean "axon"\?\)/],
  ['mechanism without name', (p) => delete p.biophysics.mechanisms[0].name, /\$\.biophysics\.mechanisms\[0\]\.name: missing/],
  ['mechanisms not an array', (p) => (p.biophysics.mechanisms = { name: 'pas' }), /\$\.biophysics\.mechanisms: expected an array/],
  ['point process as density', (p) => p.biophysics.mechanisms.push({ name: 'IClamp' }), /\$\.biophysics\.mechanisms\[2\]\.name: IClamp is a point process/],
  ['unknown global', (p) => (p.biophysics.mechanisms[1].globals = { usetabel: 1 }), /\$\.biophysics\.mechanisms\[1\]\.globals\.usetabel: hh has no global "usetabel" \(did you mean "usetable"\?\)/],
  // stimuli
  ['unknown stimulus type', (p) => (p.stimuli[0].type = 'iclam'), /\$\.stimuli\[0\]\.type: expected one of "iclamp", "ramp", .*"seclamp", got "iclam" \(did you mean "iclamp"\?\)/],
  ['stimulus unknown section', (p) => (p.stimuli[0].at = 'dend[3](0.5)'), /\$\.stimuli\[0\]\.at: no section named "dend\[3\]"/],
  ['stimulus x above 1', (p) => (p.stimuli[0].at = 'soma[0](1.5)'), /\$\.stimuli\[0\]\.at: x in "soma\[0\]\(1\.5\)" is 1\.5; expected a number in \[0, 1\]/],
  ['stimulus x negative', (p) => (p.stimuli[0].at = 'soma(-0.1)'), /\$\.stimuli\[0\]\.at: x in "soma\(-0\.1\)" is -0\.1/],
  ['stimulus location garbage', (p) => (p.stimuli[0].at = 'soma'), /\$\.stimuli\[0\]\.at: "soma" is not a location/],
  ['stimulus negative delay', (p) => (p.stimuli[0].delay_ms = -1), /\$\.stimuli\[0\]\.delay_ms: expected a number >= 0, got -1/],
  ['stimulus missing amp', (p) => delete p.stimuli[0].amp_nA, /\$\.stimuli\[0\]\.amp_nA: missing/],
  ['stimulus unknown key', (p) => (p.stimuli[0].amplitude = 1), /\$\.stimuli\[0\]\.amplitude: unknown key "amplitude"/],
  // record
  ['record unknown section', (p) => (p.record[1].at = 'apic[0](0.5)'), /\$\.record\[1\]\.at: no section named "apic\[0\]"/],
  ['record x missing', (p) => (p.record[1].at = 'dend[0]()'), /\$\.record\[1\]\.at: x in "dend\[0\]\(\)" is missing/],
  ['duplicate label', (p) => (p.record[1].label = 'soma'), /\$\.record\[1\]\.label: duplicate label "soma"/],
  ['label t_ms', (p) => (p.record[0].label = 't_ms'), /\$\.record\[0\]\.label: "t_ms" is the time column/],
  ['label with comma', (p) => (p.record[0].label = 'a,b'), /\$\.record\[0\]\.label: labels may not contain commas/],
  ['record without label', (p) => delete p.record[0].label, /\$\.record\[0\]\.label: missing/],
  ['nothing recorded', (p) => (p.record = []), /\$\.record: nothing to record/],
  // run
  ['zero dt', (p) => (p.run.dt_ms = 0), /\$\.run\.dt_ms: expected a number > 0, got 0/],
  ['negative dt', (p) => (p.run.dt_ms = -0.025), /\$\.run\.dt_ms: expected a number > 0, got -0\.025/],
  ['zero tstop', (p) => (p.run.tstop_ms = 0), /\$\.run\.tstop_ms: expected a number > 0, got 0/],
  ['negative tstop', (p) => (p.run.tstop_ms = -5), /\$\.run\.tstop_ms: expected a number > 0, got -5/],
  ['dt above tstop', (p) => (p.run.dt_ms = 10), /\$\.run\.dt_ms: dt 10 ms is longer than tstop 5 ms/],
  ['unknown method', (p) => (p.run.method = 'cnexp'), /\$\.run\.method: expected one of "backward_euler", "crank_nicolson", got "cnexp"/],
  ['method typo', (p) => (p.run.method = 'crank-nicolson'), /did you mean "crank_nicolson"/],
  ['unknown run key', (p) => (p.run.steps = 10), /\$\.run\.steps: unknown key "steps"/],
  // quantities with units
  ['current given in mV', (p) => (p.stimuli[0].amp_nA = '0.5 mV'), /\$\.stimuli\[0\]\.amp_nA: "0\.5 mV" is not a current/],
  ['unreadable quantity', (p) => (p.stimuli[0].delay_ms = '5 parsecs'), /\$\.stimuli\[0\]\.delay_ms: cannot read "5 parsecs" as a quantity/],
  ['capacitance without area', (p) => (p.biophysics.cm_uF_per_cm2 = '2 uF'), /\$\.biophysics\.cm_uF_per_cm2: "2 uF" is not a specific capacitance/],
  ['temperature in ms', (p) => (p.biophysics.celsius = '34 ms'), /\$\.biophysics\.celsius: "34 ms" is not a temperature/],
  ['resistance for resistivity', (p) => (p.biophysics.Ra_ohm_cm = '100 ohm'), /\$\.biophysics\.Ra_ohm_cm: "100 ohm" is not a resistivity/],
  ['conductance without area', (p) => (p.biophysics.mechanisms[0].params.g = '5e-5 S'), /\$\.biophysics\.mechanisms\[0\]\.params\.g: "5e-5 S" is not a conductance density/],
  ['reversal potential in nA', (p) => (p.biophysics.mechanisms[1].params.ena = '50 nA'), /\$\.biophysics\.mechanisms\[1\]\.params\.ena: "50 nA" is not a voltage/],
  ['length in ms', (p) => (p.discretization = { max_length_um: '20 ms' }), /\$\.discretization\.max_length_um: "20 ms" is not a length/],
  ['dt in mV', (p) => (p.run.dt_ms = '0.025 mV'), /\$\.run\.dt_ms: "0\.025 mV" is not a time/],
  ['quantity below the minimum after conversion', (p) => (p.run.dt_ms = '-25 us'), /\$\.run\.dt_ms: expected a number > 0, got -0\.025/],
  ['tstop infinite (null)', (p) => (p.run.tstop_ms = null), /\$\.run\.tstop_ms: expected a finite number.*got null/],
];

describe('invalid protocols are refused with the JSON path and the value', () => {
  it.each(CASES)('%s', (_name, mutate, expected) => {
    const p = base();
    mutate(p);
    let caught: unknown = null;
    try {
      check(p);
    } catch (e) {
      caught = e;
    }
    expect(caught, 'expected a UserError').toBeInstanceOf(UserError);
    const msg = (caught as Error).message;
    expect(msg).toMatch(expected);
  });
  it('the base protocol itself is valid', () => {
    expect(() => check(base())).not.toThrow();
  });
});

describe('quantities with units are converted once at load', () => {
  it('gives the same protocol as plain numbers in the field units', () => {
    const plain = base();
    const withUnits = base();
    withUnits.stimuli[0] = { type: 'iclamp', at: 'soma[0](0.5)', delay_ms: '1000 us', dur_ms: '0.002 s', amp_nA: '500 pA' };
    withUnits.biophysics.cm_uF_per_cm2 = '0.01 F/m^2';
    withUnits.biophysics.Ra_ohm_cm = '1 ohm*m';
    withUnits.biophysics.celsius = '6.3 degC';
    withUnits.biophysics.mechanisms[0].params = { g: '0.1 mS/cm^2', e: '-0.065 V' };
    withUnits.discretization = { max_length_um: '0.1 mm' };
    plain.discretization = { max_length_um: 100 };
    withUnits.run = { tstop_ms: '5 ms', dt_ms: '25 us' };
    const a = parseProtocol(plain, FILE);
    const b = parseProtocol(withUnits, FILE);
    expect(b.stimuli).toEqual(a.stimuli);
    expect(b.biophysics.cm_uF_per_cm2).toBeCloseTo(1, 12);
    expect(b.biophysics.Ra_ohm_cm).toBeCloseTo(100, 12);
    expect(b.run.dt_ms).toBeCloseTo(0.025, 15);
    const ma = buildSimulation(a).request.mechanisms![0];
    const mb = buildSimulation(b).request.mechanisms![0];
    expect(Array.from(mb.params!.g as Float64Array).every((g) => Math.abs(g - 1e-4) < 1e-18)).toBe(true);
    expect(Array.from(mb.params!.e as Float64Array).every((e) => Math.abs(e + 65) < 1e-12)).toBe(true);
    expect(ma.nodes).toEqual(mb.nodes);
  });
});
