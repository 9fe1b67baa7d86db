/**
 * Kernel sources for the GPU backend, generated from the plan (plan.ts): plain JavaScript functions
 * in gpu.js's kernel dialect (`this.thread.x` = variant, `this.thread.y` = label, `this.thread.z` =
 * which of d, r, up, dn; `this.constants.*` uploaded once). Mechanism currents and gates come from
 * the lowered expression IR; the step follows the CPU backend (cpu.ts) in backward Euler:
 *   assemble (currents at v and v + 0.001, NEURON's finite-difference conductance, IClamps at
 *   t + dt/2, axial terms) → tree contraction (tree.ts) for Δ → v += Δ → cnexp gates at the new v,
 *   CaDynamics_E2 before the channels that read cai (model order).
 * With `f32: true` every operation is wrapped in Math.fround: the strict float32 emulation that the
 * "emu" executor runs (exec.ts), to measure float32 error on a CPU.
 */
import type { IR } from '../../channels/user/expr.ts';
import type { LoweredMechanism } from '../../channels/user/compile.ts';
import { FARADAY, GAS_CONSTANT } from '../../channels/ions.ts';
import type { GpuPlan, PlanMechanism } from './plan.ts';

export type Constant = number | Float32Array | Float32Array[];

export interface KernelSpec {
  readonly name: string;
  /** `function (A, B) { ... }` */
  readonly source: string;
  /** [x = variants, y = rows] or [x, y, z = 4]. */
  readonly output: readonly number[];
  readonly constants: Readonly<Record<string, Constant>>;
  /** Names of the texture arguments, in order. */
  readonly args: readonly string[];
}

function literal(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`internal: non-finite constant ${x} in a kernel`);
  let s = String(x);
  if (!/[.e]/.test(s)) s += '.0';
  return x < 0 || Object.is(x, -0) ? `(${s})` : s;
}

/** Source builder with optional strict float32 rounding. */
class Src {
  constructor(readonly f32: boolean) {}
  r(code: string): string {
    return this.f32 ? `Math.fround(${code})` : code;
  }
  num(x: number): string {
    return this.f32 ? literal(Math.fround(x)) : literal(x);
  }
  op(a: string, op: string, b: string): string {
    return this.r(`(${a} ${op} ${b})`);
  }
}

