/**
 * Protocol stimuli (`stimuli[]`, one object per stimulus, discriminated by `type`) and locations
 * given by path distance (`{"region": "apic", "distance_um": 620}`): checking them when the
 * protocol is read, and placing them on the cell when it is built. docs/protocol.md documents
 * every key; SCHEMA_KEYS in protocol.ts lists them for the docs test.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Morphology } from '../morphology/index.ts';
import { neuronOrder } from '../morphology/index.ts';
import { crossingsAt, distanceAt, distanceRange, pathDistances, segmentDiameter, type PathDistances } from '../cable/distance.ts';
import { nodeAt, type CableLayout } from '../cable/layout.ts';
import { parseLocation, selectSections, type Location } from '../cable/regions.ts';
import { createCatalogue, type Catalogue } from '../channels/catalogue.ts';
import type { Mechanism } from '../channels/mechanism.ts';
import { checkWaveform, createPlayedCurrent, noiseCount, NOISE_MAX_VALUES, type Waveform } from '../channels/stimuli/index.ts';
import type { IClampStimulus, MechanismUse } from '../solvers/model.ts';
import { type Checker, didYouMean, show } from './validate.ts';

// ---------------------------------------------------------------------------------------------
// Types

/** A point found by path distance from an origin (default soma[0](0.5)) within a region. */
export interface DistanceLocation {
  region: string | string[];
  distance_um: number;
  /** "trunk": the crossing on the thickest segment; "all": every crossing (stimuli only). */
  pick: 'trunk' | 'all';
  /** The origin of the distance, a location like "soma[0](0.5)". */
  origin: string;
}

/** `"dend[3](0.7)"` or a distance location. */
export type LocationSpec = string | DistanceLocation;

/**
 * Every stimulus carries `delay_ms`: when it starts (ms), used for the trace features (rest
 * before the first stimulus, spike latency). For an epsp it is its onset, for a seclamp 0.
 */
export interface IClampEntry {
  type: 'iclamp';
  at: LocationSpec;
  delay_ms: number;
  dur_ms: number;
  amp_nA: number;
}
export interface RampEntry {
  type: 'ramp';
  at: LocationSpec;
  delay_ms: number;
  dur_ms: number;
  amp_start_nA: number;
  amp_end_nA: number;
}
export interface SineEntry {
  type: 'sine';
  at: LocationSpec;
  delay_ms: number;
  dur_ms: number;
  amp_nA: number;
  frequency_Hz: number;
  phase_deg: number;
  offset_nA: number;
}
export interface ChirpEntry {
  type: 'chirp';
  at: LocationSpec;
  delay_ms: number;
  dur_ms: number;
  amp_nA: number;
  f_start_Hz: number;
  f_end_Hz: number;
  sweep: 'linear' | 'exponential';
  offset_nA: number;
}
export interface PulseTrainEntry {
  type: 'pulse_train';
  at: LocationSpec;
  delay_ms: number;
  number: number;
  interval_ms: number;
  pulse_dur_ms: number;
  amp_nA: number;
}
export interface NoiseEntry {
  type: 'noise';
  at: LocationSpec;
  delay_ms: number;
  dur_ms: number;
  mean_nA: number;
  std_nA: number;
  seed: number;
  /** null: the run's dt. */
  interval_ms: number | null;
}
export interface WaveformEntry {
  type: 'waveform';
  at: LocationSpec;
  /** Absolute path of the CSV file. */
  file: string;
  delay_ms: number;
  /** The CSV's points. */
  t_ms: number[];
  i_nA: number[];
}
export interface EpspEntry {
  type: 'epsp';
  at: LocationSpec;
  onset_ms: number;
  tau0_ms: number;
  tau1_ms: number;
  imax_nA: number;
  /** = onset_ms. */
  delay_ms: number;
}
export interface SEClampEntry {
  type: 'seclamp';
  at: LocationSpec;
  rs_MOhm: number;
  dur1_ms: number;
  amp1_mV: number;
  dur2_ms: number;
  amp2_mV: number;
  dur3_ms: number;
  amp3_mV: number;
  /** 0: the clamp starts at t = 0. */
  delay_ms: number;
}

export type StimulusEntry =
  | IClampEntry | RampEntry | SineEntry | ChirpEntry | PulseTrainEntry | NoiseEntry | WaveformEntry | EpspEntry | SEClampEntry;
