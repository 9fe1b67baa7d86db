/**
 * Figures for a `dendrite run --out DIR` folder: read traces.csv (or traces.npy), run.json and, if
 * present, spikes.csv (`label,t_ms`), then write DIR/traces.svg and DIR/shape.svg. Used by
 * `dendrite plot DIR` and `dendrite run --plot`.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../../errors.ts';
import { loadSwc } from '../../morphology/index.ts';
import { readNpy } from '../npy.ts';
import { shapeSvg, type ShapeColor, type ShapeMarker } from './shape.ts';
import { tracesSvg, type TraceSeries } from './traces.ts';
import { paletteColor } from './util.ts';

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
  node_x?: number;
  peak_mV?: number;
  unit?: string;
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
}

export interface PlotRunOptions {
  /** Shape colouring: path distance from the soma (default) or the peak of each recorded site. */
  shapeColor?: 'distance' | 'peak';
  /** Messages (skipped figures, unknown sections). */
  log?: (s: string) => void;
}

export interface PlotRunResult {
  files: string[];
}

/** Write `text` to `path` via a temporary file and rename, so a reader never sees half a figure. */
function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function peak(a: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
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

  const files: string[] = [];
  const name = run?.protocol ? basename(run.protocol).replace(/\.json$/i, '') : basename(resolve(dir));
  const morphName = run?.morphology ? basename(run.morphology) : undefined;
  const method = run?.method ? run.method.replace(/_/g, ' ').replace('backward euler', 'backward Euler').replace('crank nicolson', 'Crank–Nicolson') : undefined;
  const details = [
    morphName,
    method && run?.dt_ms !== undefined ? `${method}, dt = ${run.dt_ms} ms` : method,
    run?.compartments !== undefined ? `${run.compartments} compartments` : undefined,
  ].filter((s): s is string => s !== undefined);

  // --- traces: one figure per unit (traces.svg for voltages, traces_<unit>.svg for the others)
  if (run?.probes) {
    for (let k = 0; k < tr.labels.length; k++) {
      const p = run.probes.find((q) => q.label === tr.labels[k]);
      if (p?.unit) tr.units[k] = p.unit;
    }
  }
  if (spikes) for (const l of spikes.keys()) if (!tr.labels.includes(l)) log(`spikes.csv: label "${l}" is not a recorded trace; its spikes are not drawn`);
  const groups = [...new Set(tr.units)].sort((a, b) => (a === 'mV' ? -1 : b === 'mV' ? 1 : a.localeCompare(b)));
  groups.forEach((unit, g) => {
    const series: TraceSeries[] = [];
    tr.labels.forEach((label, k) => {
      if (tr.units[k] !== unit) return;
      series.push({ label, values: tr.traces[k], color: paletteColor(k), ...(spikes?.has(label) ? { spikes: spikes.get(label) } : {}) });
    });
    const yLabel = unit === 'mV' ? 'V (mV)' : unit === 'nA' ? 'I (nA)' : unit === 'mM' ? 'concentration (mM)' : `value (${unit})`;
    const file = g === 0 ? 'traces.svg' : `traces_${unit.replace(/[^A-Za-z0-9]+/g, '_')}.svg`;
    const tracesPath = join(dir, file);
    writeAtomic(tracesPath, tracesSvg(tr.t_ms, series, { title: name, subtitle: details.join(' · '), yLabel }));
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
  const morph = loadSwc(swc, { scale: mo.scale, keepTypes: mo.keep_types, dropTypes: mo.drop_types });
  const peaks = tr.traces.map(peak);
  const markers: ShapeMarker[] = [];
  (run.probes ?? []).forEach((p) => {
    const k = tr.labels.indexOf(p.label);
    if (!morph.sections.some((s) => s.name === p.section)) {
      log(`${runPath}: probe "${p.label}" is on ${p.section}, which ${basename(swc)} does not have; not marked`);
      return;
    }
    markers.push({
      label: p.label,
      section: p.section,
      x: p.x,
      color: paletteColor(k >= 0 ? k : markers.length),
      value: p.peak_mV ?? (k >= 0 && tr.units[k] === 'mV' ? peaks[k] : undefined),
    });
  });
  const byPeak = opts.shapeColor === 'peak';
  const color: ShapeColor | undefined = byPeak ? { by: 'marker', label: 'peak V (mV)', colormap: 'plasma' } : undefined;
  const shapePath = join(dir, 'shape.svg');
  const sub = [`${morph.sections.length} sections`, 'x–y projection', markers.length > 0 ? (byPeak ? 'recorded sites coloured by peak V' : 'recorded sites marked') : undefined];
  writeAtomic(shapePath, shapeSvg(morph, { title: morphName ?? name, subtitle: sub.filter(Boolean).join(' · '), markers, color }));
  files.push(shapePath);
  return { files };
}
