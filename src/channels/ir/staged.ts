/**
 * A second code generator on the kinetics IR: the state update (`advance`, cnexp) emitted
 * stage-major. The mechanism-file compiler (src/channels/user/compile.ts + stage.ts) emits one loop
 * over the instances whose body exponentiates its own arguments a few at a time; here every stage
 * is a loop over a block of up to BLOCK instances that writes its exp arguments to a scratch plane
 * per exp, and one WebAssembly SIMD call (../exp-wasm.ts, glibc's exp bit for bit) exponentiates the
 * whole block before the next stage reads the results. Arithmetic that later stages need is
 * recomputed there (pure expressions, no exp), so nothing but the exp results crosses stages.
 *
 * The values are those of the compiled kernel bit for bit: the same expressions in the same
 * algebraic form (vtrap and efun expanded as stage.ts does), the same exp (NEURON's hoc_Exp: 0 below
 * −700, exp(700) above 700, glibc's algorithm between). test/batch/staged.test.ts checks it.
 * Mechanisms with a rate table use the compiled advance whenever the table is on.
 */
import { createExpBatchWithFallback, type ExpBatch } from '../exp-wasm.ts';
import type { MechanismContext } from '../mechanism.ts';
import type { LoweredMechanism, UserInstance } from '../user/compile.ts';
import { emit, type IR } from '../user/expr.ts';
import { HELPERS, hocExp } from '../user/runtime.ts';

/** Instances per block: scratch is (exps per instance) × BLOCK doubles, whatever the count. */
export const BLOCK = 256;

interface Stmt {
  readonly name: string;
  readonly ir: IR;
  readonly level: number;
}

interface Slot {
  readonly local: string;
  readonly arg: IR;
  /** Level at which the argument is known; the result is available from level + 1. */
  readonly level: number;
}

const num = (v: number): IR => ({ k: 'num', v });
const raw = (code: string): IR => ({ k: 'raw', code });
const bin = (op: '+' | '-' | '*' | '/' | '<', a: IR, b: IR): IR => ({ k: 'bin', op, a, b });

/** stage.ts's lowering (same temporaries, same expansion of exp, vtrap and efun), keeping levels. */
class Lowering {
  readonly stmts: Stmt[] = [];
  readonly slots: Slot[] = [];
  private readonly level = new Map<string, number>();
  private temp = 0;

  constructor(private readonly resolve: (name: string) => string) {}

  def(name: string, ir: IR): void {
    const low = this.lower(ir);
    this.stmts.push({ name, ir: low.ir, level: low.level });
    this.level.set(name, low.level);
  }

  private levelOf(code: string): number {
    return this.level.get(code) ?? 0;
  }

  private bind(ir: IR, level: number): IR {
    if (ir.k === 'num' || ir.k === 'raw') return ir;
    const t = `t_${this.temp++}`;
    this.stmts.push({ name: t, ir, level });
    this.level.set(t, level);
    return raw(t);
  }

  private expOf(arg: IR, level: number): { ir: IR; level: number } {
    const local = `t_${this.temp++}`;
    this.slots.push({ local, arg, level });
    this.level.set(local, level + 1);
    return { ir: raw(local), level: level + 1 };
  }

  private lower(ir: IR): { ir: IR; level: number } {
    switch (ir.k) {
      case 'num':
        return { ir, level: 0 };
      case 'raw':
        return { ir, level: this.levelOf(ir.code) };
      case 'sym': {
        const code = this.resolve(ir.name);
        return { ir: raw(code), level: this.levelOf(code) };
      }
      case 'neg':
      case 'not': {
        const a = this.lower(ir.a);
        return { ir: { k: ir.k, a: a.ir }, level: a.level };
      }
      case 'bin': {
        const a = this.lower(ir.a);
        const b = this.lower(ir.b);
        return { ir: { k: 'bin', op: ir.op, a: a.ir, b: b.ir }, level: Math.max(a.level, b.level) };
      }
      case 'cond': {
        const c = this.lower(ir.c);
        const a = this.lower(ir.a);
        const b = this.lower(ir.b);
        return { ir: { k: 'cond', c: c.ir, a: a.ir, b: b.ir }, level: Math.max(c.level, a.level, b.level) };
      }
      case 'call': {
        const args = ir.args.map((x) => this.lower(x));
        const lv = Math.max(0, ...args.map((x) => x.level));
        if (ir.fn === 'exp') return this.expOf(args[0].ir, args[0].level);
        if (ir.fn === 'vtrap') {
          const x = this.bind(args[0].ir, args[0].level);
          const y = this.bind(args[1].ir, args[1].level);
          const q = this.bind(bin('/', x, y), lv);
          const e = this.expOf(q, lv);
          const small = bin('<', { k: 'call', fn: 'abs', args: [q] }, num(1e-6));
          return { ir: { k: 'cond', c: small, a: bin('*', y, bin('-', num(1), bin('/', q, num(2)))), b: bin('/', x, bin('-', e.ir, num(1))) }, level: e.level };
        }
        if (ir.fn === 'efun') {
          const z = this.bind(args[0].ir, args[0].level);
          const e = this.expOf(z, args[0].level);
          const small = bin('<', { k: 'call', fn: 'abs', args: [z] }, num(1e-4));
          return { ir: { k: 'cond', c: small, a: bin('-', num(1), bin('/', z, num(2))), b: bin('/', z, bin('-', e.ir, num(1))) }, level: e.level };
        }
        return { ir: { k: 'call', fn: ir.fn, args: args.map((x) => x.ir) }, level: lv };
      }
    }
  }
}

