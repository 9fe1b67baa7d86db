/**
 * SWC text → records. Lexing and per-line checks only; tree checks live in tree.ts.
 *
 * Accepted: `#` comments anywhere (whole line or after the data), blank lines, LF / CRLF / CR
 * line ends, a UTF-8 byte-order mark, spaces and TABs (repeated), scientific notation, extra
 * columns. Values are read as float32 exactly as NEURON's `sscanf("%f")` does
 * (../shared/neuron-geometry.md §1).
 */
import { UserError } from '../errors.ts';
import { parseFloat32, parseFloat32Range, isNumberToken } from './float32.ts';

export type SwcErrorCode =
  | 'too-few-fields'
  | 'not-a-number'
  | 'not-finite'
  | 'not-an-integer'
  | 'negative-radius'
  | 'duplicate-id'
  | 'missing-parent'
  | 'self-parent'
  | 'cycle'
  | 'no-root'
  | 'empty';

/** A refused SWC file: names the file, the 1-based line and the sample id where one applies. */
export class SwcError extends UserError {
  readonly code: SwcErrorCode;
  readonly file: string;
  readonly line: number | null;
  readonly sampleId: number | null;
  constructor(code: SwcErrorCode, file: string, line: number | null, sampleId: number | null, what: string) {
    const where = line === null ? file : `${file}:${line}`;
    const sample = sampleId === null ? '' : ` (sample ${sampleId})`;
    super(`${where}${sample}: ${what}`);
    this.name = 'SwcError';
    this.code = code;
    this.file = file;
    this.line = line;
    this.sampleId = sampleId;
  }
}

/** Samples in file order, structure of arrays. Coordinates and radii in µm (after any scale). */
export interface SwcRecords {
  n: number;
  id: Float64Array;
  type: Int32Array;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  radius: Float64Array;
  parentId: Float64Array;
  /** 1-based line number of each sample. */
  line: Int32Array;
}

const FIELD_NAMES = ['id', 'type', 'x', 'y', 'z', 'radius', 'parent'];

