/**
 * Seeds and random numbers of a sweep, derived by hashing so that nothing depends on the order in
 * which runs happen, on sharding or on the number of workers.
 *
 * `mix(a, b, ...)` folds 64-bit words through SplitMix64's finaliser (Steele, Lea & Flood 2014:
 * add 0x9e3779b97f4a7c15, then xor-shift-multiply by 0xbf58476d1ce4e5b9 and 0x94d049bb133111eb):
 * h = 0; for each word w: h = splitmix64(h ^ w). A uniform is the top 53 bits of a hash divided by
 * 2^53, so in [0, 1). All integer arithmetic, the same on every machine.
 */

const MASK = (1n << 64n) - 1n;

export function splitmix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

/** Hash of a sequence of non-negative integers (each taken mod 2^64). */
export function mix(...words: (number | bigint)[]): bigint {
  let h = 0n;
  for (const w of words) h = splitmix64(h ^ (BigInt(w) & MASK));
  return h;
}

/** A uniform in [0, 1) from a hash. */
export function toUniform(h: bigint): number {
  return Number(h >> 11n) / 9007199254740992;
}

/** Stream tags, so different uses of the same (seed, run) never share numbers. */
export const STREAM = { value: 1, protocol: 2, permutation: 3, population: 4 } as const;

/** The k-th uniform for parameter `param` of sample `sample`. */
export function sampleUniform(seed: number, sample: number, param: number, k = 0): number {
  return toUniform(mix(seed, STREAM.value, sample, param, k));
}

/**
 * The seed (0 … 2^32 − 1) a protocol's k-th seeded entry (noise stimulus, Poisson source) gets in a
 * run whose seed key is `key` (the run index, or the repeat index with "per_repeat").
 */
export function protocolSeed(seed: number, key: number, k: number): number {
  return Number(mix(seed, STREAM.protocol, key, k) & 0xffffffffn);
}

/**
 * The seed a synapse population's `train.seed` (kind 0) or placement seed (`at.random.seed`,
 * `at.cluster.seed`; kind 1) gets in a run with seed key `key`. Derived from the seed as written,
 * not from the entry's position, so entries that share a seed (an AMPA and an NMDA population on
 * the same sites and trains) still share it in every run.
 */
export function populationSeed(seed: number, key: number, kind: 0 | 1, written: number): number {
  return Number(mix(seed, STREAM.population, key, kind, written) & 0xffffffffn);
}

/** A permutation of 0 … n−1 for Latin hypercube stratum assignment of one parameter (Fisher–Yates). */
export function permutation(seed: number, param: number, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(toUniform(mix(seed, STREAM.permutation, param, i)) * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
