/**
 * The WebAssembly SIMD kernels of the batch (src/channels/ir/wasm/kernel.ts: current, advance and initialize
 * generated from the kinetics IR; src/solvers/batch/wasm-hines.ts: the Hines solve) against the
 * JavaScript they replace, bit for bit, on random states: every described density mechanism the
 * generator takes, odd and even batch sizes (lane pairs and a lone last lane), and arguments that
 * leave exp's fast range (v = −65 exactly makes hh's exp(−(v + 65)/18) exp(0); |v| ≥ 5000 mV
 * overflows hoc_Exp's 700 clamp) or hit vtrap's small branch (v = −40, −55).
 */
import { describe, expect, it } from 'vitest';
import { compileMechanism, lowerMechanism } from '../../src/channels/user/compile.ts';
import { parseMechanismSpec, type MechanismSpec } from '../../src/channels/user/spec.ts';
import type { IonState, MechanismContext } from '../../src/channels/mechanism.ts';
import { describedMechanisms, kineticsSpec, loweredKinetics } from '../../src/channels/ir/index.ts';
import { generateKernels, scratchCount, unsupportedReason } from '../../src/channels/ir/wasm/kernel.ts';
import { Arena, createBatchMemory, instantiateBatchModule } from '../../src/solvers/batch/wasm.ts';
import { hinesFunctions } from '../../src/solvers/batch/wasm-hines.ts';
import { exp } from '../../src/channels/exp.ts';
import { Fn, I32, OP, SIMD, get, i32, memarg, set, simd } from '../../src/channels/ir/wasm/asm.ts';
import { expFast, expFastOutOfRange, expFastStart, expScratch } from '../../src/channels/ir/wasm/exp.ts';
import { batchAxialEliminate, batchAxialTriangularize, batchBacksubstitute } from '../../src/solvers/batch/hines.ts';

/** A small deterministic generator (no global state): uniform in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Bitwise equality of two arrays (NaNs with the same bits equal); returns the first differing index or −1. */
function firstDiff(a: Float64Array, b: Float64Array): number {
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  if (a.length !== b.length) return 0;
  for (let k = 0; k < a.length; k++) if (x[k] !== y[k]) return k;
  return -1;
}

const SPECIAL_V = [-65, -40, -55, -35, 0, 5000, -5000, 1e-300];
const IONS = ['na', 'k', 'ca', 'h'] as const;

const supported = describedMechanisms().filter((name) => {
  try {
    return unsupportedReason(loweredKinetics(name)) === null;
  } catch {
    return false;
  }
});

describe('wasm mechanism kernels equal the compiled JavaScript kernels bitwise', () => {
  it('covers hh, pas and the Hay channels', () => {
    for (const name of ['hh', 'pas', 'NaTa_t', 'Ca_HVA', 'SK_E2', 'Ih', 'Im', 'K_Pst', 'K_Tst', 'SKv3_1', 'Nap_Et2', 'Ca_LVAst']) expect(supported).toContain(name);
  });

  for (const name of supported) {
    for (const B of [3, 4]) {
      it(`${name}, B = ${B}: current (rhs, d, ion totals, stored quantities) and advance (states)`, () => checkKernels(kineticsSpec(name), B));
    }
  }

  for (const B of [1, 2, 7]) {
    it(`a mechanism file with every function and operator (tanh, sqrt, log, log10, abs, min, max, ^, efun, vtrap, and/or/not, comparisons, t, dt, celsius, a global), B = ${B}`, () => {
      checkKernels(parseMechanismSpec(EVERY_FUNCTION, 'test/batch/wasm-kernel.test.ts'), B);
    });
  }
});

/**
 * Run the compiled JavaScript kernels and the generated WebAssembly ones on the same random state
 * (B variants, 17 instances on 23 nodes) and expect every array they write to be bitwise equal.
 */
