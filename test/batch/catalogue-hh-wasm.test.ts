/**
 * src/channels/hh-wasm.ts, the SIMD half of hh's exact-rate state update (the default catalogue's hh,
 * held equal to the generated kernel by catalogue.test.ts): its exponent arguments and its cnexp
 * targets and exponents are the bits of the JavaScript arithmetic (`hhRatesPair`, hh.mod as nocmodl
 * emits it), lane by lane, including vtrap's singular points (v = −40 and −55 mV exactly, where
 * q = 0 takes the series branch), |q| just below and above 1e-6, extreme v and NaN.
 */
import { describe, expect, it } from 'vitest';
import { createExpBatchWithFallback } from '../../src/channels/exp-wasm.ts';
import { hhRatesPair } from '../../src/channels/hh.ts';
import { hhKernels } from '../../src/channels/hh-wasm.ts';
import { hocExp } from '../../src/channels/user/runtime.ts';
import { uniformGenerator } from '../../src/channels/random.ts';


const SPECIAL = [-40, -55, -40 + 9e-6, -40 - 9e-6, -40 + 1.1e-5, -55 + 9.99e-6, -35, -65, -200, 150, 0, -0, NaN];

describe('hh-wasm: the SIMD rates equal the JavaScript arithmetic bit for bit', () => {
  for (const n of [2, 64, 1000]) {
    it(`${n} instances (${SPECIAL.length} special potentials among them)`, () => {
      const rand = uniformGenerator(n);
      const v = Float64Array.from({ length: n }, (_, j) => (j < SPECIAL.length && j < n ? SPECIAL[j] : -150 + 250 * rand()));
      const stride = n;
      const expb = createExpBatchWithFallback(13 * stride, hocExp);
      const k = hhKernels(expb);
      const buf = expb.buf;
      const V = 0, E = stride, INF = 7 * stride, ARG = 10 * stride;
      buf.set(v, V);
      k.args(V, E, stride, n);
      const divisors = [10, 18, 20, 10, 10, 80];
      const shifts = [40, 65, 65, 35, 55, 65];
      for (let p = 0; p < 6; p++) {
        for (let j = 0; j < n; j++) expect(Object.is(buf[E + p * stride + j], -(v[j] + shifts[p]) / divisors[p]), `arg ${p} at v ${v[j]}`).toBe(true);
      }
      expb.run(E, 6 * stride);
      const q10 = 3.7; // hh.mod's q10 at 18.2 °C is about 3.7
      const dt = 0.025;
      k.rates(V, E, INF, ARG, stride, n, q10, dt);
      const e = new Float64Array(6);
      const out = new Float64Array(6);
      let checked = 0;
      for (let j = 0; j < n; j++) {
        for (let p = 0; p < 6; p++) e[p] = buf[E + p * stride + j];
        hhRatesPair(v[j], e, q10, dt, out);
        for (let gate = 0; gate < 3; gate++) {
          expect(Object.is(buf[INF + gate * stride + j], out[2 * gate]), `target ${gate} at v ${v[j]}`).toBe(true);
          expect(Object.is(buf[ARG + gate * stride + j], out[2 * gate + 1]), `exponent ${gate} at v ${v[j]}`).toBe(true);
          checked += 2;
        }
      }
      expect(checked).toBe(6 * n);
    });
  }

  it('refuses an odd count and planes outside the scratch', () => {
    const expb = createExpBatchWithFallback(13 * 4, hocExp);
    const k = hhKernels(expb);
    expect(() => k.args(0, 4, 4, 3)).toThrow(/planes outside the scratch/);
    expect(() => k.rates(0, 4, 28, 44, 4, 4, 1, 0.025)).toThrow(/planes outside the scratch/);
  });
});
