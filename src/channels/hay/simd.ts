/**
 * The state update of a Hay gated channel (./gated.ts) in one WebAssembly SIMD loop (./fused.ts),
 * two instances per f64x2 instruction, on the channel's ExpBatch memory: per pair, v, the rate
 * exponent arguments (`exps`) and their exponentials, each gate's x∞ and τ (`gates`, the channel's
 * rates in nocmodl's form), the cnexp coefficients a = (−1)/τ, target −(x∞/τ)/a and exponent dt·a,
 * and x ← x + (1 − exp(dt·a))·(target − x). The channel writes its formulas once with the builders
 * below; each lane does the IEEE operations of the JavaScript form (the channel's `rates` and
 * ./common.ts `cnexp`) in the same order, so the values are the bits of the JavaScript kernels and
 * of the kernels generated from the kinetics descriptions (test/batch/catalogue.test.ts,
 * test/batch/catalogue-hay-fused.test.ts).
 *
 * Where the time goes: divisions (nocmodl's arithmetic has 6 to 9 per gate; f64x2 halves their
 * count) and the exponentials (one per rate exponent and one per gate). One loop instead of passes
 * over scratch planes (arguments, a batched exp, the coefficients, one relax per gate) saves a few
 * per cent.
 */
import { F64, I32, OP, SIMD, get, i32, simd } from '../ir/wasm/asm.ts';
import type { MechanismContext } from '../mechanism.ts';
import { hocExp } from './common.ts';
import { add, div, fusedKernel, fusedModule, mul, neg, sub, type Vec } from './fused.ts';
import type { GatedInstance, GatedSpec } from './gated.ts';

export type { Vec } from './fused.ts';

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
  /** Values both `exps` and `gates` need (shifted potentials), defined with `def`; returned in order. */
  pre(s: SimdScope): Vec[];
  /** The rate exponent arguments. */
  exps(s: SimdScope, pre: Vec[]): Vec[];
  /** [x∞, τ] per gate. */
  gates(s: SimdScope, pre: Vec[]): [Vec, Vec][];
  /**
   * Pairs [i, j] of rate exponents where argument j is argument i negated bit for bit: their
   * exponentials share the range reduction (./fused.ts `expPlusMinus`).
   */
  readonly negated?: readonly (readonly [number, number])[];
}

// advance(pV, pX, S, n, qt, dt): byte addresses of the v plane and of the first state plane, bytes
// between state planes, the count, qt, dt.
const P_V = 0, P_X = 1, P_S = 2, N = 3, QT = 4, DT = 5;

/**
 * advance(pV, pX, S, n, qt, dt): the states at byte pX + g·S + 8·j (gate g, instance j) updated
 * from v at byte pV + 8·j, for 0 ≤ j < n.
 */
export type GatedSimdKernel = (pV: number, pX: number, S: number, n: number, qt: number, dt: number) => void;

/** A channel's compiled update (immutable; compiled once per process). */
export interface GatedSimdModule {
  readonly module: WebAssembly.Module;
  readonly exps: number;
  readonly gates: number;
}

export function gatedSimdModule(r: SimdRates, R: number, G: number): GatedSimdModule {
  const module = fusedModule([I32, I32, I32, I32, F64, F64], N, (b) => {
    const planes: number[] = [];
    for (let g = 0; g < G; g++) planes.push(b.address([...get(P_X), ...get(P_S), ...i32(g), OP.i32Mul, OP.i32Add]));
    const pV = b.address(get(P_V));
    const exps: Vec[] = [];
    const s: SimdScope = {
      v: b.def(b.load(pV)),
      t: (k) => {
        if (exps[k] === undefined) throw new Error(`internal: hay simd: rate exponential ${k} read before it is computed`);
        return exps[k];
      },
      def: (x) => b.def(x),
      qt: b.param(QT),
      k: (x) => b.k(x),
      add, sub, mul, div, neg,
      shiftAt: (a, x) => [...a, ...b.k(0.0001), ...simd(SIMD.f64x2Add), ...a, ...a, ...b.k(x), ...simd(SIMD.f64x2Eq), ...simd(SIMD.bitselect)],
      ifLess: (a, c, t, f) => [...t, ...f, ...a, ...c, ...simd(SIMD.f64x2Lt), ...simd(SIMD.bitselect)],
    };
    const pre = r.pre(s);
    const args = r.exps(s, pre);
    if (args.length !== R) throw new Error(`internal: hay simd: ${args.length} rate exponents, expected ${R}`);
    const partner = new Map<number, number>();
    for (const [i, j] of r.negated ?? []) {
      if (!(i < j && j < R) || partner.has(i) || partner.has(j)) throw new Error(`internal: hay simd: bad negated pair [${i}, ${j}]`);
      partner.set(i, j).set(j, -1);
    }
    args.forEach((a, k) => {
      const j = partner.get(k);
      if (j === undefined) exps[k] = b.def(b.exp(a));
      else if (j >= 0) [exps[k], exps[j]] = b.expPlusMinus(a, args[j]);
    });
    const gates = r.gates(s, pre);
    if (gates.length !== G) throw new Error(`internal: hay simd: ${gates.length} gates, expected ${G}`);
    const stores: number[] = [];
    gates.forEach(([inf, tau], g) => {
      const X = b.def(inf);
      const T = b.def(tau);
      const A = b.def(div(b.k(-1), T));
      const target = b.def(div(neg(div(X, T)), A));
      const e = b.def(b.exp(mul(b.param(DT), A)));
      const x = b.def(b.load(planes[g]));
      // cnexp as ExpBatch.relax: x + (1 − e)·(target − x)
      stores.push(...b.store(planes[g], add(x, mul(sub(b.k(1), e), sub(target, x)))));
    });
    return stores;
  });
  return { module, exps: R, gates: G };
}

/** The kernel on an instance's ExpBatch memory (made in `instantiate`). */
export function gatedSimdKernel(m: GatedSimdModule, memory: WebAssembly.Memory): GatedSimdKernel {
  return fusedKernel<GatedSimdKernel>(m.module, memory, hocExp);
}

/** Doubles the update needs after the states: the v plane (count rounded up to even). */
export function simdScratch(count: number): number {
  return count + (count % 2);
}

/**
 * The channel's `advance`: v gathered into the plane after the states, then the kernel. `qt` is the
 * channel's temperature factor (1 if none).
 */
export function gatedSimdAdvance<T extends GatedInstance>(spec: GatedSpec, qt: number): (inst: T, ctx: MechanismContext) => void {
  const m = spec.simd;
  if (m.exps !== spec.rateExps || m.gates !== spec.gates.length) throw new Error(`${spec.name}: the SIMD kernel does not match the spec`);
  const G = spec.gates.length;
  return (inst, ctx) => {
    const { nodes, count, expb } = inst;
    const buf = expb.buf;
    const V = G * count; // the v plane, after the states
    const v = ctx.v;
    for (let j = 0; j < count; j++) buf[V + j] = v[nodes[j]];
    const base = buf.byteOffset;
    inst.advanceKernel(base + 8 * V, base, 8 * count, count, qt, ctx.dt);
  };
}
