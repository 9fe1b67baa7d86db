/**
 * Sweep files (docs/sweeps.md): a base protocol, parameters (each a JSON path into the protocol and
 * the values it takes), a design that combines them into runs, and the measures taken from each
 * run. Checked like protocols: every mistake names the file, the JSON path, the value and what was
 * expected, with a did-you-mean for misspelt names.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { parseProtocol, type Protocol } from '../protocol/protocol.ts';
import { Checker, ProtocolError, show } from '../protocol/validate.ts';
import { didYouMean } from '../suggest.ts';
import { duplicateKeyMessage, findDuplicateKey } from '../jsontree.ts';
import { FEATURES, FEATURE_NAMES } from './features.ts';
import { formatPath, PathError, resolvePath, type PathStep } from './paths.ts';

export const DESIGNS = ['grid', 'zip', 'random', 'latin_hypercube'] as const;
export type Design = (typeof DESIGNS)[number];
export const PROTOCOL_SEEDS = ['derive', 'per_repeat', 'keep'] as const;
export const DISTRIBUTIONS = ['uniform', 'log_uniform', 'normal', 'integer', 'choice'] as const;

export type Distribution =
  | { type: 'uniform' | 'log_uniform' | 'integer'; low: number; high: number }
  | { type: 'normal'; mean: number; sd: number }
  | { type: 'choice'; values: unknown[] };

export interface SweepParameter {
  name: string;
  /** As written in the file. */
  path: string;
  /** Resolved against the base protocol (indices only). */
  steps: PathStep[];
  /** `steps` written out: `$.biophysics.mechanisms[1].params.gnabar`. */
  canonical: string;
  /** Grid and zip designs: the values in order (from `values` or `range`). */
  values?: unknown[];
  /** What the results table shows for each of `values` (default: the values). */
  labels?: unknown[];
  /** Random designs. */
  distribution?: Distribution;
}

export interface Measure {
  name: string;
  feature: string;
  probe: string;
  /** Another probe: the measure is feature(probe) / feature(relative_to). */
  relative_to?: string;
  window_ms: [number, number];
  threshold?: number;
  at_ms?: number;
  before_ms?: number;
  span_ms?: number;
}

export interface SweepSpec {
  /** The sweep file, as given. */
  file: string;
  description?: string;
  /** Absolute path of the base protocol. */
  protocolFile: string;
  /** The base protocol's JSON (never modified). */
  protocolJson: unknown;
  /** The base protocol, checked. */
  base: Protocol;
  parameters: SweepParameter[];
  design: Design;
  /** Points of a random or Latin hypercube design. */
  samples: number;
  repeats: number;
  seed: number;
  protocolSeeds: (typeof PROTOCOL_SEEDS)[number];
  measures: Measure[];
  /** Probe labels whose traces are kept. */
  keepTraces: string[];
  /** SHA-256 of the sweep file and the base protocol (hex); identifies the sweep in its folder. */
  hash: string;
  /** Number of parameter points (before repeats). */
  points: number;
  /** Number of runs (points × repeats). */
  total: number;
}

export const SWEEP_KEYS = ['protocol', 'description', 'parameters', 'design', 'samples', 'repeats', 'seed', 'protocol_seeds', 'measures', 'keep_traces'] as const;
export const PARAMETER_KEYS = ['name', 'path', 'values', 'labels', 'range', 'distribution'] as const;
export const RANGE_KEYS = ['from', 'to', 'steps', 'scale'] as const;
export const DISTRIBUTION_KEYS = ['type', 'low', 'high', 'mean', 'sd', 'values'] as const;
export const MEASURE_KEYS = ['name', 'feature', 'probe', 'relative_to', 'window_ms', 'threshold', 'at_ms', 'before_ms', 'span_ms'] as const;
/** Columns every results table has; parameter and measure names must differ from them. */
export const FIXED_COLUMNS = ['run', 'status', 'error', 'wall_s'] as const;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** 12 significant digits, so 0.1 + 0.9·k/9 prints as 0.2, not 0.20000000000000001. */
const tidy = (v: number) => Number(v.toPrecision(12));

