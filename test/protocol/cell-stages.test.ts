/**
 * The three build stages (src/protocol/build.ts): describe (cell.ts), lay out (cell-layout.ts),
 * bind (cell-bind.ts). Protocols that differ only in parameters share one layout object through a
 * LayoutCache; a change of morphology, nseg, cm or Ra gives a new one; and every cached build runs
 * bitwise like a separate build.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parseProtocol } from '../../src/protocol/index.ts';
import {
  buildSimulation, buildSimulations, describeCell, layCell, LayoutCache, loadProtocolMorphology, type BuiltSimulation,
} from '../../src/protocol/build.ts';
import { simulate } from '../../src/solvers/simulate.ts';

const FILE = fileURLToPath(new URL('./cell-stages.json', import.meta.url)); // for messages and relative paths only
const SWC = fileURLToPath(new URL('../../fixtures/morphologies/ball_and_stick.swc', import.meta.url));

type Raw = Record<string, any>;
function base(): Raw {
  return {
    morphology: SWC,
    discretization: { nseg: 9, sections: { soma: 1 } },
    biophysics: {
      cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, celsius: 6.3,
      mechanisms: [
        { name: 'hh', region: 'soma' },
        { name: 'pas', region: 'dend', params: { g: '1e-4 * (1 + distance_um / 200)', e: -65 } },
        { name: 'hh', region: 'dend', distance_um: [0, 60], params: { gnabar: 0.02, ena: 55 } },
      ],
    },
    stimuli: [{ type: 'iclamp', at: 'soma[0](0.5)', delay_ms: 5, dur_ms: 10, amp_nA: 0.3 }],
    synapses: [
      { name: 'syn', type: 'AMPA', at: 'dend[0](0.7)', weight_uS: 0.002, train: { type: 'poisson', rate_Hz: 80, start_ms: 0, seed: 3 } },
    ],
    record: [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'dend', at: 'dend[0](0.9)' }],
    run: { tstop_ms: 30, dt_ms: 0.025 },
  };
}
const protocol = (edit: (r: Raw) => void = () => {}) => {
  const r = base();
  edit(r);
  return parseProtocol(r, FILE);
};

/** Variants that change parameters only: none of them changes the layout. */
const PARAMETER_VARIANTS: [string, (r: Raw) => void][] = [
  ['base', () => {}],
  ['a mechanism parameter', (r) => { r.biophysics.mechanisms[0].params = { gnabar: 0.15 }; }],
  ['a density expression', (r) => { r.biophysics.mechanisms[1].params.g = '2e-4 * exp(-distance_um / 100)'; }],
  ['a reversal potential', (r) => { r.biophysics.mechanisms[2].params.ena = 50; }],
  ['a stimulus', (r) => { r.stimuli[0].amp_nA = 0.5; r.stimuli[0].delay_ms = 2; }],
  ['a synapse weight', (r) => { r.synapses[0].weight_uS = 0.004; }],
  ['a train seed', (r) => { r.synapses[0].train.seed = 11; }],
  ['v_init and celsius', (r) => { r.biophysics.v_init_mV = -70; r.biophysics.celsius = 20; }],
  ['the recordings', (r) => { r.record = [{ label: 'mid', at: 'dend[0](0.5)' }]; }],
  ['dt', (r) => { r.run.dt_ms = 0.05; }],
];

function run(b: BuiltSimulation) {
  return simulate(b.request).traces;
}

describe('a LayoutCache shares one layout between parameter-only variants', () => {
  const variants = PARAMETER_VARIANTS.map(([, edit]) => protocol(edit));
  const cache = new LayoutCache();
  const shared = buildSimulations(variants, { layouts: cache });

  it('every variant gets the identical (===) layout, nseg and morphology objects', () => {
    expect(cache.size).toBe(1);
    for (const b of shared) {
      expect(b.layout).toBe(shared[0].layout);
      expect(b.request.layout).toBe(shared[0].layout);
      expect(b.nseg).toBe(shared[0].nseg);
      expect(b.morphology).toBe(shared[0].morphology);
    }
  });

  it.each(PARAMETER_VARIANTS.map(([name], k) => [name, k] as const))('%s: the cached build runs bitwise like a separate build', (_, k) => {
    const alone = buildSimulation(variants[k]);
    expect(alone.layout).not.toBe(shared[k].layout);
    const a = run(alone);
    const b = run(shared[k]);
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) expect(b[i]).toEqual(a[i]);
  });

  it('the variants really differ (the runs are not all the same)', () => {
    const soma = shared.slice(0, 8).map((b) => run(b)[0]);
    for (let k = 1; k < soma.length; k++) expect(soma[k]).not.toEqual(soma[0]);
  });
});