function checkKernels(spec: MechanismSpec, B: number): void {
  const low = lowerMechanism(spec);
  const js = compileMechanism(spec);
  const rand = rng(B * 7919 + spec.name.length);
  const nNodes = 23;
  const count = 17;
  const nb = nNodes * B;
  // instance k on node nodeOf[k] (distinct, shuffled)
  const perm = Array.from({ length: nNodes }, (_, k) => k).sort(() => rand() - 0.5);
  const nodeOf = perm.slice(0, count);
  const paramNames = spec.parameters.map((p) => p.name);
  const stateNames = js.description.states.map((q) => q.name);
  const storedNames = js.description.assigned.map((q) => q.name);

  // The wasm side: one memory.
  const arena = new Arena();
  const vars: Record<string, number> = {};
  for (const n of [...paramNames, ...stateNames, ...storedNames]) vars[n] = arena.f64(count * B);
  const at = { v: arena.f64(nb), rhs: arena.f64(nb), d: arena.f64(nb), rows: arena.i32(count) };
  const ionsAt: Record<string, number> = {};
  for (const ion of IONS) for (const f of ['e', 'i', 'didv', 'ci', 'co']) ionsAt[`${ion}.${f}`] = arena.f64(nb);
  const consts = arena.f64(64);
  const scratch = arena.f64(scratchCount(low, B));
  const mem = createBatchMemory(arena);
  const layout = {
    B, count, nodeRows: at.rows, v: at.v, rhs: at.rhs, d: at.d, vars, ions: ionsAt, consts,
    storeVars: new Set(storedNames), storeIonTotals: new Set(IONS),
  };
  const g = generateKernels(low, layout, 'k');
  // fast arithmetic, in one loop and in two (rates into the scratch, then the updates): the same bits
  const fused = generateKernels(low, { ...layout, arithmetic: 'fast' }, 'f1');
  const split = generateKernels(low, { ...layout, arithmetic: 'fast', scratch }, 'f2');
  const ex = instantiateBatchModule(mem, [...g.fns, ...fused.fns, ...split.fns]);
  mem.i32(at.rows, count).set(nodeOf.map((x) => x * B * 8));

  // Random data, the same on both sides.
  const V = mem.f64(at.v, nb);
  for (let i = 0; i < nb; i++) V[i] = i < SPECIAL_V.length ? SPECIAL_V[i] : -100 + 160 * rand();
  const rhs = mem.f64(at.rhs, nb);
  const d = mem.f64(at.d, nb);
  for (let i = 0; i < nb; i++) {
    rhs[i] = rand() - 0.5;
    d[i] = rand();
  }
  const params: Record<string, Float64Array> = {};
  for (const p of spec.parameters) {
    const x = mem.f64(vars[p.name], count * B);
    for (let j = 0; j < x.length; j++) x[j] = (p.default === 0 ? 1e-3 : p.default) * (0.5 + rand());
    params[p.name] = x;
  }
  for (const s of stateNames) {
    const x = mem.f64(vars[s], count * B);
    for (let j = 0; j < x.length; j++) x[j] = rand();
  }
  const ions: Record<string, IonState> = {};
  for (const ion of IONS) {
    const view = (f: string) => mem.f64(ionsAt[`${ion}.${f}`], nb);
    const e = view('e'), ci = view('ci'), co = view('co'), ii = view('i'), di = view('didv');
    for (let i = 0; i < nb; i++) {
      e[i] = -100 + 200 * rand();
      ci[i] = 1e-4 + rand();
      co[i] = 1 + 10 * rand();
      ii[i] = rand();
      di[i] = rand();
    }
    ions[ion] = { name: ion, charge: 1, e, i: ii, didv: di, ci, co };
  }
  // The JavaScript side: copies of everything.
  const copy = (x: Float64Array) => Float64Array.from(x);
  const jsIons: Record<string, IonState> = {};
  for (const ion of IONS) jsIons[ion] = { ...ions[ion], e: copy(ions[ion].e), i: copy(ions[ion].i), didv: copy(ions[ion].didv), ci: copy(ions[ion].ci), co: copy(ions[ion].co) };
  const nodes = new Int32Array(count * B);
  for (let k = 0; k < count; k++) for (let b = 0; b < B; b++) nodes[k * B + b] = nodeOf[k] * B + b;
  const globals = Object.fromEntries(js.description.globals.map((q) => [q.name, q.default]));
  const needed: Record<string, IonState> = {};
  for (const u of js.description.ions) needed[u.ion] = jsIons[u.ion];
  const inst = js.instantiate({ nodes, params: Object.fromEntries(Object.entries(params).map(([k, x]) => [k, copy(x)])), globals, area_um2: new Float64Array(nb).fill(100), ions: needed });
  for (const s of stateNames) inst.vars[s].set(mem.f64(vars[s], count * B));
  const ctx: MechanismContext = { t: 1.25, dt: 0.025, celsius: 34, v: copy(V), rhs: copy(rhs), d: copy(d), area_um2: new Float64Array(nb).fill(100) };

  js.current(inst, ctx);
  g.prepare(mem.F, globals, ctx);
  ex.k_current();
  expect(firstDiff(ctx.rhs, rhs)).toBe(-1);
  expect(firstDiff(ctx.d, d)).toBe(-1);
  for (const n of storedNames) expect([n, firstDiff(inst.vars[n], mem.f64(vars[n], count * B))]).toEqual([n, -1]);
  for (const u of js.description.ions) {
    expect(firstDiff(jsIons[u.ion].i, ions[u.ion].i)).toBe(-1);
    expect(firstDiff(jsIons[u.ion].didv, ions[u.ion].didv)).toBe(-1);
  }
  if (stateNames.length > 0) {
    ctx.t += 0.0125;
    js.advance!(inst, ctx);
    g.prepare(mem.F, globals, ctx);
    ex.k_advance();
    for (const s of stateNames) expect([s, firstDiff(inst.vars[s], mem.f64(vars[s], count * B))]).toEqual([s, -1]);
    const before = stateNames.map((s) => Float64Array.from(mem.f64(vars[s], count * B)));
    fused.prepare(mem.F, globals, ctx);
    ex.f1_advance();
    const afterFused = stateNames.map((s) => Float64Array.from(mem.f64(vars[s], count * B)));
    stateNames.forEach((s, j) => mem.f64(vars[s], count * B).set(before[j]));
    split.prepare(mem.F, globals, ctx);
    ex.f2_advance();
    stateNames.forEach((s, j) => expect([s, firstDiff(afterFused[j], mem.f64(vars[s], count * B))]).toEqual([s, -1]));
    // INITIAL: the states at v (steady state, or their initial expressions), the same bits
    expect(g.initialize).not.toBeNull();
    ctx.t = 0;
    js.initialize(inst, ctx);
    g.prepare(mem.F, globals, ctx);
    ex.k_initialize();
    for (const s of stateNames) expect([s, firstDiff(inst.vars[s], mem.f64(vars[s], count * B))]).toEqual([s, -1]);
  }
}

