/**
 * Exact float32 reading and C `%.8g` printing, as NEURON 8.2 does when it loads an SWC file
 * (../shared/neuron-geometry.md §1 and §5.3).
 *
 * - `parseFloat32` = glibc `strtof` / `sscanf("%f")`: the decimal token rounded *directly* to the
 *   nearest float32 (ties to even). `Math.fround(Number(s))` rounds twice and is wrong when the
 *   double lands exactly on a float32 midpoint; that case is detected and decided exactly.
 * - `formatG8` = C `printf("%.8g", x)`: the exact binary value rounded half-to-even to 8
 *   significant digits (JS `toPrecision`/`toExponential` round exact ties up instead).
 * - `roundThroughG8Float32` = what NEURON stores for a 3-D point coordinate or diameter
 *   (`%.8g` text → double → float32, as NEURON's hoc does).
 *
 * Both fast paths are one native conversion plus a few arithmetic checks; BigInt work only runs
 * in the rare exact-tie cases.
 */

/**
 * A C float literal as accepted here (no anchors): optional sign, then decimal digits with an
 * optional '.' and optional exponent, or `inf`, `infinity`, `nan` (case-insensitive).
 * Hexadecimal floats and `nan(...)`, which glibc also accepts, are not supported.
 */
export const FLOAT_LITERAL_SOURCE = '[+-]?(?:(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])';

const NUMBER_TOKEN_RE = new RegExp(`^${FLOAT_LITERAL_SOURCE}$`);
const DECIMAL_TOKEN_RE = /^([+-]?)(?:([0-9]+)\.?([0-9]*)|\.([0-9]+))(?:[eE]([+-]?[0-9]+))?$/;

/** True iff `token` is exactly one C float literal (see FLOAT_LITERAL_SOURCE); no whitespace. */
export function isNumberToken(token: string): boolean {
  return NUMBER_TOKEN_RE.test(token);
}

// ---------------------------------------------------------------------------------------------
// Bit access to doubles

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

const TWO_M126 = 2 ** -126; // smallest normal float32
const TWO_150 = 2 ** 150;

/** Exact decomposition of a finite nonzero |x| as mant · 2^exp (mant a positive integer). */
function decompose(x: number): { mant: bigint; exp: number } {
  F64[0] = Math.abs(x);
  const hi = U32[HI];
  const lo = U32[LO];
  const bexp = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bexp === 0) return { mant: frac, exp: -1074 };
  return { mant: frac | (1n << 52n), exp: bexp - 1075 };
}

/**
 * Is the finite double `a` (> 0, not itself a float32) exactly halfway between two adjacent
 * float32 values (or exactly at the overflow threshold 2^128 − 2^103)?
 */
