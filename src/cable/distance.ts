/**
 * Path distance along the cell, as NEURON's `h.distance()`: the length of the path through the
 * section tree between an origin point and another point, measured along each section's arc
 * length (L), with a child's 0 end sitting at `parent(parentX)`.
 *
 * Distances here are to the exact point (sec, x). NEURON's `h.distance(sec(x))` for 0 < x < 1
 * measures to the centre of the segment that contains x instead (its node); at x = 0 and x = 1 the
 * two agree. Crossings (the points at a given distance) use the exact ends, as Hay et al.'s
 * `locateSites` does with `distance(0)` and `distance(1)`.
 *
 * Used by protocol locations given by distance (`{"region": "apic", "distance_um": 620}`) and by
 * distance-dependent densities.
 */

/** The geometry this module reads: the tree (parents first) and each section's length. */
export interface DistanceSection {
  readonly name?: string;
  /** Parent section index (smaller than this section's), −1 for a root. */
  readonly parent: number;
  /** Where on the parent this section's 0 end sits. */
  readonly parentX: number;
  readonly L_um: number;
}

export interface DistanceOrigin {
  section: number;
  x: number;
}

/**
 * Distance from the origin of every point of every section, in closed form: along section s the
 * distance is `dMin[s] + |x − xMin[s]|·L[s]`. For sections on the path from the origin to the root
 * (the origin's own section and its ancestors), xMin is where that path leaves the section;
 * for every other section xMin = 0 (distance grows from the 0 end). Sections of another tree than
 * the origin's have dMin = Infinity.
 */
export interface PathDistances {
  readonly origin: DistanceOrigin;
  readonly L_um: Float64Array;
  readonly xMin: Float64Array;
  readonly dMin: Float64Array;
  /** Distance of each section's 0 end (= distanceAt(pd, s, 0)). */
  readonly d0: Float64Array;
  /** Distance of each section's 1 end. */
  readonly d1: Float64Array;
}

/** The default origin: soma[0](0.5) if there is a section named so, else the first root's middle. */
export function defaultOrigin(sections: readonly DistanceSection[]): DistanceOrigin {
  const soma = sections.findIndex((s) => s.name === 'soma[0]');
  if (soma >= 0) return { section: soma, x: 0.5 };
  const root = sections.findIndex((s) => s.parent < 0);
  return { section: Math.max(root, 0), x: 0.5 };
}

/** Path distances from `origin` (default soma[0](0.5)) to every section; see PathDistances. */
export function pathDistances(
  morphology: { readonly sections: readonly DistanceSection[] },
  origin: DistanceOrigin = defaultOrigin(morphology.sections),
): PathDistances {
  const secs = morphology.sections;
  const n = secs.length;
  if (!(origin.section >= 0 && origin.section < n)) throw new RangeError(`origin section ${origin.section} is not in 0..${n - 1}`);
  if (!(origin.x >= 0 && origin.x <= 1)) throw new RangeError(`origin x ${origin.x} is not in [0, 1]`);
  const L = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    L[s] = secs[s].L_um;
    if (secs[s].parent >= s) throw new RangeError(`section ${s}: parent ${secs[s].parent} does not come first`);
  }
  const xMin = new Float64Array(n);
  const dMin = new Float64Array(n).fill(NaN);
  const at = (s: number, x: number) => dMin[s] + Math.abs(x - xMin[s]) * L[s];
  // The origin's section and its ancestors: the path leaves each at a known point.
  xMin[origin.section] = origin.x;
  dMin[origin.section] = 0;
  for (let c = origin.section; secs[c].parent >= 0; c = secs[c].parent) {
    const p = secs[c].parent;
    xMin[p] = secs[c].parentX;
    dMin[p] = at(c, 0);
  }
  // Everyone else, parents first: distance grows from the 0 end.
  for (let s = 0; s < n; s++) {
    if (!Number.isNaN(dMin[s])) continue;
    const p = secs[s].parent;
    xMin[s] = 0;
    dMin[s] = p < 0 ? Infinity : at(p, secs[s].parentX);
  }
  const d0 = new Float64Array(n);
  const d1 = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    d0[s] = at(s, 0);
    d1[s] = at(s, 1);
  }
  return { origin: { ...origin }, L_um: L, xMin, dMin, d0, d1 };
}

