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

/**
 * cnexp's factor 1 − exp(x) for x = dt·a < 0. Written as −expm1(x): with a slow state (τ of
 * hundreds of ms) 1 − exp(x) loses most of its float32 digits (x ≈ −5e-5 leaves 1e-3 relative
 * error, a systematic drift); the series x·(1 + x·(1/2 + x/6)) below |x| < 0.01 keeps them.
 */
function oneMinusExp(s: Src, x: string): string {
  const series = s.op(x, '*', s.op(s.num(1), '+', s.op(x, '*', s.op(s.num(0.5), '+', s.op(x, '/', s.num(6))))));
  return `(Math.abs(${x}) < 0.01 ? (-${series}) : ${s.op(s.num(1), '-', s.r(`Math.exp(${x})`))})`;
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

/** Where each state lives in the state texture ST[z][label][variant]. */
export interface StateSlot {
  readonly key: string;
  readonly mech: PlanMechanism;
  /** A gate of an IR mechanism, or null for a concentration (ci of `ion`). */
  readonly state: string | null;
  readonly ion: string | null;
}

export function stateSlots(plan: GpuPlan): StateSlot[] {
  const out: StateSlot[] = [];
  for (const m of plan.mechanisms) {
    if (m.kind === 'cadyn') out.push({ key: 'CI_ca', mech: m, state: null, ion: 'ca' });
    else for (const st of m.states) out.push({ key: tex(`${m.name}.${st}`), mech: m, state: st, ion: null });
  }
  return out;
}

interface Ctx {
  readonly s: Src;
  readonly plan: GpuPlan;
  readonly slots: StateSlot[];
  /** Texture arguments (in order). */
  readonly args: string[];
  readonly constants: Record<string, Constant>;
  /** Per-label constant columns, packed into LC[label][column] (WebGPU allows few storage buffers). */
  readonly lc: Map<string, { col: number; data: ArrayLike<number> }>;
  lcWidth: number;
  /** Per-variant parameters, packed into PV[k][label][variant]. */
  readonly pv: Map<string, { index: number; data: Float32Array }>;
}

function newCtx(plan: GpuPlan, f32: boolean, args: string[]): Ctx {
  return { s: new Src(f32), plan, slots: stateSlots(plan), args, constants: {}, lc: new Map(), lcWidth: 0, pv: new Map() };
}

function slotIndex(c: Ctx, key: string): number {
  const z = c.slots.findIndex((x) => x.key === key);
  if (z < 0) throw new Error(`internal: no state slot ${key}`);
  return z;
}

/** A per-label constant (one column of LC), read at label `idx`. */
function perLabel(c: Ctx, key: string, data: ArrayLike<number>, idx = 'j'): string {
  let e = c.lc.get(key);
  if (!e) c.lc.set(key, (e = { col: c.lcWidth++, data }));
  return `this.constants.LC[${idx}][${e.col}]`;
}

/** A per-label table of `width` columns (−1 padded); returns its first column. */
function perLabelTable(c: Ctx, key: string, data: Int32Array, width: number): number {
  const first = c.lcWidth;
  for (let u = 0; u < width; u++) {
    const col = new Float32Array(c.plan.n);
    for (let l = 0; l < c.plan.n; l++) col[l] = data[l * width + u];
    perLabel(c, `${key}_${u}`, col);
  }
  return first;
}

function paramRef(c: Ctx, m: PlanMechanism, p: string): string {
  const key = `${m.name}.${p}`;
  const arr = m.params.get(p)!;
  if (!arr.perVariant) return perLabel(c, `P_${key}`, arr.data);
  let e = c.pv.get(key);
  if (!e) c.pv.set(key, (e = { index: c.pv.size, data: arr.data }));
  return `this.constants.PV[${e.index}][j][b]`;
}

/** How a kernel reads concentrations: the initial constants, the state texture, or a local. */
type CiSource = (ion: string) => string | null;

/** Statements defining the ion locals (suffix sfx) that `needed` reads. */
function ionLocals(c: Ctx, lines: string[], needed: Set<string>, ciOf: CiSource, sfx: string): Map<string, string> {
  const out = new Map<string, string>();
  const s = c.s;
  for (const ion of c.plan.ions) {
    const eName = `e${ion.name}`;
    const ciName = `${ion.name}i`;
    const coName = `${ion.name}o`;
    const ciCode = (): string => (ion.ciState ? ciOf(ion.name) : null) ?? perLabel(c, `CI0_${ion.name}`, ion.ci0);
    if (needed.has(ciName)) {
      lines.push(`  const ion_${ciName}${sfx} = ${ciCode()};`);
      out.set(ciName, `ion_${ciName}${sfx}`);
    }
    if (needed.has(coName)) {
      lines.push(`  const ion_${coName}${sfx} = ${perLabel(c, `CO_${ion.name}`, ion.co)};`);
      out.set(coName, `ion_${coName}${sfx}`);
    }
    if (needed.has(eName)) {
      const fixed = perLabel(c, `E_${ion.name}`, ion.e);
      const ci = ion.ciState ? ciOf(ion.name) : null;
      if (ci !== null && ion.style.some((x) => x >= 2)) {
        const k = (1000.0 * GAS_CONSTANT * (c.plan.celsius + 273.15)) / FARADAY / ion.charge;
        const co = perLabel(c, `CO_${ion.name}`, ion.co);
        const nernst = s.op(s.num(k), '*', s.r(`Math.log(${s.op(co, '/', ci)})`));
        lines.push(`  const ion_${eName}${sfx} = ${perLabel(c, `STYLE_${ion.name}`, ion.style)} > 1.5 ? (${ci} > 0.0 ? ${nernst} : 1000000.0) : ${fixed};`);
      } else {
        lines.push(`  const ion_${eName}${sfx} = ${fixed};`);
      }
      out.set(eName, `ion_${eName}${sfx}`);
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
 * A resolver for one mechanism's symbols: `v` the voltage expression, `pass` and `sfx` name the
 * assigned locals, `stateRef(name)` reads a state.
 */
function resolver(c: Ctx, m: PlanMechanism, ions: Map<string, string>, v: string, pass: string, sfx: string, stateRef: (st: string) => string): (name: string) => string {
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
        return `a${a.flags.v ? pass : ''}_${cname(m.name)}_${name}${sfx}`;
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

function assignedLines(c: Ctx, m: PlanMechanism, resolve: (n: string) => string, pass: string, sfx: string, keep: (a: LoweredMechanism['assigned'][number]) => boolean): string[] {
  return m.lowered!.assigned
    .filter((a) => a.flags.inst && keep(a))
    .map((a) => `    const a${a.flags.v ? pass : ''}_${cname(m.name)}_${a.name}${sfx} = ${emitIR(c.s, a.ir, resolve)};`);
}

const oldState = (c: Ctx, m: PlanMechanism) => (st: string): string => `ST[${slotIndex(c, tex(`${m.name}.${st}`))}][j][b]`;

/**
 * Total mechanism current at v0 = v and v1 = v + 0.001 into i0<sfx>, i1<sfx> (with `onlyIon`:
 * that ion's current at v into i0<sfx>). States from ST as they are (start of step).
 */
function currentLines(c: Ctx, v: string, onlyIon: string | null, ciOf: CiSource, sfx: string): string[] {
  const s = c.s;
  const lines: string[] = [];
  const needed = new Set<string>();
  const mechs = c.plan.mechanisms.filter((m) => m.kind === 'ir' && (onlyIon === null || m.lowered!.currents.some((cu) => cu.ion === onlyIon)));
  for (const m of mechs) for (const x of symbolsIn(m.lowered!)) needed.add(x);
  const ions = ionLocals(c, lines, needed, ciOf, sfx);
  lines.push(`  const v0${sfx} = ${v};`);
  if (onlyIon === null) lines.push(`  const v1${sfx} = ${s.op(`v0${sfx}`, '+', s.num(0.001))};`);
  lines.push(`  let i0${sfx} = 0.0;`);
  if (onlyIon === null) lines.push(`  let i1${sfx} = 0.0;`);
  for (const m of mechs) {
    const lm = m.lowered!;
    lines.push(`  if (${perLabel(c, `M_${m.name}`, m.mask)} > 0.5) {`);
    const r0 = resolver(c, m, ions, `v0${sfx}`, '0', sfx, oldState(c, m));
    const r1 = resolver(c, m, ions, `v1${sfx}`, '1', sfx, oldState(c, m));
    const currents = lm.currents.filter((cu) => onlyIon === null || cu.ion === onlyIon);
    const need = closure(lm, currents.map((cu) => cu.ir));
    lines.push(...assignedLines(c, m, r0, '0', sfx, (a) => need.has(a.name) && !a.flags.v));
    for (const [pass, res] of (onlyIon === null ? [['1', r1], ['0', r0]] : [['0', r0]]) as [string, (n: string) => string][]) {
      lines.push(...assignedLines(c, m, res, pass, sfx, (a) => need.has(a.name) && a.flags.v));
      const sum = currents.map((cu) => emitIR(s, cu.ir, res)).reduce((x, y) => s.op(x, '+', y));
      lines.push(`    i${pass}${sfx} = ${s.op(`i${pass}${sfx}`, '+', sum)};`);
    }
    lines.push('  }');
  }
  return lines;
}

/**
 * CaDynamics_E2 (hand-written; mechanism files cannot write a concentration): the new cai into
 * cain<sfx>, from the Ca current of this step's current evaluation (recomputed at VOLD with the
 * start-of-step states and cai).
 */
function caiNewLines(c: Ctx, sfx: string): string[] {
  const s = c.s;
  const m = c.plan.mechanisms.find((x) => x.kind === 'cadyn')!;
  const z = slotIndex(c, 'CI_ca');
  const lines = [`  const caio${sfx} = ST[${z}][j][b];`, `  let cain${sfx} = caio${sfx};`];
  lines.push(`  if (${perLabel(c, 'M_CaDynamics_E2', m.mask)} > 0.5) {`);
  lines.push(...currentLines(c, 'VOLD[j][b]', 'ca', (ion) => (ion === 'ca' ? `caio${sfx}` : null), `c${sfx}`).map((l) => '  ' + l));
  const P = (p: string): string => paramRef(c, m, p);
  // b = (−10000)·((ica·γ)/((2·F)·depth)) − (−minCai)/decay;  a = (−1)/decay
  const ica = `i0c${sfx}`;
  const bb = s.op(s.op(s.num(-10000), '*', s.op(s.op(ica, '*', P('gamma')), '/', s.op(s.num(2 * FARADAY), '*', P('depth')))), '-', s.op(`(-${P('minCai')})`, '/', P('decay')));
  lines.push(`    const bb${sfx} = ${bb};`);
  lines.push(`    const aa${sfx} = ${s.op(s.num(-1), '/', P('decay'))};`);
  lines.push(`    const xa${sfx} = ${s.op(s.num(c.plan.dt_ms), '*', `aa${sfx}`)};`);
  lines.push(`    cain${sfx} = ${s.op(`caio${sfx}`, '+', s.op(oneMinusExp(s, `xa${sfx}`), '*', s.op(s.op(`(-bb${sfx})`, '/', `aa${sfx}`), '-', `caio${sfx}`)))};`);
  lines.push('  }');
  return lines;
}

function finish(c: Ctx, name: string, body: string[], output: number[]): KernelSpec {
  if (c.lc.size > 0) {
    const rows: Float32Array[] = [];
    for (let l = 0; l < c.plan.n; l++) rows.push(new Float32Array(c.lcWidth));
    for (const { col, data } of c.lc.values()) for (let l = 0; l < c.plan.n; l++) rows[l][col] = data[l];
    c.constants.LC = rows;
  }
  if (c.pv.size > 0) {
    const B = c.plan.B;
    const planes: Float32Array[][] = [];
    for (const { data } of c.pv.values()) {
      const rows: Float32Array[] = [];
      for (let l = 0; l < c.plan.n; l++) rows.push(data.slice(l * B, (l + 1) * B));
      planes.push(rows);
    }
    (c.constants as Record<string, unknown>).PV = planes;
  }
  const source = `function (${c.args.join(', ')}) {\n${body.join('\n')}\n}`;
  return { name, source, output, constants: c.constants, args: [...c.args] };
}

const HEAD = ['  const b = this.thread.x;', '  const j = this.thread.y;'];

/** v = v_init everywhere. */
export function initVKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, []);
  return finish(c, 'initV', [`  return ${c.s.num(plan.v_init_mV)} + 0.0 * this.thread.x;`], [plan.B, plan.n]);
}

/** Every state's initial value at v_init into ST [B, N, Z]: x∞ (α/(α + β)), `initial`, or ci0. */
export function initStatesKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, []);
  const s = c.s;
  const lines = [...HEAD, '  const z = this.thread.z;', `  const v = ${s.num(plan.v_init_mV)};`];
  c.slots.forEach((slot, z) => {
    const sfx = `_${z}`;
    lines.push(`  if (z == ${z}) {`);
    if (slot.state === null) {
      const ion = plan.ions.find((x) => x.name === slot.ion)!;
      lines.push(`    return ${perLabel(c, `CI0_${ion.name}`, ion.ci0)};`, '  }');
      return;
    }
    const m = slot.mech;
    const lm = m.lowered!;
    const st = lm.states.find((x) => x.decl.name === slot.state)!;
    lines.push(`    if (${perLabel(c, `M_${m.name}`, m.mask)} < 0.5) { return 0.0; }`);
    const ions = ionLocals(c, lines, symbolsIn(lm), () => null, sfx);
    const res = resolver(c, m, ions, 'v', '', sfx, () => { throw new Error(`internal: ${m.name}.${slot.state}: the initial value reads a state`); });
    const need = closure(lm, st.initial ? [st.initial.ir] : [st.first.ir, st.second.ir]);
    lines.push(...assignedLines(c, m, res, '', sfx, (a) => need.has(a.name)));
    if (st.initial) lines.push(`    return ${emitIR(s, st.initial.ir, res)};`);
    else if (st.decl.form === 'inf_tau') lines.push(`    return ${emitIR(s, st.first.ir, res)};`);
    else {
      lines.push(`    const al${sfx} = ${emitIR(s, st.first.ir, res)};`);
      lines.push(`    const be${sfx} = ${emitIR(s, st.second.ir, res)};`);
      lines.push(`    return ${s.op(`al${sfx}`, '/', s.op(`al${sfx}`, '+', `be${sfx}`))};`);
    }
    lines.push('  }');
  });
  lines.push('  return 0.0;');
  return finish(c, 'initStates', lines, [plan.B, plan.n, Math.max(1, c.slots.length)]);
}

/** Assembly: output [B, N, 4] = (d, r, up, dn) per label. ON: IClamp on (1) or off (0) per instance. */
export function assemblyKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, ['V', 'ST', 'ON']);
  const s = c.s;
  const lines = [...HEAD, '  const q = this.thread.z;'];
  lines.push(`  if (q == 2) { return ${perLabel(c, 'UP', plan.up)}; }`);
  lines.push(`  if (q == 3) { return ${perLabel(c, 'DN', plan.dn)}; }`);
  lines.push('  const v = V[j][b];');
  const ciState = (ion: string): string => `ST[${slotIndex(c, `CI_${ion}`)}][j][b]`;
  lines.push(...currentLines(c, 'v', null, ciState, ''));
  const g = s.op(s.op('i1', '-', 'i0'), '/', s.num(0.001));
  lines.push(`  if (q == 0) { return ${s.op(perLabel(c, 'DCONST', plan.dConst), '+', g)}; }`);
  lines.push('  let r = -i0;');
  const ns = plan.stim.label.length;
  if (ns > 0) {
    const B = plan.B;
    const rows: Float32Array[] = [];
    for (let k = 0; k < ns; k++) rows.push(Float32Array.from(plan.stim.amp.subarray(k * B, (k + 1) * B), (a) => a * plan.stim.scale[k]));
    c.constants.AMP = rows;
    const base = perLabelTable(c, 'STIMAT', plan.stimAt, plan.maxStim);
    lines.push(`  for (let u = 0; u < ${plan.maxStim}; u++) {`);
    lines.push(`    const k = this.constants.LC[j][${base} + u];`);
    lines.push(`    if (k > -0.5) { r = ${s.op('r', '+', s.op('ON[k]', '*', 'this.constants.AMP[k][b]'))}; }`);
    lines.push('  }');
  }
  lines.push(`  const p = ${perLabel(c, 'PAR', Float32Array.from(plan.parentLabel))};`);
  lines.push(`  if (p > -0.5) { r = ${s.op('r', '-', s.op(perLabel(c, 'UP', plan.up), '*', s.op('V[p][b]', '-', 'v')))}; }`);
  const base = perLabelTable(c, 'CH', plan.children, plan.maxChildren);
  lines.push(`  for (let u = 0; u < ${plan.maxChildren}; u++) {`);
  lines.push(`    const h = this.constants.LC[j][${base} + u];`);
  lines.push(`    if (h > -0.5) { r = ${s.op('r', '+', s.op(perLabel(c, 'DN', plan.dn, 'h'), '*', s.op('v', '-', 'V[h][b]')))}; }`);
  lines.push('  }');
  lines.push('  return r;');
  return finish(c, 'assemble', lines, [plan.B, plan.n, 4]);
}

