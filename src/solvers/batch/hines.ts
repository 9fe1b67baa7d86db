/**
 * The Hines solve of ../hines.ts interleaved over a batch: B systems with one tree (parent, a, b
 * shared) and their own diagonal and right-hand side, stored batch-innermost (node i of variant β at
 * i·B + β). Each loop visits the nodes in the single-run order and, per node, every variant; the
 * serial dependency chain of one system becomes B independent chains.
 *
 * The arithmetic per variant is that of hinesAxialTriangularize / hinesAxialEliminate /
 * hinesFactorize / hinesBacksubstituteInv, operation for operation: the single-run kernels carry
 * the value flowing from node i + 1 into node i in a register, which adds the same terms in the same
 * order as going through memory here (node i + 1 is the last child of i to be eliminated). So a
 * variant's result is bitwise that of a single run. No allocation.
 *
 * The batch runs the same operations in WebAssembly SIMD (./wasm-hines.ts); these functions state
 * them in JavaScript and are that code's reference in test/batch/wasm-kernel.test.ts
 * (`batchFactorize` is still the batch's own, once per run for linear models).
 */

/** Axial terms + triangularisation (hinesAxialTriangularize per variant); d becomes 1/D'. */
export function batchAxialTriangularize(
  n: number,
  B: number,
  parent: Int32Array,
  a: Float64Array,
  b: Float64Array,
  ab: Float64Array,
  v: Float64Array,
  d: Float64Array,
  rhs: Float64Array,
): void {
  for (let i = n - 1; i >= 0; i--) {
    const p = parent[i];
    const o = i * B;
    if (p < 0) {
      for (let k = o; k < o + B; k++) d[k] = 1.0 / d[k];
      continue;
    }
    const ai = a[i];
    const bi = b[i];
    const abi = ab[i];
    const po = p * B - o;
    for (let k = o; k < o + B; k++) {
      const inv = 1.0 / d[k];
      d[k] = inv;
      const dv = v[k + po] - v[k];
      const ri = rhs[k] - bi * dv;
      d[k + po] += -(abi * inv);
      rhs[k + po] += ai * dv - ai * inv * ri;
      rhs[k] = ri;
    }
  }
}

/** Axial terms + elimination of the right-hand side for factorised constant matrices (hinesAxialEliminate). */
export function batchAxialEliminate(
  n: number,
  B: number,
  parent: Int32Array,
  a: Float64Array,
  b: Float64Array,
  fac: Float64Array,
  v: Float64Array,
  rhs: Float64Array,
): void {
  for (let i = n - 1; i >= 0; i--) {
    const p = parent[i];
    if (p < 0) continue;
    const o = i * B;
    const ai = a[i];
    const bi = b[i];
    const po = p * B - o;
    for (let k = o; k < o + B; k++) {
      const dv = v[k + po] - v[k];
      const ri = rhs[k] - bi * dv;
      rhs[k + po] += ai * dv - fac[k] * ri;
      rhs[k] = ri;
    }
  }
}

/** Factorise B constant matrices (hinesFactorize): d becomes 1/D', fac = a/D'. */
export function batchFactorize(n: number, B: number, parent: Int32Array, a: Float64Array, b: Float64Array, d: Float64Array, fac: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    const p = parent[i];
    const o = i * B;
    for (let k = o; k < o + B; k++) {
      const inv = 1.0 / d[k];
      d[k] = inv;
      if (p >= 0) {
        const f = a[i] * inv;
        fac[k] = f;
        d[p * B + (k - o)] -= f * b[i];
      } else {
        fac[k] = 0;
      }
    }
  }
}

/**
 * Back-substitution with reciprocal diagonals fused with v += factor·Δ (hinesBacksubstituteInv).
 * Returns −1, or the first index i·B + β whose new v is non-finite or outside ±limit.
 */
export function batchBacksubstitute(
  n: number,
  B: number,
  parent: Int32Array,
  b: Float64Array,
  dinv: Float64Array,
  rhs: Float64Array,
  v: Float64Array,
  factor: number,
  limit: number,
): number {
  let bad = -1;
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    const o = i * B;
    if (p < 0) {
      for (let k = o; k < o + B; k++) {
        const x = rhs[k] * dinv[k];
        rhs[k] = x;
        const vk = v[k] + factor * x;
        v[k] = vk;
        if (!(Math.abs(vk) <= limit) && bad < 0) bad = k;
      }
      continue;
    }
    const bi = b[i];
    const po = p * B - o;
    for (let k = o; k < o + B; k++) {
      const x = (rhs[k] - bi * rhs[k + po]) * dinv[k];
      rhs[k] = x;
      const vk = v[k] + factor * x;
      v[k] = vk;
      if (!(Math.abs(vk) <= limit) && bad < 0) bad = k;
    }
  }
  return bad;
}