function readJson(path: string, what: string): { text: string; json: unknown } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const dup = findDuplicateKey(text);
  if (dup) throw new ProtocolError(path, dup.path, duplicateKeyMessage(dup));
  return { text, json };
}

/** Read and check a sweep file and its base protocol. */
export function loadSweep(file: string): SweepSpec {
  const { text, json } = readJson(file, 'sweep file');
  const c = new Checker(file);
  const top = c.object('$', json, SWEEP_KEYS, ['protocol', 'parameters']);
  const protocolFile = resolve(dirname(resolve(file)), c.string('$.protocol', top.protocol));
  const proto = readJson(protocolFile, 'base protocol');
  const base = parseProtocol(proto.json, protocolFile);
  const hash = createHash('sha256').update(text).update('\0').update(proto.text).digest('hex');
  return checkSweep(c, top, { protocolFile, protocolJson: proto.json, base, hash });
}

function checkSweep(
  c: Checker,
  top: Record<string, unknown>,
  ctx: { protocolFile: string; protocolJson: unknown; base: Protocol; hash: string },
): SweepSpec {
  const design = top.design === undefined ? 'grid' : c.oneOf('$.design', top.design, DESIGNS);
  const randomish = design === 'random' || design === 'latin_hypercube';
  const samples = top.samples === undefined ? 0 : c.number('$.samples', top.samples, { integer: true, min: 1 });
  if (randomish && top.samples === undefined) c.fail('$.samples', `missing (required with "design": "${design}"): the number of points to draw`);
  if (!randomish && top.samples !== undefined) c.fail('$.samples', `"samples" goes with the "random" and "latin_hypercube" designs, not "${design}"`);
  const repeats = top.repeats === undefined ? 1 : c.number('$.repeats', top.repeats, { integer: true, min: 1 });
  const seed = top.seed === undefined ? 0 : c.number('$.seed', top.seed, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
  const protocolSeeds = top.protocol_seeds === undefined ? 'derive' : c.oneOf('$.protocol_seeds', top.protocol_seeds, PROTOCOL_SEEDS);

  const names = new Set<string>(FIXED_COLUMNS);
  const checkName = (path: string, v: unknown): string => {
    const n = c.string(path, v);
    if (!NAME.test(n)) c.fail(path, `a column name: letters, digits and _, starting with a letter or _; got ${show(n)}`);
    if ((FIXED_COLUMNS as readonly string[]).includes(n)) c.fail(path, `${show(n)} is a column every results table has (${FIXED_COLUMNS.join(', ')}); pick another name`);
    if (names.has(n)) c.fail(path, `duplicate name ${show(n)} (parameter and measure names must all differ)`);
    names.add(n);
    return n;
  };

  const plist = c.array('$.parameters', top.parameters);
  if (plist.length === 0) c.fail('$.parameters', 'expected at least one parameter');
  const seenPaths = new Map<string, string>();
  const parameters = plist.map((v, i): SweepParameter => {
    const path = `$.parameters[${i}]`;
    const o = c.object(path, v, PARAMETER_KEYS, ['name', 'path']);
    const name = checkName(`${path}.name`, o.name);
    const written = c.string(`${path}.path`, o.path);
    let steps: PathStep[];
    try {
      steps = resolvePath(ctx.protocolJson, written);
    } catch (e) {
      if (e instanceof PathError) c.fail(`${path}.path`, `${show(written)}: ${e.message} (base protocol ${ctx.protocolFile})`);
      throw e;
    }
    const canonical = formatPath(steps);
    const other = seenPaths.get(canonical);
    if (other !== undefined) c.fail(`${path}.path`, `parameter "${other}" already sets ${canonical}`);
    seenPaths.set(canonical, name);
    const sources = ['values', 'range', 'distribution'].filter((k) => k in o);
    if (sources.length !== 1) {
      c.fail(path, `expected exactly one of "values", "range", "distribution", got ${sources.length === 0 ? 'none' : sources.join(' and ')}`);
    }
    const p: SweepParameter = { name, path: written, steps, canonical };
    if (o.values !== undefined) {
      p.values = c.array(`${path}.values`, o.values);
      if (p.values.length === 0) c.fail(`${path}.values`, 'expected at least one value');
    } else if (o.range !== undefined) {
      p.values = parseRange(c, `${path}.range`, o.range);
    } else {
      if (!randomish) c.fail(`${path}.distribution`, `a distribution goes with the "random" and "latin_hypercube" designs; with "${design}" give "values" or "range"`);
      p.distribution = parseDistribution(c, `${path}.distribution`, o.distribution);
    }
    if (o.labels !== undefined) {
      if (p.values === undefined) c.fail(`${path}.labels`, '"labels" go with "values" or "range"');
      p.labels = c.array(`${path}.labels`, o.labels);
      if (p.labels.length !== p.values!.length) c.fail(`${path}.labels`, `expected ${p.values!.length} labels (one per value), got ${p.labels.length}`);
      p.labels.forEach((l, k) => {
        if (typeof l !== 'number' && typeof l !== 'string') c.fail(`${path}.labels[${k}]`, `expected a number or a string, got ${show(l)}`);
      });
    }
    if (randomish && p.values !== undefined && o.range !== undefined) {
      const r = o.range as { from: number; to: number };
      p.distribution = { type: 'uniform', low: r.from, high: r.to };
      p.values = undefined;
    } else if (randomish && p.values !== undefined) {
      p.distribution = { type: 'choice', values: p.values };
    }
    return p;
  });

  let points: number;
  if (design === 'grid') points = parameters.reduce((n, p) => n * p.values!.length, 1);
  else if (design === 'zip') {
    points = parameters[0].values!.length;
    parameters.forEach((p, i) => {
      if (p.values!.length !== points) {
        c.fail(`$.parameters[${i}]`, `"zip" walks the lists together, so they must be equally long: "${parameters[0].name}" has ${points} values, "${p.name}" ${p.values!.length}`);
      }
    });
  } else points = samples;

  const labels = ctx.base.record.map((r) => r.label);
  const probe = (path: string, v: unknown): string => {
    const s = c.string(path, v);
    if (!labels.includes(s)) c.fail(path, `no record[] entry of the base protocol has the label ${show(s)}${didYouMean(s, labels)}; labels: ${labels.join(', ') || '(none)'}`);
    return s;
  };
  const tstop = ctx.base.run.tstop_ms;
  const measures = top.measures === undefined ? [] : c.array('$.measures', top.measures).map((v, i): Measure => {
    const path = `$.measures[${i}]`;
    const o = c.object(path, v, MEASURE_KEYS, ['name', 'feature', 'probe']);
    const name = checkName(`${path}.name`, o.name);
    const feature = c.oneOf(`${path}.feature`, o.feature, FEATURE_NAMES);
    const m: Measure = { name, feature, probe: probe(`${path}.probe`, o.probe), window_ms: [0, tstop] };
    if (o.relative_to !== undefined) m.relative_to = probe(`${path}.relative_to`, o.relative_to);
    if (o.window_ms !== undefined) {
      const w = c.array(`${path}.window_ms`, o.window_ms);
      if (w.length !== 2) c.fail(`${path}.window_ms`, `expected [from, to] in ms, got ${show(w)}`);
      const a = c.number(`${path}.window_ms[0]`, w[0], { min: 0, unit: 'ms' });
      const b = c.number(`${path}.window_ms[1]`, w[1], { unit: 'ms' });
      if (!(b > a)) c.fail(`${path}.window_ms`, `expected from < to, got ${show(w)}`);
      m.window_ms = [a, b];
    }
    const info = FEATURES.find((f) => f.name === feature)!;
    for (const k of ['threshold', 'at_ms', 'before_ms', 'span_ms'] as const) {
      if (o[k] === undefined) continue;
      if (k !== 'span_ms' && !info.needs.includes(k)) c.fail(`${path}.${k}`, `"${feature}" takes no "${k}"`);
      if (k === 'span_ms' && feature !== 'baseline') c.fail(`${path}.${k}`, '"span_ms" goes with "baseline"');
      m[k] = c.number(`${path}.${k}`, o[k], k === 'span_ms' ? { positive: true, unit: 'ms' } : k === 'threshold' ? {} : { min: 0, unit: 'ms' });
    }
    for (const k of info.needs) if (m[k] === undefined) c.fail(`${path}.${k}`, `missing (required by "${feature}")`);
    return m;
  });
  const keepTraces = top.keep_traces === undefined ? [] : c.array('$.keep_traces', top.keep_traces).map((v, i) => probe(`$.keep_traces[${i}]`, v));
  if (new Set(keepTraces).size !== keepTraces.length) c.fail('$.keep_traces', `a probe is listed twice: ${show(keepTraces)}`);

  return {
    file: c.file,
    ...(top.description === undefined ? {} : { description: c.string('$.description', top.description) }),
    protocolFile: ctx.protocolFile,
    protocolJson: ctx.protocolJson,
    base: ctx.base,
    parameters,
    design,
    samples,
    repeats,
    seed,
    protocolSeeds,
    measures,
    keepTraces,
    hash: ctx.hash,
    points,
    total: points * repeats,
  };
}

function parseRange(c: Checker, path: string, v: unknown): number[] {
  const o = c.object(path, v, RANGE_KEYS, ['from', 'to', 'steps']);
  const from = c.number(`${path}.from`, o.from);
  const to = c.number(`${path}.to`, o.to);
  const steps = c.number(`${path}.steps`, o.steps, { integer: true, min: 1 });
  const scale = o.scale === undefined ? 'linear' : c.oneOf(`${path}.scale`, o.scale, ['linear', 'log'] as const);
  if (scale === 'log' && !(from > 0 && to > 0)) c.fail(path, `a log range needs from > 0 and to > 0, got ${from} and ${to}`);
  if (steps === 1) return [from];
  return Array.from({ length: steps }, (_, k) => {
    const f = k / (steps - 1);
    return tidy(scale === 'log' ? Math.exp(Math.log(from) + f * (Math.log(to) - Math.log(from))) : from + f * (to - from));
  });
}

function parseDistribution(c: Checker, path: string, v: unknown): Distribution {
  const o = c.object(path, v, DISTRIBUTION_KEYS, ['type']);
  const type = c.oneOf(`${path}.type`, o.type, DISTRIBUTIONS);
  const allowed: Record<string, string[]> = { uniform: ['low', 'high'], log_uniform: ['low', 'high'], integer: ['low', 'high'], normal: ['mean', 'sd'], choice: ['values'] };
  for (const k of Object.keys(o)) {
    if (k !== 'type' && !allowed[type].includes(k)) c.fail(`${path}.${k}`, `"${type}" takes ${allowed[type].map((x) => `"${x}"`).join(' and ')}, not "${k}"`);
  }
  for (const k of allowed[type]) if (o[k] === undefined) c.fail(`${path}.${k}`, `missing (required by "${type}")`);
  if (type === 'choice') {
    const values = c.array(`${path}.values`, o.values);
    if (values.length === 0) c.fail(`${path}.values`, 'expected at least one value');
    return { type, values };
  }
  if (type === 'normal') return { type, mean: c.number(`${path}.mean`, o.mean), sd: c.number(`${path}.sd`, o.sd, { min: 0 }) };
  const integer = type === 'integer';
  const low = c.number(`${path}.low`, o.low, { integer, ...(type === 'log_uniform' ? { positive: true } : {}) });
  const high = c.number(`${path}.high`, o.high, { integer });
  if (!(high > low) && !(integer && high === low)) c.fail(path, `expected low < high, got ${low} and ${high}`);
  return { type, low, high };
}

/** A protocol error in a variant, renamed to say which run and parameter caused it. */
export function variantError(spec: SweepSpec, run: number, e: unknown, describeRun: string): never {
  if (e instanceof ProtocolError) {
    const p = spec.parameters.find((q) => e.path === q.canonical || e.path.startsWith(q.canonical + '.') || e.path.startsWith(q.canonical + '['));
    const who = p ? `parameter "${p.name}" (${p.canonical})` : 'the variant';
    throw new UserError(`${spec.file}: run ${run} (${describeRun}): ${who} makes an invalid protocol: ${e.message}`);
  }
  throw e;
}
