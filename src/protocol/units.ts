/**
 * Quantities written with units in protocol files ("0.5 nA", "620 um", "2 uF/cm^2"), parsed by
 * mathjs and converted once at load time to the unit the field's name carries. mathjs is loaded
 * only when a protocol actually uses a unit string (it takes a second to load).
 */
import { expressionTooBig, mathjs } from '../mathjs.ts';

interface MathUnit {
  toNumber: (u: string) => number;
  equalBase: (o: unknown) => boolean;
  toString: () => string;
  value: unknown;
}
interface MathNode {
  type: string;
  name?: string;
  op?: string;
  fn?: unknown;
  traverse(cb: (node: MathNode, path: string, parent: MathNode | null) => void): void;
  compile(): { evaluate(scope?: Record<string, unknown>): unknown };
}
type MathJs = {
  unit: (s: string) => MathUnit;
  parse: (s: string) => MathNode;
  createUnit: (name: string, def: { definition: string; prefixes?: string; aliases?: string[] }, opts?: { override?: boolean }) => unknown;
  Unit: { isValuelessUnit(name: string): boolean };
};

function math(): MathJs {
  return mathjs<MathJs>();
}

/** NEURON-style unit names (S/cm2, mA/cm2, uF/cm2, ohm cm) → mathjs syntax. */
export function toMathUnit(unit: string): string {
  return unit.replace(/\bcm2\b/g, 'cm^2').replace(/\bum2\b/g, 'um^2').replace(/\bdegC\b/, 'degC');
}

export class UnitError extends Error {}

/** Longest quantity string read (a quantity is a number and a unit, or a short expression of them). */
export const MAX_QUANTITY_CHARS = 200;
/** Deepest parenthesis nesting in a quantity expression. */
export const MAX_QUANTITY_DEPTH = 20;

/** Operators a quantity expression may use: arithmetic only. */
const QUANTITY_OPS = new Set(['+', '-', '*', '/', '^']);
const QUANTITY_CONSTANTS = new Set(['pi']);

/**
 * Convert "value unit" to a number in `target` (a mathjs unit string). Also accepts arithmetic
 * over numbers and units, such as `"1/(20000 ohm cm^2)"` (a conductance density written as the
 * inverse of a specific membrane resistance). Throws UnitError with a readable reason for a
 * malformed string, an unknown unit, a wrong dimension or a non-finite value.
 */
export function convertQuantity(text: string, target: string): number {
  const m = math();
  const trimmed = text.trim();
  if (trimmed.length > MAX_QUANTITY_CHARS) {
    throw new UnitError(`a quantity of ${trimmed.length} characters is too long (at most ${MAX_QUANTITY_CHARS}), got ${JSON.stringify(trimmed.slice(0, 40))}...`);
  }
  let q: MathUnit;
  try {
    q = m.unit(trimmed);
  } catch (e) {
    q = quantityExpression(trimmed, text, (e as Error).message);
  }
  let wanted: MathUnit;
  try {
    wanted = m.unit(target);
  } catch {
    throw new UnitError(`internal: unknown target unit ${target}`);
  }
  if (!q.equalBase(wanted)) {
    const inverse = q.value !== null && ((): boolean => {
      try {
        return m.unit(`1/(${target})`).equalBase(q);
      } catch {
        return false;
      }
    })();
    throw new UnitError(`"${text}" is not a ${describe(target)} (expected something convertible to ${target})${inverse ? `; its inverse is: write "1/(${trimmed})"` : ''}`);
  }
  const raw = q.toNumber(target);
  if (!Number.isFinite(raw)) throw new UnitError(`"${text}" is not finite`);
  // Unit factors are binary-inexact (25 us → 0.024999999999999998 ms); decimal input deserves a
  // decimal result, so keep 15 significant digits.
  return Number(raw.toPrecision(15));
}

/** Parse and evaluate an arithmetic expression of numbers and units; `why` is mathjs's unit error. */
function quantityExpression(trimmed: string, text: string, why: string): MathUnit {
  const m = math();
  const big = expressionTooBig(trimmed, MAX_QUANTITY_CHARS, MAX_QUANTITY_DEPTH);
  if (big !== null) throw new UnitError(`"${trimmed.slice(0, 40)}..." ${big}`);
  let node: MathNode;
  try {
    node = m.parse(trimmed);
  } catch (e) {
    throw new UnitError(`cannot read "${text}" as a quantity (${why}) or as an expression of numbers and units (${(e as Error).message})`);
  }
  let bad: string | null = null;
  node.traverse((n, path, parent) => {
    if (bad !== null) return;
    if (n.type === 'ConstantNode' || n.type === 'ParenthesisNode') return;
    if (n.type === 'OperatorNode' && QUANTITY_OPS.has(n.op!)) return;
    if (n.type === 'SymbolNode') {
      if (parent?.type === 'FunctionNode' && path === 'fn') return;
      if (QUANTITY_CONSTANTS.has(n.name!) || m.Unit.isValuelessUnit(n.name!)) return;
      bad = `"${n.name}" is not a unit`;
      return;
    }
    bad = n.type === 'FunctionNode' ? `functions are not allowed in a quantity` : `${n.op ?? n.type} is not allowed in a quantity`;
  });
  if (bad !== null) throw new UnitError(`cannot read "${text}" as a quantity: ${bad} (write a number and a unit, e.g. "0.5 nA", or arithmetic of them, e.g. "1/(20000 ohm cm^2)")`);
  let r: unknown;
  try {
    r = node.compile().evaluate({});
  } catch (e) {
    throw new UnitError(`cannot evaluate "${text}" (${(e as Error).message})`);
  }
  if (typeof r === 'number') throw new UnitError(`"${text}" has no unit (${r})`);
  if (typeof r !== 'object' || r === null || !('equalBase' in r)) throw new UnitError(`"${text}" is not a quantity`);
  return r as MathUnit;
}

function describe(target: string): string {
  const names: Record<string, string> = {
    nA: 'current', mV: 'voltage', ms: 'time', um: 'length', Hz: 'frequency', 'uF/cm^2': 'specific capacitance',
    'ohm cm': 'resistivity', 'S/cm^2': 'conductance density', degC: 'temperature', mM: 'concentration', uS: 'conductance',
    Mohm: 'resistance', 'mA/cm^2': 'current density',
  };
  return names[target] ?? `quantity in ${target}`;
}
