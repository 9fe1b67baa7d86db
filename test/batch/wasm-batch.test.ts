/**
 * The batch with its WebAssembly kernels (src/solvers/batch/state.ts: Hines solve and the kernels
 * generated from the kinetics IR in WebAssembly SIMD) against single runs: bit for bit the single
 * runs with the same IR kernels (max |ΔV| = 0), and within the 1e-9 mV parity tolerance of single
 * runs with the hand-written built-in kernels. Odd and even batch sizes; the test checks that the
 * WebAssembly kernels really ran (`BatchBound.wasm`).
 */
import { describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../../src/channels/catalogue.ts';
import { irCatalogue } from '../../src/channels/ir/index.ts';
import { compileVariants, createBatchState, simulateBatch, type BatchVariant } from '../../src/solvers/batch/index.ts';
import type { SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { CASES, maxAbsDiff } from './cases.ts';

function caseNamed(prefix: string) {
  const c = CASES.find((x) => x.name.startsWith(prefix));
  if (!c) throw new Error(`no case ${prefix}`);
  return c;
}

function variantsOf(base: SimulationRequest, B: number): BatchVariant[] {
  return Array.from({ length: B }, (_, k) => ({
    stimuli: (base.stimuli ?? []).map((s) => ({ ...s, amp_nA: s.amp_nA * (0.7 + (0.6 * k) / Math.max(1, B - 1)) })),
    ...(k % 2 === 1 ? { v_init_mV: -66 } : {}),
  }));
}

describe('batch with WebAssembly kernels vs single runs', () => {
  for (const [prefix, B, wasmUses] of [
    ['c91662 hh', 5, ['hh']],
    ['c91662 with the Hay set', 4, ['pas', 'Ih', 'Ca_LVAst', 'Ca_HVA', 'SKv3_1', 'SK_E2', 'K_Tst', 'K_Pst', 'Nap_Et2', 'NaTa_t', 'Im']],
  ] as const) {
    it(`${prefix}, B = ${B}: bitwise the IR single runs, ≤ 1e-9 mV from the hand-written single runs`, () => {
      const c = caseNamed(prefix);
      const full = c.build(irCatalogue());
      const base: SimulationRequest = { ...full, tstop_ms: 12, record: full.record.filter((_, k) => k % 40 === 0) };
      const variants = variantsOf(base, B);
      const state = createBatchState(compileVariants(base, variants));
      const onWasm = state.mechanisms.filter((m) => m.wasm !== null).map((m) => m.mechanism.description.name);
      for (const name of wasmUses) expect(onWasm).toContain(name);
      const batch = simulateBatch(base, variants);
      let worstIr = 0;
      let worstBuiltin = 0;
      variants.forEach((v, k) => {
        worstIr = Math.max(worstIr, maxAbsDiff(simulate({ ...base, ...v }).traces, batch.traces[k]));
        const hand = c.build(builtinCatalogue());
        worstBuiltin = Math.max(worstBuiltin, maxAbsDiff(simulate({ ...hand, tstop_ms: 12, record: base.record, ...v }).traces, batch.traces[k]));
      });
      console.log(`${prefix}, B = ${B}: max |ΔV| vs IR single runs ${worstIr} mV, vs hand-written single runs ${worstBuiltin} mV`);
      expect(worstIr).toBe(0);
      expect(worstBuiltin).toBeLessThanOrEqual(1e-9);
      expect(Math.max(...batch.traces[B - 1][0])).toBeGreaterThan(0); // it fired
    }, 120_000);
  }
});
