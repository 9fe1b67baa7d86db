import { describe, expect, it } from 'vitest';
import { buildLayout, nodeAt, type SectionSpec } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms, createCatalogue } from '../../src/channels/catalogue.ts';
import type { Mechanism, MechanismInstance } from '../../src/channels/mechanism.ts';
import { InstabilityError, SimulationSpecError } from '../../src/solvers/errors.ts';
import { compileModel } from '../../src/solvers/model.ts';
import { countSteps, neuronRunDt, simulate } from '../../src/solvers/simulate.ts';
import { worstNode } from '../../src/solvers/cpu.ts';

function cable(name: string, nseg: number, parentSection = -1, L = 200, diam = 1): SectionSpec {
  return { name, type: 3, parentSection, parentX: 1, nseg, cm_uF_per_cm2: 1, ...cylinderSegments(L, diam, nseg, 100) };
}

function centres(layoutSection: { firstCentre: number; nseg: number }): number[] {
  return Array.from({ length: layoutSection.nseg }, (_, j) => layoutSection.firstCentre + j);
}

describe('time stepping', () => {
  it("counts steps and accumulates t as NEURON's continuerun does", () => {
    expect(countSteps(0.025, 250)).toBe(10000);
    expect(countSteps(0.1, 1)).toBe(10);
    expect(countSteps(0.025, 0)).toBe(0);
    const layout = buildLayout([cable('c', 1)]);
    const res = simulate({ layout, record: [1], dt_ms: 0.025, tstop_ms: 2 });
    expect(res.t_ms.length).toBe(81);
    expect(res.t_ms[0]).toBe(0);
    // Two additions of dt/2 per step, never n·dt.
    let t = 0;
    for (let k = 1; k <= 80; k++) {
      t += 0.0125;
      t += 0.0125;
      expect(res.t_ms[k]).toBe(t);
    }
    expect(res.t_ms[40]).not.toBe(1);
    expect(res.steps).toBe(80);
    expect(res.wall_ms).toBeGreaterThanOrEqual(res.run_ms);
  });

  it('switches an IClamp on at del ≤ t_n + dt/2 with accumulated t (del 1.0125 starts in step 41)', () => {
    const layout = buildLayout([cable('c', 1)]);
    const res = simulate({
      layout,
      stimuli: [{ node: 1, del_ms: 1.0125, dur_ms: 1, amp_nA: 0.5 }],
      record: [{ stimulus: 0 }],
      dt_ms: 0.025,
      tstop_ms: 3,
    });
    // Sample k holds the current used in step k − 1.
    expect(res.traces[0][41]).toBe(0);
    expect(res.traces[0][42]).toBe(0.5);
    expect(res.traces[0][0]).toBe(0);
  });

  it("reproduces NEURON's setdt: dt 0.01 becomes 0.0125 with 40 steps per ms", () => {
    expect(neuronRunDt(0.01)).toBe(0.0125);
    expect(neuronRunDt(0.025)).toBe(0.025);
    expect(neuronRunDt(0.01, 100)).toBe(0.01);
  });
});

