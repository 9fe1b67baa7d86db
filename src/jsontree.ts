/**
 * Safe handling of parsed user JSON (protocols, mechanism files): a first check of the tree's
 * shape, and values quoted in messages. Both walk without recursion, so a value nested thousands
 * deep (which JSON.parse accepts) costs a few dozen steps, never a stack overflow.
 */

/** Keys refused everywhere in user JSON: they would reach (or shadow) an object's prototype. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
/** Deepest nesting of objects and arrays accepted in a user JSON file (protocols need about 6). */
export const MAX_JSON_DEPTH = 32;

/**
 * The first problem with the shape of a parsed JSON tree, as [JSON path, message], or null:
 * nesting deeper than MAX_JSON_DEPTH, or a key of FORBIDDEN_KEYS.
 */
export function jsonTreeProblem(raw: unknown, root = '$'): [string, string] | null {
  const stack: [unknown, string, number][] = [[raw, root, 0]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) return [path, `nested more than ${MAX_JSON_DEPTH} levels deep; no field of the format needs that`];
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`, depth + 1]);
      continue;
    }
    const keys = Object.keys(v);
    for (const k of keys) {
      if (FORBIDDEN_KEYS.includes(k)) return [`${path}.${k}`, `the key "${k}" is not allowed (it names a JavaScript object internal)`];
    }
    for (let i = keys.length - 1; i >= 0; i--) stack.push([(v as Record<string, unknown>)[keys[i]], `${path}.${keys[i]}`, depth + 1]);
  }
  return null;
}

/** JSON text of `v` for a message, cut to `max` characters (with "..."). */
export function showValue(v: unknown, max: number): string {
  if (v === undefined) return 'nothing';
  const s = brief(v, max);
  return s.length > max ? s.slice(0, max - 3) + '...' : s;
}

/** JSON text of `v`, stopping once about `budget` characters are written. */
function brief(v: unknown, budget: number): string {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v) ?? String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > budget ? v.slice(0, budget + 1) : v);
  if (typeof v !== 'object') return String(v);
  const isArray = Array.isArray(v);
  let out = isArray ? '[' : '{';
  const keys = isArray ? null : Object.keys(v as object);
  const n = isArray ? (v as unknown[]).length : keys!.length;
  for (let i = 0; i < n && out.length <= budget; i++) {
    if (i > 0) out += ',';
    if (isArray) out += brief((v as unknown[])[i], budget - out.length);
    else out += `${JSON.stringify(keys![i])}:${brief((v as Record<string, unknown>)[keys![i]], budget - out.length)}`;
  }
  return out + (isArray ? ']' : '}');
}

/** A key that appears twice in one JSON object (JSON.parse keeps the last value silently). */
export interface DuplicateKey {
  /** JSON path of the repeated member, e.g. `$.run.dt_ms` (the same form as jsonTreeProblem's). */
  path: string;
  /** The key, decoded (`"\u0061"` and `"a"` are the same key). */
  key: string;
  /** Where it appears again: 1-based line and column of its opening quote. */
  line: number;
  column: number;
  /** Where it appeared first. */
  firstLine: number;
  firstColumn: number;
}

/** One open object or array while scanning. */
interface ScanFrame {
  path: string;
  /** Object: keys seen → offset of their opening quote; null for an array. */
  keys: Map<string, number> | null;
  /** Object: the next string is a key. Array: the index of the current element. */
  expectKey: boolean;
  index: number;
  /** The path of the member being read (object: after its key). */
  member: string;
}

function lineColumnAt(text: string, offset: number): [number, number] {
  let line = 1, start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return [line, offset - start + 1];
}

/**
 * The first key repeated within one object of `text`, or null. `text` must be JSON that
 * JSON.parse accepted (call this after it). One pass without recursion: any nesting depth is safe,
 * and an array of a million numbers costs no path strings.
 */
export function findDuplicateKey(text: string, root = '$'): DuplicateKey | null {
  const stack: ScanFrame[] = [];
  const n = text.length;
  /** Path of the value starting now. */
  const here = (): string => {
    const top = stack[stack.length - 1];
    if (top === undefined) return root;
    return top.keys === null ? `${top.path}[${top.index}]` : top.member;
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const path = here();
      stack.push({ path, keys: c === 0x7b ? new Map() : null, expectKey: c === 0x7b, index: 0, member: '' });
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      i++;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top.keys === null) top.index++;
      else top.expectKey = true;
      i++;
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (top !== undefined && top.keys !== null && top.expectKey) {
        const raw = text.slice(i, j + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const first = top.keys.get(key);
        if (first !== undefined) {
          const [line, column] = lineColumnAt(text, i);
          const [firstLine, firstColumn] = lineColumnAt(text, first);
          return { path: `${top.path}.${key}`, key, line, column, firstLine, firstColumn };
        }
        top.keys.set(key, i);
        top.member = `${top.path}.${key}`;
        top.expectKey = false;
      }
      i = j + 1;
    } else {
      i++; // whitespace, ':', and the characters of numbers, true, false, null
    }
  }
  return null;
}

/** The message for a duplicate key, after "FILE: PATH: ". */
export function duplicateKeyMessage(d: DuplicateKey): string {
  return (
    `the key "${d.key}" appears twice in one object (line ${d.firstLine}, column ${d.firstColumn} and line ${d.line}, column ${d.column}); ` +
    `JSON keeps only the last value, so the first would be ignored without a word. Keep one of them`
  );
}
