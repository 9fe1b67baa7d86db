/**
 * Where one of our step loops spends its time, by phase, without a profiler:
 *
 *   node --import tsx bench/phases.ts NAME
 *
 * Runs 10000 steps of the benchmark's model with `performance.now()` around each phase of
 * `fixedStep` (src/solvers/cpu.ts), re-enacted here in the same order: fills (rhs, diagonal, the
 * ion totals someone reads; no Nernst updates here), mechanism currents, axial terms +
 * elimination, back-substitution + v update, the CN ion correction, state updates. The timer calls add ≈ 3 ms per 10000 steps. Prints milliseconds.
 * Keep it in step with fixedStep when that changes.
 */
import { CASES, type SimCase } from './cases.ts';
import { compileModel } from '../src/solvers/model.ts';
import { createCpuState, finitialize } from '../src/solvers/cpu.ts';
import { hinesAxialEliminate, hinesAxialTriangularize, hinesBacksubstituteInv } from '../src/solvers/hines.ts';

const name = process.argv[2];
const c = CASES.find((x) => x.name === name) as SimCase | undefined;
if (c === undefined || !('build' in c)) {
  console.error(`usage: node --import tsx bench/phases.ts NAME (one of ${CASES.filter((x) => 'build' in x).map((x) => x.name).join(', ')})`);
  process.exit(2);
}
const model = compileModel(c.build().request);
const s = createCpuState(model);
finitialize(s, model.v_init_mV);
const T = { fills: 0, current: 0, eliminate: 0, backsubstitute: 0, cn: 0, advance: 0 };
const ctx = s.ctx;
const half = 0.5 * ctx.dt;
const start = performance.now();
for (let step = 0; step < 10000; step++) {
  const t0 = performance.now();
  ctx.t += half;
  s.rhs.fill(0);
  if (s.linear) ctx.d.fill(0);
  else s.d.set(s.dConst);
  for (const ion of s.correctedIons) {
    ion.i.fill(0);
    ion.didv.fill(0);
  }
  const t1 = performance.now();
  for (const m of s.mechanisms) m.mechanism.current(m.instance, ctx);
  const t2 = performance.now();
  let dinv = s.d;
  if (s.linear) {
    hinesAxialEliminate(s.n, s.parent, s.a, s.b, s.fac, s.v, s.rhs);
    dinv = s.dinv;
  } else {
    hinesAxialTriangularize(s.n, s.parent, s.a, s.b, s.ab, s.v, s.d, s.rhs);
  }
  const t3 = performance.now();
  hinesBacksubstituteInv(s.n, s.parent, s.b, dinv, s.rhs, s.v, s.secondOrder ? 2 : 1, s.vLimit);
  const t4 = performance.now();
  if (s.secondOrder) {
    for (const ion of s.correctedIons) for (let i = 0; i < s.n; i++) ion.i[i] += ion.didv[i] * s.rhs[i];
  }
  ctx.t += half;
  const t5 = performance.now();
  for (const m of s.advancing) m.mechanism.advance!(m.instance, ctx);
  const t6 = performance.now();
  T.fills += t1 - t0;
  T.current += t2 - t1;
  T.eliminate += t3 - t2;
  T.backsubstitute += t4 - t3;
  T.cn += t5 - t4;
  T.advance += t6 - t5;
}
const total = performance.now() - start;
console.log(
  `${name}: total ${total.toFixed(0)} ms; ` +
    Object.entries(T)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', '),
);
