/**
 * Compile a checked mechanism spec into a Mechanism: every expression is parsed and unit-checked
 * once (expr.ts), then the three kernels (initialize, current, advance) are generated as JavaScript
 * source that loops over the instance arrays, and built once with `new Function`. Per step the
 * kernels run plain arithmetic and the helpers of runtime.ts: no mathjs, no allocation.
 *
 * What the kernels compute (../../../../shared/neuron-numerics.md §4–§6, as nocmodl emits it):
 * - current: the currents at v + 0.001 and at v with the same states; rhs −= I(v),
 *   d += (I(v + 0.001) − I(v))/0.001, with I the sum of the currents in file order; an ion's
 *   current and its finite-difference conductance are added to the ion's totals; assigned
 *   quantities the currents use keep their values at v;
 * - advance (cnexp, with the new v): x ← x + (1 − exp(dt·a))·(−b/a − x) with a = −1/τ, b = x∞/τ
 *   (inf/tau form) or a = −(α + β), b = α (alpha/beta form); every right-hand side sees the states
 *   at the start of the step;
 * - initialize: x = x∞ at v_init (α/(α + β)), or the state's "initial" expression.
 */
import { ION_DEFAULTS } from '../ions.ts';
import { instanceStorage } from '../mechanism.ts';
import type {
  InstanceInit,
  IonState,
  IonUse,
  Mechanism,
  MechanismContext,
  MechanismDescription,
  MechanismInstance,
  ParamSpec,
  QuantitySpec,
} from '../mechanism.ts';
import * as D from './dims.ts';
import { MechanismFileError } from './errors.ts';
import { compile, emit, ExprError, symbols, type IR, type Scope, type SymbolInfo } from './expr.ts';
import { parseDeclaredUnit, parseExpression, type MathNode } from './mathjs.ts';
import { HELPERS } from './runtime.ts';
import { Stager } from './stage.ts';
import { compileEventBlock, emitStatements, type CompiledEventBlock } from './events.ts';
import { BUILTIN_SYMBOLS, ionVariables, WEIGHT_SYMBOL, type MechanismSpec, type StateDecl } from './spec.ts';

/** Evaluation order of user mechanisms: after every NEURON built-in, as nrnivmodl numbers them. */
export const USER_MECHANISM_ORDER = 100;

/** Density currents are checked against mA/cm², point-process currents against nA. */
const MA_PER_CM2 = D.dim([0, -2, 0, 1, 0, 0, 0, 0, 0], 10);
const NANOAMP = D.dim([0, 0, 0, 1, 0, 0, 0, 0, 0], 1e-9);
const MS = D.dim([0, 0, 1, 0, 0, 0, 0, 0, 0], 1e-3);
const PER_MS = D.dim([0, 0, -1, 0, 0, 0, 0, 0, 0], 1e3);
const MV = D.dim([1, 2, -3, -1, 0, 0, 0, 0, 0], 1e-3);
const MM = D.dim([0, -3, 0, 0, 0, 0, 1, 0, 0], 1);
/** The connection weight's unit inside net_receive (a protocol's weight_uS), as a declared "uS" reads (mathjs loads lazily). */
let microsiemensDim: D.Dim | undefined;
function microsiemens(): D.Dim {
  microsiemensDim ??= parseDeclaredUnit('uS').dim;
  return microsiemensDim;
}

/** `wstate`: weight states (changed by events only); `weight` and `local` exist inside net_receive only. */
type SymKind = 'v' | 'time' | 'block' | 'param' | 'global' | 'state' | 'wstate' | 'ion' | 'assigned' | 'weight' | 'local';

/** What an expression depends on, transitively. */
interface Flags {
  /** Differs between instances (v, parameters, states, ions). */
  inst: boolean;
  v: boolean;
  state: boolean;
  /** Parameters or ion variables (not allowed in tabulated rates). */
  local: boolean;
  /** t (not allowed in tabulated rates). */
  time: boolean;
}

const NO_FLAGS: Flags = { inst: false, v: false, state: false, local: false, time: false };

function orFlags(a: Flags, b: Flags): Flags {
  return { inst: a.inst || b.inst, v: a.v || b.v, state: a.state || b.state, local: a.local || b.local, time: a.time || b.time };
}

export interface Sym {
  kind: SymKind;
  dim: D.Dim;
  /** For ion variables. */
  ion?: string;
  /** Ion variables: e, ci, co, or i (the ion's total current, read by a mechanism that does not write it); concentration states: ci or co. */
  field?: 'e' | 'ci' | 'co' | 'i';
}

/** A compiled expression: IR in its target unit and the assigned names it reads. */
export interface Compiled {
  readonly ir: IR;
  readonly flags: Flags;
  /** Assigned quantities read directly. */
  readonly reads: readonly string[];
  /** Every symbol read directly. */
  readonly syms: ReadonlySet<string>;
}

export interface CompiledAssigned extends Compiled {
  readonly name: string;
  readonly dim: D.Dim;
  readonly unit: string;
  readonly description?: string;
}

interface CompiledState {
  readonly decl: StateDecl;
  readonly first: Compiled;
  readonly second: Compiled;
  readonly initial?: Compiled;
}

interface CompiledCurrent extends Compiled {
  readonly name: string;
  readonly ion?: string;
  readonly description?: string;
}

export interface UserInstance extends MechanismInstance {
  readonly globals: Readonly<Record<string, number>>;
  readonly ions: Readonly<Record<string, IonState>>;
  /** Point processes: 100/area of each instance's node (nA → mA/cm²). */
  readonly scale: Float64Array | null;
  readonly useTable: boolean;
  table: Float64Array | null;
  tableCelsius: number;
  /** post_spike: v at each instance's node after the previous step (v_init after finitialize). */
  readonly postVPrev: Float64Array | null;
}

/** A user mechanism: a Mechanism plus what it was compiled from and the generated source. */
export interface UserMechanism extends Mechanism<UserInstance> {
  readonly spec: MechanismSpec;
  /** The generated kernels, JavaScript (for inspection: `dendrite mechanisms --file F --code`). */
  readonly code: string;
  /** The spec lowered as `lowerMechanism` gives it (other code generators read it: the batch's WebAssembly kernels). */
  readonly lowered: LoweredMechanism;
}

function fail(spec: MechanismSpec, path: string, message: string): never {
  throw new MechanismFileError(spec.file, path, message);
}

