/*
 * Generator of the glibc reference tables pasted into float32.test.ts.
 *
 * How the tables were made (Debian 12, gcc 12.2.0, glibc 2.36, x86-64):
 *   gcc -O0 -std=c11 -o /tmp/float32-cases test/morphology/float32-cases.c && /tmp/float32-cases
 * and the two printed blocks were pasted verbatim into G8_TABLE and STRTOF_TABLE.
 *
 * G8_TABLE:     [IEEE-754 bits of a double (16 hex digits), printf("%.8g", x)]
 * STRTOF_TABLE: [token, bits of the float written by sscanf(token, "%f") (8 hex digits)]
 * The values are fixed edge cases plus a deterministic pseudo-random sample (splitmix64, seed
 * below); exact %.8g ties and float32-midpoint traps are constructed on purpose.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x5EEDF00DCAFEF32ull;
static uint64_t next64(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double bits2d(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
static uint64_t d2bits(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }
static uint32_t f2bits(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }

static void g8(double x) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.8g", x);
  printf("  ['%016" PRIx64 "', '%s'],\n", d2bits(x), buf);
}

/* Is x (finite, nonzero) an exact 9-significant-digit decimal ending in 5, i.e. a %.8g tie? */
static int is_g8_tie(double x) {
  char buf[1200];
  snprintf(buf, sizeof buf, "%.1100e", fabs(x)); /* glibc prints the exact expansion */
  char *e = strchr(buf, 'e');
  char *p = e - 1;
  while (*p == '0') p--;
  /* buf = d.ddd…; significant digits = 1 + (p - (buf + 1)) */
  long sig = 1 + (long)(p - (buf + 1));
  return sig == 9 && *p == '5';
}

static void strtof_case(const char *tok) {
  float f = 0;
  int n = sscanf(tok, "%f", &f);
  if (n != 1) { fprintf(stderr, "sscanf failed on %s\n", tok); exit(1); }
  printf("  ['%s', '%08" PRIx32 "'],\n", tok, f2bits(f));
}

/* Exact decimal of the double m, shifted to just above (dir > 0) or just below (dir < 0). */
static void near_exact(double m, int dir, char *out, size_t cap) {
  char buf[1200];
  snprintf(buf, sizeof buf, "%.200e", m);
  char *e = strchr(buf, 'e');
  char exp[16];
  snprintf(exp, sizeof exp, "%s", e);
  *e = '\0';
  /* buf = [-]d.ddd… (exact, zero padded); trim padding */
  char *p = e - 1;
  while (*p == '0') p--;
  p[1] = '\0';
  char mant[1200];
  snprintf(mant, sizeof mant, "%s", buf);
  size_t len = strlen(mant);
  if (dir > 0) {
    /* append 0…01 far beyond the last digit */
    snprintf(out, cap, "%s%s000000000000000000001%s", mant, mant[len - 1] == '.' ? "0" : "", exp);
  } else {
    /* decrement the last nonzero digit, then many 9s */
    char *q = mant + len - 1;
    if (*q == '.') { fprintf(stderr, "bad mant\n"); exit(1); }
    *q -= 1;
    snprintf(out, cap, "%s999999999999999999999%s", mant, exp);
  }
}

