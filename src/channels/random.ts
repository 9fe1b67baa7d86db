/**
 * The project's seeded random numbers (noise currents, Poisson spike trains).
 *
 * `uniformGenerator(seed)`: uniforms on [0, 1) with 53 random bits from xoshiro128** (Blackman &
 * Vigna 2018) on four 32-bit words seeded by four outputs of splitmix32 (the 32-bit variant of
 * Steele, Lea & Flood's SplitMix, constants 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35) from `seed`. Each
 * uniform takes two outputs, a (top 27 bits) and b (top 26 bits): u = (a·2^26 + b)/2^53. Integer
 * arithmetic only, so the same seed gives the same numbers on every platform.
 */

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export function uniformGenerator(seed: number): () => number {
  let sm = seed >>> 0;
  const splitmix32 = (): number => {
    sm = (sm + 0x9e3779b9) >>> 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix32();
  let s1 = splitmix32();
  let s2 = splitmix32();
  let s3 = splitmix32();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    return r;
  };
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}
