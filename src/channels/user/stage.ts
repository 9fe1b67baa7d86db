/**
 * The body of a kernel's instance loop, staged around batched exponentials.
 *
 * A large generated loop body that calls `exp` a dozen times would keep most calls out of line
 * (the JIT's inlining budget runs out), and an out-of-line call boxes its double argument and
 * result: an allocation per call. So the body is emitted in stages instead. Every `exp(arg)` gets
 * a slot. The stage that can first compute `arg` writes it to a scratch array, one
 * `$expBatch(E, n)` call exponentiates all arguments of that stage, and the results are read back
 * into locals that the next stages use. `vtrap` and `efun` are expanded around their exponential.
 *
 * The arithmetic is unchanged: the same expressions in the same order of operations, and the same
 * exp (NEURON's hoc_Exp over the glibc algorithm, runtime.ts). Only the order in which independent
 * values are computed changes. Every expression is pure, so an exp in an untaken branch of
 * `?:` costs time but changes nothing.
 */
import { emit, type IR } from './expr.ts';

interface Stmt {
  /** `const x = ` or `S_m[j] = ` etc. */
  readonly head: string;
  readonly ir: IR;
  readonly level: number;
}

interface Slot {
  readonly local: string;
  readonly arg: IR;
  readonly level: number;
}

const num = (v: number): IR => ({ k: 'num', v });
const raw = (code: string): IR => ({ k: 'raw', code });

export class Stager {
  private readonly stmts: Stmt[] = [];
  private readonly slots: Slot[] = [];
  private readonly level = new Map<string, number>();
  private readonly tails: string[] = [];
  private temp = 0;

  /**
   * @param resolve source of a user symbol (as in expr.ts `emit`); its level is 0 unless it names
   *   a local defined here.
   * @param prefix prefix of the temporaries of this body (unique within the kernel).
   */
  constructor(
    private readonly resolve: (name: string) => string,
    private readonly prefix: string,
  ) {}

  /** `const name = ir;` (name becomes a local other statements may resolve to). */
  def(name: string, ir: IR): void {
    const { ir: low, level } = this.lower(ir);
    this.stmts.push({ head: `const ${name} = `, ir: low, level });
    this.level.set(name, level);
  }

  /** Code after every stage (stores into arrays, ion totals). */
  tail(line: string): void {
    this.tails.push(line);
  }

  /** Level of a local (or 0). */
  levelOf(code: string): number {
    return this.level.get(code) ?? 0;
  }

  /** Register lines computed before anything else (level 0) that define `names`. */
  pre(lines: readonly string[], names: readonly string[]): void {
    for (const n of names) this.level.set(n, 0);
    this.stmts.push({ head: '', ir: raw(lines.join('\n')), level: -1 });
  }

  private fresh(): string {
    return `${this.prefix}${this.temp++}`;
  }

  /** Bind a lowered value to a temporary unless it is a leaf. */
  private bind(ir: IR, level: number): IR {
    if (ir.k === 'num' || ir.k === 'raw') return ir;
    const t = this.fresh();
    this.stmts.push({ head: `const ${t} = `, ir, level });
    this.level.set(t, level);
    return raw(t);
  }

  /** exp(arg): a slot filled in the stage of `arg`, read back as a local one level later. */
  private expOf(arg: IR, level: number): { ir: IR; level: number } {
    const local = this.fresh();
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
          // vtrap(x, y): q = x/y; |q| < 1e-6 ? y·(1 − q/2) : x/(exp(q) − 1)   (runtime.ts vtrap)
          const x = this.bind(args[0].ir, args[0].level);
          const y = this.bind(args[1].ir, args[1].level);
          const q = this.bind({ k: 'bin', op: '/', a: x, b: y }, lv);
          const e = this.expOf(q, lv);
          const small: IR = { k: 'bin', op: '<', a: { k: 'call', fn: 'abs', args: [q] }, b: num(1e-6) };
          const near: IR = { k: 'bin', op: '*', a: y, b: { k: 'bin', op: '-', a: num(1), b: { k: 'bin', op: '/', a: q, b: num(2) } } };
          const far: IR = { k: 'bin', op: '/', a: x, b: { k: 'bin', op: '-', a: e.ir, b: num(1) } };
          return { ir: { k: 'cond', c: small, a: near, b: far }, level: e.level };
        }
        if (ir.fn === 'efun') {
          // efun(z): |z| < 1e-4 ? 1 − z/2 : z/(exp(z) − 1)   (runtime.ts efun)
          const z = this.bind(args[0].ir, args[0].level);
          const e = this.expOf(z, args[0].level);
          const small: IR = { k: 'bin', op: '<', a: { k: 'call', fn: 'abs', args: [z] }, b: num(1e-4) };
          const near: IR = { k: 'bin', op: '-', a: num(1), b: { k: 'bin', op: '/', a: z, b: num(2) } };
          const far: IR = { k: 'bin', op: '/', a: z, b: { k: 'bin', op: '-', a: e.ir, b: num(1) } };
          return { ir: { k: 'cond', c: small, a: near, b: far }, level: e.level };
        }
        return { ir: { k: 'call', fn: ir.fn, args: args.map((x) => x.ir) }, level: lv };
      }
    }
  }

  /** Largest number of exponentials in one stage (the size of the scratch array). */
  batchSize(): number {
    const per = new Map<number, number>();
    for (const s of this.slots) per.set(s.level, (per.get(s.level) ?? 0) + 1);
    return Math.max(0, ...per.values());
  }

  /** The loop body: stage by stage, statements, then the stage's exponentials in one batch; then the tail. */
  lines(indent: string): string[] {
    const out: string[] = [];
    const code = (ir: IR) => emit(ir, (n) => this.resolve(n));
    for (const s of this.stmts) if (s.level === -1) out.push(...code(s.ir).split('\n').map((l) => indent + l));
    const maxLevel = Math.max(0, ...this.stmts.map((s) => s.level), ...this.slots.map((s) => s.level + 1));
    for (let L = 0; L <= maxLevel; L++) {
      for (const s of this.stmts) if (s.level === L) out.push(`${indent}${s.head}${code(s.ir)};`);
      const batch = this.slots.filter((s) => s.level === L);
      if (batch.length === 0) continue;
      batch.forEach((s, i) => out.push(`${indent}E[${i}] = ${code(s.arg)};`));
      out.push(`${indent}$expBatch(E, ${batch.length});`);
      batch.forEach((s, i) => out.push(`${indent}const ${s.local} = E[${i}];`));
    }
    for (const t of this.tails) out.push(indent + t);
    return out;
  }
}
