/**
 * Figures for a `dendrite run --out DIR` folder: read traces.csv (or traces.npy), run.json and, if
 * present, spikes.csv (`label,t_ms`), then write DIR/traces.svg (voltages; other units in
 * traces_<unit>.svg) and DIR/shape.svg. Used by `dendrite plot DIR` and `dendrite run --plot`.
 * Spike marks are the run's own spikes (spikes.csv), never re-detected here; the caption says how
 * the run found them. docs/figures.md describes every figure.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../../errors.ts';
import { loadMorphology } from '../../morphology/index.ts';
import { readNpy } from '../npy.ts';
import { shapeSvg, type ShapeColor, type ShapeMarker } from './shape.ts';
import { clusterByRange, finiteRange, tracesSvg, type EventRow, type TraceSeries } from './traces.ts';
import { paletteColor } from './util.ts';
import { viewProjection, type ViewName } from './view.ts';

export interface RunTraces {
  t_ms: Float64Array;
  labels: string[];
  traces: Float64Array[];
  /** Unit of each trace (from the .npy sidecar; "mV" when unknown). */
  units: string[];
  /** The file they came from. */
  file: string;
}

/** Read `t_ms,<label>,...` CSV as written by `dendrite run`. Errors name the file and line. */
export function readTracesCsv(path: string): RunTraces {
  const text = readFileSync(path, 'utf8');
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new UserError(`${path}: empty file (expected a header line "t_ms,<label>,...")`);
  const header = lines[0].split(',').map((s) => s.trim());
  if (header[0] !== 't_ms') throw new UserError(`${path}:1: first column is "${header[0]}", expected "t_ms"`);
  const n = lines.length - 1;
  const cols = header.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const f = lines[r + 1].split(',');
    if (f.length !== header.length) throw new UserError(`${path}:${r + 2}: ${f.length} fields, expected ${header.length} (as in the header)`);
    for (let c = 0; c < f.length; c++) {
      const v = Number(f[c]);
      if (Number.isNaN(v) && f[c].trim().toLowerCase() !== 'nan') throw new UserError(`${path}:${r + 2}: "${f[c]}" in column "${header[c]}" is not a number`);
      cols[c][r] = v;
    }
  }
  return { t_ms: cols[0], labels: header.slice(1), traces: cols.slice(1), units: header.slice(1).map(() => 'mV'), file: path };
}

/** Read traces.npy with its sidecar traces.npy.json (column names and units). */
export function readTracesNpy(path: string): RunTraces {
  const a = readNpy(path);
  if (a.shape.length !== 2 || a.fortranOrder) throw new UserError(`${path}: expected a 2-D C-order array (rows = samples), got shape (${a.shape.join(', ')})`);
  const [rows, cols] = a.shape;
  let names: { name: string; unit?: string }[] = [];
  const side = path + '.json';
  if (existsSync(side)) {
    try {
      names = JSON.parse(readFileSync(side, 'utf8')).columns ?? [];
    } catch (e) {
      throw new UserError(`${side}: not valid JSON (${(e as Error).message})`);
    }
  }
  const out: Float64Array[] = [];
  for (let c = 0; c < cols; c++) {
    const col = new Float64Array(rows);
    for (let r = 0; r < rows; r++) col[r] = a.data[r * cols + c];
    out.push(col);
  }
  const labels = out.slice(1).map((_, k) => names[k + 1]?.name ?? `trace ${k + 1}`);
  const units = out.slice(1).map((_, k) => names[k + 1]?.unit ?? 'mV');
  return { t_ms: out[0], labels, traces: out.slice(1), units, file: path };
}

