/**
 * The event block of a point process (NMODL's NET_RECEIVE): statements that run, in file order,
 * when an event reaches one synapse, with `weight` the connection's weight (µS) and `t` the event
 * time. docs/mechanisms.md, "Events".
 *
 * - `"x = expr"` sets a state, a weight state, or a local name. A state or weight state changes at
 *   once: later statements of the block read the new value. A name that is not declared anywhere
 *   becomes a local of the block (or of the `then`/`else` list it is in), in the unit of its first
 *   expression; a local that is never read is an error (it is almost always a misspelt state).
 * - `{"if": cond, "then": [...], "else": [...]}` runs one of two lists.
 * - Assigned quantities read here have their values at the arrival of the event (computed from the
 *   states before the first statement), as NMODL's ASSIGNED variables keep their last values.
 * - Parameters, globals, assigned quantities, v, t and the weight cannot be set.
 *
 * This file checks and compiles the statements (units as everywhere else) and emits their
 * JavaScript; compile.ts builds the `netReceive` kernel around them.
 */
import type { Compiled, Compiler } from './compile.ts';
import * as D from './dims.ts';
import { didYouMean } from './errors.ts';
import { MechanismFileError } from './errors.ts';
import { FUNCTION_NAMES } from './expr.ts';
import type { EventBlockDecl, StatementDecl } from './spec.ts';

export type CompiledStatement =
  | {
    readonly kind: 'assign';
    readonly path: string;
    readonly target: string;
    readonly targetKind: 'state' | 'wstate' | 'local';
    /** The first assignment of a local (emitted as `let`). */
    readonly declares: boolean;
    readonly value: Compiled;
  }
  | { readonly kind: 'if'; readonly path: string; readonly cond: Compiled; readonly then: readonly CompiledStatement[]; readonly else: readonly CompiledStatement[] };

export interface CompiledEventBlock {
  readonly statements: readonly CompiledStatement[];
  /** Every expression of the block (for the assigned quantities it needs). */
  readonly expressions: readonly Compiled[];
  /** Whether any statement reads the connection weight. */
  readonly readsWeight: boolean;
  /** States and weight states the block sets. */
  readonly sets: ReadonlySet<string>;
}

interface LocalInfo {
  dim: D.Dim;
  path: string;
  read: boolean;
}

/**
 * Check and compile an event block against the mechanism's symbols (`c`). `withWeight`: the
 * connection weight is known (net_receive; not in post_spike).
 */
export function compileEventBlock(c: Compiler, block: EventBlockDecl, withWeight: boolean): CompiledEventBlock {
  const spec = c.spec;
  const fail = (path: string, message: string): never => {
    throw new MechanismFileError(spec.file, path, message);
  };
  const stack: Map<string, LocalInfo>[] = [];
  c.eventLocals = stack;
  c.eventWeight = withWeight;
  const expressions: Compiled[] = [];
  const sets = new Set<string>();
  let readsWeight = false;
  const settable = () => [...spec.states.map((s) => s.name), ...spec.weightStates.map((w) => w.name)];
  const noteReads = (x: Compiled) => {
    expressions.push(x);
    for (const n of x.syms) {
      const sym = c.sym(n);
      if (sym?.kind === 'weight') readsWeight = true;
      if (sym?.kind === 'local') {
        for (let k = stack.length - 1; k >= 0; k--) {
          const l = stack[k].get(n);
          if (l) {
            l.read = true;
            break;
          }
        }
      }
    }
  };
  const list = (decls: readonly StatementDecl[]): CompiledStatement[] => {
    const scope = new Map<string, LocalInfo>();
    stack.push(scope);
    const out = decls.map((s): CompiledStatement => {
      if (s.kind === 'if') {
        const cond = c.condition(`${s.path}.if`, s.cond);
        noteReads(cond);
        return { kind: 'if', path: s.path, cond, then: list(s.then), else: list(s.else) };
      }
      const name = s.target;
      const sym = c.sym(name);
      if (sym === undefined) {
        if (FUNCTION_NAMES.includes(name) || name === 'pi') fail(s.path, `cannot assign to "${name}": it is ${name === 'pi' ? 'the constant π' : 'a function'}`);
        const value = c.expression(s.path, s.expr, undefined, `"${name}"`);
        noteReads(value);
        scope.set(name, { dim: value.dim, path: s.path, read: false });
        return { kind: 'assign', path: s.path, target: name, targetKind: 'local', declares: true, value };
      }
      switch (sym.kind) {
        case 'state':
        case 'wstate':
        case 'local': {
          const what = sym.kind === 'local' ? `the local "${name}" (first set in ${D.inUnit(sym.dim)})` : `the new value of ${sym.kind === 'state' ? 'state' : 'weight state'} "${name}"`;
          const value = c.expression(s.path, s.expr, sym.dim, what);
          noteReads(value);
          if (sym.kind !== 'local') sets.add(name);
          return { kind: 'assign', path: s.path, target: name, targetKind: sym.kind, declares: false, value };
        }
        case 'weight':
          return fail(s.path, `cannot assign to "${name}", the connection weight; keep a per-synapse value in a weight state ("weight_states")`);
        case 'param':
        case 'global':
          return fail(s.path, `cannot assign to the ${sym.kind === 'param' ? 'parameter' : 'global'} "${name}"; an event may set states${settable().length > 0 ? ` (${settable().join(', ')})` : ''}, weight states and local names`);
        case 'assigned':
          return fail(s.path, `cannot assign to the assigned quantity "${name}" (it is computed from its expression); use a state, a weight state or a new local name`);
        default: {
          const isCurrent = c.currentNames.has(name);
          return fail(s.path, `cannot assign to "${name}"${isCurrent ? ' (a current)' : sym.kind === 'ion' ? ' (an ion variable)' : ' (built in)'}; an event may set states, weight states and local names`);
        }
      }
    });
    stack.pop();
    for (const [n, l] of scope) {
      if (!l.read) {
        fail(l.path, `"${n}" is set here but never read, so it is a new local name; to change a state or a weight state, use its name${didYouMean(n, settable())}`);
      }
    }
    return out;
  };
  try {
    const statements = list(block.statements);
    return { statements, expressions, readsWeight, sets };
  } finally {
    c.eventLocals = null;
    c.eventWeight = false;
  }
}

/**
 * JavaScript for compiled statements. `expr` gives the source of an expression, `target` the
 * source of a state or weight state to assign to (locals are `l_<name>`).
 */
export function emitStatements(
  list: readonly CompiledStatement[],
  indent: string,
  expr: (c: Compiled) => string,
  target: (name: string) => string,
): string[] {
  const out: string[] = [];
  for (const s of list) {
    if (s.kind === 'if') {
      out.push(`${indent}if (${expr(s.cond)}) {`);
      out.push(...emitStatements(s.then, indent + '  ', expr, target));
      if (s.else.length > 0) {
        out.push(`${indent}} else {`);
        out.push(...emitStatements(s.else, indent + '  ', expr, target));
      }
      out.push(`${indent}}`);
    } else if (s.targetKind === 'local') {
      out.push(`${indent}${s.declares ? 'let ' : ''}l_${s.target} = ${expr(s.value)};`);
    } else {
      out.push(`${indent}${target(s.target)} = ${expr(s.value)};`);
    }
  }
  return out;
}
