/**
 * Property test over mutated SWC text: the loader either returns a morphology whose numbers are
 * finite or throws a typed SwcError. Never another exception, never a hang.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseSwc, SwcError } from '../../src/morphology/index.ts';
import { morphologyPath } from './paths.ts';

const seeds = ['suites/morphio/simple.swc', 'suites/morphio/three_point_soma.swc', 'suites/arbor/inline/neuron_compliant__branchy_soma.swc',
  'edge/y_fork.swc', 'suites/jaxley/morph_interrupted_soma.swc', 'suites/morphio/soma_cylinders.swc']
  .map((r) => readFileSync(morphologyPath(r)!, 'utf8'));

const TOKENS = ['-1', '0', '1', '2', '3', '4', '7', '-3', '1e3', '1e39', 'nan', 'inf', '-0', '0.5', '#', 'x', '', ' ', '\t',
  '\r', '\n', '\r\n', '1.5', '99999999999999999999', '"1"', ',', '\ufeff', '.', 'e', '-'];

type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'token'; line: number; field: number; text: string }
  | { kind: 'dupline'; line: number }
  | { kind: 'swaplines'; a: number; b: number }
  | { kind: 'dropline'; line: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('token' as const), line: fc.nat(), field: fc.nat({ max: 7 }), text: fc.constantFrom(...TOKENS) }),
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
    case 'token': {
      const i = m.line % L;
      const f = lines[i].trim().split(/\s+/);
      f[m.field % Math.max(f.length, 1)] = m.text;
      lines[i] = f.join(' ');
      return lines.join('\n');
    }
    case 'dupline': { const i = m.line % L; lines.splice(i, 0, lines[i]); return lines.join('\n'); }
    case 'swaplines': { const a = m.a % L, b = m.b % L; [lines[a], lines[b]] = [lines[b], lines[a]]; return lines.join('\n'); }
    case 'dropline': { lines.splice(m.line % L, 1); return lines.join('\n'); }
  }
}

describe('fuzzed SWC text', () => {
  it('gives a morphology or a typed error, nothing else', () => {
    let loaded = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (s, muts) => {
        const text = muts.reduce(apply, seeds[s]);
        try {
          const m = parseSwc(text, 'fuzz.swc');
          loaded++;
          for (const sec of m.sections) {
            expect(Number.isFinite(sec.L_um) && Number.isFinite(sec.area_um2), sec.name).toBe(true);
            if (sec.parent >= 0) expect(sec.parent).toBeLessThan(m.sections.indexOf(sec));
          }
        } catch (e) {
          if (!(e instanceof SwcError)) throw e;
          expect(e.message.startsWith('fuzz.swc')).toBe(true);
          refused++;
        }
      }),
      { numRuns: 1500, seed: 20261128 },
    );
    // The mutations must exercise both outcomes, or the property says little.
    expect(loaded).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
