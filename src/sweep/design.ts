/**
 * From a sweep to its runs. Run r is repeat (r mod repeats) of point floor(r / repeats); a point's
 * values come from the design:
 * - grid: every combination, the last parameter varying fastest;
 * - zip: the i-th value of every list;
 * - random: each value drawn from its distribution with the uniform hash(seed, point, parameter);
 * - latin_hypercube: as random, but the uniform is (stratum + hash uniform) / samples, the strata
 *   of each parameter a seeded permutation of 0 … samples−1.
 * Everything is computed from (seed, run), so a run is the same whatever order, shard or worker
 * runs it. Seeds inside the protocol (noise stimuli, Poisson sources) are replaced per run
 * (`protocol_seeds`: "derive", default) or per repeat ("per_repeat"), or kept ("keep").
 */
import { parseProtocol, type Protocol } from '../protocol/protocol.ts';
import { formatPath, setAtPath, type PathStep } from './paths.ts';
import { permutation, populationSeed, protocolSeed, sampleUniform } from './seeds.ts';
import { variantError, type Distribution, type SweepSpec } from './spec.ts';

export interface RunPoint {
  run: number;
  point: number;
  repeat: number;
  /** The value each parameter sets in the protocol, in parameter order. */
  values: unknown[];
  /** What the results table shows for each parameter (labels, or the values; objects as JSON). */
  columns: (number | string)[];
}

/**
 * Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
 */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** A value of `d` at the uniform u in [0, 1). */
export function draw(d: Distribution, u: number): unknown {
  switch (d.type) {
    case 'uniform': return d.low + u * (d.high - d.low);
    case 'log_uniform': return Math.exp(Math.log(d.low) + u * (Math.log(d.high) - Math.log(d.low)));
    case 'integer': return d.low + Math.min(d.high - d.low, Math.floor(u * (d.high - d.low + 1)));
    case 'normal': return d.mean + d.sd * normalQuantile(Math.min(1 - 2 ** -54, Math.max(2 ** -54, u)));
    case 'choice': return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))];
  }
}

/** Per-spec caches (Latin hypercube permutations), so a point costs O(parameters). */
const permCache = new WeakMap<SweepSpec, Int32Array[]>();

function strata(spec: SweepSpec): Int32Array[] {
  let p = permCache.get(spec);
  if (!p) {
    p = spec.parameters.map((_, k) => permutation(spec.seed, k, spec.samples));
    permCache.set(spec, p);
  }
  return p;
}

function column(v: unknown): number | string {
  return typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v);
}

export function runPoint(spec: SweepSpec, run: number): RunPoint {
  if (!Number.isInteger(run) || run < 0 || run >= spec.total) throw new RangeError(`run ${run} is not in 0 … ${spec.total - 1}`);
  const point = Math.floor(run / spec.repeats);
  const repeat = run % spec.repeats;
  const ps = spec.parameters;
  const values: unknown[] = new Array(ps.length);
  const columns: (number | string)[] = new Array(ps.length);
  if (spec.design === 'grid') {
    let rest = point;
    for (let k = ps.length - 1; k >= 0; k--) {
      const n = ps[k].values!.length;
      const i = rest % n;
      rest = Math.floor(rest / n);
      values[k] = ps[k].values![i];
      columns[k] = column(ps[k].labels ? ps[k].labels![i] : values[k]);
    }
  } else if (spec.design === 'zip') {
    ps.forEach((p, k) => {
      values[k] = p.values![point];
      columns[k] = column(p.labels ? p.labels[point] : values[k]);
    });
  } else {
    const perms = spec.design === 'latin_hypercube' ? strata(spec) : null;
    ps.forEach((p, k) => {
      const h = sampleUniform(spec.seed, point, k);
      const u = perms ? (perms[k][point] + h) / spec.samples : h;
      values[k] = draw(p.distribution!, u);
      columns[k] = column(values[k]);
    });
  }
  return { run, point, repeat, values, columns };
}