/** Read `label,t_ms` spike times. Unknown or empty files give an empty map. */
export function readSpikesCsv(path: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return out;
  const head = lines[0].split(',').map((s) => s.trim());
  const li = head.indexOf('label');
  const ti = head.indexOf('t_ms');
  if (li < 0 || ti < 0) throw new UserError(`${path}:1: expected a header with columns "label" and "t_ms", got "${lines[0]}"`);
  for (let r = 1; r < lines.length; r++) {
    const f = lines[r].split(',');
    const t = Number(f[ti]);
    if (!Number.isFinite(t)) throw new UserError(`${path}:${r + 1}: spike time "${f[ti]}" is not a number`);
    const label = (f[li] ?? '').trim();
    if (!out.has(label)) out.set(label, []);
    out.get(label)!.push(t);
  }
  return out;
}

interface RunJsonProbe {
  label: string;
  section: string;
  x: number;
  unit?: string;
  /** Index of the protocol stimulus whose current this probe records. */
  stimulus?: number;
  /** The recorded quantity when it is not v (e.g. "ek", "cai"). */
  what?: string;
  /** The recorded synapse, for synapse variables. */
  synapse?: unknown;
  peak_mV?: number;
  spike_threshold_mV?: number;
  /** "action_potential" (crossings that are action potentials) or "crossing" (every crossing). */
  spike_rule?: string;
  /** The action-potential test's numbers, when the run lists them (e.g. min_height_mV, max_rise_ms). */
  spike_criterion?: Record<string, unknown>;
}

/** A placed stimulus as run.json lists it: type, site, and the entry's numeric parameters. */
interface RunJsonStimulus {
  entry: number;
  type: string;
  section: string;
  x: number;
  [param: string]: unknown;
}

interface RunJsonSynapse {
  entry?: number;
  type: string;
  section: string;
  x: number;
}

interface RunJson {
  protocol?: string;
  morphology?: string;
  morphology_options?: { scale?: number; keep_types?: number[]; drop_types?: number[] };
  method?: string;
  dt_ms?: number;
  compartments?: number;
  sections?: number;
  probes?: RunJsonProbe[];
  stimuli?: RunJsonStimulus[];
  synapses?: RunJsonSynapse[];
  spike_sources?: { label: string; kind?: string }[];
}

export interface PlotRunOptions {
  /** Shape colouring: path distance from the soma (default) or the peak of each voltage site. */
  shapeColor?: 'distance' | 'peak';
  /** Which way to look at the cell (default 'auto': apical dendrite up; src/io/svg/view.ts). */
  view?: ViewName;
  /** Messages (skipped figures, unknown sections). */
  log?: (s: string) => void;
}

export interface PlotRunResult {
  files: string[];
}

/** The most traces one traces figure draws (the rest: evenly spaced ones are left out, and the caption says so). */
export const MAX_TRACES = 40;

/** Write `text` to `path` via a temporary file and rename, so a reader never sees half a figure. */
function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** A number for a label: 3 significant digits, no trailing zeros, typographic minus. */
function num(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(Number(v.toPrecision(3))).replace(/^-/, '\u2212') : '?';
}

/** What a stimulus is, briefly, from its type and parameters ("IClamp 1 nA", "sine 0.1 nA, 20 Hz"). */
export function stimulusLabel(s: { type: string; [k: string]: unknown }): string {
  switch (s.type) {
    case 'iclamp': return `IClamp ${num(s.amp_nA)} nA`;
    case 'ramp': return `ramp ${num(s.amp_start_nA)}→${num(s.amp_end_nA)} nA`;
    case 'sine': return `sine ${num(s.amp_nA)} nA, ${num(s.frequency_Hz)} Hz`;
    case 'chirp': return `chirp ${num(s.amp_nA)} nA, ${num(s.f_start_Hz)}→${num(s.f_end_Hz)} Hz`;
    case 'pulse_train': return `${num(s.number)} pulses, ${num(s.amp_nA)} nA`;
    case 'noise': return `noise ${num(s.mean_nA)} ± ${num(s.std_nA)} nA`;
    case 'waveform': return 'waveform current';
    case 'epsp': return `EPSP current ${num(s.imax_nA)} nA`;
    case 'seclamp': return `SEClamp ${num(s.amp1_mV)}/${num(s.amp2_mV)}/${num(s.amp3_mV)} mV`;
    default: return s.type;
  }
}