export type StimulusType = StimulusEntry['type'];

// ---------------------------------------------------------------------------------------------
// Keys

export const STIMULUS_TYPES = ['iclamp', 'ramp', 'sine', 'chirp', 'pulse_train', 'noise', 'waveform', 'epsp', 'seclamp'] as const satisfies readonly StimulusType[];

/** Keys every stimulus has. */
export const STIMULUS_COMMON_KEYS = ['type', 'at'] as const;

/** Keys of each stimulus type besides `type` and `at`. */
export const STIMULUS_KEYS = {
  iclamp: ['delay_ms', 'dur_ms', 'amp_nA'],
  ramp: ['delay_ms', 'dur_ms', 'amp_start_nA', 'amp_end_nA'],
  sine: ['delay_ms', 'dur_ms', 'amp_nA', 'frequency_Hz', 'phase_deg', 'offset_nA'],
  chirp: ['delay_ms', 'dur_ms', 'amp_nA', 'f_start_Hz', 'f_end_Hz', 'sweep', 'offset_nA'],
  pulse_train: ['delay_ms', 'number', 'interval_ms', 'pulse_dur_ms', 'amp_nA'],
  noise: ['delay_ms', 'dur_ms', 'mean_nA', 'std_nA', 'seed', 'interval_ms'],
  waveform: ['file', 'delay_ms'],
  epsp: ['onset_ms', 'tau0_ms', 'tau1_ms', 'imax_nA'],
  seclamp: ['rs_MOhm', 'dur1_ms', 'amp1_mV', 'dur2_ms', 'amp2_mV', 'dur3_ms', 'amp3_mV'],
} as const satisfies Record<StimulusType, readonly string[]>;

/** Keys of each type that have defaults (every other key is required). */
const OPTIONAL: Record<StimulusType, readonly string[]> = {
  iclamp: [],
  ramp: [],
  sine: ['phase_deg', 'offset_nA'],
  chirp: ['sweep', 'offset_nA'],
  pulse_train: [],
  noise: ['interval_ms'],
  waveform: ['delay_ms'],
  epsp: [],
  seclamp: ['rs_MOhm', 'dur2_ms', 'amp2_mV', 'dur3_ms', 'amp3_mV'],
};

/** Keys of a location given by distance. */
export const DISTANCE_LOCATION_KEYS = ['region', 'distance_um', 'pick', 'origin'] as const;

export const DEFAULT_ORIGIN = 'soma[0](0.5)';

const ARTICLE: Record<StimulusType, string> = {
  iclamp: 'an', ramp: 'a', sine: 'a', chirp: 'a', pulse_train: 'a', noise: 'a', waveform: 'a', epsp: 'an', seclamp: 'a',
};

// ---------------------------------------------------------------------------------------------
// Reading

/** A location: a `sec(x)` string, or a distance object. `allowAll` = whether pick "all" is allowed. */
export function parseLocationSpec(c: Checker, path: string, v: unknown, allowAll: boolean): LocationSpec {
  if (typeof v === 'string' || typeof v !== 'object' || v === null || Array.isArray(v)) {
    if (typeof v === 'string') return c.string(path, v);
    c.fail(path, `expected a location like "soma[0](0.5)" or {"region": "apic", "distance_um": 300}, got ${show(v)}`);
  }
  const o = c.object(path, v, DISTANCE_LOCATION_KEYS, ['region', 'distance_um']);
  const region = Array.isArray(o.region)
    ? o.region.map((x, k) => c.string(`${path}.region[${k}]`, x))
    : c.string(`${path}.region`, o.region);
  if (Array.isArray(region) && region.length === 0) c.fail(`${path}.region`, 'expected at least one region, got []');
  const distance_um = c.number(`${path}.distance_um`, o.distance_um, { min: 0 });
  const pick = o.pick === undefined ? 'trunk' : c.oneOf(`${path}.pick`, o.pick, ['trunk', 'all'] as const);
  if (pick === 'all' && !allowAll) {
    c.fail(`${path}.pick`, 'a record entry records one point; use "trunk" (or one entry per site)');
  }
  const origin = o.origin === undefined ? DEFAULT_ORIGIN : c.string(`${path}.origin`, o.origin);
  return { region, distance_um, pick, origin };
}

