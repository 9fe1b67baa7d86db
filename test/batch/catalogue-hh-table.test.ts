/**
 * hh's rate-table path (usetable = 1: x∞ and τ interpolated in JavaScript, then the cnexp update of
 * the three gates in one WebAssembly SIMD loop, src/channels/hh-table.ts) gives the bits of the same
 * arithmetic in JavaScript: hhRatesFromTable (nocmodl's `_n_rates`) and cnexp in its emitted form
 * x + (1 − hoc_Exp(dt·((−1)/τ)))·(−(x∞/τ)/((−1)/τ) − x), instance by instance, for even and odd
 * counts, over many steps, inside the table, on its grid points, at and beyond both ends (clamped),
 * ±0 and NaN, at several dt and celsius (test/batch/catalogue.test.ts compares whole Rallpack 3 runs
 * with the kernel generated from the kinetics description).
 */
import { describe, expect, it } from 'vitest';
import { hh, hhRatesFromTable, type HhInstance } from '../../src/channels/hh.ts';
import { hocExp } from '../../src/channels/user/runtime.ts';
import type { IonState, MechanismContext } from '../../src/channels/mechanism.ts';
import { uniformGenerator } from '../../src/channels/random.ts';

const SPECIAL = [-100, 100, -100 - 1e-13, 100 - 1e-13, -99, 99.5, -65, -40, 0, -0, -200, 150, 1e4, -1e4, NaN];

function ion(name: string, n: number): IonState {
  const z = (): Float64Array => new Float64Array(n);
  return { name, charge: 1, e: z(), i: z(), didv: z(), ci: z(), co: z(), ci0: 0, co0: 0 } as unknown as IonState;
}

/** One hh block of `count` instances with the rate table, each on its own node (reversed, so that the gather matters). */
function block(count: number): HhInstance {
  const nodes = Int32Array.from({ length: count }, (_, j) => count - 1 - j);
  const p = (x: number): Float64Array => new Float64Array(count).fill(x);
  return hh.instantiate({
    nodes,
    params: { gnabar: p(0.12), gkbar: p(0.036), gl: p(0.0003), el: p(-54.3) },
    globals: { usetable: 1 },
    area_um2: p(100),
    ions: { na: ion('na', count), k: ion('k', count) },
  });
}

function ctxOf(v: Float64Array, dt: number, celsius: number): MechanismContext {
  const n = v.length;
  return { t: 0, dt, celsius, v, rhs: new Float64Array(n), d: new Float64Array(n), area_um2: new Float64Array(n).fill(100) };
}

describe('hh rate tables: the WebAssembly SIMD cnexp update equals hhRatesFromTable + cnexp in JavaScript bit for bit', () => {
  for (const count of [1, 2, 7, 64, 1001]) {
    for (const [dt, celsius] of [[0.025, 6.3], [0.01, 18.5], [0.1, 37]] as const) {
      it(`${count} instances, dt ${dt} ms, ${celsius} °C, 40 steps`, () => {
        const rand = uniformGenerator(count * 1000 + celsius);
        const b = block(count);
        const v = new Float64Array(count);
        for (let j = 0; j < count; j++) v[j] = -65 + 10 * rand();
        const ctx = ctxOf(v, dt, celsius);
        hh.initialize(b, ctx);
        expect(b.table).not.toBeNull();
        const gates = [b.m, b.h, b.n];
        const ref = gates.map((x) => x.slice());
        const r = new Float64Array(6);
        let compared = 0;
        for (let step = 0; step < 40; step++) {
          for (let j = 0; j < count; j++) {
            const s = (j + step) % (SPECIAL.length * 3);
            v[j] = s < SPECIAL.length && step % 4 === 0 ? SPECIAL[s] : step % 4 === 2 ? -100 + ((j * 7 + step) % 201) : -120 + 240 * rand();
          }
          hh.advance!(b, ctx);
          for (let j = 0; j < count; j++) {
            hhRatesFromTable(v[b.nodes[j]], b.table!, r, 0);
            for (let g = 0; g < 3; g++) {
              const x = ref[g][j], inf = r[2 * g], tau = r[2 * g + 1];
              ref[g][j] = x + (1.0 - hocExp(dt * (-1.0 / tau))) * (-(inf / tau) / (-1.0 / tau) - x);
            }
          }
          for (let g = 0; g < 3; g++) {
            for (let j = 0; j < count; j++) {
              if (!Object.is(gates[g][j], ref[g][j])) expect.fail(`gate ${'mhn'[g]}[${j}] after step ${step}, v ${v[b.nodes[j]]}: got ${gates[g][j]}, JavaScript ${ref[g][j]}`);
              compared++;
              // NaN would stick in the states: reset both sides
              if (!Number.isFinite(gates[g][j])) gates[g][j] = ref[g][j] = 0.5;
            }
          }
        }
        expect(compared).toBe(3 * 40 * count);
        expect(b.m.some((x) => x !== 0.5 && x > 0 && x < 1)).toBe(true);
      });
    }
  }
});
