/**
 * The experiment framework (src/experiments/run.ts) on a small experiment defined here: what it
 * writes (results.json, protocols/, figures), that the protocols it writes run with `dendrite run`,
 * that nothing is written when the experiment throws, and the output-folder rules of src/io/outdir.ts.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExperiment, FRAMEWORK_KEYS } from '../../src/experiments/run.ts';
import { check, type Experiment } from '../../src/experiments/types.ts';
import { packageRoot } from '../../src/experiments/root.ts';
import { parseProtocol } from '../../src/protocol/protocol.ts';
import { runProtocol } from '../../src/protocol/run.ts';
import { tracesSvg } from '../../src/io/svg/index.ts';
import { readStamp } from '../../src/io/outdir.ts';
import { main } from '../../cli/main.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A passive ball and stick given a 20 pA step: the soma's steady deflection is I·R_in. */
function toy(overrides: Partial<Experiment> & { morphology?: string } = {}): Experiment {
  return {
    name: 'toy',
    title: 'Toy: input resistance of a ball and stick',
    summary: 'a test experiment',
    reproduces: 'Rall 1959',
    files: 'fixtures/morphologies',
    run(ctx) {
      const raw = {
        morphology: overrides.morphology ?? join(ctx.filesDir, 'ball_and_stick.swc'),
        discretization: { nseg: 21, sections: { soma: 1 } },
        biophysics: { cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, mechanisms: [{ name: 'pas', region: 'all', params: { g: 1e-4, e: -65 } }] },
        stimuli: [{ type: 'iclamp', at: 'soma[0](0.5)', delay_ms: 5, dur_ms: ctx.quick ? 60 : 100, amp_nA: 0.02 }],
        record: [{ label: 'soma', at: 'soma[0](0.5)' }],
        run: { tstop_ms: ctx.quick ? 65 : 105, dt_ms: 0.1 },
      };
      ctx.log('step at the soma');
      ctx.protocol('step', raw);
      const r = runProtocol(parseProtocol(raw, join(ctx.filesDir, 'toy.json')));
      const v = r.output.traces[0];
      const dv = v[v.length - 1] - v[0];
      ctx.figure('soma', tracesSvg(r.output.t_ms, [{ label: 'soma', values: v }], { title: 'toy' }));
      return { results: { dv_mV: dv, rin_Mohm: dv / 0.02 }, checks: [check('input resistance', dv / 0.02, 'MΩ', [50, 2000], 'test range')] };
    },
    ...overrides,
  };
}

const fresh = () => join(mkdtempSync(join(tmpdir(), 'dendrite-expfw-')), 'out');

