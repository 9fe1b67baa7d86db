/**
 * The batch Hines solve of ./hines.ts in WebAssembly SIMD (f64x2 over the variant axis): node i's
 * row of B variants is contiguous (i·B + β), so every load and store is a lane pair of one row; an
 * odd last variant runs the same code on a pair with both lanes equal, storing lane 0. The
 * operations per variant are those of ./hines.ts, in the same order, so the results are bitwise
 * equal (test/batch/wasm-hines.test.ts).
 */
import { Fn, I32, F64, OP, SIMD, V128, get, i32, memarg, set, simd, splatConst, tee } from '../../channels/ir/wasm/asm.ts';

/** Byte addresses of the solver's arrays in the batch memory. */
export interface HinesLayout {
  readonly n: number;
  readonly B: number;
  /** Int32 per node. */
  readonly parent: number;
  /** Doubles per node (shared by the variants). */
  readonly a: number;
  readonly b: number;
  readonly ab: number;
  readonly dConst: number;
  /** Doubles per node·variant. */
  readonly v: number;
  readonly rhs: number;
  readonly d: number;
  /** Linear models: factorised matrices (0 when absent). */
  readonly fac: number;
  readonly dinv: number;
}

type Mode = 'pair' | 'single';

const load = (mode: Mode, addr: number, base: number): number[] =>
  mode === 'pair' ? [...get(addr), ...simd(SIMD.load, ...memarg(3, base))] : [...get(addr), ...simd(SIMD.load64Splat, ...memarg(3, base))];
const store = (mode: Mode, addr: number, base: number, value: number[]): number[] =>
  mode === 'pair' ? [...get(addr), ...value, ...simd(SIMD.store, ...memarg(3, base))] : [...get(addr), ...value, ...simd(SIMD.store64Lane, ...memarg(3, base), 0)];
const add = simd(SIMD.f64x2Add), sub = simd(SIMD.f64x2Sub), mul = simd(SIMD.f64x2Mul), div = simd(SIMD.f64x2Div);

/** Loop over the B variants of one row: ka (and pa, if given) advance with the lanes. */
function rowLoop(fn: Fn, B: number, ka: number, pa: number | null, body: (mode: Mode) => void): void {
  const pairBytes = (B & ~1) * 8;
  if (pairBytes > 0) {
    const end = fn.local(I32);
    fn.emit(get(ka), i32(pairBytes), OP.i32Add, set(end));
    fn.emit(OP.block, 0x40, OP.loop, 0x40, get(ka), get(end), OP.i32GeU, OP.brIf, 1);
    body('pair');
    fn.emit(get(ka), i32(16), OP.i32Add, set(ka));
    if (pa !== null) fn.emit(get(pa), i32(16), OP.i32Add, set(pa));
    fn.emit(OP.br, 0, OP.end, OP.end);
  }
  if (B % 2 === 1) body('single');
}

/** Node loop: i from n − 1 down to 0 (down) or 0 up to n − 1; sets ka = i·B·8 and p, pa = p·B·8. */
function nodeLoop(fn: Fn, L: HinesLayout, down: boolean, body: (i: number, p: number, ka: number, pa: number) => void): void {
  const i = fn.local(I32), p = fn.local(I32), ka = fn.local(I32), pa = fn.local(I32);
  fn.emit(i32(down ? L.n - 1 : 0), set(i));
  fn.emit(OP.block, 0x40, OP.loop, 0x40);
  if (down) fn.emit(get(i), i32(0), OP.i32LtS, OP.brIf, 1);
  else fn.emit(get(i), i32(L.n), OP.i32GeS, OP.brIf, 1);
  fn.emit(get(i), i32(2), OP.i32Shl, OP.i32Load, ...memarg(2, L.parent), set(p));
  fn.emit(get(i), i32(L.B * 8), OP.i32Mul, set(ka), get(p), i32(L.B * 8), OP.i32Mul, set(pa));
  body(i, p, ka, pa);
  fn.emit(get(i), i32(down ? -1 : 1), OP.i32Add, set(i), OP.br, 0, OP.end, OP.end);
}

/** Splat of the per-node double at base + 8i into a local. */
function nodeScalar(fn: Fn, i: number, base: number): number {
  const l = fn.local(V128);
  fn.emit(get(i), i32(3), OP.i32Shl, ...simd(SIMD.load64Splat, ...memarg(3, base)), set(l));
  return l;
}