describe('what changes the layout gives a new one', () => {
  const cache = new LayoutCache();
  const first = buildSimulation(protocol(), undefined, undefined, { layouts: cache });

  it.each<[string, (r: Raw) => void]>([
    ['nseg', (r) => { r.discretization.nseg = 7; }],
    ['Ra', (r) => { r.biophysics.Ra_ohm_cm = 150; }],
    ['cm in a region', (r) => { r.biophysics.regions = { dend: { cm_uF_per_cm2: 2 } }; }],
    ['the morphology (scaled)', (r) => { r.morphology = { file: SWC, scale: 1.1 }; }],
  ])('%s', (_, edit) => {
    const before = cache.size;
    const b = buildSimulation(protocol(edit), undefined, undefined, { layouts: cache });
    expect(b.layout).not.toBe(first.layout);
    expect(cache.size).toBe(before + 1);
    const again = buildSimulation(protocol(edit), undefined, undefined, { layouts: cache });
    expect(again.layout).toBe(b.layout);
    expect(cache.size).toBe(before + 1);
  });

  it('a morphology object given by the caller is its own key', () => {
    const p = protocol();
    const other = loadProtocolMorphology(p);
    const b = buildSimulation(p, other, undefined, { layouts: cache });
    expect(b.layout).not.toBe(first.layout);
    expect(buildSimulation(p, other, undefined, { layouts: cache }).layout).toBe(b.layout);
  });

  it('the key is the nseg the policy chooses: d_lambda and the same fixed nseg share a layout', () => {
    const c2 = new LayoutCache();
    const byLambda = buildSimulation(protocol((r) => { r.discretization = { d_lambda: 0.1 }; }), undefined, undefined, { layouts: c2 });
    const [soma, dend] = Array.from(byLambda.nseg);
    expect(dend).toBeGreaterThan(1);
    const fixed = buildSimulation(protocol((r) => { r.discretization = { nseg: dend, sections: { soma } }; }), undefined, undefined, { layouts: c2 });
    expect(fixed.layout).toBe(byLambda.layout);
    expect(c2.size).toBe(1);
  });
});

describe('the stages', () => {
  it('describeCell resolves placements without a layout; layCell and the cache give equal layouts', () => {
    const p = protocol();
    const desc = describeCell(p);
    expect(desc.mechanisms.map((m) => [m.name, m.sections])).toEqual([['hh', [0]], ['pas', [1]], ['hh', [1]]]);
    expect(desc.mechanisms[1].varying).toEqual({ g: '1e-4 * (1 + distance_um / 200)' });
    expect(desc.mechanisms[1].values).toEqual({ e: -65 });
    expect(desc.mechanisms[2].distance_um).toEqual([0, 60]);
    expect(desc.mechanisms[2].reversals).toEqual([{ ion: 'na', value_mV: 55, path: '$.biophysics.mechanisms[2].params.ena' }]);
    expect(desc.electrical).toEqual([{ cm_uF_per_cm2: 1, Ra_ohm_cm: 100 }, { cm_uF_per_cm2: 1, Ra_ohm_cm: 100 }]);
    const laid = layCell(desc);
    const cached = new LayoutCache().layout(desc);
    expect(cached.key).toBe('m0|nseg 1;9|cm,Ra 1,100x2');
    expect(cached.layout).toEqual(laid.layout);
    expect(Array.from(laid.nseg)).toEqual([1, 9]);
  });

  it('errors keep their protocol paths, from the stage that finds them', () => {
    expect(() => describeCell(protocol((r) => { r.biophysics.mechanisms[0].params = { gnabar: -1 }; })))
      .toThrow(/\$\.biophysics\.mechanisms\[0\]\.params\.gnabar: -1 S\/cm2 is outside/);
    expect(() => buildSimulation(protocol((r) => { r.biophysics.mechanisms[2].distance_um = [500, 600]; })))
      .toThrow(/\$\.biophysics\.mechanisms\[2\]\.distance_um: no segment centre of the region lies between 500 and 600/);
    expect(() => buildSimulation(protocol((r) => { r.discretization = { max_length_um: 0.001 }; }), undefined, undefined, { layouts: new LayoutCache() }))
      .toThrow(/\$\.discretization\.max_length_um: max_length_um = 0\.001 on L = 200 um gives section dend\[0\] nseg = 200000; NEURON allows 1\.\.32767/);
  });
});
