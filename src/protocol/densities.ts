/**
 * Mechanism parameters that vary along the cell (`biophysics.mechanisms[].params`):
 *
 * - an expression string of `distance_um` (path distance from the distance origin to the segment
 *   centre, as NEURON's `distance(sec(x))`) and `max_distance_um` (the largest distance reached in
 *   the entry's region), parsed once with mathjs and evaluated per segment when the cell is built:
 *   `"0.0002*(-0.8696 + 2.087*exp(3.6161*distance_um/max_distance_um))"`,
 *   `"685 < distance_um < 885 ? 0.0187 : 0.000187"`. The value is in the parameter's unit; an
 *   expression that carries units (`"(2e-4 + 1e-7*distance_um) * 1 S/cm^2"`) is converted to it;
 * - an array of numbers, one per segment of the entry's sections (section order, then segment
 *   order from the 0 end): what a generated protocol uses to reproduce a model exactly.
 *
 * The distance origin is `biophysics.distance_origin` (default soma[0](0.5), as NEURON's
 * `h.distance()`); Hay et al. 2011 measure from apic[0](0).
 */
import { expressionTooBig, mathjs } from '../mathjs.ts';
import { distanceAt, distanceRange, type PathDistances } from '../cable/distance.ts';
import type { CableLayout } from '../cable/layout.ts';
import type { ParamSpec } from '../channels/mechanism.ts';
import { toMathUnit } from './units.ts';
import { didYouMean, show } from './validate.ts';

/** The names a density expression may use. */
export const DENSITY_VARIABLES = ['distance_um', 'max_distance_um'] as const;
/** mathjs constants allowed in expressions. */
const CONSTANTS = new Set(['pi', 'e', 'true', 'false', 'Infinity']);

interface MathNode {
  type: string;
  name?: string;
  isSymbolNode?: boolean;
  isFunctionNode?: boolean;
  traverse(cb: (node: MathNode, path: string, parent: MathNode | null) => void): void;
  compile(): { evaluate(scope: Record<string, number>): unknown };
}
interface MathUnit {
  toNumber(unit: string): number;
  equalBase(other: unknown): boolean;
}
interface MathJs {
  parse(text: string): MathNode;
  unit(text: string): MathUnit;
  Unit: { isValuelessUnit(name: string): boolean };
}

function math(): MathJs {
  return mathjs<MathJs>();
}

/** Symbols of an expression that are not function names. */
function symbols(node: MathNode): string[] {
  const out: string[] = [];
  node.traverse((n, path, parent) => {
    if (n.isSymbolNode && !(parent?.isFunctionNode && path === 'fn')) out.push(n.name!);
  });
  return out;
}

/**
 * Is this parameter string a density expression (rather than a quantity such as "5e-5 S/cm^2")?
 * Yes when it names a density variable, or any name that is not a unit or constant (so that a
 * misspelt variable gets a did-you-mean message instead of a unit error).
 */
export function isDensityExpression(text: string): boolean {
  // too big to parse: an expression, so that compileDensityExpression reports why
  if (expressionTooBig(text) !== null) return true;
  let node: MathNode;
  try {
    node = math().parse(text);
  } catch {
    // unparsable: an expression if it names a density variable, so the parse error is reported as such
    return DENSITY_VARIABLES.some((v) => text.includes(v));
  }
  const m = math();
  return symbols(node).some(
    (s) => (DENSITY_VARIABLES as readonly string[]).includes(s) || (!CONSTANTS.has(s) && !m.Unit.isValuelessUnit(s)),
  );
}

export interface DensityExpression {
  readonly text: string;
  /** Value in the parameter's unit at a segment centre. Throws DensityError for a non-finite result. */
  evaluate(distance_um: number, max_distance_um: number): number;
}

/** A malformed expression or a bad value; `message` says what, without the JSON path. */
export class DensityError extends Error {}

/**
 * Parse once and check every name: a variable from `variables`, a constant, or (with `units`) a unit.
 * `hint` says what may be used; `{names}` in it is replaced by the variable list.
 */
function parseWithNames(text: string, variables: readonly string[], units: boolean, hint: string): MathNode {
  const m = math();
  const big = expressionTooBig(text);
  if (big !== null) throw new DensityError(`the expression ${show(text)} ${big}`);
  let node: MathNode;
  try {
    node = m.parse(text);
  } catch (e) {
    throw new DensityError(`cannot parse ${show(text)} as an expression (${(e as Error).message})`);
  }
  for (const s of symbols(node)) {
    if (variables.includes(s) || CONSTANTS.has(s) || (units && m.Unit.isValuelessUnit(s))) continue;
    throw new DensityError(`unknown name "${s}" in ${show(text)}${didYouMean(s, variables)}; ${hint.replace('{names}', variables.join(', '))}`);
  }
  return node;
}

