/**
 * The Hay gated channels' state update (src/channels/hay/simd.ts: one WebAssembly SIMD loop over
 * instance pairs, exp inline) gives the bits of the same arithmetic in JavaScript: the channel's
 * `rates(v)` (nocmodl's formulas, hoc_Exp) and cnexp in its emitted form
 * x + (1 − hoc_Exp(dt·((−1)/τ)))·(−(x∞/τ)/((−1)/τ) − x) (src/channels/hay/common.ts `cnexp`),
 * instance by instance, for even and odd counts, over several steps, at the .mod files' singular
 * points (their v + 0.0001 shifts), at extreme v (exp arguments outside the fast range: hoc_Exp's
 * fallback and its ±700 limits), ±0 and NaN, and at several dt. (test/batch/catalogue.test.ts
 * compares whole simulations with the kernels generated from the kinetics descriptions.) Likewise
 * SK_E2's update (z∞ from cai, then cnexp) against skE2ZInf + cnexp, at cai around its 1e-7 shift,
 * 0, negative, tiny, huge, ∞ and NaN.
 */
import { describe, expect, it } from 'vitest';
import type { IonState, Mechanism, MechanismContext } from '../../src/channels/mechanism.ts';
import { uniformGenerator } from '../../src/channels/random.ts';
import { cnexp } from '../../src/channels/hay/common.ts';
import type { GatedInstance } from '../../src/channels/hay/gated.ts';
import { caHva, caHvaRates } from '../../src/channels/hay/Ca_HVA.ts';
import { caLvast, caLvastRates } from '../../src/channels/hay/Ca_LVAst.ts';
import { ih, ihRates } from '../../src/channels/hay/Ih.ts';
import { im, imRates } from '../../src/channels/hay/Im.ts';
import { kPst, kPstRates } from '../../src/channels/hay/K_Pst.ts';
import { kTst, kTstRates } from '../../src/channels/hay/K_Tst.ts';
import { naTaT, naTaTRates } from '../../src/channels/hay/NaTa_t.ts';
import { napEt2, napEt2Rates } from '../../src/channels/hay/Nap_Et2.ts';
import { skv31, skv31Rates } from '../../src/channels/hay/SKv3_1.ts';
import { skE2, skE2ZInf, type SKE2Instance } from '../../src/channels/hay/SK_E2.ts';

const CHANNELS: [Mechanism, (v: number, out: Float64Array) => void][] = [
  [naTaT, naTaTRates], [napEt2, napEt2Rates], [caHva, caHvaRates], [caLvast, caLvastRates], [ih, ihRates],
  [im, imRates], [kPst, kPstRates], [kTst, kTstRates], [skv31, skv31Rates],
];

/** The .mod files' singular points and branch points, their neighbours, extremes, ±0, NaN. */
const SPECIAL = [
  -38, -66, -27, -154.9, -64.4, -41.4, -52.6, -50, -80, -35, 18.7, -46.56, -38 + 1e-4, -66 - 1e-12,
  0, -0, 150, -200, 1e4, -1e4, 3e4, -3e4, NaN,
];

function ion(name: string, n: number): IonState {
  const z = (): Float64Array => new Float64Array(n);
  return { name, charge: name === 'ca' ? 2 : 1, e: z(), i: z(), didv: z(), ci: z(), co: z(), ci0: 0, co0: 0 } as unknown as IonState;
}

/** One block of `count` instances, each on its own node (reversed, so that the gather matters). */
function block(m: Mechanism, count: number): GatedInstance {
  const d = m.description;
  const nodes = Int32Array.from({ length: count }, (_, j) => count - 1 - j);
  const params: Record<string, Float64Array> = {};
  for (const p of d.params) params[p.name] = new Float64Array(count).fill(p.default);
  const globals: Record<string, number> = {};
  for (const g of d.globals) globals[g.name] = g.default;
  const ions: Record<string, IonState> = {};
  for (const x of d.ions) ions[x.ion] = ion(x.ion, count);
  return m.instantiate({ nodes, params, globals, area_um2: new Float64Array(count).fill(100), ions }) as GatedInstance;
}

