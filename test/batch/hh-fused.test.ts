/**
 * src/channels/hh-fused.ts: hh's exact-rate state update in one generated WebAssembly loop (the
 * default catalogue's hh `advance`) gives the bits of the same arithmetic in JavaScript (the six
 * exponentials by hoc_Exp, `hhRatesPair`, then x + (1 − hoc_Exp(dt·a))·(target − x)), instance by
 * instance, for even and odd
 * counts, over many steps, at vtrap's singular points (v = −40 and −55 mV exactly), extreme v (exp
 * arguments outside the fast range, hoc_Exp's fallback), ±0 and NaN, and at several dt and celsius.
 */
import { describe, expect, it } from 'vitest';
import { hh, hhRatesPair, type HhInstance } from '../../src/channels/hh.ts';
import { hocExp } from '../../src/channels/user/runtime.ts';
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

/** The reference: the update of every instance of `b` in JavaScript, v of instance j at v[nodes[j]]. */
function referenceAdvance(b: HhInstance, v: Float64Array, q10: number, dt: number): void {
  const e = new Float64Array(6);
  const out = new Float64Array(6);
  const gates = [b.m, b.h, b.n];
  for (let j = 0; j < b.count; j++) {
    const vj = v[b.nodes[j]];
    e[0] = hocExp(-(vj + 40.0) / 10.0);
    e[1] = hocExp(-(vj + 65.0) / 18.0);
    e[2] = hocExp(-(vj + 65.0) / 20.0);
    e[3] = hocExp(-(vj + 35.0) / 10.0);
    e[4] = hocExp(-(vj + 55.0) / 10.0);
    e[5] = hocExp(-(vj + 65.0) / 80.0);
    hhRatesPair(vj, e, q10, dt, out);
    for (let g = 0; g < 3; g++) {
      const x = gates[g][j];
      gates[g][j] = x + (1 - hocExp(out[2 * g + 1])) * (out[2 * g] - x);
    }
  }
}

const same = (a: Float64Array, b: Float64Array): number => {
  let diff = 0;
  for (let j = 0; j < a.length; j++) if (!Object.is(a[j], b[j])) diff++;
  return diff;
};

describe('hh-fused: the one-loop exact-rate update equals the JavaScript arithmetic bit for bit', () => {
  for (const count of [1, 2, 7, 64, 1001]) {
    for (const [dt, celsius] of [[0.025, 6.3], [0.01, 18.5], [0.1, 37]] as const) {
      it(`${count} instances, dt ${dt} ms, ${celsius} °C, 40 steps`, () => {
        const rand = uniformGenerator(count * 1000 + celsius);
        const fused = block(count, 0);
        const ref = block(count, 0);
        const v = new Float64Array(count);
        for (let j = 0; j < count; j++) v[j] = -65 + 10 * rand();
        const ctx = ctxOf(v, dt, celsius);
        hh.initialize(fused, ctx);
        hh.initialize(ref, ctx);
        const q10 = Math.pow(3.0, (celsius - 6.3) / 10.0);
        let compared = 0;
        for (let step = 0; step < 40; step++) {
          for (let j = 0; j < count; j++) {
            const s = (j + step) % (SPECIAL.length * 3);
            v[j] = s < SPECIAL.length && step % 4 === 0 ? SPECIAL[s] : -120 + 180 * rand();
          }
          // NaN would stick in the states: special potentials only every fourth step, states reset after
          hh.advance!(fused, ctx);
          referenceAdvance(ref, v, q10, dt);
          for (const x of ['m', 'h', 'n'] as const) {
            expect(same(fused[x], ref[x]), `${x} after step ${step}`).toBe(0);
            compared += count;
            for (let j = 0; j < count; j++) {
              if (!Number.isFinite(fused[x][j])) {
                fused[x][j] = 0.5;
                ref[x][j] = 0.5;
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
