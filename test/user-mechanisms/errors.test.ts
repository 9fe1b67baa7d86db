/**
 * Bad mechanism files: every mistake is a MechanismFileError whose message names the file, the JSON
 * path of the offending entry and the offending name, value or units.
 */
import { describe, expect, it } from 'vitest';
import { MechanismFileError, parseMechanism } from '../../src/channels/user/index.ts';
import { UserError } from '../../src/errors.ts';
import { hhSpec } from './helpers.ts';

const FILE = 'bad.json';

/** The error for a variant of hh.json changed by `edit` (or for raw text). */
function errorOf(edit: ((s: Record<string, any>) => void) | string): MechanismFileError {
  let text: string;
  if (typeof edit === 'string') {
    text = edit;
  } else {
    const spec = hhSpec();
    edit(spec);
    text = JSON.stringify(spec, null, 2);
  }
  try {
    parseMechanism(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(MechanismFileError);
    expect(e).toBeInstanceOf(UserError); // the CLI prints it as one line, no stack trace
    return e as MechanismFileError;
  }
  throw new Error('expected the mechanism file to be refused');
}

const idx = (s: Record<string, any>, key: string, name: string): number => s[key].findIndex((x: { name: string }) => x.name === name);

function expectError(e: MechanismFileError, path: string, ...fragments: (string | RegExp)[]): void {
  expect(e.path).toBe(path);
  expect(e.message.startsWith(`${FILE}: ${path}: `), e.message).toBe(true);
  for (const f of fragments) {
    if (typeof f === 'string') expect(e.message).toContain(f);
    else expect(e.message).toMatch(f);
  }
}

describe('mechanism file errors name the JSON path and the offending name or units', () => {
  it('bad JSON: line and column', () => {
    const e = errorOf('{\n  "name": "x",\n  "currents": [,]\n}');
    expectError(e, '$', 'not valid JSON', 'line 3');
  });

  it('not an object', () => {
    expectError(errorOf('[1, 2]'), '$', 'expected an object');
  });

  it('unknown key, with a suggestion', () => {
    const e = errorOf((s) => {
      s.paramters = s.parameters;
      delete s.parameters;
    });
    expectError(e, '$.paramters', 'unknown key "paramters"', 'did you mean "parameters"');
  });

  it('unknown key inside a state', () => {
    expectError(errorOf((s) => (s.states[1].taux = '1 ms')), '$.states[1].taux', 'unknown key "taux"', 'did you mean "tau"');
  });

  it('undefined name in an expression, with a suggestion', () => {
    const e = errorOf((s) => (s.assigned[idx(s, 'assigned', 'sum_m')].expr = 'alpah_m + beta_m'));
    expectError(e, '$.assigned[3].expr', 'undefined name "alpah_m"', 'did you mean "alpha_m"', 'alpah_m + beta_m');
  });

  it('a name used before it is defined', () => {
    const e = errorOf((s) => (s.assigned[1].expr = '0.1/(ms mV) * vtrap(-(v + 40 mV), 10 mV) + 0*sum_m'));
    expectError(e, '$.assigned[1].expr', '"sum_m" is defined later ($.assigned[3])');
  });

  it('tau that is not a time: names the expression and both units', () => {
    const e = errorOf((s) => (s.states[1].tau = 'q10*sum_h'));
    expectError(e, '$.states[1].tau', '"q10*sum_h" is in 1/ms', 'time constant must be in ms');
  });

  it('a dimensioned argument to exp', () => {
    const e = errorOf((s) => (s.assigned[idx(s, 'assigned', 'beta_m')].expr = '4/ms * exp(-(v + 65 mV)/18)'));
    expectError(e, '$.assigned[2].expr', 'exp() needs a dimensionless argument', 'is in mV', '4/ms * exp(-(v + 65 mV)/18)');
  });

  it('a plain number added to a voltage: suggests writing the unit', () => {
    const e = errorOf((s) => (s.assigned[idx(s, 'assigned', 'beta_m')].expr = '4/ms * exp(-(v + 65)/(18 mV))'));
    expectError(e, '$.assigned[2].expr', 'cannot add quantities of different dimensions', '"v" is in mV', 'write the unit: "65 mV"');
  });

  it('a declared unit the expression does not have', () => {
    const e = errorOf((s) => (s.assigned[idx(s, 'assigned', 'alpha_m')].unit = 'mV'));
    expectError(e, '$.assigned[1].expr', 'is in 1/ms', 'must be in mV');
  });

  it('a steady state with a unit', () => {
    const e = errorOf((s) => (s.states[0].inf = 'alpha_m'));
    expectError(e, '$.states[0].inf', '"alpha_m" is in 1/ms', 'steady state of m', 'dimensionless');
  });

  it('a current that is not a current density', () => {
    const e = errorOf((s) => (s.currents[0].expr = 'gna'));
    expectError(e, '$.currents[0].expr', '"gna" is in S/cm2', 'must be in mA/cm2');
  });

  it('duplicate state', () => {
    const e = errorOf((s) => s.states.push({ name: 'm', inf: '1', tau: '1 ms' }));
    expectError(e, '$.states[3].name', 'duplicate name "m"', '$.states[0].name');
  });

  it('a state with the name of a parameter', () => {
    const e = errorOf((s) => (s.states[2].name = 'gl'));
    expectError(e, '$.states[2].name', 'duplicate name "gl"', '$.parameters[2].name');
  });

  it('reserved names: v, an ion variable, a function', () => {
    expectError(errorOf((s) => (s.parameters[0].name = 'v')), '$.parameters[0].name', '"v" is built in');
    expectError(errorOf((s) => (s.parameters[3].name = 'ek')), '$.parameters[3].name', '"ek" is the k ion\'s reversal potential');
    expectError(errorOf((s) => (s.assigned[0].name = 'exp')), '$.assigned[0].name', '"exp" is a function');
  });

  it('missing currents', () => {
    expectError(errorOf((s) => delete s.currents), '$.currents', 'needs at least one current');
    expectError(errorOf((s) => (s.currents = [])), '$.currents', 'needs at least one current');
  });

  it('missing name', () => {
    expectError(errorOf((s) => delete s.name), '$.name', 'missing');
  });

  it('unknown function, with a suggestion', () => {
    const e = errorOf((s) => (s.assigned[idx(s, 'assigned', 'beta_m')].expr = '4/ms * expp(-(v + 65 mV)/(18 mV))'));
    expectError(e, '$.assigned[2].expr', 'unknown function "expp"', 'did you mean "exp"');
  });

  it('syntax error in an expression', () => {
    const e = errorOf((s) => (s.states[0].tau = '1/(q10*sum_m'));
    expectError(e, '$.states[0].tau', 'cannot parse "1/(q10*sum_m"');
  });

  it('an assignment instead of an expression', () => {
    const e = errorOf((s) => (s.assigned[0].expr = 'q10 = 3^((celsius - 6.3)/10)'));
    expectError(e, '$.assigned[0].expr', 'is an assignment');
  });

  it('unknown ion, and an ion current with the wrong name', () => {
    expectError(errorOf((s) => (s.currents[0].ion = 'naa')), '$.currents[0].ion', 'unknown ion "naa"', 'did you mean "na"');
    expectError(errorOf((s) => (s.currents[1].name = 'ikk')), '$.currents[1].name', 'the current of ion k is called "ik"', '"ikk"');
  });

  it('a non-specific current named like an ion current', () => {
    expectError(errorOf((s) => (s.currents[2].name = 'ina')), '$.currents[2].name', '"ina" is the na ion\'s current');
  });

  it('bad unit strings', () => {
    expectError(errorOf((s) => (s.parameters[0].unit = 'S/cm3x')), '$.parameters[0].unit', 'cannot read "S/cm3x" as a unit');
    expectError(errorOf((s) => (s.parameters[0].unit = 3)), '$.parameters[0].unit', 'expected a unit string');
    expectError(errorOf((s) => (s.parameters[3].unit = 'degC')), '$.parameters[3].unit', 'offset');
  });

  it('default outside its range, min above max', () => {
    expectError(errorOf((s) => (s.parameters[0].default = -1)), '$.parameters[0].default', 'default -1 is outside [0, 1000000000]');
    expectError(errorOf((s) => (s.parameters[0].min = 2e9)), '$.parameters[0].max', 'below min');
  });

  it('state kinetics: both forms, or only half of one', () => {
    expectError(errorOf((s) => (s.states[0].alpha = 'alpha_m')), '$.states[0]', 'either "inf" and "tau" or "alpha" and "beta"');
    expectError(errorOf((s) => delete s.states[0].tau), '$.states[0].tau', 'missing');
    expectError(errorOf((s) => (s.states[0] = { name: 'm' })), '$.states[0]', 'needs its kinetics');
  });

  it('alpha that is not a rate', () => {
    const e = errorOf((s) => (s.states[0] = { name: 'm', alpha: 'alpha_m*ms', beta: 'beta_m' }));
    expectError(e, '$.states[0].alpha', '"alpha_m*ms" is dimensionless', 'rate constant must be in 1/ms');
  });

  it('an initial value that depends on another state', () => {
    const e = errorOf((s) => (s.states[1].initial = '1 - m'));
    expectError(e, '$.states[1].initial', 'initial value of "h" depends on a state (m)');
  });

  it('a pow with a dimensioned base and a variable exponent', () => {
    const e = errorOf((s) => (s.assigned[idx(s, 'assigned', 'q10')].expr = 'v^(celsius/10) / mV^(celsius/10)'));
    expectError(e, '$.assigned[0].expr', 'exponent must be a constant');
  });

  it('a condition where a number is needed, and a comparison across dimensions', () => {
    expectError(errorOf((s) => (s.assigned[0].expr = 'celsius > 6.3')), '$.assigned[0].expr', 'is a condition');
    expectError(errorOf((s) => (s.assigned[0].expr = 'v > 6.3 ? 1 : 2')), '$.assigned[0].expr', 'cannot compare');
  });

  it('a current used in an expression', () => {
    const e = errorOf((s) => (s.assigned[idx(s, 'assigned', 'gk')].expr = 'gkbar*n*n*n*n + 0*il/mV'));
    expectError(e, '$.assigned[11].expr', '"il" is a current');
  });

  it('a rate table over rates that depend on a parameter', () => {
    const e = errorOf((s) => {
      s.parameters.push({ name: 'shift', unit: 'mV', default: 0 });
      s.assigned[idx(s, 'assigned', 'beta_m')].expr = '4/ms * exp(-(v + 65 mV + shift)/(18 mV))';
    });
    expectError(e, '$.rate_table', "m's inf depends on a parameter");
  });

  it('units_off without a unit', () => {
    expectError(errorOf((s) => (s.assigned[0].units_off = true)), '$.assigned[0].unit', 'required');
  });

  it('an ion Dendrite does not model is named as such', () => {
    const e = errorOf((s) => (s.currents[2].expr = 'gl*(v - ecl)'));
    expectError(e, '$.currents[2].expr', '"ecl" belongs to ion cl');
  });

  it('a bad kind and a bad format version', () => {
    expectError(errorOf((s) => (s.kind = 'densty')), '$.kind', 'did you mean "density"');
    expectError(errorOf((s) => (s.format = 'dendrite-mechanism/2')), '$.format', 'dendrite-mechanism/1');
  });
});