int main(void) {
  /* ---------------- %.8g ---------------- */
  printf("// G8_TABLE (float32-cases.c)\n");
  static const double fixed[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 2.0, 10.0, 100.0, 1e7, 1e8, 1e8 - 1, 99999999.5, 99999998.5,
    99999999.4, 12345678.5, 12345677.5, 12345678.4999999, 123456785.0, 123456775.0, 1234567850.0,
    100.015625, -100.015625, 100.046875, 0.0001, 0.0001 * (1 - 1e-16), 9.99999995e-5,
    0.00012345678, 0.000123456785, 1e-5, 1e-4, 1.00000005, 1.00000015, 1.23456785, 1.5, 2.5,
    1.0 / 3.0, 2.0 / 3.0, 3.141592653589793, 2.718281828459045, 1e21, 1e22, 1e23, 1e100, 1e-100, 1e300, 1e-300, 1e-310,
    DBL_MAX, -DBL_MAX, DBL_MIN, 4.9406564584124654e-324, 2.2250738585072009e-308, 16777216.0,
    16777217.0, 63.84000205993652, 63.84000015258789, 63.840003967285156, 9999999.95, 999999.995,
    0.000999999995, 5e-5, 3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45,
    123.456, -123.456, 0.3, 0.7, 1e-7, 1.5e-7, 12.5, 1234567.25, 1234567.75, 8.5, 0.25, 0.125,
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) g8(fixed[i]);
  for (int k = -30; k <= 30; k += 3) { g8(pow(10, k)); g8(nextafter(pow(10, k), 0)); g8(nextafter(pow(10, k), INFINITY)); }
  for (int k = -1074; k <= 1023; k += 97) g8(ldexp(1.0, k));
  /* exact ties: dyadic values with 9 significant digits ending in 5 */
  int ties = 0;
  while (ties < 60) {
    int j = (int)(next64() % 12) + 1;          /* denominator 2^j */
    int digitsBefore = (int)(next64() % 9);    /* magnitude of the integer part */
    double ip = floor((double)(next64() % 1000000000ull) / pow(10, 9 - digitsBefore));
    double x = ip + (double)(2 * (next64() % (1ull << (j - 1))) + 1) / ldexp(1.0, j);
    if ((next64() & 3) == 0) x = ldexp(x, (int)(next64() % 21) - 10); /* rescale by 2^k */
    if (is_g8_tie(x)) { g8((next64() & 1) ? -x : x); ties++; }
  }
  /* random float32 values of all magnitudes */
  for (int i = 0; i < 60; i++) {
    uint32_t b = (uint32_t)next64();
    float f; memcpy(&f, &b, 4);
    if (isfinite(f)) g8((double)f);
  }
  /* random doubles of all magnitudes, and of SWC-like magnitudes */
  for (int i = 0; i < 40; i++) { double d = bits2d(next64()); if (isfinite(d)) g8(d); }
  for (int i = 0; i < 40; i++) g8(((double)(next64() >> 11) / 9007199254740992.0 - 0.3) * pow(10, (int)(next64() % 7) - 2));

  /* ---------------- sscanf %f ---------------- */
  printf("// STRTOF_TABLE (float32-cases.c)\n");
  static const char *toks[] = {
    "0", "-0", "+0", "1", "-1", "0.1", ".5", "5.", "+.5e-3", "1e10", "1E-10", "-2.5e+3", "00012",
    "63.84000205993652", "63.84", "16777216", "16777217", "16777218", "16777219",
    "16777217.000000000000001", "16777216.999999999999999", "3.4028234663852886e38",
    "3.4028235677973366e38", "3.4028235677973362e38", "3.40282356779733661637539395458142568448e38",
    "3.40282356779733661637539395458142568447e38", "1e39", "-1e39", "1e-45", "1.4e-45", "7e-46",
    "7.006492321624085e-46", "7.006492321624086e-46",
    "7.0064923216240853546186479164495806564013097093825788587853414194140305938994470329675e-46",
    "1e-50", "-1e-50", "1.1754943508222875e-38", "1.1754942e-38", "123456789", "0.333333333333",
    "1e-38", "9.99999999e-39", "2.5e-45", "2.1019476964872256e-45", "inf", "-inf", "INF", "Infinity",
    "-infinity", "nan", "NaN", "-nan", "1.000000059604644775390625", "1.0000000596046448",
    "1.00000005960464477539062500000000000000000001", "1.00000005960464477539062499999999999999999999",
    "0.000000000000000000000000000000000000000000000000001e51",
    "100000000000000000000000000000000000000000000000000e-50",
  };
  for (size_t i = 0; i < sizeof toks / sizeof toks[0]; i++) strtof_case(toks[i]);
  /* float32-midpoint traps: exact midpoint decimals, and decimals a hair above/below them
     (these round to the midpoint as a double, so fround(parseFloat) would be wrong on one side) */
  char buf[1400];
  for (int i = 0; i < 40; i++) {
    uint32_t b = (uint32_t)next64() & 0x7f7fffffu; /* finite, positive */
    if ((b & 0x7f800000u) == 0x7f000000u) b &= 0x7effffffu;
    float lo; memcpy(&lo, &b, 4);
    float hi = nextafterf(lo, INFINITY);
    double m = ((double)lo + (double)hi) / 2;
    snprintf(buf, sizeof buf, "%.80e", m);
    { char *e = strchr(buf, 'e'); char *p = e - 1; while (*p == '0') p--; memmove(p + 1, e, strlen(e) + 1); }
    strtof_case(buf);
    near_exact(m, +1, buf, sizeof buf); strtof_case(buf);
    near_exact(m, -1, buf, sizeof buf); strtof_case(buf);
  }
  /* random decimal tokens */
  for (int i = 0; i < 40; i++) {
    double d = ((double)(next64() >> 11) / 9007199254740992.0 - 0.5) * pow(10, (int)(next64() % 80) - 45);
    snprintf(buf, sizeof buf, "%.*g", (int)(next64() % 17) + 1, d);
    strtof_case(buf);
  }
  return 0;
}
