/**
 * A Neurolucida soma contour → NEURON's soma section, as NEURON 8.2's Import3d does it
 * (`Import3d_Section.contourcenter` in import3d_sec.hoc, `Import3d_GUI.contour2centroid` in
 * import3d_gui.hoc, with hoc Vector/Matrix semantics):
 * 1. contourcenter: resample the contour at 101 points equally spaced along its open perimeter
 *    (first point to last point, x-y distances only), the centre is the mean of those points;
 * 2. principal axes of the resampled points (Matrix.symmeig, i.e. Meschach's Householder
 *    tridiagonalisation + implicit QR, whose eigenvector signs fix the soma's direction);
 *    major axis = largest eigenvalue, minor = the middle one with z set to 0, normalised;
 * 3. project the points on both axes, split the contour at its extreme points along the major
 *    axis into two sides, drop points that make a side non-monotonic, and sample 21 positions
 *    between the second smallest and second largest projections; diameter = distance between
 *    the two sides across the minor axis there; the two end diameters are averaged with
 *    their neighbours. The soma is then a 21-point cylinder stack along the major axis.
 */

/**
 * hoc's comparison operators, which the Import3d procedures use: `a < b` is `a < b - ε`,
 * `a <= b` is `a <= b + ε`, `a == b` is |a - b| <= ε, with hoc's float_epsilon ε = 1e-11.
 * (Vector and Matrix methods, written in C, compare exactly.)
 */
export const HOC_EPSILON = 1e-11;
export const hocLt = (a: number, b: number) => a < b - HOC_EPSILON;
export const hocLe = (a: number, b: number) => a <= b + HOC_EPSILON;
export const hocGt = (a: number, b: number) => a > b + HOC_EPSILON;
export const hocEq = (a: number, b: number) => a <= b + HOC_EPSILON && a >= b - HOC_EPSILON;

export interface Contour {
  x: number[];
  y: number[];
  z: number[];
}

/** hoc `contourcenter`: the centre, and the contour resampled at 101 points (x, y, z). */
export function contourCenter(c: Contour): { center: [number, number, number]; resampled: Contour } {
  const n = c.x.length;
  const perim = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++) {
    const dx = c.x[i] - c.x[i - 1];
    const dy = c.y[i] - c.y[i - 1];
    perim[i] = perim[i - 1] + Math.sqrt(dx * dx + dy * dy + 0);
  }
  const step = perim[n - 1] / 100;
  const at = new Array<number>(101);
  for (let k = 0; k < 101; k++) at[k] = k * step + 0;
  const resampled = { x: interpolate(at, perim, c.x), y: interpolate(at, perim, c.y), z: interpolate(at, perim, c.z) };
  const center: [number, number, number] = [mean(resampled.x), mean(resampled.y), mean(resampled.z)];
  return { center, resampled };
}

/** hoc `Vector.interpolate(xdest, xsrc)` on ys: linear, clamped outside, skipping non-increasing xsrc steps. */
export function interpolate(xd: number[], xs: number[], ys: number[]): number[] {
  const nd = xd.length;
  const ns = xs.length;
  const yd = new Array<number>(nd);
  let id = 0;
  for (; id < nd && xd[id] <= xs[0]; ++id) yd[id] = ys[0];
  for (let is = 1; is < ns && id < nd; ++is) {
    if (xs[is] <= xs[is - 1]) continue;
    while (xd[id] <= xs[is]) {
      const th = (xd[id] - xs[is - 1]) / (xs[is] - xs[is - 1]);
      yd[id] = (1 - th) * ys[is - 1] + th * ys[is];
      if (++id >= nd) break;
    }
  }
  for (; id < nd; ++id) yd[id] = ys[ns - 1];
  return yd;
}

function mean(v: number[]): number {
  let s = 0;
  for (const a of v) s += a;
  return s / v.length;
}
function maxInd(v: number[]): number {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[k]) k = i;
  return k;
}
function minInd(v: number[]): number {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (v[i] < v[k]) k = i;
  return k;
}

