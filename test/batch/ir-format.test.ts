/**
 * The mechanism-file keys added for the built-in descriptions (docs/mechanisms.md, "Concentrations"
 * and "Before breakpoint"): a concentration state (`"ion"` on a state), reading an ion's total
 * current (`ica`), `"currents": []` with a concentration state, `before_breakpoint` with weight
 * states in a density mechanism, `"electrode": true` (ELECTRODE_CURRENT). Each mistake is refused with the JSON path; a user file with these
 * keys runs as the equations say (cai relaxes to its target with τ = decay exactly as cnexp; a
 * before_breakpoint counter counts current evaluations).
 */
import { describe, expect, it } from 'vitest';
import { buildLayout } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms } from '../../src/channels/catalogue.ts';
import { createCatalogue } from '../../src/channels/catalogue.ts';
import { MechanismFileError, parseMechanism } from '../../src/channels/user/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { kineticsOf } from '../../src/solvers/gpu/kinetics.ts';

const FILE = 'f.json';

function errorOf(spec: Record<string, unknown>): MechanismFileError {
  try {
    parseMechanism(JSON.stringify(spec), FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(MechanismFileError);
    return e as MechanismFileError;
  }
  throw new Error('expected the mechanism file to be refused');
}

/** Ca accumulation toward a fixed target (no Ca current needed): cai′ = (target − cai)/tau. */
const caPool = {
  name: 'capool',
  parameters: [
    { name: 'target', unit: 'mM', default: 0.002 },
    { name: 'tau', unit: 'ms', default: 5 },
  ],
  assigned: [{ name: 'cai_inf', unit: 'mM', expr: 'target - ica*(1 mM*cm2/mA)*0' }],
  states: [{ name: 'cai', ion: 'ca', inf: 'cai_inf', tau: 'tau' }],
  currents: [],
};

/** Counts the current evaluations after t = 0 in a density weight state. */
const counter = {
  name: 'counter',
  parameters: [{ name: 'gl', unit: 'S/cm2', default: 0 }],
  weight_states: [{ name: 'n', initial: '0' }],
  currents: [{ name: 'il', expr: 'gl*(v + 65 mV)' }],
  before_breakpoint: { statements: [{ if: 't > 0 ms', then: ['n = n + 1'] }] },
};

describe('concentration states, ion current reads and before_breakpoint in mechanism files', () => {
  it('refuses a concentration state with another name, an unknown ion, a unit other than mM', () => {
    let e = errorOf({ ...caPool, states: [{ name: 'c', ion: 'ca', inf: 'cai_inf', tau: 'tau' }] });
    expect(e.path).toBe('$.states[0].name');
    expect(e.message).toContain('"cai" (inside) or "cao" (outside)');
    e = errorOf({ ...caPool, states: [{ name: 'cai', ion: 'cl', inf: 'cai_inf', tau: 'tau' }] });
    expect(e.path).toBe('$.states[0].ion');
    e = errorOf({ ...caPool, states: [{ name: 'cai', ion: 'ca', unit: 'uM', inf: 'cai_inf', tau: 'tau' }] });
    expect(e.path).toBe('$.states[0].unit');
  });

  it('refuses writing both an ion\'s current and its concentration, and no currents without a concentration state', () => {
    let e = errorOf({ ...caPool, currents: [{ name: 'ica', ion: 'ca', expr: '0 mA/cm2' }] });
    expect(e.path).toBe('$.currents[0].ion');
    expect(e.message).toContain('either writes an ion\'s current or keeps its concentration');
    e = errorOf({ ...counter, currents: [] });
    expect(e.path).toBe('$.currents');
    expect(e.message).toContain('concentration state');
  });

  it('refuses weight states in a density mechanism without before_breakpoint, and a weight state nothing sets', () => {
    const { before_breakpoint: _, ...noBlock } = counter;
    let e = errorOf(noBlock);
    expect(e.path).toBe('$.weight_states');
    e = errorOf({ ...counter, weight_states: [{ name: 'n', initial: '0' }, { name: 'm', initial: '0' }] });
    expect(e.path).toBe('$.weight_states[1].name');
    expect(e.message).toContain('before_breakpoint');
    e = errorOf({ ...counter, before_breakpoint: { statements: ['n = weight'] } });
    expect(e.path).toBe('$.before_breakpoint.statements[0]');
  });

  it('refuses "electrode" outside point processes, on an ion current, and not a boolean', () => {
    const stim = { name: 'stim', kind: 'point', electrode: true, parameters: [{ name: 'amp', unit: 'nA', default: 0 }], currents: [{ name: 'i', expr: 'amp' }] };
    expect(parseMechanism(JSON.stringify(stim), FILE).description.electrode).toBe(true);
    let e = errorOf({ ...stim, kind: 'density', currents: [{ name: 'i', expr: 'amp*(1 mA/cm2/nA)' }] });
    expect(e.path).toBe('$.electrode');
    e = errorOf({ ...stim, currents: [{ name: 'ica', ion: 'ca', expr: 'amp' }] });
    expect(e.path).toBe('$.currents[0].ion');
    e = errorOf({ ...stim, electrode: 'yes' });
    expect(e.path).toBe('$.electrode');
  });

  it('a concentration state writes the ion: cai relaxes to its target by cnexp, and describes write cai, read ica', () => {
    const mech = parseMechanism(JSON.stringify(caPool), FILE);
    expect(mech.description.ions).toEqual([{ ion: 'ca', read: ['ica'], write: ['cai'] }]);
    expect(mech.description.states).toEqual([]);
    const layout = buildLayout([{ name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(10, 10, 1, 100) }]);
    const dt = 0.025;
    const r = simulate({
      layout,
      catalogue: createCatalogue([...builtinMechanisms(), mech]),
      mechanisms: [{ name: 'pas', nodes: [1] }, { name: 'capool', nodes: [1] }],
      record: [{ ion: 'ca', variable: 'ci', node: 1 }, { ion: 'ca', variable: 'e', node: 1 }],
      dt_ms: dt,
      tstop_ms: 10,
    });
    const cai = r.traces[0];
    expect(cai[0]).toBe(5e-5); // no "initial": the ion's initial concentration
    // x_{n+1} = x_n + (1 − exp(−dt/tau))·(target − x_n), so target − x_n = (target − x_0)·exp(−dt/tau)^n
    const n = cai.length - 1;
    expect(cai[n]).toBeCloseTo(0.002 - (0.002 - 5e-5) * Math.exp((-dt * n) / 5), 15);
    expect(r.traces[1][n]).toBeLessThan(r.traces[1][0]); // eca follows cai (Nernst)
  });

  it('before_breakpoint runs once per step (t = t_n + dt/2 > 0) for every instance of a density mechanism', () => {
    const mech = parseMechanism(JSON.stringify(counter), FILE);
    expect(mech.beforeBreakpoint).toBeDefined();
    const layout = buildLayout([{ name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 3, cm_uF_per_cm2: 1, ...cylinderSegments(30, 10, 3, 100) }]);
    const r = simulate({
      layout,
      catalogue: createCatalogue([...builtinMechanisms(), mech]),
      mechanisms: [{ name: 'counter', nodes: [1, 2, 3] }],
      record: [{ mechanism: 0, variable: 'n', instance: 0 }, { mechanism: 0, variable: 'n', instance: 2 }],
      dt_ms: 0.025,
      tstop_ms: 1,
    });
    const steps = r.traces[0].length - 1;
    expect(steps).toBe(40);
    expect(r.traces[0][steps]).toBe(steps);
    expect(r.traces[1][steps]).toBe(steps);
  });

  it('the GPU backend takes kap and kad from the IR, and refuses what its generator does not run (dCaAP, these files)', () => {
    const builtin = (name: string) => builtinMechanisms().find((m) => m.description.name === name)!;
    expect(typeof kineticsOf(builtin('kap'))).toBe('object');
    expect(typeof kineticsOf(builtin('kad'))).toBe('object');
    expect(kineticsOf(builtin('dCaAP'))).toMatch(/dCaAP has a before_breakpoint block/);
    expect(kineticsOf(parseMechanism(JSON.stringify(counter), FILE))).toMatch(/before_breakpoint/);
    expect(kineticsOf(parseMechanism(JSON.stringify(caPool), FILE))).toMatch(/keeps an ion concentration/);
    const wavy = { name: 'wavy', parameters: [{ name: 'g', unit: 'S/cm2', default: 0 }], currents: [{ name: 'il', expr: 'g*(1 + sin(t/ms))*(v + 65 mV)' }] };
    expect(kineticsOf(parseMechanism(JSON.stringify(wavy), FILE))).toMatch(/calls sin\(\)/);
  });
});
