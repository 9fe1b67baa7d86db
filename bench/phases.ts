/**
 * Where one of our step loops spends its time, by phase and by mechanism, without a profiler:
 *
 *   node --import tsx bench/phases.ts NAME [--steps N]
 *
 * Runs N (default 10000) steps of the benchmark's model with `performance.now()` around each phase
 * of `fixedStep` (src/solvers/cpu.ts), re-enacted here in the same order: fills (rhs, diagonal,
 * Nernst updates, the ion totals someone reads), BEFORE_BREAKPOINT blocks, mechanism currents,
 * axial terms + elimination, back-substitution + v update, the CN ion correction, state updates.
 * Then, per mechanism (summed over its instances), the milliseconds of `current` and `advance`
 * with a timer around each call. The timer calls add ≈ 0.3 µs each. Prints milliseconds.
 * Keep it in step with fixedStep when that changes.
 */
import { CASES, type SimCase } from './cases.ts';
import { compileModel } from '../src/solvers/model.ts';
import { createCpuState, finitialize } from '../src/solvers/cpu.ts';
import { advanceReversal } from '../src/channels/ions.ts';
import { hinesAxialEliminate, hinesAxialTriangularize, hinesBacksubstituteInv } from '../src/solvers/hines.ts';

const name = process.argv[2];
const si = process.argv.indexOf('--steps');
const steps = si >= 0 ? Number(process.argv[si + 1]) : 10000;
const c = CASES.find((x) => x.name === name) as SimCase | undefined;
if (c === undefined || !('build' in c) || !Number.isInteger(steps) || steps < 1) {
  console.error(`usage: node --import tsx bench/phases.ts NAME [--steps N] (NAME one of ${CASES.filter((x) => 'build' in x).map((x) => x.name).join(', ')}; N an integer >= 1)`);
  process.exit(2);
}
const model = compileModel(c.build().request);
const s = createCpuState(model);
finitialize(s, model.v_init_mV);
const T = { fills: 0, beforeBreakpoint: 0, current: 0, eliminate: 0, backsubstitute: 0, cn: 0, advance: 0 };
const ctx = s.ctx;
const half = 0.5 * ctx.dt;

function oneStep(): void {
  const t0 = performance.now();
  ctx.t += half;
  s.rhs.fill(0);
  if (s.linear) ctx.d.fill(0);
  else s.d.set(s.dConst);
  for (const ion of s.ions) advanceReversal(ion, ctx.celsius);
  for (const ion of s.correctedIons) {
    ion.i.fill(0);
    ion.didv.fill(0);
  }
  const t1 = performance.now();
  for (const m of s.beforeBreakpoint) m.mechanism.beforeBreakpoint!(m.instance, ctx);
  const t1b = performance.now();
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
  hinesBacksubstituteInv(s.n, s.parent, s.b, dinv, s.rhs, s.v, s.secondOrder ? 2 : 1, s.vCheck);
  const t4 = performance.now();
  if (s.secondOrder) {
    for (const ion of s.correctedIons) for (let i = 0; i < s.n; i++) ion.i[i] += ion.didv[i] * s.rhs[i];
  }
  ctx.t += half;
  const t5 = performance.now();
  for (const m of s.advancing) m.mechanism.advance!(m.instance, ctx);
  const t6 = performance.now();
  T.fills += t1 - t0;
  T.beforeBreakpoint += t1b - t1;
  T.current += t2 - t1b;
  T.eliminate += t3 - t2;
  T.backsubstitute += t4 - t3;
  T.cn += t5 - t4;
  T.advance += t6 - t5;
}

// The same steps again with a timer around every mechanism call (each mechanism's instances summed).
const byMech = new Map<string, { current: number; advance: number; count: number }>();
for (const m of s.mechanisms) {
  const e = byMech.get(m.mechanism.description.name) ?? { current: 0, advance: 0, count: 0 };
  e.count += m.instance.count;
  byMech.set(m.mechanism.description.name, e);
}
function oneStepByMechanism(): void {
  ctx.t += half;
  s.rhs.fill(0);
  if (s.linear) ctx.d.fill(0);
  else s.d.set(s.dConst);
  for (const ion of s.ions) advanceReversal(ion, ctx.celsius);
  for (const ion of s.correctedIons) {
    ion.i.fill(0);
    ion.didv.fill(0);
  }
  for (const m of s.beforeBreakpoint) m.mechanism.beforeBreakpoint!(m.instance, ctx);
  for (const m of s.mechanisms) {
    const t0 = performance.now();
    m.mechanism.current(m.instance, ctx);
    byMech.get(m.mechanism.description.name)!.current += performance.now() - t0;
  }
  let dinv = s.d;
  if (s.linear) {
    hinesAxialEliminate(s.n, s.parent, s.a, s.b, s.fac, s.v, s.rhs);
    dinv = s.dinv;
  } else {
    hinesAxialTriangularize(s.n, s.parent, s.a, s.b, s.ab, s.v, s.d, s.rhs);
  }
  hinesBacksubstituteInv(s.n, s.parent, s.b, dinv, s.rhs, s.v, s.secondOrder ? 2 : 1, s.vCheck);
  if (s.secondOrder) {
    for (const ion of s.correctedIons) for (let i = 0; i < s.n; i++) ion.i[i] += ion.didv[i] * s.rhs[i];
  }
  ctx.t += half;
  for (const m of s.advancing) {
    const t0 = performance.now();
    m.mechanism.advance!(m.instance, ctx);
    byMech.get(m.mechanism.description.name)!.advance += performance.now() - t0;
  }
}

const start = performance.now();
for (let step = 0; step < steps; step++) oneStep();
const total = performance.now() - start;
console.log(
  `${name}: ${steps} steps, total ${total.toFixed(0)} ms; ` +
    Object.entries(T)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', '),
);
for (let step = 0; step < steps; step++) oneStepByMechanism();
const rows = [...byMech.entries()].sort((a, b) => b[1].current + b[1].advance - a[1].current - a[1].advance);
console.log('per mechanism (ms over the same number of steps, instances summed): name instances current advance');
for (const [n, e] of rows) console.log(`  ${n.padEnd(16)} ${String(e.count).padStart(5)} ${e.current.toFixed(0).padStart(6)} ${e.advance.toFixed(0).padStart(6)}`);
