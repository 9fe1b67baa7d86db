/**
 * Protocol v1: a JSON file that says which cell to build and what to do with it
 * (docs/protocol.md documents every field). `parseProtocol` checks the shape and values that can be
 * checked without the morphology; names of regions, sections and mechanism parameters are checked
 * when the cell is built (build.ts), with the same JSON paths.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { Checker, ProtocolError, jsonTreeProblem, show } from './validate.ts';
import { duplicateKeyMessage, findDuplicateKey } from '../jsontree.ts';
import { SPIKE_RULES, type SpikeRule } from './analysis.ts';
import type { Method } from '../solvers/model.ts';
import { parseReplaceAxon, REPLACE_AXON_KEYS, type ReplaceAxon } from './axon.ts';
import { ION_SETTING_KEYS, parseIonSettings, type IonSetting } from './ions.ts';
import { PLASTICITY_KEYS } from './plasticity.ts';
import { CLUSTER_PLACEMENT_KEYS, POPULATION_KEYS, RANDOM_PLACEMENT_KEYS, TRAIN_COMMON_KEYS, TRAIN_KEYS } from './populations.ts';
import {
  DISTANCE_LOCATION_KEYS, STIMULUS_COMMON_KEYS, STIMULUS_KEYS, parseLocationSpec, parseStimulus,
  type LocationSpec, type StimulusEntry,
} from './stimuli.ts';

export type { IClampEntry, LocationSpec, DistanceLocation, StimulusEntry, StimulusType } from './stimuli.ts';
import {
  CONNECTION_KEYS, SPIKE_SOURCE_COMMON_KEYS, SPIKE_SOURCE_KEYS, SYNAPSE_KEYS, THRESHOLD_SOURCE_KEYS, parseNetwork,
  type NetworkEntries,
} from './synapses.ts';
export type { NetworkEntries, SynapseEntry, SpikeSourceEntry, ConnectionEntry } from './synapses.ts';

export type Discretization =
  | { kind: 'd_lambda'; d_lambda: number; frequency_Hz: number }
  /** `nseg` a number, or a rule: an expression of the section length `L_um` (src/protocol/densities.ts). */
  | { kind: 'nseg'; nseg: number | string; sections: Record<string, number> }
  | { kind: 'max_length'; max_length_um: number };

export interface RegionOverride {
  cm_uF_per_cm2?: number;
  Ra_ohm_cm?: number;
  /** Ion settings there (src/protocol/ions.ts). */
  ions?: Record<string, IonSetting>;
}

export interface MechanismEntry {
  name: string;
  region: string | string[];
  /**
   * Numbers, quantities with units ("5e-5 S/cm^2") converted when the mechanism is known, expressions
   * of distance_um / max_distance_um, or one number per segment (src/protocol/densities.ts).
   */
  params: Record<string, number | string | number[]>;
  globals: Record<string, number>;
  /** Only the segment containing this point, `"sec(x)"` (src/protocol/build.ts). */
  at?: string;
  /** Only the segments of the region whose centre lies at this path distance range, µm. */
  distance_um?: [number, number];
}

export interface RecordEntry {
  label: string;
  /** Where to record (`"all"`: every segment); absent with `stimulus` or `synapse` (src/protocol/record.ts). */
  at?: LocationSpec | 'all';
  /** Index of a `stimuli` entry whose current (nA) is recorded instead of v. */
  stimulus?: number;
  /** A `synapses` entry (name or index) whose variable `what` is recorded, one column per synapse. */
  synapse?: string | number;
  /** Spike detection threshold for this probe (upward crossings). */
  spike_threshold_mV: number;
  /** Which crossings are spikes (src/protocol/analysis.ts): action potentials (default) or every crossing. */
  spike_rule?: SpikeRule;
  /** What to record at `at` (src/protocol/probes.ts): "v" (default), "cai", "ica", "NaTa_t.m", ... */
  what?: string;
}

