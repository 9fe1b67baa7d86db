import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadProtocol, runProtocol } from '../../src/protocol/index.ts';

describe('progress reporting during a run', () => {
  it('reports increasing fractions up to 1 and does not change the result', () => {
    const p = loadProtocol(fileURLToPath(new URL('../../fixtures/protocols/ramp_ball_and_stick.json', import.meta.url)));
    const seen: number[] = [];
    const a = runProtocol(p, { onProgress: (f) => seen.push(f) });
    const b = runProtocol(p);
    expect(seen.length).toBeGreaterThan(100);
    expect(seen.length).toBeLessThanOrEqual(201);
    for (let k = 1; k < seen.length; k++) expect(seen[k]).toBeGreaterThan(seen[k - 1]);
    expect(seen[seen.length - 1]).toBe(1);
    expect(Array.from(a.result.traces[0])).toEqual(Array.from(b.result.traces[0]));
  });
});
