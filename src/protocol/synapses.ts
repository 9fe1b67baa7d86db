/**
 * Protocol sections for synaptic input: `synapses` (point processes with a NET_RECEIVE, placed on
 * the cell), `spike_sources` (explicit, regular and Poisson spike trains) and `connections` (from a
 * spike source, or from threshold detection on the cell's own membrane potential, to a synapse,
 * with a delay and a weight). docs/protocol.md documents every key; the engine side is
 * src/solvers/events.ts.
 *
 * `parseNetwork` checks what can be checked without the cell (shapes, numbers, names that refer to
 * each other); `buildNetwork` places the synapses, checks their types and parameters against the
 * catalogue, and turns the connections into the request's `events`.
 */
import type { Catalogue } from '../channels/catalogue.ts';
import type { MechanismDescription } from '../channels/mechanism.ts';
import type { ConnectionSpec, DetectorSpec, EventsRequest, SpikeSourceSpec } from '../solvers/events.ts';
import { MAX_TRAIN_SPIKES } from '../solvers/events.ts';
import type { MechanismUse } from '../solvers/model.ts';
import { DISTANCE_LOCATION_KEYS, parseLocationSpec, resolveLocations, type LocationSpec, type PlaceContext, type ResolvedLocation } from './stimuli.ts';
import { isPopulation, parsePopulation, parseTrain, placePopulation, trainSeed, type PopulationPlacement, type TrainSpec } from './populations.ts';
import { toMathUnit } from './units.ts';
import { Checker, didYouMean, show } from './validate.ts';
import { parsePlasticity, plasticUse, postNodeAt, type PlasticityEntry } from './plasticity.ts';
import { builtinRules, matchWeights, WeightsFileError, type RuleSet, type WeightRow } from '../plasticity/index.ts';
import { createCatalogue } from '../channels/catalogue.ts';
import type { Mechanism } from '../channels/mechanism.ts';
import { UserError } from '../errors.ts';

export interface SynapseEntry {
  /** For connections to refer to it (they may also use the index). */
  name?: string;
  /** A point process with NET_RECEIVE from the catalogue: Exp2Syn, AMPA, NMDA, GABAA, myAMPA, … */
  type: string;
  /**
   * One location, a list (a cluster: one synapse per location, sharing params and connections), or
   * a population drawn from a seed (src/protocol/populations.ts).
   */
  at: LocationSpec | LocationSpec[] | PopulationPlacement;
  /** Numbers in the mechanism's units, or quantities with units, converted when the type is known. */
  params: Record<string, number | string>;
  /** Default weight of connections to this synapse, µS. */
  weight_uS?: number;
  /** Each synapse of the entry gets its own spike train, connected to it alone (src/protocol/populations.ts). */
  train?: TrainSpec;
  /** Learning rules that change each synapse's weight during the run (src/protocol/plasticity.ts). */
  plasticity?: PlasticityEntry;
}

export type SpikeSourceEntry =
  | { name: string; type: 'explicit'; times_ms: number[] }
  | { name: string; type: 'regular'; start_ms: number; interval_ms: number; number: number }
  | { name: string; type: 'poisson'; rate_Hz: number; start_ms: number; stop_ms: number | null; seed: number };

/** Threshold detection on the membrane potential at a location (NEURON `NetCon(&v(x), …)`). */
export interface ThresholdSource {
  at: LocationSpec;
  threshold_mV: number;
  label?: string;
}

export interface ConnectionEntry {
  /** The name of a spike source, or a threshold detector. */
  source: string | ThresholdSource;
  /** A synapse name, or its index in `synapses`. */
  target: string | number;
  delay_ms: number;
  /** Overrides the synapse's `weight_uS`. */
  weight_uS?: number;
}

export interface NetworkEntries {
  synapses: SynapseEntry[];
  spike_sources: SpikeSourceEntry[];
  connections: ConnectionEntry[];
  /** The record labels (the spike sources of synapse trains must not take them). */
  recordLabels?: readonly string[];
}

