/**
 * Synapse populations (`synapses[].at` as `{"random": {...}}` or `{"cluster": {...}}`) and
 * per-synapse trains (`synapses[].train`): N synapses placed at random from a seed, over the
 * membrane length of a region (optionally within a path-distance range) or within a short stretch
 * of one section, each driven by its own spike train. They expand, when the cell is built, into
 * the ordinary placed synapses, spike sources and connections of src/protocol/synapses.ts; the
 * engine sees nothing new. docs/protocol.md ("Synapse populations") documents the rules.
 */
import { distanceRange, pathDistances, type PathDistances } from '../cable/distance.ts';
import { nodeAt } from '../cable/layout.ts';
import { parseLocation, selectSections } from '../cable/regions.ts';
import { uniformGenerator } from '../channels/random.ts';
import { DEFAULT_ORIGIN, type PlaceContext, type ResolvedLocation } from './stimuli.ts';
import { type Checker, show } from './validate.ts';

/** N sites uniform over the membrane length of a region, optionally within a path-distance range. */
export interface RandomPlacement {
  kind: 'random';
  region: string | string[];
  n: number;
  /** [min, max] path distance from `origin`, µm; null: the whole region. */
  distance_um: [number, number] | null;
  origin: string;
  seed: number;
}

/** N sites uniform within a stretch of `length_um` of one section. */
export interface ClusterPlacement {
  kind: 'cluster';
  section: string;
  n: number;
  length_um: number;
  /** Centre of the stretch (x in [0, 1]); null: drawn from the seed. */
  x: number | null;
  seed: number;
}

export type PopulationPlacement = RandomPlacement | ClusterPlacement;

export type TrainSpec =
  | { type: 'poisson'; rate_Hz: number; start_ms: number; stop_ms: number | null; seed: number; delay_ms: number }
  | { type: 'explicit'; times_ms: number[] | number[][]; delay_ms: number };

export const RANDOM_PLACEMENT_KEYS = ['region', 'n', 'distance_um', 'origin', 'seed'] as const;
export const CLUSTER_PLACEMENT_KEYS = ['section', 'n', 'length_um', 'x', 'seed'] as const;
export const POPULATION_KEYS = ['random', 'cluster'] as const;
export const TRAIN_COMMON_KEYS = ['type', 'delay_ms'] as const;
export const TRAIN_TYPES = ['poisson', 'explicit'] as const;
export const TRAIN_KEYS = {
  poisson: ['rate_Hz', 'start_ms', 'stop_ms', 'seed'],
  explicit: ['times_ms'],
} as const;

/** Most synapses one population may place. */
export const MAX_POPULATION = 100_000;

const SEED = { integer: true, min: 0, max: 4294967295 } as const;

/** Is this `at` value a population (an object with "random" or "cluster")? */
export function isPopulation(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && ('random' in v || 'cluster' in v);
}

/** Check `{"random": {...}}` or `{"cluster": {...}}` at `path` (a `synapses[].at`). */
export function parsePopulation(c: Checker, path: string, v: unknown): PopulationPlacement {
  const o = c.object(path, v, POPULATION_KEYS);
  const kinds = POPULATION_KEYS.filter((k) => k in o);
  if (kinds.length !== 1) c.fail(path, `expected exactly one of "random" and "cluster", got ${kinds.join(' and ')}`);
  const n = (p: string, x: unknown) => c.number(p, x, { integer: true, min: 1, max: MAX_POPULATION });
  if (kinds[0] === 'random') {
    const p = `${path}.random`;
    const r = c.object(p, o.random, RANDOM_PLACEMENT_KEYS, ['region', 'n', 'seed']);
    const region = Array.isArray(r.region) ? r.region.map((x, k) => c.string(`${p}.region[${k}]`, x)) : c.string(`${p}.region`, r.region);
    if (Array.isArray(region) && region.length === 0) c.fail(`${p}.region`, 'expected at least one region, got []');
    let distance_um: [number, number] | null = null;
    if (r.distance_um !== undefined) {
      if (!Array.isArray(r.distance_um) || r.distance_um.length !== 2) {
        c.fail(`${p}.distance_um`, `expected [min, max] in µm, e.g. [50, 200], got ${show(r.distance_um)}`);
      }
      const lo = c.number(`${p}.distance_um[0]`, r.distance_um[0], { min: 0 });
      const hi = c.number(`${p}.distance_um[1]`, r.distance_um[1], { min: 0 });
      if (hi < lo) c.fail(`${p}.distance_um[1]`, `${hi} um is below the minimum ${lo} um`);
      distance_um = [lo, hi];
    }
    return {
      kind: 'random', region, n: n(`${p}.n`, r.n), distance_um,
      origin: r.origin === undefined ? DEFAULT_ORIGIN : c.string(`${p}.origin`, r.origin),
      seed: c.number(`${p}.seed`, r.seed, SEED),
    };
  }
  const p = `${path}.cluster`;
  const r = c.object(p, o.cluster, CLUSTER_PLACEMENT_KEYS, ['section', 'n', 'length_um', 'seed']);
  return {
    kind: 'cluster',
    section: c.string(`${p}.section`, r.section),
    n: n(`${p}.n`, r.n),
    length_um: c.number(`${p}.length_um`, r.length_um, { positive: true }),
    x: r.x === undefined ? null : c.number(`${p}.x`, r.x, { min: 0, max: 1 }),
    seed: c.number(`${p}.seed`, r.seed, SEED),
  };
}

