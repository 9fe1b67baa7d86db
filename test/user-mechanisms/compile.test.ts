/**
 * What loading compiles to: plain JavaScript kernels (inspectable, no mathjs), and the behaviour of
 * units, conversions, alternative kinetics forms, functions, t, and point processes.
 */
import { describe, expect, it } from 'vitest';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms, createCatalogue } from '../../src/channels/catalogue.ts';
import { efun, loadMechanismFile, parseMechanism, vtrap, type UserMechanism } from '../../src/channels/user/index.ts';
import type { Mechanism } from '../../src/channels/mechanism.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import type { MechanismUse, Probe } from '../../src/solvers/model.ts';
import { HH_JSON, hhSpec, maxDiff } from './helpers.ts';

const layout = buildLayout([
  { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
]);
const soma = nodeAt(layout.sections[0], 0.5);

let serial = 0;
/** Compile a variant of a spec under a fresh name. */
function mech(spec: Record<string, any>): UserMechanism {
  return parseMechanism(JSON.stringify(spec), `variant${serial++}.json`);
}

function run(mechs: Mechanism[], uses: MechanismUse[], record: Probe[] = [soma], opts: { amp?: number; tstop?: number; method?: 'backward_euler' | 'crank_nicolson' } = {}) {
  return simulate({
    layout,
    catalogue: createCatalogue([...builtinMechanisms(), ...mechs]),
    mechanisms: uses,
    stimuli: [{ node: soma, del_ms: 2, dur_ms: 20, amp_nA: opts.amp ?? 0.3 }],
    record,
    dt_ms: 0.025,
    tstop_ms: opts.tstop ?? 30,
    method: opts.method ?? 'backward_euler',
  });
}

function hhTrace(m: UserMechanism, params: Record<string, number> = {}) {
  return run([m], [{ name: m.description.name, nodes: [soma], params }]).traces[0];
}

describe('compiled kernels', () => {
  const hh = loadMechanismFile(HH_JSON);

  it('are plain JavaScript: one loop over the instance block, no mathjs, no allocation per step', () => {
    expect(hh.code).not.toMatch(/mathjs|\bmath\.|evaluate|require|import/);
    for (const k of [hh.initialize, hh.current, hh.advance!]) {
      const src = k.toString();
      expect(src).toMatch(/for \(let j = 0; j < count; j\+\+\)/);
      expect(src).not.toMatch(/\bnew\b|=>|\[\s*\]|\{\s*\}/); // no objects, arrays or closures made per call
      expect(hh.code).toContain(src);
    }
    // the rates, written with units in the file, compile to hh.mod's arithmetic
    expect(hh.code).toContain('E[1] = ((-(v + 65)) / 18);');
    expect(hh.code).toContain('const a_beta_m = (4 * t_3);');
    expect(hh.code).toContain('const a_alpha_m = (0.1 * ((Math.abs(t_1) < 0.000001) ? (10 * (1 - (t_1 / 2))) : (t_0 / (t_2 - 1))));');
    expect(hh.code).toContain('((((P_gnabar[j] * S_m[j]) * S_m[j]) * S_m[j]) * S_h[j])');
    // the finite-difference conductance, as NEURON
    expect(hh.code).toContain('const v1 = v0 + 0.001;');
    expect(hh.code).toContain('d[node] += (i1 - i0) / 0.001;');
    expect(hh.code).toContain('DI_na[node] += (c1_ina - c0_ina) / 0.001;');
  });

  it('hoist what depends only on celsius, dt and globals out of the loop', () => {
    const adv = hh.advance!.toString();
    const exact = adv.slice(adv.indexOf('} else {'));
    expect(exact.indexOf('const b_q10 = Math.pow(3, ((celsius - 6.3) / 10));')).toBeGreaterThan(-1);
    expect(exact.indexOf('const b_q10')).toBeLessThan(exact.indexOf('for (let j'));
  });

  it('are compiled once per file content and shared by every instance', () => {
    expect(loadMechanismFile(HH_JSON)).toBe(hh);
    const a = run([hh], [{ name: 'hh_user', nodes: [soma] }]);
    const b = run([hh], [{ name: 'hh_user', nodes: [soma] }]);
    expect(b.traces).toEqual(a.traces);
  });

  it('describe themselves from the file: parameters, globals, states, recordable quantities, ions', () => {
    const d = hh.description;
    expect(d.name).toBe('hh_user');
    expect(d.kind).toBe('density');
    expect(d.params.map((p) => [p.name, p.unit, p.default])).toEqual([
      ['gnabar', 'S/cm2', 0.12], ['gkbar', 'S/cm2', 0.036], ['gl', 'S/cm2', 0.0003], ['el', 'mV', -54.3],
    ]);
    expect(d.globals.map((g) => [g.name, g.default])).toEqual([['usetable', 0]]);
    expect(d.states.map((s) => s.name)).toEqual(['m', 'h', 'n']);
    expect(d.assigned.map((s) => `${s.name} ${s.unit}`)).toEqual(['gna S/cm2', 'gk S/cm2', 'ina mA/cm2', 'ik mA/cm2', 'il mA/cm2']);
    expect(d.ions).toEqual([{ ion: 'na', read: ['ena'], write: ['ina'] }, { ion: 'k', read: ['ek'], write: ['ik'] }]);
    expect(d.order).toBeGreaterThan(17); // after every NEURON built-in, as nrnivmodl's mechanisms
  });
});

describe('units are checked once and converted where scales meet', () => {
  const base = hhTrace(loadMechanismFile(HH_JSON));

  it('a conductance declared in mS/cm2 gives the same traces (factor 0.001 inserted once)', () => {
    const s = hhSpec();
    s.name = 'hh_mS';
    s.parameters[0] = { name: 'gnabar', unit: 'mS/cm2', default: 120 };
    const m = mech(s);
    expect(m.code).toMatch(/\* 0\.001\)/);
    expect(maxDiff([hhTrace(m)], [base])).toBeLessThan(1e-9);
  });

  it('voltages written in V and times in s are converted', () => {
    const s = hhSpec();
    s.name = 'hh_SI';
    s.assigned[1].expr = '1e5/(s V) * vtrap(-(v + 0.04 V), 0.01 V)'; // 0.1/(ms mV)
    s.states[0].tau = '1e-3 s/(q10*sum_m*ms)';
    const m = mech(s);
    expect(maxDiff([hhTrace(m)], [base])).toBeLessThan(1e-9);
  });

  it('"units_off": hh.mod\'s own UNITSOFF expressions give bit-identical traces', () => {
    const s = hhSpec();
    s.name = 'hh_unitsoff';
    const plain: Record<string, string> = {
      alpha_m: '.1 * vtrap(-(v+40),10)',
      beta_m: '4 * exp(-(v+65)/18)',
      alpha_h: '.07 * exp(-(v+65)/20)',
      beta_h: '1 / (exp(-(v+35)/10) + 1)',
      alpha_n: '.01*vtrap(-(v+55),10)',
      beta_n: '.125*exp(-(v+65)/80)',
    };
    for (const a of s.assigned) {
      if (plain[a.name]) {
        a.expr = plain[a.name];
        a.units_off = true;
      }
    }
    expect(hhTrace(mech(s))).toEqual(base);
  });

  it('alpha/beta kinetics give the same dynamics as inf/tau (within rounding)', () => {
    const s = hhSpec();
    s.name = 'hh_ab';
    delete s.rate_table;
    s.states = ['m', 'h', 'n'].map((x) => ({ name: x, alpha: `q10*alpha_${x}`, beta: `q10*beta_${x}` }));
    expect(maxDiff([hhTrace(mech(s))], [base])).toBeLessThan(1e-8);
  });

  it('parameters set per use reach the kernels (gnabar 0 silences the spikes)', () => {
    const m = loadMechanismFile(HH_JSON);
    const quiet = hhTrace(m, { gnabar: 0 });
    expect(Math.max(...base)).toBeGreaterThan(20);
    expect(Math.max(...quiet)).toBeLessThan(-40);
  });
});

