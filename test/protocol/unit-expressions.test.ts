/**
 * Quantities written as arithmetic of numbers and units (docs/protocol.md, Units): a leak given as
 * a specific membrane resistance, `"g": "1/(10000 ohm cm^2)"`, is 1e-4 S/cm² and runs exactly as
 * the number does; malformed or mis-dimensioned expressions are errors that say what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSimulation, parseProtocol, runProtocol } from '../../src/protocol/index.ts';
import { convertQuantity, UnitError } from '../../src/protocol/units.ts';
import { ProtocolError } from '../../src/protocol/validate.ts';

const FILE = fileURLToPath(new URL('../../fixtures/protocols/ramp_ball_and_stick.json', import.meta.url));
const base = JSON.parse(readFileSync(FILE, 'utf8'));

function withLeak(g: unknown) {
  const p = structuredClone(base);
  p.biophysics.mechanisms[0].params.g = g;
  p.run.tstop_ms = 40;
  return parseProtocol(p, FILE);
}

describe('unit expressions in parameters', () => {
  it('"1/(10000 ohm cm^2)" is 1e-4 S/cm2 and gives the same run as the number 1e-4', () => {
    expect(convertQuantity('1/(20000 ohm cm^2)', 'S/cm^2')).toBe(5e-5);
    expect(convertQuantity('2 * 0.25 nA', 'nA')).toBe(0.5);
    expect(convertQuantity('(1 mV - 3 mV) / 2', 'mV')).toBe(-1);
    const built = buildSimulation(withLeak('1/(10000 ohm cm^2)'));
    expect(Array.from(built.request.mechanisms![0].params!.g as Float64Array).every((x) => x === 1e-4)).toBe(true);
    const a = runProtocol(withLeak('1/(10000 ohm cm^2)')).result.traces[1];
    const b = runProtocol(withLeak(1e-4)).result.traces[1];
    expect(a).toEqual(b);
    // and the soma did depolarise (the run is not trivially equal)
    expect(Math.max(...a)).toBeGreaterThan(-65 + 0.5);
  }, 60_000); // the first use of mathjs loads it: seconds on a busy machine

  it.each([
    ['1/(20000 ohm cm^)', /cannot read "1\/\(20000 ohm cm\^\)" as a quantity .* or as an expression of numbers and units \(Value expected/],
    ['20000 ohm cm^2', /"20000 ohm cm\^2" is not a conductance density \(expected something convertible to S\/cm\^2\); its inverse is: write "1\/\(20000 ohm cm\^2\)"/],
    // a name that is not a unit makes it a density expression (densities.ts), which says so
    ['1/(20000 foo cm^2)', /unknown name "foo" in "1\/\(20000 foo cm\^2\)"/],
    ['sqrt(4) S/cm^2', /functions are not allowed in a quantity/],
    ['1/(0 ohm cm^2)', /is not finite/],
    ['1/(2 ohm cm^2) + 3', /cannot evaluate/],
  ])('%s is refused with the reason', (g, expected) => {
    let caught: unknown = null;
    try {
      buildSimulation(withLeak(g));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as Error).message).toContain(`${FILE}: $.biophysics.mechanisms[0].params.g: `);
    expect((caught as Error).message).toMatch(expected);
  });

  it('refuses quantities too long or too deeply bracketed to parse safely', () => {
    expect(() => convertQuantity('('.repeat(5000) + '1 nA' + ')'.repeat(5000), 'nA')).toThrow(UnitError);
    expect(() => convertQuantity('1'.repeat(300) + ' nA', 'nA')).toThrow(/too long/);
    expect(() => convertQuantity('1/(20000 foo cm^2)', 'S/cm^2')).toThrow(/"foo" is not a unit/);
  });
});
