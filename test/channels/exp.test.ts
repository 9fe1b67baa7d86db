import { describe, expect, it } from 'vitest';
import { exp, expTableEntry } from '../../src/channels/exp.ts';

function bits(x: number): bigint {
  return new BigUint64Array(Float64Array.of(x).buffer)[0];
}

describe('exp (glibc algorithm)', () => {
  it("computes glibc's 2^(i/128) table exactly (entries as in glibc's e_exp_data.c)", () => {
    // glibc stores tail bits and scale bits minus (i << 45).
    const published: [number, bigint, bigint][] = [
      [1, 0x3c9b3b4f1a88bf6en, 0x3feff63da9fb3335n],
      [2, 0xbc7160139cd8dc5dn, 0x3fefec9a3e778061n],
      [3, 0xbc905e7a108766d1n, 0x3fefe315e86e7f85n],
      [127, 0x3c5305c14160cc89n, 0x3feff3c22b8f71f1n],
    ];
    for (const [i, tail, scale] of published) {
      const [s, t] = expTableEntry(i);
      expect(bits(t)).toBe(tail);
      expect(bits(s) - (BigInt(i) << 45n)).toBe(scale);
    }
    expect(expTableEntry(0)).toEqual([1, 0]);
  });

  it('is within one ulp of Math.exp over the range rate functions use, and beyond', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    let worst = 0;
    for (let k = 0; k < 100000; k++) {
      const x = (rand() * 2 - 1) * (k % 3 === 0 ? 708 : k % 3 === 1 ? 40 : 1e-3);
      const want = Math.exp(x);
      const got = exp(x);
      const ulp = Math.max(Number.MIN_VALUE, 2 ** (Math.floor(Math.log2(want)) - 52));
      worst = Math.max(worst, Math.abs(got - want) / ulp);
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('handles the special cases like Math.exp', () => {
    expect(exp(0)).toBe(1);
    expect(exp(-0)).toBe(1);
    expect(exp(1)).toBe(Math.E);
    expect(exp(1e-20)).toBe(1);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(800)).toBe(Infinity);
    expect(exp(-800)).toBe(0);
    expect(Number.isNaN(exp(NaN))).toBe(true);
    // Values glibc's exp returns (Debian 13, x86-64).
    expect(exp(-0.5)).toBe(0.6065306597126334);
    expect(exp(2.5)).toBe(12.182493960703473);
    expect(exp(-7.3)).toBe(0.0006755387751938444);
    expect(exp(100)).toBe(2.6881171418161356e43);
    expect(exp(-300)).toBe(5.148200222412013e-131);
  });
});
