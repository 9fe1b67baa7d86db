/**
 * src/channels/hh-fused.ts: hh's exact-rate state update in one generated WebAssembly loop (the
 * default catalogue's hh `advance`) gives the bits of the update in passes over scratch planes
 * (`hhPassesAdvance`: hh-wasm.ts arguments and rates, the batched exp, ExpBatch.relax; held to the
 * JavaScript arithmetic by catalogue-hh-wasm.test.ts), instance by instance, for even and odd
 * counts, over many steps, at vtrap's singular points (v = −40 and −55 mV exactly), extreme v (exp
 * arguments outside the fast range, hoc_Exp's fallback), ±0 and NaN, and at several dt and celsius.
 */
import { describe, expect, it } from 'vitest';
import { hh, hhPassesAdvance, type HhInstance } from '../../src/channels/hh.ts';
import type { IonState, MechanismContext } from '../../src/channels/mechanism.ts';
import { uniformGenerator } from '../../src/channels/random.ts';


const SPECIAL = [-40, -55, -40 + 9e-6, -40 - 9e-6, -55 + 9.99e-6, -35, -65, -200, 150, 0, -0, 1e4, -1e4, NaN];

function ion(name: string, n: number): IonState {
  const z = (): Float64Array => new Float64Array(n);
  return { name, charge: 1, e: z(), i: z(), didv: z(), ci: z(), co: z(), ci0: 0, co0: 0 } as unknown as IonState;
}

/** One hh block of `count` instances, each on its own node (reversed, so that the gather matters). */
function block(count: number, usetable: 0 | 1): HhInstance {
  const nodes = Int32Array.from({ length: count }, (_, j) => count - 1 - j);
  const p = (x: number): Float64Array => new Float64Array(count).fill(x);
  return hh.instantiate({
    nodes,
    params: { gnabar: p(0.12), gkbar: p(0.036), gl: p(0.0003), el: p(-54.3) },
    globals: { usetable },
    area_um2: p(100),
    ions: { na: ion('na', count), k: ion('k', count) },
  });
}

function ctxOf(v: Float64Array, dt: number, celsius: number): MechanismContext {
  const n = v.length;
  return { t: 0, dt, celsius, v, rhs: new Float64Array(n), d: new Float64Array(n), area_um2: new Float64Array(n).fill(100) };
}

const same = (a: Float64Array, b: Float64Array): number => {
  let diff = 0;
  for (let j = 0; j < a.length; j++) if (!Object.is(a[j], b[j])) diff++;
  return diff;
};

describe('hh-fused: the one-loop exact-rate update equals the update in passes bit for bit', () => {
  for (const count of [1, 2, 7, 64, 1001]) {
    for (const [dt, celsius] of [[0.025, 6.3], [0.01, 18.5], [0.1, 37]] as const) {
      it(`${count} instances, dt ${dt} ms, ${celsius} °C, 40 steps`, () => {
        const rand = uniformGenerator(count * 1000 + celsius);
        const fused = block(count, 0);
        const passes = block(count, 0);
        const v = new Float64Array(count);
        for (let j = 0; j < count; j++) v[j] = -65 + 10 * rand();
        const ctx = ctxOf(v, dt, celsius);
        hh.initialize(fused, ctx);
        hh.initialize(passes, ctx);
        const q10 = Math.pow(3.0, (celsius - 6.3) / 10.0);
        let compared = 0;
        for (let step = 0; step < 40; step++) {
          for (let j = 0; j < count; j++) {
            const s = (j + step) % (SPECIAL.length * 3);
            v[j] = s < SPECIAL.length && step % 4 === 0 ? SPECIAL[s] : -120 + 180 * rand();
          }
          // NaN would stick in the states: special potentials only every fourth step, states reset after
          hh.advance!(fused, ctx);
          hhPassesAdvance(passes, v, q10, dt);
          for (const x of ['m', 'h', 'n'] as const) {
            expect(same(fused[x], passes[x]), `${x} after step ${step}`).toBe(0);
            compared += count;
            for (let j = 0; j < count; j++) {
              if (!Number.isFinite(fused[x][j])) {
                fused[x][j] = 0.5;
                passes[x][j] = 0.5;
              }
            }
          }
        }
        expect(compared).toBe(3 * 40 * count);
        // the update did move the gates (not a no-op on both sides)
        expect(fused.m.some((x) => x !== 0.5 && x > 0 && x < 1)).toBe(true);
      });
    }
  }

});
