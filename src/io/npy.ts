/**
 * NumPy `.npy` output (format version 1.0, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * one little-endian float64 matrix, C order, rows = time samples, columns = `t_ms` then each trace.
 * A sidecar `<file>.json` names every column with its unit, so `np.load` plus `json.load` is all a
 * reader needs. `readNpy` reads back the subset we write (tests, `dendrite plot`).
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../errors.ts';

const MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/**
 * The full header (magic, version 1.0, header length, dict, padding, newline) for a C-order
 * float64 array of this shape. Its length is a multiple of 64, so the data that follows is aligned.
 */
export function npyHeader(shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const fixed = MAGIC.length + 2 + 2; // magic, version, uint16 header length
  const total = Math.ceil((fixed + dict.length + 1) / 64) * 64;
  const headerLen = total - fixed;
  if (headerLen > 0xffff) throw new Error(`npy header too long (${headerLen} bytes)`);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1; // major
  out[7] = 0; // minor
  out[8] = headerLen & 0xff;
  out[9] = headerLen >> 8;
  const text = dict + ' '.repeat(headerLen - dict.length - 1) + '\n';
  for (let i = 0; i < text.length; i++) out[fixed + i] = text.charCodeAt(i);
  return out;
}

/** What a column holds, for the sidecar. */
export interface NpyColumn {
  name: string;
  unit: string;
  /** Free-form, e.g. "membrane potential". */
  quantity?: string;
  /** Extra fields (e.g. the probe's section and x) copied into the sidecar entry. */
  [extra: string]: unknown;
}

export interface NpySidecar {
  format: 'npy';
  file: string;
  dtype: 'float64';
  byte_order: 'little';
  order: 'C';
  shape: [number, number];
  layout: string;
  columns: NpyColumn[];
  load_with: string;
}

export interface WriteTracesNpyOptions {
  /** Unit of each trace column (default "mV" for all). */
  units?: readonly string[];
  /** Quantity of each trace column (default "membrane potential" for mV columns). */
  quantities?: readonly string[];
  /** Extra per-trace fields for the sidecar (e.g. probe section and x). */
  extras?: readonly Record<string, unknown>[];
  /** Path of the sidecar JSON; default `<path>.json`. `null` writes none. */
  sidecar?: string | null;
}

/**
 * Write `traces.npy` (rows = samples, columns = t_ms then each trace) and its sidecar JSON.
 * Streams in chunks, so memory use does not grow with the run length. Returns the sidecar contents.
 */
export function writeTracesNpy(
  path: string,
  t_ms: Float64Array,
  labels: readonly string[],
  traces: readonly Float64Array[],
  opts: WriteTracesNpyOptions = {},
): NpySidecar {
  if (labels.length !== traces.length) throw new Error(`writeTracesNpy: ${labels.length} labels for ${traces.length} traces`);
  const rows = t_ms.length;
  for (let c = 0; c < traces.length; c++) {
    if (traces[c].length !== rows) throw new Error(`writeTracesNpy: trace "${labels[c]}" has ${traces[c].length} samples, t_ms has ${rows}`);
  }
  const cols = 1 + traces.length;
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, npyHeader([rows, cols]));
    const rowsPerChunk = Math.max(1, Math.floor((1 << 20) / (8 * cols)));
    const buf = new ArrayBuffer(rowsPerChunk * cols * 8);
    const view = new DataView(buf);
    const bytes = new Uint8Array(buf);
    for (let r0 = 0; r0 < rows; r0 += rowsPerChunk) {
      const r1 = Math.min(rows, r0 + rowsPerChunk);
      let o = 0;
      for (let r = r0; r < r1; r++) {
        view.setFloat64(o, t_ms[r], true);
        o += 8;
        for (let c = 0; c < traces.length; c++) {
          view.setFloat64(o, traces[c][r], true);
          o += 8;
        }
      }
      writeSync(fd, bytes, 0, o);
    }
  } finally {
    closeSync(fd);
  }
  const columns: NpyColumn[] = [{ name: 't_ms', unit: 'ms', quantity: 'time' }];
  labels.forEach((name, k) => {
    const unit = opts.units?.[k] ?? 'mV';
    const quantity = opts.quantities?.[k] ?? (unit === 'mV' ? 'membrane potential' : undefined);
    const extra = Object.fromEntries(Object.entries(opts.extras?.[k] ?? {}).filter(([key]) => key !== 'name' && key !== 'unit' && key !== 'quantity'));
    columns.push({ name, unit, ...(quantity ? { quantity } : {}), ...extra });
  });
  const file = basename(path);
  const sidecar: NpySidecar = {
    format: 'npy',
    file,
    dtype: 'float64',
    byte_order: 'little',
    order: 'C',
    shape: [rows, cols],
    layout: 'rows are time samples; column 0 is t_ms, then one column per trace in the order of "columns"',
    columns,
    load_with: `a = numpy.load("${file}"); names = [c["name"] for c in json.load(open("${file}.json"))["columns"]]`,
  };
  if (opts.sidecar !== null) writeFileSync(opts.sidecar ?? path + '.json', JSON.stringify(sidecar, null, 1) + '\n');
  return sidecar;
}

export interface NpyArray {
  shape: number[];
  fortranOrder: boolean;
  /** Values in file order. */
  data: Float64Array;
}

/** Read a float64 `.npy` file (versions 1–3, either byte order). Throws UserError on anything else. */
export function readNpy(path: string): NpyArray {
  const buf = readFileSync(path);
  const bad = (why: string) => new UserError(`${path}: not a float64 .npy file we can read (${why})`);
  if (buf.length < 10 || !MAGIC.every((b, i) => buf[i] === b)) throw bad('missing \\x93NUMPY magic');
  const major = buf[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    start = 12;
  } else throw bad(`format version ${major}.${buf[7]}`);
  const header = buf.subarray(start, start + headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad('malformed header');
  if (descr !== '<f8' && descr !== '>f8') throw bad(`dtype ${descr}, expected <f8`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const off = start + headerLen;
  if (buf.length - off < n * 8) throw bad(`${buf.length - off} data bytes for ${n} values`);
  const data = new Float64Array(n);
  const little = descr === '<f8';
  for (let i = 0; i < n; i++) data[i] = little ? buf.readDoubleLE(off + 8 * i) : buf.readDoubleBE(off + 8 * i);
  return { shape, fortranOrder: fortran === 'True', data };
}
