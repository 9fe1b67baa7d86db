/**
 * Samples in tree order → NEURON sections, exactly as NEURON 8.2's Import3d (read_swc.hoc +
 * import3d_gui.hoc) builds them. Each numbered step cites ../shared/neuron-geometry.md.
 */
import { roundThroughG8Float32 } from './float32.ts';

export interface Import3dInput {
  n: number;
  type: Int32Array;
  /** Parent sample (position in this order), -1 for roots; parent < own position. */
  parent: Int32Array;
  /** float32 coordinates and diameters (diameter = 2·float32 radius). */
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  d: Float64Array;
}

export interface Import3dSection {
  name: string;
  type: number;
  /** Parent section (index in creation order), -1 for the root. */
  parent: number;
  parentX: number;
  /** Connected by a zero-length "wire" (its copied first point dropped). */
  wire: boolean;
  /** 3-D points as NEURON stores them: float32 values after the `%.8g` round trip. */
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  d: Float64Array;
  /** First own sample (position in the input order). */
  firstSample: number;
  /** Number of own samples. */
  nSamples: number;
}

/** How the soma was built: SWC rules (one-point, 3-point, multi-point) or a Neurolucida contour (asc.ts). */
export type SomaRule = 'one-point' | 'neuromorpho-3point' | 'multi-point' | 'no-soma' | 'contour';

export interface Import3dResult {
  /** Surviving sections in creation order (parents before children). */
  sections: Import3dSection[];
  somaRule: SomaRule;
  /** True when the three soma samples were read as NeuroMorpho's sphere (§3.3). */
  sphere: boolean;
  /** Sections NEURON drops as degenerate (§5.1), as messages. */
  removed: string[];
}

const HOC_EPS = 1e-11;

export function typeName(t: number): string {
  if (t === 1) return 'soma';
  if (t === 2) return 'axon';
  if (t === 3) return 'dend';
  if (t === 4) return 'apic';
  return t < 0 ? `minus_${-t}` : `dend_${t}`;
}

