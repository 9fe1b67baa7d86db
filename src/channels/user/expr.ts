/**
 * Expressions of user mechanisms: mathjs syntax → a small typed tree (IR) with the unit check
 * done on the way, then JavaScript source. No mathjs at run time: the IR is emitted once as plain
 * arithmetic and calls of the helpers in ./runtime.ts.
 *
 * Unit rules (docs/mechanisms.md):
 * - every symbol has a unit (v mV, t and dt ms, parameters as declared, ...); a bare number is
 *   dimensionless; a unit name (`40 mV`, `0.1/ms`) is the number 1 in that unit;
 * - `a + b`, `a - b`, comparisons, min/max, the branches of `c ? a : b` and vtrap's two arguments
 *   need the same dimension; if the scales differ, the right operand is converted;
 * - exp, expm1, log, log10, tanh, sin, floor, efun and the exponent of `^` take dimensionless arguments; a dimensioned
 *   base of `^` needs a constant exponent; sqrt halves the exponents;
 * - multiplying or dividing by a unit name emits nothing (it is ×1): what you write is what runs.
 */
import * as D from './dims.ts';
import type { MathNode } from './mathjs.ts';
import { isUnitName, unitNameDim } from './mathjs.ts';
import { didYouMean } from './errors.ts';
import { HELPERS } from './runtime.ts';

export type BinOp = '+' | '-' | '*' | '/' | '<' | '<=' | '>' | '>=' | '===' | '!==' | '&&' | '||';

export type IR =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'sym'; readonly name: string }
  | { readonly k: 'bin'; readonly op: BinOp; readonly a: IR; readonly b: IR }
  | { readonly k: 'neg'; readonly a: IR }
  | { readonly k: 'not'; readonly a: IR }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly IR[] }
  | { readonly k: 'cond'; readonly c: IR; readonly a: IR; readonly b: IR }
  /** Generated code (a kernel local such as a temporary or an exp result); never from user text. */
  | { readonly k: 'raw'; readonly code: string };

/** A compiled (sub)expression: its IR and its unit, or `bool` for conditions. */
export interface Val {
  readonly ir: IR;
  readonly dim: D.Dim;
  readonly bool: boolean;
}

export interface SymbolInfo {
  readonly dim: D.Dim;
}

export interface Scope {
  /** A name the expression may use, or undefined. */
  lookup(name: string): SymbolInfo | undefined;
  /** If `name` exists but may not be used here, why (e.g. "is defined later, at $.assigned[4]"). */
  refuse(name: string): string | undefined;
  /** Every usable name, for suggestions. */
  names(): Iterable<string>;
  /** NMODL's UNITSOFF: every symbol is a plain number, unit names are refused. */
  readonly unitsOff: boolean;
}

export class ExprError extends Error {}

/** Functions an expression may call: arity and unit rule. */
const FUNCTIONS: Readonly<Record<string, { min: number; max: number }>> = {
  exp: { min: 1, max: 1 },
  log: { min: 1, max: 1 },
  log10: { min: 1, max: 1 },
  sqrt: { min: 1, max: 1 },
  pow: { min: 2, max: 2 },
  abs: { min: 1, max: 1 },
  min: { min: 2, max: Infinity },
  max: { min: 2, max: Infinity },
  tanh: { min: 1, max: 1 },
  sin: { min: 1, max: 1 },
  expm1: { min: 1, max: 1 },
  floor: { min: 1, max: 1 },
  vtrap: { min: 2, max: 2 },
  efun: { min: 1, max: 1 },
};

export const FUNCTION_NAMES: readonly string[] = Object.keys(FUNCTIONS);

const num = (v: number): IR => ({ k: 'num', v });

function isNum(ir: IR, v?: number): ir is { k: 'num'; v: number } {
  return ir.k === 'num' && (v === undefined || Object.is(ir.v, v));
}

