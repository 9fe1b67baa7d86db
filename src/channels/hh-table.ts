/**
 * The cnexp update of hh's three gates from x∞ and τ planes (the rate-table path: ./hh.ts
 * interpolates the table in JavaScript), in one WebAssembly SIMD loop over instance pairs
 * (./hay/fused.ts): per gate a = (−1)/τ, target −(x∞/τ)/a, x ← x + (1 − hoc_Exp(dt·a))·(target − x),
 * the operations of nocmodl's cnexp (and of ExpBatch.relax) in the same order, so the same bits as
 * the same arithmetic in JavaScript (test/batch/hh-fused.test.ts), two instances per f64x2
 * instruction (nocmodl's form has three divisions per gate).
 *
 * Compiled once per process; each instance block runs it on its ExpBatch memory (exp table at byte 0).
 */
import { F64, I32, OP, get, i32 } from './ir/wasm/asm.ts';
import { add, div, fusedKernel, fusedModule, mul, neg, sub } from './hay/fused.ts';

// update(pInf, pTau, pX, S, Sp, n, dt): byte addresses of the first x∞, τ and state planes, bytes
// between state planes (S) and between x∞ (τ) planes (Sp), the count, dt.
const P_INF = 0, P_TAU = 1, P_X = 2, S = 3, SP = 4, N = 5, DT = 6;

const MODULE = fusedModule([I32, I32, I32, I32, I32, I32, F64], N, (b) => {
  const plane = (first: number, step: number, g: number): number => b.address([...get(first), ...get(step), ...i32(g), OP.i32Mul, OP.i32Add]);
  const stores: number[] = [];
  for (let g = 0; g < 3; g++) {
    const inf = b.def(b.load(plane(P_INF, SP, g)));
    const tau = b.def(b.load(plane(P_TAU, SP, g)));
    const a = b.def(div(b.k(-1), tau));
    const target = b.def(div(neg(div(inf, tau)), a));
    const e = b.def(b.exp(mul(b.param(DT), a)));
    const px = plane(P_X, S, g);
    const x = b.def(b.load(px));
    stores.push(...b.store(px, add(x, mul(sub(b.k(1), e), sub(target, x)))));
  }
  return stores;
});

/** update(pInf, pTau, pX, S, Sp, n, dt): gate g of instance j at byte pX + g·S + 8·j, its x∞ and τ at pInf (pTau) + g·Sp + 8·j. */
export type HhTableUpdate = (pInf: number, pTau: number, pX: number, S: number, Sp: number, n: number, dt: number) => void;

/** The update on `memory` (an ExpBatch's: exp table at byte 0); `hocExp` for the lanes outside exp's fast range. */
export function hhTableUpdate(memory: WebAssembly.Memory, hocExp: (x: number) => number): HhTableUpdate {
  return fusedKernel<HhTableUpdate>(MODULE, memory, hocExp);
}