/** The soma's 3-D points (before NEURON's %.8g/float32 storage), or a reason it cannot be made. */
export function contourToCentroid(c: Contour): { x: number[]; y: number[]; z: number[]; d: number[] } | string {
  const { center, resampled } = contourCenter(c);
  const cols = resampled.x.length;
  const rows = [resampled.x.map((v) => v - center[0]), resampled.y.map((v) => v - center[1]), resampled.z.map((v) => v - center[2])];
  const m = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < 3; i++) {
    for (let j = i; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += rows[i][k] * rows[j][k];
      m[i][j] = s;
      m[j][i] = s;
    }
  }
  const eig = symmeig3(m);
  if (typeof eig === 'string') return eig;
  const imaxE = maxInd(eig.values);
  const iminE = minInd(eig.values);
  if (imaxE === iminE) return 'the contour has no principal axis (all points coincide)';
  const major = [0, 1, 2].map((r) => eig.vectors[r][imaxE]);
  const mid = 3 - iminE - imaxE;
  const minor = [eig.vectors[0][mid], eig.vectors[1][mid], 0];
  const mag = Math.sqrt(minor[0] * minor[0] + minor[1] * minor[1] + minor[2] * minor[2]);
  for (let r = 0; r < 3; r++) minor[r] /= mag;

  let d = new Array<number>(cols);
  let rad = new Array<number>(cols);
  for (let i = 0; i < cols; i++) {
    const p = [rows[0][i], rows[1][i], rows[2][i]];
    d[i] = p[0] * major[0] + p[1] * major[1] + p[2] * major[2];
    rad[i] = p[0] * minor[0] + p[1] * minor[1] + p[2] * minor[2];
  }
  const imax = maxInd(d);
  d = [...d.slice(imax), ...d.slice(0, imax)];
  rad = [...rad.slice(imax), ...rad.slice(0, imax)];
  const imin = minInd(d);
  if (imin === 0) return 'the contour has no extent along its major axis';
  const side2 = d.slice(imin);
  const rad2 = rad.slice(imin);
  d = d.slice(0, imin).reverse();
  rad = rad.slice(0, imin).reverse();
  makeIncreasing(d, rad);
  makeIncreasing(side2, rad2);
  const all = [...d, ...side2].sort((a, b) => a - b);
  const lo = all[1];
  const hi = all[all.length - 2];
  const step = (hi - lo) / 20;
  const nPts = Math.floor((hi - lo) / step + 1e-9) + 1;
  if (!(step > 0) || !Number.isFinite(nPts) || nPts < 2) return 'the contour is too small to make a soma';
  const at = new Array<number>(nPts);
  for (let i = 0; i < nPts; i++) at[i] = i * step + lo;
  const r1 = interpolate(at, d, rad);
  const r2 = interpolate(at, side2, rad2);
  const out = { x: new Array<number>(nPts), y: new Array<number>(nPts), z: new Array<number>(nPts), d: new Array<number>(nPts) };
  for (let i = 0; i < nPts; i++) {
    out.x[i] = major[0] * at[i] + center[0];
    out.y[i] = major[1] * at[i] + center[1];
    out.z[i] = major[2] * at[i] + center[2];
    out.d[i] = Math.abs(r1[i] - r2[i]);
  }
  out.d[0] = (out.d[0] + out.d[1]) / 2;
  const last = nPts - 1;
  out.d[last] = (out.d[last] + out.d[last - 1]) / 2;
  return out;
}

/** contour2centroid's "make it convex" loop, removing in place. */
function makeIncreasing(d: number[], rad: number[]): void {
  for (let j = d.length - 1; j > 0; j -= 1) {
    if (hocLe(d[j], d[j - 1])) {
      d.splice(j, 1);
      rad.splice(j, 1);
      if (j !== d.length) j += 1;
    }
  }
}