const Q = JSON.stringify;

/** The generated source of a stage-major advance, or null when the mechanism has no states. */
export function stagedAdvanceSource(low: LoweredMechanism): string | null {
  if (low.states.length === 0) return null;
  const header = new Map<string, string>();
  const declare = (local: string, init: string): string => {
    if (!header.has(local)) header.set(local, init);
    return local;
  };
  const byName = new Map(low.assigned.map((a) => [a.name, a]));
  const resolve = (name: string): string => {
    const s = low.symbol(name)!;
    switch (s.kind) {
      case 'v':
        return 'v';
      case 'time':
        return declare('t', 'ctx.t');
      case 'block':
        return declare(name, `ctx.${name}`);
      case 'param':
      case 'state':
        return `${declare(`${s.kind === 'param' ? 'P' : 'S'}_${name}`, `inst.vars[${Q(name)}]`)}[j]`;
      case 'global':
        return declare(`G_${name}`, `inst.globals[${Q(name)}]`);
      case 'ion': {
        const prefix = s.field === 'e' ? 'E' : s.field === 'ci' ? 'CI' : 'CO';
        return `${declare(`${prefix}_${s.ion}`, `inst.ions[${Q(s.ion!)}].${s.field}`)}[node]`;
      }
      case 'assigned':
        return byName.get(name)!.flags.inst ? `a_${name}` : `b_${name}`;
      default:
        throw new Error(`internal: symbol ${name} of kind ${String(s.kind)}`);
    }
  };
  // The assigned quantities the rates need (declaration order), as compile.ts's closure.
  const need = new Set<string>();
  const visit = (names: readonly string[]) => {
    for (const n of names) {
      if (need.has(n)) continue;
      need.add(n);
      visit(byName.get(n)!.reads);
    }
  };
  const readsOf = (ir: IR, out: string[] = []): string[] => {
    switch (ir.k) {
      case 'sym':
        if (low.symbol(ir.name)?.kind === 'assigned') out.push(ir.name);
        break;
      case 'bin':
        readsOf(ir.a, out);
        readsOf(ir.b, out);
        break;
      case 'neg':
      case 'not':
        readsOf(ir.a, out);
        break;
      case 'call':
        ir.args.forEach((x) => readsOf(x, out));
        break;
      case 'cond':
        readsOf(ir.c, out);
        readsOf(ir.a, out);
        readsOf(ir.b, out);
        break;
      default:
        break;
    }
    return out;
  };
  for (const s of low.states) visit([...readsOf(s.first.ir), ...readsOf(s.second.ir)]);
  const needed = low.assigned.filter((a) => need.has(a.name));

  const L = new Lowering(resolve);
  for (const a of needed) if (a.flags.inst) L.def(`a_${a.name}`, a.ir);
  for (const s of low.states) {
    L.def(`r_${s.decl.name}_1`, s.first.ir);
    L.def(`r_${s.decl.name}_2`, s.second.ir);
  }
  const stores: string[] = [];
  for (const s of low.states) {
    const n = s.decl.name;
    const x = raw(resolve(n));
    const r1 = raw(`r_${n}_1`);
    const r2 = raw(`r_${n}_2`);
    const a: IR = s.decl.form === 'inf_tau' ? bin('/', num(-1), r2) : { k: 'neg', a: bin('+', r1, r2) };
    L.def(`ca_${n}`, a);
    const minusBOverA: IR = s.decl.form === 'inf_tau' ? bin('/', { k: 'neg', a: bin('/', r1, r2) }, raw(`ca_${n}`)) : bin('/', { k: 'neg', a: r1 }, raw(`ca_${n}`));
    L.def(`nx_${n}`, bin('+', x, bin('*', bin('-', num(1), { k: 'call', fn: 'exp', args: [bin('*', raw('dt'), raw(`ca_${n}`))] }), bin('-', minusBOverA, x))));
    stores.push(`${resolve(n)} = nx_${n};`);
  }
  declare('dt', 'ctx.dt');
  const code = (ir: IR): string => emit(ir, (n) => resolve(n));
  // Levels: a statement or exp result is computed in the loop of its level; a value a later loop
  // needs crosses over in a scratch plane ("spilled"), so nothing is computed twice.
  const levelOf = new Map<string, number>();
  for (const st of L.stmts) levelOf.set(st.name, st.level);
  for (const sl of L.slots) levelOf.set(sl.local, sl.level + 1);
  const refs = (ir: IR, out: Set<string> = new Set()): Set<string> => {
    switch (ir.k) {
      case 'raw':
        if (levelOf.has(ir.code)) out.add(ir.code);
        break;
      case 'bin':
        refs(ir.a, out);
        refs(ir.b, out);
        break;
      case 'neg':
      case 'not':
        refs(ir.a, out);
        break;
      case 'call':
        ir.args.forEach((x) => refs(x, out));
        break;
      case 'cond':
        refs(ir.c, out);
        refs(ir.a, out);
        refs(ir.b, out);
        break;
      default:
        break;
    }
    return out;
  };
  const maxLevel = Math.max(0, ...L.stmts.map((x) => x.level), ...L.slots.map((x) => x.level + 1));
  // What each loop reads from earlier loops.
  const reads: Set<string>[] = Array.from({ length: maxLevel + 1 }, () => new Set<string>());
  const use = (at: number, ir: IR) => {
    for (const r of refs(ir)) if (levelOf.get(r)! < at || L.slots.some((x) => x.local === r)) reads[at].add(r);
  };
  for (const st of L.stmts) use(st.level, st.ir);
  for (const sl of L.slots) use(sl.level, sl.arg);
  const finals = low.states.map((x) => raw(`nx_${x.decl.name}`));
  for (const f of finals) use(maxLevel, f);
  const spilled = new Set<string>();
  for (const set of reads) for (const r of set) if (!L.slots.some((x) => x.local === r)) spilled.add(r);
  // Planes: exps (by level), then spilled values.
  const slots = [...L.slots].sort((p, q) => p.level - q.level);
  const plane = new Map<string, number>();
  slots.forEach((x, k) => plane.set(x.local, k));
  [...spilled].forEach((x, k) => plane.set(x, slots.length + k));
  const at = (name: string): string => `X[${plane.get(name)! * BLOCK} + o]`;
  const body: string[] = [];
  for (const a of needed) if (!a.flags.inst) body.push(`  const b_${a.name} = ${code(a.ir)};`);
  body.push(`  const X = inst.$expb.buf;`);
  body.push(`  for (let j0 = 0; j0 < count; j0 += ${BLOCK}) {`);
  body.push(`    const j1 = Math.min(count, j0 + ${BLOCK});`);
  for (let lv = 0; lv <= maxLevel; lv++) {
    body.push(`    for (let j = j0; j < j1; j++) {`);
    body.push(`      const node = nodes[j];`);
    body.push(`      const v = V[node];`);
    body.push(`      const o = j - j0;`);
    for (const r of reads[lv]) body.push(`      const ${r} = ${at(r)};`);
    for (const st of L.stmts) {
      if (st.level !== lv) continue;
      body.push(`      const ${st.name} = ${code(st.ir)};`);
      if (spilled.has(st.name)) body.push(`      ${at(st.name)} = ${st.name};`);
    }
    for (const sl of slots) if (sl.level === lv) body.push(`      ${at(sl.local)} = ${code(sl.arg)};`);
    if (lv === maxLevel) for (const line of stores) body.push(`      ${line}`);
    body.push(`    }`);
    const here = slots.filter((x) => x.level === lv);
    for (const x of here) body.push(`    inst.$expb.run(${plane.get(x.local)! * BLOCK}, j1 - j0);`);
  }
  body.push(`  }`);
  const nPlanes = slots.length + spilled.size;
  declare('count', 'inst.count');
  declare('nodes', 'inst.nodes');
  declare('V', 'ctx.v');
  return ['function advance(inst, ctx) {', ...[...header.entries()].map(([k, v]) => `  const ${k} = ${v};`), ...body, '}'].join('\n') + `\n//planes ${nPlanes}`;
}

export interface StagedInstance extends UserInstance {
  readonly $expb: ExpBatch;
}

/** Compile the stage-major advance; returns the kernel and how much scratch an instance needs. */
export function stagedAdvance(low: LoweredMechanism): { advance: (inst: StagedInstance, ctx: MechanismContext) => void; scratch: number; code: string } | null {
  const src = stagedAdvanceSource(low);
  if (src === null) return null;
  const nPlanes = Number(/\/\/planes (\d+)$/.exec(src)![1]);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const advance = new Function(...Object.keys(HELPERS), `"use strict";\n${src}\nreturn advance;`)(...Object.values(HELPERS)) as (inst: StagedInstance, ctx: MechanismContext) => void;
  return { advance, scratch: Math.max(1, nPlanes) * BLOCK, code: src };
}

/** A scratch exp batch for one instance block (hoc_Exp outside the fast range, as compiled kernels). */
export function createScratch(doubles: number): ExpBatch {
  return createExpBatchWithFallback(doubles, hocExp);
}
