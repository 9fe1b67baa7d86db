/**
 * Tests of src/morphology/float32.ts: glibc strtof / sscanf("%f") and printf("%.8g") semantics.
 *
 * Three independent checks:
 *  - tables produced by glibc itself (test/morphology/float32-cases.c, see its header for how);
 *  - a slow exact reference written here with BigInt rationals (no doubles in the rounding),
 *    compared on tens of thousands of pseudo-random inputs, including float32 midpoints and
 *    exact %.8g ties constructed on purpose;
 *  - the worked examples of ../shared/neuron-geometry.md §1 and §5.3.
 */
import { describe, expect, it } from 'vitest';
import {
  FLOAT_LITERAL_SOURCE,
  formatG8,
  isNumberToken,
  parseFloat32,
  roundThroughG8Float32,
} from '../../src/morphology/float32.ts';

// ---------------------------------------------------------------------------------------------
// Helpers: bits, deterministic PRNG

const dv = new DataView(new ArrayBuffer(8));
function bitsToDouble(hex: string): number {
  dv.setBigUint64(0, BigInt('0x' + hex));
  return dv.getFloat64(0);
}
function float32Bits(x: number): string {
  dv.setFloat32(0, x);
  return dv.getUint32(0).toString(16).padStart(8, '0');
}
function float32FromBits(b: number): number {
  dv.setUint32(0, b >>> 0);
  return dv.getFloat32(0);
}
function doubleFromWords(hi: number, lo: number): number {
  dv.setUint32(0, hi >>> 0);
  dv.setUint32(4, lo >>> 0);
  return dv.getFloat64(0);
}

/** mulberry32: small deterministic PRNG (tests must not depend on Math.random). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Next float32 above the positive finite float32 f. */
function nextUp32(f: number): number {
  dv.setFloat32(0, f);
  return float32FromBits(dv.getUint32(0) + 1);
}

// ---------------------------------------------------------------------------------------------
// Exact reference (BigInt rationals)

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Exact |x| = mant · 2^exp for a finite double. */
function refDecompose(x: number): { mant: bigint; exp: number } {
  dv.setFloat64(0, Math.abs(x));
  const bits = dv.getBigUint64(0);
  const bexp = Number(bits >> 52n);
  const frac = bits & ((1n << 52n) - 1n);
  return bexp === 0 ? { mant: frac, exp: -1074 } : { mant: frac | (1n << 52n), exp: bexp - 1075 };
}