export interface Protocol {
  /** The protocol file (for messages). */
  file: string;
  /** Absolute path of the SWC file. */
  morphology: string;
  morphologyOptions: { scale?: number; keep_types?: number[]; drop_types?: number[]; replace_axon?: ReplaceAxon };
  discretization: Discretization;
  biophysics: {
    cm_uF_per_cm2: number;
    Ra_ohm_cm: number;
    v_init_mV: number;
    celsius: number;
    regions: Record<string, RegionOverride>;
    mechanisms: MechanismEntry[];
    /** Origin of path distances for density expressions, a location (default soma[0](0.5)). */
    distance_origin: string;
    /** Ion settings everywhere (src/protocol/ions.ts). */
    ions: Record<string, IonSetting>;
  };
  stimuli: StimulusEntry[];
  record: RecordEntry[];
  run: { tstop_ms: number; dt_ms: number; method: Method; record_dt_ms: number | null };
  /** Absolute paths of user mechanism files (docs/mechanisms.md), loaded into the catalogue by buildSimulation. */
  mechanism_files?: string[];
  /** `synapses`, `spike_sources` and `connections` (src/protocol/synapses.ts). */
  network?: NetworkEntries;
  /** Absolute path of a weights file whose final weights the plastic synapses start from (src/protocol/weights.ts). */
  weights_file?: string;
}

/**
 * Every key the protocol accepts, by JSON path (`[]` = each element of an array, `<region>` = any
 * region name). The checks below use these lists, and a test keeps docs/protocol.md in step.
 */
export const SCHEMA_KEYS = {
  $: ['morphology', 'discretization', 'biophysics', 'stimuli', 'record', 'run', 'description', 'mechanism_files', 'synapses', 'spike_sources', 'connections', 'weights_file'],
  '$.morphology': ['file', 'scale', 'keep_types', 'drop_types', 'replace_axon'],
  '$.morphology.replace_axon': REPLACE_AXON_KEYS,
  '$.discretization': ['d_lambda', 'frequency_Hz', 'nseg', 'sections', 'max_length_um'],
  '$.biophysics': ['cm_uF_per_cm2', 'Ra_ohm_cm', 'v_init_mV', 'celsius', 'regions', 'mechanisms', 'distance_origin', 'ions'],
  '$.biophysics.ions.<ion>': ION_SETTING_KEYS,
  '$.biophysics.regions.<region>': ['cm_uF_per_cm2', 'Ra_ohm_cm', 'ions'],
  '$.biophysics.regions.<region>.ions.<ion>': ION_SETTING_KEYS,
  '$.biophysics.mechanisms[]': ['name', 'region', 'params', 'globals', 'at', 'distance_um'],
  '$.stimuli[]': STIMULUS_COMMON_KEYS,
  '$.stimuli[].at': DISTANCE_LOCATION_KEYS,
  '$.stimuli[](iclamp)': STIMULUS_KEYS.iclamp,
  '$.stimuli[](ramp)': STIMULUS_KEYS.ramp,
  '$.stimuli[](sine)': STIMULUS_KEYS.sine,
  '$.stimuli[](chirp)': STIMULUS_KEYS.chirp,
  '$.stimuli[](pulse_train)': STIMULUS_KEYS.pulse_train,
  '$.stimuli[](noise)': STIMULUS_KEYS.noise,
  '$.stimuli[](waveform)': STIMULUS_KEYS.waveform,
  '$.stimuli[](epsp)': STIMULUS_KEYS.epsp,
  '$.stimuli[](seclamp)': STIMULUS_KEYS.seclamp,
  '$.record[]': ['label', 'at', 'stimulus', 'synapse', 'spike_threshold_mV', 'spike_rule', 'what'],
  '$.record[].at': DISTANCE_LOCATION_KEYS,
  '$.run': ['tstop_ms', 'dt_ms', 'method', 'record_dt_ms'],
  '$.synapses[]': SYNAPSE_KEYS,
  '$.synapses[].at': [...DISTANCE_LOCATION_KEYS, ...POPULATION_KEYS],
  '$.synapses[].at.random': RANDOM_PLACEMENT_KEYS,
  '$.synapses[].at.cluster': CLUSTER_PLACEMENT_KEYS,
  '$.synapses[].train': TRAIN_COMMON_KEYS,
  '$.synapses[].train(poisson)': TRAIN_KEYS.poisson,
  '$.synapses[].train(explicit)': TRAIN_KEYS.explicit,
  '$.synapses[].plasticity': PLASTICITY_KEYS,
  '$.synapses[].plasticity.rules[]': ['rule'],
  '$.spike_sources[]': SPIKE_SOURCE_COMMON_KEYS,
  '$.spike_sources[](explicit)': SPIKE_SOURCE_KEYS.explicit,
  '$.spike_sources[](regular)': SPIKE_SOURCE_KEYS.regular,
  '$.spike_sources[](poisson)': SPIKE_SOURCE_KEYS.poisson,
  '$.connections[]': CONNECTION_KEYS,
  '$.connections[].source': THRESHOLD_SOURCE_KEYS,
  '$.connections[].source.at': DISTANCE_LOCATION_KEYS,
} as const;

