/**
 * Mutations of JSON input files for the fuzz tests (fuzz-*.test.ts): delete, replace, duplicate or
 * rename a key or element, insert prototype keys; replacement values are the extremes that have
 * broken input checkers (0, -0, 1e-308, 5e-324, 1e308, "NaN", Infinity, nesting 5000 deep, long
 * strings, wrong types, look-alike Unicode letters). Each mutation says whether the result is
 * certainly invalid, so that a test can also catch a silent accept.
 */
import fc from 'fast-check';

export type Json = unknown;
type Key = string | number;

/** Latin letters and the Cyrillic letters that look the same. */
const LOOKALIKE: Record<string, string> = { a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у', i: 'і', s: 'ѕ', A: 'А', B: 'В', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т' };

/** `s` with its first look-alike letter replaced (unchanged when it has none). */
export function lookalike(s: string): string {
  for (let i = 0; i < s.length; i++) if (LOOKALIKE[s[i]]) return s.slice(0, i) + LOOKALIKE[s[i]] + s.slice(i + 1);
  return s;
}

function deep(n: number): Json {
  let v: Json = 1;
  for (let i = 0; i < n; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

/** An object with an own enumerable key `k` (as JSON.parse makes it, even for "__proto__"). */
function withKey(k: string, v: Json): Record<string, Json> {
  const o: Record<string, Json> = {};
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

interface Replacement {
  name: string;
  make: (old: Json) => Json;
  /** Is the mutant certainly invalid when this replaces `old` at key `key`? */
  invalid: (old: Json, key: Key) => boolean;
}

/** Keys whose string values name something on the cell or in a fixed vocabulary. */
const NAME_KEYS = new Set(['region', 'at', 'origin', 'distance_origin', 'method', 'type', 'file', 'morphology', 'pick', 'kind', 'format']);

const isNum = (v: Json) => typeof v === 'number';
const never = () => false;

export const REPLACEMENTS: Replacement[] = [
  { name: '0', make: () => 0, invalid: never },
  { name: '-0', make: () => -0, invalid: never },
  { name: '1e-308', make: () => 1e-308, invalid: never },
  { name: '5e-324', make: () => 5e-324, invalid: never },
  { name: '1e308', make: () => 1e308, invalid: never },
  { name: '-1e308', make: () => -1e308, invalid: never },
  { name: '-1', make: () => -1, invalid: never },
  { name: '1.5', make: () => 1.5, invalid: never },
  { name: '2^53+1', make: () => 2 ** 53 + 2, invalid: never },
  { name: '"NaN"', make: () => 'NaN', invalid: isNum },
  { name: '"Infinity"', make: () => 'Infinity', invalid: isNum },
  { name: '"-Infinity"', make: () => '-Infinity', invalid: isNum },
  { name: 'Infinity', make: () => Infinity, invalid: isNum },
  { name: 'NaN', make: () => NaN, invalid: isNum },
  { name: 'number as string', make: (old) => (isNum(old) ? String(old) : '5'), invalid: isNum },
  { name: 'null', make: () => null, invalid: never },
  { name: 'true', make: () => true, invalid: isNum },
  { name: '[]', make: () => [], invalid: isNum },
  { name: '{}', make: () => ({}), invalid: isNum },
  { name: '""', make: () => '', invalid: isNum },
  { name: 'long string', make: () => 'x'.repeat(100_000), invalid: isNum },
  { name: 'long number string', make: () => '1'.repeat(5000) + ' nA', invalid: isNum },
  { name: 'nested 5000 deep', make: () => deep(5000), invalid: () => true },
  { name: 'brackets 5000 deep', make: () => '('.repeat(5000) + '1' + ')'.repeat(5000), invalid: isNum },
  { name: 'look-alike', make: (old) => (typeof old === 'string' ? lookalike(old) : old), invalid: (old, key) => typeof old === 'string' && lookalike(old) !== old && NAME_KEYS.has(String(key)) },
  { name: 'wrong type (number)', make: (old) => (typeof old === 'string' ? 42 : old), invalid: never },
  { name: 'quantity with a wrong unit', make: () => '5 parsec', invalid: isNum },
  { name: 'unit expression', make: () => '1/(20000 ohm cm^2)', invalid: never },
  { name: 'array of extremes', make: () => [0, -0, 5e-324, 1e308], invalid: never },
];

export type Mutation =
  | { kind: 'delete'; pick: number }
  | { kind: 'replace'; pick: number; with: number }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'rename'; pick: number; to: number }
  | { kind: 'insertKey'; pick: number; key: number };

const RENAMES = ['__proto__', 'constructor', 'lookalike', 'prototype', 'UPPER', 'x'];
const INSERT_KEYS = ['__proto__', 'constructor', 'prototype', 'unknown_key'];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), with: fc.nat(REPLACEMENTS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), to: fc.nat(RENAMES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insertKey' as const), pick: fc.nat(), key: fc.nat(INSERT_KEYS.length - 1) }) },
);

/** Every path in the tree (root excluded), parents before children. */
function paths(v: Json): Key[][] {
  const out: Key[][] = [];
  const walk = (x: Json, p: Key[], depth: number) => {
    if (depth > 12 || typeof x !== 'object' || x === null) return;
    for (const [k, c] of Array.isArray(x) ? x.map((c, i) => [i, c] as const) : Object.entries(x)) {
      out.push([...p, k]);
      walk(c, [...p, k], depth + 1);
    }
  };
  walk(v, [], 0);
  return out;
}

/** Every object (including the root) in the tree, by path. */
function objectPaths(v: Json): Key[][] {
  return [[], ...paths(v)].filter((p) => {
    const x = get(v, p);
    return typeof x === 'object' && x !== null && !Array.isArray(x);
  });
}

function get(v: Json, p: readonly Key[]): Json {
  let x = v;
  for (const k of p) x = (x as Record<Key, Json>)[k];
  return x;
}

export interface Mutant {
  value: Json;
  /** What was done, for failure messages. */
  what: string[];
  /** True when some mutation certainly made the input invalid. */
  invalid: boolean;
}

/** Apply mutations to a deep copy of `original`. */
export function mutate(original: Json, mutations: readonly Mutation[]): Mutant {
  let root = structuredClone(original);
  const what: string[] = [];
  // Each certainly-invalid change, as a test that it is still there (a later mutation may delete it).
  const invalidities: (() => boolean)[] = [];
  const stillAt = (p: readonly Key[], test: (parent: Record<Key, Json>) => boolean) => () => {
    try {
      const parent = get(root, p) as Record<Key, Json>;
      return typeof parent === 'object' && parent !== null && test(parent);
    } catch {
      return false;
    }
  };
  for (const m of mutations) {
    if (m.kind === 'insertKey') {
      const objs = objectPaths(root);
      const p = objs[m.pick % objs.length];
      const key = INSERT_KEYS[m.key];
      Object.defineProperty(get(root, p) as object, key, { value: 1, enumerable: true, writable: true, configurable: true });
      what.push(`insert key ${key} at ${p.join('.') || '$'}`);
      invalidities.push(stillAt(p, (o) => Object.hasOwn(o, key))); // no protocol or mechanism object takes such a key
      continue;
    }
    const all = paths(root);
    if (all.length === 0) continue;
    const p = all[m.pick % all.length];
    const parent = get(root, p.slice(0, -1)) as Record<Key, Json>;
    const key = p[p.length - 1];
    const old = parent[key];
    const at = p.join('.');
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) (parent as Json[]).splice(key as number, 1);
      else delete parent[key];
      what.push(`delete ${at}`);
    } else if (m.kind === 'replace') {
      const r = REPLACEMENTS[m.with];
      const v = r.make(old);
      if (key === '__proto__') continue;
      parent[key] = v;
      what.push(`replace ${at} (${typeof old === 'object' && old !== null ? (Array.isArray(old) ? 'an array' : 'an object') : String(old).slice(0, 40)}) with ${r.name}`);
      const there = stillAt(p.slice(0, -1), (o) => Object.hasOwn(o, key) && Object.is(o[key], v));
      if (r.invalid(old, key) || (key === 'description' && p.length === 1 && typeof v !== 'string')) invalidities.push(there);
    } else if (m.kind === 'duplicate') {
      if (Array.isArray(parent)) (parent as Json[]).splice(key as number, 0, structuredClone(old));
      else {
        parent[`${key}_copy`] = structuredClone(old);
        invalidities.push(stillAt(p.slice(0, -1), (o) => Object.hasOwn(o, `${key}_copy`))); // an unknown key (or name) wherever it lands
      }
      what.push(`duplicate ${at}`);
    } else {
      if (Array.isArray(parent)) continue;
      const to = RENAMES[m.to] === 'lookalike' ? lookalike(String(key)) : RENAMES[m.to] === 'UPPER' ? String(key).toUpperCase() : RENAMES[m.to];
      if (to === key) continue;
      const entries = Object.entries(parent);
      for (const k of Object.keys(parent)) delete parent[k];
      for (const [k, v] of entries) Object.defineProperty(parent, k === key ? to : k, { value: v, enumerable: true, writable: true, configurable: true });
      what.push(`rename ${at} to ${to}`);
      invalidities.push(stillAt(p.slice(0, -1), (o) => Object.hasOwn(o, to))); // every key is checked: a renamed one is unknown
    }
  }
  if (root === undefined) root = null;
  return { value: root, what, invalid: invalidities.some((f) => f()) };
}

/** A list of 1–2 mutations. */
export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 2 });

export { withKey };