describe('several cells in one layout', () => {
  it('gives each cell exactly the trace it has alone, with per-node parameters', () => {
    const spec = (name: string): SectionSpec => cable(name, 5);
    const both = buildLayout([spec('a'), spec('b')]);
    const [a, b] = both.sections;
    const gA = [1e-4, 2e-4, 3e-4, 4e-4, 5e-4];
    const gB = [5e-5, 5e-5, 1e-3, 5e-5, 5e-5];
    const joint = simulate({
      layout: both,
      mechanisms: [
        { name: 'pas', nodes: [...centres(a), ...centres(b)], params: { g: [...gA, ...gB], e: -70 } },
        { name: 'hh', nodes: [centres(b)[2]] },
      ],
      stimuli: [
        { node: nodeAt(a, 0), del_ms: 1, dur_ms: 5, amp_nA: 0.05 },
        { node: nodeAt(b, 0.5), del_ms: 2, dur_ms: 5, amp_nA: 0.1 },
      ],
      record: [nodeAt(a, 1), nodeAt(b, 1)],
      dt_ms: 0.025,
      tstop_ms: 20,
      method: 'crank_nicolson',
    });
    const alone = (which: 'a' | 'b') => {
      const layout = buildLayout([spec(which)]);
      const s = layout.sections[0];
      return simulate({
        layout,
        mechanisms:
          which === 'a'
            ? [{ name: 'pas', nodes: centres(s), params: { g: gA, e: -70 } }]
            : [
                { name: 'pas', nodes: centres(s), params: { g: gB, e: -70 } },
                { name: 'hh', nodes: [centres(s)[2]] },
              ],
        stimuli: [
          which === 'a'
            ? { node: nodeAt(s, 0), del_ms: 1, dur_ms: 5, amp_nA: 0.05 }
            : { node: nodeAt(s, 0.5), del_ms: 2, dur_ms: 5, amp_nA: 0.1 },
        ],
        record: [nodeAt(s, 1)],
        dt_ms: 0.025,
        tstop_ms: 20,
        method: 'crank_nicolson',
      }).traces[0];
    };
    // Cell a alone has only pas: the engine factorises its matrix once (constantConductance), with
    // pas's finite-difference dI/dv (NEURON's (I(v + 0.001) − I(v))/0.001) at v_init, while the joint
    // model (hh in cell b) re-evaluates it every step; the two differ by rounding only.
    const traceA = alone('a');
    let dA = 0;
    for (let i = 0; i < traceA.length; i++) dA = Math.max(dA, Math.abs(joint.traces[0][i] - traceA[i]));
    expect(joint.traces[0].length).toBe(traceA.length);
    expect(dA).toBeLessThanOrEqual(1e-12);
    expect(joint.traces[1]).toEqual(alone('b'));
    // The per-node g really mattered.
    expect(joint.traces[0][400]).not.toBe(joint.traces[1][400]);
  });
});