export const tex = (name: string): string => `T_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
const cname = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');

/** Evaluate a block-level (per-model) IR in float64. */
function evalIR(ir: IR, env: (name: string) => number): number {
  const e = (x: IR): number => evalIR(x, env);
  switch (ir.k) {
    case 'num':
      return ir.v;
    case 'sym':
      return env(ir.name);
    case 'neg':
      return -e(ir.a);
    case 'bin': {
      const a = e(ir.a);
      const b = e(ir.b);
      switch (ir.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return a / b;
        default: throw new Error(`internal: block-level ${ir.op}`);
      }
    }
    case 'call': {
      const a = ir.args.map(e);
      switch (ir.fn) {
        case 'exp': return Math.exp(a[0]);
        case 'log': return Math.log(a[0]);
        case 'log10': return Math.log10(a[0]);
        case 'sqrt': return Math.sqrt(a[0]);
        case 'pow': return Math.pow(a[0], a[1]);
        case 'abs': return Math.abs(a[0]);
        case 'min': return Math.min(...a);
        case 'max': return Math.max(...a);
        case 'tanh': return Math.tanh(a[0]);
        default: throw new Error(`internal: block-level ${ir.fn}`);
      }
    }
    case 'cond':
      throw new Error('internal: block-level condition');
    default:
      throw new Error('internal: raw IR at block level');
  }
}

/** IR → kernel expression. */
function emitIR(s: Src, ir: IR, resolve: (name: string) => string): string {
  const e = (x: IR): string => emitIR(s, x, resolve);
  switch (ir.k) {
    case 'num':
      return s.num(ir.v);
    case 'sym':
      return resolve(ir.name);
    case 'neg':
      return `(-${e(ir.a)})`;
    case 'not':
      return `(!${e(ir.a)})`;
    case 'bin': {
      const op = ir.op === '===' ? '==' : ir.op === '!==' ? '!=' : ir.op;
      if (op === '+' || op === '-' || op === '*' || op === '/') return s.op(e(ir.a), op, e(ir.b));
      return `(${e(ir.a)} ${op} ${e(ir.b)})`;
    }
    case 'cond':
      return `(${e(ir.c)} ? ${e(ir.a)} : ${e(ir.b)})`;
    case 'call': {
      const a = ir.args.map(e);
      switch (ir.fn) {
        case 'exp': return s.r(`Math.exp(${a[0]})`);
        case 'log': return s.r(`Math.log(${a[0]})`);
        case 'log10': return s.op(s.r(`Math.log(${a[0]})`), '/', s.num(Math.LN10));
        case 'sqrt': return s.r(`Math.sqrt(${a[0]})`);
        case 'pow': return s.r(`Math.pow(${a[0]}, ${a[1]})`);
        case 'abs': return `Math.abs(${a[0]})`;
        case 'min': return a.reduce((x, y) => `Math.min(${x}, ${y})`);
        case 'max': return a.reduce((x, y) => `Math.max(${x}, ${y})`);
        case 'tanh': {
          const x2 = s.op(s.num(2), '*', a[0]);
          const ex = s.r(`Math.exp(${x2})`);
          return s.op(s.op(ex, '-', s.num(1)), '/', s.op(ex, '+', s.num(1)));
        }
        case 'vtrap': {
          // y·(1 − q/2 + q²/12) near 0, where x/(exp(q) − 1) would cancel in float32 (q = x/y)
          const q = s.op(a[0], '/', a[1]);
          const series = s.op(a[1], '*', s.op(s.op(s.num(1), '-', s.op(q, '/', s.num(2))), '+', s.op(s.op(q, '*', q), '/', s.num(12))));
          return `(Math.abs(${q}) < 0.01 ? ${series} : ${s.op(a[0], '/', s.op(s.r(`Math.exp(${q})`), '-', s.num(1)))})`;
        }
        case 'efun': {
          const z = a[0];
          const series = s.op(s.op(s.num(1), '-', s.op(z, '/', s.num(2))), '+', s.op(s.op(z, '*', z), '/', s.num(12)));
          return `(Math.abs(${z}) < 0.01 ? ${series} : ${s.op(z, '/', s.op(s.r(`Math.exp(${z})`), '-', s.num(1)))})`;
        }
        default:
          throw new Error(`internal: function ${ir.fn}`);
      }
    }
    default:
      throw new Error('internal: raw IR in a kernel');
  }
}

interface Ctx {
  readonly s: Src;
  readonly plan: GpuPlan;
  /** Texture arguments used (in first-use order). */
  readonly args: string[];
  readonly constants: Record<string, Constant>;
  /** 'init': ion e and ci from the initial constants; 'run': ci from textures, e by Nernst where style 2. */
  readonly phase: 'init' | 'run';
  /** The name under which ci textures are read (CI_ca, or a snapshot name). */
  ciName(ion: string): string;
}

function useArg(c: Ctx, name: string): string {
  if (!c.args.includes(name)) c.args.push(name);
  return name;
}

function perLabel(c: Ctx, key: string, data: Float32Array): string {
  c.constants[key] = data;
  return `this.constants.${key}[j]`;
}

function paramRef(c: Ctx, m: PlanMechanism, p: string): string {
  const key = `P_${cname(m.name)}_${cname(p)}`;
  const arr = m.params.get(p)!;
  if (!arr.perVariant) return perLabel(c, key, arr.data);
  const B = c.plan.B;
  const rows: Float32Array[] = [];
  for (let l = 0; l < c.plan.n; l++) rows.push(arr.data.subarray(l * B, (l + 1) * B));
  c.constants[key] = rows;
  return `this.constants.${key}[j][b]`;
}

/** Statements defining the ion locals a mechanism reads; returns the resolver's map. */
function ionLocals(c: Ctx, lines: string[], needed: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const ion of c.plan.ions) {
    const eName = `e${ion.name}`;
    const ciName = `${ion.name}i`;
    const coName = `${ion.name}o`;
    let ci: string | null = null;
    const ciRef = (): string => {
      if (ci !== null) return ci;
      if (c.phase === 'run' && ion.ciState) ci = `${useArg(c, c.ciName(ion.name))}[j][b]`;
      else ci = perLabel(c, `CI0_${ion.name}`, ion.ci0);
      return ci;
    };
    if (needed.has(ciName)) {
      lines.push(`  const ion_${ciName} = ${ciRef()};`);
      out.set(ciName, `ion_${ciName}`);
    }
    if (needed.has(coName)) {
      lines.push(`  const ion_${coName} = ${perLabel(c, `CO_${ion.name}`, ion.co)};`);
      out.set(coName, `ion_${coName}`);
    }
    if (needed.has(eName)) {
      const fixed = perLabel(c, `E_${ion.name}`, ion.e);
      if (c.phase === 'run' && ion.ciState && ion.style.some((x) => x >= 2)) {
        const s = c.s;
        const k = (1000.0 * GAS_CONSTANT * (c.plan.celsius + 273.15)) / FARADAY / ion.charge;
        const co = perLabel(c, `CO_${ion.name}`, ion.co);
        const ciE = ciRef();
        const nernst = s.op(s.num(k), '*', s.r(`Math.log(${s.op(co, '/', ciE)})`));
        lines.push(`  const ion_${eName} = ${perLabel(c, `ST_${ion.name}`, ion.style)} > 1.5 ? (${ciE} > 0.0 ? ${nernst} : 1000000.0) : ${fixed};`);
      } else {
        lines.push(`  const ion_${eName} = ${fixed};`);
      }
      out.set(eName, `ion_${eName}`);
    }
  }
  return out;
}

/** The assigned quantities (names) that the expressions `irs` need, transitively. */
function closure(lm: LoweredMechanism, irs: readonly IR[]): Set<string> {
  const need = new Set<string>();
  const byName = new Map(lm.assigned.map((a) => [a.name, a]));
  const visit = (ir: IR): void => {
    switch (ir.k) {
      case 'sym': {
        const a = byName.get(ir.name);
        if (a && !need.has(ir.name)) {
          need.add(ir.name);
          visit(a.ir);
        }
        break;
      }
      case 'bin': visit(ir.a); visit(ir.b); break;
      case 'neg': case 'not': visit(ir.a); break;
      case 'call': ir.args.forEach(visit); break;
      case 'cond': visit(ir.c); visit(ir.a); visit(ir.b); break;
      default: break;
    }
  };
  irs.forEach(visit);
  return need;
}

/** Every symbol a mechanism's IR reads. */
function symbolsIn(lm: LoweredMechanism): Set<string> {
  const out = new Set<string>();
  const walk = (ir: IR): void => {
    switch (ir.k) {
      case 'sym': out.add(ir.name); break;
      case 'bin': walk(ir.a); walk(ir.b); break;
      case 'neg': case 'not': walk(ir.a); break;
      case 'call': ir.args.forEach(walk); break;
      case 'cond': walk(ir.c); walk(ir.a); walk(ir.b); break;
      default: break;
    }
  };
  for (const a of lm.assigned) walk(a.ir);
  for (const st of lm.states) { walk(st.first.ir); walk(st.second.ir); if (st.initial) walk(st.initial.ir); }
  for (const cu of lm.currents) walk(cu.ir);
  return out;
}

/**
 * A resolver for one mechanism's symbols. `v`: the voltage expression; `pass`: suffix of the
 * assigned locals; `stateRef(name)`: the code reading a state.
 */
function resolver(c: Ctx, m: PlanMechanism, ions: Map<string, string>, v: string, pass: string, stateRef: (st: string) => string): (name: string) => string {
  const lm = m.lowered!;
  const blockValues = blockAssigned(c, m);
  return (name: string): string => {
    const sym = lm.symbol(name);
    if (!sym) throw new Error(`internal: ${m.name}: unknown symbol ${name}`);
    switch (sym.kind) {
      case 'v': return v;
      case 'block': return c.s.num(name === 'dt' ? c.plan.dt_ms : c.plan.celsius);
      case 'param': return paramRef(c, m, name);
      case 'global': return c.s.num(m.globals[name] ?? 0);
      case 'state': return stateRef(name);
      case 'ion': {
        const r = ions.get(name);
        if (r === undefined) throw new Error(`internal: ion symbol ${name} not prepared`);
        return r;
      }
      case 'assigned': {
        const bv = blockValues.get(name);
        if (bv !== undefined) return c.s.num(bv);
        const a = lm.assigned.find((x) => x.name === name)!;
        return `a${a.flags.v ? pass : ''}_${cname(m.name)}_${name}`;
      }
      default:
        throw new Error(`internal: ${m.name}: symbol ${name} (${sym.kind}) in a gpu kernel`);
    }
  };
}

/** Block-level assigned values (no per-instance dependence), float64 on the host. */
function blockAssigned(c: Ctx, m: PlanMechanism): Map<string, number> {
  const lm = m.lowered!;
  const out = new Map<string, number>();
  for (const a of lm.assigned) {
    if (a.flags.inst) continue;
    out.set(a.name, evalIR(a.ir, (n) => {
      if (out.has(n)) return out.get(n)!;
      if (n === 'dt') return c.plan.dt_ms;
      if (n === 'celsius') return c.plan.celsius;
      if (m.globals[n] !== undefined) return m.globals[n];
      throw new Error(`internal: block-level ${a.name} reads ${n}`);
    }));
  }
  return out;
}

/** Statements for the assigned quantities `need` (names) at voltage v with suffix pass. */
function assignedLines(c: Ctx, m: PlanMechanism, resolve: (n: string) => string, pass: string, filter: (a: LoweredMechanism['assigned'][number]) => boolean): string[] {
  const lm = m.lowered!;
  return lm.assigned
    .filter((a) => a.flags.inst && filter(a))
    .map((a) => `    const a${a.flags.v ? pass : ''}_${cname(m.name)}_${a.name} = ${emitIR(c.s, a.ir, resolve)};`);
}

function newCtx(plan: GpuPlan, f32: boolean, phase: 'init' | 'run', ciName: (ion: string) => string = (ion) => `CI_${ion}`): Ctx {
  return { s: new Src(f32), plan, args: [], constants: {}, phase, ciName };
}

function finish(c: Ctx, name: string, body: string[], output: number[]): KernelSpec {
  const source = `function (${c.args.join(', ')}) {\n${body.join('\n')}\n}`;
  return { name, source, output, constants: c.constants, args: [...c.args] };
}

/** Total mechanism current at v0 = v and v1 = v + 0.001 into i0, i1 (or, with `ion`, that ion's current at v into i0). */
function currentLines(c: Ctx, v: string, onlyIon: string | null, stateRef: (m: PlanMechanism, st: string) => string): string[] {
  const s = c.s;
  const lines: string[] = [];
  const needed = new Set<string>();
  const mechs = c.plan.mechanisms.filter((m) => m.kind === 'ir' && (onlyIon === null || m.lowered!.currents.some((cu) => cu.ion === onlyIon)));
  for (const m of mechs) for (const x of symbolsIn(m.lowered!)) needed.add(x);
  const ions = ionLocals(c, lines, needed);
  lines.push(`  const v0 = ${v};`);
  if (onlyIon === null) lines.push(`  const v1 = ${s.op('v0', '+', s.num(0.001))};`);
  lines.push('  let i0 = 0.0;');
  if (onlyIon === null) lines.push('  let i1 = 0.0;');
  for (const m of mechs) {
    const lm = m.lowered!;
    const mask = perLabel(c, `M_${cname(m.name)}`, m.mask);
    lines.push(`  if (${mask} > 0.5) {`);
    const sr = (st: string): string => stateRef(m, st);
    const r0 = resolver(c, m, ions, 'v0', '0', sr);
    const r1 = resolver(c, m, ions, 'v1', '1', sr);
    const currents = lm.currents.filter((cu) => onlyIon === null || cu.ion === onlyIon);
    const need = closure(lm, currents.map((cu) => cu.ir));
    lines.push(...assignedLines(c, m, r0, '0', (a) => need.has(a.name) && !a.flags.v));
    for (const [pass, res] of (onlyIon === null ? [['1', r1], ['0', r0]] : [['0', r0]]) as [string, (n: string) => string][]) {
      lines.push(...assignedLines(c, m, res, pass, (a) => need.has(a.name) && a.flags.v));
      const terms = currents.map((cu) => emitIR(s, cu.ir, res));
      const sum = terms.reduce((x, y) => s.op(x, '+', y));
      lines.push(`    i${pass} = ${s.op(`i${pass}`, '+', sum)};`);
    }
    lines.push('  }');
  }
  return lines;
}

const HEAD = ['  const b = this.thread.x;', '  const j = this.thread.y;'];

/** v = v_init everywhere. */
export function initVKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'init');
  return finish(c, 'initV', [`  return ${c.s.num(plan.v_init_mV)} + 0.0 * this.thread.x;`], [plan.B, plan.n]);
}

/** ci = ci0 (a concentration state's initial value). */
export function initCiKernel(plan: GpuPlan, ion: string, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'init');
  const pi = plan.ions.find((x) => x.name === ion)!;
  return finish(c, `initCi_${ion}`, [...HEAD, `  return ${perLabel(c, `CI0_${ion}`, pi.ci0)};`], [plan.B, plan.n]);
}

/** A state's initial value at v_init: x∞ (α/(α + β)) or its `initial` expression. */
export function initStateKernel(plan: GpuPlan, m: PlanMechanism, state: string, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'init');
  const lm = m.lowered!;
  const st = lm.states.find((x) => x.decl.name === state)!;
  const lines = [...HEAD];
  const ions = ionLocals(c, lines, symbolsIn(lm));
  lines.push(`  const v = ${c.s.num(plan.v_init_mV)};`);
  lines.push(`  if (${perLabel(c, `M_${cname(m.name)}`, m.mask)} < 0.5) { return 0.0; }`);
  const res = resolver(c, m, ions, 'v', '', () => { throw new Error(`internal: ${m.name}.${state}: the initial value reads a state`); });
  const need = closure(lm, st.initial ? [st.initial.ir] : [st.first.ir, st.second.ir]);
  lines.push(...assignedLines(c, m, res, '', (a) => need.has(a.name)));
  const s = c.s;
  let value: string;
  if (st.initial) value = emitIR(s, st.initial.ir, res);
  else if (st.decl.form === 'inf_tau') value = emitIR(s, st.first.ir, res);
  else {
    lines.push(`  const al = ${emitIR(s, st.first.ir, res)};`);
    lines.push(`  const be = ${emitIR(s, st.second.ir, res)};`);
    value = s.op('al', '/', s.op('al', '+', 'be'));
  }
  lines.push(`  return ${value};`);
  return finish(c, `init_${m.name}_${state}`, lines, [plan.B, plan.n]);
}

/** Assembly: output [B, N, 4] = (d, r, up, dn) per label. Argument ON: IClamp on (1) or off (0) per instance. */
export function assemblyKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'run');
  const s = c.s;
  useArg(c, 'V');
  useArg(c, 'ON');
  const lines = [...HEAD, '  const q = this.thread.z;'];
  lines.push(`  if (q == 2) { return ${perLabel(c, 'UP', plan.up)}; }`);
  lines.push(`  if (q == 3) { return ${perLabel(c, 'DN', plan.dn)}; }`);
  lines.push('  const v = V[j][b];');
  lines.push(...currentLines(c, 'v', null, (m, st) => `${useArg(c, tex(`${m.name}.${st}`))}[j][b]`));
  const g = s.op(s.op('i1', '-', 'i0'), '/', s.num(0.001));
  lines.push(`  if (q == 0) { return ${s.op(perLabel(c, 'DCONST', plan.dConst), '+', g)}; }`);
  lines.push('  let r = -i0;');
  if (plan.stim.label.length > 0) {
    const B = plan.B;
    const rows: Float32Array[] = [];
    for (let k = 0; k < plan.stim.label.length; k++) rows.push(plan.stim.amp.subarray(k * B, (k + 1) * B));
    c.constants.AMP = rows;
    c.constants.SSCALE = plan.stim.scale;
    const at: Float32Array[] = [];
    for (let l = 0; l < plan.n; l++) at.push(Float32Array.from(plan.stimAt.subarray(l * plan.maxStim, (l + 1) * plan.maxStim)));
    c.constants.STIMAT = at;
    lines.push(`  for (let u = 0; u < ${plan.maxStim}; u++) {`);
    lines.push('    const k = this.constants.STIMAT[j][u];');
    lines.push(`    if (k > -0.5) { r = ${s.op('r', '+', s.op(s.op('ON[k]', '*', 'this.constants.AMP[k][b]'), '*', 'this.constants.SSCALE[k]'))}; }`);
    lines.push('  }');
  }
  const par = Float32Array.from(plan.parentLabel);
  lines.push(`  const p = ${perLabel(c, 'PAR', par)};`);
  lines.push(`  if (p > -0.5) { r = ${s.op('r', '-', s.op('this.constants.UP[j]', '*', s.op('V[p][b]', '-', 'v')))}; }`);
  const ch: Float32Array[] = [];
  for (let l = 0; l < plan.n; l++) ch.push(Float32Array.from(plan.children.subarray(l * plan.maxChildren, (l + 1) * plan.maxChildren)));
  c.constants.CH = ch;
  lines.push(`  for (let u = 0; u < ${plan.maxChildren}; u++) {`);
  lines.push('    const h = this.constants.CH[j][u];');
  lines.push(`    if (h > -0.5) { r = ${s.op('r', '+', s.op('this.constants.DN[h]', '*', s.op('v', '-', 'V[h][b]')))}; }`);
  lines.push('  }');
  lines.push('  return r;');
  return finish(c, 'assemble', lines, [plan.B, plan.n, 4]);
}

/** cnexp update of one state at the new v (V); the mechanism's own states as at the start of the step (OLD_ names). */
export function stateKernel(plan: GpuPlan, m: PlanMechanism, state: string, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'run');
  const s = c.s;
  const lm = m.lowered!;
  const st = lm.states.find((x) => x.decl.name === state)!;
  useArg(c, 'V');
  const self = useArg(c, tex(`${m.name}.${state}`));
  const lines = [...HEAD, `  const x = ${self}[j][b];`, `  if (${perLabel(c, `M_${cname(m.name)}`, m.mask)} < 0.5) { return x; }`];
  const ions = ionLocals(c, lines, symbolsIn(lm));
  lines.push('  const v = V[j][b];');
  const res = resolver(c, m, ions, 'v', '', (name) => (name === state ? 'x' : `${useArg(c, tex(`${m.name}.${name}`))}[j][b]`));
  const need = closure(lm, [st.first.ir, st.second.ir]);
  lines.push(...assignedLines(c, m, res, '', (a) => need.has(a.name)).map((l) => l.slice(2)));
  lines.push(`  const r1 = ${emitIR(s, st.first.ir, res)};`);
  lines.push(`  const r2 = ${emitIR(s, st.second.ir, res)};`);
  if (st.decl.form === 'inf_tau') {
    lines.push(`  const ca = ${s.op(s.num(-1), '/', 'r2')};`);
    lines.push(`  const mba = ${s.op(`(-${s.op('r1', '/', 'r2')})`, '/', 'ca')};`);
  } else {
    lines.push(`  const ca = (-${s.op('r1', '+', 'r2')});`);
    lines.push(`  const mba = ${s.op('(-r1)', '/', 'ca')};`);
  }
  const fac = s.op(s.num(1), '-', s.r(`Math.exp(${s.op(s.num(plan.dt_ms), '*', 'ca')})`));
  lines.push(`  return ${s.op('x', '+', s.op(fac, '*', s.op('mba', '-', 'x')))};`);
  return finish(c, `state_${m.name}_${state}`, lines, [plan.B, plan.n]);
}

/**
 * CaDynamics_E2 (hand-written; not expressible as a mechanism file): cai from ica, the Ca current
 * of the current evaluation, recomputed here from VOLD, the start-of-step states (S0_ names) and cai.
 */
export function caDynKernel(plan: GpuPlan, m: PlanMechanism, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'run', () => 'CIOLD_ca');
  const s = c.s;
  useArg(c, 'VOLD');
  const cai = useArg(c, 'CIOLD_ca');
  const lines = [...HEAD, `  const cai = ${cai}[j][b];`, `  if (${perLabel(c, `M_${cname(m.name)}`, m.mask)} < 0.5) { return cai; }`];
  lines.push(...currentLines(c, 'VOLD[j][b]', 'ca', (mm, st) => `${useArg(c, 'S0_' + tex(`${mm.name}.${st}`))}[j][b]`));
  const P = (p: string): string => paramRef(c, m, p);
  const F = (2 * 96485.33212331001);
  void F;
  // b = (−10000)·((ica·γ)/((2·F)·depth)) − (−minCai)/decay; a = (−1)/decay
  const bb = s.op(s.op(s.num(-10000), '*', s.op(s.op('i0', '*', P('gamma')), '/', s.op(s.num(2 * FARADAY), '*', P('depth')))), '-', s.op(`(-${P('minCai')})`, '/', P('decay')));
  lines.push(`  const bb = ${bb};`);
  lines.push(`  const aa = ${s.op(s.num(-1), '/', P('decay'))};`);
  const fac = s.op(s.num(1), '-', s.r(`Math.exp(${s.op(s.num(plan.dt_ms), '*', 'aa')})`));
  lines.push(`  return ${s.op('cai', '+', s.op(fac, '*', s.op(s.op('(-bb)', '/', 'aa'), '-', 'cai')))};`);
  return finish(c, 'cadyn', lines, [plan.B, plan.n]);
}

/** Forward round k of the tree contraction: S (rows live[k]) → rows live[k+1]. */
export function forwardKernel(plan: GpuPlan, k: number, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'run');
  const s = c.s;
  useArg(c, 'S');
  const sc = plan.schedule;
  c.constants.FP = Float32Array.from(sc.fwdParent[k]);
  c.constants.FC0 = Float32Array.from(sc.fwdChild0[k]);
  c.constants.FC1 = Float32Array.from(sc.fwdChild1[k]);
  const L = [...HEAD, '  const q = this.thread.z;'];
  L.push('  let d = S[0][j][b];', '  let r = S[1][j][b];', '  let up = S[2][j][b];', '  let dn = S[3][j][b];');
  L.push('  const e = this.constants.FP[j];');
  L.push('  if (e > -0.5) {');
  L.push('    const de = S[0][e][b];');
  L.push(`    d = ${s.op('d', '-', s.op(s.op('up', '*', 'dn'), '/', 'de'))};`);
  L.push(`    r = ${s.op('r', '-', s.op(s.op('up', '*', 'S[1][e][b]'), '/', 'de'))};`);
  L.push(`    const nup = -${s.op(s.op('up', '*', 'S[2][e][b]'), '/', 'de')};`);
  L.push(`    dn = -${s.op(s.op('S[3][e][b]', '*', 'dn'), '/', 'de')};`);
  L.push('    up = nup;');
  L.push('  }');
  for (const f of ['FC0', 'FC1']) {
    L.push(`  const ${f.toLowerCase()} = this.constants.${f}[j];`);
    L.push(`  if (${f.toLowerCase()} > -0.5) {`);
    L.push(`    const h = ${f.toLowerCase()};`);
    L.push(`    d = ${s.op('d', '-', s.op(s.op('S[3][h][b]', '*', 'S[2][h][b]'), '/', 'S[0][h][b]'))};`);
    L.push(`    r = ${s.op('r', '-', s.op(s.op('S[3][h][b]', '*', 'S[1][h][b]'), '/', 'S[0][h][b]'))};`);
    L.push('  }');
  }
  L.push('  if (q == 0) { return d; }', '  if (q == 1) { return r; }', '  if (q == 2) { return up; }', '  return dn;');
  return finish(c, `fwd${k}`, L, [plan.B, sc.live[k + 1], 4]);
}

/** The roots left after the last round: x = r/d. */
export function finalKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'run');
  useArg(c, 'S');
  const sc = plan.schedule;
  return finish(c, 'final', [...HEAD, `  return ${c.s.op('S[1][j][b]', '/', 'S[0][j][b]')};`], [plan.B, sc.live[sc.live.length - 1]]);
}

/** Backward round k: X (rows live[k+1]) → rows live[k], eliminated rows from S (round k's input). */
export function backwardKernel(plan: GpuPlan, k: number, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'run');
  const s = c.s;
  useArg(c, 'X');
  useArg(c, 'S');
  const sc = plan.schedule;
  const ns = sc.live[k + 1];
  const bp = new Float32Array(sc.live[k]).fill(-1);
  const bc = new Float32Array(sc.live[k]).fill(-1);
  bp.set(sc.bwdParent[k], ns);
  bc.set(sc.bwdChild[k], ns);
  c.constants.BP = bp;
  c.constants.BC = bc;
  const L = [...HEAD];
  L.push(`  if (j < ${ns}) { return X[j][b]; }`);
  L.push('  const p = this.constants.BP[j];', '  const h = this.constants.BC[j];');
  L.push(`  let num = ${s.op('S[1][j][b]', '-', s.op('S[2][j][b]', '*', 'X[p][b]'))};`);
  L.push(`  if (h > -0.5) { num = ${s.op('num', '-', s.op('S[3][h][b]', '*', 'X[h][b]'))}; }`);
  L.push(`  return ${s.op('num', '/', 'S[0][j][b]')};`);
  return finish(c, `bwd${k}`, L, [plan.B, sc.live[k]]);
}

/** v += Δ. */
export function vUpdateKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'run');
  useArg(c, 'V');
  useArg(c, 'X');
  return finish(c, 'vupdate', [...HEAD, `  return ${c.s.op('V[j][b]', '+', 'X[j][b]')};`], [plan.B, plan.n]);
}

/** v at the probed labels: output [B, P]. */
export function recordKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, 'run');
  useArg(c, 'V');
  c.constants.PROBE = Float32Array.from(plan.probeLabels);
  return finish(c, 'record', [...HEAD, '  return V[this.constants.PROBE[j]][b];'], [plan.B, plan.probeLabels.length]);
}
