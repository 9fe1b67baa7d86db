/**
 * Bad stimuli, stimulus recordings and distance locations: each gives a UserError (the CLI exits 1)
 * whose message names the JSON path and the offending value. Built from one valid protocol that
 * uses every stimulus type, by single mutations (as invalid.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSimulation, parseProtocol } from '../../src/protocol/index.ts';
import { UserError } from '../../src/errors.ts';

const DIR = fileURLToPath(new URL('../../fixtures/protocols/', import.meta.url));
const FILE = join(DIR, 'test-stimuli.json');
const TMP = mkdtempSync(join(tmpdir(), 'dendrite-bad-csv-'));
function csv(name: string, text: string): string {
  const path = join(TMP, name);
  writeFileSync(path, text);
  return path;
}

function base(): any {
  return {
    morphology: '../morphologies/ball_and_stick.swc',
    discretization: { nseg: 5 },
    biophysics: { mechanisms: [{ name: 'pas', region: 'all', params: { g: 1e-4, e: -65 } }] },
    stimuli: [
      { type: 'iclamp', at: 'soma[0](0.5)', delay_ms: 1, dur_ms: 2, amp_nA: 0.1 },
      { type: 'ramp', at: 'dend[0](0.5)', delay_ms: 1, dur_ms: 2, amp_start_nA: 0, amp_end_nA: 0.1 },
      { type: 'sine', at: 'dend[0](0.5)', delay_ms: 0, dur_ms: 3, amp_nA: 0.1, frequency_Hz: 100, phase_deg: 90 },
      { type: 'pulse_train', at: 'soma(0.5)', delay_ms: 0, number: 3, interval_ms: 1, pulse_dur_ms: 0.5, amp_nA: 0.1 },
      { type: 'noise', at: 'soma(0.5)', delay_ms: 0, dur_ms: 3, mean_nA: 0, std_nA: 0.1, seed: 1 },
      { type: 'waveform', at: { region: 'dend', distance_um: 100 }, file: 'waveform_ball_and_stick.csv' },
      { type: 'epsp', at: { region: 'dend', distance_um: 150, pick: 'trunk' }, onset_ms: 1, tau0_ms: 0.5, tau1_ms: 5, imax_nA: 0.1 },
      { type: 'seclamp', at: 'dend[0](1)', rs_MOhm: 1, dur1_ms: 1, amp1_mV: -65, dur2_ms: 1, amp2_mV: -60 },
    ],
    record: [
      { label: 'soma', at: 'soma(0.5)' },
      { label: 'dend100', at: { region: 'dend', distance_um: 100 } },
      { label: 'I_vc', stimulus: 7 },
    ],
    run: { tstop_ms: 3, dt_ms: 0.025 },
  };
}

function check(raw: unknown): void {
  buildSimulation(parseProtocol(raw, FILE));
}

type Case = [string, (p: any) => void, RegExp];
const CASES: Case[] = [
  // type and keys
  ['stimuli not an array', (p) => (p.stimuli = { type: 'iclamp' }), /\$\.stimuli: expected an array, got \{"type":"iclamp"\}/],
  ['stimulus not an object', (p) => (p.stimuli[0] = 3), /\$\.stimuli\[0\]: expected an object, got 3/],
  ['missing type', (p) => delete p.stimuli[1].type, /\$\.stimuli\[1\]\.type: missing \(required\): one of "iclamp", "ramp"/],
  ['type not a string', (p) => (p.stimuli[1].type = 5), /\$\.stimuli\[1\]\.type: expected one of .*, got 5/],
  ['type typo', (p) => (p.stimuli[1].type = 'rampp'), /\$\.stimuli\[1\]\.type: expected one of .*got "rampp" \(did you mean "ramp"\?\)/],
  ['type with a dash', (p) => (p.stimuli[3].type = 'pulse-train'), /\$\.stimuli\[3\]\.type: .*got "pulse-train" \(did you mean "pulse_train"\?\)/],
  ['key of another type', (p) => (p.stimuli[1].amp_nA = 1), /\$\.stimuli\[1\]\.amp_nA: unknown key "amp_nA" for a ramp \(it belongs to type "iclamp", "sine", "chirp", "pulse_train"\)/],
  ['key typo', (p) => (p.stimuli[2].frequency_hz = 10), /\$\.stimuli\[2\]\.frequency_hz: unknown key "frequency_hz" for a sine \(did you mean "frequency_Hz"\?\)/],
  ['delay_ms on an epsp', (p) => (p.stimuli[6].delay_ms = 1), /\$\.stimuli\[6\]\.delay_ms: unknown key "delay_ms" for an epsp \(it belongs to type/],
  ['vc on a seclamp', (p) => (p.stimuli[7].vc = -65), /\$\.stimuli\[7\]\.vc: unknown key "vc" for a seclamp.*; allowed: type, at, rs_MOhm, dur1_ms/],
  ['missing at', (p) => delete p.stimuli[2].at, /\$\.stimuli\[2\]\.at: missing \(required for a sine\)/],
  // ramp
  ['ramp without amp_end_nA', (p) => delete p.stimuli[1].amp_end_nA, /\$\.stimuli\[1\]\.amp_end_nA: missing \(required for a ramp\)/],
  ['ramp of zero duration', (p) => (p.stimuli[1].dur_ms = 0), /\$\.stimuli\[1\]\.dur_ms: expected a number > 0, got 0/],
  ['ramp amplitude in mV', (p) => (p.stimuli[1].amp_start_nA = '1 mV'), /\$\.stimuli\[1\]\.amp_start_nA: "1 mV" is not a current/],
  ['ramp negative delay', (p) => (p.stimuli[1].delay_ms = -2), /\$\.stimuli\[1\]\.delay_ms: expected a number >= 0, got -2/],
  // sine
  ['sine negative frequency', (p) => (p.stimuli[2].frequency_Hz = -5), /\$\.stimuli\[2\]\.frequency_Hz: expected a number >= 0, got -5/],
  ['sine frequency in ms', (p) => (p.stimuli[2].frequency_Hz = '20 ms'), /\$\.stimuli\[2\]\.frequency_Hz: "20 ms" is not a frequency/],
  ['sine phase in ms', (p) => (p.stimuli[2].phase_deg = '90 ms'), /\$\.stimuli\[2\]\.phase_deg: "90 ms" is not a quantity in deg/],
  ['sine phase as a bare string', (p) => (p.stimuli[2].phase_deg = '90'), /\$\.stimuli\[2\]\.phase_deg: expected a number, got the string "90" \(write it without quotes, or with a unit: "90 deg"\)/],
  ['sine without amplitude', (p) => delete p.stimuli[2].amp_nA, /\$\.stimuli\[2\]\.amp_nA: missing \(required for a sine\)/],
  ['sine offset not finite', (p) => (p.stimuli[2].offset_nA = null), /\$\.stimuli\[2\]\.offset_nA: expected a finite number.*got null/],
  // pulse_train
  ['no pulses', (p) => (p.stimuli[3].number = 0), /\$\.stimuli\[3\]\.number: expected a number >= 1, got 0/],
  ['fractional number of pulses', (p) => (p.stimuli[3].number = 2.5), /\$\.stimuli\[3\]\.number: expected an integer, got 2\.5/],
  ['too many pulses', (p) => (p.stimuli[3].number = 1e7), /\$\.stimuli\[3\]\.number: expected a number <= 1000000, got 10000000/],
  ['zero interval', (p) => (p.stimuli[3].interval_ms = 0), /\$\.stimuli\[3\]\.interval_ms: expected a number > 0, got 0/],
  ['overlapping pulses', (p) => (p.stimuli[3].pulse_dur_ms = 1.5), /\$\.stimuli\[3\]\.pulse_dur_ms: 1\.5 ms is longer than interval_ms 1 ms; pulses may not overlap/],
  ['pulse train without number', (p) => delete p.stimuli[3].number, /\$\.stimuli\[3\]\.number: missing \(required for a pulse_train\)/],
  // noise
  ['negative seed', (p) => (p.stimuli[4].seed = -1), /\$\.stimuli\[4\]\.seed: expected a number >= 0, got -1/],
  ['fractional seed', (p) => (p.stimuli[4].seed = 1.5), /\$\.stimuli\[4\]\.seed: expected an integer, got 1\.5/],
  ['seed beyond 32 bits', (p) => (p.stimuli[4].seed = 2 ** 32), /\$\.stimuli\[4\]\.seed: expected a number <= 4294967295, got 4294967296/],
  ['seed as a string', (p) => (p.stimuli[4].seed = 'abc'), /\$\.stimuli\[4\]\.seed: expected a finite number, got "abc"/],
  ['negative SD', (p) => (p.stimuli[4].std_nA = -0.1), /\$\.stimuli\[4\]\.std_nA: expected a number >= 0, got -0\.1/],
  ['zero noise interval', (p) => (p.stimuli[4].interval_ms = 0), /\$\.stimuli\[4\]\.interval_ms: expected a number > 0, got 0/],
  ['noise without seed', (p) => delete p.stimuli[4].seed, /\$\.stimuli\[4\]\.seed: missing \(required for a noise\)/],
  ['noise table too large', (p) => Object.assign(p.stimuli[4], { dur_ms: 1e6, interval_ms: 1e-3 }), /\$\.stimuli\[4\]\.interval_ms: dur_ms\/interval_ms = 1000000000 values, more than 10000000/],
  ['noise table too large at the default interval (dt)', (p) => (p.stimuli[4].dur_ms = 1e6), /\$\.stimuli\[4\]\.interval_ms: dur_ms\/interval_ms = 40000000 values.*default: dt/],
  // waveform
  ['waveform without file', (p) => delete p.stimuli[5].file, /\$\.stimuli\[5\]\.file: missing \(required for a waveform\)/],
  ['waveform file missing', (p) => (p.stimuli[5].file = 'nope.csv'), /\$\.stimuli\[5\]\.file: cannot read the waveform file .*nope\.csv \(ENOENT\)/],
  ['waveform file not a string', (p) => (p.stimuli[5].file = 3), /\$\.stimuli\[5\]\.file: expected a non-empty string, got 3/],
  ['waveform header', (p) => (p.stimuli[5].file = csv('h.csv', 'time,current\n0,0\n1,1\n')), /\$\.stimuli\[5\]\.file: .*h\.csv line 1: the header must be "t_ms,i_nA", got "time,current"/],
  ['waveform non-numeric value', (p) => (p.stimuli[5].file = csv('n.csv', 't_ms,i_nA\n0,0\n1,abc\n')), /\$\.stimuli\[5\]\.file: .*n\.csv line 3: expected 2 finite numbers, got "1,abc"/],
  ['waveform empty field', (p) => (p.stimuli[5].file = csv('e.csv', 't_ms,i_nA\n0,0\n,1\n')), /\$\.stimuli\[5\]\.file: .*e\.csv line 3: expected 2 finite numbers, got ",1"/],
  ['waveform three columns', (p) => (p.stimuli[5].file = csv('c.csv', 't_ms,i_nA\n0,0,0\n')), /\$\.stimuli\[5\]\.file: .*c\.csv line 2: expected 2 comma-separated numbers \(t_ms,i_nA\), got "0,0,0"/],
  ['waveform time going back', (p) => (p.stimuli[5].file = csv('b.csv', 't_ms,i_nA\n0,0\n2,1\n1,1\n')), /\$\.stimuli\[5\]\.file: .*b\.csv line 4: time 1 ms comes after 2 ms; times must not decrease/],
  ['waveform with one row', (p) => (p.stimuli[5].file = csv('o.csv', 't_ms,i_nA\n0,0\n')), /\$\.stimuli\[5\]\.file: .*o\.csv: has 1 data row; a waveform needs at least 2/],
  ['waveform file empty', (p) => (p.stimuli[5].file = csv('z.csv', '\n# only a comment\n')), /\$\.stimuli\[5\]\.file: .*z\.csv: empty; expected a header "t_ms,i_nA"/],
  ['waveform delay in nA', (p) => (p.stimuli[5].delay_ms = '1 nA'), /\$\.stimuli\[5\]\.delay_ms: "1 nA" is not a time/],
  // epsp
  ['epsp rise slower than decay', (p) => Object.assign(p.stimuli[6], { tau0_ms: 5, tau1_ms: 0.5 }), /\$\.stimuli\[6\]\.tau0_ms: the rise time constant \(5 ms\) must be shorter than tau1_ms \(0\.5 ms\)/],
  ['epsp equal time constants', (p) => (p.stimuli[6].tau0_ms = 5), /\$\.stimuli\[6\]\.tau0_ms: the rise time constant \(5 ms\) must be shorter than tau1_ms \(5 ms\)/],
  ['epsp zero decay', (p) => (p.stimuli[6].tau1_ms = 0), /\$\.stimuli\[6\]\.tau1_ms: expected a number > 0, got 0/],
  ['epsp without imax', (p) => delete p.stimuli[6].imax_nA, /\$\.stimuli\[6\]\.imax_nA: missing \(required for an epsp\)/],
  ['epsp negative onset', (p) => (p.stimuli[6].onset_ms = -1), /\$\.stimuli\[6\]\.onset_ms: expected a number >= 0, got -1/],
  // seclamp
  ['seclamp zero rs', (p) => (p.stimuli[7].rs_MOhm = 0), /\$\.stimuli\[7\]\.rs_MOhm: expected a number >= 1e-9, got 0/],
  ['seclamp rs in mV', (p) => (p.stimuli[7].rs_MOhm = '1 mV'), /\$\.stimuli\[7\]\.rs_MOhm: "1 mV" is not a resistance \(expected something convertible to Mohm\)/],
  ['seclamp without dur1', (p) => delete p.stimuli[7].dur1_ms, /\$\.stimuli\[7\]\.dur1_ms: missing \(required for a seclamp\)/],
  ['seclamp never on', (p) => Object.assign(p.stimuli[7], { dur1_ms: 0, dur2_ms: 0 }), /\$\.stimuli\[7\]\.dur1_ms: dur1_ms \+ dur2_ms \+ dur3_ms is 0: the clamp would never be on/],
  ['seclamp negative dur2', (p) => (p.stimuli[7].dur2_ms = -1), /\$\.stimuli\[7\]\.dur2_ms: expected a number >= 0, got -1/],
  ['seclamp rs written with a unit is converted, a wrong one refused', (p) => (p.stimuli[7].rs_MOhm = '10 kohm/s'), /\$\.stimuli\[7\]\.rs_MOhm: "10 kohm\/s" is not a resistance \(expected something convertible to Mohm\)/],
  ['seclamp level in nA', (p) => (p.stimuli[7].amp1_mV = '-65 nA'), /\$\.stimuli\[7\]\.amp1_mV: "-65 nA" is not a voltage/],
  // locations by distance
  ['location not a string or object', (p) => (p.stimuli[0].at = 5), /\$\.stimuli\[0\]\.at: expected a location like "soma\[0\]\(0\.5\)" or \{"region": "apic", "distance_um": 300\}, got 5/],
  ['location as an array', (p) => (p.stimuli[0].at = ['soma(0.5)']), /\$\.stimuli\[0\]\.at: expected a location .*got \["soma\(0\.5\)"\]/],
  ['distance missing', (p) => (p.stimuli[0].at = { region: 'dend' }), /\$\.stimuli\[0\]\.at\.distance_um: missing/],
  ['region missing', (p) => (p.stimuli[0].at = { distance_um: 10 }), /\$\.stimuli\[0\]\.at\.region: missing/],
  ['distance key typo', (p) => (p.stimuli[0].at = { region: 'dend', distanc_um: 10 }), /\$\.stimuli\[0\]\.at\.distanc_um: unknown key "distanc_um" \(did you mean "distance_um"\?\)/],
  ['distance negative', (p) => (p.stimuli[0].at = { region: 'dend', distance_um: -5 }), /\$\.stimuli\[0\]\.at\.distance_um: expected a number >= 0, got -5/],
  ['distance in mV', (p) => (p.stimuli[0].at = { region: 'dend', distance_um: '5 mV' }), /\$\.stimuli\[0\]\.at\.distance_um: "5 mV" is not a length/],
  ['distance beyond the region', (p) => (p.stimuli[6].at.distance_um = 500), /\$\.stimuli\[6\]\.at\.distance_um: 500 um is beyond the farthest point of dend, 200 um from soma\[0\]\(0\.5\)/],
  ['distance nearer than the region', (p) => (p.stimuli[0].at = { region: 'soma', distance_um: 100, origin: 'dend[0](1)' }), /\$\.stimuli\[0\]\.at\.distance_um: 100 um is nearer than the closest point of soma, 200 um from dend\[0\]\(1\)/],
  ['pick unknown', (p) => (p.stimuli[6].at.pick = 'thickest'), /\$\.stimuli\[6\]\.at\.pick: expected one of "trunk", "all", got "thickest"/],
  ['region unknown', (p) => (p.stimuli[6].at.region = 'dends'), /\$\.stimuli\[6\]\.at\.region: unknown region "dends".*\(did you mean "dend"\?\)/],
  ['region absent on this cell', (p) => (p.stimuli[6].at.region = 'apic'), /\$\.stimuli\[6\]\.at\.region: region "apic" matches no section of this cell; it has "soma", "dend"/],
  ['region list empty', (p) => (p.stimuli[6].at.region = []), /\$\.stimuli\[6\]\.at\.region: expected at least one region, got \[\]/],
  ['region list with a bad entry', (p) => (p.stimuli[6].at.region = ['dend', 7]), /\$\.stimuli\[6\]\.at\.region\[1\]: expected a non-empty string, got 7/],
  ['origin unknown section', (p) => (p.stimuli[6].at.origin = 'soma[3](0.5)'), /\$\.stimuli\[6\]\.at\.origin: no section named "soma\[3\]"/],
  ['origin not a location', (p) => (p.stimuli[6].at.origin = 'soma'), /\$\.stimuli\[6\]\.at\.origin: "soma" is not a location/],
  // recording stimuli and recording by distance
  ['record with at and stimulus', (p) => (p.record[0].stimulus = 0), /\$\.record\[0\]\.stimulus: give one of "at" \(record at a location\), "stimulus" \(its current\) or "synapse" \(its variable\), not "at" and "stimulus"/],
  ['record with neither at nor stimulus', (p) => delete p.record[2].stimulus, /\$\.record\[2\]\.at: missing \(required\): "at" .*, "stimulus" .* or "synapse"/],
  ['record stimulus out of range', (p) => (p.record[2].stimulus = 9), /\$\.record\[2\]\.stimulus: there are 8 stimuli \(indices from 0\), got 9/],
  ['record stimulus negative', (p) => (p.record[2].stimulus = -1), /\$\.record\[2\]\.stimulus: expected a number >= 0, got -1/],
  ['record stimulus fractional', (p) => (p.record[2].stimulus = 1.5), /\$\.record\[2\]\.stimulus: expected an integer, got 1\.5/],
  ['record stimulus as a label', (p) => (p.record[2].stimulus = 'seclamp'), /\$\.record\[2\]\.stimulus: expected a finite number, got "seclamp"/],
  ['record stimulus without stimuli', (p) => (p.stimuli = []), /\$\.record\[2\]\.stimulus: there are 0 stimuli \(indices from 0\), got 7/],
  ['record a stimulus placed at several sites', (p) => {
    p.stimuli[0].at = { region: 'all', distance_um: 5, pick: 'all' };
    p.record[2].stimulus = 0;
  }, /\$\.record\[2\]\.stimulus: stimulus 0 was placed at 3 sites \(pick "all"\); a current record needs a stimulus at one site/],
  ['record pick unknown', (p) => (p.record[1].at.pick = 'every'), /\$\.record\[1\]\.at\.pick: .*"trunk".*"all"/],
  ['record distance beyond', (p) => (p.record[1].at.distance_um = 900), /\$\.record\[1\]\.at\.distance_um: 900 um is beyond the farthest point of dend, 200 um/],
  ['record unknown key in at', (p) => (p.record[1].at.label = 'x'), /\$\.record\[1\]\.at\.label: unknown key "label"/],
];

describe('invalid stimuli, stimulus records and distance locations are refused with the JSON path and the value', () => {
  it('has enough cases', () => expect(CASES.length).toBeGreaterThanOrEqual(45));
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
    expect((caught as Error).message).toMatch(expected);
  });
  it('the base protocol itself is valid and places every stimulus', () => {
    const built = buildSimulation(parseProtocol(base(), FILE));
    expect(built.stimuli.map((s) => s.type)).toEqual(['iclamp', 'ramp', 'sine', 'pulse_train', 'noise', 'waveform', 'epsp', 'seclamp']);
    expect(built.probes.map((q) => q.unit)).toEqual(['mV', 'mV', 'nA']);
  });
  it('pick "all" places one stimulus per crossing', () => {
    const p = base();
    p.stimuli[0].at = { region: 'all', distance_um: 5, pick: 'all' };
    const built = buildSimulation(parseProtocol(p, FILE));
    const sites = built.stimuli.filter((s) => s.entry === 0);
    expect(sites.map((s) => `${built.morphology.sections[s.section].name}`)).toEqual(['soma[0]', 'soma[0]', 'dend[0]']);
    expect(built.request.stimuli!.length).toBe(3);
  });
});

describe('stimulus quantities with units', () => {
  it('converts rs, phase and durations written with units', () => {
    const p = base();
    p.stimuli[7].rs_MOhm = '500 kohm';
    p.stimuli[2].phase_deg = '1.5707963267948966 rad';
    p.stimuli[1].dur_ms = '2000 us';
    const q = parseProtocol(p, FILE);
    expect((q.stimuli[7] as { rs_MOhm: number }).rs_MOhm).toBe(0.5);
    expect((q.stimuli[2] as { phase_deg: number }).phase_deg).toBeCloseTo(90, 12);
    expect((q.stimuli[1] as { dur_ms: number }).dur_ms).toBe(2);
  });
});