/** NEURON's defaults where the protocol is silent. */
export const DEFAULTS = {
  discretization: { kind: 'd_lambda', d_lambda: 0.1, frequency_Hz: 100 } as Discretization,
  cm_uF_per_cm2: 1,
  Ra_ohm_cm: 35.4,
  v_init_mV: -65,
  celsius: 6.3,
  dt_ms: 0.025,
  method: 'backward_euler' as Method,
  spike_threshold_mV: -20,
};

export const METHODS: readonly Method[] = ['backward_euler', 'crank_nicolson'];

/** Most fixed steps one run may take (tstop/dt): 250 s of simulated time at dt = 0.025 ms. */
export const MAX_STEPS = 1e7;
/** Highest d_lambda frequency (NEURON's rule is meant for 100 Hz; far above it nseg explodes). */
export const MAX_FREQUENCY_HZ = 1e6;

/** Read and check a protocol file. */
export function loadProtocol(path: string): Protocol {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read the protocol file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const dup = findDuplicateKey(text);
  if (dup) throw new ProtocolError(path, dup.path, duplicateKeyMessage(dup));
  return parseProtocol(raw, path);
}

function numberList(c: Checker, path: string, v: unknown): number[] {
  return c.array(path, v).map((x, i) => c.number(`${path}[${i}]`, x, { integer: true }));
}