/** The action-potential test in words, from its numbers (known keys; others as "key = value"). */
export function describeSpikeCriterion(c: Record<string, unknown>): string {
  const words: Record<string, (v: string) => string> = {
    min_height_mV: (v) => `peaking ≥\u00a0${v}\u00a0mV above it`,
    max_rise_ms: (v) => `within ${v}\u00a0ms of the crossing`,
    min_slope_mV_per_ms: (v) => `dV/dt ≥\u00a0${v}\u00a0mV/ms`,
    max_width_ms: (v) => `back below within ${v}\u00a0ms`,
  };
  return Object.entries(c)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => (words[k] ? words[k](num(v)) : `${k} = ${num(v)}`))
    .join(', ');
}

/** How the spikes in spikes.csv were found, for the figure's caption (from run.json's probes). */
function spikeCriterion(probes: readonly RunJsonProbe[]): string {
  const one = (p: RunJsonProbe): string => {
    const th = `${num(p.spike_threshold_mV)}\u00a0mV`; // no line break between number and unit
    if (p.spike_rule === 'crossing') return `every upward crossing of ${th}`;
    if (p.spike_rule === 'action_potential') {
      const c = p.spike_criterion && typeof p.spike_criterion === 'object' ? describeSpikeCriterion(p.spike_criterion) : '';
      return c !== '' ? `action potentials: upward crossings of ${th} ${c}` : `action potentials crossing ${th}`;
    }
    return p.spike_threshold_mV !== undefined ? `upward crossings of ${th}` : 'as detected by the run';
  };
  const rules = [...new Set(probes.map(one))];
  return rules.length === 0 ? 'as detected by the run' : rules.join('; ');
}