export const SYNAPSE_KEYS = ['name', 'type', 'at', 'params', 'weight_uS', 'train', 'plasticity'] as const;
export const SPIKE_SOURCE_COMMON_KEYS = ['name', 'type'] as const;
export const SPIKE_SOURCE_TYPES = ['explicit', 'regular', 'poisson'] as const;
export const SPIKE_SOURCE_KEYS = {
  explicit: ['times_ms'],
  regular: ['start_ms', 'interval_ms', 'number'],
  poisson: ['rate_Hz', 'start_ms', 'stop_ms', 'seed'],
} as const;
export const CONNECTION_KEYS = ['source', 'target', 'delay_ms', 'weight_uS'] as const;
export const THRESHOLD_SOURCE_KEYS = ['at', 'threshold_mV', 'label'] as const;
export { DISTANCE_LOCATION_KEYS };

/** NEURON's NetCon defaults: delay 1 ms, threshold 10 mV. */
export const NETCON_DEFAULTS = { delay_ms: 1, threshold_mV: 10 };

const LABEL_RE = /[",\r\n]/;

/** `c.object`, plus a hint when a key lacks its unit suffix (`delay` for `delay_ms`). */
function object(c: Checker, path: string, v: unknown, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    for (const k of Object.keys(v)) {
      if (allowed.includes(k)) continue;
      const withUnit = allowed.find((a) => a.startsWith(`${k}_`));
      if (withUnit) c.fail(`${path}.${k}`, `unknown key "${k}" (did you mean "${withUnit}"? keys carry their unit); allowed: ${allowed.join(', ')}`);
    }
  }
  return c.object(path, v, allowed, required);
}

function label(c: Checker, path: string, v: unknown): string {
  const s = c.string(path, v);
  if (LABEL_RE.test(s)) c.fail(path, `names may not contain commas, quotes or line breaks (they label rows of spikes.csv), got ${show(s)}`);
  return s;
}

/**
 * Check `synapses`, `spike_sources` and `connections` of a protocol object. `recordLabels` are the
 * record labels (spike source names must differ from them: both label rows of spikes.csv).
 */
