/**
 * The mechanism file format (docs/mechanisms.md), checked key by key. Every failure names the file
 * and the JSON path. Expressions are only read as strings here; compile.ts parses and checks them.
 */
import { ION_DEFAULTS } from '../ions.ts';
import type { Dim } from './dims.ts';
import { MechanismFileError, didYouMean, show } from './errors.ts';
import { FUNCTION_NAMES } from './expr.ts';
import { parseDeclaredUnit, UnitSyntaxError } from './mathjs.ts';

export const FORMAT = 'dendrite-mechanism/1';

/** Every key the format accepts, by JSON path (`[]` = each element). docs/mechanisms.md lists them. */
export const MECHANISM_KEYS = {
  $: ['format', 'name', 'kind', 'summary', 'source', 'comment', 'parameters', 'globals', 'assigned', 'states', 'weight_states', 'currents', 'rate_table', 'net_receive', 'post_spike', 'before_breakpoint', 'electrode'],
  '$.parameters[]': ['name', 'unit', 'default', 'min', 'max', 'description', 'comment'],
  '$.globals[]': ['name', 'unit', 'default', 'min', 'max', 'description', 'comment'],
  '$.assigned[]': ['name', 'expr', 'unit', 'units_off', 'description', 'comment'],
  '$.states[]': ['name', 'unit', 'inf', 'tau', 'alpha', 'beta', 'initial', 'ion', 'description', 'comment'],
  '$.currents[]': ['name', 'expr', 'ion', 'description', 'comment'],
  '$.rate_table': ['from_mV', 'to_mV', 'steps', 'usetable', 'comment'],
  '$.weight_states[]': ['name', 'unit', 'initial', 'description', 'comment'],
  '$.net_receive': ['statements', 'comment'],
  '$.post_spike': ['threshold', 'statements', 'comment'],
  /** NMODL BEFORE BREAKPOINT: statements run for every instance at the start of every current evaluation. */
  '$.before_breakpoint': ['statements', 'comment'],
  /** A statement is a string "name = expression" or this object (`then`/`else`: statement lists). */
  '$.net_receive.statements[]': ['if', 'then', 'else', 'comment'],
} as const;

/** The connection weight inside `net_receive` (µS, as a protocol's `weight_uS`). */
export const WEIGHT_SYMBOL = 'weight';

/** Names every expression sees: v (mV), t (ms), dt (ms), celsius (plain number, °C). */
export const BUILTIN_SYMBOLS = ['v', 't', 'dt', 'celsius'] as const;

export interface Located {
  /** JSON path of the entry, e.g. `$.states[1]`. */
  readonly path: string;
}

export interface QuantityDecl extends Located {
  readonly name: string;
  /** Spelling for descriptions and protocol unit conversion ("S/cm2", "ms^-1", "1"). */
  readonly unit: string;
  readonly dim: Dim;
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  readonly description?: string;
}

export interface AssignedDecl extends Located {
  readonly name: string;
  readonly expr: string;
  readonly unit?: string;
  readonly dim?: Dim;
  readonly unitsOff: boolean;
  readonly description?: string;
}

export interface StateDecl extends Located {
  readonly name: string;
  readonly unit: string;
  readonly dim: Dim;
  readonly form: 'inf_tau' | 'alpha_beta';
  /** inf and tau, or alpha and beta. */
  readonly first: string;
  readonly second: string;
  readonly initial?: string;
  /**
   * A concentration state: the state is the ion's inside (`<ion>i`) or outside (`<ion>o`)
   * concentration at the instance's node, which the mechanism writes (NMODL USEION … WRITE cai).
   * Without "initial" it starts at the ion's initial concentration.
   */
  readonly ion?: string;
  readonly description?: string;
}

export interface CurrentDecl extends Located {
  readonly name: string;
  readonly expr: string;
  readonly ion?: string;
  readonly description?: string;
}

/** A per-synapse quantity that only events change (NMODL NET_RECEIVE weight arguments, per synapse). */
export interface WeightStateDecl extends Located {
  readonly name: string;
  readonly unit: string;
  readonly dim: Dim;
  /** Value at finitialize; may use parameters and globals, not states. */
  readonly initial: string;
  readonly description?: string;
}