function isFloat32Midpoint(a: number): boolean {
  if (a >= TWO_M126) {
    if (a >= 2 ** 128) return false;
    // Normal float32 range: 24 significant bits kept, the 29 dropped bits must be 1000…0.
    F64[0] = a;
    return (U32[LO] & 0x1fffffff) === 0x10000000;
  }
  // Subnormal float32 range: spacing 2^-149; a midpoint is an odd multiple of 2^-150.
  const t = a * TWO_150; // exact (power-of-two scaling, t < 2^24)
  return Number.isInteger(t) && t % 2 === 1;
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/**
 * Compare the exact decimal `digits` · 10^dexp (digits: non-empty, no leading zeros) with the
 * exact value of the positive finite double `m`. Returns −1, 0 or 1.
 */
function compareDecimalWithDouble(digits: string, dexp: number, m: number): number {
  const { mant, exp } = decompose(m);
  let left = BigInt(digits);
  let right = mant;
  if (dexp >= 0) left *= pow10(dexp);
  else right *= pow10(-dexp);
  if (exp >= 0) right <<= BigInt(exp);
  else left <<= BigInt(-exp);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Decide the float32 for a decimal token whose correctly rounded double `d` is a float32 midpoint. */
function resolveMidpoint(token: string, d: number): number {
  const m = DECIMAL_TOKEN_RE.exec(token);
  if (m === null) throw new SyntaxError(`not a C float literal: ${JSON.stringify(token)}`);
  const intDigits = m[2] ?? '';
  const fracDigits = m[3] ?? m[4] ?? '';
  const expPart = m[5] === undefined ? 0 : Number(m[5]);
  let digits = (intDigits + fracDigits).replace(/^0+/, '');
  let dexp = expPart - fracDigits.length;
  const trimmed = digits.replace(/0+$/, '');
  dexp += digits.length - trimmed.length;
  digits = trimmed;
  const a = Math.abs(d);
  const fa = Math.fround(a); // the even neighbour (fround rounds the exact tie to even)
  // half the float32 spacing (exact); above FLT_MAX the upper neighbour is 2^128 (→ Infinity)
  const h = fa === Infinity ? 2 ** 128 - a : Math.abs(a - fa);
  const lo = a - h;
  const hi = a + h; // may be 2^128 (then fround gives Infinity)
  const c = digits === '' ? -1 : compareDecimalWithDouble(digits, dexp, a);
  const r = c < 0 ? lo : c > 0 ? Math.fround(hi) : fa;
  return d < 0 ? -r : r;
}

/**
 * The float32 nearest to the exact decimal value of `token` (ties to even), widened to a JS number,
 * exactly as glibc `strtof` / `sscanf("%f")`. Accepts what `isNumberToken` accepts: overflow gives
 * ±Infinity, underflow subnormals or ±0, `inf`/`infinity` ±Infinity, `nan` NaN.
 * Throws a SyntaxError for anything else (whitespace included).
 */
export function parseFloat32(token: string): number {
  const d = Number(token); // correctly rounded to double; NaN for C-only spellings (inf, nan)
  if (d !== d) return parseSpecial(token);
  // Number() accepts exactly the C decimal grammar plus surrounding whitespace, the empty
  // string and 0x/0o/0b integers; "Infinity" spellings are C-valid too. Reject the extras by
  // looking at the first and last characters (no regex on the hot path).
  const n = token.length;
  const c0 = token.charCodeAt(0);
  const cl = token.charCodeAt(n - 1);
  const firstOk = (c0 >= 48 && c0 <= 57) || c0 === 43 || c0 === 45 || c0 === 46 || c0 === 73;
  const lastOk = (cl >= 48 && cl <= 57) || cl === 46 || cl === 121;
  if (!firstOk || !lastOk || (c0 === 48 && n > 2 && isRadixLetter(token.charCodeAt(1)))) {
    throw new SyntaxError(`not a C float literal: ${JSON.stringify(token)}`);
  }
  const f = Math.fround(d);
  if (f === d) return f;
  const a = d < 0 ? -d : d;
  if (!isFloat32Midpoint(a)) return f;
  return resolveMidpoint(token, d);
}

/** x X o O b B: the letters of the 0x / 0o / 0b integer literals that Number() accepts. */
function isRadixLetter(c: number): boolean {
  const l = c | 32;
  return l === 120 || l === 111 || l === 98;
}

function parseSpecial(token: string): number {
  if (!NUMBER_TOKEN_RE.test(token)) {
    throw new SyntaxError(`not a C float literal: ${JSON.stringify(token)}`);
  }
  const c = token.charCodeAt(0);
  const body = c === 43 || c === 45 ? token.slice(1) : token;
  if ((body.charCodeAt(0) | 32) === 110) return NaN; // nan
  return c === 45 ? -Infinity : Infinity; // inf, infinity
}

// ---------------------------------------------------------------------------------------------
// %.8g

const P10: number[] = [];
for (let i = 0; i <= 22; i++) P10.push(Number(`1e${i}`)); // exact powers of ten

const ZEROS = ['', '0.', '0.0', '0.00', '0.000']; // prefixes for exponents -1…-4

// Result registers of g8Digits (avoids allocating an object per call).
let g8N = 0; // 8-digit integer, 1e7 <= g8N < 1e8
let g8E = 0; // decimal exponent: the rounded value is g8N · 10^(g8E − 7)

/**
 * Round the finite a > 0 to 8 significant digits, half-to-even on its exact binary value.
 * Sets g8N and g8E.
 */
function g8Digits(a: number): void {
  if (a >= 1e-5 && a < 1e9) {
    // Fast path: p = a · 10^(7−e) with a single rounding (exact power of ten), so p is within
    // 2^-27 of the exact scaled value (p < 2^27). Unless that value is within 2e-8 of a
    // half-integer, round(p) is the correctly rounded 8-digit integer.
    let e = Math.floor(Math.log10(a));
    let p = e <= 7 ? a * P10[7 - e] : a / P10[e - 7];
    while (p < 1e7) {
      e--;
      p = e <= 7 ? a * P10[7 - e] : a / P10[e - 7];
    }
    while (p >= 1e8) {
      e++;
      p = e <= 7 ? a * P10[7 - e] : a / P10[e - 7];
    }
    const fl = Math.floor(p);
    const fr = p - fl; // exact
    if (fr < 0.49999998 || fr > 0.50000002) {
      let n = fr < 0.5 ? fl : fl + 1;
      if (n === 1e8) {
        n = 1e7;
        e++;
      }
      g8N = n;
      g8E = e;
      return;
    }
  }
  // Slow path: toExponential(7) is correctly rounded but sends exact ties up.
  const s = a.toExponential(7); // d.ddddddde±X
  let n = Number(s[0] + s.slice(2, 9));
  const e = Number(s.slice(10));
  // Only an odd last digit can be wrong: an exact tie should have gone to the even digit below.
  if (n & 1 && isExactTieBelow(a, n, e - 7)) n -= 1;
  g8N = n;
  g8E = e;
}

/**
 * Is the finite a > 0 exactly equal to (2n − 1)/2 · 10^q, i.e. the midpoint just below the
 * 8-digit candidate n · 10^q?
 */
function isExactTieBelow(a: number, n: number, q: number): boolean {
  // Cheap necessary condition: 2a / 10^q must be an integer. For q < 0 that needs
  // a · 2^(1−q) to be an integer (the 5^(−q) factor is odd); for q ≥ 0, 2a integer.
  const y = q < 0 ? a * 2 ** (1 - q) : a * 2;
  if (!Number.isInteger(y)) return false;
  const { mant, exp } = decompose(a);
  // 2 · mant · 2^exp == (2n − 1) · 10^q ?
  let left = mant;
  let right = BigInt(2 * n - 1);
  const e2 = exp + 1;
  if (q >= 0) right *= pow10(q);
  else left *= pow10(-q);
  if (e2 >= 0) left <<= BigInt(e2);
  else right <<= BigInt(-e2);
  return left === right;
}

/**
 * C `printf("%.8g", x)` (glibc) for any double: the exact binary value rounded to 8 significant
 * digits, ties to even; style e ("1.2345678e+20", "1e-05") when the exponent is < −4 or ≥ 8,
 * otherwise style f; trailing zeros and a trailing '.' removed. `-0` → "-0";
 * non-finite: "inf", "-inf", "nan" (glibc spelling).
 */
export function formatG8(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const neg = x < 0;
  g8Digits(neg ? -x : x);
  const n = g8N;
  const e = g8E;
  const digits = String(n); // 8 digits
  let end = 8; // digits[0, end) without trailing zeros
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  let out: string;
  if (e >= 0 && e < 8) {
    // style f, integer part digits[0, e]
    out = end <= e + 1 ? digits.slice(0, e + 1) : digits.slice(0, e + 1) + '.' + digits.slice(e + 1, end);
  } else if (e < 0 && e >= -4) {
    out = ZEROS[-e] + digits.slice(0, end); // "0.", "0.0", … then the digits
  } else {
    const mant = end > 1 ? digits[0] + '.' + digits.slice(1, end) : digits[0];
    const ae = e < 0 ? -e : e;
    out = mant + (e < 0 ? 'e-' : 'e+') + (ae < 10 ? '0' + ae : String(ae));
  }
  return neg ? '-' + out : out;
}

/**
 * What NEURON stores for a 3-D point coordinate or diameter (§5.3): x printed with `%.8g`, the
 * string parsed back to a double, the double stored as float32.
 *
 * The double step is deliberate: NEURON executes the printed `pt3dadd(...)` text through hoc,
 * whose lexer reads every number literal with `sscanf("%lf")` (src/oc/hoc.cpp, yylex), and
 * pt3dadd stores that double into the float fields of its 3-D point. So this is
 * `Math.fround(Number(formatG8(x)))`, double rounding included — not `parseFloat32(formatG8(x))`.
 * The two can only differ when the double nearest the 8-digit decimal is exactly a float32
 * midpoint while the decimal is not; for |x| ≥ 1e-5 an 8-digit decimal cannot lie that close to
 * a float32 midpoint without equalling it (then both give the even neighbour), so in practice
 * they agree (the tests check this on a large sample).
 */
export function roundThroughG8Float32(x: number): number {
  if (x === 0 || x !== x || x === Infinity || x === -Infinity) return Math.fround(x);
  const neg = x < 0;
  g8Digits(neg ? -x : x);
  const q = g8E - 7;
  // Number(decimal string) = the double nearest g8N · 10^q: one correctly rounded operation
  // when 10^|q| is exact; otherwise go through the string.
  let v: number;
  if (q >= 0 && q <= 22) v = g8N * P10[q];
  else if (q < 0 && q >= -22) v = g8N / P10[-q];
  else v = Number(formatG8(neg ? -x : x));
  return Math.fround(neg ? -v : v);
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * `parseFloat32(text.slice(a, b))` without making the string in the common case: a token of the
 * form [-]digits[.digits] with at most 15 significant digits is an exact integer divided by an
 * exact power of ten, so one division gives the correctly rounded double (Clinger's fast path);
 * everything else, and the rare double that sits on a float32 midpoint, takes the general path.
 */
export function parseFloat32Range(text: string, a: number, b: number): number {
  let i = a;
  let neg = false;
  const c0 = text.charCodeAt(i);
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let seenDot = false;
  let anyDigit = false;
  for (; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      anyDigit = true;
      if (digits > 0 || c !== 48) digits++;
      mant = mant * 10 + (c - 48);
      if (seenDot) frac++;
    } else if (c === 46 && !seenDot) {
      seenDot = true;
    } else {
      return parseFloat32(text.slice(a, b));
    }
  }
  if (!anyDigit || digits > 15 || frac > 22) {
    return parseFloat32(text.slice(a, b));
  }
  let d = frac === 0 ? mant : mant / POW10[frac];
  if (neg) d = -d;
  const f = Math.fround(d);
  if (f === d) return f;
  if (!isFloat32Midpoint(d < 0 ? -d : d)) return f;
  return parseFloat32(text.slice(a, b));
}