/** A mechanism file that uses every function and operator of the expression language. */
const EVERY_FUNCTION = {
  format: 'dendrite-mechanism/1',
  name: 'every_function',
  kind: 'density',
  parameters: [
    { name: 'gbar', unit: 'S/cm2', default: 0.001 },
    { name: 'vh', unit: 'mV', default: -40 },
    { name: 'k', unit: 'mV', default: 7 },
  ],
  globals: [{ name: 'q', unit: '1', default: 2.5 }],
  assigned: [
    { name: 'z', expr: '(v - vh)/k' },
    { name: 'ainf', expr: '0.5*(1 + tanh(z/2))' },
    { name: 'sh', expr: 'sqrt(1 + z*z) + log(1 + abs(z)) + log10(2 + abs(z))' },
    { name: 'tau', unit: 'ms', expr: '(1 + min(sh, 5, q*2) + max(0.1, q^(z/10)) + (z > 0 and z < 3 or not (z > -1) ? 1 : 0.5) + (z == 0 ? 1 : 0) + (z != 1 ? 0.25 : 0)) * 1 ms' },
    { name: 'bt', unit: '/ms', expr: '(efun(z/3) + vtrap(v - vh, k)/(10 mV) + (-z >= 2 ? 0.5 : 0) + (z <= -2 ? 0.25 : 0) + q^2/10 + celsius/100 + dt/(1 ms) + t/(1000 ms)) / (1 ms)' },
  ],
  states: [
    { name: 'a', inf: 'ainf', tau: 'tau' },
    { name: 'b', alpha: '0.1/ms*exp(z/5)', beta: 'bt' },
  ],
  currents: [
    { name: 'ik', ion: 'k', expr: 'gbar*a*b*(v - ek)' },
    { name: 'ix', expr: 'gbar*0.1*(v - vh)*max(a, b)' },
  ],
};

