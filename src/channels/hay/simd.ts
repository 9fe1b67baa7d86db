/**
 * The state update of a Hay gated channel (./gated.ts) with its arithmetic in WebAssembly SIMD,
 * two instances per f64x2 instruction, on the channel's ExpBatch memory: the rate exponent
 * arguments (`exps`), then, after one batched exp, each gate's x∞ and τ (`gates`, the channel's
 * rates in nocmodl's form) and the cnexp coefficients a = (−1)/τ, target −(x∞/τ)/a and exponent dt·a,
 * then one relax per gate. The channel writes its formulas once with the builders below; each lane
 * does the IEEE operations of the JavaScript form in the same order, so the values are the bits of
 * the JavaScript kernels and of the kernels generated from the kinetics descriptions
 * (test/batch/catalogue.test.ts). Divisions dominate these updates; f64x2 halves their count.
 *
 * Scratch (after the gated planes, in planes of `stride` = count rounded up to even doubles): v, the
 * rate exponentials, the targets and the exponents.
 */
import { f64, section, simd, str, uleb } from '../ir/wasm/asm.ts';
import type { MechanismContext } from '../mechanism.ts';
import type { GatedInstance, GatedSpec } from './gated.ts';


const GET = 0x20, SET = 0x21;
const I32 = 0x41, I32_ADD = 0x6a, I32_SHL = 0x74, I32_GE_U = 0x4f;
const V128 = 0x7b;
const V128_LOAD = 0x00, V128_STORE = 0x0b, F64X2_SPLAT = 0x14, V128_BITSELECT = 0x52;
const F64X2_EQ = 0x47, F64X2_LT = 0x49;
const F64X2_NEG = 0xed, F64X2_ADD = 0xf0, F64X2_SUB = 0xf1, F64X2_MUL = 0xf2, F64X2_DIV = 0xf3;

/** Bytecode that leaves one f64x2 on the stack. */
export type Vec = readonly number[];

const bin = (code: number) => (a: Vec, b: Vec): Vec => [...a, ...b, ...simd(code)];

/** What a channel's formulas are written with (JavaScript's left-to-right evaluation: write the same tree). */
export interface SimdScope {
  /** The membrane potential of the instance pair. */
  readonly v: Vec;
  /** exp of the channel's k-th rate exponent (only in `gates`). */
  t(k: number): Vec;
  /** A value computed once (a local). */
  def(x: Vec): Vec;
  /** QT, the temperature factor passed in (1 when the channel has none). */
  readonly qt: Vec;
  k(x: number): Vec;
  add(a: Vec, b: Vec): Vec;
  sub(a: Vec, b: Vec): Vec;
  mul(a: Vec, b: Vec): Vec;
  div(a: Vec, b: Vec): Vec;
  neg(a: Vec): Vec;
  /** a === x ? a + 0.0001 : a (the .mod files' singularity shifts). */
  shiftAt(a: Vec, x: number): Vec;
  /** a < b ? t : f (both computed). */
  ifLess(a: Vec, b: Vec, t: Vec, f: Vec): Vec;
}

export interface SimdRates {
  /** Values both passes need (shifted potentials), defined with `def`; returned in order. */
  pre(s: SimdScope): Vec[];
  /** The rate exponent arguments. */
  exps(s: SimdScope, pre: Vec[]): Vec[];
  /** [x∞, τ] per gate. */
  gates(s: SimdScope, pre: Vec[]): [Vec, Vec][];
}

// Parameters of both functions: 0 pV, 1 pE, 2 pI, 3 pA (byte addresses of the first plane of each
// group), 4 S (bytes between planes), 5 n (instances, even), 6 qt, 7 dt.
const P_V = 0, P_E = 1, P_I = 2, P_A = 3, P_S = 4, P_N = 5, P_QT = 6, P_DT = 7;