/** Check a parsed JSON value as protocol v1. `file` locates relative paths and names the file in errors. */
export function parseProtocol(raw: unknown, file: string): Protocol {
  const c = new Checker(file);
  const shape = jsonTreeProblem(raw);
  if (shape) c.fail(...shape);
  const top = c.object('$', raw, SCHEMA_KEYS.$, ['morphology', 'run']);
  if (top.description !== undefined && typeof top.description !== 'string') c.fail('$.description', `expected a string, got ${show(top.description)}`);
  const base = dirname(resolve(file));

  // morphology: "file.swc" or {"file": ..., "scale": ..., "keep_types": [...], "drop_types": [...]}
  let morphology: string;
  const morphologyOptions: Protocol['morphologyOptions'] = {};
  if (typeof top.morphology === 'string') {
    morphology = resolve(base, c.string('$.morphology', top.morphology));
  } else {
    const m = c.object('$.morphology', top.morphology, SCHEMA_KEYS['$.morphology'], ['file']);
    morphology = resolve(base, c.string('$.morphology.file', m.file));
    if (m.scale !== undefined) morphologyOptions.scale = c.number('$.morphology.scale', m.scale, { positive: true });
    if (m.keep_types !== undefined) morphologyOptions.keep_types = numberList(c, '$.morphology.keep_types', m.keep_types);
    if (m.drop_types !== undefined) morphologyOptions.drop_types = numberList(c, '$.morphology.drop_types', m.drop_types);
    if (m.replace_axon !== undefined) morphologyOptions.replace_axon = parseReplaceAxon(c, '$.morphology.replace_axon', m.replace_axon);
  }

  let discretization = DEFAULTS.discretization;
  if (top.discretization !== undefined) {
    const p = '$.discretization';
    const d = c.object(p, top.discretization, SCHEMA_KEYS['$.discretization']);
    const kinds = ['d_lambda', 'nseg', 'max_length_um'].filter((k) => k in d);
    if (kinds.length !== 1) {
      c.fail(p, `expected exactly one of "d_lambda", "nseg", "max_length_um", got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`);
    }
    if ('d_lambda' in d) {
      if ('sections' in d) c.fail(`${p}.sections`, 'per-section nseg goes with "nseg", not "d_lambda"');
      discretization = {
        kind: 'd_lambda',
        d_lambda: c.number(`${p}.d_lambda`, d.d_lambda, { positive: true }),
        frequency_Hz: d.frequency_Hz === undefined ? 100 : c.number(`${p}.frequency_Hz`, d.frequency_Hz, { positive: true, max: MAX_FREQUENCY_HZ }),
      };
    } else if ('nseg' in d) {
      if ('frequency_Hz' in d) c.fail(`${p}.frequency_Hz`, 'frequency_Hz goes with "d_lambda"');
      const sections: Record<string, number> = {};
      if (d.sections !== undefined) {
        const s = d.sections;
        if (typeof s !== 'object' || s === null || Array.isArray(s)) c.fail(`${p}.sections`, `expected an object like {"soma[0]": 1, "apic": 9}, got ${show(s)}`);
        for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
          sections[k] = c.number(`${p}.sections.${k}`, v, { integer: true, min: 1, max: 32767 });
        }
      }
      const nseg = typeof d.nseg === 'string' && /[A-Za-z]/.test(d.nseg) ? d.nseg : c.number(`${p}.nseg`, d.nseg, { integer: true, min: 1, max: 32767 });
      discretization = { kind: 'nseg', nseg, sections };
    } else {
      if ('frequency_Hz' in d || 'sections' in d) c.fail(p, '"max_length_um" takes no other keys');
      discretization = { kind: 'max_length', max_length_um: c.number(`${p}.max_length_um`, d.max_length_um, { positive: true }) };
    }
  }

  const bp = top.biophysics === undefined ? {} : c.object('$.biophysics', top.biophysics, SCHEMA_KEYS['$.biophysics']);
  const regions: Record<string, RegionOverride> = {};
  if (bp.regions !== undefined) {
    const r = bp.regions;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) c.fail('$.biophysics.regions', `expected an object keyed by region, got ${show(r)}`);
    for (const [name, v] of Object.entries(r as Record<string, unknown>)) {
      const path = `$.biophysics.regions.${name}`;
      const o = c.object(path, v, SCHEMA_KEYS['$.biophysics.regions.<region>']);
      regions[name] = {};
      if (o.cm_uF_per_cm2 !== undefined) regions[name].cm_uF_per_cm2 = c.number(`${path}.cm_uF_per_cm2`, o.cm_uF_per_cm2, { min: 0 });
      if (o.Ra_ohm_cm !== undefined) regions[name].Ra_ohm_cm = c.number(`${path}.Ra_ohm_cm`, o.Ra_ohm_cm, { positive: true });
      if (o.ions !== undefined) regions[name].ions = parseIonSettings(c, `${path}.ions`, o.ions);
    }
  }
  const mechanisms: MechanismEntry[] = [];
  if (bp.mechanisms !== undefined) {
    c.array('$.biophysics.mechanisms', bp.mechanisms).forEach((v, i) => {
      const path = `$.biophysics.mechanisms[${i}]`;
      const o = c.object(path, v, SCHEMA_KEYS['$.biophysics.mechanisms[]'], ['name']);
      const region = o.region === undefined ? 'all'
        : Array.isArray(o.region) ? o.region.map((x, k) => c.string(`${path}.region[${k}]`, x)) : c.string(`${path}.region`, o.region);
      const params: Record<string, number | string | number[]> = {};
      if (o.params !== undefined) {
        const po = c.object(`${path}.params`, o.params, Object.keys(o.params as object ?? {}));
        for (const [k, x] of Object.entries(po)) {
          params[k] = typeof x === 'string' && /[A-Za-z]/.test(x) ? x
            : Array.isArray(x) ? x.map((y, j) => c.number(`${path}.params.${k}[${j}]`, y)) : c.number(`${path}.params.${k}`, x);
        }
      }
      const globals: Record<string, number> = {};
      if (o.globals !== undefined) {
        const go = c.object(`${path}.globals`, o.globals, Object.keys(o.globals as object ?? {}));
        for (const [k, x] of Object.entries(go)) globals[k] = c.number(`${path}.globals.${k}`, x);
      }
      const entry: MechanismEntry = { name: c.string(`${path}.name`, o.name), region, params, globals };
      if (o.at !== undefined) {
        if (o.region !== undefined || o.distance_um !== undefined) c.fail(`${path}.at`, `"at" (one segment) goes without ${o.region !== undefined ? '"region"' : '"distance_um"'}`);
        entry.at = c.string(`${path}.at`, o.at);
      }
      if (o.distance_um !== undefined) {
        const d = o.distance_um as unknown[];
        if (!Array.isArray(d) || d.length !== 2) c.fail(`${path}.distance_um`, `expected [min, max] in µm (segments whose centre lies in that range), got ${show(d)}`);
        const lo = c.number(`${path}.distance_um[0]`, d[0], { min: 0 });
        const hi = c.number(`${path}.distance_um[1]`, d[1], { min: 0 });
        if (hi < lo) c.fail(`${path}.distance_um[1]`, `${hi} um is below the minimum ${lo} um`);
        entry.distance_um = [lo, hi];
      }
      mechanisms.push(entry);
    });
  }

  const stimuli: StimulusEntry[] = [];
  if (top.stimuli !== undefined) {
    c.array('$.stimuli', top.stimuli).forEach((v, i) => stimuli.push(parseStimulus(c, `$.stimuli[${i}]`, v, base)));
  }

  const record: RecordEntry[] = [];
  const labels = new Set<string>();
  if (top.record !== undefined) {
    c.array('$.record', top.record).forEach((v, i) => {
      const path = `$.record[${i}]`;
      const o = c.object(path, v, SCHEMA_KEYS['$.record[]'], ['label']);
      const label = c.string(`${path}.label`, o.label);
      if (label === 't_ms') c.fail(`${path}.label`, '"t_ms" is the time column; pick another label');
      if (/[",\r\n]/.test(label)) c.fail(`${path}.label`, `labels may not contain commas, quotes or line breaks, got ${show(label)}`);
      if (labels.has(label)) c.fail(`${path}.label`, `duplicate label ${show(label)}`);
      labels.add(label);
      const given = (['at', 'stimulus', 'synapse'] as const).filter((key) => key in o);
      if (given.length !== 1) {
        c.fail(`${path}.${given.length === 0 ? 'at' : given[1]}`, given.length === 0
          ? 'missing (required): "at" (where to record), "stimulus" (the index of a stimulus whose current to record) or "synapse" (the name of a synapse whose variable to record)'
          : `give one of "at" (record at a location), "stimulus" (its current) or "synapse" (its variable), not ${given.map((g) => `"${g}"`).join(' and ')}`);
      }
      const stimulus = o.stimulus === undefined ? undefined : c.number(`${path}.stimulus`, o.stimulus, { integer: true, min: 0 });
      if (stimulus !== undefined && stimulus >= stimuli.length) {
        c.fail(`${path}.stimulus`, `there ${stimuli.length === 1 ? 'is 1 stimulus' : `are ${stimuli.length} stimuli`} (indices from 0), got ${stimulus}`);
      }
      if (o.what !== undefined && stimulus !== undefined) c.fail(`${path}.what`, '"what" goes with "at" or "synapse" (a stimulus record holds its current)');
      const synapse = o.synapse === undefined ? undefined
        : typeof o.synapse === 'number' ? c.number(`${path}.synapse`, o.synapse, { integer: true, min: 0 }) : c.string(`${path}.synapse`, o.synapse);
      if (synapse !== undefined && o.what === undefined) c.fail(`${path}.what`, 'missing (required with "synapse"): the variable to record, e.g. "g" or "i"');
      const at = 'at' in o ? (o.at === 'all' ? 'all' as const : parseLocationSpec(c, `${path}.at`, o.at, true)) : undefined;
      record.push({
        label,
        ...(at !== undefined ? { at } : stimulus !== undefined ? { stimulus } : { synapse }),
        ...(o.what === undefined ? {} : { what: c.string(`${path}.what`, o.what) }),
        ...(o.spike_rule === undefined ? {} : { spike_rule: c.oneOf(`${path}.spike_rule`, o.spike_rule, SPIKE_RULES) }),
        spike_threshold_mV: o.spike_threshold_mV === undefined ? DEFAULTS.spike_threshold_mV : c.number(`${path}.spike_threshold_mV`, o.spike_threshold_mV),
      });
    });
  }

  const run = c.object('$.run', top.run, SCHEMA_KEYS['$.run'], ['tstop_ms']);
  const mechanismFiles = top.mechanism_files === undefined ? undefined
    : c.array('$.mechanism_files', top.mechanism_files).map((x, i) => resolve(base, c.string(`$.mechanism_files[${i}]`, x)));
  const protocol: Protocol = {
    file,
    morphology,
    morphologyOptions,
    discretization,
    biophysics: {
      cm_uF_per_cm2: bp.cm_uF_per_cm2 === undefined ? DEFAULTS.cm_uF_per_cm2 : c.number('$.biophysics.cm_uF_per_cm2', bp.cm_uF_per_cm2, { min: 0 }),
      Ra_ohm_cm: bp.Ra_ohm_cm === undefined ? DEFAULTS.Ra_ohm_cm : c.number('$.biophysics.Ra_ohm_cm', bp.Ra_ohm_cm, { positive: true }),
      v_init_mV: bp.v_init_mV === undefined ? DEFAULTS.v_init_mV : c.number('$.biophysics.v_init_mV', bp.v_init_mV),
      celsius: bp.celsius === undefined ? DEFAULTS.celsius : c.number('$.biophysics.celsius', bp.celsius, { min: -273.15 }),
      regions,
      mechanisms,
      distance_origin: bp.distance_origin === undefined ? 'soma[0](0.5)' : c.string('$.biophysics.distance_origin', bp.distance_origin),
      ions: bp.ions === undefined ? {} : parseIonSettings(c, '$.biophysics.ions', bp.ions),
    },
    stimuli,
    record,
    run: {
      tstop_ms: c.number('$.run.tstop_ms', run.tstop_ms, { positive: true }),
      dt_ms: run.dt_ms === undefined ? DEFAULTS.dt_ms : c.number('$.run.dt_ms', run.dt_ms, { positive: true }),
      method: run.method === undefined ? DEFAULTS.method : c.oneOf('$.run.method', run.method, METHODS),
      record_dt_ms: run.record_dt_ms === undefined ? null : c.number('$.run.record_dt_ms', run.record_dt_ms, { positive: true }),
    },
    ...(mechanismFiles ? { mechanism_files: mechanismFiles } : {}),
    ...(top.weights_file !== undefined ? { weights_file: resolve(base, c.string('$.weights_file', top.weights_file)) } : {}),
    network: parseNetwork(c, top, record.map((r) => r.label)),
  };
  if (protocol.run.dt_ms > protocol.run.tstop_ms) c.fail('$.run.dt_ms', `dt ${protocol.run.dt_ms} ms is longer than tstop ${protocol.run.tstop_ms} ms`);
  // tstop/dt, not a step count: checking must not take time proportional to the run
  if (protocol.run.tstop_ms / protocol.run.dt_ms > MAX_STEPS) {
    c.fail(protocol.run.dt_ms < 1e-4 ? '$.run.dt_ms' : '$.run.tstop_ms', `tstop ${protocol.run.tstop_ms} ms at dt ${protocol.run.dt_ms} ms is ${Number.isFinite(protocol.run.tstop_ms / protocol.run.dt_ms) ? Number((protocol.run.tstop_ms / protocol.run.dt_ms).toPrecision(3)) : 'more than 1e308'} steps; at most ${MAX_STEPS} steps per run (use a larger dt or split the run)`);
  }
  const rdt = protocol.run.record_dt_ms;
  if (rdt !== null && rdt < protocol.run.dt_ms) c.fail('$.run.record_dt_ms', `record_dt ${rdt} ms is shorter than dt ${protocol.run.dt_ms} ms`);
  return protocol;
}