/** Check `synapses[].train` at `path`. */
export function parseTrain(c: Checker, path: string, v: unknown): TrainSpec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) c.fail(path, `expected an object like {"type": "poisson", "rate_Hz": 5, "start_ms": 0, "seed": 1}, got ${show(v)}`);
  const raw = v as Record<string, unknown>;
  if (!('type' in raw)) c.fail(`${path}.type`, `missing (required): one of ${TRAIN_TYPES.map((t) => `"${t}"`).join(', ')}`);
  const type = c.oneOf(`${path}.type`, raw.type, TRAIN_TYPES);
  const own: readonly string[] = TRAIN_KEYS[type];
  const o = c.object(path, v, [...TRAIN_COMMON_KEYS, ...own], ['type', ...own.filter((k) => k !== 'stop_ms')]);
  const delay_ms = o.delay_ms === undefined ? 0 : c.number(`${path}.delay_ms`, o.delay_ms, { min: 0 });
  if (type === 'poisson') {
    const start_ms = c.number(`${path}.start_ms`, o.start_ms, { min: 0 });
    const stop_ms = o.stop_ms === undefined ? null : c.number(`${path}.stop_ms`, o.stop_ms, { min: 0 });
    if (stop_ms !== null && stop_ms < start_ms) c.fail(`${path}.stop_ms`, `${stop_ms} ms is before start_ms ${start_ms} ms`);
    return { type, rate_Hz: c.number(`${path}.rate_Hz`, o.rate_Hz, { min: 0 }), start_ms, stop_ms, seed: c.number(`${path}.seed`, o.seed, SEED), delay_ms };
  }
  const list = c.array(`${path}.times_ms`, o.times_ms);
  const times = (p: string, l: unknown[]): number[] => {
    const t = l.map((x, k) => c.number(`${p}[${k}]`, x, { min: 0 }));
    for (let k = 1; k < t.length; k++) if (t[k] < t[k - 1]) c.fail(`${p}[${k}]`, `spike times must not decrease: ${t[k]} after ${t[k - 1]}`);
    return t;
  };
  const perSynapse = list.length > 0 && list.every((x) => Array.isArray(x));
  const times_ms = perSynapse ? list.map((l, j) => times(`${path}.times_ms[${j}]`, l as unknown[])) : times(`${path}.times_ms`, list);
  return { type, times_ms, delay_ms };
}

/**
 * The seed of synapse j's Poisson train: a 32-bit mix of the entry's seed and j (the splitmix32
 * finaliser applied to seed + 0x9e3779b9·(j + 1)), so every synapse of a population has its own
 * train and two entries with the same train spec give synapse j the same train.
 */