/** Evaluate a constant IR with the same JavaScript the kernels run (so folding cannot change a bit). */
export function evalConst(ir: IR): number | boolean {
  const code = emit(ir, () => {
    throw new Error('internal: symbol in a constant');
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(...Object.keys(HELPERS), `return ${code};`)(...Object.values(HELPERS)) as number | boolean;
}

function fold(ir: IR): IR {
  const args = ir.k === 'bin' ? [ir.a, ir.b] : ir.k === 'neg' || ir.k === 'not' ? [ir.a] : ir.k === 'call' ? ir.args : ir.k === 'cond' ? [ir.c, ir.a, ir.b] : null;
  if (args === null || !args.every((a) => isNum(a))) return ir;
  const v = evalConst(ir);
  return typeof v === 'number' ? num(v) : ir;
}

function text(node: MathNode): string {
  return node.toString();
}

function convert(v: Val, to: D.Dim): IR {
  const f = D.factor(v.dim, to);
  if (f === 1) return v.ir;
  return fold({ k: 'bin', op: '*', a: v.ir, b: num(f) });
}

/** The value as a pure number (dimensionless, scale applied), or an error naming `what`. */
function pure(v: Val, what: string, node: MathNode): IR {
  if (v.bool) throw new ExprError(`${what} needs a number, got a condition "${text(node)}"`);
  if (!D.isDimensionless(v.dim)) {
    throw new ExprError(`${what} needs a dimensionless argument; "${text(node)}" is ${D.inUnit(v.dim)}`);
  }
  return convert(v, D.ONE);
}

function numeric(v: Val, node: MathNode): void {
  if (v.bool) throw new ExprError(`"${text(node)}" is a condition (true/false), not a number`);
}

function mismatch(what: string, a: Val, an: MathNode, b: Val, bn: MathNode): ExprError {
  const plain = (v: Val, n: MathNode) => D.isDimensionless(v.dim) && n.type === 'ConstantNode';
  let hint = '';
  if (plain(b, bn) && !D.isDimensionless(a.dim)) hint = `; write the unit: "${text(bn)} ${D.formatDim(a.dim)}"`;
  else if (plain(a, an) && !D.isDimensionless(b.dim)) hint = `; write the unit: "${text(an)} ${D.formatDim(b.dim)}"`;
  return new ExprError(
    `${what}: "${text(an)}" is ${D.inUnit(a.dim)} but "${text(bn)}" is ${D.inUnit(b.dim)}${hint}`,
  );
}

/** Compile a parsed expression under `scope`. Throws ExprError with a readable reason. */
export function compile(node: MathNode, scope: Scope): Val {
  const go = (n: MathNode): Val => compile(n, scope);
  switch (node.type) {
    case 'ParenthesisNode':
      return go(node.content!);
    case 'ConstantNode': {
      const v = node.value;
      if (typeof v !== 'number') throw new ExprError(`unsupported constant ${JSON.stringify(v)}`);
      if (!Number.isFinite(v)) throw new ExprError(`the constant "${text(node)}" is not a finite number`);
      return { ir: num(v), dim: D.ONE, bool: false };
    }
    case 'SymbolNode': {
      const name = node.name!;
      const info = scope.lookup(name);
      if (info) return { ir: { k: 'sym', name }, dim: scope.unitsOff ? D.ONE : info.dim, bool: false };
      const refusal = scope.refuse(name);
      if (refusal) throw new ExprError(`"${name}" ${refusal}`);
      if (name === 'pi') return { ir: num(Math.PI), dim: D.ONE, bool: false };
      if (FUNCTIONS[name]) throw new ExprError(`"${name}" is a function; call it as ${name}(...)`);
      if (isUnitName(name)) {
        if (scope.unitsOff) throw new ExprError(`unit "${name}" in an expression with "units_off"`);
        return { ir: num(1), dim: unitNameDim(name), bool: false };
      }
      throw new ExprError(`undefined name "${name}"${didYouMean(name, scope.names())}`);
    }
    case 'FunctionNode': {
      const fnNode = node.fn as MathNode;
      const name = fnNode.type === 'SymbolNode' ? fnNode.name! : text(fnNode);
      const spec = FUNCTIONS[name];
      if (!spec) {
        throw new ExprError(`unknown function "${name}"${didYouMean(name, FUNCTION_NAMES)}; available: ${FUNCTION_NAMES.join(', ')}`);
      }
      const argNodes = node.args ?? [];
      if (argNodes.length < spec.min || argNodes.length > spec.max) {
        const want = spec.max === Infinity ? `at least ${spec.min}` : spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}`;
        throw new ExprError(`${name}() takes ${want} argument${spec.max === 1 ? '' : 's'}, got ${argNodes.length} in "${text(node)}"`);
      }
      const args = argNodes.map(go);
      args.forEach((a, i) => numeric(a, argNodes[i]));
      return callFunction(name, args, argNodes, node);
    }
    case 'OperatorNode':
      return operator(node, go);
    case 'ConditionalNode': {
      const c = go(node.condition!);
      if (!c.bool) throw new ExprError(`the condition of "${text(node)}" must be a comparison, got "${text(node.condition!)}"`);
      const a = go(node.trueExpr!);
      const b = go(node.falseExpr!);
      numeric(a, node.trueExpr!);
      numeric(b, node.falseExpr!);
      if (!D.sameDims(a.dim, b.dim)) throw mismatch('the two branches of "?:" differ in dimension', a, node.trueExpr!, b, node.falseExpr!);
      return { ir: fold({ k: 'cond', c: c.ir, a: a.ir, b: convert(b, a.dim) }), dim: a.dim, bool: false };
    }
    case 'RelationalNode':
      throw new ExprError(`chained comparisons like "${text(node)}" are not supported; use "and"`);
    case 'AssignmentNode':
    case 'FunctionAssignmentNode':
      throw new ExprError(`"${text(node)}" is an assignment; give only the right-hand side (the name is the "name" field)`);
    default:
      throw new ExprError(`unsupported syntax (${node.type}) in "${text(node)}"`);
  }
}

function callFunction(name: string, args: Val[], argNodes: readonly MathNode[], node: MathNode): Val {
  const call = (irs: IR[], dim: D.Dim): Val => ({ ir: fold({ k: 'call', fn: name, args: irs }), dim, bool: false });
  switch (name) {
    case 'exp':
    case 'log':
    case 'log10':
    case 'tanh':
    case 'sin':
    case 'expm1':
    case 'floor':
    case 'efun':
      return call([pure(args[0], `${name}()`, argNodes[0])], D.ONE);
    case 'sqrt':
      return call([args[0].ir], D.pow(args[0].dim, 0.5));
    case 'abs':
      return call([args[0].ir], args[0].dim);
    case 'min':
    case 'max': {
      const first = args[0];
      const irs = args.map((a, i) => {
        if (!D.sameDims(first.dim, a.dim)) throw mismatch(`${name}() needs arguments of one dimension`, first, argNodes[0], a, argNodes[i]);
        return convert(a, first.dim);
      });
      return call(irs, first.dim);
    }
    case 'vtrap': {
      const [x, y] = args;
      if (!D.sameDims(x.dim, y.dim)) throw mismatch('vtrap(x, y) needs x and y in the same dimension', x, argNodes[0], y, argNodes[1]);
      return call([x.ir, convert(y, x.dim)], x.dim);
    }
    case 'pow':
      return power(args[0], args[1], argNodes[0], argNodes[1], node);
    default:
      throw new ExprError(`internal: no unit rule for ${name}`);
  }
}

function power(base: Val, ex: Val, bn: MathNode, en: MathNode, node: MathNode): Val {
  const e = pure(ex, `the exponent in "${text(node)}"`, en);
  if (D.isDimensionless(base.dim)) {
    const b = convert(base, D.ONE);
    return { ir: fold({ k: 'call', fn: 'pow', args: [b, e] }), dim: D.ONE, bool: false };
  }
  if (!isNum(e)) {
    throw new ExprError(`"${text(bn)}" is ${D.inUnit(base.dim)}, so its exponent must be a constant, got "${text(en)}" in "${text(node)}"`);
  }
  return { ir: fold({ k: 'call', fn: 'pow', args: [base.ir, e] }), dim: D.pow(base.dim, e.v), bool: false };
}

const COMPARE: Readonly<Record<string, BinOp>> = {
  smaller: '<',
  smallerEq: '<=',
  larger: '>',
  largerEq: '>=',
  equal: '===',
  unequal: '!==',
};

function operator(node: MathNode, go: (n: MathNode) => Val): Val {
  const fn = node.fn as string;
  const argNodes = node.args ?? [];
  const args = argNodes.map(go);
  const [a, b] = args;
  const [an, bn] = argNodes;
  const bin = (op: BinOp, x: IR, y: IR): IR => fold({ k: 'bin', op, a: x, b: y });
  switch (fn) {
    case 'unaryMinus':
      numeric(a, an);
      return { ir: fold({ k: 'neg', a: a.ir }), dim: a.dim, bool: false };
    case 'unaryPlus':
      numeric(a, an);
      return a;
    case 'add':
    case 'subtract': {
      numeric(a, an);
      numeric(b, bn);
      if (!D.sameDims(a.dim, b.dim)) throw mismatch(`cannot ${fn === 'add' ? 'add' : 'subtract'} quantities of different dimensions in "${text(node)}"`, a, an, b, bn);
      return { ir: bin(fn === 'add' ? '+' : '-', a.ir, convert(b, a.dim)), dim: a.dim, bool: false };
    }
    case 'multiply':
    case 'divide': {
      numeric(a, an);
      numeric(b, bn);
      const dim = fn === 'multiply' ? D.mul(a.dim, b.dim) : D.div(a.dim, b.dim);
      // ×1 and ÷1 are exact: a unit name (the number 1) costs nothing and changes no bit.
      if (isNum(b.ir, 1)) return { ir: a.ir, dim, bool: false };
      if (fn === 'multiply' && isNum(a.ir, 1)) return { ir: b.ir, dim, bool: false };
      return { ir: bin(fn === 'multiply' ? '*' : '/', a.ir, b.ir), dim, bool: false };
    }
    case 'pow':
      numeric(a, an);
      numeric(b, bn);
      return power(a, b, an, bn, node);
    case 'smaller':
    case 'smallerEq':
    case 'larger':
    case 'largerEq':
    case 'equal':
    case 'unequal': {
      numeric(a, an);
      numeric(b, bn);
      if (!D.sameDims(a.dim, b.dim)) throw mismatch(`cannot compare quantities of different dimensions in "${text(node)}"`, a, an, b, bn);
      return { ir: { k: 'bin', op: COMPARE[fn], a: a.ir, b: convert(b, a.dim) }, dim: D.ONE, bool: true };
    }
    case 'and':
    case 'or':
      if (!a.bool || !b.bool) throw new ExprError(`"${node.op}" needs comparisons on both sides in "${text(node)}"`);
      return { ir: { k: 'bin', op: fn === 'and' ? '&&' : '||', a: a.ir, b: b.ir }, dim: D.ONE, bool: true };
    case 'not':
      if (!a.bool) throw new ExprError(`"not" needs a comparison in "${text(node)}"`);
      return { ir: { k: 'not', a: a.ir }, dim: D.ONE, bool: true };
    default:
      throw new ExprError(`unsupported operator "${node.op}" in "${text(node)}"`);
  }
}

/** Symbols an IR reads. */
export function symbols(ir: IR, out: Set<string> = new Set()): Set<string> {
  switch (ir.k) {
    case 'sym':
      out.add(ir.name);
      break;
    case 'bin':
      symbols(ir.a, out);
      symbols(ir.b, out);
      break;
    case 'neg':
    case 'not':
      symbols(ir.a, out);
      break;
    case 'call':
      for (const a of ir.args) symbols(a, out);
      break;
    case 'cond':
      symbols(ir.c, out);
      symbols(ir.a, out);
      symbols(ir.b, out);
      break;
    default:
      break;
  }
  return out;
}

function literal(v: number): string {
  const s = String(v);
  return v < 0 || Object.is(v, -0) ? `(${Object.is(v, -0) ? '-0' : s})` : s;
}

/** JavaScript source for an IR; `resolve` gives the source for each symbol. Fully parenthesised. */
export function emit(ir: IR, resolve: (name: string) => string): string {
  const e = (x: IR): string => emit(x, resolve);
  switch (ir.k) {
    case 'num':
      return literal(ir.v);
    case 'sym':
      return resolve(ir.name);
    case 'bin':
      return `(${e(ir.a)} ${ir.op} ${e(ir.b)})`;
    case 'neg':
      return `(-${e(ir.a)})`;
    case 'not':
      return `(!${e(ir.a)})`;
    case 'call':
      return `${HELPER_NAME[ir.fn]}(${ir.args.map(e).join(', ')})`;
    case 'cond':
      return `(${e(ir.c)} ? ${e(ir.a)} : ${e(ir.b)})`;
    case 'raw':
      return ir.code;
  }
}

/**
 * The callee of a function in generated code: Math's own functions directly (the JIT inlines them),
 * NEURON's exp, vtrap and efun as helpers (parameters of the kernel factory, runtime.ts). Inside the
 * kernels' instance loops exp, vtrap and efun are expanded instead (stage.ts).
 */
export const HELPER_NAME: Readonly<Record<string, string>> = {
  exp: '$exp',
  vtrap: '$vtrap',
  efun: '$efun',
  log: 'Math.log',
  log10: 'Math.log10',
  sqrt: 'Math.sqrt',
  pow: 'Math.pow',
  abs: 'Math.abs',
  min: 'Math.min',
  max: 'Math.max',
  tanh: 'Math.tanh',
  sin: 'Math.sin',
  expm1: 'Math.expm1',
  floor: 'Math.floor',
};