/** Parse and check an expression once. `unit` is the parameter's NEURON unit (e.g. `S/cm2`). */
export function compileDensityExpression(text: string, unit: string): DensityExpression {
  const node = parseWithNames(text, DENSITY_VARIABLES, true,
    'an expression may use {names}, numbers, units and mathjs functions (exp, log, min, max, cond ? a : b, ...)');
  const code = node.compile();
  const target = unit === '1' ? null : toMathUnit(unit);
  const scope: Record<string, number> = { distance_um: 0, max_distance_um: 0 };
  return {
    text,
    evaluate(distance_um: number, max_distance_um: number): number {
      scope.distance_um = distance_um;
      scope.max_distance_um = max_distance_um;
      let r: unknown;
      try {
        r = code.evaluate(scope);
      } catch (e) {
        throw new DensityError(`${show(text)} failed at distance_um = ${distance_um}: ${(e as Error).message}`);
      }
      if (typeof r === 'boolean') r = r ? 1 : 0;
      if (typeof r === 'object' && r !== null && 'toNumber' in r) {
        const u = r as MathUnit;
        if (target === null || !u.equalBase(math().unit(target))) {
          throw new DensityError(`${show(text)} gives ${String(r)}, which is not in ${unit}`);
        }
        r = u.toNumber(target);
      }
      if (typeof r !== 'number' || !Number.isFinite(r)) {
        throw new DensityError(`${show(text)} gives ${String(r)} at distance_um = ${distance_um}, expected a finite number`);
      }
      return r;
    },
  };
}

/** Where each value of a per-segment parameter sits (for messages). */
export interface SegmentSite {
  section: number;
  /** Segment index within the section. */
  segment: number;
}

/** The segments of `sections`, in section order then from the 0 end. */
export function segmentsOf(layout: CableLayout, sections: readonly number[]): SegmentSite[] {
  const out: SegmentSite[] = [];
  for (const s of sections) for (let j = 0; j < layout.sections[s].nseg; j++) out.push({ section: s, segment: j });
  return out;
}

/** Path distance of each segment centre from the origin of `pd`. */
export function segmentDistances(layout: CableLayout, pd: PathDistances, sites: readonly SegmentSite[]): Float64Array {
  return Float64Array.from(sites, (q) => distanceAt(pd, q.section, (q.segment + 0.5) / layout.sections[q.section].nseg));
}

/** The largest distance reached on `sections` (their far ends). */
export function maxDistance(pd: PathDistances, sections: readonly number[]): number {
  return distanceRange(pd, sections).max;
}

/**
 * Values of one parameter on the given segments: an expression evaluated at each segment centre,
 * or an explicit per-segment list. Checked against the parameter's range; a value outside it is a
 * DensityError naming the section, position, distance and value.
 */
export function evaluateDensity(
  raw: string | readonly number[],
  spec: ParamSpec,
  layout: CableLayout,
  sites: readonly SegmentSite[],
  distances: () => { d: Float64Array; max: number },
): Float64Array {
  const out = new Float64Array(sites.length);
  let dist: Float64Array | null = null;
  if (typeof raw === 'string') {
    const expr = compileDensityExpression(raw, spec.unit);
    const { d, max } = distances();
    dist = d;
    for (let k = 0; k < sites.length; k++) out[k] = expr.evaluate(d[k], max);
  } else {
    if (raw.length !== sites.length) {
      throw new DensityError(`expected one value per segment of the selected sections (${sites.length}), got ${raw.length}`);
    }
    for (let k = 0; k < sites.length; k++) {
      const x = raw[k];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new DensityError(`[${k}] expected a finite number, got ${show(x)}`);
      out[k] = x;
    }
  }
  for (let k = 0; k < sites.length; k++) {
    const x = out[k];
    if ((spec.min !== undefined && x < spec.min) || (spec.max !== undefined && x > spec.max)) {
      const q = sites[k];
      const sec = layout.sections[q.section];
      const where = `${sec.name}(${((q.segment + 0.5) / sec.nseg).toPrecision(6).replace(/\.?0+$/, '')})${dist ? ` at distance ${dist[k].toPrecision(6)} µm` : ` (value [${k}])`}`;
      const bound = spec.min !== undefined && x < spec.min ? `below the minimum ${spec.min}` : `above the maximum ${spec.max}`;
      throw new DensityError(`${x} ${spec.unit} on ${where} is ${bound}${spec.min === 0 && x < 0 ? ' (a negative conductance)' : ''}`);
    }
  }
  return out;
}

/** Names an nseg rule (`discretization.nseg` as a string) may use. */
export const NSEG_VARIABLES = ['L_um'] as const;

/**
 * `discretization.nseg` given as an expression of the section length `L_um`, e.g. Hay et al. 2011's
 * `"1 + 2*floor(L_um/40)"`: parsed once, evaluated per section; the result must be an integer in
 * 1..32767. Throws DensityError.
 */
export function compileNsegRule(text: string): (L_um: number, section: string) => number {
  const node = parseWithNames(text, NSEG_VARIABLES, false,
    'an nseg rule may use {names}, numbers and mathjs functions (floor, ceil, round, max, ...)');
  const code = node.compile();
  const scope: Record<string, number> = { L_um: 0 };
  return (L_um: number, section: string) => {
    scope.L_um = L_um;
    const r = code.evaluate(scope);
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 1 || r > 32767) {
      throw new DensityError(`${show(text)} gives ${String(r)} for ${section} (L = ${L_um} µm); expected an integer in 1..32767`);
    }
    return r;
  };
}
