/**
 * The tree solve of the GPU backend (src/solvers/gpu/tree.ts): the rake-and-compress schedule solves
 * NEURON's tree matrix like Hines elimination (float64 within 1e-12 relative), in about log2(N) rounds,
 * on a real morphology, an unbranched cable and a forest; each survivor gathers from at most one
 * eliminated parent and two eliminated children (the kernels' gather tables).
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadProtocol, buildSimulation } from '../../src/protocol/index.ts';
import { connectionCoefficients } from '../../src/solvers/model.ts';
import { hinesSolve } from '../../src/solvers/hines.ts';
import { contractionSchedule, contractionSolve } from '../../src/solvers/gpu/tree.ts';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Solve a diagonally dominant system on `parent` both ways; returns the max relative difference. */
function check(parent: Int32Array, a: Float64Array, b: Float64Array, seed: number): { err: number; rounds: number } {
  const n = parent.length;
  const rnd = random(seed);
  const d = new Float64Array(n);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d[i] = 0.04 + 0.2 * rnd();
    r[i] = rnd() - 0.5;
  }
  for (let i = 0; i < n; i++) if (parent[i] >= 0) { d[i] -= b[i]; d[parent[i]] -= a[i]; }
  const s = contractionSchedule(parent);
  const L = (x: Float64Array): Float64Array => Float64Array.from(s.node, (i) => x[i]);
  const x = contractionSolve(s, L(d), L(r), L(b), L(a));
  const dd = d.slice();
  const rr = r.slice();
  hinesSolve(n, parent, a, b, dd, rr);
  let err = 0;
  let scale = 0;
  for (let l = 0; l < n; l++) {
    err = Math.max(err, Math.abs(x[l] - rr[s.node[l]]));
    scale = Math.max(scale, Math.abs(rr[s.node[l]]));
  }
  // gather tables: ≤ 1 eliminated parent and ≤ 2 eliminated children per survivor, by construction
  for (let k = 0; k + 1 < s.live.length; k++) {
    expect(s.fwdParent[k].length).toBe(s.live[k + 1]);
    for (let j = 0; j < s.live[k + 1]; j++) for (const e of [s.fwdParent[k][j], s.fwdChild0[k][j], s.fwdChild1[k][j]]) if (e >= 0) expect(e).toBeGreaterThanOrEqual(s.live[k + 1]);
  }
  return { err: err / scale, rounds: s.live.length - 1 };
}

describe('tree contraction schedule', () => {
  it('solves the 2243-node CA1 cell (c91662, d_lambda 0.05) like Hines', () => {
    const built = buildSimulation(loadProtocol(fileURLToPath(new URL('../../bench/protocols/c91662_hh_2048.json', import.meta.url))));
    const { a, b } = connectionCoefficients(built.layout);
    const { err, rounds } = check(Int32Array.from(built.layout.parent), a, b, 1);
    console.log(`CA1 c91662, ${built.layout.nNodes} nodes: ${rounds} rounds, max relative difference from Hines ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-12);
    expect(rounds).toBeLessThanOrEqual(Math.ceil(Math.log2(built.layout.nNodes)) + 2);
  });

  it('solves an unbranched 1000-node cable (cyclic reduction) and a forest of three cells', () => {
    const n = 1000;
    const cable = Int32Array.from({ length: n }, (_, i) => i - 1);
    const coef = (m: number, f: number) => Float64Array.from({ length: m }, (_, i) => (i === 0 ? 0 : -f * (1 + (i % 7) / 10)));
    const c = check(cable, coef(n, 0.3), coef(n, 0.5), 2);
    expect(c.err).toBeLessThan(1e-12);
    expect(c.rounds).toBeLessThanOrEqual(12);
    // forest: three random trees side by side
    const rnd = random(3);
    const parent: number[] = [];
    for (let cell = 0; cell < 3; cell++) {
      const base = parent.length;
      parent.push(-1);
      for (let i = 1; i < 300; i++) parent.push(base + Math.floor(rnd() * i));
    }
    const f = check(Int32Array.from(parent), coef(900, 0.2), coef(900, 0.4), 4);
    expect(f.err).toBeLessThan(1e-12);
  });
});