function ctxOf(v: Float64Array, dt: number): MechanismContext {
  const n = v.length;
  return { t: 0, dt, celsius: 34, v, rhs: new Float64Array(n), d: new Float64Array(n), area_um2: new Float64Array(n).fill(100) };
}

describe('Hay gated channels: the WebAssembly SIMD state update equals rates() + cnexp in JavaScript bit for bit', () => {
  for (const [m, rates] of CHANNELS) {
    it(m.description.name, () => {
      const gates = m.description.states.map((s) => s.name);
      const rnd = uniformGenerator(20261202);
      const r = new Float64Array(2 * gates.length);
      let compared = 0;
      for (const count of [1, 2, 3, 8, 33, 64]) {
        for (const dt of [0.025, 0.1, 1e-3]) {
          const inst = block(m, count);
          const v = new Float64Array(count);
          const ref = gates.map(() => new Float64Array(count));
          for (let g = 0; g < gates.length; g++) {
            for (let j = 0; j < count; j++) ref[g][j] = rnd();
            inst.vars[gates[g]].set(ref[g]);
          }
          for (let step = 0; step < 6; step++) {
            for (let j = 0; j < count; j++) {
              const k = (j + step * count) % (2 * SPECIAL.length);
              v[j] = k < SPECIAL.length ? SPECIAL[k] : -120 + 180 * rnd();
            }
            m.advance!(inst, ctxOf(v, dt));
            for (let j = 0; j < count; j++) {
              rates(v[inst.nodes[j]], r);
              for (let g = 0; g < gates.length; g++) ref[g][j] = cnexp(ref[g][j], r[2 * g], r[2 * g + 1], dt);
            }
            for (let g = 0; g < gates.length; g++) {
              const got = inst.vars[gates[g]];
              for (let j = 0; j < count; j++) {
                if (!Object.is(got[j], ref[g][j])) {
                  expect.fail(`${m.description.name} ${gates[g]}[${j}] of ${count}, dt ${dt}, step ${step}, v ${v[inst.nodes[j]]}: got ${got[j]}, JavaScript ${ref[g][j]}`);
                }
                compared++;
              }
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(1000);
    });
  }
});

describe('SK_E2: the WebAssembly SIMD state update equals skE2ZInf + cnexp in JavaScript bit for bit', () => {
  it('SK_E2', () => {
    const CA = [0, -0, 1e-7, 1e-7 - 1e-22, 5e-8, -1e-7, -5e-8, -1, 1e-300, 4.3e-4, 1e-4, 1e-2, 10, 1e300, Infinity, NaN];
    const rnd = uniformGenerator(7);
    let compared = 0;
    for (const count of [1, 2, 3, 8, 33]) {
      for (const dt of [0.025, 0.1]) {
        const inst = block(skE2, count) as unknown as SKE2Instance;
        const cai = inst.ca.ci;
        const v = new Float64Array(count);
        const ref = new Float64Array(count);
        for (let j = 0; j < count; j++) ref[j] = rnd();
        inst.z.set(ref);
        for (let step = 0; step < 6; step++) {
          for (let j = 0; j < count; j++) {
            const k = (j + step * count) % (2 * CA.length);
            cai[j] = k < CA.length ? CA[k] : 1e-5 * 10 ** (3 * rnd());
          }
          skE2.advance!(inst, ctxOf(v, dt));
          for (let j = 0; j < count; j++) ref[j] = cnexp(ref[j], skE2ZInf(cai[inst.nodes[j]]), inst.zTau, dt);
          for (let j = 0; j < count; j++) {
            if (!Object.is(inst.z[j], ref[j])) expect.fail(`z[${j}] of ${count}, dt ${dt}, step ${step}, cai ${cai[inst.nodes[j]]}: got ${inst.z[j]}, JavaScript ${ref[j]}`);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
  });
});