/** Check one `stimuli[]` element. `base` is the protocol's folder (for waveform files). */
export function parseStimulus(c: Checker, path: string, v: unknown, base: string): StimulusEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) c.fail(path, `expected an object, got ${show(v)}`);
  const o = v as Record<string, unknown>;
  if (!('type' in o)) c.fail(`${path}.type`, `missing (required): one of ${STIMULUS_TYPES.map((t) => `"${t}"`).join(', ')}`);
  const type = c.oneOf(`${path}.type`, o.type, STIMULUS_TYPES);
  const own: readonly string[] = STIMULUS_KEYS[type];
  const allowed = [...STIMULUS_COMMON_KEYS, ...own];
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const others = STIMULUS_TYPES.filter((t) => (STIMULUS_KEYS[t] as readonly string[]).includes(k));
    const hint = others.length > 0 ? ` (it belongs to type ${others.map((t) => `"${t}"`).join(', ')})` : didYouMean(k, allowed);
    c.fail(`${path}.${k}`, `unknown key "${k}" for ${ARTICLE[type]} ${type}${hint}; allowed: ${allowed.join(', ')}`);
  }
  for (const k of ['at', ...own]) {
    if (!(k in o) && !OPTIONAL[type].includes(k)) c.fail(`${path}.${k}`, `missing (required for ${ARTICLE[type]} ${type})`);
  }
  const at = parseLocationSpec(c, `${path}.at`, o.at, true);
  const num = (k: string, opts: Parameters<Checker['number']>[2] = {}) => c.number(`${path}.${k}`, o[k], opts);
  const opt = (k: string, def: number, opts: Parameters<Checker['number']>[2] = {}) => (o[k] === undefined ? def : num(k, opts));
  switch (type) {
    case 'iclamp':
      return { type, at, delay_ms: num('delay_ms', { min: 0 }), dur_ms: num('dur_ms', { min: 0 }), amp_nA: num('amp_nA') };
    case 'ramp':
      return {
        type, at, delay_ms: num('delay_ms', { min: 0 }), dur_ms: num('dur_ms', { positive: true }),
        amp_start_nA: num('amp_start_nA'), amp_end_nA: num('amp_end_nA'),
      };
    case 'sine':
      return {
        type, at, delay_ms: num('delay_ms', { min: 0 }), dur_ms: num('dur_ms', { min: 0 }), amp_nA: num('amp_nA'),
        frequency_Hz: num('frequency_Hz', { min: 0, max: 1e6 }), phase_deg: opt('phase_deg', 0, { unit: 'deg' }), offset_nA: opt('offset_nA', 0),
      };
    case 'chirp': {
      const e: ChirpEntry = {
        type, at, delay_ms: num('delay_ms', { min: 0 }), dur_ms: num('dur_ms', { positive: true }), amp_nA: num('amp_nA'),
        f_start_Hz: num('f_start_Hz', { min: 0, max: 1e6 }), f_end_Hz: num('f_end_Hz', { min: 0, max: 1e6 }),
        sweep: o.sweep === undefined ? 'linear' : c.oneOf(`${path}.sweep`, o.sweep, ['linear', 'exponential'] as const),
        offset_nA: opt('offset_nA', 0),
      };
      if (e.sweep === 'exponential' && !(e.f_start_Hz > 0 && e.f_end_Hz > 0)) {
        c.fail(`${path}.${e.f_start_Hz > 0 ? 'f_end_Hz' : 'f_start_Hz'}`, `an exponential sweep needs f_start_Hz and f_end_Hz > 0, got ${e.f_start_Hz} and ${e.f_end_Hz} Hz`);
      }
      return e;
    }
    case 'pulse_train': {
      const e: PulseTrainEntry = {
        type, at, delay_ms: num('delay_ms', { min: 0 }), number: num('number', { integer: true, min: 1, max: 1e6 }),
        interval_ms: num('interval_ms', { positive: true }), pulse_dur_ms: num('pulse_dur_ms', { min: 0 }), amp_nA: num('amp_nA'),
      };
      if (e.pulse_dur_ms > e.interval_ms) {
        c.fail(`${path}.pulse_dur_ms`, `${e.pulse_dur_ms} ms is longer than interval_ms ${e.interval_ms} ms; pulses may not overlap`);
      }
      return e;
    }
    case 'noise':
      return {
        type, at, delay_ms: num('delay_ms', { min: 0 }), dur_ms: num('dur_ms', { min: 0 }),
        mean_nA: num('mean_nA'), std_nA: num('std_nA', { min: 0 }),
        seed: num('seed', { integer: true, min: 0, max: 4294967295 }),
        interval_ms: o.interval_ms === undefined ? null : num('interval_ms', { positive: true }),
      };
    case 'waveform': {
      const file = resolve(base, c.string(`${path}.file`, o.file));
      const w = readWaveformCsv(c, `${path}.file`, file);
      return { type, at, file, delay_ms: opt('delay_ms', 0), t_ms: w.t_ms, i_nA: w.i_nA };
    }
    case 'epsp': {
      const e: EpspEntry = {
        type, at, onset_ms: num('onset_ms', { min: 0 }), tau0_ms: num('tau0_ms', { positive: true }),
        tau1_ms: num('tau1_ms', { positive: true }), imax_nA: num('imax_nA'), delay_ms: 0,
      };
      e.delay_ms = e.onset_ms;
      if (!(e.tau0_ms < e.tau1_ms)) c.fail(`${path}.tau0_ms`, `the rise time constant (${e.tau0_ms} ms) must be shorter than tau1_ms (${e.tau1_ms} ms)`);
      return e;
    }
    case 'seclamp': {
      const e: SEClampEntry = {
        type, at, rs_MOhm: opt('rs_MOhm', 1, { min: 1e-9, max: 1e9 }),
        dur1_ms: num('dur1_ms', { min: 0 }), amp1_mV: num('amp1_mV'),
        dur2_ms: opt('dur2_ms', 0, { min: 0 }), amp2_mV: opt('amp2_mV', 0),
        dur3_ms: opt('dur3_ms', 0, { min: 0 }), amp3_mV: opt('amp3_mV', 0), delay_ms: 0,
      };
      if (e.dur1_ms + e.dur2_ms + e.dur3_ms === 0) c.fail(`${path}.dur1_ms`, 'dur1_ms + dur2_ms + dur3_ms is 0: the clamp would never be on');
      return e;
    }
  }
}