describe('instability', () => {
  it('stops with an error naming dt, t, node and section when |v| exceeds the bound', () => {
    const layout = buildLayout([cable('dend', 3)]);
    let err: unknown;
    try {
      simulate({
        layout,
        stimuli: [{ node: 2, del_ms: 0.5, dur_ms: 10, amp_nA: 1e6 }],
        record: [2],
        dt_ms: 0.025,
        tstop_ms: 5,
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InstabilityError);
    const e = err as InstabilityError;
    expect(e.dt_ms).toBe(0.025);
    expect(e.t_ms).toBeGreaterThan(0.5);
    expect(e.t_ms).toBeLessThan(0.6);
    expect(e.section).toBe('dend');
    expect(layout.nodeSection[e.node]).toBe(0);
    expect(e.message).toMatch(/dt = 0\.025 ms/);
    expect(e.message).toMatch(/section dend/);
  });

  it('names the node with the largest |v| (or the first non-finite one), not the first over the limit', () => {
    // Two sections; the huge stimulus sits at the end of the second one.
    const layout = buildLayout([cable('a', 5), cable('b', 5, 0)]);
    const far = layout.sections[1].firstCentre + 4;
    let err: unknown;
    try {
      simulate({
        layout,
        stimuli: [{ node: far, del_ms: 0.5, dur_ms: 10, amp_nA: 1e7 }],
        record: [far],
        dt_ms: 0.025,
        tstop_ms: 5,
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InstabilityError);
    const e = err as InstabilityError;
    expect(e.section).toBe('b');
    expect(Math.abs(e.v_mV)).toBeGreaterThan(1000);
    expect(worstNode(Float64Array.of(1, -7, 3))).toBe(1);
    expect(worstNode(Float64Array.of(1, -7e9, NaN, Infinity))).toBe(2);
  });

  it('catches NaN from a user mechanism (and user mechanisms plug in through a catalogue)', () => {
    const broken: Mechanism = {
      description: {
        name: 'broken',
        kind: 'density',
        summary: 'returns NaN after 1 ms',
        source: 'test',
        order: 50,
        params: [],
        globals: [],
        states: [],
        assigned: [],
        ions: [],
        electrode: false,
      },
      instantiate: (init) => ({ count: init.nodes.length, nodes: init.nodes, vars: {} }) as MechanismInstance,
      initialize: () => {},
      current: (inst, ctx) => {
        if (ctx.t > 1) for (const n of inst.nodes) ctx.rhs[n] += NaN;
      },
    };
    const catalogue = createCatalogue([...builtinMechanisms(), broken]);
    const layout = buildLayout([cable('axon', 2)]);
    expect(() =>
      simulate({ layout, catalogue, mechanisms: [{ name: 'broken', nodes: [2] }], record: [1], dt_ms: 0.1, tstop_ms: 3 }),
    ).toThrow(/v = NaN .*section axon/);
    expect(() => createCatalogue([broken, broken])).toThrow(/twice/);
  });
});

describe('request validation', () => {
  const layout = buildLayout([cable('s', 2)]);
  const base = { layout, record: [1], dt_ms: 0.025, tstop_ms: 1 };
  const cases: [string, object, RegExp][] = [
    ['unknown mechanism', { mechanisms: [{ name: 'kdr', nodes: [1] }] }, /mechanisms\[0\]\.name: unknown mechanism "kdr"/],
    ['density mechanism on a zero-area node', { mechanisms: [{ name: 'pas', nodes: [0] }] }, /mechanisms\[0\]\.nodes\[0\].*zero-area/],
    ['node out of range', { mechanisms: [{ name: 'pas', nodes: [9] }] }, /nodes\[0\]: expected a node index in 0\.\.3/],
    ['node twice', { mechanisms: [{ name: 'pas', nodes: [1, 1] }] }, /listed twice/],
    ['unknown parameter', { mechanisms: [{ name: 'pas', nodes: [1], params: { gbar: 1 } }] }, /params\.gbar.*has no parameter/],
    ['wrong length', { mechanisms: [{ name: 'pas', nodes: [1, 2], params: { g: [1e-4] } }] }, /params\.g: expected one value or 2/],
    ['out of range', { mechanisms: [{ name: 'pas', nodes: [1], params: { g: -1 } }] }, /params\.g: -1 S\/cm2 is outside/],
    ['bad global', { mechanisms: [{ name: 'hh', nodes: [1], globals: { usetable: 2 } }] }, /globals\.usetable/],
    ['non-finite stimulus', { stimuli: [{ node: 1, del_ms: 0, dur_ms: 1, amp_nA: NaN }] }, /stimuli\[0\]\.amp_nA/],
    ['bad dt', { dt_ms: 0 }, /dt_ms: expected > 0/],
    ['bad method', { method: 'rk4' }, /method/],
    ['bad probe variable', { mechanisms: [{ name: 'hh', nodes: [1] }], record: [{ mechanism: 0, variable: 'q', instance: 0 }] }, /record\[0\]\.variable: hh has no "q"/],
    ['probe on an unused ion', { record: [{ ion: 'na', variable: 'i', node: 1 }] }, /no mechanism uses ion "na"/],
  ];
  for (const [name, patch, msg] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => compileModel({ ...base, ...patch } as never)).toThrow(SimulationSpecError);
      expect(() => compileModel({ ...base, ...patch } as never)).toThrow(msg);
    });
  }

  it('evaluates mechanisms in NEURON type order regardless of the order given', () => {
    const m = compileModel({
      ...base,
      mechanisms: [
        { name: 'hh', nodes: [1] },
        { name: 'pas', nodes: [2] },
      ],
      stimuli: [{ node: 1, del_ms: 0, dur_ms: 1, amp_nA: 0 }],
    });
    expect(m.mechanisms.map((x) => x.mechanism.description.name)).toEqual(['pas', 'IClamp', 'hh']);
  });
});