/**
 * Every state's update into ST' [B, N, Z]: cnexp at the new v (V) from the start-of-step states
 * (ST); concentrations (CaDynamics_E2) from the Ca current at the old v (VOLD). A gate that reads
 * cai sees the new cai, as when NEURON advances CaDynamics_E2 first (model order).
 */
export function advanceKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, ['V', 'VOLD', 'ST']);
  const s = c.s;
  const lines = [...HEAD, '  const z = this.thread.z;'];
  c.slots.forEach((slot, z) => {
    const sfx = `_${z}`;
    lines.push(`  if (z == ${z}) {`);
    if (slot.state === null) {
      lines.push(...caiNewLines(c, sfx).map((l) => '  ' + l), `    return cain${sfx};`, '  }');
      return;
    }
    const m = slot.mech;
    const lm = m.lowered!;
    const st = lm.states.find((x) => x.decl.name === slot.state)!;
    lines.push(`    const x${sfx} = ST[${z}][j][b];`);
    lines.push(`    if (${perLabel(c, `M_${m.name}`, m.mask)} < 0.5) { return x${sfx}; }`);
    const needSyms = new Set<string>();
    const need = closure(lm, [st.first.ir, st.second.ir]);
    const walk = (ir: IR): void => {
      if (ir.k === 'sym') needSyms.add(ir.name);
      else if (ir.k === 'bin') { walk(ir.a); walk(ir.b); } else if (ir.k === 'neg' || ir.k === 'not') walk(ir.a);
      else if (ir.k === 'call') ir.args.forEach(walk); else if (ir.k === 'cond') { walk(ir.c); walk(ir.a); walk(ir.b); }
    };
    walk(st.first.ir);
    walk(st.second.ir);
    for (const a of lm.assigned) if (need.has(a.name)) walk(a.ir);
    const ciLines: string[] = [];
    const ciOf = (ion: string): string | null => {
      if (ion !== 'ca') return null;
      if (ciLines.length === 0) ciLines.push(...caiNewLines(c, `n${sfx}`));
      return `cainn${sfx}`;
    };
    const ionDefs: string[] = [];
    const ions = ionLocals(c, ionDefs, needSyms, ciOf, sfx);
    lines.push(...ciLines.map((l) => '  ' + l), ...ionDefs.map((l) => '  ' + l));
    lines.push(`    const v${sfx} = V[j][b];`);
    const res = resolver(c, m, ions, `v${sfx}`, '', sfx, (name) => (name === slot.state ? `x${sfx}` : oldState(c, m)(name)));
    lines.push(...assignedLines(c, m, res, '', sfx, (a) => need.has(a.name)));
    lines.push(`    const r1${sfx} = ${emitIR(s, st.first.ir, res)};`);
    lines.push(`    const r2${sfx} = ${emitIR(s, st.second.ir, res)};`);
    if (st.decl.form === 'inf_tau') {
      lines.push(`    const ca${sfx} = ${s.op(s.num(-1), '/', `r2${sfx}`)};`);
      lines.push(`    const mba${sfx} = ${s.op(`(-${s.op(`r1${sfx}`, '/', `r2${sfx}`)})`, '/', `ca${sfx}`)};`);
    } else {
      lines.push(`    const ca${sfx} = (-${s.op(`r1${sfx}`, '+', `r2${sfx}`)});`);
      lines.push(`    const mba${sfx} = ${s.op(`(-r1${sfx})`, '/', `ca${sfx}`)};`);
    }
    lines.push(`    const xa${sfx} = ${s.op(s.num(plan.dt_ms), '*', `ca${sfx}`)};`);
    lines.push(`    return ${s.op(`x${sfx}`, '+', s.op(oneMinusExp(s, `xa${sfx}`), '*', s.op(`mba${sfx}`, '-', `x${sfx}`)))};`);
    lines.push('  }');
  });
  lines.push('  return 0.0;');
  return finish(c, 'advance', lines, [plan.B, plan.n, Math.max(1, c.slots.length)]);
}