function grow(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
function growI(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/**
 * Parse SWC text. Throws SwcError for the first bad line. `file` is used in messages only.
 * Ids and parents must be integers (written as `12` or `12.0`); type an integer too.
 */
export function parseSwcText(text: string, file: string): SwcRecords {
  let cap = 1024;
  let id = new Float64Array(cap);
  let type = new Int32Array(cap);
  let x = new Float64Array(cap);
  let y = new Float64Array(cap);
  let z = new Float64Array(cap);
  let radius = new Float64Array(cap);
  let parentId = new Float64Array(cap);
  let line = new Int32Array(cap);
  let n = 0;

  const len = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  const tokStart = new Int32Array(7);
  const tokEnd = new Int32Array(7);
  const v = new Float64Array(7);
  const tok = (k: number) => text.slice(tokStart[k], tokEnd[k]);
  while (pos < len) {
    lineNo++;
    // find the end of the line (LF, CR or CRLF); written out here rather than through text.ts's
    // lineEnd/nextLineStart, which measured 10 % slower on the 1,000,000-sample load benchmark
    let end = pos;
    while (end < len) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    let next = end;
    if (next < len) next += text.charCodeAt(next) === 13 && text.charCodeAt(next + 1) === 10 ? 2 : 1;
    // tokenize [pos, end) up to a '#'; extra columns are ignored
    let nTok = 0;
    let i = pos;
    while (i < end && nTok < 7) {
      let c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 11 || c === 12) {
        i++;
        continue;
      }
      if (c === 35) break; // '#': the rest of the line is a comment
      tokStart[nTok] = i;
      while (i < end) {
        c = text.charCodeAt(i);
        if (c === 32 || c === 9 || c === 11 || c === 12 || c === 35) break;
        i++;
      }
      tokEnd[nTok++] = i;
    }
    const lineStart = pos;
    pos = next;
    if (nTok === 0) continue;
    if (nTok < 7) {
      throw new SwcError('too-few-fields', file, lineNo, null,
        `expected 7 fields (id type x y z radius parent), found ${nTok}: "${text.slice(lineStart, end).trim()}"`);
    }
    for (let k = 0; k < 7; k++) {
      const float = k >= 2 && k <= 5;
      let value = NaN;
      const small = float ? -1 : smallInteger(text, tokStart[k], tokEnd[k]);
      if (small !== -1) {
        value = small; // id, type, parent written as a plain integer (the usual case): no string
      } else if (plainDecimal(text, tokStart[k], tokEnd[k])) {
        value = float ? parseFloat32Range(text, tokStart[k], tokEnd[k]) : Number(tok(k));
      } else {
        const t = tok(k);
        if (!isNumberToken(t)) {
          const sid = k === 0 ? null : idOrNull(tok(0));
          throw new SwcError('not-a-number', file, lineNo, sid,
            `field ${k + 1} (${FIELD_NAMES[k]}) is "${t}", expected a number`);
        }
        value = parseFloat32(t); // inf, nan: not finite, refused below
      }
      if (!Number.isFinite(value)) {
        const sid = k === 0 ? null : idOrNull(tok(0));
        throw new SwcError('not-finite', file, lineNo, sid,
          `field ${k + 1} (${FIELD_NAMES[k]}) is "${tok(k)}", expected a finite number${float ? ' (within float32 range)' : ''}`);
      }
      v[k] = value;
    }
    for (let k = 0; k < 7; k += k === 1 ? 5 : 1) {
      if (!Number.isInteger(v[k]) || Math.abs(v[k]) > 2 ** 53) {
        throw new SwcError('not-an-integer', file, lineNo, k === 0 ? null : v[0],
          `field ${k + 1} (${FIELD_NAMES[k]}) is "${tok(k)}", expected an integer${Number.isInteger(v[k]) ? ' below 2^53' : ''}`);
      }
    }
    if (v[0] < 0) {
      throw new SwcError('not-an-integer', file, lineNo, v[0], `id is ${tok(0)}, expected a non-negative integer`);
    }
    if (v[5] < 0) {
      throw new SwcError('negative-radius', file, lineNo, v[0], `radius is ${tok(5)}, expected a value >= 0`);
    }
    if (n === cap) {
      cap *= 2;
      id = grow(id, cap); x = grow(x, cap); y = grow(y, cap); z = grow(z, cap);
      radius = grow(radius, cap); parentId = grow(parentId, cap);
      type = growI(type, cap); line = growI(line, cap);
    }
    id[n] = v[0];
    type[n] = v[1];
    x[n] = v[2];
    y[n] = v[3];
    z[n] = v[4];
    radius[n] = v[5];
    parentId[n] = v[6];
    line[n] = lineNo;
    n++;
  }
  return {
    n,
    id: id.slice(0, n), type: type.slice(0, n), x: x.slice(0, n), y: y.slice(0, n), z: z.slice(0, n),
    radius: radius.slice(0, n), parentId: parentId.slice(0, n), line: line.slice(0, n),
  };
}

function idOrNull(t: string): number | null {
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/**
 * The value of a token written as 1 to 9 decimal digits, or -1 for anything else (signs included),
 * which the caller then reads by the general path.
 */
function smallInteger(text: string, a: number, b: number): number {
  if (b - a > 9) return -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Fast check for the common spelling of a number: [sign] digits [. digits] [e [sign] digits].
 * False for anything else (the caller then uses the full C-literal check).
 */
function plainDecimal(text: string, a: number, b: number): boolean {
  let i = a;
  let c = text.charCodeAt(i);
  if (c === 43 || c === 45) c = text.charCodeAt(++i);
  let digits = 0;
  while (i < b && (c = text.charCodeAt(i)) >= 48 && c <= 57) { i++; digits++; }
  if (i < b && c === 46) {
    i++;
    while (i < b && (c = text.charCodeAt(i)) >= 48 && c <= 57) { i++; digits++; }
  }
  if (digits === 0) return false;
  if (i < b && (c === 101 || c === 69)) {
    i++;
    c = text.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    let e = 0;
    while (i < b && (c = text.charCodeAt(i)) >= 48 && c <= 57) { i++; e++; }
    if (e === 0) return false;
  }
  return i === b;
}