export function parseNetwork(c: Checker, top: Record<string, unknown>, recordLabels: readonly string[]): NetworkEntries {
  const synapses: SynapseEntry[] = [];
  const synapseNames = new Map<string, number>();
  if (top.synapses !== undefined) {
    c.array('$.synapses', top.synapses).forEach((v, i) => {
      const path = `$.synapses[${i}]`;
      const o = object(c, path, v, SYNAPSE_KEYS, ['type', 'at']);
      let at: LocationSpec | LocationSpec[] | PopulationPlacement;
      if (isPopulation(o.at)) {
        at = parsePopulation(c, `${path}.at`, o.at);
      } else if (Array.isArray(o.at)) {
        if (o.at.length === 0) c.fail(`${path}.at`, 'expected at least one location, got []');
        at = o.at.map((x, k) => parseLocationSpec(c, `${path}.at[${k}]`, x, true));
      } else {
        at = parseLocationSpec(c, `${path}.at`, o.at, true);
      }
      const e: SynapseEntry = { type: c.string(`${path}.type`, o.type), at, params: {} };
      if (o.name !== undefined) {
        e.name = label(c, `${path}.name`, o.name);
        if (synapseNames.has(e.name)) c.fail(`${path}.name`, `duplicate synapse name ${show(e.name)} (also $.synapses[${synapseNames.get(e.name)}])`);
        synapseNames.set(e.name, i);
      }
      if (o.params !== undefined) {
        const po = c.object(`${path}.params`, o.params, Object.keys((o.params as object) ?? {}));
        for (const [k, x] of Object.entries(po)) {
          e.params[k] = typeof x === 'string' && /[A-Za-z]/.test(x) ? x : c.number(`${path}.params.${k}`, x);
        }
      }
      if (o.weight_uS !== undefined) e.weight_uS = c.number(`${path}.weight_uS`, o.weight_uS, { min: 0 });
      if (o.train !== undefined) e.train = parseTrain(c, `${path}.train`, o.train);
      if (o.plasticity !== undefined) {
        e.plasticity = parsePlasticity(c, `${path}.plasticity`, o.plasticity);
        if (e.weight_uS === undefined) c.fail(`${path}.weight_uS`, 'missing: a plastic synapse needs its initial weight (µS) here; it is the w that the rules then change');
      }
      synapses.push(e);
    });
  }

  const spike_sources: SpikeSourceEntry[] = [];
  const sourceNames = new Map<string, number>();
  if (top.spike_sources !== undefined) {
    c.array('$.spike_sources', top.spike_sources).forEach((v, i) => {
      const path = `$.spike_sources[${i}]`;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) c.fail(path, `expected an object, got ${show(v)}`);
      const o = v as Record<string, unknown>;
      if (!('type' in o)) c.fail(`${path}.type`, `missing (required): one of ${SPIKE_SOURCE_TYPES.map((t) => `"${t}"`).join(', ')}`);
      const type = c.oneOf(`${path}.type`, o.type, SPIKE_SOURCE_TYPES);
      const own: readonly string[] = SPIKE_SOURCE_KEYS[type];
      const allowed = [...SPIKE_SOURCE_COMMON_KEYS, ...own];
      for (const k of Object.keys(o)) {
        if (allowed.includes(k)) continue;
        const others = SPIKE_SOURCE_TYPES.filter((t) => (SPIKE_SOURCE_KEYS[t] as readonly string[]).includes(k));
        const withUnit = allowed.find((x) => x.startsWith(`${k}_`));
        const hint = others.length > 0 ? ` (it belongs to type ${others.map((t) => `"${t}"`).join(', ')})`
          : withUnit ? ` (did you mean "${withUnit}"? keys carry their unit)` : didYouMean(k, allowed);
        c.fail(`${path}.${k}`, `unknown key "${k}" for a ${type} source${hint}; allowed: ${allowed.join(', ')}`);
      }
      const optional = type === 'poisson' ? ['stop_ms'] : [];
      for (const k of ['name', ...own]) if (!(k in o) && !optional.includes(k)) c.fail(`${path}.${k}`, `missing (required for a ${type} source)`);
      const name = label(c, `${path}.name`, o.name);
      if (sourceNames.has(name)) c.fail(`${path}.name`, `duplicate spike source name ${show(name)} (also $.spike_sources[${sourceNames.get(name)}])`);
      if (recordLabels.includes(name)) c.fail(`${path}.name`, `${show(name)} is also a record label; spikes.csv rows would be ambiguous`);
      sourceNames.set(name, i);
      if (type === 'explicit') {
        const times = c.array(`${path}.times_ms`, o.times_ms).map((x, k) => c.number(`${path}.times_ms[${k}]`, x, { min: 0 }));
        times.forEach((t, k) => {
          if (k > 0 && t < times[k - 1]) c.fail(`${path}.times_ms[${k}]`, `spike times must not decrease: ${t} after ${times[k - 1]}`);
        });
        spike_sources.push({ name, type, times_ms: times });
      } else if (type === 'regular') {
        spike_sources.push({
          name,
          type,
          start_ms: c.number(`${path}.start_ms`, o.start_ms, { min: 0 }),
          interval_ms: c.number(`${path}.interval_ms`, o.interval_ms, { positive: true }),
          number: c.number(`${path}.number`, o.number, { integer: true, min: 0, max: 1e9 }),
        });
      } else {
        const start_ms = c.number(`${path}.start_ms`, o.start_ms, { min: 0 });
        const stop_ms = o.stop_ms === undefined ? null : c.number(`${path}.stop_ms`, o.stop_ms, { min: 0 });
        if (stop_ms !== null && stop_ms < start_ms) c.fail(`${path}.stop_ms`, `${stop_ms} ms is before start_ms ${start_ms} ms`);
        spike_sources.push({
          name,
          type,
          rate_Hz: c.number(`${path}.rate_Hz`, o.rate_Hz, { min: 0 }),
          start_ms,
          stop_ms,
          seed: c.number(`${path}.seed`, o.seed, { integer: true, min: 0, max: 4294967295 }),
        });
      }
    });
  }

  const connections: ConnectionEntry[] = [];
  if (top.connections !== undefined) {
    c.array('$.connections', top.connections).forEach((v, i) => {
      const path = `$.connections[${i}]`;
      const o = object(c, path, v, CONNECTION_KEYS, ['source', 'target']);
      let source: string | ThresholdSource;
      if (typeof o.source === 'string') {
        source = c.string(`${path}.source`, o.source);
        if (!sourceNames.has(source)) {
          const known = [...sourceNames.keys()];
          c.fail(`${path}.source`, `no spike source named ${show(source)}${didYouMean(source, known)}; ${known.length > 0 ? `spike sources: ${known.join(', ')}` : 'there are no spike_sources'} (or give {"at": location, "threshold_mV": ...} to detect spikes on the cell)`);
        }
      } else if (typeof o.source === 'object' && o.source !== null && !Array.isArray(o.source)) {
        const s = object(c, `${path}.source`, o.source, THRESHOLD_SOURCE_KEYS, ['at']);
        source = {
          at: parseLocationSpec(c, `${path}.source.at`, s.at, false),
          threshold_mV: s.threshold_mV === undefined ? NETCON_DEFAULTS.threshold_mV : c.number(`${path}.source.threshold_mV`, s.threshold_mV),
        };
        if (s.label !== undefined) source.label = label(c, `${path}.source.label`, s.label);
      } else {
        c.fail(`${path}.source`, `expected the name of a spike source or {"at": location, "threshold_mV": number}, got ${show(o.source)}`);
      }
      let target: string | number;
      if (typeof o.target === 'number') {
        target = c.number(`${path}.target`, o.target, { integer: true, min: 0 });
        if (target >= synapses.length) c.fail(`${path}.target`, `synapse index ${target}, but there ${synapses.length === 1 ? 'is 1 synapse' : `are ${synapses.length} synapses`}`);
      } else {
        target = c.string(`${path}.target`, o.target);
        if (!synapseNames.has(target)) {
          const known = [...synapseNames.keys()];
          c.fail(`${path}.target`, `no synapse named ${show(target)}${didYouMean(target, known)}; ${known.length > 0 ? `synapses: ${known.join(', ')}` : 'no synapse has a name (name one, or give its index)'}`);
        }
      }
      const e: ConnectionEntry = {
        source,
        target,
        delay_ms: o.delay_ms === undefined ? NETCON_DEFAULTS.delay_ms : c.number(`${path}.delay_ms`, o.delay_ms, { min: 0 }),
      };
      if (o.weight_uS !== undefined) e.weight_uS = c.number(`${path}.weight_uS`, o.weight_uS, { min: 0 });
      connections.push(e);
    });
  }
  return { synapses, spike_sources, connections, recordLabels };
}