/** Symbol table and expression compilation for one spec. */
export class Compiler {
  readonly syms = new Map<string, Sym>();
  readonly assigned = new Map<string, CompiledAssigned>();
  /** Where each assigned is declared, for "defined later" messages. */
  readonly assignedPath = new Map<string, string>();
  readonly currentNames = new Set<string>();
  /** The assigned quantity being compiled (for "refers to itself"). */
  compiling: string | undefined;
  /** While compiling net_receive: its local names, innermost block last (events.ts). */
  eventLocals: Map<string, { readonly dim: D.Dim }>[] | null = null;
  /** While compiling net_receive (not post_spike): the connection weight is a symbol. */
  eventWeight = false;

  constructor(readonly spec: MechanismSpec) {
    this.syms.set('v', { kind: 'v', dim: MV });
    this.syms.set('t', { kind: 'time', dim: MS });
    this.syms.set('dt', { kind: 'block', dim: MS });
    this.syms.set('celsius', { kind: 'block', dim: D.ONE });
    for (const x of ionVariables()) this.syms.set(x.name, { kind: 'ion', dim: x.field === 'e' ? MV : MM, ion: x.ion, field: x.field });
    for (const p of spec.parameters) this.syms.set(p.name, { kind: 'param', dim: p.dim });
    for (const g of spec.globals) this.syms.set(g.name, { kind: 'global', dim: g.dim });
    if (spec.rateTable) this.syms.set('usetable', { kind: 'global', dim: D.ONE });
    for (const s of spec.states) {
      // a concentration state is the ion's ci or co at the node
      this.syms.set(s.name, s.ion === undefined ? { kind: 'state', dim: s.dim } : { kind: 'state', dim: s.dim, ion: s.ion, field: s.name.endsWith('i') ? 'ci' : 'co' });
    }
    // The total current of an ion this mechanism does not write (NMODL USEION ca READ ica), mA/cm².
    const written = new Set(spec.currents.filter((c) => c.ion !== undefined).map((c) => c.ion!));
    for (const ion of Object.keys(ION_DEFAULTS)) {
      if (!written.has(ion)) this.syms.set(`i${ion}`, { kind: 'ion', dim: MA_PER_CM2, ion, field: 'i' });
    }
    for (const w of spec.weightStates) this.syms.set(w.name, { kind: 'wstate', dim: w.dim });
    spec.assigned.forEach((a) => this.assignedPath.set(a.name, a.path));
    for (const c of spec.currents) this.currentNames.add(c.name);
  }

  flagsOf(name: string): Flags {
    const s = this.syms.get(name)!;
    switch (s.kind) {
      case 'v':
        return { ...NO_FLAGS, inst: true, v: true };
      case 'time':
        return { ...NO_FLAGS, time: true };
      case 'param':
      case 'ion':
        return { ...NO_FLAGS, inst: true, local: true };
      case 'state':
      case 'wstate':
      case 'weight':
      case 'local':
        return { ...NO_FLAGS, inst: true, state: true };
      case 'assigned':
        return this.assigned.get(name)!.flags;
      default:
        return NO_FLAGS;
    }
  }

  /** A symbol by name, with net_receive's weight and locals while it is compiled. */
  sym(name: string): Sym | undefined {
    const locals = this.eventLocals;
    if (locals !== null) {
      for (let k = locals.length - 1; k >= 0; k--) {
        const l = locals[k].get(name);
        if (l !== undefined) return { kind: 'local', dim: l.dim };
      }
      if (name === WEIGHT_SYMBOL && this.eventWeight) return { kind: 'weight', dim: microsiemens() };
    }
    return this.syms.get(name);
  }

  scope(unitsOff: boolean): Scope {
    const self = this;
    return {
      unitsOff,
      lookup(name: string): SymbolInfo | undefined {
        const s = self.sym(name);
        return s ? { dim: s.dim } : undefined;
      },
      refuse(name: string): string | undefined {
        if (name === WEIGHT_SYMBOL && self.spec.netReceive !== undefined) {
          return self.eventLocals !== null ? 'is the connection weight, which a post_spike block does not have (no connection delivers it)' : 'is the connection weight, known only inside "net_receive"';
        }
        if (name === self.compiling) return 'refers to itself; an assigned quantity may only use the ones above it';
        if (self.assignedPath.has(name)) return `is defined later (${self.assignedPath.get(name)}); an assigned quantity may only use the ones above it`;
        if (self.currentNames.has(name)) return 'is a current; expressions cannot read currents';
        const ion = /^(?:e([a-z]+)|([a-z]+)[io]|i([a-z]+))$/.exec(name);
        const which = ion ? ion[1] ?? ion[2] ?? ion[3] : undefined;
        if (which && (which === 'ca' || which === 'cl') && !ION_DEFAULTS[which]) {
          return `belongs to ion ${which}, which Dendrite does not model yet (known: ${Object.keys(ION_DEFAULTS).join(', ')})`;
        }
        return undefined;
      },
      names: () => [...self.syms.keys(), ...(self.eventWeight ? [WEIGHT_SYMBOL] : []), ...(self.eventLocals ?? []).flatMap((m) => [...m.keys()])],
    };
  }

  /**
   * Parse, check and convert one expression. `target`: the unit the result must have (converted
   * to it), or undefined to keep the expression's own unit. Returns the compiled expression and its dim.
   */
  expression(path: string, textIn: string, target: D.Dim | undefined, what: string, unitsOff = false): Compiled & { dim: D.Dim } {
    let node: MathNode;
    try {
      node = parseExpression(textIn);
    } catch (e) {
      fail(this.spec, path, `cannot parse "${textIn}": ${(e as Error).message}`);
    }
    let val;
    try {
      val = compile(node, this.scope(unitsOff));
    } catch (e) {
      if (e instanceof ExprError) fail(this.spec, path, `${e.message}${e.message.includes(`"${textIn}"`) ? '' : ` (in "${textIn}")`}`);
      throw e;
    }
    if (val.bool) fail(this.spec, path, `"${textIn}" is a condition (true/false); give a number, e.g. "${textIn} ? 1 : 0"`);
    let ir = val.ir;
    let dim = val.dim;
    if (target !== undefined) {
      if (unitsOff) {
        dim = target;
      } else {
        if (!D.sameDims(val.dim, target)) {
          fail(this.spec, path, `"${textIn}" is ${D.inUnit(val.dim)}, but ${what} must be ${D.inUnit(target)}`);
        }
        const f = D.factor(val.dim, target);
        if (f !== 1) ir = { k: 'bin', op: '*', a: ir, b: { k: 'num', v: f } };
        dim = target;
      }
    }
    const syms = symbols(ir);
    let flags = NO_FLAGS;
    const reads: string[] = [];
    for (const s of syms) {
      const sym = this.sym(s)!;
      if (sym.kind === 'weight' || sym.kind === 'local') {
        flags = orFlags(flags, { ...NO_FLAGS, inst: true, state: true });
        continue;
      }
      flags = orFlags(flags, this.flagsOf(s));
      if (sym.kind === 'assigned') reads.push(s);
    }
    return { ir, flags, reads, syms, dim };
  }