/** Read a run folder and write its figures. Throws UserError for a missing folder or files. */
export function plotRunDir(dir: string, opts: PlotRunOptions = {}): PlotRunResult {
  const log = opts.log ?? (() => {});
  if (!existsSync(dir)) throw new UserError(`${dir}: no such folder (give the --out folder of a \`dendrite run\`)`);
  if (!statSync(dir).isDirectory()) throw new UserError(`${dir}: not a folder (give the --out folder of a \`dendrite run\`)`);
  const csv = join(dir, 'traces.csv');
  const npy = join(dir, 'traces.npy');
  const tr = existsSync(csv) ? readTracesCsv(csv) : existsSync(npy) ? readTracesNpy(npy) : null;
  if (!tr) throw new UserError(`${dir}: no traces.csv or traces.npy here; is it the --out folder of a \`dendrite run\`?`);
  if (tr.t_ms.length === 0) throw new UserError(`${tr.file}: no samples to plot`);

  const runPath = join(dir, 'run.json');
  let run: RunJson | null = null;
  if (existsSync(runPath)) {
    try {
      run = JSON.parse(readFileSync(runPath, 'utf8')) as RunJson;
    } catch (e) {
      throw new UserError(`${runPath}: not valid JSON (${(e as Error).message})`);
    }
  }
  const spikesPath = join(dir, 'spikes.csv');
  const spikes = existsSync(spikesPath) ? readSpikesCsv(spikesPath) : null;
  const probes = run?.probes ?? [];

  const files: string[] = [];
  const name = run?.protocol ? basename(run.protocol).replace(/\.json$/i, '') : basename(resolve(dir));
  const morphName = run?.morphology ? basename(run.morphology) : undefined;
  const method = run?.method ? run.method.replace(/_/g, ' ').replace('backward euler', 'backward Euler').replace('crank nicolson', 'Crank–Nicolson') : undefined;
  const details = [
    morphName,
    method && run?.dt_ms !== undefined ? `${method}, dt = ${run.dt_ms} ms` : method,
    run?.compartments !== undefined ? `${run.compartments} compartments` : undefined,
  ].filter((s): s is string => s !== undefined);

  // --- spikes: the run's own (spikes.csv): rows for recorded traces, grey rows for spike sources
  for (let k = 0; k < tr.labels.length; k++) {
    const p = probes.find((q) => q.label === tr.labels[k]);
    if (p?.unit) tr.units[k] = p.unit;
  }
  const sources = new Map((run?.spike_sources ?? []).map((s) => [s.label, s.kind]));
  const events: EventRow[] = [];
  if (spikes) {
    for (const [l, times] of spikes) {
      if (tr.labels.includes(l)) continue;
      if (sources.has(l)) events.push({ label: sources.get(l) === 'detector' ? `${l} (detector)` : `${l} (input)`, times });
      else log(`spikes.csv: label "${l}" is neither a recorded trace nor a spike source in run.json; its spikes are not drawn`);
    }
  }
  const kindsShown = new Set(events.map((e) => (e.label.endsWith('(detector)') ? 'detector' : 'source')));
  const eventKinds = kindsShown.size === 2 ? 'input spike trains and threshold detectors' : kindsShown.has('detector') ? 'threshold detectors' : 'input spike trains';
  const withSpikes = tr.labels.filter((l) => (spikes?.get(l)?.length ?? 0) > 0);
  const criterion = spikeCriterion(probes.filter((p) => withSpikes.includes(p.label)));

  // --- traces: one figure per unit (traces.svg for voltages, traces_<unit>.svg for the others),
  // and within a figure one panel per cluster of similar ranges (clusterByRange)
  const groups = [...new Set(tr.units)].sort((a, b) => (a === 'mV' ? -1 : b === 'mV' ? 1 : a.localeCompare(b)));
  groups.forEach((unit, g) => {
    const all = tr.labels.map((_, k) => k).filter((k) => tr.units[k] === unit);
    // a figure with hundreds of lines is unreadable and huge: at most MAX_TRACES, evenly spaced
    const ks = all.length <= MAX_TRACES ? all : [...new Set(Array.from({ length: MAX_TRACES }, (_, j) => all[Math.round((j * (all.length - 1)) / (MAX_TRACES - 1))]))];
    const ranges = ks.map((k) => {
      const [lo, hi] = finiteRange([tr.traces[k]]);
      return hi - lo;
    });
    const panel = clusterByRange(ranges);
    const series: TraceSeries[] = ks.map((k, j) => ({
      label: tr.labels[k],
      values: tr.traces[k],
      color: paletteColor(k),
      panel: panel[j],
      ...(spikes?.has(tr.labels[k]) ? { spikes: spikes.get(tr.labels[k]) } : {}),
    }));
    // top panel first, traces in recording order within a panel
    series.sort((a, b) => a.panel! - b.panel!);
    const figEvents = g === 0 ? events : [];
    const spiking = series.filter((s) => (s.spikes?.length ?? 0) > 0).length;
    const parts = [
      spiking > 0 ? `Spike marks: the run's spikes (spikes.csv), ${criterion}` : undefined,
      figEvents.length > 0 ? `grey rows: ${eventKinds}` : undefined,
    ].filter((x): x is string => x !== undefined);
    if (ks.length < all.length) parts.push(`${ks.length} of ${all.length} traces shown, evenly spaced in recording order (all are in ${basename(tr.file)})`);
    const caption = parts.length > 0 ? parts.join('; ').replace(/^./, (c) => c.toUpperCase()) + '.' : undefined;
    const yLabel = unit === 'mV' ? 'V (mV)' : unit === 'nA' ? 'I (nA)' : unit === 'mM' ? 'concentration (mM)' : unit === 'uS' || unit === 'µS' ? 'g (µS)' : `value (${unit})`;
    const file = g === 0 ? 'traces.svg' : `traces_${unit.replace(/[^A-Za-z0-9]+/g, '_')}.svg`;
    const tracesPath = join(dir, file);
    writeAtomic(tracesPath, tracesSvg(tr.t_ms, series, { title: name, subtitle: details.join(' · '), yLabel, events: figEvents, caption }));
    files.push(tracesPath);
  });

  // --- shape
  if (!run) {
    log(`${dir}: no run.json, so no shape.svg (it names the morphology)`);
    return { files };
  }
  if (!run.morphology) throw new UserError(`${runPath}: no "morphology" entry; cannot draw the shape`);
  const candidates = isAbsolute(run.morphology) ? [run.morphology] : [resolve(dir, run.morphology), resolve(run.morphology)];
  const swc = candidates.find((p) => existsSync(p));
  if (!swc) throw new UserError(`${runPath}: morphology "${run.morphology}" not found (looked at ${candidates.join(', ')})`);
  const mo = run.morphology_options ?? {};
  const morph = loadMorphology(swc, { scale: mo.scale, keepTypes: mo.keep_types, dropTypes: mo.drop_types });
  const has = (section: string, what: string) => {
    if (morph.sections.some((s) => s.name === section)) return true;
    log(`${runPath}: ${what} is on ${section}, which ${basename(swc)} does not have; not marked`);
    return false;
  };
  const markers: ShapeMarker[] = [];
  // synapses first (drawn under everything), then recording sites, then stimuli and clamps
  for (const s of run.synapses ?? []) if (has(s.section, `a ${s.type} synapse`)) markers.push({ kind: 'synapse', label: s.type, group: s.type, section: s.section, x: s.x });
  for (const p of probes) {
    if (p.stimulus !== undefined || !has(p.section, `probe "${p.label}"`)) continue; // a stimulus current: marked with its stimulus
    const k = tr.labels.indexOf(p.label);
    // the membrane potential (not a current, a concentration, a synapse variable, an ion's E)
    const voltage = (p.unit ?? 'mV') === 'mV' && p.what === undefined && p.synapse === undefined;
    const peak = k >= 0 ? finiteRange([tr.traces[k]])[1] : undefined;
    markers.push({ kind: 'probe', label: p.label, section: p.section, x: p.x, color: paletteColor(k >= 0 ? k : markers.length), value: voltage ? (p.peak_mV ?? peak) : undefined });
  }
  const recorded = (entry: number) => probes.filter((p) => p.stimulus === entry).map((p) => p.label);
  if (run.stimuli) {
    const perEntry = new Map<number, number>();
    for (const s of run.stimuli) {
      const n = perEntry.get(s.entry) ?? 0;
      perEntry.set(s.entry, n + 1);
      if (!has(s.section, `stimulus ${s.entry} (${s.type})`)) continue;
      const sites = run.stimuli.filter((q) => q.entry === s.entry).length;
      const rec = recorded(s.entry);
      // an entry placed at many sites is labelled once
      const label = n > 0 ? '' : stimulusLabel(s) + (sites > 1 ? ` ×${sites}` : '') + (rec.length > 0 ? ` (${rec.join(', ')})` : '');
      markers.push({ kind: s.type === 'seclamp' ? 'clamp' : 'stimulus', label, section: s.section, x: s.x });
    }
  } else {
    // an older run.json without "stimuli": the recorded stimulus currents still show where they went
    for (const p of probes) if (p.stimulus !== undefined && has(p.section, `probe "${p.label}"`)) markers.push({ kind: 'stimulus', label: p.label, section: p.section, x: p.x });
  }
  const byPeak = opts.shapeColor === 'peak';
  const color: ShapeColor | undefined = byPeak ? { by: 'marker', label: 'peak V (mV)', colormap: 'plasma' } : undefined;
  const proj = viewProjection(morph, opts.view ?? 'auto');
  const viewText = proj.view === 'auto' ? `auto view, ${proj.basis}` : `${proj.view[0]}–${proj.view[1]} view`;
  const shapePath = join(dir, 'shape.svg');
  const sub = [`${morph.sections.length} sections`, viewText, markers.some((mk) => mk.kind === 'probe') && byPeak ? 'recording sites coloured by peak V' : undefined];
  writeAtomic(shapePath, shapeSvg(morph, { title: morphName ?? name, subtitle: sub.filter(Boolean).join(' · '), markers, color, projection: proj }));
  files.push(shapePath);
  return { files };
}
