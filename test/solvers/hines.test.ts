import { describe, expect, it } from 'vitest';
import {
  hinesAxialEliminate,
  hinesAxialTriangularize,
  hinesBacksubstituteInv,
  hinesFactorize,
  hinesSolve,
  hinesTriangularize,
} from '../../src/solvers/hines.ts';

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface TreeSystem {
  n: number;
  parent: Int32Array;
  a: Float64Array;
  b: Float64Array;
  d: Float64Array;
  rhs: Float64Array;
}

/** A random forest (parent[i] < i) with a diagonally dominant tree matrix, like a cable's. */
function randomSystem(seed: number, n: number, rootProb: number, chainProb: number): TreeSystem {
  const r = rng(seed);
  const parent = new Int32Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const d = new Float64Array(n);
  const rhs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (i === 0 || r() < rootProb) parent[i] = -1;
    else if (r() < chainProb) parent[i] = i - 1;
    else parent[i] = Math.floor(r() * i);
    rhs[i] = r() * 2 - 1;
  }
  for (let i = 0; i < n; i++) {
    if (parent[i] >= 0) {
      a[i] = -(0.1 + r());
      b[i] = -(0.1 + r());
    }
  }
  for (let i = 0; i < n; i++) {
    let off = Math.abs(b[i]);
    for (let c = i + 1; c < n; c++) if (parent[c] === i) off += Math.abs(a[c]);
    d[i] = off + 0.01 + r();
  }
  return { n, parent, a, b, d, rhs };
}

/** Dense Gaussian elimination with partial pivoting on the same system. */
function denseSolve(sys: TreeSystem): Float64Array {
  const { n, parent, a, b, d, rhs } = sys;
  const M: Float64Array[] = [];
  for (let i = 0; i < n; i++) M.push(new Float64Array(n + 1));
  for (let i = 0; i < n; i++) {
    M[i][i] = d[i];
    M[i][n] = rhs[i];
    const p = parent[i];
    if (p >= 0) {
      M[i][p] = b[i];
      M[p][i] = a[i];
    }
  }
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r][col]) > Math.abs(M[piv][col])) piv = r;
    [M[col], M[piv]] = [M[piv], M[col]];
    for (let r = col + 1; r < n; r++) {
      const f = M[r][col] / M[col][col];
      if (f !== 0) for (let c = col; c <= n; c++) M[r][c] -= f * M[col][c];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let c = r + 1; c < n; c++) s -= M[r][c] * x[c];
    x[r] = s / M[r][r];
  }
  return x;
}

/** NEURON's triang/bksub written literally, everything through memory. */
function textbookHines(sys: TreeSystem): Float64Array {
  const { n, parent, a, b } = sys;
  const d = sys.d.slice();
  const rhs = sys.rhs.slice();
  for (let i = n - 1; i >= 0; i--) {
    const p = parent[i];
    if (p >= 0) {
      const f = a[i] / d[i];
      d[p] -= f * b[i];
      rhs[p] -= f * rhs[i];
    }
  }
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    if (p >= 0) rhs[i] -= b[i] * rhs[p];
    rhs[i] /= d[i];
  }
  return rhs;
}

function solve(sys: TreeSystem): Float64Array {
  const rhs = sys.rhs.slice();
  hinesSolve(sys.n, sys.parent, sys.a, sys.b, sys.d.slice(), rhs);
  return rhs;
}