  /** A condition (a comparison, `and`/`or`/`not`), for net_receive's `if`. */
  condition(path: string, textIn: string): Compiled {
    let node: MathNode;
    try {
      node = parseExpression(textIn);
    } catch (e) {
      fail(this.spec, path, `cannot parse "${textIn}": ${(e as Error).message}`);
    }
    let val;
    try {
      val = compile(node, this.scope(false));
    } catch (e) {
      if (e instanceof ExprError) fail(this.spec, path, `${e.message}${e.message.includes(`"${textIn}"`) ? '' : ` (in "${textIn}")`}`);
      throw e;
    }
    if (!val.bool) fail(this.spec, path, `"${textIn}" is a number, not a condition; compare it, e.g. "${textIn} > 0"`);
    const syms = symbols(val.ir);
    const reads = [...syms].filter((n) => this.sym(n)?.kind === 'assigned');
    return { ir: val.ir, flags: { ...NO_FLAGS, inst: true, state: true }, reads, syms };
  }

  run(): { assigned: CompiledAssigned[]; states: CompiledState[]; currents: CompiledCurrent[]; weightInitial: Compiled[] } {
    const spec = this.spec;
    const assigned: CompiledAssigned[] = [];
    for (const a of spec.assigned) {
      this.compiling = a.name;
      const c = this.expression(`${a.path}.expr`, a.expr, a.dim, `"${a.name}" (declared "${a.unit}")`, a.unitsOff);
      const ca: CompiledAssigned = { ...c, name: a.name, unit: a.unit ?? unitSpelling(c.dim), description: a.description };
      this.assigned.set(a.name, ca);
      this.assignedPath.delete(a.name);
      this.syms.set(a.name, { kind: 'assigned', dim: c.dim });
      assigned.push(ca);
    }
    this.compiling = undefined;
    const states = spec.states.map((s): CompiledState => {
      const [k1, k2] = s.form === 'inf_tau' ? ['inf', 'tau'] : ['alpha', 'beta'];
      const first = this.expression(`${s.path}.${k1}`, s.first, s.form === 'inf_tau' ? s.dim : PER_MS, s.form === 'inf_tau' ? `the steady state of ${s.name} (the state's unit)` : 'a rate constant');
      const second = this.expression(`${s.path}.${k2}`, s.second, s.form === 'inf_tau' ? MS : PER_MS, s.form === 'inf_tau' ? 'a time constant' : 'a rate constant');
      if (s.form === 'alpha_beta' && !D.isDimensionless(s.dim)) {
        fail(spec, `${s.path}.unit`, `alpha/beta kinetics are for gates (unit 1); state "${s.name}" is in ${s.unit}: use "inf" and "tau"`);
      }
      const initial = s.initial === undefined ? undefined : this.expression(`${s.path}.initial`, s.initial, s.dim, `the initial value of ${s.name}`);
      const init0 = initial ?? first;
      const initNeedsState = initial ? initial.flags.state : first.flags.state || (s.form === 'alpha_beta' && second.flags.state);
      if (initNeedsState) {
        fail(spec, `${s.path}.${initial ? 'initial' : k1}`, `the initial value of "${s.name}" depends on a state (${[...init0.syms].join(', ')}); give an "initial" expression that does not`);
      }
      return { decl: s, first, second, initial };
    });
    const weightInitial = spec.weightStates.map((w) => {
      const init = this.expression(`${w.path}.initial`, w.initial, w.dim, `the initial value of weight state "${w.name}" (its unit)`);
      if (init.flags.state) fail(spec, `${w.path}.initial`, `the initial value of "${w.name}" depends on a state (${[...init.syms].join(', ')}); use parameters and globals`);
      return init;
    });
    const currents = spec.currents.map((c): CompiledCurrent => {
      const target = spec.kind === 'density' ? MA_PER_CM2 : NANOAMP;
      const what = spec.kind === 'density' ? 'a density mechanism\'s current' : 'a point process\'s current';
      const cc = this.expression(`${c.path}.expr`, c.expr, target, what);
      return { ...cc, name: c.name, ion: c.ion, description: c.description };
    });
    if (spec.rateTable) {
      for (const s of states) {
        for (const [k, c] of [['first', s.first], ['second', s.second]] as const) {
          const key = s.decl.form === 'inf_tau' ? (k === 'first' ? 'inf' : 'tau') : k === 'first' ? 'alpha' : 'beta';
          if (c.flags.local || c.flags.state || c.flags.time) {
            fail(spec, spec.rateTable.path, `${s.decl.name}'s ${key} depends on ${c.flags.state ? 'a state' : c.flags.time ? 't' : 'a parameter or an ion'}; a rate table can only tabulate functions of v, celsius, dt and globals`);
          }
        }
      }
    }
    return { assigned, states, currents, weightInitial };
  }
}

/** A unit string for an inferred dimension (descriptions only). */
function unitSpelling(dim: D.Dim): string {
  const s = D.formatDim(dim);
  return s === 'dimensionless' ? '1' : s;
}

/** The named quantities of `all` (in their order) that the names `roots` read need, transitively. */
export function readClosure<T extends { readonly name: string; readonly reads: readonly string[] }>(all: readonly T[], roots: readonly string[]): T[] {
  const need = new Set<string>();
  const byName = new Map(all.map((a) => [a.name, a]));
  const visit = (names: readonly string[]) => {
    for (const n of names) {
      if (need.has(n)) continue;
      need.add(n);
      visit(byName.get(n)!.reads);
    }
  };
  visit(roots);
  return all.filter((a) => need.has(a.name));
}

/** The assigned quantities (in declaration order) that `roots` need, transitively. */
function closure(all: readonly CompiledAssigned[], roots: readonly Compiled[]): CompiledAssigned[] {
  return readClosure(all, roots.flatMap((r) => r.reads));
}

const Q = JSON.stringify;

/** Code generation for one compiled mechanism. */
class Generator {
  constructor(
    readonly spec: MechanismSpec,
    readonly c: Compiler,
    readonly assigned: readonly CompiledAssigned[],
    readonly states: readonly CompiledState[],
    readonly currents: readonly CompiledCurrent[],
    readonly weightInitial: readonly Compiled[] = [],
    readonly events: CompiledEventBlock | null = null,
    readonly post: { block: CompiledEventBlock; threshold: Compiled } | null = null,
    readonly before: CompiledEventBlock | null = null,
  ) {}