/** Forward round k of the tree contraction: S (rows live[k]) → rows live[k+1]. */
export function forwardKernel(plan: GpuPlan, k: number, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, ['S']);
  const s = c.s;
  const sc = plan.schedule;
  const ns = sc.live[k + 1];
  const T: Float32Array[] = [];
  for (let j = 0; j < ns; j++) T.push(Float32Array.of(sc.fwdParent[k][j], sc.fwdChild0[k][j], sc.fwdChild1[k][j]));
  c.constants.FT = T;
  const L = [...HEAD, '  const q = this.thread.z;'];
  L.push('  let d = S[0][j][b];', '  let r = S[1][j][b];', '  let up = S[2][j][b];', '  let dn = S[3][j][b];');
  L.push('  const e = this.constants.FT[j][0];');
  L.push('  if (e > -0.5) {');
  L.push('    const de = S[0][e][b];');
  L.push(`    d = ${s.op('d', '-', s.op(s.op('up', '*', 'dn'), '/', 'de'))};`);
  L.push(`    r = ${s.op('r', '-', s.op(s.op('up', '*', 'S[1][e][b]'), '/', 'de'))};`);
  L.push(`    const nup = -${s.op(s.op('up', '*', 'S[2][e][b]'), '/', 'de')};`);
  L.push(`    dn = -${s.op(s.op('S[3][e][b]', '*', 'dn'), '/', 'de')};`);
  L.push('    up = nup;');
  L.push('  }');
  for (const col of [1, 2]) {
    L.push(`  const h${col} = this.constants.FT[j][${col}];`);
    L.push(`  if (h${col} > -0.5) {`);
    L.push(`    d = ${s.op('d', '-', s.op(s.op(`S[3][h${col}][b]`, '*', `S[2][h${col}][b]`), '/', `S[0][h${col}][b]`))};`);
    L.push(`    r = ${s.op('r', '-', s.op(s.op(`S[3][h${col}][b]`, '*', `S[1][h${col}][b]`), '/', `S[0][h${col}][b]`))};`);
    L.push('  }');
  }
  L.push('  if (q == 0) { return d; }', '  if (q == 1) { return r; }', '  if (q == 2) { return up; }', '  return dn;');
  return finish(c, `fwd${k}`, L, [plan.B, ns, 4]);
}

