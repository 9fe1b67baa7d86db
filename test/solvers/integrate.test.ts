/**
 * The step loop written once (src/solvers/integrate.ts): its phases contract on a toy backend whose
 * v is prescribed step by step (order of the phases, sampling, progress, the per-lane v check,
 * asynchronous phases), and the CPU and batch backends through it (a batch variant's warnings and
 * traces are the single run's).
 */
import { describe, expect, it } from 'vitest';
import { buildLayout, type SectionSpec } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { irCatalogue } from '../../src/channels/ir/index.ts';
import { simulateBatch } from '../../src/solvers/batch/index.ts';
import { InstabilityError } from '../../src/solvers/errors.ts';
import { integrate, integrateAsync, type Phases } from '../../src/solvers/integrate.ts';
import { compileModel, type CompiledModel, type SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';

function cable(name: string, nseg: number, parentSection = -1, L = 200, diam = 1): SectionSpec {
  return { name, type: 3, parentSection, parentX: 1, nseg, cm_uF_per_cm2: 1, ...cylinderSegments(L, diam, nseg, 100) };
}

const DT = 0.025;

/** t after k steps, accumulated as NEURON does (two half steps per step). */
function tAfter(k: number): number {
  let x = 0;
  for (let j = 0; j < k; j++) {
    x += 0.5 * DT;
    x += 0.5 * DT;
  }
  return x;
}

/** A compiled model for the toy: its layout names the nodes; vWarn 200 mV, vLimit 1000 mV. */
function toyModel(steps: number): CompiledModel {
  const layout = buildLayout([cable('a', 3)]);
  return compileModel({ layout, record: [], dt_ms: DT, tstop_ms: steps * DT });
}

/**
 * A toy backend: `lanes` variants of `nNodes` nodes whose v after step k is `vAt(lane, node, k)`
 * (−65 mV at rest). Its step checks |v| against the bound as the real backends do, records v of
 * node 1 of every lane, and logs the phases it is asked for.
 */
function toy(model: CompiledModel, lanes: number, vAt: (lane: number, node: number, step: number) => number, opts: { recordEvery?: number; async?: boolean } = {}) {
  const n = model.layout.nNodes;
  const steps = Math.round(model.tstop_ms / DT);
  const every = opts.recordEvery ?? 1;
  const v = Array.from({ length: lanes }, () => new Float64Array(n));
  const traces = Array.from({ length: lanes }, () => new Float64Array(Math.floor(steps / every) + 1));
  const log: string[] = [];
  const checks: number[] = [];
  let check = Math.min(model.vWarn_mV, model.vLimit_mV);
  let t = 0;
  let k = 0;
  const wrap = <T>(x: T): T | Promise<T> => (opts.async ? Promise.resolve(x) : x);
  const phases: Phases = {
    lanes,
    steps,
    recordEvery: every,
    finitialize() {
      log.push('finitialize');
      t = 0;
      k = 0;
      for (const x of v) x.fill(-65);
      return wrap(undefined);
    },
    t: () => t,
    step() {
      log.push('step');
      k++;
      t += 0.5 * DT;
      t += 0.5 * DT;
      let bad = -1;
      for (let lane = 0; lane < lanes; lane++) {
        for (let i = 0; i < n; i++) {
          v[lane][i] = vAt(lane, i, k);
          if (!(Math.abs(v[lane][i]) <= check) && bad < 0) bad = i * lanes + lane;
        }
      }
      return wrap(bad);
    },
    record(sample) {
      log.push(`record ${sample}`);
      for (let lane = 0; lane < lanes; lane++) traces[lane][sample] = v[lane][1];
      return wrap(undefined);
    },
    endStep: () => void log.push('endStep'),
    setCheck(limit) {
      checks.push(limit);
      check = limit;
    },
    scan(worst) {
      for (let lane = 0; lane < lanes; lane++) {
        let w = 0;
        for (let i = 0; i < n; i++) {
          if (!Number.isFinite(v[lane][i])) {
            w = i;
            break;
          }
          if (Math.abs(v[lane][i]) > Math.abs(v[lane][w])) w = i;
        }
        worst[lane] = w;
      }
    },
    v: (node, lane) => v[lane][node],
    laneName: (lane) => `lane ${lane}`,
  };
  return { phases, log, checks, traces };
}

const rest = () => -65;

describe('integrate: the phases contract', () => {
  it("calls the phases in NEURON's order: finitialize, sample 0, then step, record, events at the end of the step", () => {
    const model = toyModel(3);
    const { phases, log } = toy(model, 1, rest);
    const out = integrate(phases, model);
    expect(log).toEqual(['finitialize', 'record 0', 'step', 'record 1', 'endStep', 'step', 'record 2', 'endStep', 'step', 'record 3', 'endStep']);
    expect(out.steps).toBe(3);
    // t_ms is the backend's t at each sample (two half steps per step, as NEURON accumulates it)
    expect(Array.from(out.t_ms)).toEqual([0, tAfter(1), tAfter(2), tAfter(3)]);
    expect(out.warnings).toEqual([[]]);
    expect(out.loopEnd_ms).toBeGreaterThanOrEqual(out.loopStart_ms);
  });

  it('samples every recordEvery steps (t = 0 always) and reports progress about 200 times, ending at 1', () => {
    const model = toyModel(1000);
    const { phases, log, traces } = toy(model, 2, (lane, _node, k) => lane * 10 + k * 0.1, { recordEvery: 4 });
    const fractions: number[] = [];
    const out = integrate(phases, model, { onProgress: (f) => fractions.push(f) });
    expect(out.t_ms.length).toBe(251);
    expect(log.filter((x) => x.startsWith('record')).length).toBe(251);
    expect(log.filter((x) => x === 'endStep').length).toBe(1000);
    // sample s is taken after step 4s
    expect(out.t_ms[250]).toBe(tAfter(1000));
    expect(out.t_ms[1]).toBe(tAfter(4));
    expect(traces[0][1]).toBeCloseTo(0.4, 12);
    expect(traces[0][250]).toBeCloseTo(100, 12);
    expect(fractions.length).toBe(200);
    expect(fractions[0]).toBe(5 / 1000);
    expect(fractions[199]).toBe(1);
  });

  it('takes no step when there are none', () => {
    const model = toyModel(0);
    const { phases, log } = toy(model, 1, rest);
    const out = integrate(phases, model);
    expect(log).toEqual(['finitialize', 'record 0']);
    expect(Array.from(out.t_ms)).toEqual([0]);
  });

  it('warns per lane: first crossing of vWarn and the largest |v|, also for a lane that crosses after the bound was raised', () => {
    const model = toyModel(12);
    // lane 0 stays at rest; lane 1 reaches 250 mV at node 2 in step 3 and 300 mV at node 1 in step 5;
    // lane 2 reaches −220 mV at node 3 in step 7 (after the check bound went up to vLimit for lane 1).
    const vAt = (lane: number, node: number, k: number): number => {
      if (lane === 1 && node === 2 && k === 3) return 250;
      if (lane === 1 && node === 1 && k === 5) return 300;
      if (lane === 2 && node === 3 && k >= 7 && k <= 8) return -220 - (k - 7);
      return -65;
    };
    const { phases, checks } = toy(model, 3, vAt);
    const out = integrate(phases, model);
    expect(checks).toEqual([1000]);
    expect(out.warnings[0]).toEqual([]);
    const t = tAfter;
    const w1 = out.warnings[1][0];
    expect(out.warnings[1].length).toBe(1);
    expect(w1).toMatchObject({ code: 'v_out_of_range', limit_mV: 200, first_t_ms: t(3), first_node: 2, first_v_mV: 250, max_abs_v_mV: 300, max_node: 1, max_t_ms: t(5) });
    expect(w1.first_section).toBe('a');
    expect(w1.first_x).toBeCloseTo(0.5, 12); // node 2 is the middle segment's centre of 3
    const w2 = out.warnings[2][0];
    expect(w2).toMatchObject({ first_t_ms: t(7), first_node: 3, first_v_mV: -220, max_abs_v_mV: 221, max_node: 3, max_t_ms: t(8) });
    expect(w2.message).toMatch(/beyond 200 mV: first at t = 0\.175 ms, v = -220 mV at a\(0\.8333\); largest \|v\| 221 mV/);
  });

  it('stops with an InstabilityError beyond vLimit or at a non-finite v (warned before or not), naming the node, lane, t and v', () => {
    for (const [bad, warnedAt3] of [[1500, false], [Number.NaN, false], [-Infinity, false], [1500, true], [Number.NaN, true]] as const) {
      const model = toyModel(10);
      const vAt = (lane: number, node: number, k: number) => (lane === 1 && node === 3 && k >= 4 ? bad : warnedAt3 && lane === 1 && node === 3 && k === 3 ? 300 : -65);
      const { phases, log } = toy(model, 2, vAt);
      let err: unknown;
      try {
        integrate(phases, model);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InstabilityError);
      const e = err as InstabilityError;
      expect(e.node).toBe(3);
      expect(e.section).toBe('a (lane 1)');
      expect(e.t_ms).toBe(tAfter(4));
      expect(Object.is(e.v_mV, bad)).toBe(true);
      // the bad step is not recorded
      expect(log.filter((x) => x.startsWith('record')).length).toBe(4);
    }
  });

  it('runs asynchronous phases with integrateAsync to the same result, and integrate refuses them', async () => {
    const model = toyModel(20);
    const vAt = (lane: number, node: number, k: number) => (lane === 0 && node === 1 && k === 6 ? 400 : -65 + k);
    const sync = toy(model, 2, vAt);
    const async = toy(model, 2, vAt, { async: true });
    const a = integrate(sync.phases, model);
    const b = await integrateAsync(async.phases, model);
    expect(Array.from(b.t_ms)).toEqual(Array.from(a.t_ms));
    expect(b.warnings).toEqual(a.warnings);
    expect(a.warnings[0].length).toBe(1);
    expect(async.traces).toEqual(sync.traces);
    expect(async.log).toEqual(sync.log);
    expect(() => integrate(toy(model, 2, vAt, { async: true }).phases, model)).toThrow(/integrateAsync/);
  });
});

describe('the CPU and batch backends through the one loop', () => {
  const layout = buildLayout([cable('a', 3), cable('b', 3, 0)]);
  const catalogue = irCatalogue();
  const centres = layout.sections.flatMap((s) => Array.from({ length: s.nseg }, (_, j) => s.firstCentre + j));
  const base = (amp_nA: number, del_ms = 0.5): SimulationRequest => ({
    layout,
    mechanisms: [{ name: 'pas', nodes: centres, params: { g: 1e-3, e: -65 } }],
    stimuli: [{ node: 2, del_ms, dur_ms: 2, amp_nA }],
    record: [2, centres[4]],
    dt_ms: DT,
    tstop_ms: 6,
    v_init_mV: -65,
    // the batch's default kernels, for the single runs too
    catalogue,
  });

  it("a batch variant's v_out_of_range warning and traces are its single run's", () => {
    // 1 nA stays below 200 mV; 4 nA crosses first (t ≈ 0.9 ms); 6 nA from 2.5 ms crosses after the
    // bound went up for the other; −5 nA crosses on the negative side.
    const variants = [base(1), base(4), base(6, 2.5), base(-5, 1)].map((r) => ({ stimuli: r.stimuli }));
    const batch = simulateBatch(base(1), variants);
    expect(batch.warnings.length).toBe(4);
    variants.forEach((v, k) => {
      const single = simulate({ ...base(1), ...v });
      expect(batch.warnings[k]).toEqual(single.warnings);
      single.traces.forEach((tr, p) => expect(Array.from(batch.traces[k][p])).toEqual(Array.from(tr)));
    });
    expect(batch.warnings[0]).toEqual([]);
    for (const k of [1, 2, 3]) expect(batch.warnings[k].length).toBe(1);
    expect(batch.warnings[2][0].first_t_ms).toBeGreaterThan(batch.warnings[1][0].max_t_ms);
    expect(batch.warnings[3][0].first_v_mV).toBeLessThan(-200);
  });

  it('an unstable variant stops the batch with the error the single run gives, naming the variant', () => {
    const variants = [{}, { stimuli: base(30).stimuli }];
    let single: unknown;
    try {
      simulate(base(30));
    } catch (e) {
      single = e;
    }
    expect(single).toBeInstanceOf(InstabilityError);
    const s = single as InstabilityError;
    expect(() => simulateBatch(base(1), variants)).toThrow(InstabilityError);
    try {
      simulateBatch(base(1), variants);
    } catch (e) {
      const b = e as InstabilityError;
      expect(b.section).toBe(`${s.section} (variant 1)`);
      expect([b.node, b.t_ms, b.v_mV]).toEqual([s.node, s.t_ms, s.v_mV]);
    }
  });
});
