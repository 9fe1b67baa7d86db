import { describe, expect, it } from 'vitest';
import { exp } from '../../src/channels/exp.ts';
import { createExpBatch } from '../../src/channels/exp-wasm.ts';

describe('batched exp in WebAssembly', () => {
  it('gives exactly exp.ts bits, specials and every batch length and offset included', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const n = 20000;
    const batch = createExpBatch(n);
    const xs = new Float64Array(n);
    const scales = [708, 40, 1, 1e-3, 1e-17, 800, 520, 0.3];
    for (let i = 0; i < n; i++) xs[i] = (rand() * 2 - 1) * scales[i % scales.length];
    xs.set([NaN, Infinity, -Infinity, 0, -0, 511.99, -745.2, 2 ** -54, -(2 ** -55)], 100);
    batch.buf.set(xs);
    batch.run(0, n);
    let mismatches = 0;
    for (let i = 0; i < n; i++) if (!Object.is(batch.buf[i], exp(xs[i]))) mismatches++;
    expect(mismatches).toBe(0);
    for (let len = 0; len < 8; len++) {
      for (let off = 0; off < 3; off++) {
        batch.buf.fill(7, 0, 16);
        const src = Array.from({ length: len }, () => -3 * rand());
        batch.buf.set(src, off);
        batch.run(off, len);
        for (let i = 0; i < 16; i++) {
          expect(batch.buf[i]).toBe(i >= off && i < off + len ? exp(src[i - off]) : 7);
        }
      }
    }
  });

  it('relax: x + (1 − exp(a))·(inf − x) with the same bits as in JavaScript, any length, specials included', () => {
    let seed = 11;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    for (const n of [0, 1, 2, 3, 5, 100, 1001]) {
      const batch = createExpBatch(3 * n + 2);
      const s = 1, a = 1 + n, inf = 1 + 2 * n;
      const x0 = Array.from({ length: n }, () => rand());
      const a0 = Array.from({ length: n }, (_, k) => (k % 17 === 3 ? [NaN, 0, 1e-20, 600][k % 4] : -0.5 * rand()));
      const i0 = Array.from({ length: n }, () => rand());
      batch.buf.set(x0, s);
      batch.buf.set(a0, a);
      batch.buf.set(i0, inf);
      batch.buf[0] = 42;
      batch.buf[3 * n + 1] = 43;
      batch.relax(s, a, inf, n);
      for (let k = 0; k < n; k++) {
        expect(Object.is(batch.buf[s + k], x0[k] + (1.0 - exp(a0[k])) * (i0[k] - x0[k]))).toBe(true);
      }
      expect([batch.buf[0], batch.buf[3 * n + 1]]).toEqual([42, 43]);
    }
  });

  it('refuses a range outside its scratch', () => {
    const batch = createExpBatch(4);
    expect(() => batch.run(2, 3)).toThrow(RangeError);
    expect(() => batch.relax(0, 1, 2, 3)).toThrow(RangeError);
  });
});