const MACHEPS = 2.220446049250313e-16;

/**
 * Eigen-decomposition of a symmetric 3×3 matrix by the steps of Meschach's `symmeig` (as
 * NEURON's Matrix.symmeig): Householder reduction to tridiagonal form (Hfactor, makeHQ), then
 * implicit QR with Wilkinson shifts (trieig). Eigenvector k is column k of `vectors`.
 */
export function symmeig3(a: number[][]): { values: number[]; vectors: number[][] } | string {
  const n = 3;
  const h = a.map((r) => [...r]);
  const diag = [0, 0, 0];
  const beta = [0, 0, 0];
  // Hfactor
  for (let k = 0; k < n - 1; k++) {
    const hh = [h[0][k], h[1][k], h[2][k]];
    const i0 = k + 1;
    let ss = 0;
    for (let i = i0; i < n; i++) ss += hh[i] * hh[i];
    const norm = Math.sqrt(ss);
    if (norm <= 0) {
      beta[k] = 0;
    } else {
      beta[k] = 1 / (norm * (norm + Math.abs(hh[i0])));
      const newval = hh[i0] > 0 ? -norm : norm;
      hh[i0] -= newval;
      h[k + 1][k] = newval;
    }
    diag[k] = hh[k + 1];
    if (beta[k] !== 0) {
      // hhtrcols(h, k+1, k+1, hh, beta)
      const j0 = k + 1;
      const w = [0, 0, 0];
      for (let i = j0; i < n; i++) if (hh[i] !== 0) for (let j = j0; j < n; j++) w[j] += hh[i] * h[i][j];
      for (let i = j0; i < n; i++) {
        if (hh[i] === 0) continue;
        const s = -beta[k] * hh[i];
        for (let j = j0; j < n; j++) h[i][j] += s * w[j];
      }
      // hhtrrows(h, 0, k+1, hh, beta)
      for (let i = 0; i < n; i++) {
        let ip = 0;
        for (let j = j0; j < n; j++) ip += h[i][j] * hh[j];
        const scale = beta[k] * ip;
        if (scale === 0) continue;
        for (let j = j0; j < n; j++) h[i][j] += -scale * hh[j];
      }
    }
  }
  // makeHQ
  const q = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < n; i++) {
    const t = [0, 0, 0];
    t[i] = 1;
    for (let j = n - 2; j >= 0; j--) {
      const hv = [h[0][j], h[1][j], h[2][j]];
      hv[j + 1] = diag[j];
      let ip = 0;
      for (let k = j + 1; k < n; k++) ip += hv[k] * t[k];
      const scale = beta[j] * ip;
      for (let k = j + 1; k < n; k++) t[k] += -scale * hv[k];
    }
    for (let r = 0; r < n; r++) q[r][i] = t[r];
  }
  const av = [h[0][0], h[1][1], h[2][2]];
  const bv = [h[0][1], h[1][2]];
  if (!trieig(av, bv, q)) return 'the principal-axis computation did not converge';
  return { values: av, vectors: q };
}

function givens(x: number, y: number): [number, number] {
  const norm = Math.sqrt(x * x + y * y);
  return norm === 0 ? [1, 0] : [x / norm, y / norm];
}
function rotCols(q: number[][], i: number, k: number, c: number, s: number): void {
  for (let j = 0; j < q.length; j++) {
    const temp = c * q[j][i] + s * q[j][k];
    q[j][k] = -s * q[j][i] + c * q[j][k];
    q[j][i] = temp;
  }
}
const sgn = (x: number) => (x >= 0 ? 1 : -1);

