import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep } from '../../src/sweep/spec.ts';
import { runPoint, variantJson, variantProtocol, normalQuantile } from '../../src/sweep/design.ts';
import { parsePath, resolvePath, formatPath } from '../../src/sweep/paths.ts';

const FI = 'fixtures/sweeps/fi_curve.json';
const base = resolve('fixtures/sweeps/fi_base.json');

/** Write a sweep file next to a copy-free reference to the base protocol; returns its path. */
function sweepFile(obj: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sweep-spec-'));
  const f = join(dir, 'sweep.json');
  writeFileSync(f, JSON.stringify({ protocol: base, ...obj }));
  return f;
}
const gna = { name: 'gna', path: '$.biophysics.mechanisms[name=hh].params.gnabar', values: [0.08, 0.1, 0.12] };
const amp = { name: 'amp', path: '$.stimuli[0].amp_nA', range: { from: 0.1, to: 1.0, steps: 10 } };

describe('sweep paths', () => {
  it('parses index, key, quoted key and select steps', () => {
    expect(parsePath('$.biophysics.mechanisms[name=hh].params.gnabar')).toEqual([
      { key: 'biophysics' }, { key: 'mechanisms' }, { select: 'name', equals: 'hh' }, { key: 'params' }, { key: 'gnabar' },
    ]);
    expect(parsePath('$.discretization.sections["soma[0]"]')).toEqual([{ key: 'discretization' }, { key: 'sections' }, { key: 'soma[0]' }]);
    expect(formatPath(parsePath('$.stimuli[0].amp_nA'))).toBe('$.stimuli[0].amp_nA');
    expect(() => parsePath('stimuli[0]')).toThrow(/starts with "\$"/);
    expect(() => parsePath('$.stimuli[0')).toThrow(/unclosed/);
  });
  it('resolves [name=...] to an index and suggests names', () => {
    const json = { biophysics: { mechanisms: [{ name: 'pas' }, { name: 'hh', params: { gnabar: 0.1 } }] } };
    expect(formatPath(resolvePath(json, '$.biophysics.mechanisms[name=hh].params.gnabar'))).toBe('$.biophysics.mechanisms[1].params.gnabar');
    expect(() => resolvePath(json, '$.biophysics.mechanisms[name=hhh].params')).toThrow(/matches no item \(did you mean "hh"\?\); the items' names: pas, hh/);
    expect(() => resolvePath(json, '$.biophysics.mechanisms[1].params.gnabr')).toThrow(/does not exist in the base protocol \(did you mean "gnabar"\?\)/);
    expect(() => resolvePath(json, '$.biophysics.mechanisms[5]')).toThrow(/a list of 2/);
  });
});

describe('sweep files', () => {
  it('loads the f-I fixture: grid of 3 x 11, last parameter fastest', () => {
    const s = loadSweep(FI);
    expect(s.total).toBe(33);
    expect(s.parameters[0].canonical).toBe('$.biophysics.mechanisms[1].params.gnabar');
    expect(runPoint(s, 0).values).toEqual([0.1, 0]);
    expect(runPoint(s, 1).values).toEqual([0.1, 0.025]);
    expect(runPoint(s, 11).values).toEqual([0.12, 0]);
    expect(runPoint(s, 32).values).toEqual([0.16, 0.25]);
    const p = variantProtocol(s, 14);
    expect(p.stimuli[0]).toMatchObject({ amp_nA: 0.075 });
    expect(p.biophysics.mechanisms[1].params.gnabar).toBe(0.12);
    // the base is never modified
    expect((s.protocolJson as { stimuli: { amp_nA: number }[] }).stimuli[0].amp_nA).toBe(0.2);
  });

  it('the example of the issue: range values are tidy', () => {
    const s = loadSweep(sweepFile({ parameters: [gna, amp], measures: [{ name: 'n', feature: 'spike_count', probe: 'soma', window_ms: [10, 90] }] }));
    expect(s.parameters[1].values).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(s.total).toBe(30);
  });

  it('zip walks the lists together; repeats repeat each point', () => {
    const s = loadSweep(sweepFile({ design: 'zip', repeats: 2, parameters: [gna, { name: 'amp', path: '$.stimuli[0].amp_nA', values: ['0.1 nA', '200 pA', 0.3] }] }));
    expect(s.total).toBe(6);
    expect(runPoint(s, 3)).toMatchObject({ point: 1, repeat: 1, values: [0.1, '200 pA'] });
    expect(variantProtocol(s, 3).stimuli[0]).toMatchObject({ amp_nA: 0.2 });
    expect(() => loadSweep(sweepFile({ design: 'zip', parameters: [gna, amp] }))).toThrow(/equally long: "gna" has 3 values, "amp" 10/);
  }, 30_000); // the first quantity with a unit loads mathjs

  it('random and Latin hypercube designs are seeded and order-free', () => {
    const params = [
      { name: 'g', path: '$.biophysics.mechanisms[1].params.gnabar', distribution: { type: 'log_uniform', low: 0.01, high: 1 } },
      { name: 'a', path: '$.stimuli[0].amp_nA', distribution: { type: 'uniform', low: 0, high: 2 } },
      { name: 'd', path: '$.stimuli[0].delay_ms', distribution: { type: 'integer', low: 1, high: 5 } },
      { name: 'dur', path: '$.stimuli[0].dur_ms', distribution: { type: 'normal', mean: 50, sd: 5 } },
    ];
    const s = loadSweep(sweepFile({ design: 'latin_hypercube', samples: 200, seed: 7, parameters: params }));
    const pts = Array.from({ length: 200 }, (_, r) => runPoint(s, r).values as number[]);
    // one sample per stratum of each parameter
    const strataA = new Set(pts.map((v) => Math.floor(v[1] / (2 / 200))));
    expect(strataA.size).toBe(200);
    const strataG = new Set(pts.map((v) => Math.floor(((Math.log(v[0]) - Math.log(0.01)) / Math.log(100)) * 200)));
    expect(strataG.size).toBe(200);
    for (const v of pts) expect(Number.isInteger(v[2]) && v[2] >= 1 && v[2] <= 5).toBe(true);
    const durs = pts.map((v) => v[3]);
    const mean = durs.reduce((a, b) => a + b, 0) / durs.length;
    expect(Math.abs(mean - 50)).toBeLessThan(0.5);
    // the same run gives the same values in a fresh load (no order dependence), another seed differs
    const again = loadSweep(sweepFile({ design: 'latin_hypercube', samples: 200, seed: 7, parameters: params }));
    expect(runPoint(again, 123).values).toEqual(pts[123]);
    const other = loadSweep(sweepFile({ design: 'random', samples: 200, seed: 8, parameters: params }));
    expect(runPoint(other, 123).values).not.toEqual(pts[123]);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('protocol seeds derive from the sweep seed and the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-seed-'));
    const proto = { morphology: resolve('fixtures/morphologies/ball_and_stick.swc'), stimuli: [
      { type: 'noise', at: 'soma[0](0.5)', delay_ms: 0, dur_ms: 10, mean_nA: 0, std_nA: 0.1, seed: 1 },
      { type: 'noise', at: 'soma[0](0.5)', delay_ms: 0, dur_ms: 10, mean_nA: 0, std_nA: 0.1, seed: 1 },
    ], record: [{ label: 'soma', at: 'soma[0](0.5)' }], run: { tstop_ms: 10 } };
    writeFileSync(join(dir, 'p.json'), JSON.stringify(proto));
    const mk = (extra: object) => {
      writeFileSync(join(dir, 's.json'), JSON.stringify({ protocol: 'p.json', repeats: 3, parameters: [{ name: 'm', path: '$.stimuli[0].mean_nA', values: [0, 0.1] }], ...extra }));
      return loadSweep(join(dir, 's.json'));
    };
    const seeds = (s: ReturnType<typeof mk>, r: number) => (variantJson(s, runPoint(s, r)) as typeof proto).stimuli.map((x) => x.seed);
    const d = mk({});
    expect(seeds(d, 0)).not.toEqual(seeds(d, 1));
    expect(seeds(d, 0)[0]).not.toBe(seeds(d, 0)[1]);
    expect(seeds(d, 4)).toEqual(seeds(mk({}), 4));
    const pr = mk({ protocol_seeds: 'per_repeat' });
    expect(seeds(pr, 1)).toEqual(seeds(pr, 4)); // repeat 1 of points 0 and 1
    expect(seeds(mk({ protocol_seeds: 'keep' }), 5)).toEqual([1, 1]);
  });

  it('synapse populations get derived train and placement seeds; entries sharing a seed keep sharing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-popseed-'));
    const pop = (name: string, type: string) => ({
      name, type, weight_uS: 0.001,
      at: { cluster: { section: 'dend[0]', n: 3, length_um: 20, seed: 5 } },
      train: { type: 'poisson', rate_Hz: 10, start_ms: 0, seed: 9 },
    });
    const proto = { morphology: resolve('fixtures/morphologies/ball_and_stick.swc'), synapses: [pop('ampa', 'AMPA'), pop('nmda', 'NMDA')],
      record: [{ label: 'soma', at: 'soma[0](0.5)' }], run: { tstop_ms: 10 } };
    writeFileSync(join(dir, 'p.json'), JSON.stringify(proto));
    const mk = (extra: object) => {
      writeFileSync(join(dir, 's.json'), JSON.stringify({ protocol: 'p.json', repeats: 4, parameters: [{ name: 'w', path: '$.synapses[0].weight_uS', values: [0.001] }], ...extra }));
      return loadSweep(join(dir, 's.json'));
    };
    type P = typeof proto;
    const seeds = (s: ReturnType<typeof mk>, r: number) => (variantJson(s, runPoint(s, r)) as P).synapses.map((x) => [x.train.seed, x.at.cluster.seed]);
    const d = mk({});
    const [a0, n0] = seeds(d, 0);
    expect(a0).toEqual(n0); // the AMPA and NMDA populations stay on the same sites with the same trains
    expect(a0[0]).not.toBe(a0[1]);
    expect(seeds(d, 1)[0]).not.toEqual(a0); // every run its own trains and sites
    expect(seeds(d, 3)).toEqual(seeds(mk({}), 3));
    expect(seeds(mk({ protocol_seeds: 'keep' }), 2)).toEqual([[9, 5], [9, 5]]);
    for (const r of [0, 1, 2, 3]) expect(() => variantProtocol(d, r)).not.toThrow();
  });

  it('mistakes name the file, the JSON path, the value, with did-you-mean', () => {
    const f = sweepFile({ parameters: [gna], desing: 'grid' });
    expect(() => loadSweep(f)).toThrow(`${f}: $.desing: unknown key "desing" (did you mean "design"?)`);
    expect(() => loadSweep(sweepFile({ parameters: [{ ...gna, path: '$.biophysics.mechanisms[name=hh].params.gnabr' }] })))
      .toThrow(/\$\.parameters\[0\]\.path: "\$\.biophysics\.mechanisms\[name=hh\]\.params\.gnabr": \$\.biophysics\.mechanisms\[1\]\.params\.gnabr does not exist in the base protocol \(did you mean "gnabar"\?\)/);
    expect(() => loadSweep(sweepFile({ parameters: [gna], measures: [{ name: 'n', feature: 'spike_cnt', probe: 'soma' }] })))
      .toThrow(/\$\.measures\[0\]\.feature: expected one of .* got "spike_cnt" \(did you mean "spike_count"\?\)/);
    expect(() => loadSweep(sweepFile({ parameters: [gna], measures: [{ name: 'n', feature: 'spike_count', probe: 'somma' }] })))
      .toThrow(/\$\.measures\[0\]\.probe: .*"somma" \(did you mean "soma"\?\)/);
    expect(() => loadSweep(sweepFile({ parameters: [gna, { ...gna, name: 'g2' }] }))).toThrow(/parameter "gna" already sets/);
    expect(() => loadSweep(sweepFile({ parameters: [{ ...gna, name: 'run' }] }))).toThrow(/column every results table has/);
    expect(() => loadSweep(sweepFile({ parameters: [gna], measures: [{ name: 't', feature: 'time_above', probe: 'soma' }] }))).toThrow(/\$\.measures\[0\]\.threshold: missing \(required by "time_above"\)/);
    expect(() => loadSweep(sweepFile({ design: 'random', parameters: [gna] }))).toThrow(/\$\.samples: missing/);
  });

  it('a variant that makes an invalid protocol names the run and the parameter', () => {
    const s = loadSweep(sweepFile({ parameters: [{ name: 'amp', path: '$.stimuli[0].amp_nA', values: [0.1, '2 mV'] }] }));
    expect(() => variantProtocol(s, 1)).toThrow(/run 1 \(amp="2 mV"\): parameter "amp" \(\$\.stimuli\[0\]\.amp_nA\) makes an invalid protocol: .*\$\.stimuli\[0\]\.amp_nA/);
  });
});