/** One synapse on the cell: an entry with pick "all" gives one per site. */
export interface PlacedSynapse extends ResolvedLocation {
  /** Index of the `synapses` entry. */
  entry: number;
  type: string;
  /** Index of the use in `BuiltNetwork.uses` and the instance within it. */
  use: number;
  instance: number;
  /** The mechanism it runs: `type`, or its plastic version (`AMPA+stdp`) for an entry with plasticity. */
  mechanism: string;
  /** Which site of its entry (placement order). */
  site: number;
}

/** A synapse whose weight is a state of its own (plastic): where it is and its initial weight. */
export interface PlasticSite {
  /** Index into `BuiltNetwork.placed`. */
  placed: number;
  /** The entry's name, else `synapses[k]` (the weights file's `synapse` column). */
  synapse: string;
  index: number;
  section: string;
  x: number;
  initial_uS: number;
}

export interface BuiltNetwork {
  /** Point-process uses to append to the request's mechanisms (one per synapse type). */
  uses: MechanismUse[];
  /** The request's `events` (undefined when there is nothing to deliver). */
  events: EventsRequest | undefined;
  placed: PlacedSynapse[];
  /** The catalogue to run with: the given one plus the plastic synapse mechanisms. */
  catalogue: Catalogue;
  /** Every plastic synapse, in protocol order then site order (the rows of weights.csv). */
  plastic: PlasticSite[];
}

