/** docs/protocol.md documents every key the protocol checker accepts, and nothing else. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA_KEYS } from '../../src/protocol/protocol.ts';

const doc = readFileSync(fileURLToPath(new URL('../../docs/protocol.md', import.meta.url)), 'utf8');
const table = doc.slice(doc.indexOf('## Fields'), doc.indexOf('## Units'));
const documented = new Set([...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));

function schemaPaths(): string[] {
  const out: string[] = [];
  for (const [prefix, keys] of Object.entries(SCHEMA_KEYS)) {
    const base = prefix === '$' ? '' : prefix.slice(2) + '.';
    for (const k of keys) out.push(base + k);
  }
  return out;
}

describe('protocol documentation', () => {
  it('documents every accepted key', () => {
    const missing = schemaPaths().filter((p) => !documented.has(p));
    expect(missing).toEqual([]);
  });
  it('documents no key the checker refuses', () => {
    const accepted = new Set(schemaPaths());
    // container rows (e.g. `stimuli`, `biophysics.regions`) are accepted keys too
    const extra = [...documented].filter((p) => !accepted.has(p));
    expect(extra).toEqual([]);
  });
  it('every documented row has a default column', () => {
    for (const m of table.matchAll(/^\| `([^`]+)` \|([^|]*)\|([^|]*)\|/gm)) {
      expect(m[3].trim().length, m[1]).toBeGreaterThan(0);
    }
  });
});