describe('hinesSolve', () => {
  const cases = [
    { name: 'random trees', rootProb: 0, chainProb: 0 },
    { name: 'mostly unbranched (cable-like) trees', rootProb: 0, chainProb: 0.9 },
    { name: 'forests of several cells', rootProb: 0.05, chainProb: 0.6 },
  ];
  for (const c of cases) {
    it(`matches a dense pivoted solve on ${c.name}`, () => {
      for (let seed = 1; seed <= 25; seed++) {
        const n = 1 + Math.floor(rng(seed * 7919)() * 150);
        const sys = randomSystem(seed, n, c.rootProb, c.chainProb);
        const x = solve(sys);
        const ref = denseSolve(sys);
        let scale = 0;
        for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(ref[i]));
        for (let i = 0; i < n; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThanOrEqual(1e-12 * scale);
      }
    });
  }

  it("keeps NEURON's operation order exactly (bitwise equal to the literal triang/bksub)", () => {
    for (let seed = 100; seed < 140; seed++) {
      const sys = randomSystem(seed, 200, seed % 3 === 0 ? 0.02 : 0, (seed % 10) / 10);
      const x = solve(sys);
      const ref = textbookHines(sys);
      for (let i = 0; i < sys.n; i++) expect(Object.is(x[i], ref[i])).toBe(true);
    }
  });

  it('solves a 1-node system and an unbranched cable with a known answer', () => {
    const one = { n: 1, parent: Int32Array.of(-1), a: Float64Array.of(0), b: Float64Array.of(0), d: Float64Array.of(4), rhs: Float64Array.of(2) };
    hinesSolve(one.n, one.parent, one.a, one.b, one.d, one.rhs);
    expect(one.rhs[0]).toBe(0.5);
    // Tridiagonal [2 -1; -1 2 -1; ...] x = e_0 ... check by multiplying back.
    const n = 50;
    const parent = Int32Array.from({ length: n }, (_, i) => i - 1);
    const a = new Float64Array(n).fill(-1);
    const b = new Float64Array(n).fill(-1);
    a[0] = 0;
    b[0] = 0;
    const d = new Float64Array(n).fill(2);
    const rhs = new Float64Array(n);
    rhs[0] = 1;
    hinesSolve(n, parent, a, b, d, rhs);
    // Exact solution of this system: x_i = (n - i)/(n + 1).
    for (let i = 0; i < n; i++) expect(rhs[i]).toBeCloseTo((n - i) / (n + 1), 13);
  });


});

describe('step-loop Hines kernels (axial terms fused, reciprocal diagonals)', () => {
  /** The system the step loop solves: rhs gets the axial terms −b·(v_p − v_i) and +a·(v_p − v_i). */
  function withAxial(sys: TreeSystem, v: Float64Array): TreeSystem {
    const rhs = sys.rhs.slice();
    for (let i = 0; i < sys.n; i++) {
      const p = sys.parent[i];
      if (p >= 0) {
        const dv = v[p] - v[i];
        rhs[i] -= sys.b[i] * dv;
        rhs[p] += sys.a[i] * dv;
      }
    }
    return { ...sys, rhs };
  }

  for (const [label, rootProb, chainProb] of [['cable-like', 0, 0.95], ['branchy forest', 0.05, 0.3]] as const) {
    it(`matches a dense solve: per-step and factorised-once variants (${label})`, () => {
      for (let seed = 1; seed <= 5; seed++) {
        const sys = randomSystem(100 + seed, 150, rootProb, chainProb);
        const r = rng(seed);
        const v = Float64Array.from({ length: sys.n }, () => -70 + 20 * r());
        const want = denseSolve(withAxial(sys, v));
        const scale = Math.max(...want.map(Math.abs));
        for (const factor of [1, 2]) {
          // Per-step variant.
          const d = sys.d.slice();
          const rhs = sys.rhs.slice();
          const v1 = v.slice();
          hinesAxialTriangularize(sys.n, sys.parent, sys.a, sys.b, sys.a.map((x, i) => x * sys.b[i]), v1, d, rhs);
          expect(hinesBacksubstituteInv(sys.n, sys.parent, sys.b, d, rhs, v1, factor, 1000)).toBe(-1);
          for (let i = 0; i < sys.n; i++) {
            expect(Math.abs(rhs[i] - want[i])).toBeLessThan(1e-12 * scale);
            expect(Math.abs(v1[i] - (v[i] + factor * want[i]))).toBeLessThan(1e-11);
          }
          // Factorised once, used twice (the matrix does not change).
          const dinv = sys.d.slice();
          const fac = new Float64Array(sys.n);
          hinesFactorize(sys.n, sys.parent, sys.a, sys.b, dinv, fac);
          for (let rep = 0; rep < 2; rep++) {
            const rhs2 = sys.rhs.slice();
            const v2 = v.slice();
            hinesAxialEliminate(sys.n, sys.parent, sys.a, sys.b, fac, v2, rhs2);
            hinesBacksubstituteInv(sys.n, sys.parent, sys.b, dinv, rhs2, v2, factor, 1000);
            for (let i = 0; i < sys.n; i++) expect(Math.abs(rhs2[i] - want[i])).toBeLessThan(1e-12 * scale);
          }
        }
      }
    });
  }
});
