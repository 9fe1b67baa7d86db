/**
 * The batch's `fast` arithmetic (src/channels/ir/wasm/fast.ts, BatchOptions.arithmetic): the
 * rewrites are exact in real arithmetic (checked on random values against the expression they
 * replace), and a fast batch stays within the single runs' 1e-9 mV of the single runs with the
 * hand-written kernels (what `simulate()` runs), on Rallpacks 1 and 3, the 2048-compartment hh cell
 * through 100 ms of repetitive firing, and the Hay set; it differs from the exact batch (the rewrites
 * did apply), and the exact batch stays bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../../src/channels/catalogue.ts';
import { irCatalogue, loweredKinetics } from '../../src/channels/ir/index.ts';
import { affineInV, constantReciprocal, planSharedExps, reciprocal } from '../../src/channels/ir/wasm/fast.ts';
import { emit, type IR } from '../../src/channels/user/expr.ts';
import { HELPERS } from '../../src/channels/user/runtime.ts';
import { createBatchState, compileVariants, simulateBatch, type BatchVariant } from '../../src/solvers/batch/index.ts';
import type { SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { CASES, maxAbsDiff } from './cases.ts';

function caseNamed(prefix: string) {
  const c = CASES.find((x) => x.name.startsWith(prefix));
  if (!c) throw new Error(`no case ${prefix}`);
  return c;
}

/** Evaluate an IR with the symbols' values (the JavaScript kernels' helpers for vtrap, exp …). */
function evaluate(ir: IR, values: Record<string, number>): number {
  const body = `return ${emit(ir, (n) => `V[${JSON.stringify(n)}]`)};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(...Object.keys(HELPERS), 'V', body)(...Object.values(HELPERS), values) as number;
}

/** The IR with every division by a constant rewritten as the kernels do (x / c → x · constantReciprocal(c)). */
function constantDivisions(ir: IR): IR {
  switch (ir.k) {
    case 'bin': {
      const a = constantDivisions(ir.a);
      const inv = ir.op === '/' ? constantReciprocal(ir.b) : null;
      return inv !== null ? { k: 'bin', op: '*', a, b: { k: 'num', v: inv } } : { ...ir, a, b: constantDivisions(ir.b) };
    }
    case 'neg':
    case 'not':
      return { ...ir, a: constantDivisions(ir.a) };
    case 'cond':
      return { ...ir, c: constantDivisions(ir.c), a: constantDivisions(ir.a), b: constantDivisions(ir.b) };
    case 'call':
      return { ...ir, args: ir.args.map(constantDivisions) };
    default:
      return ir;
  }
}

describe('fast arithmetic rewrites', () => {
  const sym = (name: string): IR => ({ k: 'sym', name });
  const num = (v: number): IR => ({ k: 'num', v });
  const bin = (op: '+' | '*' | '/', a: IR, b: IR): IR => ({ k: 'bin', op, a, b });

  it('1/τ without a division where τ is a quotient, following assigned quantities', () => {
    const none = () => undefined;
    // hh: τ = 1/(q10·sum) → q10·sum
    expect(emit(reciprocal(bin('/', num(1), bin('*', sym('q10'), sym('sum'))), none), (n) => n)).toBe('(q10 * sum)');
    // NaTa_t: τ = (1/(α + β))/qt → qt·(α + β)
    expect(emit(reciprocal(bin('/', bin('/', num(1), bin('+', sym('a'), sym('b'))), sym('qt')), none), (n) => n)).toBe('(qt * (a + b))');
    // through an assigned quantity's definition
    const defs: Record<string, IR> = { mtau: bin('/', num(1), bin('*', sym('q10'), sym('sum'))) };
    expect(emit(reciprocal(sym('mtau'), (n) => defs[n]), (n) => n)).toBe('(q10 * sum)');
    // no quotient: one division stays
    expect(emit(reciprocal(bin('+', sym('a'), sym('b')), none), (n) => n)).toBe('(1 / (a + b))');
    expect(emit(reciprocal(bin('/', sym('x'), bin('+', sym('a'), sym('b'))), none), (n) => n)).toBe('((a + b) / x)');
  });

  it('every described mechanism: 1/τ and the constant divisions agree with the original to a few ulp', () => {
    let worst = 0;
    let checked = 0;
    for (const name of ['hh', 'NaTa_t', 'Nap_Et2', 'K_Tst', 'K_Pst', 'SKv3_1', 'Im', 'Ih', 'Ca_HVA', 'Ca_LVAst', 'kap', 'kad']) {
      const low = loweredKinetics(name);
      const defs = new Map(low.assigned.map((a) => [a.name, a]));
      const definition = (n: string) => (defs.get(n)?.flags.inst ? defs.get(n)!.ir : undefined);
      for (let trial = 0; trial < 200; trial++) {
        const values: Record<string, number> = { v: -100 + 150 * ((trial * 0.6180339887) % 1), celsius: 34, dt: 0.025 };
        for (const g of low.spec.globals) values[g.name] = g.default;
        for (const p of low.spec.parameters) values[p.name] = typeof p.default === 'number' ? p.default : 0;
        for (const a of low.assigned) values[a.name] = evaluate(a.ir, values);
        for (const a of low.assigned) {
          const x = evaluate(a.ir, values);
          const y = evaluate(constantDivisions(a.ir), values);
          if (Number.isFinite(x) && x !== 0) worst = Math.max(worst, Math.abs(y - x) / Math.abs(x));
        }
        for (const s of low.states) {
          if (s.decl.form !== 'inf_tau') continue;
          const tau = evaluate(s.second.ir, values);
          const inv = evaluate(reciprocal(s.second.ir, definition), values);
          expect(Number.isFinite(inv), `${name}.${s.decl.name} at v = ${values.v}`).toBe(true);
          worst = Math.max(worst, Math.abs(inv * tau - 1));
          checked++;
        }
      }
    }
    console.log(`fast rewrites: ${checked} reciprocals checked, worst relative deviation ${worst.toExponential(2)}`);
    expect(checked).toBeGreaterThan(1000);
    expect(worst).toBeLessThan(1e-14);
  });
});

describe('fast arithmetic: shared exponentials', () => {
  const isV = (n: string) => n === 'v';
  it('reads affine arguments and plans hh\'s six rate exponentials as powers of two', () => {
    const low = loweredKinetics('hh');
    const args: { s: number; c: number }[] = [];
    const visit = (ir: IR): void => {
      if (ir.k === 'bin') {
        visit(ir.a);
        visit(ir.b);
      } else if (ir.k === 'neg') visit(ir.a);
      else if (ir.k === 'call') {
        ir.args.forEach(visit);
        const arg: IR | null = ir.fn === 'exp' ? ir.args[0] : ir.fn === 'vtrap' ? { k: 'bin', op: '/', a: ir.args[0], b: ir.args[1] } : null;
        const a = arg === null ? null : affineInV(arg, isV);
        if (a !== null) args.push(a);
      }
    };
    for (const a of low.assigned) if (a.flags.inst) visit(a.ir);
    // vtrap m, beta_m, alpha_h, beta_h, vtrap n, beta_n
    expect(args.map((a) => [a.s, a.c])).toEqual([[-0.1, -4], [-1 / 18, -65 / 18], [-0.05, -3.25], [-0.1, -3.5], [-0.1, -5.5], [-0.0125, -0.8125]]);
    const plan = planSharedExps(args);
    expect(plan.bases.map((k) => args[k].s)).toEqual([-0.0125, -1 / 18]);
    expect(plan.shared.map((x) => [x.base, x.power])).toEqual([[0, 8], [1, 1], [0, 4], [0, 8], [0, 8], [0, 1]]);
    // not affine: a rate of a conditional v (NaTa_t's vm), a product of v with a parameter
    expect(affineInV({ k: 'bin', op: '*', a: { k: 'sym', name: 'v' }, b: { k: 'sym', name: 'g' } }, isV)).toBeNull();
  });

  it('K·exp(base)^(2^j) stays within 1e-14 of exp(argument) over the physiological range', () => {
    const args = [{ s: -0.1, c: -4 }, { s: -0.05, c: -3.25 }, { s: -0.0125, c: -0.8125 }, { s: 0.2, c: 1 }, { s: 0.025, c: 0.3 }];
    const plan = planSharedExps(args);
    let worst = 0;
    for (let v = -150; v <= 100; v += 0.37) {
      const baseValue = plan.bases.map((k) => Math.exp(args[k].s * v + args[k].c));
      args.forEach((a, k) => {
        const { base, power, factor } = plan.shared[k];
        let x = baseValue[base];
        for (let p = 1; p < power; p *= 2) x *= x;
        const exact = Math.exp(a.s * v + a.c);
        worst = Math.max(worst, Math.abs(factor * x - exact) / exact);
      });
    }
    console.log(`shared exponentials: worst relative deviation ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-14);
  });
});