function trieig(a: number[], b: number[], q: number[][]): boolean {
  const n = a.length;
  const SQRT2 = 1.4142135623730949;
  let iMin = 0;
  let guard = 0;
  while (iMin < n) {
    let iMax = n - 1;
    for (let i = iMin; i < n - 1; i++) if (b[i] === 0) { iMax = i; break; }
    if (iMax <= iMin) { iMin = iMax + 1; continue; }
    let split = false;
    while (!split) {
      if (++guard > 10000) return false;
      const dd = (a[iMax - 1] - a[iMax]) / 2;
      const bSqr = b[iMax - 1] * b[iMax - 1];
      const mu = a[iMax] - bSqr / (dd + sgn(dd) * Math.sqrt(dd * dd + bSqr));
      let [c, s] = givens(a[iMin] - mu, b[iMin]);
      s = -s;
      let c2: number, s2: number;
      if (Math.abs(c) < SQRT2) { c2 = c * c; s2 = 1 - c2; } else { s2 = s * s; c2 = 1 - s2; }
      let cs = c * s;
      let ak1 = c2 * a[iMin] + s2 * a[iMin + 1] - 2 * cs * b[iMin];
      let bk1 = cs * (a[iMin] - a[iMin + 1]) + (c2 - s2) * b[iMin];
      let ak2 = s2 * a[iMin] + c2 * a[iMin + 1] + 2 * cs * b[iMin];
      let bk2 = iMin < iMax - 1 ? c * b[iMin + 1] : 0;
      let z = iMin < iMax - 1 ? -s * b[iMin + 1] : 0;
      a[iMin] = ak1;
      a[iMin + 1] = ak2;
      b[iMin] = bk1;
      if (iMin < iMax - 1) b[iMin + 1] = bk2;
      rotCols(q, iMin, iMin + 1, c, -s);
      for (let i = iMin + 1; i < iMax; i++) {
        [c, s] = givens(b[i - 1], z);
        s = -s;
        if (Math.abs(c) < SQRT2) { c2 = c * c; s2 = 1 - c2; } else { s2 = s * s; c2 = 1 - s2; }
        cs = c * s;
        const bk = c * b[i - 1] - s * z;
        ak1 = c2 * a[i] + s2 * a[i + 1] - 2 * cs * b[i];
        bk1 = cs * (a[i] - a[i + 1]) + (c2 - s2) * b[i];
        ak2 = s2 * a[i] + c2 * a[i + 1] + 2 * cs * b[i];
        bk2 = i + 1 < iMax ? c * b[i + 1] : 0;
        z = i + 1 < iMax ? -s * b[i + 1] : 0;
        a[i] = ak1;
        a[i + 1] = ak2;
        b[i] = bk1;
        if (i < iMax - 1) b[i + 1] = bk2;
        if (i > iMin) b[i - 1] = bk;
        rotCols(q, i, i + 1, c, -s);
      }
      for (let i = iMin; i < iMax; i++) {
        if (Math.abs(b[i]) < MACHEPS * (Math.abs(a[i]) + Math.abs(a[i + 1]))) { b[i] = 0; split = true; }
      }
      if (!a.every(Number.isFinite)) return false;
    }
  }
  return true;
}

// ---- soma contour stacks (several CellBody contours with overlapping x-y boxes) ----------

const dist3 = (c: Contour, i: number, p: number[]) => {
  const dx = c.x[i] - p[0], dy = c.y[i] - p[1], dz = c.z[i] - p[2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
};
const col = (c: Contour, i: number) => [c.x[i], c.y[i], c.z[i]];

/** hoc `stk_center`: the point half way along the polyline through the contour centres. */
export function stackCenter(stack: Contour[]): number[] {
  const centroids = stack.map((c) => contourCenter(c).center);
  const lenvec = [0];
  let len = 0;
  for (let i = 1; i < centroids.length; i++) {
    const a = centroids[i], b = centroids[i - 1];
    len += Math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2);
    lenvec.push(len);
  }
  len = len / 2;
  if (hocEq(len, 0)) return centroids[0];
  const i = lenvec.findIndex((v) => v > len + 1e-11);
  const th = (len - lenvec[i - 1]) / (lenvec[i] - lenvec[i - 1]);
  return [0, 1, 2].map((j) => th * centroids[i][j] + (1 - th) * centroids[i - 1][j]);
}

