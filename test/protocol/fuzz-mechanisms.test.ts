/**
 * Property test over mutated mechanism files (fixtures/mechanisms/*.json and hay/*.json; the
 * mutations are those of fuzz-mutate.ts) are written as JSON text, then parsed, checked and
 * compiled (parseMechanism). Every mutant gives a mechanism or a clean error (a UserError naming the file and the
 * JSON path), never another exception and never a hang; a mutant that is certainly invalid (a
 * prototype key, a value nested 5000 deep, "NaN" for a number, a renamed or duplicated key) is
 * never accepted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { convertQuantity } from '../../src/protocol/units.ts';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMechanism } from '../../src/channels/user/load.ts';
import { UserError } from '../../src/errors.ts';
import { mutate, mutationsArb, type Json } from './fuzz-mutate.ts';

const DIR = fileURLToPath(new URL('../../fixtures/mechanisms/', import.meta.url));
const files = [
  ...readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => join(DIR, f)),
  ...readdirSync(join(DIR, 'hay')).filter((f) => f.endsWith('.json')).map((f) => join(DIR, 'hay', f)),
].sort();

/** JSON text of a mutant: JSON.stringify cannot write a value nested 5000 deep, so write it with a stack. */
function toJson(v: Json): string {
  const out: string[] = [];
  const stack: ({ v: Json } | string)[] = [{ v }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const x = item.v;
    if (Array.isArray(x)) {
      out.push('[');
      stack.push(']');
      for (let i = x.length - 1; i >= 0; i--) stack.push({ v: x[i] }, ...(i > 0 ? [','] : []));
    } else if (typeof x === 'object' && x !== null) {
      out.push('{');
      stack.push('}');
      const keys = Object.keys(x);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ v: (x as Record<string, Json>)[keys[i]] }, `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`);
    } else {
      // JSON has no NaN or Infinity: they become null, as JSON.stringify writes them
      out.push(typeof x === 'number' && !Number.isFinite(x) ? 'null' : JSON.stringify(x));
    }
  }
  return out.join('');
}

function uncleanError(file: string, e: unknown): string | null {
  if (!(e instanceof UserError)) return `not a UserError: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`;
  if (!e.message.includes(file)) return `does not name the file: ${e.message}`;
  if (!/\$/.test(e.message)) return `no JSON path: ${e.message}`;
  return null;
}

const LIMIT_MS = 10_000;

describe('mutated mechanism files give a mechanism or a clean error', () => {
  // mathjs takes seconds to load on a busy machine: load it before any mutant is timed
  beforeAll(() => {
    convertQuantity('1 nA', 'nA');
  }, 120_000);
  it('the JSON writer agrees with JSON.stringify', () => {
    for (const f of files) {
      const raw = JSON.parse(readFileSync(f, 'utf8'));
      expect(toJson(raw)).toBe(JSON.stringify(raw));
    }
    let deep: Json = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(toJson(deep)).toBe('['.repeat(5000) + '1' + ']'.repeat(5000));
  });
  let total = 0;
  for (const file of files) {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Json;
    const name = file.slice(DIR.length);
    it(`${name} (20 mutants)`, () => {
      const seed = [...name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, 11);
      fc.assert(
        fc.property(mutationsArb, (mutations) => {
          const m = mutate(raw, mutations);
          const text = toJson(m.value);
          const t0 = performance.now();
          let error: unknown = null;
          try {
            parseMechanism(text, file);
          } catch (e) {
            error = e;
          }
          const ms = performance.now() - t0;
          total++;
          const label = m.what.join('; ');
          expect(ms, `took ${ms.toFixed(0)} ms: ${label}`).toBeLessThan(LIMIT_MS);
          if (error === null) expect(m.invalid, `accepted an invalid mutant: ${label}`).toBe(false);
          else expect(uncleanError(file, error), label).toBe(null);
        }),
        { seed, numRuns: 20, endOnFailure: true },
      );
    }, 60_000);
  }
  it('ran enough mutants', () => {
    expect(total).toBeGreaterThanOrEqual(240);
  });
});