/** Path distance (µm) from the origin to the exact point (section, x). */
export function distanceAt(pd: PathDistances, section: number, x: number): number {
  return pd.dMin[section] + Math.abs(x - pd.xMin[section]) * pd.L_um[section];
}

/** Nearest and farthest distance reached on a set of sections (Infinity/−Infinity if none is connected). */
export function distanceRange(pd: PathDistances, sections: readonly number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const s of sections) {
    if (!Number.isFinite(pd.dMin[s])) continue;
    min = Math.min(min, pd.dMin[s]);
    max = Math.max(max, pd.d0[s], pd.d1[s]);
  }
  return { min, max };
}

/**
 * Every point of the given sections at path distance D from the origin, in the order of `sections`.
 * A section contributes a point where its distance profile crosses D, the point nearest the
 * origin excluded (d_near < D ≤ d_far, as Hay's `locateSites`), so a branch point shared by a
 * parent's 1 end and its children's 0 ends counts once, on the parent. Where distance grows from
 * the 0 end, x = (D − d(0))/(d(1) − d(0)) as in `locateSites`. D = 0 gives the origin itself if
 * its section is listed.
 */
export function crossingsAt(pd: PathDistances, sections: readonly number[], D: number): { section: number; x: number }[] {
  const out: { section: number; x: number }[] = [];
  for (const s of sections) {
    const dm = pd.dMin[s];
    if (!Number.isFinite(dm)) continue;
    const xm = pd.xMin[s];
    const L = pd.L_um[s];
    if (D === 0 && dm === 0) {
      out.push({ section: s, x: xm });
      continue;
    }
    // decreasing part, x in [0, xMin): distance from d(0) down to dMin
    if (xm > 0 && dm < D && D <= pd.d0[s]) out.push({ section: s, x: clamp01(xm - (D - dm) / L) });
    // increasing part, x in (xMin, 1]
    if (xm < 1 && dm < D && D <= pd.d1[s]) {
      const x = xm === 0 ? (D - pd.d0[s]) / (pd.d1[s] - pd.d0[s]) : xm + (D - dm) / L;
      out.push({ section: s, x: clamp01(x) });
    }
  }
  return out;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** 3-D points of a section (as `Morphology` sections carry them), for segment diameters. */
export interface SectionPoints {
  readonly d: ArrayLike<number>;
  /** Cumulative arc length at each point (µm). */
  readonly arc: ArrayLike<number>;
}

/**
 * NEURON's `sec(x).diam` with 3-D points: the mean of the piecewise-linear |diameter| over the
 * segment that contains x (segment floor(nseg·x), the last one for x = 1).
 */
export function segmentDiameter(sec: SectionPoints, nseg: number, x: number): number {
  let j = Math.floor(nseg * x);
  if (j >= nseg) j = nseg - 1;
  if (j < 0) j = 0;
  const arc = sec.arc;
  const N = arc.length;
  const L = N > 0 ? arc[N - 1] : 0;
  if (N < 2 || !(L > 0)) return N > 0 ? Math.abs(sec.d[0]) : 0;
  const a = (j * L) / nseg;
  const b = ((j + 1) * L) / nseg;
  const dAt = (s: number) => {
    let k = 0;
    while (k + 2 < N && arc[k + 1] <= s) k++;
    const gap = arc[k + 1] - arc[k];
    const f = gap < 1e-10 ? 1 : (s - arc[k]) / gap;
    return (1 - f) * Math.abs(sec.d[k]) + f * Math.abs(sec.d[k + 1]);
  };
  // trapezoid over the pieces between a, the 3-D points inside (a, b), and b (exact for linear d)
  let sum = 0;
  let sPrev = a;
  let dPrev = dAt(a);
  for (let k = 0; k < N; k++) {
    if (arc[k] > a && arc[k] < b) {
      const dk = Math.abs(sec.d[k]);
      sum += (dPrev + dk) * (arc[k] - sPrev);
      sPrev = arc[k];
      dPrev = dk;
    }
  }
  const db = dAt(b);
  sum += (dPrev + db) * (b - sPrev);
  return sum / (2 * (b - a));
}