describe('expressions', () => {
  it('functions, conditionals and stored assigned quantities evaluate as JavaScript would', () => {
    const m = mech({
      name: 'probe_fns',
      parameters: [{ name: 'g', unit: 'S/cm2', default: 1e-4 }],
      assigned: [
        { name: 'x', expr: '(v + 80 mV)/(40 mV)' },
        { name: 'clip', expr: 'min(1, max(0, x))' },
        { name: 'side', expr: 'v > -60 mV and v < 0 mV ? 1 : (v <= -60 mV ? 2 : 3)' },
        { name: 'f', expr: 'sqrt(abs(x)) + log10(2 + x^2) + tanh(x) + efun(x) + log(3) - pi + pow(2, x)' },
        { name: 'vt', unit: 'mV', expr: 'vtrap(v + 60 mV, 7 mV)' },
      ],
      currents: [{ name: 'i', expr: 'g*(v - (-65 mV))*(1 + 0*(clip + side + f + vt/mV))' }],
    });
    const res = run([m], [{ name: 'probe_fns', nodes: [soma] }], [
      soma, ...['clip', 'side', 'f', 'vt'].map((variable) => ({ mechanism: 0, variable, instance: 0 })),
    ], { amp: 0.5 });
    const v = res.traces[0];
    const F = {
      clip: (vv: number) => Math.min(1, Math.max(0, (vv + 80) / 40)),
      side: (vv: number) => (vv > -60 && vv < 0 ? 1 : vv <= -60 ? 2 : 3),
      f: (vv: number) => {
        const x = (vv + 80) / 40;
        return Math.sqrt(Math.abs(x)) + Math.log10(2 + Math.pow(x, 2)) + Math.tanh(x) + efun(x) + Math.log(3) - Math.PI + Math.pow(2, x);
      },
      vt: (vv: number) => vtrap(vv + 60, 7),
    };
    Object.values(F).forEach((fn, k) => {
      const rec = res.traces[k + 1];
      // assigned values recorded after step i were computed from v before it (row 0: v_init)
      for (let i = 0; i < v.length; i++) expect(rec[i]).toBe(fn(v[Math.max(0, i - 1)]));
    });
    expect(new Set(res.traces[2]).size).toBeGreaterThan(1); // the conditional took more than one branch
  });

  it('t is the mid-step time in the current: a density current switched by t matches an IClamp', () => {
    const area = layout.area_um2[soma];
    const m = mech({
      name: 'tpulse',
      parameters: [{ name: 'amp', unit: 'mA/cm2', default: 0 }],
      currents: [{ name: 'i', expr: '(t >= 2 ms and t < 22 ms) ? -amp : 0 mA/cm2' }],
    });
    const pas = [{ name: 'pas', nodes: [soma], params: { g: 1e-3, e: -65 } }];
    const a = run([m], [...pas, { name: 'tpulse', nodes: [soma], params: { amp: (0.05 * 100) / area } }], [soma], { amp: 0 });
    const b = run([m], pas, [soma], { amp: 0.05 });
    expect(Math.max(...b.traces[0])).toBeGreaterThan(-62);
    expect(maxDiff(a.traces, b.traces)).toBeLessThan(1e-9);
  });

  it('a point process: current in nA, scaled by 100/area like NEURON\'s', () => {
    const area = layout.area_um2[soma];
    const syn = mech({
      name: 'gsyn',
      kind: 'point',
      parameters: [{ name: 'gmax', unit: 'uS', default: 0.001 }, { name: 'erev', unit: 'mV', default: 0 }],
      currents: [{ name: 'i', expr: 'gmax*(v - erev)' }],
    });
    expect(syn.description.kind).toBe('point');
    expect(syn.description.assigned).toEqual([{ name: 'i', unit: 'nA' }]);
    const leak = mech({
      name: 'gdens',
      parameters: [{ name: 'g', unit: 'S/cm2', default: 0 }, { name: 'erev', unit: 'mV', default: 0 }],
      currents: [{ name: 'i', expr: 'g*(v - erev)' }],
    });
    const pas = { name: 'pas', nodes: [soma], params: { g: 1e-4, e: -65 } };
    const a = run([syn, leak], [pas, { name: 'gsyn', nodes: [soma], params: { gmax: 0.002 } }], [soma, { mechanism: 1, variable: 'i', instance: 0 }], { amp: 0 });
    const b = run([syn, leak], [pas, { name: 'gdens', nodes: [soma], params: { g: (0.002 * 100) / area } }], [soma], { amp: 0 });
    expect(a.traces[0][a.traces[0].length - 1]).toBeGreaterThan(-60); // depolarised towards 0 mV
    expect(maxDiff([a.traces[0]], [b.traces[0]])).toBeLessThan(1e-9);
    expect(a.traces[1][1]).toBeCloseTo(0.002 * (-65 - 0), 12); // nA at v_init
  });

  it('an initial expression overrides the steady state', () => {
    const s = hhSpec();
    s.name = 'hh_init';
    s.states[0].initial = '0';
    s.states[2].initial = '0.5';
    const m = mech(s);
    const res = simulate({
      layout,
      catalogue: createCatalogue([...builtinMechanisms(), m]),
      mechanisms: [{ name: 'hh_init', nodes: [soma] }],
      record: [{ mechanism: 0, variable: 'm', instance: 0 }, { mechanism: 0, variable: 'n', instance: 0 }],
      dt_ms: 0.025,
      tstop_ms: 0.025,
    });
    expect(res.traces[0][0]).toBe(0);
    expect(res.traces[1][0]).toBe(0.5);
  });
});