/** round(num / den) with ties to even, num, den > 0. */
function divRoundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = 2n * (num % den);
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** The float32 nearest the exact decimal value of a C float literal (independent of Number()). */
function refParseFloat32(token: string): number {
  const m = /^([+-]?)(?:(inf(?:inity)?)|(nan)|([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?)$/i.exec(token);
  if (!m) throw new Error('bad token ' + token);
  const neg = m[1] === '-';
  if (m[2]) return neg ? -Infinity : Infinity;
  if (m[3]) return NaN;
  const intPart = m[4] ?? '';
  const fracPart = m[5] ?? '';
  const digits = BigInt((intPart + fracPart) || '0');
  let e10 = (m[6] ? parseInt(m[6], 10) : 0) - fracPart.length;
  if (digits === 0n) return neg ? -0 : 0;
  const nd = digits.toString().length;
  if (nd + e10 > 60) return neg ? -Infinity : Infinity; // > 1e59
  if (nd + e10 < -60) return neg ? -0 : 0; // < 1e-60
  let num = digits;
  let den = 1n;
  if (e10 >= 0) num *= 10n ** BigInt(e10);
  else den = 10n ** BigInt(-e10);
  // k with 2^k <= num/den < 2^(k+1)
  let k = bitLength(num) - bitLength(den);
  const ge = (a: bigint, b: bigint, kk: number) => (kk >= 0 ? a >= b << BigInt(kk) : a << BigInt(-kk) >= b);
  if (!ge(num, den, k)) k -= 1;
  // quantum 2^qexp: 24 significant bits for normals, 2^-149 for subnormals
  const qexp = Math.max(k, -126) - 23;
  const M = qexp >= 0 ? divRoundHalfEven(num, den << BigInt(qexp)) : divRoundHalfEven(num << BigInt(-qexp), den);
  const v = Number(M) * 2 ** qexp; // exact: M <= 2^24
  const r = v >= 2 ** 128 ? Infinity : v;
  return neg ? -r : r;
}

/** C printf("%.8g", x), exactly (BigInt). */
function refFormatG8(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return sign + '0';
  const { mant, exp } = refDecompose(x);
  let num = mant;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  // decimal exponent e: 10^e <= num/den < 10^(e+1)
  let e = num.toString().length - den.toString().length;
  const geP10 = (p: number) => (p >= 0 ? num >= den * 10n ** BigInt(p) : num * 10n ** BigInt(-p) >= den);
  while (!geP10(e)) e--;
  while (geP10(e + 1)) e++;
  // n = round_half_even(num/den · 10^(7-e))
  const s = 7 - e;
  let n = s >= 0 ? divRoundHalfEven(num * 10n ** BigInt(s), den) : divRoundHalfEven(num, den * 10n ** BigInt(-s));
  if (n === 100000000n) {
    n = 10000000n;
    e += 1;
  }
  const d = n.toString(); // 8 digits
  if (e < -4 || e >= 8) {
    const frac = d.slice(1).replace(/0+$/, '');
    const ae = Math.abs(e);
    return `${sign}${d[0]}${frac ? '.' + frac : ''}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  // style f with 7 - e decimals, then trailing zeros and '.' removed
  let intPart: string;
  let fracPart: string;
  if (e >= 0) {
    intPart = d.slice(0, e + 1);
    fracPart = d.slice(e + 1);
  } else {
    intPart = '0';
    fracPart = '0'.repeat(-e - 1) + d;
  }
  fracPart = fracPart.replace(/0+$/, '');
  return sign + intPart + (fracPart ? '.' + fracPart : '');
}

/** Exact decimal literal of a finite positive double: "<digits>e<exp>". */
function exactDecimal(x: number): { digits: bigint; e10: number } {
  const { mant, exp } = refDecompose(x);
  if (exp >= 0) return { digits: mant << BigInt(exp), e10: 0 };
  return { digits: mant * 5n ** BigInt(-exp), e10: exp };
}

function sameNumber(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}


// ---------------------------------------------------------------------------------------------

describe('isNumberToken', () => {
  const good = [
    '0', '-0', '+0', '1', '-1', '+1', '.5', '-.5', '5.', '+5.', '1.5', '00012', '1e5', '1E5', '1e+05',
    '1e-05', '-2.5E+3', '.5e-3', '5.e3', '63.84000205993652', 'inf', 'INF', '-inf', '+Inf',
    'infinity', '-Infinity', 'INFINITY', 'nan', 'NaN', '-nan', '+NAN', '0e0', '1e0000000000000000005',
  ];
  const bad = [
    '', ' ', '1,2', '"-1"', 'abc', ' 1', '1 ', '\t1', '1\n', '0x10', '0X1p3', '0b1', '0o7', '1e', '1e+',
    'e5', '.', '+', '-', '+.', '.e1', '-.e1', '1..2', '1.2.3', '--1', '+-1', '1e1.5', 'inff', 'infinit',
    'nana', 'nan(1)', 'Infinity1', '1inf', '1_000', '1d', '1f', '1L', '١', '１', '1e5x', 'x1', '∞',
  ];
  it('accepts C float literals', () => {
    for (const t of good) expect(isNumberToken(t), t).toBe(true);
  });
  it('rejects everything else', () => {
    for (const t of bad) expect(isNumberToken(t), t).toBe(false);
  });
  it('FLOAT_LITERAL_SOURCE is the same grammar, usable unanchored', () => {
    const re = new RegExp(`^(?:${FLOAT_LITERAL_SOURCE})$`);
    for (const t of good) expect(re.test(t), t).toBe(true);
    for (const t of bad) expect(re.test(t), t).toBe(false);
  });
  it('parseFloat32 accepts exactly the tokens isNumberToken accepts (fuzz)', () => {
    const alphabet = '0123456789+-.eEinfatyINFATYxXbBoO _,\t';
    const rnd = prng(7);
    for (let i = 0; i < 30000; i++) {
      const len = rnd() % 7;
      let t = '';
      for (let j = 0; j < len; j++) t += alphabet[rnd() % alphabet.length];
      const ok = isNumberToken(t);
      let threw = false;
      let v = 0;
      try {
        v = parseFloat32(t);
      } catch (e) {
        threw = true;
        if (!(e instanceof SyntaxError)) expect(e).toBeInstanceOf(SyntaxError);
      }
      if (threw === ok) expect(threw, JSON.stringify(t)).toBe(!ok);
      if (ok && !sameNumber(v, refParseFloat32(t))) expect(v, t).toBe(refParseFloat32(t));
    }
    for (const t of bad) expect(() => parseFloat32(t), t).toThrow(SyntaxError);
  });
});

describe('parseFloat32', () => {
  it('spec example (neuron-geometry.md §1): direct rounding, not fround(parseFloat)', () => {
    const t = '63.84000205993652';
    expect(parseFloat32(t)).toBe(63.84000015258789);
    expect(Math.fround(parseFloat(t))).toBe(63.840003967285156); // the double-rounding trap
  });

  it('simple values', () => {
    expect(parseFloat32('0.1')).toBe(Math.fround(0.1));
    expect(Object.is(parseFloat32('-0'), -0)).toBe(true);
    expect(Object.is(parseFloat32('-0.0e5'), -0)).toBe(true);
    expect(parseFloat32('16777217')).toBe(16777216); // tie -> even
    expect(parseFloat32('16777219')).toBe(16777220); // tie -> even
    expect(parseFloat32('16777217.000000000000001')).toBe(16777218);
    expect(parseFloat32('1e39')).toBe(Infinity);
    expect(parseFloat32('-1e39')).toBe(-Infinity);
    expect(parseFloat32('1e-50')).toBe(0);
    expect(Object.is(parseFloat32('-1e-50'), -0)).toBe(true);
    expect(parseFloat32('1e-45')).toBe(2 ** -149);
    expect(parseFloat32('inf')).toBe(Infinity);
    expect(parseFloat32('-Infinity')).toBe(-Infinity);
    expect(Number.isNaN(parseFloat32('nan'))).toBe(true);
    expect(Number.isNaN(parseFloat32('-NaN'))).toBe(true);
  });

  it('overflow threshold 2^128 - 2^103 (the midpoint above FLT_MAX)', () => {
    const FLT_MAX = 3.4028234663852886e38;
    expect(parseFloat32('340282356779733661637539395458142568448')).toBe(Infinity); // tie -> even (2^128)
    expect(parseFloat32('340282356779733661637539395458142568447.9999')).toBe(FLT_MAX);
    expect(parseFloat32('340282356779733661637539395458142568447')).toBe(FLT_MAX);
    expect(parseFloat32('3.40282356779733661637539395458142568447999999999e38')).toBe(FLT_MAX);
    expect(Math.fround(Number('3.40282356779733661637539395458142568447999999999e38'))).toBe(Infinity);
  });

  it('matches glibc sscanf("%f") on the table from float32-cases.c', () => {
    expect(STRTOF_TABLE.length).toBeGreaterThan(200);
    for (const [tok, bits] of STRTOF_TABLE) {
      const v = parseFloat32(tok);
      if (bits === '7fc00000' || bits === 'ffc00000') {
        expect(Number.isNaN(v), tok).toBe(true);
        continue;
      }
      expect(float32Bits(v), tok).toBe(bits);
      expect(float32Bits(refParseFloat32(tok)), `reference on ${tok}`).toBe(bits);
      expect(Math.fround(v), tok).toBe(v); // a float32 value
    }
  });

  it('matches the exact reference on random decimal tokens', () => {
    const rnd = prng(11);
    for (let i = 0; i < 30000; i++) {
      const nd = 1 + (rnd() % 20);
      let digits = '';
      for (let j = 0; j < nd; j++) digits += String(rnd() % 10);
      const dot = rnd() % (nd + 1);
      let tok = digits.slice(0, dot) + (rnd() & 1 ? '.' : '') + digits.slice(dot);
      if (!isNumberToken(tok)) tok = digits;
      if (rnd() & 1) tok += 'e' + String((rnd() % 90) - 50);
      if (rnd() & 1) tok = '-' + tok;
      const got = parseFloat32(tok);
      const want = refParseFloat32(tok);
      if (!sameNumber(got, want)) expect(got, tok).toBe(want);
    }
  });

  it('decides float32 midpoints exactly (constructed: exact, a hair above, a hair below)', () => {
    const rnd = prng(12);
    let trapsHit = 0;
    for (let i = 0; i < 12000; i++) {
      // random finite positive float32 lo (normal or subnormal), hi its successor
      let b = rnd() & 0x7fffffff;
      if (b >= 0x7f7fffff) b = 0x7f7ffffe;
      if (i % 4 === 0) b &= 0x007fffff; // subnormals
      const lo = float32FromBits(b);
      const hi = nextUp32(lo);
      const m = (lo + hi) / 2; // exact in double
      const { digits, e10 } = exactDecimal(m);
      const exactTok = `${digits}e${e10}`;
      const pad = 10n ** 25n;
      const aboveTok = `${digits * pad + 1n}e${e10 - 25}`;
      const belowTok = `${digits * pad - 1n}e${e10 - 25}`;
      const even = (b & 1) === 0 ? lo : hi;
      for (const [tok, want] of [
        [exactTok, even],
        [aboveTok, hi],
        [belowTok, lo],
      ] as const) {
        for (const s of [tok, '-' + tok]) {
          const w = s[0] === '-' ? -want : want;
          const got = parseFloat32(s);
          if (!Object.is(got, w)) expect(got, s).toBe(w);
          if (!Object.is(refParseFloat32(s), w)) expect(refParseFloat32(s), `reference ${s}`).toBe(w);
        }
        if (Math.fround(Number(tok)) !== want) trapsHit++;
      }
    }
    // the naive double rounding really is wrong on about half of the above/below tokens
    expect(trapsHit).toBeGreaterThan(5000);
  });

  it('readable decimal midpoints like the spec example (few digits, values of SWC magnitude)', () => {
    // float32 midpoints in [1, 1000) whose decimal expansion is short enough to appear in files
    const rnd = prng(13);
    for (let i = 0; i < 5000; i++) {
      const lo = Math.fround(1 + (rnd() / 2 ** 32) * 999);
      const hi = nextUp32(lo);
      const m = (lo + hi) / 2;
      // the double-rounding trap: shortest decimal that parses to the midpoint as a double
      const tok = String(m);
      if (Number(tok) !== m) expect(Number(tok)).toBe(m);
      if (parseFloat32(tok) !== refParseFloat32(tok)) expect(parseFloat32(tok), tok).toBe(refParseFloat32(tok));
    }
  });
});

describe('formatG8', () => {
  it('spec example (neuron-geometry.md §5.3): ties to even on the exact binary value', () => {
    expect(formatG8(100.015625)).toBe('100.01562');
    expect((100.015625).toPrecision(8)).toBe('100.01563'); // what JS would do
    expect(formatG8(-100.015625)).toBe('-100.01562');
    expect(formatG8(100.046875)).toBe('100.04688');
  });

  it('C formatting details', () => {
    expect(formatG8(0)).toBe('0');
    expect(formatG8(-0)).toBe('-0');
    expect(formatG8(1e-5)).toBe('1e-05');
    expect(formatG8(0.0001)).toBe('0.0001');
    expect(formatG8(1e8)).toBe('1e+08');
    expect(formatG8(99999999)).toBe('99999999');
    expect(formatG8(99999999.5)).toBe('1e+08');
    expect(formatG8(99999998.5)).toBe('99999998');
    expect(formatG8(123456789)).toBe('1.2345679e+08');
    expect(formatG8(1.5)).toBe('1.5');
    expect(formatG8(1e100)).toBe('1e+100');
    expect(formatG8(5e-324)).toBe('4.9406565e-324');
    expect(formatG8(Infinity)).toBe('inf');
    expect(formatG8(-Infinity)).toBe('-inf');
    expect(formatG8(NaN)).toBe('nan');
  });

  it('matches glibc printf("%.8g") on the table from float32-cases.c', () => {
    expect(G8_TABLE.length).toBeGreaterThan(300);
    for (const [hex, want] of G8_TABLE) {
      const x = bitsToDouble(hex);
      expect(formatG8(x), `${hex} (${x})`).toBe(want);
      expect(refFormatG8(x), `reference on ${hex}`).toBe(want);
    }
  });

  it('matches the exact reference on random doubles of every magnitude', () => {
    const rnd = prng(21);
    for (let i = 0; i < 10000; i++) {
      const x = doubleFromWords(rnd(), rnd());
      if (!Number.isFinite(x)) continue;
      const got = formatG8(x);
      const want = refFormatG8(x);
      if (got !== want) expect(got, String(x)).toBe(want);
    }
  });

  it('matches the exact reference on float32 values and SWC-like magnitudes', () => {
    const rnd = prng(22);
    for (let i = 0; i < 20000; i++) {
      const x =
        i % 2 === 0
          ? float32FromBits(rnd()) // any float32
          : Math.fround(((rnd() / 2 ** 32) - 0.3) * 10 ** ((rnd() % 9) - 3));
      if (!Number.isFinite(x)) continue;
      const got = formatG8(x);
      const want = refFormatG8(x);
      if (got !== want) expect(got, String(x)).toBe(want);
    }
  });

  it('exact ties (constructed) go to the even digit', () => {
    // x = (2n+1)/2 · 10^q exactly representable: dyadic values with 9 significant digits ending in 5
    const rnd = prng(23);
    let ties = 0;
    for (let i = 0; i < 40000; i++) {
      const j = 1 + (rnd() % 14);
      const intDigits = rnd() % 9;
      const ip = Math.floor((rnd() % 1e9) / 10 ** (9 - intDigits));
      let x = ip + (2 * (rnd() % 2 ** (j - 1)) + 1) / 2 ** j;
      if (rnd() % 4 === 0) x *= 2 ** ((rnd() % 41) - 20);
      if (rnd() & 1) x = -x;
      const want = refFormatG8(x);
      const got = formatG8(x);
      if (got !== want) expect(got, String(x)).toBe(want);
      const p = Math.abs(x).toExponential(8); // 9 digits; a tie is exactly that decimal
      if (p[9] === '5' && Number(p) === Math.abs(x) && Math.abs(x).toExponential(20).slice(10, 22) === '000000000000') {
        ties++;
      }
    }
    expect(ties).toBeGreaterThan(1000);
  });

  it('values next to powers of ten and near the style switch', () => {
    for (let k = -320; k <= 308; k++) {
      const p = Number(`1e${k}`);
      for (const x of [p, p * (1 - 2 ** -53), p * (1 + 2 ** -52), p * (1 - 5e-9), p * (1 - 4.9e-9), p * 9.99999995]) {
        if (!Number.isFinite(x) || x === 0) continue;
        expect(formatG8(x), String(x)).toBe(refFormatG8(x));
        expect(formatG8(-x), String(-x)).toBe(refFormatG8(-x));
      }
    }
  });
});

describe('roundThroughG8Float32', () => {
  it('spec example: 100.015625 -> "100.01562" -> float32', () => {
    expect(roundThroughG8Float32(100.015625)).toBe(Math.fround(100.01562));
    expect(Math.fround(100.01562)).not.toBe(Math.fround(100.01563));
  });

  it('is Math.fround(Number(C "%.8g" text)), as NEURON (hoc reads the number as a double)', () => {
    for (const [hex, text] of G8_TABLE) {
      const x = bitsToDouble(hex);
      expect(Object.is(roundThroughG8Float32(x), Math.fround(Number(text))), hex).toBe(true);
    }
    const rnd = prng(31);
    for (let i = 0; i < 20000; i++) {
      const x =
        i % 3 === 0
          ? doubleFromWords(rnd(), rnd())
          : ((rnd() / 2 ** 32) - 0.3) * 10 ** ((rnd() % 12) - 4);
      if (!Number.isFinite(x)) continue;
      const got = roundThroughG8Float32(x);
      const want = Math.fround(Number(refFormatG8(x)));
      if (!Object.is(got, want)) expect(got, String(x)).toBe(want);
    }
    expect(Object.is(roundThroughG8Float32(-0), -0)).toBe(true);
    expect(roundThroughG8Float32(Infinity)).toBe(Infinity);
  });

  it('agrees with direct decimal->float32 rounding of the same text at SWC magnitudes', () => {
    const rnd = prng(32);
    for (let i = 0; i < 20000; i++) {
      const x = ((rnd() / 2 ** 32) - 0.3) * 10 ** ((rnd() % 9) - 3);
      const s = formatG8(x);
      if (roundThroughG8Float32(x) !== parseFloat32(s)) expect(roundThroughG8Float32(x), s).toBe(parseFloat32(s));
    }
  });

  it('is idempotent on its results and returns float32 values', () => {
    const rnd = prng(33);
    for (let i = 0; i < 5000; i++) {
      const x = ((rnd() / 2 ** 32) - 0.5) * 2000;
      const y = roundThroughG8Float32(x);
      if (Math.fround(y) !== y || roundThroughG8Float32(y) !== y) {
        expect(Math.fround(y), String(x)).toBe(y);
        expect(roundThroughG8Float32(y), String(x)).toBe(y);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// glibc tables, generated by test/morphology/float32-cases.c (see its header)

/** [double bits, glibc printf("%.8g")] */
const G8_TABLE: ReadonlyArray<readonly [string, string]> = [
  ['0000000000000000', '0'],
  ['8000000000000000', '-0'],
  ['3ff0000000000000', '1'],
  ['bff0000000000000', '-1'],
  ['3fb999999999999a', '0.1'],
  ['3fe0000000000000', '0.5'],
  ['4000000000000000', '2'],
  ['4024000000000000', '10'],
  ['4059000000000000', '100'],
  ['416312d000000000', '10000000'],
  ['4197d78400000000', '1e+08'],
  ['4197d783fc000000', '99999999'],
  ['4197d783fe000000', '1e+08'],
  ['4197d783fa000000', '99999998'],
  ['4197d783fd99999a', '99999999'],
  ['41678c29d0000000', '12345678'],
  ['41678c29b0000000', '12345678'],
  ['41678c29cfffffca', '12345678'],
  ['419d6f3444000000', '1.2345678e+08'],
  ['419d6f341c000000', '1.2345678e+08'],
  ['41d26580aa800000', '1.2345678e+09'],
  ['4059010000000000', '100.01562'],
  ['c059010000000000', '-100.01562'],
  ['4059030000000000', '100.04688'],
  ['3f1a36e2eb1c432d', '0.0001'],
  ['3f1a36e2eb1c432c', '0.0001'],
  ['3f1a36e2e8e94ffc', '9.9999999e-05'],
  ['3f202e85aa468b90', '0.00012345678'],
  ['3f202e85b5454b81', '0.00012345679'],
  ['3ee4f8b588e368f1', '1e-05'],
  ['3f1a36e2eb1c432d', '0.0001'],
  ['3ff000000d6bf94d', '1'],
  ['3ff000002843ebe8', '1.0000001'],
  ['3ff3c0ca37c716aa', '1.2345678'],
  ['3ff8000000000000', '1.5'],
  ['4004000000000000', '2.5'],
  ['3fd5555555555555', '0.33333333'],
  ['3fe5555555555555', '0.66666667'],
  ['400921fb54442d18', '3.1415927'],
  ['4005bf0a8b145769', '2.7182818'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['4480f0cf064dd592', '1e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['54b249ad2594c37d', '1e+100'],
  ['2b2bff2ee48e0530', '1e-100'],
  ['7e37e43c8800759c', '1e+300'],
  ['01a56e1fc2f8f359', '1e-300'],
  ['000012688b70e62b', '1e-310'],
  ['7fefffffffffffff', '1.7976931e+308'],
  ['ffefffffffffffff', '-1.7976931e+308'],
  ['0010000000000000', '2.2250739e-308'],
  ['0000000000000001', '4.9406565e-324'],
  ['000fffffffffffff', '2.2250739e-308'],
  ['4170000000000000', '16777216'],
  ['4170000010000000', '16777217'],
  ['404feb8530000000', '63.840002'],
  ['404feb8520000000', '63.84'],
  ['404feb8540000000', '63.840004'],
  ['416312cffe666666', '9999999.9'],
  ['412e847ffd70a3d7', '999999.99'],
  ['3f50624dd191d1fe', '0.001'],
  ['3f0a36e2eb1c432d', '5e-05'],
  ['47efffffe0000000', '3.4028235e+38'],
  ['3810000000000000', '1.1754944e-38'],
  ['36a0000000000000', '1.4012985e-45'],
  ['405edd2f1a9fbe77', '123.456'],
  ['c05edd2f1a9fbe77', '-123.456'],
  ['3fd3333333333333', '0.3'],
  ['3fe6666666666666', '0.7'],
  ['3e7ad7f29abcaf48', '1e-07'],
  ['3e8421f5f40d8376', '1.5e-07'],
  ['4029000000000000', '12.5'],
  ['4132d68740000000', '1234567.2'],
  ['4132d687c0000000', '1234567.8'],
  ['4021000000000000', '8.5'],
  ['3fd0000000000000', '0.25'],
  ['3fc0000000000000', '0.125'],
  ['39b4484bfeebc2a0', '1e-30'],
  ['39b4484bfeebc29f', '1e-30'],
  ['39b4484bfeebc2a1', '1e-30'],
  ['3a53ce9a36f23c10', '1e-27'],
  ['3a53ce9a36f23c0f', '1e-27'],
  ['3a53ce9a36f23c11', '1e-27'],
  ['3af357c299a88ea7', '1e-24'],
  ['3af357c299a88ea6', '1e-24'],
  ['3af357c299a88ea8', '1e-24'],
  ['3b92e3b40a0e9b4f', '1e-21'],
  ['3b92e3b40a0e9b4e', '1e-21'],
  ['3b92e3b40a0e9b50', '1e-21'],
  ['3c32725dd1d243ac', '1e-18'],
  ['3c32725dd1d243ab', '1e-18'],
  ['3c32725dd1d243ad', '1e-18'],
  ['3cd203af9ee75616', '1e-15'],
  ['3cd203af9ee75615', '1e-15'],
  ['3cd203af9ee75617', '1e-15'],
  ['3d719799812dea11', '1e-12'],
  ['3d719799812dea10', '1e-12'],
  ['3d719799812dea12', '1e-12'],
  ['3e112e0be826d695', '1e-09'],
  ['3e112e0be826d694', '1e-09'],
  ['3e112e0be826d696', '1e-09'],
  ['3eb0c6f7a0b5ed8d', '1e-06'],
  ['3eb0c6f7a0b5ed8c', '1e-06'],
  ['3eb0c6f7a0b5ed8e', '1e-06'],
  ['3f50624dd2f1a9fc', '0.001'],
  ['3f50624dd2f1a9fb', '0.001'],
  ['3f50624dd2f1a9fd', '0.001'],
  ['3ff0000000000000', '1'],
  ['3fefffffffffffff', '1'],
  ['3ff0000000000001', '1'],
  ['408f400000000000', '1000'],
  ['408f3fffffffffff', '1000'],
  ['408f400000000001', '1000'],
  ['412e848000000000', '1000000'],
  ['412e847fffffffff', '1000000'],
  ['412e848000000001', '1000000'],
  ['41cdcd6500000000', '1e+09'],
  ['41cdcd64ffffffff', '1e+09'],
  ['41cdcd6500000001', '1e+09'],
  ['426d1a94a2000000', '1e+12'],
  ['426d1a94a1ffffff', '1e+12'],
  ['426d1a94a2000001', '1e+12'],
  ['430c6bf526340000', '1e+15'],
  ['430c6bf52633ffff', '1e+15'],
  ['430c6bf526340001', '1e+15'],
  ['43abc16d674ec800', '1e+18'],
  ['43abc16d674ec7ff', '1e+18'],
  ['43abc16d674ec801', '1e+18'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['444b1ae4d6e2ef4f', '1e+21'],
  ['444b1ae4d6e2ef51', '1e+21'],
  ['44ea784379d99db4', '1e+24'],
  ['44ea784379d99db3', '1e+24'],
  ['44ea784379d99db5', '1e+24'],
  ['4589d971e4fe8402', '1e+27'],
  ['4589d971e4fe8401', '1e+27'],
  ['4589d971e4fe8403', '1e+27'],
  ['46293e5939a08cea', '1e+30'],
  ['46293e5939a08ce9', '1e+30'],
  ['46293e5939a08ceb', '1e+30'],
  ['0000000000000001', '4.9406565e-324'],
  ['02e0000000000000', '7.8287827e-295'],
  ['08f0000000000000', '1.2405201e-265'],
  ['0f00000000000000', '1.9656826e-236'],
  ['1510000000000000', '3.1147484e-207'],
  ['1b20000000000000', '4.9355159e-178'],
  ['2130000000000000', '7.8206371e-149'],
  ['2740000000000000', '1.2392294e-119'],
  ['2d50000000000000', '1.9636374e-90'],
  ['3360000000000000', '3.1115076e-61'],
  ['3970000000000000', '4.9303807e-32'],
  ['3f80000000000000', '0.0078125'],
  ['4590000000000000', '1.23794e+27'],
  ['4ba0000000000000', '1.9615943e+56'],
  ['51b0000000000000', '3.1082702e+85'],
  ['57c0000000000000', '4.9252508e+114'],
  ['5dd0000000000000', '7.8043714e+143'],
  ['63e0000000000000', '1.236652e+173'],
  ['69f0000000000000', '1.9595533e+202'],
  ['7000000000000000', '3.1050362e+231'],
  ['7610000000000000', '4.9201262e+260'],
  ['7c20000000000000', '7.7962512e+289'],
  ['3fd9e00000000000', '0.40429688'],
  ['c0ba55b800000000', '-6741.7188'],
  ['4082026000000000', '576.29688'],
  ['4031ce0000000000', '17.804688'],
  ['400a680000000000', '3.3007812'],
  ['c0f5369500000000', '-86889.312'],
  ['c089142000000000', '-802.51562'],
  ['4127bd75c0000000', '777914.88'],
  ['40e7db8200000000', '48860.062'],
  ['40d1a5bc00000000', '18070.938'],
  ['bf91000000000000', '-0.016601562'],
  ['40e7eaea00000000', '48983.312'],
  ['bfe3300000000000', '-0.59960938'],
  ['c0d7a50c00000000', '-24212.188'],
  ['c1576435d0000000', '-6131927.2'],
  ['40ea005e00000000', '53250.938'],
  ['4076fec000000000', '367.92188'],
  ['4001980000000000', '2.1992188'],
  ['c04f870000000000', '-63.054688'],
  ['40d33b5400000000', '19693.312'],
  ['41274f2cc0000000', '763798.38'],
  ['40f1b40d00000000', '72512.812'],
  ['c0ffec6e00000000', '-130758.88'],
  ['402ddc0000000000', '14.929688'],
  ['4023fe0000000000', '9.9960938'],
  ['412ba9b4c0000000', '906458.38'],
  ['412d1980c0000000', '953536.38'],
  ['bfd5e00000000000', '-0.34179688'],
  ['40c6bad800000000', '11637.688'],
  ['c0f26e6700000000', '-75494.438'],
  ['40ec11b600000000', '57485.688'],
  ['c113ef0f80000000', '-326595.88'],
  ['410444fb00000000', '166047.38'],
  ['c024840000000000', '-10.257812'],
  ['4011c40000000000', '4.4414062'],
  ['40384a0000000000', '24.289062'],
  ['bfd7a00000000000', '-0.36914062'],
  ['c157886370000000', '-6168973.8'],
  ['c085916000000000', '-690.17188'],
  ['c0c0b00c00000000', '-8544.0938'],
  ['40f1be9700000000', '72681.438'],
  ['c140e363e0000000', '-2213575.8'],
  ['c0eb39ae00000000', '-55757.438'],
  ['c0b15b4800000000', '-4443.2812'],
  ['415dbd75b0000000', '7796182.8'],
  ['4110b46c80000000', '273691.12'],
  ['bfbb800000000000', '-0.10742188'],
  ['c05cc70000000000', '-115.10938'],
  ['41a1b9ad5a000000', '1.486906e+08'],
  ['c189538a14000000', '-53113154'],
  ['4015740000000000', '5.3632812'],
  ['41132a7980000000', '314014.38'],
  ['c061d78000000000', '-142.73438'],
  ['c0552c8000000000', '-84.695312'],
  ['415d6ea050000000', '7715457.2'],
  ['c0c24ccc00000000', '-9369.5938'],
  ['c07aa9c000000000', '-426.60938'],
  ['c127051240000000', '-754313.12'],
  ['c185af77f4000000', '-45477630'],
  ['4123964b40000000', '641829.62'],
  ['c0789f3940000000', '-393.95148'],
  ['466ed66480000000', '1.9545569e+31'],
  ['43a75cde20000000', '8.4173229e+17'],
  ['381aa8c660000000', '1.9586143e-38'],
  ['be2942ce60000000', '-2.940763e-09'],
  ['ba3a1986e0000000', '-3.2942471e-28'],
  ['ba000d7500000000', '-2.5326484e-29'],
  ['38bb367da0000000', '2.0472676e-35'],
  ['c40bf83400000000', '-6.4493376e+19'],
  ['c420b7c520000000', '-1.5419497e+20'],
  ['bb38785bc0000000', '-2.0241234e-23'],
  ['40920a7260000000', '1154.6117'],
  ['be7c467220000000', '-1.0533325e-07'],
  ['3b470e9f20000000', '3.8144798e-23'],
  ['463810b700000000', '1.9066489e+30'],
  ['bde569a560000000', '-1.5579775e-10'],
  ['3b14235160000000', '4.1644326e-24'],
  ['4277574ac0000000', '1.6039802e+12'],
  ['b87f58ce60000000', '-1.4739241e-36'],
  ['c6480a1280000000', '-3.8091862e+30'],
  ['c26b812e60000000', '-9.4505134e+11'],
  ['38ec3c01c0000000', '1.6992962e-34'],
  ['c58cf3c220000000', '-1.1200332e+27'],
  ['c77ce00120000000', '-2.3988426e+36'],
  ['445333ba00000000', '1.4168617e+21'],
  ['c265f5d040000000', '-7.5454703e+11'],
  ['b9a097b260000000', '-4.0903832e-31'],
  ['3aa22c22a0000000', '2.9359101e-26'],
  ['38f8b7a7c0000000', '2.9752492e-34'],
  ['473eefe1a0000000', '1.6063428e+35'],
  ['3a04bd5940000000', '3.2721387e-29'],
  ['c035457340000000', '-21.27129'],
  ['3fb95ba9e0000000', '0.099054925'],
  ['c197b50ce0000000', '-99435320'],
  ['3c1ea95d00000000', '4.1554183e-19'],
  ['3c07b43be0000000', '1.6062481e-19'],
  ['4337e134c0000000', '6.7215411e+15'],
  ['44e35349e0000000', '7.3009093e+23'],
  ['bb6e1f17a0000000', '-1.9932706e-22'],
  ['417fee4240000000', '33481764'],
  ['c2215b07e0000000', '-3.7270843e+10'],
  ['3a49a2b3e0000000', '6.4713244e-28'],
  ['bf3599f8a0000000', '-0.00032961197'],
  ['41b7db2ce0000000', '4.0023984e+08'],
  ['c491ed11c0000000', '-2.1163347e+22'],
  ['c1ca651d00000000', '-8.8566835e+08'],
  ['411bab12e0000000', '453316.72'],
  ['bd37a30d60000000', '-8.3975219e-14'],
  ['3cd7b1cce0000000', '1.3153108e-15'],
  ['41c2fdd1c0000000', '6.3724838e+08'],
  ['c61f10bde0000000', '-6.1531359e+29'],
  ['c19cf9e200000000', '-1.2153459e+08'],
  ['ba857ded20000000', '-8.6805091e-27'],
  ['3953d23b00000000', '1.5269707e-32'],
  ['399a572820000000', '3.2467119e-31'],
  ['beb5ed56c0000000', '-1.3069573e-06'],
  ['c276917800000000', '-1.5508775e+12'],
  ['c766cf6640000000', '-9.4749673e+35'],
  ['3cce119980000000', '8.3457542e-16'],
  ['3ff9de4960000000', '1.6167692'],
  ['c0372a850d968b81', '-23.166093'],
  ['72cbc6cec456f129', '9.4829937e+244'],
  ['bce0f9b51f674873', '-1.8846502e-15'],
  ['e3de2c9dfe6f1211', '-1.1660966e+173'],
  ['e1f50e257d38a57a', '-7.5780638e+163'],
  ['c08f3f991111bc5a', '-999.94974'],
  ['89c8214b951da3eb', '-1.5326118e-261'],
  ['afe0f03158137bfe', '-4.5713002e-78'],
  ['63ec1e633ae07e4c', '2.1733156e+173'],
  ['87d420aa04927993', '-5.9529986e-271'],
  ['a736dbfcde5276ba', '-8.8524846e-120'],
  ['55fde626d91dd0fb', '1.7143346e+106'],
  ['a99de87066fbf9d3', '-3.1836729e-108'],
  ['913d7bea8b70fe66', '-1.2446016e-225'],
  ['6e87793f6249c370', '2.7152319e+224'],
  ['8a1222e924a98b55', '-3.6861595e-260'],
  ['eb7730e74614e2ed', '-4.7651548e+209'],
  ['fc9bc8e5a7ad9a5c', '-1.7329354e+292'],
  ['75e87139ec95ffd4', '9.3952463e+259'],
  ['f1b3a56a20eb0dc2', '-5.1172194e+239'],
  ['83e070519d3a4e30', '-5.2713621e-290'],
  ['2d084aa3f0ce5e20', '9.3163717e-92'],
  ['7e57f225a2e09c14', '4.0090975e+300'],
  ['361f4ff8179f6e3c', '5.3561998e-48'],
  ['196a5e740285eef4', '3.0301607e-186'],
  ['8ec06f3a82248e80', '-1.2619134e-237'],
  ['1a1222893bfabf78', '4.2679367e-183'],
  ['221790d261ae6c86', '1.8872204e-144'],
  ['7b16da29769e83db', '8.4954002e+284'],
  ['41b622e6776bd9fc', '3.7138598e+08'],
  ['5a9e7fe140b907f9', '3.3033252e+128'],
  ['7c769d8d898d46fe', '3.5263132e+291'],
  ['c5225c1a87c838f1', '-1.1097806e+25'],
  ['91cbb4d509560d6e', '-5.9881537e-223'],
  ['4224c0bd37e43c29', '4.4566486e+10'],
  ['32f9a9e699b4c8c1', '3.8990586e-63'],
  ['713161418602fe58', '1.7683329e+237'],
  ['af8fc5eb2424ace4', '-1.339834e-79'],
  ['e0f22e5b84388cb9', '-9.984757e+158'],
  ['4b2732e72817603c', '1.1110037e+54'],
  ['3fa2509203faba69', '0.035770953'],
  ['3f98f3b2e353d18c', '0.024367137'],
  ['3f67647a8a345dd6', '0.0028555292'],
  ['c0513ff1b31f24ab', '-68.999127'],
  ['3f68aa75a54c0865', '0.0030109689'],
  ['3f76ea7a0b8e1fa4', '0.0055947082'],
  ['3fd94a8b1cd20635', '0.39517477'],
  ['4004633ef14782df', '2.5484599'],
  ['407e39393316725e', '483.57646'],
  ['c0400849a9facde3', '-32.064748'],
  ['3fd296a846bc45b9', '0.29044539'],
  ['3f5117eeccf06d7e', '0.0010433037'],
  ['c084a473fe7d785d', '-660.55664'],
  ['4059bd6c5e72a060', '102.95974'],
  ['4052771aafb60c34', '73.861004'],
  ['3fe06a679b598f72', '0.51298886'],
  ['40ab7e0086265d99', '3519.001'],
  ['bfeb3319961bf3b6', '-0.84998779'],
  ['402f218b665757c0', '15.565517'],
  ['3fa7b6407c8b8c73', '0.046312347'],
  ['bf6db3b6599e43da', '-0.0036257326'],
  ['4071339a47e3fa65', '275.22517'],
  ['3f774880ef21d66c', '0.0056843792'],
  ['3fd4567e1edf94cd', '0.31777909'],
  ['bf617164f281ff18', '-0.0021292659'],
  ['3f82421e628c51f7', '0.0089151739'],
  ['40af8ff6326d4d81', '4039.9809'],
  ['c05a4e142d2e2c18', '-105.21998'],
  ['4040e98798f3ebdb', '33.824451'],
  ['40ba62ddbdb72d85', '6754.8662'],
  ['3fcb33565af71ad6', '0.21250419'],
  ['40476e9c2210446e', '46.86414'],
  ['c05605234686f0f9', '-88.080278'],
  ['3ffe3d2f6ac17a8a', '1.8899378'],
  ['bfd30232600308ad', '-0.29700908'],
  ['401b093d87c27e76', '6.7590238'],
  ['c04a2ed535d5c7d2', '-52.365882'],
  ['3fe2cce9784ec2c2', '0.58751367'],
  ['3f41d6f1d316ba61', '0.00054442222'],
  ['3fd4a611cf5e64c5', '0.32263608'],
];

/** [token, bits of the float from glibc sscanf("%f")] */
const STRTOF_TABLE: ReadonlyArray<readonly [string, string]> = [
  ['0', '00000000'],
  ['-0', '80000000'],
  ['+0', '00000000'],
  ['1', '3f800000'],
  ['-1', 'bf800000'],
  ['0.1', '3dcccccd'],
  ['.5', '3f000000'],
  ['5.', '40a00000'],
  ['+.5e-3', '3a03126f'],
  ['1e10', '501502f9'],
  ['1E-10', '2edbe6ff'],
  ['-2.5e+3', 'c51c4000'],
  ['00012', '41400000'],
  ['63.84000205993652', '427f5c29'],
  ['63.84', '427f5c29'],
  ['16777216', '4b800000'],
  ['16777217', '4b800000'],
  ['16777218', '4b800001'],
  ['16777219', '4b800002'],
  ['16777217.000000000000001', '4b800001'],
  ['16777216.999999999999999', '4b800000'],
  ['3.4028234663852886e38', '7f7fffff'],
  ['3.4028235677973366e38', '7f7fffff'],
  ['3.4028235677973362e38', '7f7fffff'],
  ['3.40282356779733661637539395458142568448e38', '7f800000'],
  ['3.40282356779733661637539395458142568447e38', '7f7fffff'],
  ['1e39', '7f800000'],
  ['-1e39', 'ff800000'],
  ['1e-45', '00000001'],
  ['1.4e-45', '00000001'],
  ['7e-46', '00000000'],
  ['7.006492321624085e-46', '00000000'],
  ['7.006492321624086e-46', '00000001'],
  ['7.0064923216240853546186479164495806564013097093825788587853414194140305938994470329675e-46', '00000000'],
  ['1e-50', '00000000'],
  ['-1e-50', '80000000'],
  ['1.1754943508222875e-38', '00800000'],
  ['1.1754942e-38', '007fffff'],
  ['123456789', '4ceb79a3'],
  ['0.333333333333', '3eaaaaab'],
  ['1e-38', '006ce3ee'],
  ['9.99999999e-39', '006ce3ee'],
  ['2.5e-45', '00000002'],
  ['2.1019476964872256e-45', '00000001'],
  ['inf', '7f800000'],
  ['-inf', 'ff800000'],
  ['INF', '7f800000'],
  ['Infinity', '7f800000'],
  ['-infinity', 'ff800000'],
  ['nan', '7fc00000'],
  ['NaN', '7fc00000'],
  ['-nan', 'ffc00000'],
  ['1.000000059604644775390625', '3f800000'],
  ['1.0000000596046448', '3f800001'],
  ['1.00000005960464477539062500000000000000000001', '3f800001'],
  ['1.00000005960464477539062499999999999999999999', '3f800000'],
  ['0.000000000000000000000000000000000000000000000000001e51', '3f800000'],
  ['100000000000000000000000000000000000000000000000000e-50', '3f800000'],
  ['4.074530254607408529421934756177641472e+36', '7c442e76'],
  ['4.074530254607408529421934756177641472000000000000000000001e+36', '7c442e77'],
  ['4.074530254607408529421934756177641471999999999999999999999e+36', '7c442e76'],
  ['8.40513890524655624993111135978551828884519636631011962890625e-16', '267242fa'],
  ['8.40513890524655624993111135978551828884519636631011962890625000000000000000000001e-16', '267242fb'],
  ['8.40513890524655624993111135978551828884519636631011962890624999999999999999999999e-16', '267242fa'],
  ['3.54111897945404052734375e+00', '4062a1b2'],
  ['3.54111897945404052734375000000000000000000001e+00', '4062a1b2'],
  ['3.54111897945404052734374999999999999999999999e+00', '4062a1b1'],
  ['1.807784453125e+05', '48308a9c'],
  ['1.807784453125000000000000000000001e+05', '48308a9d'],
  ['1.807784453124999999999999999999999e+05', '48308a9c'],
  ['2.76905467052032e+15', '591d670c'],
  ['2.76905467052032000000000000000000001e+15', '591d670d'],
  ['2.76905467052031999999999999999999999e+15', '591d670c'],
  ['9.974014947289333576918579638004302978515625e-09', '322b5a2e'],
  ['9.974014947289333576918579638004302978515625000000000000000000001e-09', '322b5a2f'],
  ['9.974014947289333576918579638004302978515624999999999999999999999e-09', '322b5a2e'],
  ['9.40888195072e+11', '535b114e'],
  ['9.40888195072000000000000000000001e+11', '535b114f'],
  ['9.40888195071999999999999999999999e+11', '535b114e'],
  ['1.452711791186765842453889024e+28', '6e3bc234'],
  ['1.452711791186765842453889024000000000000000000001e+28', '6e3bc234'],
  ['1.452711791186765842453889023999999999999999999999e+28', '6e3bc233'],
  ['9.53950288516238929931489859600384e+32', '763c222e'],
  ['9.53950288516238929931489859600384000000000000000000001e+32', '763c222f'],
  ['9.53950288516238929931489859600383999999999999999999999e+32', '763c222e'],
  ['5.5111890285400287953802980628879339131120929096141480840742588043212890625e-22', '1c2690c2'],
  ['5.5111890285400287953802980628879339131120929096141480840742588043212890625000000000000000000001e-22', '1c2690c3'],
  ['5.5111890285400287953802980628879339131120929096141480840742588043212890624999999999999999999999e-22', '1c2690c2'],
  ['1.11437135388147782429839852378365963391860030129443259738764027133584022521972656e-25', '1609f3d6'],
  ['1.1143713538814778242983985237836596339186003012944325973876402713358402252197265625000000000000000000001e-25', '1609f3d7'],
  ['1.1143713538814778242983985237836596339186003012944325973876402713358402252197265624999999999999999999999e-25', '1609f3d6'],
  ['1.49236947031695304800676923609437564868607925473893704992889297500369139015674591e-28', '113d2e28'],
  ['1.49236947031695304800676923609437564868607925473893704992889297500369139015674591064453125000000000000000000001e-28', '113d2e29'],
  ['1.49236947031695304800676923609437564868607925473893704992889297500369139015674591064453124999999999999999999999e-28', '113d2e28'],
  ['1.6126263091255492601268027977751330816e+37', '7d421ce2'],
  ['1.6126263091255492601268027977751330816000000000000000000001e+37', '7d421ce3'],
  ['1.6126263091255492601268027977751330815999999999999999999999e+37', '7d421ce2'],
  ['1.97112506467486490852771669445020474853436098783276975154876708984375e-19', '2068b59a'],
  ['1.97112506467486490852771669445020474853436098783276975154876708984375000000000000000000001e-19', '2068b59a'],
  ['1.97112506467486490852771669445020474853436098783276975154876708984374999999999999999999999e-19', '2068b599'],
  ['1.7713552093505859375e+02', '433122b2'],
  ['1.7713552093505859375000000000000000000001e+02', '433122b2'],
  ['1.7713552093505859374999999999999999999999e+02', '433122b1'],
  ['1.18886921958549156101740545904168336692054055897028487509548000389258959330618382e-29', '0f71219f'],
  ['1.18886921958549156101740545904168336692054055897028487509548000389258959330618381500244140625000000000000000000001e-29', '0f71219f'],
  ['1.18886921958549156101740545904168336692054055897028487509548000389258959330618381500244140624999999999999999999999e-29', '0f71219e'],
  ['2.5948041216e+11', '5271a8f4'],
  ['2.5948041216000000000000000000001e+11', '5271a8f4'],
  ['2.5948041215999999999999999999999e+11', '5271a8f3'],
  ['1.91613905748194349809664e+23', '66224da4'],
  ['1.91613905748194349809664000000000000000000001e+23', '66224da5'],
  ['1.91613905748194349809663999999999999999999999e+23', '66224da4'],
  ['1.41819595462766000826275276623361508199260352935944240471144439652562141418457031e-25', '162f906c'],
  ['1.4181959546276600082627527662336150819926035293594424047114443965256214141845703125000000000000000000001e-25', '162f906d'],
  ['1.4181959546276600082627527662336150819926035293594424047114443965256214141845703124999999999999999999999e-25', '162f906c'],
  ['2.656353135133111294489526272e+27', '6d09548a'],
  ['2.656353135133111294489526272000000000000000000001e+27', '6d09548b'],
  ['2.656353135133111294489526271999999999999999999999e+27', '6d09548a'],
  ['5.2621418e+07', '4c48bc1a'],
  ['5.2621418000000000000000000001e+07', '4c48bc1b'],
  ['5.2621417999999999999999999999e+07', '4c48bc1a'],
  ['2.393671953125e+05', '4869c1cc'],
  ['2.393671953125000000000000000000001e+05', '4869c1cd'],
  ['2.393671953124999999999999999999999e+05', '4869c1cc'],
  ['1.434817919921875e+04', '466030b8'],
  ['1.434817919921875000000000000000000001e+04', '466030b8'],
  ['1.434817919921874999999999999999999999e+04', '466030b7'],
  ['7.09864166259765625e+02', '4431774e'],
  ['7.09864166259765625000000000000000000001e+02', '4431774f'],
  ['7.09864166259765624999999999999999999999e+02', '4431774e'],
  ['1.4685148514915514559539691697209344e+34', '78350228'],
  ['1.4685148514915514559539691697209344000000000000000000001e+34', '78350229'],
  ['1.4685148514915514559539691697209343999999999999999999999e+34', '78350228'],
  ['6.5520775387994945049285888671875e-04', '3a2bc240'],
  ['6.5520775387994945049285888671875000000000000000000001e-04', '3a2bc240'],
  ['6.5520775387994945049285888671874999999999999999999999e-04', '3a2bc23f'],
  ['2.289813504e+11', '52554168'],
  ['2.289813504000000000000000000001e+11', '52554169'],
  ['2.289813503999999999999999999999e+11', '52554168'],
  ['3.6785696538624e+13', '5605d35a'],
  ['3.6785696538624000000000000000000001e+13', '5605d35a'],
  ['3.6785696538623999999999999999999999e+13', '5605d359'],
  ['8.98186100961106730628289191990351234516631873106007333262823522090911865234375e-24', '192dbc06'],
  ['8.98186100961106730628289191990351234516631873106007333262823522090911865234375000000000000000000001e-24', '192dbc06'],
  ['8.98186100961106730628289191990351234516631873106007333262823522090911865234374999999999999999999999e-24', '192dbc05'],
  ['2.2573640861355101679130985559140754048712551593780517578125e-15', '2722a904'],
  ['2.2573640861355101679130985559140754048712551593780517578125000000000000000000001e-15', '2722a905'],
  ['2.2573640861355101679130985559140754048712551593780517578124999999999999999999999e-15', '2722a904'],
  ['1.3075147631269601333769969642162322998046875e-08', '3260a11c'],
  ['1.3075147631269601333769969642162322998046875000000000000000000001e-08', '3260a11c'],
  ['1.3075147631269601333769969642162322998046874999999999999999999999e-08', '3260a11b'],
  ['3.731621931112827272791215176862833491355786463827826082706451416015625e-20', '1f30388a'],
  ['3.731621931112827272791215176862833491355786463827826082706451416015625000000000000000000001e-20', '1f30388b'],
  ['3.731621931112827272791215176862833491355786463827826082706451416015624999999999999999999999e-20', '1f30388a'],
  ['1.2541391012515974792570583646208e+31', '731e4b6c'],
  ['1.2541391012515974792570583646208000000000000000000001e+31', '731e4b6c'],
  ['1.2541391012515974792570583646207999999999999999999999e+31', '731e4b6b'],
  ['1.2237691651717652564410368e+25', '6921f6ea'],
  ['1.2237691651717652564410368000000000000000000001e+25', '6921f6ea'],
  ['1.2237691651717652564410367999999999999999999999e+25', '6921f6e9'],
  ['3.8685572509765625e+03', '4571c8ea'],
  ['3.8685572509765625000000000000000000001e+03', '4571c8eb'],
  ['3.8685572509765624999999999999999999999e+03', '4571c8ea'],
  ['2.55437081522452589507380248576e+29', '704e5726'],
  ['2.55437081522452589507380248576000000000000000000001e+29', '704e5727'],
  ['2.55437081522452589507380248575999999999999999999999e+29', '704e5726'],
  ['3.71870019222342307330109179019927978515625e-08', '331fb78a'],
  ['3.71870019222342307330109179019927978515625000000000000000000001e-08', '331fb78b'],
  ['3.71870019222342307330109179019927978515624999999999999999999999e-08', '331fb78a'],
  ['5.94964745914694503881037235260009765625e-07', '351fb5aa'],
  ['5.94964745914694503881037235260009765625000000000000000000001e-07', '351fb5ab'],
  ['5.94964745914694503881037235260009765624999999999999999999999e-07', '351fb5aa'],
  ['1.061498035854458698596352e+24', '6760c7ec'],
  ['1.061498035854458698596352000000000000000000001e+24', '6760c7ed'],
  ['1.061498035854458698596351999999999999999999999e+24', '6760c7ec'],
  ['3.927154351885350354313805824e+27', '6d4b0774'],
  ['3.927154351885350354313805824000000000000000000001e+27', '6d4b0775'],
  ['3.927154351885350354313805823999999999999999999999e+27', '6d4b0774'],
  ['-1.179843082495e+14', 'd6d69cba'],
  ['4.025457112309734e-42', '00000b39'],
  ['1.322e-06', '35b16f93'],
  ['1.7544258765e-42', '000004e4'],
  ['-1.0335704113342e+27', 'ec55bcc3'],
  ['-7.9428e+15', 'd9e1bf7a'],
  ['-7.831714189e+16', 'db8b1e83'],
  ['23301.3738418671', '46b60abf'],
  ['1.31811771656e-15', '26bdf5f6'],
  ['4e+25', '6a045951'],
  ['-7.56163092164e+26', 'ec1c5ef1'],
  ['-6.7099298685737492e+19', 'e068cc26'],
  ['1754903.718810898', '49d638be'],
  ['5.987e-38', '01a2fb4d'],
  ['4.4805784e-21', '1da9457f'],
  ['205.89807748541', '434de5e8'],
  ['5.0753610051e-26', '157b51d8'],
  ['-2.61e-34', '87ad76d9'],
  ['-3.7524e-44', '8000001b'],
  ['-4.0328459e-31', '8d02df93'],
  ['-1698588186.4261377', 'ceca7ccc'],
  ['2.0027255e-26', '14c65720'],
  ['-3e-24', '98681d1f'],
  ['-1.58152626378728e-24', '97f4bab6'],
  ['-2019.2413704344', 'c4fc67b9'],
  ['-1.15664110201e+22', 'e41cc10d'],
  ['-4165033326.2868', 'cf78415d'],
  ['4.22983431676e+21', '63654cbe'],
  ['1.45528635909e-26', '14901fe4'],
  ['-3.0632e-38', '8126c6c7'],
  ['0.021', '3cac0831'],
  ['4.89835569287e+17', '5cd987db'],
  ['-4.2498008e+08', 'cdcaa574'],
  ['8.79784452154906e-45', '00000006'],
  ['-2.813678304e-32', '8b121833'],
  ['3.375203182399e-26', '152721c9'],
  ['1.2097507e+20', '60d1dbb9'],
  ['-7.657137741669206e-47', '80000000'],
  ['-4.63e-43', '8000014a'],
  ['-4.8e+11', 'd2df8476'],
];

describe('parseFloat32Range (the loader fast path) equals parseFloat32', () => {
  it('on plain decimals, signs, leading zeros, midpoints and long tokens', async () => {
    const { parseFloat32Range } = await import('../../src/morphology/float32.ts');
    const tokens = ['0', '-0', '+0', '1', '-1', '1.', '.5', '-.5', '000123.2500', '63.84000205993652', '100.015625',
      '0.1', '-0.30000001192092896', '3.4028235677973366e38', '16777217', '16777216.5', '123456789012345', '1234567890123456',
      '0.000000000000000000000012', '99999.99999', '8.000000476837158203125', '8.0000004768371582031250001'];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let k = 0; k < 20000; k++) {
      const digits = 1 + Math.floor(rnd() * 16);
      let s = '';
      for (let j = 0; j < digits; j++) s += Math.floor(rnd() * 10);
      const dot = Math.floor(rnd() * (digits + 1));
      tokens.push((rnd() < 0.3 ? '-' : '') + s.slice(0, dot) + '.' + s.slice(dot));
    }
    // exact float32 midpoints written in decimal (ties must go to even, not through the double)
    for (let k = 0; k < 2000; k++) {
      const f = Math.fround(rnd() * 1000);
      const up = Math.fround(f * (1 + 2 ** -23));
      const mid = (f + up) / 2; // exact in double for these magnitudes
      tokens.push(String(mid));
    }
    for (const t of tokens) {
      const padded = `  ${t} `;
      expect(Object.is(parseFloat32Range(padded, 2, 2 + t.length), parseFloat32(t)), t).toBe(true);
    }
  });
});