/** One statement of an event block, in order: an assignment, or a conditional with two lists. */
export type StatementDecl =
  | { readonly path: string; readonly kind: 'assign'; readonly target: string; readonly expr: string; readonly text: string }
  | { readonly path: string; readonly kind: 'if'; readonly cond: string; readonly then: readonly StatementDecl[]; readonly else: readonly StatementDecl[] };

/** NMODL NET_RECEIVE: statements run, in order, when an event reaches one synapse. */
export interface EventBlockDecl extends Located {
  readonly statements: readonly StatementDecl[];
}

/** Statements run when v at the synapse's node crosses `threshold` upwards (a postsynaptic spike). */
export interface PostSpikeDecl extends EventBlockDecl {
  /** Expression in mV of parameters and globals. */
  readonly threshold: string;
}

export interface RateTableDecl extends Located {
  readonly from: number;
  readonly to: number;
  readonly steps: number;
  readonly usetable: 0 | 1;
}

export interface MechanismSpec {
  readonly file: string;
  readonly name: string;
  readonly kind: 'density' | 'point';
  readonly summary: string;
  readonly source: string;
  readonly parameters: readonly QuantityDecl[];
  readonly globals: readonly QuantityDecl[];
  readonly assigned: readonly AssignedDecl[];
  readonly states: readonly StateDecl[];
  readonly currents: readonly CurrentDecl[];
  readonly rateTable?: RateTableDecl;
  /** Point processes only. */
  readonly weightStates: readonly WeightStateDecl[];
  readonly netReceive?: EventBlockDecl;
  readonly postSpike?: PostSpikeDecl;
  /** NMODL BEFORE BREAKPOINT (density mechanisms and point processes). */
  readonly beforeBreakpoint?: EventBlockDecl;
  /** NMODL ELECTRODE_CURRENT (point processes): the currents are injected, positive depolarises. */
  readonly electrode?: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Ion variables an expression may read: e<ion> (mV), <ion>i and <ion>o (mM). */
export function ionVariables(): { name: string; ion: string; field: 'e' | 'ci' | 'co'; unit: string }[] {
  const out: { name: string; ion: string; field: 'e' | 'ci' | 'co'; unit: string }[] = [];
  for (const ion of Object.keys(ION_DEFAULTS)) {
    out.push({ name: `e${ion}`, ion, field: 'e', unit: 'mV' });
    out.push({ name: `${ion}i`, ion, field: 'ci', unit: 'mM' });
    out.push({ name: `${ion}o`, ion, field: 'co', unit: 'mM' });
  }
  return out;
}

class Reader {
  constructor(readonly file: string) {}

  fail(path: string, message: string): never {
    throw new MechanismFileError(this.file, path, message);
  }

  object(path: string, v: unknown, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${show(v)}`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(`${path}.${k}`, `unknown key "${k}"${didYouMean(k, allowed)}; allowed: ${allowed.join(', ')}`);
    }
    for (const k of required) if (!(k in o)) this.fail(`${path}.${k}`, 'missing (required)');
    return o;
  }

  array(path: string, v: unknown): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${show(v)}`);
    return v;
  }

  string(path: string, v: unknown): string {
    if (typeof v !== 'string' || v.trim().length === 0) this.fail(path, `expected a non-empty string, got ${show(v)}`);
    return v;
  }

  optString(path: string, v: unknown): string | undefined {
    return v === undefined ? undefined : this.string(path, v);
  }

  number(path: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `expected a finite number, got ${show(v)}`);
    return v;
  }

  /** An expression: a string, or a plain number (a dimensionless constant). */
  expr(path: string, v: unknown): string {
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v !== 'string' || v.trim().length === 0) {
      this.fail(path, `expected an expression (a string such as "1/(alpha + beta)" or "5 ms"), got ${show(v)}`);
    }
    return v;
  }

  unit(path: string, v: unknown): { unit: string; dim: Dim } {
    const s = typeof v === 'number' && v === 1 ? '1' : this.stringAllowEmpty(path, v);
    try {
      return parseDeclaredUnit(s);
    } catch (e) {
      if (e instanceof UnitSyntaxError) this.fail(path, e.message);
      throw e;
    }
  }

  stringAllowEmpty(path: string, v: unknown): string {
    if (typeof v !== 'string') this.fail(path, `expected a unit string such as "S/cm2", "mV", "1/ms" or "1", got ${show(v)}`);
    return v;
  }
}