/** `gna=0.1, amp=0.5` for messages. */
export function describeRun(spec: SweepSpec, pt: RunPoint): string {
  const parts = spec.parameters.map((p, k) => `${p.name}=${typeof pt.columns[k] === 'string' ? JSON.stringify(pt.columns[k]) : pt.columns[k]}`);
  if (spec.repeats > 1) parts.push(`repeat ${pt.repeat}`);
  return parts.join(', ');
}

/** Paths of the seeds in the base protocol: noise stimuli, then Poisson sources, in file order. */
export function protocolSeedPaths(json: unknown): PathStep[][] {
  const out: PathStep[][] = [];
  const o = json as Record<string, unknown>;
  const scan = (key: string, type: string) => {
    const list = o[key];
    if (!Array.isArray(list)) return;
    list.forEach((item, i) => {
      if (typeof item === 'object' && item !== null && (item as Record<string, unknown>).type === type && 'seed' in item) out.push([{ key }, { index: i }, { key: 'seed' }]);
    });
  };
  scan('stimuli', 'noise');
  scan('spike_sources', 'poisson');
  return out;
}

/**
 * Paths of the seeds of synapse populations (src/protocol/populations.ts) with their kind (0: a
 * Poisson `train`, 1: `at.random` / `at.cluster` placement) and the seed as written.
 */
export function populationSeedPaths(json: unknown): { steps: PathStep[]; kind: 0 | 1; written: number }[] {
  const out: { steps: PathStep[]; kind: 0 | 1; written: number }[] = [];
  const list = (json as Record<string, unknown>).synapses;
  if (!Array.isArray(list)) return out;
  const obj = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
  list.forEach((item, i) => {
    const e = obj(item);
    if (e === null) return;
    const train = obj(e.train);
    if (train !== null && train.type === 'poisson' && typeof train.seed === 'number') {
      out.push({ steps: [{ key: 'synapses' }, { index: i }, { key: 'train' }, { key: 'seed' }], kind: 0, written: train.seed });
    }
    const at = obj(e.at);
    for (const how of ['random', 'cluster']) {
      const place = obj(at?.[how]);
      if (place !== null && typeof place.seed === 'number') {
        out.push({ steps: [{ key: 'synapses' }, { index: i }, { key: 'at' }, { key: how }, { key: 'seed' }], kind: 1, written: place.seed });
      }
    }
  });
  return out;
}

/** The protocol JSON of a run: a deep copy of the base with the run's values (and seeds) applied. */
export function variantJson(spec: SweepSpec, pt: RunPoint): unknown {
  const json = structuredClone(spec.protocolJson);
  if (spec.protocolSeeds !== 'keep') {
    const key = spec.protocolSeeds === 'derive' ? pt.run : pt.repeat;
    protocolSeedPaths(json).forEach((steps, k) => {
      const path = formatPath(steps);
      // a parameter that sets the seed (or the whole entry) wins
      if (spec.parameters.some((p) => path === p.canonical || path.startsWith(p.canonical + '.') || path.startsWith(p.canonical + '['))) return;
      setAtPath(json, steps, protocolSeed(spec.seed, key, k));
    });
    for (const { steps, kind, written } of populationSeedPaths(json)) {
      const path = formatPath(steps);
      if (spec.parameters.some((p) => path === p.canonical || path.startsWith(p.canonical + '.') || path.startsWith(p.canonical + '['))) continue;
      setAtPath(json, steps, populationSeed(spec.seed, key, kind, Math.abs(Math.trunc(written))));
    }
  }
  spec.parameters.forEach((p, k) => setAtPath(json, p.steps, pt.values[k]));
  return json;
}

/** The checked protocol of a run; an invalid one is a UserError naming the run and parameter. */
export function variantProtocol(spec: SweepSpec, run: number): Protocol {
  const pt = runPoint(spec, run);
  try {
    return parseProtocol(variantJson(spec, pt), spec.protocolFile);
  } catch (e) {
    return variantError(spec, run, e, describeRun(spec, pt));
  }
}