export function import3d(s: Import3dInput): Import3dResult {
  const { n, type } = s;
  const parent = Int32Array.from(s.parent);
  const typeOfParentOrFirst = (p: number) => type[parent[p] < 0 ? 0 : parent[p]];

  // §3.1 child score and proximal attachment
  const c = new Float64Array(n);
  const prox = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    if (p < 0) continue;
    c[p] += 1;
    if (p !== i - 1) {
      c[p] += 0.01;
      if ((p >= 2 && type[p] !== 1 && typeOfParentOrFirst(p) === 1) || (p === 0 && type[0] !== 1)) {
        prox[i] = 1;
        c[p] = 1;
      }
    }
    if (type[i] !== type[p]) c[p] += 0.01;
  }
  // §3.2 soma child count
  const ns = new Int32Array(n);
  for (let i = 1; i < n; i++) {
    const p = parent[i];
    if (p >= 0 && type[i] === 1 && type[p] === 1) ns[p]++;
  }
  // §3.3 NeuroMorpho three-point soma
  let nSomaSamples = 0;
  for (let i = 0; i < n; i++) if (type[i] === 1) nSomaSamples++;
  let sphere = false;
  if (nSomaSamples === 3 && n >= 3 && parent[1] === 0 && parent[2] === 0 && c[1] === 0 && c[2] === 0 &&
      s.d[1] === s.d[0] && s.d[2] === s.d[0]) {
    const dist = (a: number) => Math.sqrt(
      (s.x[a] - s.x[0]) ** 2 + (s.y[a] - s.y[0]) ** 2 + (s.z[a] - s.z[0]) ** 2);
    if (Math.abs((dist(1) + dist(2)) / s.d[0] - 1) < 0.01) {
      sphere = true;
      parent[2] = 1;
    }
  }
  // §3.4 soma chain merge
  for (let i = 0; i < n - 1; i++) {
    if (type[i] === 1 && type[i + 1] === 1 && parent[i + 1] === i && (i === 0 || ns[i] <= 1)) c[i] = 1;
  }
  // §3.5 runs → sections. secOf[i] = run index; runs[k] = [first, last]
  const secOf = new Int32Array(n);
  const runFirst: number[] = [];
  const runLast: number[] = [];
  {
    let start = 0;
    for (let i = 0; i < n; i++) {
      secOf[i] = runFirst.length;
      if (Math.abs(c[i] - 1) > HOC_EPS || i === n - 1) {
        runFirst.push(start);
        runLast.push(i);
        start = i + 1;
      }
    }
  }
  const nRuns = runFirst.length;
  // With the sphere flag, samples 1 and 2 belong to no section.
  const skipRun = new Uint8Array(nRuns);
  if (sphere) {
    runLast[0] = 0;
    for (let k = 1; k < nRuns; k++) if (runFirst[k] <= 2) skipRun[k] = 1;
  }

  // §4 parent, connection point, first point
  const secParent = new Int32Array(nRuns).fill(-1);
  const secParentX = new Float64Array(nRuns);
  const secWire = new Uint8Array(nRuns);
  /** Copied first point (x, y, z, d) of each non-root section: 4 values per run. */
  const copied = new Float64Array(4 * nRuns);
  const rootOwn = runLast[0] - runFirst[0] + 1;
  for (let k = 1; k < nRuns; k++) {
    if (skipRun[k]) continue;
    const f = runFirst[k];
    const m = runLast[k] - f + 1;
    const P = parent[f];
    const PS = P < 0 ? 0 : secOf[P];
    const psType = type[runFirst[PS]];
    const psLast = runLast[PS];
    const dos = psType === 1 && type[f] !== 1;
    let parentX: number;
    let wire: boolean;
    if (PS === 0 && dos && rootOwn === 1) {
      parentX = 0.5; wire = m >= 2;
    } else if (PS === 0 && P === 0) {
      parentX = 0; wire = type[f] !== 1 && ns[0] >= 2;
    } else if (psType === 1 && P !== psLast) {
      parentX = 0.5; wire = dos && m >= 2;
    } else if (psType === 1) {
      parentX = 1; wire = m >= 2 && ns[P] >= 2 && type[f] !== 1;
    } else {
      parentX = 1; wire = false;
    }
    if (prox[f]) parentX = 0;
    secParent[k] = PS;
    secParentX[k] = parentX;
    secWire[k] = wire ? 1 : 0;
    const src = P < 0 ? 0 : P;
    copied[4 * k] = s.x[src];
    copied[4 * k + 1] = s.y[src];
    copied[4 * k + 2] = s.z[src];
    copied[4 * k + 3] = dos ? s.d[f] : s.d[src];
  }
  // Used points of run k: the copied point (non-root, non-wire) then the own samples.
  const hasCopied = (k: number) => k > 0 && !secWire[k];
  const nUsed = (k: number) => runLast[k] - runFirst[k] + 1 + (hasCopied(k) ? 1 : 0);
  const usedPoint = (k: number, j: number, out: Float64Array) => {
    if (hasCopied(k)) {
      if (j === 0) {
        out[0] = copied[4 * k]; out[1] = copied[4 * k + 1]; out[2] = copied[4 * k + 2]; out[3] = copied[4 * k + 3];
        return;
      }
      j--;
    }
    const i = runFirst[k] + j;
    out[0] = s.x[i]; out[1] = s.y[i]; out[2] = s.z[i]; out[3] = s.d[i];
  };

  // §5.1 degenerate sections removed, from the last to the first (root exempt)
  const removed: string[] = [];
  const alive = new Uint8Array(nRuns);
  for (let k = 0; k < nRuns; k++) alive[k] = skipRun[k] ? 0 : 1;
  const p0 = new Float64Array(4);
  const p1 = new Float64Array(4);
  for (let k = nRuns - 1; k >= 1; k--) {
    if (!alive[k]) continue;
    const u = nUsed(k);
    let degenerate = u <= 1;
    if (u === 2) {
      usedPoint(k, 0, p0);
      usedPoint(k, 1, p1);
      degenerate = Math.abs(p0[0] - p1[0]) < HOC_EPS && Math.abs(p0[1] - p1[1]) < HOC_EPS &&
        Math.abs(p0[2] - p1[2]) < HOC_EPS;
    }
    if (!degenerate) continue;
    alive[k] = 0;
    removed.push(`section starting at sample position ${runFirst[k]} has ${u <= 1 ? 'one point' : 'zero length'} and was removed, as NEURON does`);
    for (let j = k + 1; j < nRuns; j++) {
      if (alive[j] && secParent[j] === k) {
        secParent[j] = secParent[k];
        secParentX[j] = secParentX[k];
      }
    }
  }

  // §5.2 names, §5.3 points
  const newIndex = new Int32Array(nRuns).fill(-1);
  const counters = new Map<number, number>();
  const sections: Import3dSection[] = [];
  for (let k = 0; k < nRuns; k++) {
    if (!alive[k]) continue;
    const t = type[runFirst[k]];
    const idx = counters.get(t) ?? 0;
    counters.set(t, idx + 1);
    const u = nUsed(k);
    const N = u === 1 ? 3 : u;
    const X = new Float64Array(N), Y = new Float64Array(N), Z = new Float64Array(N), D = new Float64Array(N);
    if (u === 1) {
      usedPoint(k, 0, p0);
      const [x, y, z, d] = p0;
      const xs = [x - d / 2, x, x + d / 2];
      for (let j = 0; j < 3; j++) {
        X[j] = roundThroughG8Float32(xs[j]);
        Y[j] = roundThroughG8Float32(y);
        Z[j] = roundThroughG8Float32(z);
        D[j] = roundThroughG8Float32(d);
      }
    } else {
      for (let j = 0; j < N; j++) {
        usedPoint(k, j, p0);
        X[j] = roundThroughG8Float32(p0[0]);
        Y[j] = roundThroughG8Float32(p0[1]);
        Z[j] = roundThroughG8Float32(p0[2]);
        D[j] = roundThroughG8Float32(p0[3]);
      }
    }
    newIndex[k] = sections.length;
    sections.push({
      name: `${typeName(t)}[${idx}]`, type: t,
      parent: k === 0 ? -1 : newIndex[secParent[k]], parentX: k === 0 ? 0 : secParentX[k], wire: secWire[k] === 1,
      x: X, y: Y, z: Z, d: D, firstSample: runFirst[k], nSamples: runLast[k] - runFirst[k] + 1,
    });
  }

  let somaRule: SomaRule;
  if (nSomaSamples === 0) somaRule = 'no-soma';
  else if (sphere) somaRule = 'neuromorpho-3point';
  else if (type[0] === 1 && rootOwn === 1) somaRule = 'one-point';
  else somaRule = 'multi-point';
  return { sections, somaRule, sphere, removed };
}
