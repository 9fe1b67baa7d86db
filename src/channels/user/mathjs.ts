/**
 * The parts of mathjs the mechanism loader uses: the expression parser and the unit table. Loaded
 * lazily (importing mathjs takes about a second) and only at load time: compiled kernels never call it.
 */
import { expressionTooBig, mathjs } from '../../mathjs.ts';
import { dim, type Dim } from './dims.ts';

/** The subset of the mathjs node API the compiler reads. */
export interface MathNode {
  readonly type: string;
  /** ConstantNode */
  readonly value?: unknown;
  /** SymbolNode */
  readonly name?: string;
  /** OperatorNode */
  readonly op?: string;
  readonly fn?: string | MathNode;
  readonly args?: readonly MathNode[];
  readonly implicit?: boolean;
  /** ParenthesisNode */
  readonly content?: MathNode;
  /** ConditionalNode */
  readonly condition?: MathNode;
  readonly trueExpr?: MathNode;
  readonly falseExpr?: MathNode;
  toString(): string;
}

interface MathUnitPart {
  unit: { name: string; value: number; offset: number };
  prefix: { name: string; value: number };
  power: number;
}

interface MathUnit {
  dimensions: number[];
  units: MathUnitPart[];
  value: number | null;
}

interface MathJs {
  parse(expr: string): MathNode;
  unit(s: string): MathUnit;
  Unit: { isValuelessUnit(name: string): boolean };
  createUnit(name: string, def: { definition: string; prefixes?: string }, opts?: { override?: boolean }): unknown;
}

function math(): MathJs {
  return mathjs<MathJs>();
}

export function parseExpression(text: string): MathNode {
  const big = expressionTooBig(text);
  if (big !== null) throw new Error(`the expression ${big}`);
  return math().parse(text);
}

export class UnitSyntaxError extends Error {}

function toDim(u: MathUnit, text: string): Dim {
  let s = 1;
  for (const p of u.units) {
    if (p.unit.offset !== 0) {
      throw new UnitSyntaxError(`"${text}": units with an offset (${p.unit.name}) are not supported; celsius is a plain number`);
    }
    s *= Math.pow(p.prefix.value * p.unit.value, p.power);
  }
  return dim(u.dimensions, s);
}

/** Is `name` a unit mathjs knows (with prefixes: mV, ms, cm2, uS, mM ...)? */
export function isUnitName(name: string): boolean {
  return math().Unit.isValuelessUnit(name);
}

/** The dimension of a unit name used inside an expression (`mV` in `40 mV`). */
export function unitNameDim(name: string): Dim {
  return toDim(math().unit(name), name);
}

/**
 * A declared unit: NEURON style ("S/cm2", "mA/cm2", "/ms", "1/ms", "1", "") or mathjs style
 * ("S/cm^2", "ms^-1"). Returns its dimension and a spelling that src/protocol/units.ts can convert
 * quantities to (leading "1/" or "/" becomes a negative power).
 */
export function parseDeclaredUnit(text: string): { dim: Dim; unit: string } {
  const t = text.trim();
  if (t === '' || t === '1') return { dim: dim([0, 0, 0, 0, 0, 0, 0, 0, 0], 1), unit: '1' };
  const inv = /^(?:1\s*)?\/\s*([A-Za-z]+)$/.exec(t);
  const spelled = inv ? `${inv[1]}^-1` : t;
  let u: MathUnit;
  try {
    u = math().unit(spelled);
  } catch (e) {
    throw new UnitSyntaxError(`cannot read "${text}" as a unit (${(e as Error).message})`);
  }
  // "1/(ms mV)" parses as the quantity 1 ms^-1 mV^-1: a unit all the same.
  if (u.value !== null && !(/^1\b/.test(spelled) && u.value === toDim(u, text).s)) {
    throw new UnitSyntaxError(`"${text}" is a quantity, not a unit; write the number in "default"`);
  }
  return { dim: toDim(u, text), unit: spelled };
}