/** What else buildNetwork needs for plastic synapses. */
export interface NetworkOptions {
  /** Learning rules by name (default: the built-in rules). */
  rules?: RuleSet;
  /** Initial weights of the plastic synapses from a weights file (its rows and its path for messages). */
  weights?: { file: string; rows: readonly (WeightRow & { line: number })[] };
}

/** The weights file's name for a synapses entry. */
export function synapseLabel(s: SynapseEntry, k: number): string {
  return s.name ?? `synapses[${k}]`;
}

function paramValue(c: Checker, path: string, desc: MechanismDescription, name: string, raw: number | string): number {
  const spec = desc.params.find((q) => q.name === name);
  if (!spec) {
    const known = desc.params.map((q) => q.name);
    c.fail(path, `${desc.name} has no parameter "${name}"${didYouMean(name, known)}; it has: ${known.join(', ')}`);
  }
  const unit = toMathUnit(spec.unit);
  const value = c.number(path, raw, { unit: unit === '1' || unit.startsWith('/') ? undefined : unit });
  if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
    c.fail(path, `${value} ${spec.unit} is outside the allowed range [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]`);
  }
  return value;
}

/**
 * Place the synapses and resolve the connections. `firstUse` is the index the first returned use
 * will have in the request's `mechanisms` (connections refer to uses by index).
 */