/**
 * A waveform CSV: a header `t_ms,i_nA`, then one `time,current` row per point (ms, nA), times
 * non-decreasing, at least two rows. Blank lines and lines starting with `#` are skipped.
 */
export function readWaveformCsv(c: Checker, path: string, file: string): { t_ms: number[]; i_nA: number[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    c.fail(path, `cannot read the waveform file ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\r|\n/);
  const t_ms: number[] = [];
  const i_nA: number[] = [];
  let header = false;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${file} line ${n + 1}`;
    if (!header) {
      if (line.replace(/\s+/g, '') !== 't_ms,i_nA') c.fail(path, `${where}: the header must be "t_ms,i_nA", got ${show(line)}`);
      header = true;
      continue;
    }
    const f = line.split(',').map((s) => s.trim());
    if (f.length !== 2) c.fail(path, `${where}: expected 2 comma-separated numbers (t_ms,i_nA), got ${show(line)}`);
    const t = f[0] === '' ? NaN : Number(f[0]);
    const i = f[1] === '' ? NaN : Number(f[1]);
    if (!Number.isFinite(t) || !Number.isFinite(i)) c.fail(path, `${where}: expected 2 finite numbers, got ${show(line)}`);
    if (t_ms.length > 0 && t < t_ms[t_ms.length - 1]) {
      c.fail(path, `${where}: time ${t} ms comes after ${t_ms[t_ms.length - 1]} ms; times must not decrease (repeat a time for a step)`);
    }
    t_ms.push(t);
    i_nA.push(i);
  }
  if (!header) c.fail(path, `${file}: empty; expected a header "t_ms,i_nA" and at least 2 rows`);
  if (t_ms.length < 2) c.fail(path, `${file}: has ${t_ms.length} data row${t_ms.length === 1 ? '' : 's'}; a waveform needs at least 2`);
  return { t_ms, i_nA };
}

// ---------------------------------------------------------------------------------------------
// Placing

export interface PlaceContext {
  c: Checker;
  morphology: Morphology;
  layout: CableLayout;
  /** "file: path" for the messages of the cable/regions helpers. */
  where: (path: string) => string;
}

export interface ResolvedLocation extends Location {
  node: number;
}

/**
 * The points a location names: one for a `sec(x)` string or pick "trunk", every crossing for
 * pick "all" (in NEURON's section order).
 *
 * Distance rule: path distance from the origin as NEURON's `h.distance()` (src/cable/distance.ts),
 * to exact points. The crossings are the points of the region's sections at that distance (per
 * section, the one farther than its near end: a branch point counts once). "trunk" takes the
 * crossing whose segment is thickest (NEURON's `sec(x).diam` with this discretization, as Hay et
 * al.'s `locateSites` picks the apical trunk), ties to the first in NEURON's section order.
 */
export function resolveLocations(ctx: PlaceContext, spec: LocationSpec, path: string): ResolvedLocation[] {
  const secs = ctx.morphology.sections;
  const withNode = (l: Location): ResolvedLocation => ({ ...l, node: nodeAt(ctx.layout.sections[l.section], l.x) });
  if (typeof spec === 'string') return [withNode(parseLocation(secs, spec, ctx.where(path)))];
  const list = selectSections(secs, spec.region, ctx.where(`${path}.region`));
  const regionName = Array.isArray(spec.region) ? spec.region.join(', ') : spec.region;
  if (list.length === 0) ctx.c.fail(`${path}.region`, `region ${show(spec.region)} has no sections on this cell`);
  const origin = parseLocation(secs, spec.origin, ctx.where(`${path}.origin`));
  const pd: PathDistances = pathDistances(ctx.morphology, origin);
  const { min, max } = distanceRange(pd, list);
  const D = spec.distance_um;
  const from = `from ${spec.origin}`;
  if (!Number.isFinite(max)) ctx.c.fail(`${path}.region`, `region ${regionName} is not connected to the origin ${spec.origin}`);
  if (D > max) ctx.c.fail(`${path}.distance_um`, `${D} um is beyond the farthest point of ${regionName}, ${fmt(max)} um ${from}`);
  if (D < min) ctx.c.fail(`${path}.distance_um`, `${D} um is nearer than the closest point of ${regionName}, ${fmt(min)} um ${from}`);
  const rank = new Int32Array(secs.length);
  neuronOrder(ctx.morphology).forEach((s, r) => (rank[s] = r));
  const found = crossingsAt(pd, list, D).sort((a, b) => rank[a.section] - rank[b.section]);
  if (found.length === 0) ctx.c.fail(`${path}.distance_um`, `no point of ${regionName} lies at ${D} um ${from}`);
  if (spec.pick === 'all') return found.map(withNode);
  let best = found[0];
  let bestDiam = -Infinity;
  for (const f of found) {
    const dd = segmentDiameter(secs[f.section], ctx.layout.sections[f.section].nseg, f.x);
    if (dd > bestDiam) {
      bestDiam = dd;
      best = f;
    }
  }
  return [withNode(best)];
}

function fmt(x: number): string {
  return String(Number(x.toFixed(3)));
}

/** Distance of a resolved point from the origin of its spec (for reports). */
export function locationDistance(morphology: Morphology, spec: DistanceLocation, l: Location): number {
  const origin = parseLocation(morphology.sections, spec.origin, 'origin');
  return distanceAt(pathDistances(morphology, origin), l.section, l.x);
}

/** How a placed stimulus is recorded: the IClamp list index, or a mechanism use and instance. */
export type StimulusCurrent = { stimulus: number } | { use: number; instance: number; variable: 'i' };

export interface PlacedStimulus extends ResolvedLocation {
  /** Index of the protocol entry. */
  entry: number;
  type: StimulusType;
  current: StimulusCurrent;
}

export interface PlacedStimuli {
  /** IClamps (the request's `stimuli`). */
  iclamps: IClampStimulus[];
  /** Point-process uses to append to the request's mechanisms; `current.use` indexes this list. */
  uses: MechanismUse[];
  /** Every placed stimulus, entry by entry (an entry with pick "all" gives several). */
  placed: PlacedStimulus[];
  /** The catalogue to run with (with this protocol's waveforms when there are any). */
  catalogue: Catalogue;
}

const MECHANISM_OF: Record<Exclude<StimulusType, 'iclamp'>, string> = {
  ramp: 'IRamp', sine: 'ISine', chirp: 'IChirp', pulse_train: 'IPulseTrain', noise: 'INoise', waveform: 'IPlay', epsp: 'epsp', seclamp: 'SEClamp',
};

/** Place every stimulus of the protocol on the cell. */
export function placeStimuli(ctx: PlaceContext, stimuli: readonly StimulusEntry[], dt_ms: number, catalogue: Catalogue): PlacedStimuli {
  const iclamps: IClampStimulus[] = [];
  const byMech = new Map<string, { nodes: number[]; params: Record<string, number[]> }>();
  const waveforms: Waveform[] = [];
  const placed: PlacedStimulus[] = [];
  const pending: { p: PlacedStimulus; mech: string }[] = [];
  stimuli.forEach((s, k) => {
    const path = `$.stimuli[${k}]`;
    const sites = resolveLocations(ctx, s.at, `${path}.at`);
    let params: Record<string, number>;
    switch (s.type) {
      case 'iclamp':
        for (const site of sites) {
          placed.push({ ...site, entry: k, type: s.type, current: { stimulus: iclamps.length } });
          iclamps.push({ node: site.node, del_ms: s.delay_ms, dur_ms: s.dur_ms, amp_nA: s.amp_nA });
        }
        return;
      case 'ramp':
        params = { del: s.delay_ms, dur: s.dur_ms, amp0: s.amp_start_nA, amp1: s.amp_end_nA };
        break;
      case 'sine':
        params = { del: s.delay_ms, dur: s.dur_ms, amp: s.amp_nA, freq: s.frequency_Hz, phase: s.phase_deg, offset: s.offset_nA };
        break;
      case 'chirp':
        params = { del: s.delay_ms, dur: s.dur_ms, amp: s.amp_nA, f0: s.f_start_Hz, f1: s.f_end_Hz, exponential: s.sweep === 'exponential' ? 1 : 0, offset: s.offset_nA };
        break;
      case 'pulse_train':
        params = { del: s.delay_ms, number: s.number, interval: s.interval_ms, dur: s.pulse_dur_ms, amp: s.amp_nA };
        break;
      case 'noise': {
        const interval = s.interval_ms ?? dt_ms;
        const n = noiseCount(s.dur_ms, interval);
        if (n > NOISE_MAX_VALUES) {
          ctx.c.fail(`${path}.interval_ms`, `dur_ms/interval_ms = ${n} values, more than ${NOISE_MAX_VALUES}; use a longer interval_ms (default: dt)`);
        }
        params = { del: s.delay_ms, dur: s.dur_ms, mean: s.mean_nA, std: s.std_nA, seed: s.seed, interval };
        break;
      }
      case 'waveform': {
        const w: Waveform = { t_ms: Float64Array.from(s.t_ms), i_nA: Float64Array.from(s.i_nA) };
        const bad = checkWaveform(w);
        if (bad !== null) ctx.c.fail(`${path}.file`, `the waveform ${bad}`);
        params = { del: s.delay_ms, wave: waveforms.length };
        waveforms.push(w);
        break;
      }
      case 'epsp':
        params = { onset: s.onset_ms, tau0: s.tau0_ms, tau1: s.tau1_ms, imax: s.imax_nA };
        break;
      case 'seclamp':
        params = { rs: s.rs_MOhm, dur1: s.dur1_ms, amp1: s.amp1_mV, dur2: s.dur2_ms, amp2: s.amp2_mV, dur3: s.dur3_ms, amp3: s.amp3_mV };
        break;
    }
    const mech = MECHANISM_OF[s.type];
    let use = byMech.get(mech);
    if (!use) {
      use = { nodes: [], params: {} };
      byMech.set(mech, use);
    }
    for (const site of sites) {
      const p: PlacedStimulus = { ...site, entry: k, type: s.type, current: { use: -1, instance: use.nodes.length, variable: 'i' } };
      use.nodes.push(site.node);
      for (const [name, v] of Object.entries(params)) (use.params[name] ??= []).push(v);
      placed.push(p);
      pending.push({ p, mech });
    }
  });
  const names = [...byMech.keys()];
  const uses: MechanismUse[] = names.map((name) => ({ name, nodes: byMech.get(name)!.nodes, params: byMech.get(name)!.params }));
  for (const { p, mech } of pending) (p.current as { use: number }).use = names.indexOf(mech);
  let cat = catalogue;
  if (waveforms.length > 0) {
    const play = createPlayedCurrent(waveforms) as unknown as Mechanism;
    const list = catalogue.names().filter((n) => n !== 'IPlay').map((n) => catalogue.get(n)!);
    cat = createCatalogue([...list, play]);
  }
  return { iclamps, uses, placed, catalogue: cat };
}
