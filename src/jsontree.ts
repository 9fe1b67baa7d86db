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