export function trainSeed(seed: number, j: number): number {
  let z = (seed + Math.imul(0x9e3779b9, j + 1)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The parts of section s whose points lie at path distance lo..hi, as [x1, x2] intervals (at most
 * two: a section on the path from the origin to the root has a decreasing and an increasing part).
 */
export function inRangeIntervals(pd: PathDistances, s: number, lo: number, hi: number): [number, number][] {
  const dm = pd.dMin[s];
  const xm = pd.xMin[s];
  const L = pd.L_um[s];
  if (!Number.isFinite(dm) || !(L > 0) || hi < dm) return [];
  const out: [number, number][] = [];
  // decreasing part x in [0, xm]: d = dm + (xm − x)·L; increasing part x in [xm, 1]: d = dm + (x − xm)·L
  const near = Math.max(0, (lo - dm) / L);
  const far = (hi - dm) / L;
  const a: [number, number] = [Math.max(0, xm - far), xm - near];
  const b: [number, number] = [xm + near, Math.min(1, xm + far)];
  if (near === 0 && a[1] >= a[0] && b[1] >= b[0]) return [[a[0], b[1]]];
  if (a[1] > a[0]) out.push(a);
  if (b[1] > b[0]) out.push(b);
  return out;
}

/** N sites drawn uniformly over the in-range membrane length of a region. */
function placeRandom(ctx: PlaceContext, spec: RandomPlacement, path: string): ResolvedLocation[] {
  const p = `${path}.random`;
  const secs = ctx.morphology.sections;
  const list = selectSections(secs, spec.region, ctx.where(`${p}.region`));
  const regionName = Array.isArray(spec.region) ? spec.region.join(', ') : spec.region;
  const origin = parseLocation(secs, spec.origin, ctx.where(`${p}.origin`));
  const pd = pathDistances(ctx.morphology, origin);
  const [lo, hi] = spec.distance_um ?? [0, Infinity];
  const pieces: { section: number; x1: number; x2: number; len: number }[] = [];
  let total = 0;
  for (const s of list) {
    const L = pd.L_um[s];
    const parts: [number, number][] = spec.distance_um ? inRangeIntervals(pd, s, lo, hi) : L > 0 ? [[0, 1]] : [];
    for (const [x1, x2] of parts) {
      const len = (x2 - x1) * L;
      if (!(len > 0)) continue;
      pieces.push({ section: s, x1, x2, len });
      total += len;
    }
  }
  if (!(total > 0)) {
    const { min, max } = distanceRange(pd, list);
    const span = Number.isFinite(max) ? `; it spans ${fmt(min)}–${fmt(max)} um from ${spec.origin}` : `; it is not connected to ${spec.origin}`;
    c(ctx).fail(spec.distance_um ? `${p}.distance_um` : `${p}.region`, spec.distance_um
      ? `no membrane of region ${regionName} lies between ${lo} and ${hi} um from ${spec.origin}${span}`
      : `region ${regionName} has no membrane length to place synapses on`);
  }
  const u = uniformGenerator(spec.seed);
  const out: ResolvedLocation[] = [];
  for (let j = 0; j < spec.n; j++) {
    let r = u() * total;
    let k = 0;
    while (k + 1 < pieces.length && r >= pieces[k].len) r -= pieces[k++].len;
    const q = pieces[k];
    const x = Math.min(q.x2, Math.max(q.x1, q.x1 + r / pd.L_um[q.section]));
    out.push({ section: q.section, x, node: nodeAt(ctx.layout.sections[q.section], x) });
  }
  return out;
}

/** N sites uniform within a stretch of length_um of one section. */
function placeCluster(ctx: PlaceContext, spec: ClusterPlacement, path: string): ResolvedLocation[] {
  const p = `${path}.cluster`;
  const secs = ctx.morphology.sections;
  if (!spec.section.includes('[')) c(ctx).fail(`${p}.section`, `expected one section like "dend[23]", got ${show(spec.section)}`);
  const s = selectSections(secs, spec.section, ctx.where(`${p}.section`))[0];
  const L = secs[s].L_um;
  const len = spec.length_um;
  if (len > L) c(ctx).fail(`${p}.length_um`, `${len} um is longer than ${secs[s].name} (${fmt(L)} um); a cluster lies on one section`);
  const u = uniformGenerator(spec.seed);
  // centre of the stretch, µm from the 0 end: drawn first, or x·L shifted to keep the stretch on the section
  const half = len / 2;
  const centre = spec.x === null ? half + u() * (L - len) : Math.min(L - half, Math.max(half, spec.x * L));
  const out: ResolvedLocation[] = [];
  for (let j = 0; j < spec.n; j++) {
    const x = Math.min(1, Math.max(0, (centre - half + u() * len) / L));
    out.push({ section: s, x, node: nodeAt(ctx.layout.sections[s], x) });
  }
  return out;
}

/** The sites of a population, synapse j = draw j. */
export function placePopulation(ctx: PlaceContext, spec: PopulationPlacement, path: string): ResolvedLocation[] {
  return spec.kind === 'random' ? placeRandom(ctx, spec, path) : placeCluster(ctx, spec, path);
}

function c(ctx: PlaceContext): Checker {
  return ctx.c;
}

function fmt(x: number): string {
  return String(Number(x.toFixed(3)));
}
