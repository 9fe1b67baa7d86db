/**
 * Neurolucida ASC text → tokens, as NEURON 8.2's `Import3d_Neurolucida3.lex` (read_nlcda3.hoc)
 * splits it. NEURON lexes one line at a time with `sscanf`; the rules that matter:
 * - Lines end at LF, CRLF or a lone CR; trailing spaces (only spaces) are dropped.
 * - A token position whose first non-blank character is `;` starts a comment to the end of line.
 * - Token kinds, tried in this order: C number (`%lf`: decimal with optional exponent, `inf`,
 *   `nan`), `(` `)` `,` `|` `<` `>`, `set`/`Set`/`SET` and `RGB` (prefixes, followed by more
 *   text on the same line), a double-quoted string on one line, a word of [A-Za-z0-9_].
 * - Anything else is NEURON's `err` token: a stray character, a string without its closing
 *   quote, or whitespace other than spaces (a TAB) left at the end of a line. NEURON's parser
 *   stops with "parse error" when it meets one; so does ours (AscError).
 */
import { UserError } from '../errors.ts';
import { lineEnd, nextLineStart } from './text.ts';

export type AscErrorCode = 'syntax' | 'lexical' | 'unsupported' | 'not-finite' | 'empty' | 'no-sections';

/** A refused ASC file: names the file, the 1-based line and what was expected there. */
export class AscError extends UserError {
  readonly code: AscErrorCode;
  readonly file: string;
  readonly line: number | null;
  constructor(code: AscErrorCode, file: string, line: number | null, what: string) {
    super(`${line === null ? file : `${file}:${line}`}: ${what}`);
    this.name = 'AscError';
    this.code = code;
    this.file = file;
    this.line = line;
  }
}

export const Tok = {
  Eof: 0, Num: 1, LPar: 2, RPar: 3, Comma: 4, Bar: 5, Set: 6, Rgb: 7, Str: 8, Label: 9, Err: 10, LSp: 11, RSp: 12,
} as const;
export type Tok = (typeof Tok)[keyof typeof Tok];

export interface AscToken {
  kind: Tok;
  /** Value of a number token. */
  x: number;
  /** Text of a string or label token; for Err the offending text. */
  s: string;
  /** 1-based line the token starts on. */
  line: number;
}

const KIND_NAMES = ['end of file', 'a number', "'('", "')'", "','", "'|'", "'set'", "'RGB'", 'a string', 'a word', 'an unreadable character', "'<'", "'>'"];

export function kindName(k: Tok): string {
  return KIND_NAMES[k];
}

export function describeToken(t: AscToken): string {
  switch (t.kind) {
    case Tok.Num: return `the number ${t.s}`;
    case Tok.Str: return `the string "${t.s}"`;
    case Tok.Label: return `the word "${t.s}"`;
    case Tok.Err: return t.s;
    default: return KIND_NAMES[t.kind];
  }
}

const NUMBER = /[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])/y;
const HEX = /[+-]?0[xX]/y;
const WORD = /[A-Za-z0-9_]+/y;
const SINGLE_KINDS: Tok[] = [Tok.LPar, Tok.RPar, Tok.Comma, Tok.Bar, Tok.LSp, Tok.RSp];