/** Check a parsed mechanism file. `file` names the file in errors. */
export function parseMechanismSpec(raw: unknown, file: string): MechanismSpec {
  const r = new Reader(file);
  const top = r.object('$', raw, MECHANISM_KEYS.$, ['name']);
  if (top.format !== undefined && top.format !== FORMAT) r.fail('$.format', `expected "${FORMAT}", got ${show(top.format)}`);
  const name = r.string('$.name', top.name);
  if (!IDENT.test(name)) r.fail('$.name', `a mechanism name is letters, digits and _ (not starting with a digit), got ${show(name)}`);
  let kind: 'density' | 'point' = 'density';
  if (top.kind !== undefined) {
    if (top.kind !== 'density' && top.kind !== 'point') {
      const hint = typeof top.kind === 'string' ? didYouMean(top.kind, ['density', 'point']) : '';
      r.fail('$.kind', `expected "density" or "point", got ${show(top.kind)}${hint}`);
    }
    kind = top.kind as 'density' | 'point';
  }
  const summary = r.optString('$.summary', top.summary) ?? `user mechanism from ${file.replace(/^.*[\\/]/, '')}`;
  const source = r.optString('$.source', top.source) ?? file;

  // Names: one namespace for everything declared; reserved names refused.
  const declared = new Map<string, string>();
  const ionVars = ionVariables();
  const reserved = new Map<string, string>();
  for (const b of BUILTIN_SYMBOLS) reserved.set(b, 'is built in (v mV, t ms, dt ms, celsius)');
  for (const f of FUNCTION_NAMES) reserved.set(f, 'is a function');
  reserved.set('pi', 'is the constant π');
  for (const x of ionVars) reserved.set(x.name, `is the ${x.ion} ion's ${x.field === 'e' ? 'reversal potential' : x.field === 'ci' ? 'inside concentration' : 'outside concentration'}`);
  for (const ion of Object.keys(ION_DEFAULTS)) reserved.set(`i${ion}`, `is the ${ion} ion's current (declare it under "currents" with "ion": "${ion}")`);
  if (top.rate_table !== undefined) reserved.set('usetable', 'is the global that "rate_table" adds');
  if (top.net_receive !== undefined) reserved.set(WEIGHT_SYMBOL, 'is the connection weight inside "net_receive"');
  const claim = (path: string, n: unknown, allowReserved = false): string => {
    const s = r.string(path, n);
    if (!IDENT.test(s)) r.fail(path, `a name is letters, digits and _ (not starting with a digit), got ${show(s)}`);
    if (!allowReserved && reserved.has(s)) r.fail(path, `"${s}" ${reserved.get(s)}; pick another name`);
    const prev = declared.get(s);
    if (prev !== undefined) r.fail(path, `duplicate name "${s}" (already declared at ${prev})`);
    declared.set(s, path);
    return s;
  };

  const quantities = (key: 'parameters' | 'globals'): QuantityDecl[] => {
    if (top[key] === undefined) return [];
    return r.array(`$.${key}`, top[key]).map((v, i) => {
      const path = `$.${key}[${i}]`;
      const o = r.object(path, v, MECHANISM_KEYS[`$.${key}[]`], ['name', 'unit', 'default']);
      const n = claim(`${path}.name`, o.name);
      const { unit, dim } = r.unit(`${path}.unit`, o.unit);
      const def = r.number(`${path}.default`, o.default);
      const min = o.min === undefined ? undefined : r.number(`${path}.min`, o.min);
      const max = o.max === undefined ? undefined : r.number(`${path}.max`, o.max);
      if (min !== undefined && max !== undefined && min > max) r.fail(`${path}.max`, `max ${max} is below min ${min}`);
      if ((min !== undefined && def < min) || (max !== undefined && def > max)) {
        r.fail(`${path}.default`, `default ${def} is outside [${min ?? '-inf'}, ${max ?? 'inf'}]`);
      }
      return { path, name: n, unit, dim, default: def, min, max, description: r.optString(`${path}.description`, o.description) };
    });
  };
  const parameters = quantities('parameters');
  const globals = quantities('globals');

  const assigned: AssignedDecl[] = top.assigned === undefined ? [] : r.array('$.assigned', top.assigned).map((v, i) => {
    const path = `$.assigned[${i}]`;
    const o = r.object(path, v, MECHANISM_KEYS['$.assigned[]'], ['name', 'expr']);
    const n = claim(`${path}.name`, o.name);
    const expr = r.expr(`${path}.expr`, o.expr);
    let unitsOff = false;
    if (o.units_off !== undefined) {
      if (typeof o.units_off !== 'boolean') r.fail(`${path}.units_off`, `expected true or false, got ${show(o.units_off)}`);
      unitsOff = o.units_off as boolean;
    }
    if (unitsOff && o.unit === undefined) r.fail(`${path}.unit`, 'missing: with "units_off" the result is taken to be in this unit, so it is required');
    const u = o.unit === undefined ? undefined : r.unit(`${path}.unit`, o.unit);
    return { path, name: n, expr, unit: u?.unit, dim: u?.dim, unitsOff, description: r.optString(`${path}.description`, o.description) };
  });

  const states: StateDecl[] = top.states === undefined ? [] : r.array('$.states', top.states).map((v, i) => {
    const path = `$.states[${i}]`;
    const o = r.object(path, v, MECHANISM_KEYS['$.states[]'], ['name']);
    let ion: string | undefined;
    if (o.ion !== undefined) {
      ion = r.string(`${path}.ion`, o.ion);
      if (!ION_DEFAULTS[ion]) r.fail(`${path}.ion`, `unknown ion "${ion}"${didYouMean(ion, Object.keys(ION_DEFAULTS))}; Dendrite knows: ${Object.keys(ION_DEFAULTS).join(', ')}`);
      const nm = r.string(`${path}.name`, o.name);
      if (nm !== `${ion}i` && nm !== `${ion}o`) r.fail(`${path}.name`, `a concentration state of ion ${ion} is "${ion}i" (inside) or "${ion}o" (outside), got ${show(nm)}`);
      if (o.unit !== undefined && o.unit !== 'mM') r.fail(`${path}.unit`, `a concentration state is in mM, got ${show(o.unit)}`);
    }
    const n = claim(`${path}.name`, o.name, ion !== undefined);
    const { unit, dim } = o.unit === undefined ? r.unit(`${path}.unit`, ion !== undefined ? 'mM' : '1') : r.unit(`${path}.unit`, o.unit);
    const hasIT = o.inf !== undefined || o.tau !== undefined;
    const hasAB = o.alpha !== undefined || o.beta !== undefined;
    if (hasIT && hasAB) r.fail(path, 'give either "inf" and "tau" or "alpha" and "beta", not both');
    if (!hasIT && !hasAB) r.fail(path, `state "${n}" needs its kinetics: "inf" and "tau" (x' = (inf − x)/tau) or "alpha" and "beta" (x' = alpha·(1 − x) − beta·x)`);
    const [k1, k2] = hasIT ? ['inf', 'tau'] : ['alpha', 'beta'];
    for (const k of [k1, k2]) if (o[k] === undefined) r.fail(`${path}.${k}`, `missing (required with "${k === k1 ? k2 : k1}")`);
    return {
      path,
      name: n,
      unit,
      dim,
      form: hasIT ? 'inf_tau' : 'alpha_beta',
      first: r.expr(`${path}.${k1}`, o[k1]),
      second: r.expr(`${path}.${k2}`, o[k2]),
      initial: o.initial === undefined ? undefined : r.expr(`${path}.initial`, o.initial),
      ...(ion !== undefined ? { ion } : {}),
      description: r.optString(`${path}.description`, o.description),
    };
  });

  if (kind !== 'point') {
    for (const k of ['net_receive', 'post_spike', 'weight_states'] as const) {
      // a density mechanism may keep weight states that its before_breakpoint block sets
      if (k === 'weight_states' && top.before_breakpoint !== undefined) continue;
      if (top[k] !== undefined) r.fail(`$.${k}`, `only point processes (synapses) receive events; add "kind": "point"`);
    }
  }
  const weightStates: WeightStateDecl[] = top.weight_states === undefined ? [] : r.array('$.weight_states', top.weight_states).map((v, i) => {
    const path = `$.weight_states[${i}]`;
    const o = r.object(path, v, MECHANISM_KEYS['$.weight_states[]'], ['name', 'initial']);
    const n = claim(`${path}.name`, o.name);
    const { unit, dim } = o.unit === undefined ? r.unit(`${path}.unit`, '1') : r.unit(`${path}.unit`, o.unit);
    return { path, name: n, unit, dim, initial: r.expr(`${path}.initial`, o.initial), description: r.optString(`${path}.description`, o.description) };
  });
  if (weightStates.length > 0 && top.net_receive === undefined && top.post_spike === undefined && top.before_breakpoint === undefined) {
    r.fail('$.weight_states', 'weight states change only when an event arrives; add a "net_receive" block that sets them');
  }
  let netReceive: EventBlockDecl | undefined;
  if (top.net_receive !== undefined) {
    const path = '$.net_receive';
    const o = r.object(path, top.net_receive, MECHANISM_KEYS['$.net_receive'], ['statements']);
    const list = r.array(`${path}.statements`, o.statements);
    if (list.length === 0) r.fail(`${path}.statements`, 'an event block needs at least one statement, e.g. "A = A + weight*factor"');
    netReceive = { path, statements: statementList(r, `${path}.statements`, list) };
  }
  let postSpike: PostSpikeDecl | undefined;
  if (top.post_spike !== undefined) {
    const path = '$.post_spike';
    const o = r.object(path, top.post_spike, MECHANISM_KEYS['$.post_spike'], ['threshold', 'statements']);
    const list = r.array(`${path}.statements`, o.statements);
    if (list.length === 0) r.fail(`${path}.statements`, 'a post_spike block needs at least one statement, e.g. "y = y + 1"');
    postSpike = { path, threshold: r.expr(`${path}.threshold`, o.threshold), statements: statementList(r, `${path}.statements`, list) };
  }

  let beforeBreakpoint: EventBlockDecl | undefined;
  if (top.before_breakpoint !== undefined) {
    const path = '$.before_breakpoint';
    const o = r.object(path, top.before_breakpoint, MECHANISM_KEYS['$.before_breakpoint'], ['statements']);
    const list = r.array(`${path}.statements`, o.statements);
    if (list.length === 0) r.fail(`${path}.statements`, 'a before_breakpoint block needs at least one statement');
    beforeBreakpoint = { path, statements: statementList(r, `${path}.statements`, list) };
  }

  // A mechanism with a concentration state (Ca accumulation) may have no current.
  const concentration = states.some((s) => s.ion !== undefined);
  if (top.currents === undefined) {
    r.fail('$.currents', `missing: a mechanism needs at least one current, e.g. [{"name": "il", "expr": "gl*(v - el)"}]${concentration ? ' (a mechanism with a concentration state may give [])' : ''}`);
  }
  const currentList = r.array('$.currents', top.currents);
  if (currentList.length === 0 && !concentration) r.fail('$.currents', 'a mechanism needs at least one current (only one with a concentration state, "ion" in $.states, may have none)');
  const ionsWritten = new Map<string, string>();
  const currents: CurrentDecl[] = currentList.map((v, i) => {
    const path = `$.currents[${i}]`;
    const o = r.object(path, v, MECHANISM_KEYS['$.currents[]'], ['name', 'expr']);
    let ion: string | undefined;
    if (o.ion !== undefined) {
      ion = r.string(`${path}.ion`, o.ion);
      if (!ION_DEFAULTS[ion]) {
        r.fail(`${path}.ion`, `unknown ion "${ion}"${didYouMean(ion, Object.keys(ION_DEFAULTS))}; Dendrite knows: ${Object.keys(ION_DEFAULTS).join(', ')} (other ions: use a non-specific current)`);
      }
      const prev = ionsWritten.get(ion);
      if (prev) r.fail(`${path}.ion`, `a mechanism writes one current per ion; ${ion} is already written by ${prev}`);
      const conc = states.find((x) => x.ion === ion);
      if (conc) r.fail(`${path}.ion`, `this mechanism keeps ${ion}'s concentration (${conc.path}); a mechanism either writes an ion's current or keeps its concentration`);
      ionsWritten.set(ion, path);
      const nm = r.string(`${path}.name`, o.name);
      if (nm !== `i${ion}`) r.fail(`${path}.name`, `the current of ion ${ion} is called "i${ion}", got ${show(nm)}`);
      claim(`${path}.name`, nm, true);
    } else {
      claim(`${path}.name`, o.name);
    }
    return { path, name: o.name as string, expr: r.expr(`${path}.expr`, o.expr), ion, description: r.optString(`${path}.description`, o.description) };
  });

  let electrode = false;
  if (top.electrode !== undefined) {
    if (typeof top.electrode !== 'boolean') r.fail('$.electrode', `expected true or false, got ${show(top.electrode)}`);
    electrode = top.electrode as boolean;
    if (electrode && kind !== 'point') r.fail('$.electrode', 'only a point process injects an electrode current; add "kind": "point"');
    const withIon = currents.find((c) => c.ion !== undefined);
    if (electrode && withIon) r.fail(`${withIon.path}.ion`, 'an electrode current is non-specific; drop "ion" or "electrode"');
  }

  let rateTable: RateTableDecl | undefined;
  if (top.rate_table !== undefined) {
    const path = '$.rate_table';
    const o = r.object(path, top.rate_table, MECHANISM_KEYS['$.rate_table'], ['from_mV', 'to_mV', 'steps']);
    const from = r.number(`${path}.from_mV`, o.from_mV);
    const to = r.number(`${path}.to_mV`, o.to_mV);
    if (!(to > from)) r.fail(`${path}.to_mV`, `expected a number > from_mV (${from}), got ${show(o.to_mV)}`);
    const steps = r.number(`${path}.steps`, o.steps);
    if (!Number.isInteger(steps) || steps < 1 || steps > 1e6) r.fail(`${path}.steps`, `expected an integer 1–1000000, got ${show(o.steps)}`);
    let usetable: 0 | 1 = 0;
    if (o.usetable !== undefined) {
      if (o.usetable !== 0 && o.usetable !== 1) r.fail(`${path}.usetable`, `expected 0 or 1, got ${show(o.usetable)}`);
      usetable = o.usetable as 0 | 1;
    }
    if (states.length === 0) r.fail(path, 'a rate table needs states to tabulate');
    rateTable = { path, from, to, steps, usetable };
  }

  return { file, name, kind, summary, source, parameters, globals, assigned, states, currents, rateTable, weightStates, netReceive, postSpike, ...(beforeBreakpoint ? { beforeBreakpoint } : {}), ...(electrode ? { electrode } : {}) };
}

const ASSIGNMENT = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*([\s\S]*\S)\s*$/;

/** The statements of an event block (strings "x = expr", or {"if", "then", "else"} objects), shapes only. */
function statementList(r: Reader, path: string, list: unknown[]): StatementDecl[] {
  return list.map((v, i): StatementDecl => {
    const p = `${path}[${i}]`;
    if (typeof v === 'string') {
      const m = ASSIGNMENT.exec(v);
      if (!m) r.fail(p, `expected an assignment "name = expression" (e.g. "A = A + weight*factor"), got ${show(v)}`);
      return { path: p, kind: 'assign', target: m[1], expr: m[2], text: v };
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      r.fail(p, `expected a statement: a string "name = expression" or an object {"if": "condition", "then": [...], "else": [...]}, got ${show(v)}`);
    }
    const o = r.object(p, v, MECHANISM_KEYS['$.net_receive.statements[]'], ['if', 'then']);
    const cond = r.string(`${p}.if`, o.if);
    const then = statementList(r, `${p}.then`, r.array(`${p}.then`, o.then));
    const otherwise = o.else === undefined ? [] : statementList(r, `${p}.else`, r.array(`${p}.else`, o.else));
    return { path: p, kind: 'if', cond, then, else: otherwise };
  });
}