  /** Header declarations collected while emitting a kernel body. */
  private used = new Map<string, string>();

  private resetUsed(): void {
    this.used = new Map();
  }

  private declare(local: string, init: string): string {
    if (!this.used.has(local)) this.used.set(local, init);
    return local;
  }

  private header(): string[] {
    return [...this.used.entries()].map(([k, v]) => `  const ${k} = ${v};`);
  }

  /** Source for a symbol: `pass` '0'/'1' in the current kernel's two evaluations, '' elsewhere. */
  private resolve(name: string, pass: '' | '0' | '1', vName: string): string {
    const s = this.c.syms.get(name)!;
    switch (s.kind) {
      case 'v':
        return vName;
      case 'time':
        return this.declare('t', 'ctx.t');
      case 'block':
        return this.declare(name, `ctx.${name}`);
      case 'state':
        if (s.ion !== undefined) {
          return `${this.declare(`${s.field === 'ci' ? 'CI' : 'CO'}_${s.ion}`, `inst.ions[${Q(s.ion)}].${s.field}`)}[node]`;
        }
        return `${this.declare(`S_${name}`, `inst.vars[${Q(name)}]`)}[j]`;
      case 'param':
      case 'wstate':
        return `${this.declare(`${s.kind === 'param' ? 'P' : 'S'}_${name}`, `inst.vars[${Q(name)}]`)}[j]`;
      case 'weight':
      case 'local':
        throw new Error(`internal: ${name} outside net_receive`);
      case 'global':
        return this.declare(`G_${name}`, `inst.globals[${Q(name)}]`);
      case 'ion': {
        const field = s.field!;
        const prefix = field === 'e' ? 'E' : field === 'ci' ? 'CI' : field === 'i' ? 'II' : 'CO';
        return `${this.declare(`${prefix}_${s.ion}`, `inst.ions[${Q(s.ion)}].${field}`)}[node]`;
      }
      case 'assigned': {
        const a = this.c.assigned.get(name)!;
        if (!a.flags.inst) return `b_${name}`;
        if (pass !== '' && a.flags.v) return `a${pass}_${name}`;
        return `a_${name}`;
      }
    }
  }

  private expr(c: Compiled, pass: '' | '0' | '1' = '', vName = 'v'): string {
    return emit(c.ir, (n) => this.resolve(n, pass, vName));
  }

  /** `const b_x = ...;` for block-level assigned quantities, before the loop. */
  private blockLines(list: readonly CompiledAssigned[], indent: string): string[] {
    return list.filter((a) => !a.flags.inst).map((a) => `${indent}const b_${a.name} = ${this.expr(a)};`);
  }

  private instLines(list: readonly CompiledAssigned[], indent: string, vName = 'v'): string[] {
    return list.filter((a) => a.flags.inst).map((a) => `${indent}const a_${a.name} = ${this.expr(a, '', vName)};`);
  }

  /** Table columns: per state, its two rate expressions. */
  private tableColumns(): Compiled[] {
    return this.states.flatMap((s) => [s.first, s.second]);
  }

  /** Lookup of every state's two rates at v into r_<state>_1, r_<state>_2 (nocmodl's table code). */
  private lookupLines(indent: string): string[] {
    const t = this.spec.rateTable!;
    const ncol = 2 * this.states.length;
    const cols = this.states.flatMap((s) => [`r_${s.decl.name}_1`, `r_${s.decl.name}_2`]);
    const lines = [`${indent}let ${cols.join(', ')};`];
    lines.push(`${indent}const xi = ${1 / ((t.to - t.from) / t.steps)} * (v - ${lit(t.from)});`);
    lines.push(`${indent}if (xi <= 0.0) {`);
    cols.forEach((c, k) => lines.push(`${indent}  ${c} = T[${k}];`));
    lines.push(`${indent}} else if (xi >= ${t.steps}) {`);
    cols.forEach((c, k) => lines.push(`${indent}  ${c} = T[${t.steps * ncol + k}];`));
    lines.push(`${indent}} else {`);
    lines.push(`${indent}  const i = Math.floor(xi);`);
    lines.push(`${indent}  const theta = xi - i;`);
    lines.push(`${indent}  const o = i * ${ncol};`);
    lines.push(`${indent}  let y0;`);
    cols.forEach((c, k) => {
      lines.push(`${indent}  y0 = T[o + ${k}];`);
      lines.push(`${indent}  ${c} = y0 + theta * (T[o + ${ncol + k}] - y0);`);
    });
    lines.push(`${indent}}`);
    return lines;
  }

  /** Largest exp batch of any staged loop body (size of the scratch array E). */
  batch = 1;

  /** A user IR with its symbols replaced by their kernel source (for the stager). */
  private bound(c: Compiled | IR, pass: '' | '0' | '1' = '', vName = 'v'): IR {
    const sub = (ir: IR): IR => {
      switch (ir.k) {
        case 'sym':
          return { k: 'raw', code: this.resolve(ir.name, pass, vName) };
        case 'bin':
          return { ...ir, a: sub(ir.a), b: sub(ir.b) };
        case 'neg':
        case 'not':
          return { ...ir, a: sub(ir.a) };
        case 'call':
          return { ...ir, args: ir.args.map(sub) };
        case 'cond':
          return { ...ir, c: sub(ir.c), a: sub(ir.a), b: sub(ir.b) };
        default:
          return ir;
      }
    };
    return sub('ir' in c ? c.ir : c);
  }

  private stager(): Stager {
    return new Stager((n) => this.resolve(n, '', 'v'), 't_');
  }

  private finish(st: Stager, indent: string): string[] {
    this.batch = Math.max(this.batch, st.batchSize());
    return st.lines(indent);
  }

  /** Exact rates of `which` into r_<state>_1 (and _2) (the instance-level assigned must be defined). */
  private rateDefs(st: Stager, which: readonly CompiledState[], onlyFirst = false): void {
    for (const s of which) {
      st.def(`r_${s.decl.name}_1`, this.bound(s.first));
      if (!onlyFirst || s.decl.form === 'alpha_beta') st.def(`r_${s.decl.name}_2`, this.bound(s.second));
    }
  }

  private steadyState(s: CompiledState): IR {
    const n = s.decl.name;
    const r1: IR = { k: 'raw', code: `r_${n}_1` };
    if (s.decl.form === 'inf_tau') return r1;
    return { k: 'bin', op: '/', a: r1, b: { k: 'bin', op: '+', a: r1, b: { k: 'raw', code: `r_${n}_2` } } };
  }