describe('runExperiment', () => {
  it('writes results.json, the protocols and the figures into a stamped folder', async () => {
    const dir = fresh();
    const log: string[] = [];
    const r = await runExperiment(toy(), { outDir: dir, quick: true, log: (m) => log.push(m) });
    expect(log).toEqual(['step at the soma']);
    expect(readdirSync(dir).sort()).toEqual(['.dendrite-output.json', 'protocols', 'results.json', 'soma.svg']);
    expect(readStamp(dir)).toMatchObject({ kind: 'experiment', files: ['protocols', 'results.json', 'soma.svg'] });
    const j = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(Object.keys(j).slice(0, FRAMEWORK_KEYS.length)).toEqual([...FRAMEWORK_KEYS]);
    expect(j).toMatchObject({ experiment: 'toy', title: 'Toy: input resistance of a ball and stick', reproduces: 'Rall 1959', quick: true, protocols: ['step.json'], figures: ['soma.svg'], all_checks_pass: true });
    expect(j.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(j.wall_s).toBeGreaterThan(0);
    expect(j.checks).toEqual([{ name: 'input resistance', value: j.rin_Mohm, unit: 'MΩ', range: [50, 2000], source: 'test range', pass: true }]);
    expect(j).toEqual(JSON.parse(JSON.stringify(r.results)));
    // a passive ball and stick: R_in of a few hundred MΩ (soma 500 µm² and a 200 µm, 1 µm stick at Rm 10 kΩ cm²)
    expect(j.rin_Mohm).toBeGreaterThan(200);
    expect(readFileSync(join(dir, 'soma.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('the protocols it writes run with `dendrite run` and give the same numbers', async () => {
    const dir = fresh();
    const r = await runExperiment(toy(), { outDir: dir, quick: true });
    const runDir = join(dir, '..', 'run');
    const out: string[] = [], err: string[] = [];
    const code = await main(['node', 'dendrite', 'run', join(dir, 'protocols', 'step.json'), '--out', runDir, '--quiet'], { out: (s) => out.push(s), err: (s) => err.push(s) });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const rows = readFileSync(join(runDir, 'traces.csv'), 'utf8').trim().split('\n');
    const v = rows.slice(1).map((l) => Number(l.split(',')[1]));
    expect(v[v.length - 1] - v[0]).toBeCloseTo(r.results.dv_mV as number, 9);
  });

  it('--quick reaches the experiment (ctx.quick) and results.json', async () => {
    const full = await runExperiment(toy(), { outDir: fresh(), quick: false });
    expect(full.results.quick).toBe(false);
    const quick = await runExperiment(toy(), { outDir: fresh(), quick: true });
    // the quick step (60 ms = 6 τ) is 0.25 % short of steady state
    expect((full.results.rin_Mohm as number) / (quick.results.rin_Mohm as number)).toBeGreaterThan(1.0005);
    expect((full.results.rin_Mohm as number) / (quick.results.rin_Mohm as number)).toBeLessThan(1.005);
  });

  it('an experiment that throws writes nothing and leaves a previous output as it was', async () => {
    const dir = fresh();
    await expect(runExperiment(toy({ run: () => { throw new Error('boom'); } }), { outDir: dir })).rejects.toThrow('boom');
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(join(dir, '..'))).toEqual([]);
    await runExperiment(toy(), { outDir: dir, quick: true });
    const before = readFileSync(join(dir, 'results.json'), 'utf8');
    await expect(runExperiment(toy({ run: () => { throw new Error('boom'); } }), { outDir: dir })).rejects.toThrow('boom');
    expect(readFileSync(join(dir, 'results.json'), 'utf8')).toBe(before);
    expect(readdirSync(join(dir, '..'))).toEqual(['out']);
  });

  it('replaces its own previous output; refuses a folder with other files unless overwrite', async () => {
    const dir = fresh();
    await runExperiment(toy(), { outDir: dir, quick: true });
    await runExperiment(toy(), { outDir: dir, quick: false });
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).quick).toBe(false);
    const foreign = fresh();
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'thesis.tex'), 'precious');
    await expect(runExperiment(toy(), { outDir: foreign, quick: true })).rejects.toThrow(/thesis\.tex|not empty|Dendrite did not write/);
    expect(readFileSync(join(foreign, 'thesis.tex'), 'utf8')).toBe('precious');
    await runExperiment(toy(), { outDir: foreign, quick: true, overwrite: true });
    expect(existsSync(join(foreign, 'thesis.tex'))).toBe(false);
    expect(existsSync(join(foreign, 'results.json'))).toBe(true);
  });

  it('refuses an output folder inside the experiment\'s own file set', async () => {
    const root = packageRoot();
    await expect(runExperiment(toy(), { outDir: join(root, 'fixtures'), quick: true })).rejects.toThrow(/file set of experiment toy/);
  });

  it('refuses bad names, the framework\'s keys and protocols that would not run from the folder', async () => {
    const bad = (over: Partial<Experiment> & { morphology?: string }) => runExperiment(toy(over), { outDir: fresh(), quick: true });
    await expect(bad({ run: (ctx) => { ctx.figure('Soma V', '<svg/>'); return { results: {}, checks: [] }; } })).rejects.toThrow(/figure name "Soma V"/);
    await expect(bad({ run: (ctx) => { ctx.protocol('a', {}); ctx.protocol('a', {}); return { results: {}, checks: [] }; } })).rejects.toThrow(/recorded twice/);
    await expect(bad({ run: (ctx) => { ctx.figure('x', 'not svg'); return { results: {}, checks: [] }; } })).rejects.toThrow(/not SVG/);
    await expect(bad({ run: () => ({ results: { checks: 1 }, checks: [] }) })).rejects.toThrow(/framework's key "checks"/);
    await expect(bad({ morphology: 'ball_and_stick.swc' })).rejects.toThrow(/protocol "step" names .*ball_and_stick\.swc, which does not exist/);
  });
});

describe('check()', () => {
  it('computes pass from the range, inclusive; NaN never passes', () => {
    expect(check('a', 1, 'mV', [1, 2], 's').pass).toBe(true);
    expect(check('a', 2, 'mV', [1, 2], 's').pass).toBe(true);
    expect(check('a', 2.0001, 'mV', [1, 2], 's').pass).toBe(false);
    expect(check('a', NaN, 'mV', [-Infinity, Infinity], 's').pass).toBe(false);
  });
});
