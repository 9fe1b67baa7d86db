/**
 * Which way the shape plot looks at the cell. `xy`, `xz` and `yz` are the SWC axes (first letter
 * to the right, second up). `auto` turns the cell upright as a neuroscientist draws it:
 *
 * - up: from the soma centre towards the length-weighted centroid of the apical dendrite (SWC type
 *   4); without one, of the longest dendritic tree leaving the soma (by cable length); without
 *   dendrites, the first principal axis of all points;
 * - right: the principal axis of the points (length-weighted PCA) in the plane perpendicular to
 *   up, so the cell is seen where it is widest (for a cell without a main direction across, the
 *   SWC axis most nearly perpendicular to up); its sign makes it point along +x (else +y, +z).
 */
import { UserError } from '../../errors.ts';
import type { ShapeMorphology, ShapeSection } from './shape.ts';

export const VIEWS = ['xy', 'xz', 'yz', 'auto'] as const;
export type ViewName = (typeof VIEWS)[number];
export type Vec3 = [number, number, number];

export interface Projection {
  view: ViewName;
  /** The unit 3-D vector drawn to the right. */
  right: Vec3;
  /** The unit 3-D vector drawn up. */
  up: Vec3;
  /** What `up` follows, in words (for the figure's subtitle and description). */
  basis: string;
}

/** A `--view` value, checked; undefined gives the default, "auto". */
export function parseView(s: string | undefined): ViewName {
  const v = (s ?? 'auto').trim().toLowerCase();
  if (!(VIEWS as readonly string[]).includes(v)) throw new UserError(`--view: "${s}" is not one of ${VIEWS.join(', ')}`);
  return v as ViewName;
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const norm = (a: Vec3) => Math.hypot(a[0], a[1], a[2]);
const scale = (a: Vec3, f: number): Vec3 => [a[0] * f, a[1] * f, a[2] * f];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const unit = (a: Vec3): Vec3 => scale(a, 1 / (norm(a) || 1));
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** Screen coordinates (right, up) of a 3-D point. */
export function project(p: Projection, x: number, y: number, z: number): [number, number] {
  return [p.right[0] * x + p.right[1] * y + p.right[2] * z, p.up[0] * x + p.up[1] * y + p.up[2] * z];
}

/** Length-weighted segment midpoints of a section (one-point sections weigh 1). */
function forSegments(sec: ShapeSection, f: (x: number, y: number, z: number, w: number) => void): void {
  const n = sec.x.length;
  if (n === 1) f(sec.x[0], sec.y[0], sec.z[0], 1);
  for (let k = 1; k < n; k++) {
    const w = Math.hypot(sec.x[k] - sec.x[k - 1], sec.y[k] - sec.y[k - 1], sec.z[k] - sec.z[k - 1]);
    if (w > 0) f(0.5 * (sec.x[k] + sec.x[k - 1]), 0.5 * (sec.y[k] + sec.y[k - 1]), 0.5 * (sec.z[k] + sec.z[k - 1]), w);
  }
}

/** Length-weighted centroid and total length of some sections. */
function centroid(secs: readonly ShapeSection[]): { c: Vec3; w: number } {
  const s: Vec3 = [0, 0, 0];
  let w = 0;
  for (const sec of secs) {
    forSegments(sec, (x, y, z, q) => {
      s[0] += q * x;
      s[1] += q * y;
      s[2] += q * z;
      w += q;
    });
  }
  return { c: w > 0 ? scale(s, 1 / w) : [0, 0, 0], w };
}

/** Length-weighted 3 × 3 covariance of all segment midpoints (row-major). */
function covariance(m: ShapeMorphology): { mean: Vec3; cov: number[] } {
  const { c } = centroid(m.sections);
  const cov = new Array<number>(9).fill(0);
  let W = 0;
  for (const sec of m.sections) {
    forSegments(sec, (x, y, z, w) => {
      const d = [x - c[0], y - c[1], z - c[2]];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cov[3 * i + j] += w * d[i] * d[j];
      W += w;
    });
  }
  return { mean: c, cov: cov.map((v) => v / (W || 1)) };
}

/**
 * The unit vector maximising vᵀ C v over the plane spanned by orthonormal a, b; null when the
 * spread in that plane has no clear main direction (a straight cable, a round cell).
 */
function principalInPlane(cov: number[], a: Vec3, b: Vec3): Vec3 | null {
  const q = (u: Vec3, v: Vec3) => {
    let s = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += u[i] * cov[3 * i + j] * v[j];
    return s;
  };
  const trace = cov[0] + cov[4] + cov[8];
  const gap = Math.hypot(q(a, a) - q(b, b), 2 * q(a, b)); // difference of the two in-plane variances
  if (!(gap > 1e-3 * trace)) return null;
  const th = 0.5 * Math.atan2(2 * q(a, b), q(a, a) - q(b, b));
  return unit([Math.cos(th) * a[0] + Math.sin(th) * b[0], Math.cos(th) * a[1] + Math.sin(th) * b[1], Math.cos(th) * a[2] + Math.sin(th) * b[2]]);
}

/** Largest-eigenvalue eigenvector of a symmetric 3 × 3 matrix (power iteration from several starts). */
function principalAxis(cov: number[]): Vec3 {
  let best: Vec3 = [1, 0, 0];
  let bestQ = -Infinity;
  for (const start of [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]] as Vec3[]) {
    let v = unit(start);
    for (let it = 0; it < 200; it++) {
      const w: Vec3 = [0, 1, 2].map((i) => cov[3 * i] * v[0] + cov[3 * i + 1] * v[1] + cov[3 * i + 2] * v[2]) as Vec3;
      if (norm(w) === 0) break;
      v = unit(w);
    }
    const q = dot(v, [0, 1, 2].map((i) => cov[3 * i] * v[0] + cov[3 * i + 1] * v[1] + cov[3 * i + 2] * v[2]) as Vec3);
    if (q > bestQ) {
      bestQ = q;
      best = v;
    }
  }
  return best;
}