function isBlank(c: number): boolean {
  // C isspace without the newline, which NEURON's line always ends with
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

/** All tokens of `text`, ending with one Eof token (after an Err token nothing more is read). */
export function tokenize(text: string, file: string): AscToken[] {
  const out: AscToken[] = [];
  const len = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  while (pos < len) {
    lineNo++;
    const end = lineEnd(text, pos);
    const next = nextLineStart(text, end);
    let stop = end;
    while (stop > pos && text.charCodeAt(stop - 1) === 32) stop--;
    const line = text.slice(pos, stop);
    pos = next;
    if (!lexLine(line, lineNo, out, file)) {
      out.push({ kind: Tok.Eof, x: 0, s: '', line: lineNo });
      return out;
    }
  }
  out.push({ kind: Tok.Eof, x: 0, s: '', line: lineNo });
  return out;
}

/** Tokens of one line (without its line end); false after an Err token. */
function lexLine(line: string, lineNo: number, out: AscToken[], file: string): boolean {
  const n = line.length;
  const at = line.indexOf('@');
  let i = 0;
  for (;;) {
    // NEURON reads the next line when only the newline is left (`len(line) <= 1`)
    if (i >= n) return true;
    let j = i;
    while (j < n && isBlank(line.charCodeAt(j))) j++;
    if (j >= n) {
      // whitespace other than spaces left before the newline: NEURON's `err` token
      out.push({ kind: Tok.Err, x: 0, s: 'whitespace other than spaces (a TAB?) at the end of the line', line: lineNo });
      return false;
    }
    const c = line.charCodeAt(j);
    if (c === 59) { // ';' comment
      if (line.charCodeAt(j + 1) === 64) return errAt(out, lineNo, "'@' right after ';'");
      return true;
    }
    if (at >= j) {
      throw new AscError('unsupported', file, lineNo, `'@' outside a comment (column ${at + 1}): NEURON's reader cuts lines there; remove it`);
    }
    // digits, '.', a sign, or the i/n of inf/nan: try a C number first, as sscanf("%lf") does
    if ((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 105 || c === 73 || c === 110 || c === 78) {
      HEX.lastIndex = j;
      if (HEX.test(line)) throw new AscError('unsupported', file, lineNo, `hexadecimal number at column ${j + 1}; write it in decimal`);
      NUMBER.lastIndex = j;
      const m = NUMBER.exec(line);
      if (m) {
        const t = m[0];
        const last = t.charCodeAt(t.length - 1);
        const special = last === 102 || last === 70 || last === 121 || last === 89 || last === 110 || last === 78; // inf, infinity, nan
        const x = !special ? Number(t) : /n$/i.test(t) && /nan$/i.test(t) ? NaN : t.charCodeAt(0) === 45 ? -Infinity : Infinity;
        out.push({ kind: Tok.Num, x, s: t, line: lineNo });
        i = j + t.length;
        continue;
      }
    }
    const single = '(),|<>'.indexOf(line[j]);
    if (single >= 0) {
      out.push({ kind: SINGLE_KINDS[single], x: 0, s: line[j], line: lineNo });
      i = j + 1;
      continue;
    }
    const three = c === 115 || c === 83 || c === 82 ? line.slice(j, j + 3) : '';
    if (three === 'set' || three === 'Set' || three === 'SET' || three === 'RGB') {
      // `" set %[^@]"`: the blank after the keyword also eats the newline, so the keyword only
      // counts when more text follows on the same line
      let k = j + 3;
      while (k < n && isBlank(line.charCodeAt(k))) k++;
      if (k < n) {
        out.push({ kind: three === 'RGB' ? Tok.Rgb : Tok.Set, x: 0, s: three, line: lineNo });
        i = k;
        continue;
      }
    }
    if (c === 34) { // '"'
      const close = line.indexOf('"', j + 1);
      if (close < 0) return errAt(out, lineNo, 'a string without its closing \'"\' on the same line');
      out.push({ kind: Tok.Str, x: 0, s: line.slice(j + 1, close), line: lineNo });
      i = close + 1;
      continue;
    }
    WORD.lastIndex = j;
    const w = WORD.exec(line);
    if (w) {
      out.push({ kind: Tok.Label, x: 0, s: w[0], line: lineNo });
      i = j + w[0].length;
      continue;
    }
    return errAt(out, lineNo, `the character '${line[j]}' (column ${j + 1})`);
  }
}

function errAt(out: AscToken[], lineNo: number, what: string): false {
  out.push({ kind: Tok.Err, x: 0, s: what, line: lineNo });
  return false;
}