describe('batch options', () => {
  it('refuses an arithmetic other than exact or fast, naming it', () => {
    const c = caseNamed('rallpack1');
    const base: SimulationRequest = { ...c.build(irCatalogue()), tstop_ms: 1 };
    expect(() => simulateBatch(base, [{}], { arithmetic: 'quick' as never })).toThrow(/options\.arithmetic: expected "exact" or "fast", got "quick"/);
  });
});

describe('batch with fast arithmetic vs single runs', () => {
  for (const [prefix, B, tstop_ms] of [
    ['rallpack1', 3, 40],
    ['rallpack3 (hh exact', 3, 20],
    ['c91662 hh', 3, 100],
    ['c91662 with the Hay set', 3, 20],
  ] as const) {
    it(`${prefix}, ${tstop_ms} ms, B = ${B}: ≤ 1e-9 mV from the single runs; the exact batch is bitwise`, () => {
      const c = caseNamed(prefix);
      const full = c.build(irCatalogue());
      const base: SimulationRequest = { ...full, tstop_ms, record: full.record.filter((_, k) => k % 50 === 0) };
      const variants: BatchVariant[] = Array.from({ length: B }, (_, k) => ({
        stimuli: (base.stimuli ?? []).map((s) => ({ ...s, amp_nA: s.amp_nA * (0.8 + (0.4 * k) / Math.max(1, B - 1)) })),
      }));
      const state = createBatchState(compileVariants(base, variants), { arithmetic: 'fast' });
      expect(state.mechanisms.some((m) => m.wasm !== null)).toBe(true);
      const fast = simulateBatch(base, variants, { arithmetic: 'fast' });
      const exact = simulateBatch(base, variants);
      expect(fast.arithmetic).toBe('fast');
      expect(exact.arithmetic).toBe('exact');
      const hand = c.build(builtinCatalogue());
      let worstFast = 0;
      let worstExact = 0;
      let fastVsExact = 0;
      variants.forEach((v, k) => {
        const single = simulate({ ...hand, tstop_ms, record: base.record, ...v }).traces;
        worstFast = Math.max(worstFast, maxAbsDiff(single, fast.traces[k]));
        worstExact = Math.max(worstExact, maxAbsDiff(single, exact.traces[k]));
        fastVsExact = Math.max(fastVsExact, maxAbsDiff(exact.traces[k], fast.traces[k]));
      });
      console.log(`${prefix}, ${tstop_ms} ms: fast batch vs single runs max |ΔV| ${worstFast} mV (exact batch ${worstExact} mV)`);
      expect(worstExact).toBe(0);
      expect(worstFast).toBeLessThanOrEqual(1e-9);
      if (prefix !== 'rallpack1') expect(fastVsExact).toBeGreaterThan(0); // the rewrites applied (pas has no division to rewrite)
    }, 300_000);
  }
});
