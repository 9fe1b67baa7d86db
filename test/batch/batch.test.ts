/**
 * Issue 10 item 2: `simulateBatch` runs B variants of one model in lock-step, and each variant's
 * traces equal a single run of the same request (with the same kernels) to ≤ 1e-9 mV (in fact
 * bitwise: the batch runs the single-run arithmetic per variant). Variants differ in parameters
 * (scalars and per-instance arrays), stimulus amplitude and timing, and v_init, on pas, hh and the
 * Hay set (test/batch/cases.ts), with the kernels generated from the kinetics IR (the default) and
 * with the hand-written built-in kernels.
 */
import { describe, expect, it } from 'vitest';
import { builtinCatalogue, type Catalogue } from '../../src/channels/catalogue.ts';
import { irCatalogue } from '../../src/channels/ir/index.ts';
import { simulateBatch, type BatchVariant } from '../../src/solvers/batch/index.ts';
import type { MechanismUse, SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { SimulationSpecError } from '../../src/solvers/errors.ts';
import { CASES, maxAbsDiff } from './cases.ts';

const TOL_mV = 1e-9;

function caseNamed(prefix: string) {
  const c = CASES.find((x) => x.name.startsWith(prefix));
  if (!c) throw new Error(`no case ${prefix}`);
  return c;
}

/** The base's mechanism uses with `params` merged into every use of mechanism `name`. */
function withParams(base: SimulationRequest, name: string, params: MechanismUse['params']): MechanismUse[] {
  return (base.mechanisms ?? []).map((u) => (u.name === name ? { ...u, params: { ...u.params, ...params } } : u));
}

function scaleStimuli(base: SimulationRequest, amp: number, delay_ms = 0): NonNullable<BatchVariant['stimuli']> {
  return (base.stimuli ?? []).map((s) => ({ ...s, amp_nA: s.amp_nA * amp, del_ms: s.del_ms + delay_ms }));
}

/** Batch, then every variant alone; returns the largest difference and the batch result. */
function compare(base: SimulationRequest, variants: BatchVariant[]) {
  const batch = simulateBatch(base, variants);
  let worst = 0;
  let spread = 0;
  variants.forEach((v, k) => {
    const single = simulate({ ...base, ...v });
    expect(batch.traces[k].length).toBe(single.traces.length);
    worst = Math.max(worst, maxAbsDiff(single.traces, batch.traces[k]));
    if (k > 0) spread = Math.max(spread, maxAbsDiff(batch.traces[0], batch.traces[k]));
  });
  return { batch, worst, spread };
}

const catalogues: [string, () => Catalogue][] = [
  ['kernels generated from the IR', irCatalogue],
  ['hand-written built-in kernels', builtinCatalogue],
];

describe('simulateBatch equals single runs', () => {
  for (const [label, makeCatalogue] of catalogues) {
    it(`pas (Rallpack 1, 1000 compartments): g, e, amplitude and v_init per variant; ${label}`, () => {
      const base = { ...caseNamed('rallpack1').build(makeCatalogue()), tstop_ms: 10 };
      const nInst = base.mechanisms![0].nodes.length;
      const variants: BatchVariant[] = [
        {},
        { mechanisms: withParams(base, 'pas', { g: 2e-4, e: -60 }), stimuli: scaleStimuli(base, 3) },
        { mechanisms: withParams(base, 'pas', { g: Array.from({ length: nInst }, (_, k) => 1e-4 * (1 + (k % 7))) }), v_init_mV: -70 },
        { stimuli: scaleStimuli(base, -1, 2) },
      ];
      const { worst, spread, batch } = compare(base, variants);
      console.log(`pas, ${label}: max |ΔV| batch vs single ${worst} mV (variants differ by up to ${spread.toFixed(3)} mV); ${batch.stateBytesPerNodeVariant.toFixed(0)} B state per node·variant`);
      expect(worst).toBeLessThanOrEqual(TOL_mV);
      expect(spread).toBeGreaterThan(1); // the variants really differ
    });

    it(`hh (Rallpack 3, Crank–Nicolson): gnabar, gkbar, amplitude and onset per variant; ${label}`, () => {
      const full = caseNamed('rallpack3 (hh exact').build(makeCatalogue());
      const base: SimulationRequest = { ...full, tstop_ms: 10, record: full.record.filter((_, k) => k % 10 === 0) };
      const variants: BatchVariant[] = [
        {},
        { mechanisms: withParams(base, 'hh', { gnabar: 0.09, gkbar: 0.04 }) },
        { stimuli: scaleStimuli(base, 0.5, 1) },
        { mechanisms: withParams(base, 'hh', { gl: 0.0005, el: -60 }), stimuli: scaleStimuli(base, 2) },
        { v_init_mV: -70 },
      ];
      const { worst, spread, batch } = compare(base, variants);
      console.log(`hh, ${label}: max |ΔV| batch vs single ${worst} mV (variants differ by up to ${spread.toFixed(1)} mV); ${batch.stateBytesPerNodeVariant.toFixed(0)} B state per node·variant`);
      expect(worst).toBeLessThanOrEqual(TOL_mV);
      expect(spread).toBeGreaterThan(10);
    });
  }

  it('hh rate tables (usetable 1) on the 2048-compartment bench cell, 3 variants', () => {
    const full = caseNamed('c91662 hh').build(irCatalogue());
    const base: SimulationRequest = { ...full, tstop_ms: 8, record: full.record.filter((_, k) => k % 50 === 0), mechanisms: full.mechanisms!.map((u) => (u.name === 'hh' ? { ...u, globals: { usetable: 1 } } : u)) };
    const variants: BatchVariant[] = [{}, { stimuli: scaleStimuli(base, 1.5, -2) }, { mechanisms: withParams(base, 'hh', { gnabar: 0.15 }) }];
    const { worst, spread } = compare(base, variants);
    console.log(`hh cell, tables: max |ΔV| batch vs single ${worst} mV (variants differ by up to ${spread.toFixed(1)} mV)`);
    expect(worst).toBeLessThanOrEqual(TOL_mV);
    expect(spread).toBeGreaterThan(10);
  }, 120_000);

  it('the Hay set (11 channels, Ca dynamics) on c91662: NaTa_t and SK_E2 densities and the stimulus per variant', () => {
    const full = caseNamed('c91662 with the Hay set').build(irCatalogue());
    const base: SimulationRequest = { ...full, tstop_ms: 10, record: full.record.filter((_, k) => k % 25 === 0) };
    const variants: BatchVariant[] = [
      {},
      { mechanisms: withParams(base, 'NaTa_t', { gNaTa_tbar: 1.5 }) },
      { stimuli: scaleStimuli(base, 1.4, -2) },
    ];
    const { worst, spread, batch } = compare(base, variants);
    console.log(`Hay set: max |ΔV| batch vs single ${worst} mV (variants differ by up to ${spread.toFixed(1)} mV); ${batch.stateBytesPerNodeVariant.toFixed(0)} B state per node·variant`);
    expect(worst).toBeLessThanOrEqual(TOL_mV);
    expect(spread).toBeGreaterThan(10);
  }, 120_000);
});

describe('simulateBatch refuses what cannot run in lock-step', () => {
  const base = () => ({ ...caseNamed('rallpack1').build(irCatalogue()), tstop_ms: 1 });
  it('mechanisms on other nodes', () => {
    const b = base();
    const moved = b.mechanisms!.map((u) => ({ ...u, nodes: Array.from(u.nodes).slice(1) }));
    expect(() => simulateBatch(b, [{}, { mechanisms: moved }])).toThrow(/variants\[1\]\.mechanisms: pas sits on other nodes/);
  });
  it('a different number of stimuli', () => {
    const b = base();
    expect(() => simulateBatch(b, [{}, { stimuli: [] }])).toThrow(SimulationSpecError);
  });
  it('a bad parameter, with the variant in the path', () => {
    const b = base();
    expect(() => simulateBatch(b, [{}, { mechanisms: withParams(b, 'pas', { g: -1 }) }])).toThrow(/variants\[1\] \(base \+ variant\): mechanisms\[0\]\.params\.g/);
  });
  it('no variants', () => {
    expect(() => simulateBatch(base(), [])).toThrow(/at least one variant/);
  });
});
