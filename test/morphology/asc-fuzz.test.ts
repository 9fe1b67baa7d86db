/**
 * Property test over mutated ASC text: the loader either returns a morphology whose numbers are
 * finite and whose parents come first, or throws a typed AscError naming the file. Never another
 * exception, never a hang (each case is timed against a generous bound).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { AscError, parseAscMorphology } from '../../src/morphology/index.ts';
import { morphologyPath } from './paths.ts';

const seeds = ['edge/asc_contour_dendrites.asc', 'edge/asc_apical_axon_branching.asc', 'edge/asc_markers_spines_comments.asc',
  'edge/asc_no_soma.asc', 'edge/asc_outside_soma.asc', 'edge/asc_cr_only_soma.asc']
  .map((r) => readFileSync(morphologyPath(r)!, 'utf8'));

const TOKENS = ['(', ')', '|', ',', '<', '>', ';', '"', '""', '"CellBody"', '(CellBody)', '(Dendrite)', '(Axon)', '(Apical)',
  'Normal', 'Incomplete', 'RGB', 'set ', '(Dot (1 2 3 4))', '(1 2 3 4)', '( 0 0 0 0 )', '0', '-1', '1e39', 'nan', 'inf',
  '1.5', '\t', ' ', '\n', '\r', '\r\n', '@', '0x1', '.', '-', 'e', '\ufeff', '{'];

type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'dupline'; line: number }
  | { kind: 'swaplines'; a: number; b: number }
  | { kind: 'dropline'; line: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('dupline' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swaplines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('dropline' as const), line: fc.nat() }),
);

function apply(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const L = lines.length;
  switch (m.kind) {
    case 'insert': { const at = m.at % (text.length + 1); return text.slice(0, at) + m.text + text.slice(at); }
    case 'delete': { const at = m.at % (text.length + 1); return text.slice(0, at) + text.slice(at + m.len); }
    case 'dupline': { const i = m.line % L; lines.splice(i, 0, lines[i]); return lines.join('\n'); }
    case 'swaplines': { const a = m.a % L, b = m.b % L; [lines[a], lines[b]] = [lines[b], lines[a]]; return lines.join('\n'); }
    case 'dropline': { lines.splice(m.line % L, 1); return lines.join('\n'); }
  }
}

describe('fuzzed ASC text', () => {
  it('gives a morphology with finite numbers or an AscError, nothing else', () => {
    let loaded = 0;
    let refused = 0;
    let slowest_ms = 0;
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 5 }), (s, muts) => {
        const text = muts.reduce(apply, seeds[s]);
        const t0 = performance.now();
        try {
          const m = parseAscMorphology(text, 'fuzz.asc');
          loaded++;
          for (const [k, sec] of m.sections.entries()) {
            expect(Number.isFinite(sec.L_um) && Number.isFinite(sec.area_um2), sec.name).toBe(true);
            for (const v of [sec.x, sec.y, sec.z, sec.d]) expect(v.every(Number.isFinite), sec.name).toBe(true);
            if (sec.parent >= 0) expect(sec.parent).toBeLessThan(k);
          }
        } catch (e) {
          if (!(e instanceof AscError)) throw e;
          expect(e.message.startsWith('fuzz.asc')).toBe(true);
          refused++;
        }
        slowest_ms = Math.max(slowest_ms, performance.now() - t0);
      }),
      { numRuns: 1200, seed: 20261202 },
    );
    // both outcomes must be exercised, or the property says little
    expect(loaded).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
    // a bound on hangs, not a benchmark: the seeds are < 100 lines
    expect(slowest_ms).toBeLessThan(2000);
  }, 60_000);
});