/** hoc `approximate_contour_by_circle`: contour centre and a diameter (mean radius + perimeter / 2π). */
export function approximateContourByCircle(c: Contour): { center: number[]; d: number } {
  const n = c.x.length;
  let perim = 0;
  for (let i = 0; i < n; i++) perim += dist3(c, i, col(c, (i + 1) % n));
  const { center, resampled } = contourCenter(c);
  let sum = 0;
  for (let k = 0; k < resampled.x.length; k++) {
    const x = resampled.x[k] - center[0], y = resampled.y[k] - center[1], z = resampled.z[k] - center[2];
    sum += Math.sqrt(x * x + y * y + z * z);
  }
  return { center, d: sum / resampled.x.length + perim / (2 * Math.PI) };
}

/** hoc `stk_contour_indices`: point order (counter-clockwise), starting nearest to `p`, closed. */
function contourIndices(c: Contour, p: number[]): number[] {
  const n = c.x.length;
  let idx = Array.from({ length: n }, (_, i) => i);
  const { center } = contourCenter(c);
  const x = [c.x[0] - center[0], c.y[0] - center[1]];
  const y = [c.x[1] - center[0], c.y[1] - center[1]];
  if (hocGt(x[0] * y[1] - x[1] * y[0], 0)) idx.reverse();
  let imin = -1, dmin = 1e9;
  for (let i = 0; i < n; i++) {
    const d = dist3(c, idx[i], p);
    if (hocLt(d, dmin)) { dmin = d; imin = i; }
  }
  if (imin > 0) idx = [...idx.slice(imin), ...idx.slice(0, imin)];
  idx.push(idx[0]);
  return idx;
}

/**
 * NEURON triangulates each pair of adjacent stack contours (mk_stk_triang_vec) and sums the
 * triangle areas (stk_triang_area), stopping with "not a triangle" when rounding breaks a
 * triangle inequality. Returns that error, or null. The area itself is only printed by NEURON.
 */
export function stackTriangulationError(stack: Contour[]): string | null {
  for (let s = 1; s < stack.length; s++) {
    const o1 = stack[s - 1], o2 = stack[s];
    const p0 = col(o1, 0);
    const i1 = contourIndices(o1, p0), i2 = contourIndices(o2, p0);
    const trv: number[] = [];
    let i = 0, j = 0;
    const n1 = i1.length - 1, n2 = i2.length - 1;
    while (i < n1 || j < n2) {
      trv.push(i1[i], i2[j]);
      if (i < n1 && j < n2) {
        const d1 = (o1.x[i1[i]] - o2.x[i2[j + 1]]) ** 2 + (o1.y[i1[i]] - o2.y[i2[j + 1]]) ** 2;
        const d2 = (o1.x[i1[i + 1]] - o2.x[i2[j]]) ** 2 + (o1.y[i1[i + 1]] - o2.y[i2[j]]) ** 2;
        if (hocLt(d2, d1)) i += 1; else j += 1;
      } else if (i < n1) i += 1; else j += 1;
    }
    trv.push(i1[i], i2[j]);
    let a1 = trv[0], a2 = trv[1];
    let a = dist3(o1, a1, col(o2, a2));
    for (let k = 2; k + 1 < trv.length; k += 2) {
      const j1 = trv[k], j2 = trv[k + 1];
      const b = dist3(o1, j1, col(o2, j2));
      const c = a1 === j1 ? dist3(o2, a2, col(o2, j2)) : dist3(o1, a1, col(o1, j1));
      const t = [a, b, c].sort((u, v) => u - v);
      if (t[0] - (t[2] - t[1]) < 0) return `contours ${s} and ${s + 1} of the soma stack give a degenerate triangle (NEURON: "accurate_triangle_area: not a triangle")`;
      a1 = j1; a2 = j2; a = b;
    }
  }
  return null;
}
