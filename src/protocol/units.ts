/**
 * Quantities written with units in protocol files ("0.5 nA", "620 um", "2 uF/cm^2"), parsed by
 * mathjs and converted once at load time to the unit the field's name carries. mathjs is loaded
 * only when a protocol actually uses a unit string (it takes a second to load).
 */
import { mathjs } from '../mathjs.ts';

type MathJs = {
  unit: (s: string) => { toNumber: (u: string) => number; equalBase: (o: unknown) => boolean; toString: () => string };
  createUnit: (name: string, def: { definition: string; prefixes?: string; aliases?: string[] }, opts?: { override?: boolean }) => unknown;
};

function math(): MathJs {
  return mathjs<MathJs>();
}

/** NEURON-style unit names (S/cm2, mA/cm2, uF/cm2, ohm cm) → mathjs syntax. */
export function toMathUnit(unit: string): string {
  return unit.replace(/\bcm2\b/g, 'cm^2').replace(/\bum2\b/g, 'um^2').replace(/\bdegC\b/, 'degC');
}

export class UnitError extends Error {}

/**
 * Convert "value unit" to a number in `target` (a mathjs unit string). Throws UnitError with a
 * readable reason for a malformed string or a wrong dimension.
 */
export function convertQuantity(text: string, target: string): number {
  const m = math();
  let q: ReturnType<MathJs['unit']>;
  try {
    q = m.unit(text.trim());
  } catch (e) {
    throw new UnitError(`cannot read "${text}" as a quantity (${(e as Error).message})`);
  }
  let wanted: ReturnType<MathJs['unit']>;
  try {
    wanted = m.unit(target);
  } catch {
    throw new UnitError(`internal: unknown target unit ${target}`);
  }
  if (!q.equalBase(wanted)) {
    throw new UnitError(`"${text}" is not a ${describe(target)} (expected something convertible to ${target})`);
  }
  const raw = q.toNumber(target);
  if (!Number.isFinite(raw)) throw new UnitError(`"${text}" is not finite`);
  // Unit factors are binary-inexact (25 us → 0.024999999999999998 ms); decimal input deserves a
  // decimal result, so keep 15 significant digits.
  return Number(raw.toPrecision(15));
}

function describe(target: string): string {
  const names: Record<string, string> = {
    nA: 'current', mV: 'voltage', ms: 'time', um: 'length', Hz: 'frequency', 'uF/cm^2': 'specific capacitance',
    'ohm cm': 'resistivity', 'S/cm^2': 'conductance density', degC: 'temperature', mM: 'concentration', uS: 'conductance',
    Mohm: 'resistance', 'mA/cm^2': 'current density',
  };
  return names[target] ?? `quantity in ${target}`;
}