function functionBytes(r: SimdRates, R: number, G: number, which: 'exps' | 'gates'): number[] {
  // i32 locals: i, end, then one pointer per plane (E: R, I: G, A: G)
  const I = 8, END = 9;
  const ptrE = (k: number) => 10 + k;
  const ptrI = (g: number) => 10 + R + g;
  const ptrA = (g: number) => 10 + R + G + g;
  const n32 = 2 + R + 2 * G;
  let nextV = 8 + n32;
  const QT = nextV++, DT = nextV++, V = nextV++;
  const stmts: number[] = [];
  const load = (ptr: number): Vec => [GET, ptr, GET, I, I32_ADD, ...simd(V128_LOAD, 3, 0)];
  const s: SimdScope = {
    v: [GET, V],
    t: (k) => load(ptrE(k)),
    def: (x) => {
      const local = nextV++;
      stmts.push(...x, SET, local);
      return [GET, local];
    },
    qt: [GET, QT],
    k: (x) => [...f64(x), ...simd(F64X2_SPLAT)],
    add: bin(F64X2_ADD),
    sub: bin(F64X2_SUB),
    mul: bin(F64X2_MUL),
    div: bin(F64X2_DIV),
    neg: (a) => [...a, ...simd(F64X2_NEG)],
    shiftAt: (a, x) => [...a, ...f64(0.0001), ...simd(F64X2_SPLAT), ...simd(F64X2_ADD), ...a, ...a, ...f64(x), ...simd(F64X2_SPLAT), ...simd(F64X2_EQ), ...simd(V128_BITSELECT)],
    ifLess: (a, b, t, f) => [...t, ...f, ...a, ...b, ...simd(F64X2_LT), ...simd(V128_BITSELECT)],
  };
  const pre = r.pre(s);
  if (which === 'exps') {
    r.exps(s, pre).forEach((x, k) => stmts.push(GET, ptrE(k), GET, I, I32_ADD, ...x, ...simd(V128_STORE, 3, 0)));
  } else {
    r.gates(s, pre).forEach(([inf, tau], g) => {
      const X = s.def(inf);
      const T = s.def(tau);
      const A = s.def(s.div(s.k(-1), T));
      stmts.push(GET, ptrI(g), GET, I, I32_ADD, ...s.div(s.neg(s.div(X, T)), A), ...simd(V128_STORE, 3, 0));
      stmts.push(GET, ptrA(g), GET, I, I32_ADD, ...s.mul([GET, DT], A), ...simd(V128_STORE, 3, 0));
    });
  }
  const setup: number[] = [
    GET, P_QT, ...simd(F64X2_SPLAT), SET, QT,
    GET, P_DT, ...simd(F64X2_SPLAT), SET, DT,
    GET, P_N, I32, 3, I32_SHL, SET, END,
  ];
  const chain = (first: number, count: number, at: (k: number) => number) => {
    for (let k = 0; k < count; k++) setup.push(...(k === 0 ? [GET, first] : [GET, at(k - 1), GET, P_S, I32_ADD]), SET, at(k));
  };
  chain(P_E, R, ptrE);
  chain(P_I, G, ptrI);
  chain(P_A, G, ptrA);
  const body = [
    ...setup,
    0x02, 0x40, 0x03, 0x40,
    GET, I, GET, END, I32_GE_U, 0x0d, 1,
    GET, P_V, GET, I, I32_ADD, ...simd(V128_LOAD, 3, 0), SET, V,
    ...stmts,
    GET, I, I32, 16, I32_ADD, SET, I,
    0x0c, 0,
    0x0b, 0x0b,
    0x0b,
  ];
  return [2, ...uleb(n32), 0x7f, ...uleb(nextV - 8 - n32), V128, ...body];
}

/** A compiled pair of kernels (immutable). */
export interface GatedSimdModule {
  readonly module: WebAssembly.Module;
  readonly exps: number;
  readonly gates: number;
}

export function gatedSimdModule(r: SimdRates, exps: number, gates: number): GatedSimdModule {
  const a = functionBytes(r, exps, gates, 'exps');
  const b = functionBytes(r, exps, gates, 'gates');
  const type = [0x60, 8, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7c, 0x7c, 0];
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, ...type]),
    ...section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 1]),
    ...section(3, [2, 0, 0]),
    ...section(7, [2, ...str('exps'), 0x00, 0, ...str('gates'), 0x00, 1]),
    ...section(10, [2, ...uleb(a.length), ...a, ...uleb(b.length), ...b]),
  ]);
  return { module: new WebAssembly.Module(bytes), exps, gates };
}

/** Doubles the SIMD scratch needs after the gated planes. */
export function simdScratch(m: GatedSimdModule, count: number): number {
  const stride = count + (count % 2);
  return (1 + m.exps + 2 * m.gates) * stride;
}

type Kernel = (pV: number, pE: number, pI: number, pA: number, S: number, n: number, qt: number, dt: number) => void;

/** The two kernels on an instance's ExpBatch memory (made in `instantiate`). */
export interface GatedSimdKernels {
  readonly exps: Kernel;
  readonly gates: Kernel;
}

export function gatedSimdKernels(m: GatedSimdModule, memory: WebAssembly.Memory): GatedSimdKernels {
  const e = new WebAssembly.Instance(m.module, { env: { mem: memory } }).exports;
  return { exps: e.exps as Kernel, gates: e.gates as Kernel };
}

/**
 * The channel's `advance`: gather v, exponent arguments (SIMD), one batched exp, the gates' cnexp
 * coefficients (SIMD), one relax per gate. `qt` is the channel's temperature factor (1 if none).
 */
export function gatedSimdAdvance<T extends GatedInstance>(spec: GatedSpec, qt: number): (inst: T, ctx: MechanismContext) => void {
  const m = spec.simd;
  if (m === undefined) throw new Error(`${spec.name}: no SIMD kernels in the spec`);
  if (m.exps !== spec.rateExps || m.gates !== spec.gates.length) throw new Error(`${spec.name}: the SIMD kernels do not match the spec`);
  const G = spec.gates.length;
  return (inst, ctx) => {
    const { nodes, count, expb } = inst;
    const k = inst.simd!;
    const buf = expb.buf;
    const stride = count + (count % 2);
    const X = (spec.rateExps + 3 * G) * count; // the SIMD scratch, after the gated planes
    const V = X, E = X + stride, I = E + m.exps * stride, A = I + G * stride;
    const v = ctx.v;
    for (let j = 0; j < count; j++) buf[V + j] = v[nodes[j]];
    if (stride !== count) buf[V + count] = buf[V + count - 1]; // padding lane (results unused)
    const base = buf.byteOffset;
    k.exps(base + 8 * V, base + 8 * E, base + 8 * I, base + 8 * A, 8 * stride, stride, qt, ctx.dt);
    expb.run(E, m.exps * stride);
    k.gates(base + 8 * V, base + 8 * E, base + 8 * I, base + 8 * A, 8 * stride, stride, qt, ctx.dt);
    const state = spec.rateExps * count;
    for (let g = 0; g < G; g++) expb.relax(state + g * count, A + g * stride, I + g * stride, count);
  };
}