/** The roots left after the last round: x = r/d. */
export function finalKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, ['S']);
  const sc = plan.schedule;
  return finish(c, 'final', [...HEAD, `  return ${c.s.op('S[1][j][b]', '/', 'S[0][j][b]')};`], [plan.B, sc.live[sc.live.length - 1]]);
}

/** Backward round k: X (rows live[k+1]) → rows live[k], eliminated rows from S (round k's input). */
export function backwardKernel(plan: GpuPlan, k: number, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, ['X', 'S']);
  const s = c.s;
  const sc = plan.schedule;
  const ns = sc.live[k + 1];
  const T: Float32Array[] = [];
  for (let j = 0; j < sc.live[k]; j++) T.push(j < ns ? Float32Array.of(-1, -1) : Float32Array.of(sc.bwdParent[k][j - ns], sc.bwdChild[k][j - ns]));
  c.constants.BT = T;
  const L = [...HEAD];
  L.push(`  if (j < ${ns}) { return X[j][b]; }`);
  L.push('  const p = this.constants.BT[j][0];', '  const h = this.constants.BT[j][1];');
  L.push(`  let num = ${s.op('S[1][j][b]', '-', s.op('S[2][j][b]', '*', 'X[p][b]'))};`);
  L.push(`  if (h > -0.5) { num = ${s.op('num', '-', s.op('S[3][h][b]', '*', 'X[h][b]'))}; }`);
  L.push(`  return ${s.op('num', '/', 'S[0][j][b]')};`);
  return finish(c, `bwd${k}`, L, [plan.B, sc.live[k]]);
}

/** v += Δ. */
export function vUpdateKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, ['V', 'X']);
  return finish(c, 'vupdate', [...HEAD, `  return ${c.s.op('V[j][b]', '+', 'X[j][b]')};`], [plan.B, plan.n]);
}

/** v at the probed labels: output [B, P]. */
export function recordKernel(plan: GpuPlan, f32: boolean): KernelSpec {
  const c = newCtx(plan, f32, ['V']);
  c.constants.PROBE = Float32Array.from(plan.probeLabels);
  return finish(c, 'record', [...HEAD, '  return V[this.constants.PROBE[j]][b];'], [plan.B, plan.probeLabels.length]);
}