  private tableCols(): string[] {
    return this.states.flatMap((s) => [`r_${s.decl.name}_1`, `r_${s.decl.name}_2`]);
  }

  initialize(): string {
    this.resetUsed();
    const body: string[] = [];
    const table = this.spec.rateTable !== undefined;
    // The table is (re)built here, at finitialize, when missing or made for another celsius.
    if (table) {
      this.declare('celsius', 'ctx.celsius');
      body.push('  if (inst.useTable && (inst.table === null || inst.tableCelsius !== celsius)) {');
      body.push('    inst.table = buildTable(inst, ctx);');
      body.push('    inst.tableCelsius = celsius;');
      body.push('  }');
    }
    const explicit = this.states.filter((s) => s.initial);
    // a concentration state without "initial" keeps the ion's initial concentration (no INITIAL)
    const implicit = this.states.filter((s) => !s.initial && s.decl.ion === undefined);
    const loop = (useTable: boolean, indent: string): string[] => {
      const roots: Compiled[] = [...explicit.map((s) => s.initial!), ...this.weightInitial];
      if (!useTable) for (const s of implicit) roots.push(s.first, ...(s.decl.form === 'alpha_beta' ? [s.second] : []));
      const need = closure(this.assigned, roots);
      const lines = [...this.blockLines(need, indent)];
      lines.push(`${indent}for (let j = 0; j < count; j++) {`);
      const inner = indent + '  ';
      lines.push(`${inner}const node = nodes[j];`);
      lines.push(`${inner}const v = V[node];`);
      const st = this.stager();
      if (useTable && implicit.length > 0) st.pre(this.lookupLines(''), this.tableCols());
      for (const a of need) if (a.flags.inst) st.def(`a_${a.name}`, this.bound(a));
      if (!useTable) this.rateDefs(st, implicit, true);
      for (const s of explicit) st.def(`x_${s.decl.name}`, this.bound(s.initial!));
      for (const s of implicit) st.def(`x_${s.decl.name}`, this.steadyState(s));
      this.spec.weightStates.forEach((w, k) => st.def(`w_${w.name}`, this.bound(this.weightInitial[k])));
      for (const s of this.states.filter((x) => x.initial || x.decl.ion === undefined)) st.tail(`${this.resolve(s.decl.name, '', 'v')} = x_${s.decl.name};`);
      for (const w of this.spec.weightStates) st.tail(`${this.resolve(w.name, '', 'v')} = w_${w.name};`);
      lines.push(...this.finish(st, inner));
      lines.push(`${indent}}`);
      return lines;
    };
    if (this.states.some((s) => s.initial || s.decl.ion === undefined) || this.weightInitial.length > 0) {
      if (table) {
        const withTable = loop(true, '    ');
        const exact = loop(false, '    ');
        body.push('  const T = inst.table;', '  if (T !== null) {', ...withTable, '  } else {', ...exact, '  }');
      } else {
        body.push(...loop(false, '  '));
      }
    }
    if (this.post !== null) {
      body.push('  const PV = inst.postVPrev;', '  for (let j = 0; j < count; j++) PV[j] = V[nodes[j]];');
    }
    this.declare('count', 'inst.count');
    this.declare('nodes', 'inst.nodes');
    this.declare('V', 'ctx.v');
    return ['function initialize(inst, ctx) {', ...this.header(), ...body, '}'].join('\n');
  }

  current(): string {
    if (this.currents.length === 0) return 'function current(inst, ctx) {}';
    this.resetUsed();
    this.declare('count', 'inst.count');
    this.declare('nodes', 'inst.nodes');
    this.declare('V', 'ctx.v');
    this.declare('rhs', 'ctx.rhs');
    this.declare('d', 'ctx.d');
    const point = this.spec.kind === 'point';
    if (point) this.declare('SCALE', 'inst.scale');
    const need = closure(this.assigned, this.currents);
    const body: string[] = [...this.blockLines(need, '  ')];
    body.push('  for (let j = 0; j < count; j++) {');
    const I = '    ';
    body.push(`${I}const node = nodes[j];`);
    body.push(`${I}const v0 = V[node];`);
    body.push(`${I}const v1 = v0 + 0.001;`);
    const st = this.stager();
    // Assigned quantities that do not depend on v: once.
    for (const a of need) if (a.flags.inst && !a.flags.v) st.def(`a_${a.name}`, this.bound(a, '0', 'v0'));
    // BREAKPOINT at v + 0.001, then at v (whose values are kept).
    for (const pass of ['1', '0'] as const) {
      const vName = `v${pass}`;
      for (const a of need) if (a.flags.v) st.def(`a${pass}_${a.name}`, this.bound(a, pass, vName));
      for (const c of this.currents) st.def(`c${pass}_${c.name}`, this.bound(c, pass, vName));
      // I = the currents summed left to right in file order
      const sum = this.currents
        .map((c): IR => ({ k: 'raw', code: `c${pass}_${c.name}` }))
        .reduce((acc, x) => ({ k: 'bin', op: '+', a: acc, b: x }));
      st.def(`i${pass}`, sum);
    }
    for (const a of need) {
      if (!a.flags.inst) continue;
      const arr = this.declare(`X_${a.name}`, `inst.vars[${Q(a.name)}]`);
      st.tail(`${arr}[j] = ${a.flags.v ? `a0_${a.name}` : `a_${a.name}`};`);
    }
    for (const c of this.currents) {
      const arr = this.declare(`C_${c.name}`, `inst.vars[${Q(c.name)}]`);
      st.tail(`${arr}[j] = c0_${c.name};`);
    }
    for (const c of this.currents) {
      if (!c.ion) continue;
      const ii = this.declare(`II_${c.ion}`, `inst.ions[${Q(c.ion)}].i`);
      const di = this.declare(`DI_${c.ion}`, `inst.ions[${Q(c.ion)}].didv`);
      if (point) {
        // nocmodl: _ion_ina += ina * 1.e2/(_nd_area); _ion_dinadv += (_dina - ina)/.001 * 1.e2/(_nd_area)
        this.declare('AREA', 'inst.area');
        st.tail(`${ii}[node] += c0_${c.name} * 100.0 / AREA[node];`);
        st.tail(`${di}[node] += (c1_${c.name} - c0_${c.name}) / 0.001 * 100.0 / AREA[node];`);
      } else {
        st.tail(`${ii}[node] += c0_${c.name};`);
        st.tail(`${di}[node] += (c1_${c.name} - c0_${c.name}) / 0.001;`);
      }
    }
    if (point && this.spec.electrode === true) {
      // ELECTRODE_CURRENT: the current is injected (nocmodl: rhs += i, d -= di/dv)
      st.tail('const f = SCALE[j];');
      st.tail('rhs[node] += i0 * f;');
      st.tail('d[node] -= ((i1 - i0) / 0.001) * f;');
    } else if (point) {
      st.tail('const f = SCALE[j];');
      st.tail('rhs[node] -= i0 * f;');
      st.tail('d[node] += ((i1 - i0) / 0.001) * f;');
    } else {
      st.tail('rhs[node] -= i0;');
      st.tail('d[node] += (i1 - i0) / 0.001;');
    }
    body.push(...this.finish(st, I));
    body.push('  }');
    return ['function current(inst, ctx) {', ...this.header(), ...body, '}'].join('\n');
  }

