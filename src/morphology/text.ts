/**
 * Morphology files as text, shared by the SWC and Neurolucida ASC readers: reading a file with a
 * one-line error, and walking its lines whatever their ends (LF, CR or CRLF).
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';

/** The file's text; an unreadable file is a UserError naming it and the reason. */
export function readMorphologyText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: cannot read the morphology file (${code ?? String(e)})`);
  }
}

/** Index of the end of the line that starts at `pos`: its LF or CR, or the end of the text. */
export function lineEnd(text: string, pos: number): number {
  const len = text.length;
  let end = pos;
  while (end < len) {
    const c = text.charCodeAt(end);
    if (c === 10 || c === 13) break;
    end++;
  }
  return end;
}

/** Start of the next line after a line ending at `end` (past its LF, CR or CRLF). */
export function nextLineStart(text: string, end: number): number {
  if (end >= text.length) return end;
  return end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
}
