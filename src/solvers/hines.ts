/**
 * Hines elimination for a tree-structured matrix whose nodes are ordered with parent[i] < i
 * (roots have parent −1; several roots, i.e. a forest of cells, are allowed).
 *
 * Row i of the system reads  d[i]·x[i] + b[i]·x[parent[i]] + Σ_{children c} a[c]·x[c] = rhs[i],
 * i.e. `b[i]` is the coefficient of the parent in row i and `a[i]` is the coefficient of node i in
 * its parent's row (NEURON's NODEB / NODEA). The solution overwrites `rhs`; `d` is destroyed.
 *
 * The arithmetic is NEURON 8.2's `triang` / `bksub` (../shared/neuron-numerics.md §3), operation for
 * operation, so results are bitwise the same as the textbook loops:
 *   triang, i = n−1 … 0:  f = a[i]/d[i];  d[p] −= f·b[i];  rhs[p] −= f·rhs[i]
 *   bksub,  i = 0 … n−1:  rhs[i] = (rhs[i] − b[i]·rhs[p]) / d[i]   (roots: rhs[i]/d[i])
 * One speed-up keeps that arithmetic: along unbranched runs (parent[i] = i − 1) the value being
 * eliminated into, or substituted from, is carried in a register instead of going through memory,
 * which shortens the serial dependency chain. Node i + 1 is the last child of node i to be
 * eliminated (children are visited in decreasing index), so the order of the updates is unchanged.
 * No allocation.
 */
export function hinesSolve(
  n: number,
  parent: Int32Array,
  a: Float64Array,
  b: Float64Array,
  d: Float64Array,
  rhs: Float64Array,
): void {
  hinesTriangularize(n, parent, a, b, d, rhs);
  // Back-substitution, roots first.
  let xPrev = 0;
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    let x: number;
    if (p < 0) x = rhs[i] / d[i];
    else if (p === i - 1) x = (rhs[i] - b[i] * xPrev) / d[i];
    else x = (rhs[i] - b[i] * rhs[p]) / d[i];
    rhs[i] = x;
    xPrev = x;
  }
}

/** Triangularisation: eliminate each node into its parent, leaves first (NEURON `triang`). */
export function hinesTriangularize(
  n: number,
  parent: Int32Array,
  a: Float64Array,
  b: Float64Array,
  d: Float64Array,
  rhs: Float64Array,
): void {
  let carried = false;
  let cd = 0;
  let cr = 0;
  for (let i = n - 1; i >= 0; i--) {
    let di: number;
    let ri: number;
    if (carried) {
      di = cd;
      ri = cr;
      d[i] = di;
      rhs[i] = ri;
    } else {
      di = d[i];
      ri = rhs[i];
    }
    const p = parent[i];
    carried = false;
    if (p >= 0) {
      const f = a[i] / di;
      if (p === i - 1) {
        cd = d[p] - f * b[i];
        cr = rhs[p] - f * ri;
        carried = true;
      } else {
        d[p] -= f * b[i];
        rhs[p] -= f * ri;
      }
    }
  }
}

/*
 * The step loop's kernels. They fuse the axial terms of the right-hand side into the elimination
 * and keep one reciprocal per node, so they agree with NEURON's triang/bksub up to rounding (a few
 * ulp per step, ~1e-12 mV over a run), not bitwise. Axial terms for node i with parent p and
 * dv = v[p] − v[i]: rhs[i] −= b[i]·dv, rhs[p] += a[i]·dv (numerics §3). Visiting nodes from last to
 * first, all of node i's children have been folded into it when it is reached, so its own axial
 * term, its elimination into p and its children's contributions are all in place by then.
 */

/**
 * Axial right-hand-side terms plus triangularisation, for a matrix that changes every step.
 * On return d[i] holds 1/D'_i (the reciprocal of the eliminated diagonal) for the back-substitution.
 * ab[i] = a[i]·b[i] (precomputed: D_p −= ab[i]/D'_i keeps one multiplication off the serial chain).
 */
export function hinesAxialTriangularize(
  n: number,
  parent: Int32Array,
  a: Float64Array,
  b: Float64Array,
  ab: Float64Array,
  v: Float64Array,
  d: Float64Array,
  rhs: Float64Array,
): void {
  let carried = false;
  let cd = 0;
  let cr = 0;
  for (let i = n - 1; i >= 0; i--) {
    let di = d[i];
    let ri = rhs[i];
    if (carried) {
      di += cd;
      ri += cr;
    }
    const p = parent[i];
    const inv = 1.0 / di;
    d[i] = inv;
    carried = false;
    if (p >= 0) {
      const dv = v[p] - v[i];
      ri -= b[i] * dv;
      const pd = -(ab[i] * inv);
      const pr = a[i] * dv - a[i] * inv * ri;
      if (p === i - 1) {
        cd = pd;
        cr = pr;
        carried = true;
      } else {
        d[p] += pd;
        rhs[p] += pr;
      }
    }
    rhs[i] = ri;
  }
}

/**
 * Axial terms plus forward elimination of the right-hand side only, for a constant matrix
 * factorised once by `hinesFactorize` (fac[i] = a[i]/D'_i).
 */
export function hinesAxialEliminate(
  n: number,
  parent: Int32Array,
  a: Float64Array,
  b: Float64Array,
  fac: Float64Array,
  v: Float64Array,
  rhs: Float64Array,
): void {
  let cr = 0;
  let carried = false;
  for (let i = n - 1; i >= 0; i--) {
    let ri = rhs[i];
    if (carried) ri += cr;
    const p = parent[i];
    carried = false;
    if (p >= 0) {
      const dv = v[p] - v[i];
      ri -= b[i] * dv;
      const pr = a[i] * dv - fac[i] * ri;
      if (p === i - 1) {
        cr = pr;
        carried = true;
      } else {
        rhs[p] += pr;
      }
    }
    rhs[i] = ri;
  }
}

/**
 * Factorise a constant matrix once: d (destroyed) becomes 1/D'_i and fac[i] = a[i]/D'_i, so that
 * `hinesAxialEliminate` + `hinesBacksubstituteInv` solve without divisions.
 */
export function hinesFactorize(
  n: number,
  parent: Int32Array,
  a: Float64Array,
  b: Float64Array,
  d: Float64Array,
  fac: Float64Array,
): void {
  for (let i = n - 1; i >= 0; i--) {
    const inv = 1.0 / d[i];
    d[i] = inv;
    const p = parent[i];
    if (p >= 0) {
      const f = a[i] * inv;
      fac[i] = f;
      d[p] -= f * b[i];
    } else {
      fac[i] = 0;
    }
  }
}

/**
 * Back-substitution with reciprocal diagonals (dinv[i] = 1/D'_i), fused with v += factor·Δ.
 * Returns −1, or a node (the first one) whose new v is non-finite or outside ±limit.
 */
export function hinesBacksubstituteInv(
  n: number,
  parent: Int32Array,
  b: Float64Array,
  dinv: Float64Array,
  rhs: Float64Array,
  v: Float64Array,
  factor: number,
  limit: number,
): number {
  let xPrev = 0;
  let bad = -1;
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    let x: number;
    if (p < 0) x = rhs[i] * dinv[i];
    else if (p === i - 1) x = (rhs[i] - b[i] * xPrev) * dinv[i];
    else x = (rhs[i] - b[i] * rhs[p]) * dinv[i];
    rhs[i] = x;
    xPrev = x;
    const vi = v[i] + factor * x;
    v[i] = vi;
    if (!(Math.abs(vi) <= limit) && bad < 0) bad = i; // true for NaN too; never taken in a healthy run
  }
  return bad;
}