  advance(): string {
    if (this.states.length === 0 && this.post === null) return 'const advance = undefined;';
    this.resetUsed();
    this.declare('count', 'inst.count');
    this.declare('nodes', 'inst.nodes');
    this.declare('V', 'ctx.v');
    this.declare('dt', 'ctx.dt');
    const table = this.spec.rateTable !== undefined;
    const raw = (code: string): IR => ({ k: 'raw', code });
    const num = (v: number): IR => ({ k: 'num', v });
    const loop = (useTable: boolean, indent: string): string[] => {
      const need = useTable ? [] : closure(this.assigned, this.states.flatMap((s) => [s.first, s.second]));
      const lines = [...this.blockLines(need, indent)];
      lines.push(`${indent}for (let j = 0; j < count; j++) {`);
      const inner = indent + '  ';
      lines.push(`${inner}const node = nodes[j];`);
      lines.push(`${inner}const v = V[node];`);
      const st = this.stager();
      if (useTable) st.pre(this.lookupLines(''), this.tableCols());
      for (const a of need) if (a.flags.inst) st.def(`a_${a.name}`, this.bound(a));
      if (!useTable) this.rateDefs(st, this.states);
      // Every right-hand side sees the states at the start of the step; the new values are
      // stored after all of them (the tail).
      for (const s of this.states) {
        const n = s.decl.name;
        const x = raw(this.resolve(n, '', 'v'));
        const r1 = raw(`r_${n}_1`);
        const r2 = raw(`r_${n}_2`);
        // inf/tau: a = -1/tau, b = inf/tau; alpha/beta: a = -(alpha + beta), b = alpha
        const a: IR = s.decl.form === 'inf_tau'
          ? { k: 'bin', op: '/', a: num(-1), b: r2 }
          : { k: 'neg', a: { k: 'bin', op: '+', a: r1, b: r2 } };
        st.def(`ca_${n}`, a);
        const minusBOverA: IR = s.decl.form === 'inf_tau'
          ? { k: 'bin', op: '/', a: { k: 'neg', a: { k: 'bin', op: '/', a: r1, b: r2 } }, b: raw(`ca_${n}`) }
          : { k: 'bin', op: '/', a: { k: 'neg', a: r1 }, b: raw(`ca_${n}`) };
        // x + (1 - exp(dt*a))*(-b/a - x)
        st.def(`nx_${n}`, {
          k: 'bin', op: '+', a: x,
          b: {
            k: 'bin', op: '*',
            a: { k: 'bin', op: '-', a: num(1), b: { k: 'call', fn: 'exp', args: [{ k: 'bin', op: '*', a: raw('dt'), b: raw(`ca_${n}`) }] } },
            b: { k: 'bin', op: '-', a: minusBOverA, b: x },
          },
        });
        st.tail(`${this.resolve(n, '', 'v')} = nx_${n};`);
      }
      lines.push(...this.finish(st, inner));
      if (this.post !== null) lines.push(...this.postDetection(inner));
      lines.push(`${indent}}`);
      return lines;
    };
    const body: string[] = [];
    if (table) {
      const withTable = loop(true, '    ');
      const exact = loop(false, '    ');
      body.push('  const T = inst.table;', '  if (T !== null) {', ...withTable, '  } else {', ...exact, '  }');
    } else {
      body.push(...loop(false, '  '));
    }
    return ['function advance(inst, ctx) {', ...this.header(), ...body, '}'].join('\n');
  }

  /**
   * NMODL NET_RECEIVE for instance j (events.ts): the assigned quantities the statements read, at
   * the arrival of the event, then the statements in order; ctx.t is the event time.
   */
  netReceive(): string {
    if (this.events === null) return 'const netReceive = undefined;';
    return this.eventFunction('netReceive', 'weight', this.events);
  }

  /**
   * post_spike: after the states' update, an upward crossing of the threshold by v at the
   * synapse's node (v − θ > 0 now, not before) calls postSpike with the crossing time interpolated
   * linearly within the step, t_{n+1} − dt + dt·(θ − v_n)/(v_{n+1} − v_n), as
   * src/plasticity/synapse.ts detects postsynaptic spikes. v_n is the previous step's value
   * (v_init after finitialize).
   */
  private postDetection(indent: string): string[] {
    const post = this.post!;
    const thr = this.expr(post.threshold);
    const PV = this.declare('PV', 'inst.postVPrev');
    this.declare('t', 'ctx.t');
    return [
      `${indent}const thr = ${thr};`,
      `${indent}const pv = ${PV}[j];`,
      `${indent}${PV}[j] = v;`,
      `${indent}if (v - thr > 0 && !(pv - thr > 0)) postSpike(inst, j, t - dt + (dt * (thr - pv)) / (v - pv), ctx);`,
    ];
  }

  postSpike(): string {
    if (this.post === null) return 'const postSpike = undefined;';
    return this.eventFunction('postSpike', 'tPost', this.post.block);
  }

  /**
   * NMODL BEFORE BREAKPOINT: for every instance, the assigned quantities the statements read, then
   * the statements (t is ctx.t, v the node's v). The engine calls it at the start of every current
   * evaluation, before any mechanism's current.
   */
  beforeBreakpoint(): string {
    if (this.before === null) return 'const beforeBreakpoint = undefined;';
    this.resetUsed();
    this.declare('count', 'inst.count');
    this.declare('nodes', 'inst.nodes');
    this.declare('V', 'ctx.v');
    const need = closure(this.assigned, this.before.expressions);
    const body: string[] = [...this.blockLines(need, '  ')];
    body.push('  for (let j = 0; j < count; j++) {');
    body.push('    const node = nodes[j];');
    body.push('    const v = V[node];');
    body.push(...this.instLines(need, '    '));
    const local = (n: string): string | undefined => (this.c.syms.has(n) ? undefined : `l_${n}`);
    const expr = (x: Compiled) => emit(x.ir, (n) => local(n) ?? this.resolve(n, '', 'v'));
    body.push(...emitStatements(this.before.statements, '    ', expr, (n) => this.resolve(n, '', 'v')));
    body.push('  }');
    return ['function beforeBreakpoint(inst, ctx) {', ...this.header(), ...body, '}'].join('\n');
  }