/** The solver's functions: fill_d, triangularize, eliminate (linear only), backsubstitute. */
export function hinesFunctions(L: HinesLayout): Fn[] {
  const fns: Fn[] = [];

  // fill_d: d[i·B + β] = dConst[i]
  {
    const fn = new Fn('fill_d', []);
    nodeLoop(fn, L, false, (i, _p, ka) => {
      const c = nodeScalar(fn, i, L.dConst);
      rowLoop(fn, L.B, ka, null, (m) => fn.emit(store(m, ka, L.d, get(c))));
    });
    fns.push(fn);
  }

  // triangularize (batchAxialTriangularize)
  {
    const fn = new Fn('triangularize', []);
    const inv = fn.local(V128), dv = fn.local(V128), ri = fn.local(V128);
    nodeLoop(fn, L, true, (i, p, ka, pa) => {
      fn.emit(get(p), i32(0), OP.i32LtS, OP.if, 0x40);
      rowLoop(fn, L.B, ka, null, (m) => fn.emit(store(m, ka, L.d, [...splatConst(1), ...load(m, ka, L.d), ...div])));
      fn.emit(OP.else);
      const ai = nodeScalar(fn, i, L.a), bi = nodeScalar(fn, i, L.b), abi = nodeScalar(fn, i, L.ab);
      rowLoop(fn, L.B, ka, pa, (m) => {
        fn.emit(splatConst(1), load(m, ka, L.d), div, set(inv));
        fn.emit(store(m, ka, L.d, get(inv)));
        fn.emit(load(m, pa, L.v), load(m, ka, L.v), sub, set(dv));
        fn.emit(load(m, ka, L.rhs), get(bi), get(dv), mul, sub, set(ri));
        fn.emit(store(m, pa, L.d, [...load(m, pa, L.d), ...get(abi), ...get(inv), ...mul, ...simd(SIMD.f64x2Neg), ...add]));
        fn.emit(store(m, pa, L.rhs, [...load(m, pa, L.rhs), ...get(ai), ...get(dv), ...mul, ...get(ai), ...get(inv), ...mul, ...get(ri), ...mul, ...sub, ...add]));
        fn.emit(store(m, ka, L.rhs, get(ri)));
      });
      fn.emit(OP.end);
    });
    fns.push(fn);
  }

  // eliminate (batchAxialEliminate), linear models
  if (L.fac !== 0) {
    const fn = new Fn('eliminate', []);
    const dv = fn.local(V128), ri = fn.local(V128);
    nodeLoop(fn, L, true, (i, p, ka, pa) => {
      fn.emit(get(p), i32(0), OP.i32GeS, OP.if, 0x40);
      const ai = nodeScalar(fn, i, L.a), bi = nodeScalar(fn, i, L.b);
      rowLoop(fn, L.B, ka, pa, (m) => {
        fn.emit(load(m, pa, L.v), load(m, ka, L.v), sub, set(dv));
        fn.emit(load(m, ka, L.rhs), get(bi), get(dv), mul, sub, set(ri));
        fn.emit(store(m, pa, L.rhs, [...load(m, pa, L.rhs), ...get(ai), ...get(dv), ...mul, ...load(m, ka, L.fac), ...get(ri), ...mul, ...sub, ...add]));
        fn.emit(store(m, ka, L.rhs, get(ri)));
      });
      fn.emit(OP.end);
    });
    fns.push(fn);
  }

  // backsubstitute(dinvBase, factor, limit) → first bad index or −1 (batchBacksubstitute)
  {
    const fn = new Fn('backsubstitute', [I32, F64, F64], [I32]);
    const DINV = 0, FACTOR = 1, LIMIT = 2;
    const factor = fn.local(V128), limit = fn.local(V128), x = fn.local(V128), vk = fn.local(V128), bad = fn.local(I32), bits = fn.local(I32), da = fn.local(I32);
    fn.emit(get(FACTOR), simd(SIMD.f64x2Splat), set(factor), get(LIMIT), simd(SIMD.f64x2Splat), set(limit), i32(-1), set(bad));
    // dinv is d or the factorised dinv: its byte address relative to d, added to ka
    nodeLoop(fn, L, false, (i, p, ka, pa) => {
      const check = (m: Mode) => {
        fn.emit(store(m, ka, L.rhs, get(x)));
        fn.emit(load(m, ka, L.v), get(factor), get(x), mul, add, set(vk));
        fn.emit(store(m, ka, L.v, get(vk)));
        fn.emit(get(vk), simd(SIMD.f64x2Abs), get(limit), simd(SIMD.f64x2Le), simd(SIMD.not), simd(SIMD.i64x2Bitmask), ...(m === 'single' ? [...i32(1), OP.i32And] : []), tee(bits));
        fn.emit(i32(0), OP.i32Ne, get(bad), i32(0), OP.i32LtS, OP.i32And, OP.if, 0x40);
        fn.emit(get(ka), i32(3), 0x76 /* i32.shr_u */, get(bits), i32(1), OP.i32And, OP.i32Eqz, OP.i32Add, set(bad), OP.end);
      };
      const dinvAt = (m: Mode) => [...get(da), ...(m === 'pair' ? simd(SIMD.load, ...memarg(3, 0)) : simd(SIMD.load64Splat, ...memarg(3, 0)))];
      fn.emit(get(ka), get(DINV), OP.i32Add, set(da));
      fn.emit(get(p), i32(0), OP.i32LtS, OP.if, 0x40);
      rowLoop(fn, L.B, ka, null, (m) => {
        fn.emit(load(m, ka, L.rhs), dinvAt(m), mul, set(x));
        check(m);
        if (m === 'pair') fn.emit(get(da), i32(16), OP.i32Add, set(da));
      });
      fn.emit(OP.else);
      const bi = nodeScalar(fn, i, L.b);
      rowLoop(fn, L.B, ka, pa, (m) => {
        fn.emit(load(m, ka, L.rhs), get(bi), load(m, pa, L.rhs), mul, sub, dinvAt(m), mul, set(x));
        check(m);
        if (m === 'pair') fn.emit(get(da), i32(16), OP.i32Add, set(da));
      });
      fn.emit(OP.end);
    });
    fn.emit(get(bad));
    fns.push(fn);
  }
  return fns;
}