export function buildNetwork(ctx: PlaceContext, net: NetworkEntries | undefined, catalogue: Catalogue, firstUse: number, tstop_ms: number, opts: NetworkOptions = {}): BuiltNetwork {
  const c: Checker = ctx.c;
  if (!net || (net.synapses.length === 0 && net.connections.length === 0 && net.spike_sources.length === 0)) {
    if (opts.weights) throw new UserError(`${opts.weights.file}: the protocol has no plastic synapses to take these weights`);
    return { uses: [], events: undefined, placed: [], catalogue, plastic: [] };
  }
  const rules = opts.rules ?? builtinRules();
  const made = new Map<string, Mechanism>();
  const plastic: PlasticSite[] = [];
  const nSections = ctx.layout.sections.length;
  // Synapse types: point processes with a NET_RECEIVE.
  const receivers = catalogue.names().filter((n) => catalogue.get(n)!.netReceive !== undefined);
  const byType = new Map<string, { nodes: number[]; params: Record<string, number[]>; globals?: Record<string, number> }>();
  const placed: PlacedSynapse[] = [];
  const pending: PlacedSynapse[] = [];
  net.synapses.forEach((s, k) => {
    const path = `$.synapses[${k}]`;
    const mech = catalogue.get(s.type);
    if (!mech || mech.netReceive === undefined) {
      const why = mech ? `${s.type} is a ${mech.description.kind === 'density' ? 'density mechanism' : 'point process without NET_RECEIVE'}; it cannot receive spikes` : `unknown synapse type "${s.type}"${didYouMean(s.type, receivers)}`;
      c.fail(`${path}.type`, `${why}; synapse types: ${receivers.join(', ')}`);
    }
    const desc = mech.description;
    if (desc.events?.weight === 'ignored' && s.weight_uS !== undefined) {
      c.fail(`${path}.weight_uS`, `${desc.name} ignores connection weights (its NET_RECEIVE adds a fixed 1·factor, as in Gidon et al. 2020); set its conductance with params.gmax, or use a weighted type (AMPA, NMDA, GABAA, Exp2Syn)`);
    }
    const params: Record<string, number> = {};
    for (const [name, raw] of Object.entries(s.params)) params[name] = paramValue(c, `${path}.params.${name}`, desc, name, raw);
    // plastic: the wrapped mechanism, its extra parameters, and where post spikes are detected
    let mech_: Mechanism = mech;
    let postNode = -1;
    if (s.plasticity) {
      const pu = plasticUse(ctx, s.plasticity, mech, rules, made);
      mech_ = pu.mechanism;
      made.set(mech_.description.name, mech_);
      Object.assign(params, pu.params);
      params.w_init = s.weight_uS!;
      postNode = pu.postNode;
    } else if (desc.events?.weightState !== undefined && desc.events.weightInit !== undefined) {
      // a mechanism that carries its own plastic weight (a user NET_RECEIVE): weight_uS is its initial value
      if (s.weight_uS === undefined) c.fail(`${path}.weight_uS`, `missing: ${desc.name} keeps its weight in "${desc.events.weightState}"; give its initial value (µS) here`);
      params[desc.events.weightInit] = s.weight_uS;
    }
    const mdesc = mech_.description;
    const key = mdesc.name;
    const at = s.at;
    const sites = Array.isArray(at)
      ? at.flatMap((spec, j) => resolveLocations(ctx, spec, `${path}.at[${j}]`))
      : typeof at === 'object' && 'kind' in at
        ? placePopulation(ctx, at, `${path}.at`)
        : resolveLocations(ctx, at, `${path}.at`);
    let use = byType.get(key);
    if (!use) {
      use = { nodes: [], params: {} };
      for (const spec of mdesc.params) use.params[spec.name] = [];
      if (s.plasticity) use.globals = { n_branches: nSections };
      byType.set(key, use);
    }
    const weightInit = mdesc.events?.weightState !== undefined ? mdesc.events.weightInit : undefined;
    sites.forEach((site, j) => {
      const p: PlacedSynapse = { ...site, entry: k, type: s.type, use: -1, instance: use.nodes.length, mechanism: key, site: j };
      use.nodes.push(site.node);
      for (const spec of mdesc.params) use.params[spec.name].push(params[spec.name] ?? spec.default);
      if (s.plasticity) {
        const last = use.nodes.length - 1;
        use.params.post_node[last] = postNodeAt(ctx, postNode, site);
        use.params.branch[last] = site.section;
      }
      if (weightInit !== undefined) {
        plastic.push({
          placed: placed.length, synapse: synapseLabel(s, k), index: j, section: ctx.layout.sections[site.section].name, x: site.x,
          initial_uS: use.params[weightInit][use.nodes.length - 1],
        });
      }
      placed.push(p);
      pending.push(p);
    });
  });
  // initial weights from a weights file
  if (opts.weights) {
    let w: Float64Array;
    try {
      w = matchWeights(opts.weights.rows, plastic);
    } catch (e) {
      if (e instanceof WeightsFileError) throw new UserError(`${opts.weights.file}: ${e.message}`);
      throw e;
    }
    plastic.forEach((q, i) => {
      const p = placed[q.placed];
      const init = catalogue.get(p.mechanism)?.description.events?.weightInit ?? made.get(p.mechanism)!.description.events!.weightInit!;
      byType.get(p.mechanism)!.params[init][p.instance] = w[i];
      q.initial_uS = w[i];
    });
  }
  const types = [...byType.keys()];
  const uses: MechanismUse[] = types.map((name) => {
    const u = byType.get(name)!;
    return { name, nodes: u.nodes, params: u.params, ...(u.globals ? { globals: u.globals } : {}) };
  });
  for (const p of pending) p.use = types.indexOf(p.mechanism);

  const sources: SpikeSourceSpec[] = net.spike_sources.map((s, k) => {
    if (s.type === 'explicit') return { type: 'explicit', label: s.name, times_ms: s.times_ms };
    // trains are generated before the run: refuse here, with the JSON path, what could not be generated
    const path = `$.spike_sources[${k}]`;
    if (s.type === 'regular') {
      const n = Math.min(s.number, Math.floor(Math.max(0, tstop_ms - s.start_ms) / s.interval_ms) + 1);
      if (!(n <= MAX_TRAIN_SPIKES)) {
        c.fail(`${path}.interval_ms`, `${s.number} spikes every ${s.interval_ms} ms give ${n} before tstop; at most ${MAX_TRAIN_SPIKES} per source`);
      }
      return { type: 'regular', label: s.name, start_ms: s.start_ms, interval_ms: s.interval_ms, number: s.number };
    }
    const expected = (s.rate_Hz * Math.max(0, Math.min(s.stop_ms ?? tstop_ms, tstop_ms) - s.start_ms)) / 1000;
    if (!(expected <= MAX_TRAIN_SPIKES / 2)) {
      c.fail(`${path}.rate_Hz`, `${s.rate_Hz} Hz from ${s.start_ms} ms to the end of the run is about ${Number.isFinite(expected) ? Number(expected.toPrecision(3)) : 'more than 1e308'} spikes; at most ${MAX_TRAIN_SPIKES / 2} expected per source`);
    }
    return { type: 'poisson', label: s.name, rate_Hz: s.rate_Hz, start_ms: s.start_ms, stop_ms: s.stop_ms ?? tstop_ms, seed: s.seed };
  });
  const sourceIndex = new Map(net.spike_sources.map((s, k) => [s.name, k]));
  // The weight of events to entry `entry`; `given` is the connection's own weight_uS, `path` the place to blame.
  const weightOf = (path: string, entry: number, given: number | undefined): number => {
    const syn = net.synapses[entry];
    const desc = catalogue.get(syn.type)!.description;
    if (desc.events?.weight === 'ignored') {
      if (given !== undefined) {
        c.fail(`${path}.weight_uS`, `the target ${syn.name ?? `$.synapses[${entry}]`} is ${desc.name}, which ignores connection weights (Gidon et al. 2020); set its params.gmax instead`);
      }
      return 1;
    }
    if (syn.plasticity && given !== undefined && given !== syn.weight_uS) {
      c.fail(`${path}.weight_uS`, `the target ${syn.name ?? `$.synapses[${entry}]`} is plastic: its weight lives on the synapse (initial weight_uS ${syn.weight_uS}, then changed by its rules); remove weight_uS here`);
    }
    const w = given ?? syn.weight_uS;
    if (w === undefined) {
      c.fail(`${path}.weight_uS`, `missing: give weight_uS here or on the synapse ${syn.name !== undefined ? `"${syn.name}"` : `$.synapses[${entry}]`} (the peak conductance of one event, µS)`);
    }
    return w;
  };
  // Synapse trains (src/protocol/populations.ts): one spike source per synapse, connected to it alone.
  const trainConnections: ConnectionSpec[] = [];
  const labels = new Set<string>([...net.spike_sources.map((s) => s.name), ...(net.recordLabels ?? [])]);
  net.synapses.forEach((s, k) => {
    if (!s.train) return;
    const path = `$.synapses[${k}]`;
    const train = s.train;
    const mine = placed.filter((p) => p.entry === k);
    const weight = weightOf(path, k, undefined);
    if (train.type === 'poisson') {
      // generated before the run, as spike_sources: refuse what could not be generated (all the entry's trains together)
      const expected = (mine.length * train.rate_Hz * Math.max(0, Math.min(train.stop_ms ?? tstop_ms, tstop_ms) - train.start_ms)) / 1000;
      if (!(expected <= MAX_TRAIN_SPIKES / 2)) {
        c.fail(`${path}.train.rate_Hz`, `${mine.length} trains at ${train.rate_Hz} Hz from ${train.start_ms} ms to the end of the run are about ${Number.isFinite(expected) ? Number(expected.toPrecision(3)) : 'more than 1e308'} spikes; at most ${MAX_TRAIN_SPIKES / 2} expected per synapses entry`);
      }
    }
    if (train.type === 'explicit' && Array.isArray(train.times_ms[0]) && train.times_ms.length !== mine.length) {
      c.fail(`${path}.train.times_ms`, `${train.times_ms.length} lists of times for ${mine.length} synapse${mine.length === 1 ? '' : 's'}; give one list per synapse, or one list for all`);
    }
    mine.forEach((p, j) => {
      const label = `${s.name ?? `synapses[${k}]`}.train[${j}]`;
      if (labels.has(label)) c.fail(`${path}.train`, `its spike source label ${show(label)} is already a spike source name or record label`);
      labels.add(label);
      const source = sources.length;
      if (train.type === 'poisson') {
        sources.push({ type: 'poisson', label, rate_Hz: train.rate_Hz, start_ms: train.start_ms, stop_ms: train.stop_ms ?? tstop_ms, seed: trainSeed(train.seed, j) });
      } else {
        const t = train.times_ms;
        sources.push({ type: 'explicit', label, times_ms: Array.isArray(t[0]) ? (t as number[][])[j] : (t as number[]) });
      }
      trainConnections.push({ from: { source }, to: { mechanism: firstUse + p.use, instance: p.instance }, delay_ms: train.delay_ms, weight });
    });
  });
  const synapseIndex = new Map<string, number>();
  net.synapses.forEach((s, k) => s.name !== undefined && synapseIndex.set(s.name, k));
  const detectors: DetectorSpec[] = [];
  const detectorKey = new Map<string, number>();
  const connections: ConnectionSpec[] = [];
  net.connections.forEach((e, k) => {
    const path = `$.connections[${k}]`;
    let from: ConnectionSpec['from'];
    if (typeof e.source === 'string') {
      from = { source: sourceIndex.get(e.source)! };
    } else {
      const site = resolveLocations(ctx, e.source.at, `${path}.source.at`)[0];
      // One detector per node and threshold (NEURON shares a PreSyn between NetCons on one variable).
      const key = `${site.node}|${e.source.threshold_mV}`;
      let d = detectorKey.get(key);
      if (d === undefined) {
        d = detectors.length;
        const sec = ctx.layout.sections[site.section];
        const where = typeof e.source.at === 'string' ? e.source.at : `${sec.name}(${site.x})`;
        detectors.push({ node: site.node, threshold_mV: e.source.threshold_mV, label: e.source.label ?? where });
        detectorKey.set(key, d);
      }
      from = { detector: d };
    }
    const entry = typeof e.target === 'number' ? e.target : synapseIndex.get(e.target)!;
    const weight = weightOf(path, entry, e.weight_uS);
    for (const p of placed) {
      if (p.entry !== entry) continue;
      connections.push({ from, to: { mechanism: firstUse + p.use, instance: p.instance }, delay_ms: e.delay_ms, weight });
    }
  });
  connections.push(...trainConnections);
  const events: EventsRequest | undefined = sources.length > 0 || detectors.length > 0 || connections.length > 0 ? { sources, detectors, connections } : undefined;
  const runCatalogue = made.size === 0 ? catalogue : createCatalogue([...catalogue.names().map((n) => catalogue.get(n)!), ...made.values()]);
  return { uses, events, placed, catalogue: runCatalogue, plastic };
}