  /** An event kernel for instance j: the assigned quantities the statements read, then the statements. */
  private eventFunction(name: string, third: string, ev: CompiledEventBlock): string {
    this.resetUsed();
    // in postSpike, t is the crossing time (the third argument)
    if (third === 'tPost') this.declare('t', 'tPost');
    this.declare('nodes', 'inst.nodes');
    this.declare('V', 'ctx.v');
    const need = closure(this.assigned, ev.expressions);
    const body: string[] = [...this.blockLines(need, '  ')];
    body.push('  const node = nodes[j];');
    body.push('  const v = V[node];');
    body.push(...this.instLines(need, '  '));
    const local = (n: string): string | undefined => (this.c.syms.has(n) ? undefined : n === WEIGHT_SYMBOL ? 'weight' : `l_${n}`);
    const expr = (x: Compiled) => emit(x.ir, (n) => local(n) ?? this.resolve(n, '', 'v'));
    body.push(...emitStatements(ev.statements, '  ', expr, (n) => this.resolve(n, '', 'v')));
    return [`function ${name}(inst, j, ${third}, ctx) {`, ...this.header(), ...body, '}'].join('\n');
  }

  /** NEURON's TABLE: rows at from, from + dx, ... (grid by repeated addition), each row every state's two rates. */
  buildTable(): string {
    const t = this.spec.rateTable;
    if (!t) return 'const buildTable = undefined;';
    this.resetUsed();
    const cols = this.tableColumns();
    const ncol = cols.length;
    const need = closure(this.assigned, cols);
    const body: string[] = [...this.blockLines(need, '  ')];
    body.push(`  const T = new Float64Array(${(t.steps + 1) * ncol});`);
    body.push(`  const dx = (${lit(t.to)} - ${lit(t.from)}) / ${t.steps};`);
    body.push(`  let v = ${lit(t.from)};`);
    body.push(`  for (let i = 0; i <= ${t.steps}; v += dx, i++) {`);
    body.push(...this.instLines(need, '    '));
    cols.forEach((c, k) => body.push(`    T[i * ${ncol} + ${k}] = ${this.expr(c)};`));
    body.push('  }');
    body.push('  return T;');
    return ['function buildTable(inst, ctx) {', ...this.header(), ...body, '}'].join('\n');
  }
}

function lit(x: number): string {
  return x < 0 ? `(${x})` : String(x);
}

/**
 * How the compiled mechanism uses events (MechanismDescription.events). A weight state named `w`
 * whose initial value is a parameter (`"initial": "w_init"`) makes it a plastic synapse for
 * protocols (src/plasticity): `w` is its weight in µS, the parameter is filled from `weight_uS` or a
 * weights file.
 */
function eventsDescription(spec: MechanismSpec, events: CompiledEventBlock): NonNullable<MechanismDescription['events']> {
  const weight = events.readsWeight ? ('uS' as const) : ('ignored' as const);
  const w = spec.weightStates.find((x) => x.name === 'w');
  const init = w?.initial.trim();
  const param = init === undefined ? undefined : spec.parameters.find((p) => p.name === init);
  if (w === undefined || param === undefined) return { weight };
  // a plastic synapse: protocols give its initial weight as weight_uS (events then use w)
  return { weight: 'uS', weightState: 'w', weightInit: param.name };
}