/** Two unit vectors completing `u` to an orthonormal basis. */
function planeBasis(u: Vec3): [Vec3, Vec3] {
  const helper: Vec3 = Math.abs(u[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const a = unit(cross(u, helper));
  return [a, unit(cross(u, a))];
}

/** Soma centre: length-weighted centroid of the soma sections (SWC type 1), else the first point. */
function somaCentre(m: ShapeMorphology): Vec3 {
  const soma = m.sections.filter((s) => s.type === 1);
  if (soma.length > 0) return centroid(soma).c;
  const s0 = m.sections[0];
  return s0 && s0.x.length > 0 ? [s0.x[0], s0.y[0], s0.z[0]] : [0, 0, 0];
}

/** The longest dendritic tree (by cable length) leaving the soma: its sections. */
function longestDendrite(m: ShapeMorphology): ShapeSection[] {
  const secs = m.sections;
  const stem = new Int32Array(secs.length).fill(-1);
  const isDend = (s: ShapeSection) => s.type !== 1 && s.type !== 2;
  for (let i = 0; i < secs.length; i++) {
    const s = secs[i];
    if (!isDend(s)) continue;
    const p = s.parent;
    stem[i] = p >= 0 && isDend(secs[p]) && stem[p] >= 0 ? stem[p] : i;
  }
  const len = new Map<number, number>();
  for (let i = 0; i < secs.length; i++) if (stem[i] >= 0) len.set(stem[i], (len.get(stem[i]) ?? 0) + secs[i].L_um);
  let best = -1;
  for (const [k, l] of len) if (best < 0 || l > len.get(best)!) best = k;
  return best < 0 ? [] : secs.filter((_, i) => stem[i] === best);
}

/** The projection for a view name (auto: computed from the cell as described above). */
export function viewProjection(m: ShapeMorphology, view: ViewName): Projection {
  if (view === 'xy') return { view, right: [1, 0, 0], up: [0, 1, 0], basis: 'x right, y up' };
  if (view === 'xz') return { view, right: [1, 0, 0], up: [0, 0, 1], basis: 'x right, z up' };
  if (view === 'yz') return { view, right: [0, 1, 0], up: [0, 0, 1], basis: 'y right, z up' };
  const soma = somaCentre(m);
  const { cov } = covariance(m);
  const apical = m.sections.filter((s) => s.type === 4);
  let up: Vec3 | null = null;
  let basis = '';
  const toward = (secs: ShapeSection[]): Vec3 | null => {
    const { c, w } = centroid(secs);
    const d = sub(c, soma);
    return w > 0 && norm(d) > 1e-9 * (1 + norm(c)) ? unit(d) : null;
  };
  if (apical.length > 0 && (up = toward(apical))) basis = 'apical dendrite up';
  else if ((up = toward(longestDendrite(m)))) basis = 'longest dendrite up';
  else {
    up = principalAxis(cov);
    basis = 'first principal axis up';
  }
  const [a, b] = planeBasis(up);
  // without a main direction across: the SWC axis most nearly perpendicular to up (x first)
  const axes: Vec3[] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const flat = axes.reduce((best, e) => (Math.abs(dot(e, up!)) < Math.abs(dot(best, up!)) - 1e-9 ? e : best));
  let right = principalInPlane(cov, a, b) ?? unit(sub(flat, scale(up, dot(flat, up))));
  // a sign that does not depend on the arbitrary plane basis
  const lead = [0, 1, 2].find((i) => Math.abs(right[i]) > 1e-6) ?? 0;
  if (right[lead] < 0) right = scale(right, -1);
  return { view, right, up, basis };
}

/** "(0.12, −0.99, 0.05)" for the figure's description. */
export function fmtVec(v: Vec3): string {
  return '(' + v.map((c) => (Math.abs(c) < 5e-4 ? '0.000' : c.toFixed(3)).replace(/^-/, '\u2212')).join(', ') + ')';
}