describe('the kernels\' exp fast path (src/channels/ir/wasm/exp.ts)', () => {
  it('equals exp.ts bit for bit below 2^-54 (where glibc returns 1 + x), across its range, and flags |x| ≥ 512 and NaN', () => {
    // f(at, n): for pairs at byte `at`, x ← exp(x); returns the out-of-range flag of the last pair
    const fn = new Fn('f', [I32, I32], [I32]);
    const s = expScratch(fn);
    const end = fn.local(I32), flag = fn.local(I32);
    fn.emit(get(0), get(1), i32(4), OP.i32Shl, OP.i32Add, set(end));
    fn.emit(OP.block, 0x40, OP.loop, 0x40, get(0), get(end), OP.i32GeU, OP.brIf, 1);
    fn.emit(expFastStart(s), get(0), get(0), simd(SIMD.load, ...memarg(3, 0)), expFast(s), simd(SIMD.store, ...memarg(3, 0)));
    fn.emit(expFastOutOfRange(s), set(flag), get(0), i32(16), OP.i32Add, set(0), OP.br, 0, OP.end, OP.end, get(flag));
    const arena = new Arena();
    const at = arena.f64(64);
    const mem = createBatchMemory(arena);
    const ex = instantiateBatchModule(mem, [fn]);
    const inRange = [0, -0, 2 ** -60, -(2 ** -60), 5e-324, -5e-324, 2 ** -54 * 0.999, -(2 ** -54) * 0.999, 2 ** -54, 1e-300, 1, -1, 0.5, -0.69, 511.9, -511.9, 700 / 2, -745 / 2];
    const x = mem.f64(at, inRange.length);
    x.set(inRange);
    expect(ex.f(at, inRange.length / 2)).toBe(0);
    inRange.forEach((v, k) => expect([v, x[k]]).toEqual([v, exp(v)]));
    for (const bad of [512, -512, 1e6, -Infinity, NaN]) {
      const y = mem.f64(at, 2);
      y.set([0.5, bad]);
      expect([bad, ex.f(at, 1)]).toEqual([bad, 1]);
    }
  });
});

describe('wasm Hines solve equals src/solvers/batch/hines.ts bitwise', () => {
  for (const B of [1, 5, 8]) {
    it(`random tree of 40 nodes, B = ${B}: triangularize, eliminate, back-substitute (with the first bad index)`, () => {
      const rand = rng(1000 + B);
      const n = 40;
      const nb = n * B;
      const parent = new Int32Array(n);
      parent[0] = -1;
      for (let i = 1; i < n; i++) parent[i] = Math.floor(rand() * i);
      const arena = new Arena();
      const at = {
        parent: arena.i32(n), a: arena.f64(n), b: arena.f64(n), ab: arena.f64(n), dConst: arena.f64(n),
        v: arena.f64(nb), rhs: arena.f64(nb), d: arena.f64(nb), fac: arena.f64(nb), dinv: arena.f64(nb),
      };
      const mem = createBatchMemory(arena);
      const ex = instantiateBatchModule(mem, hinesFunctions({ n, B, ...at }));
      mem.i32(at.parent, n).set(parent);
      const f = (k: keyof typeof at, len: number) => mem.f64(at[k], len);
      const a = f('a', n), b = f('b', n), ab = f('ab', n);
      for (let i = 0; i < n; i++) {
        a[i] = -rand();
        b[i] = -rand();
        ab[i] = a[i] * b[i];
      }
      const v = f('v', nb), rhs = f('rhs', nb), d = f('d', nb), fac = f('fac', nb), dinv = f('dinv', nb);
      for (let k = 0; k < nb; k++) {
        v[k] = -65 + 10 * rand();
        rhs[k] = rand() - 0.5;
        d[k] = 3 + rand();
        fac[k] = rand();
        dinv[k] = rand();
      }
      const copy = (x: Float64Array) => Float64Array.from(x);
      // triangularize + back-substitute (limit low enough that some variant is "bad")
      const [jv, jr, jd] = [copy(v), copy(rhs), copy(d)];
      batchAxialTriangularize(n, B, parent, a, b, ab, jv, jd, jr);
      ex.triangularize();
      expect(firstDiff(jd, d)).toBe(-1);
      expect(firstDiff(jr, rhs)).toBe(-1);
      const limit = -64.5;
      const badJs = batchBacksubstitute(n, B, parent, b, jd, jr, jv, 2.0, Math.abs(limit));
      const badWasm = ex.backsubstitute(at.d, 2.0, Math.abs(limit));
      expect(badWasm).toBe(badJs);
      expect(badJs).toBeGreaterThanOrEqual(0);
      expect(firstDiff(jv, v)).toBe(-1);
      expect(firstDiff(jr, rhs)).toBe(-1);
      // eliminate + back-substitute with the factorised dinv, no bad value
      const [kv, kr] = [copy(v), copy(rhs)];
      batchAxialEliminate(n, B, parent, a, b, fac, kv, kr);
      ex.eliminate();
      expect(firstDiff(kr, rhs)).toBe(-1);
      expect(ex.backsubstitute(at.dinv, 1.0, 1e9)).toBe(batchBacksubstitute(n, B, parent, b, dinv, kr, kv, 1.0, 1e9));
      expect(firstDiff(kv, v)).toBe(-1);
      // fill_d
      const dc = f('dConst', n);
      for (let i = 0; i < n; i++) dc[i] = rand();
      ex.fill_d();
      for (let i = 0; i < n; i++) for (let s = 0; s < B; s++) expect(d[i * B + s]).toBe(dc[i]);
    });
  }
});