/** Compile a checked spec into a mechanism (parses expressions with mathjs, once). */
export function compileMechanism(spec: MechanismSpec): UserMechanism {
  const c = new Compiler(spec);
  const { assigned, states, currents, weightInitial } = c.run();
  // the symbols as lowering leaves them (event blocks below add their own)
  const lowSyms = new Map(c.syms);
  const lowered: LoweredMechanism = { spec, assigned, states, currents, symbol: (name) => lowSyms.get(name) };
  const events = spec.netReceive ? compileEventBlock(c, spec.netReceive, true) : null;
  let post: { block: CompiledEventBlock; threshold: Compiled } | null = null;
  if (spec.postSpike) {
    const threshold = c.expression(`${spec.postSpike.path}.threshold`, spec.postSpike.threshold, MV, 'a threshold (a membrane potential)');
    if (threshold.flags.v || threshold.flags.state || threshold.flags.time) {
      fail(spec, `${spec.postSpike.path}.threshold`, `"${spec.postSpike.threshold}" depends on ${threshold.flags.v ? 'v' : threshold.flags.time ? 't' : 'a state'}; a threshold may use parameters and globals only`);
    }
    post = { block: compileEventBlock(c, spec.postSpike, false), threshold };
  }
  const before = spec.beforeBreakpoint ? compileEventBlock(c, spec.beforeBreakpoint, false) : null;
  for (const w of spec.weightStates) {
    if (!events?.sets.has(w.name) && !post?.block.sets.has(w.name) && !before?.sets.has(w.name)) {
      fail(spec, `${w.path}.name`, `weight state "${w.name}" is never set in "net_receive", "post_spike" or "before_breakpoint"; it would keep its initial value (use a parameter for that)`);
    }
  }
  const g = new Generator(spec, c, assigned, states, currents, weightInitial, events, post, before);
  const parts = [
    `// Generated by Dendrite from ${spec.file} (mechanism ${spec.name}). Helpers: ${Object.keys(HELPERS).join(', ')}.`,
    '"use strict";',
    g.buildTable(),
    g.initialize(),
    g.current(),
    g.advance(),
    g.netReceive(),
    g.postSpike(),
    g.beforeBreakpoint(),
  ];
  // Scratch for the batched exponentials (kernels are never re-entered, so one array serves all).
  const code = [
    ...parts.slice(0, 2),
    `const E = new Float64Array(${g.batch});`,
    ...parts.slice(2),
    'return { initialize, current, advance, buildTable, netReceive, beforeBreakpoint };',
  ].join('\n');
  let kernels: {
    initialize: (inst: UserInstance, ctx: MechanismContext) => void;
    current: (inst: UserInstance, ctx: MechanismContext) => void;
    advance?: (inst: UserInstance, ctx: MechanismContext) => void;
    netReceive?: (inst: UserInstance, k: number, weight: number, ctx: MechanismContext) => void;
    beforeBreakpoint?: (inst: UserInstance, ctx: MechanismContext) => void;
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    kernels = new Function(...Object.keys(HELPERS), code)(...Object.values(HELPERS));
  } catch (e) {
    throw new Error(`internal: generated code for ${spec.name} does not compile (${(e as Error).message}):\n${code}`);
  }

  // What the current kernel stores per instance (recordable): the assigned quantities the currents use.
  const stored = closure(assigned, currents).filter((a) => a.flags.inst);
  const ions = new Map<string, { read: Set<string>; write: Set<string> }>();
  const ionOf = (ion: string) => {
    let u = ions.get(ion);
    if (!u) {
      u = { read: new Set(), write: new Set() };
      ions.set(ion, u);
    }
    return u;
  };
  const allCompiled: { syms: ReadonlySet<string> }[] = [
    ...assigned,
    ...currents,
    ...states.flatMap((s) => [s.first, s.second, ...(s.initial ? [s.initial] : [])]),
    ...weightInitial,
    ...(events?.expressions ?? []),
    ...(post?.block.expressions ?? []),
    ...(post ? [post.threshold] : []),
    ...(before?.expressions ?? []),
  ];
  for (const x of allCompiled) {
    for (const s of x.syms) {
      const sym = c.syms.get(s);
      if (sym?.kind === 'ion') ionOf(sym.ion!).read.add(s);
    }
  }
  for (const cur of currents) if (cur.ion) ionOf(cur.ion).write.add(cur.name);
  for (const s of spec.states) if (s.ion !== undefined) ionOf(s.ion).write.add(s.name);
  const ionUses: IonUse[] = [...ions.entries()].map(([ion, u]) => ({ ion, read: [...u.read], write: [...u.write] }));

  const param = (q: (typeof spec.parameters)[number]): ParamSpec => ({
    name: q.name,
    unit: q.unit,
    default: q.default,
    ...(q.min !== undefined ? { min: q.min } : {}),
    ...(q.max !== undefined ? { max: q.max } : {}),
    ...(q.description !== undefined ? { description: q.description } : {}),
  });
  const globals: ParamSpec[] = spec.globals.map(param);
  if (spec.rateTable) {
    globals.push({ name: 'usetable', unit: '1', default: spec.rateTable.usetable, min: 0, max: 1, description: '1: rate tables as NEURON\'s TABLE, 0: exact rates' });
  }
  const currentUnit = spec.kind === 'density' ? 'mA/cm2' : 'nA';
  const description: MechanismDescription = {
    name: spec.name,
    kind: spec.kind,
    summary: spec.summary,
    source: spec.source,
    order: USER_MECHANISM_ORDER,
    params: spec.parameters.map(param),
    globals,
    states: [
      ...spec.states.filter((s) => s.ion === undefined).map((s): QuantitySpec => ({ name: s.name, unit: s.unit, ...(s.description ? { description: s.description } : {}) })),
      ...spec.weightStates.map((w): QuantitySpec => ({ name: w.name, unit: w.unit, description: w.description ?? 'weight state (set by events)' })),
    ],
    assigned: [
      ...stored.map((a): QuantitySpec => ({ name: a.name, unit: a.unit, ...(a.description ? { description: a.description } : {}) })),
      ...currents.map((x): QuantitySpec => ({ name: x.name, unit: currentUnit, ...(x.description ? { description: x.description } : {}) })),
    ],
    ions: ionUses,
    electrode: spec.electrode === true,
    ...(events !== null ? { events: eventsDescription(spec, events) } : {}),
  };

  // concentration states live in the ion's arrays (probe them as ion variables)
  const stateNames = [...spec.states.filter((s) => s.ion === undefined).map((s) => s.name), ...spec.weightStates.map((w) => w.name)];
  const storedNames = [...stored.map((a) => a.name), ...currents.map((x) => x.name)];
  const useTableDefault = spec.rateTable?.usetable ?? 0;

  const mechanism: UserMechanism = {
    description,
    spec,
    code,
    lowered,
    instantiate(init: InstanceInit): UserInstance {
      const count = init.nodes.length;
      const st = instanceStorage(init);
      const vars: Record<string, Float64Array> = {};
      for (const p of spec.parameters) vars[p.name] = init.params[p.name];
      for (const n of stateNames) vars[n] = st.f64(count);
      for (const n of storedNames) vars[n] = st.f64(count);
      let scale: Float64Array | null = null;
      if (spec.kind === 'point') {
        scale = st.f64(count);
        for (let k = 0; k < count; k++) scale[k] = 1e2 / init.area_um2[init.nodes[k]];
      }
      const usetable = spec.rateTable ? (init.globals.usetable ?? useTableDefault) : 0;
      if (usetable !== 0 && usetable !== 1) throw new RangeError(`${spec.name}: usetable must be 0 or 1, got ${usetable}`);
      const inst: UserInstance & { area: Float64Array } = {
        count,
        nodes: init.nodes,
        vars,
        globals: { ...init.globals },
        ions: init.ions,
        scale,
        useTable: usetable === 1,
        table: null,
        tableCelsius: NaN,
        postVPrev: spec.postSpike ? st.f64(count) : null,
        area: init.area_um2,
      };
      return inst;
    },
    initialize: kernels.initialize,
    current: kernels.current,
    ...(kernels.advance ? { advance: kernels.advance } : {}),
    ...(kernels.netReceive ? { netReceive: kernels.netReceive } : {}),
    ...(kernels.beforeBreakpoint ? { beforeBreakpoint: kernels.beforeBreakpoint } : {}),
  };
  return mechanism;
}

/** A spec's kinetics after checking: unit-converted expression trees (expr.ts IR), for other code generators (src/channels/ir, GPU backends). */
export interface LoweredMechanism {
  readonly spec: MechanismSpec;
  readonly assigned: readonly { readonly name: string; readonly ir: IR; readonly flags: Readonly<Flags>; readonly reads: readonly string[]; readonly unit: string }[];
  readonly states: readonly { readonly decl: StateDecl; readonly first: { readonly ir: IR }; readonly second: { readonly ir: IR }; readonly initial?: { readonly ir: IR } }[];
  readonly currents: readonly { readonly name: string; readonly ion?: string; readonly ir: IR }[];
  /** What a name in an expression refers to. */
  symbol(name: string): { readonly kind: SymKind; readonly ion?: string; readonly field?: 'e' | 'ci' | 'co' | 'i' } | undefined;
}

/** Check and lower a spec without generating kernels (the same checks and conversions as compileMechanism). */
export function lowerMechanism(spec: MechanismSpec): LoweredMechanism {
  const c = new Compiler(spec);
  const { assigned, states, currents } = c.run();
  return { spec, assigned, states, currents, symbol: (name) => c.syms.get(name) };
}
