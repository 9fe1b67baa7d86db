/** `dendrite plot DIR` and `dendrite run --plot --format`: files written, clean failures (exit 1, no stack trace). */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.ts';
import { readNpy } from '../../src/io/npy.ts';
import { parseXml, unescapeXml } from './xml.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROTOCOL = join(ROOT, 'fixtures/neuron/traces/cases/bs_hh_soma_maxlen20_be.json');

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'dendrite', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function hasRsvg(): boolean {
  try {
    execFileSync('rsvg-convert', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('dendrite run --plot --format csv,npy', () => {
  const base = mkdtempSync(join(tmpdir(), 'dendrite-plot-'));
  const dir = join(base, 'out');

  it('writes traces.csv, traces.npy (+ sidecar) and both figures, with one summary line', async () => {
    const r = await cli('run', PROTOCOL, '--out', dir, '--format', 'csv,npy', '--plot');
    expect(r.code, r.err).toBe(0);
    for (const f of ['traces.csv', 'traces.npy', 'traces.npy.json', 'run.json', 'traces.svg', 'shape.svg']) expect(existsSync(join(dir, f)), f).toBe(true);
    // one summary line (plus any warnings about the run itself, e.g. sub-threshold crossings)
    expect(r.err.split('\n').filter((l) => !l.startsWith('dendrite: warning:')).length).toBe(1);
    expect(r.err).toMatch(/compartments, \d+ steps, .* wrote .*traces\.csv, .*traces\.npy, .*traces\.svg, .*shape\.svg/);
    // the npy holds what the csv holds
    const csv = readFileSync(join(dir, 'traces.csv'), 'utf8').trim().split('\n');
    const a = readNpy(join(dir, 'traces.npy'));
    expect(a.shape).toEqual([csv.length - 1, csv[0].split(',').length]);
    const row = csv[101].split(',').map(Number);
    expect(Array.from(a.data.subarray(100 * a.shape[1], 101 * a.shape[1]))).toEqual(row);
    const side = JSON.parse(readFileSync(join(dir, 'traces.npy.json'), 'utf8'));
    expect(side.columns.map((c: { name: string }) => c.name)).toEqual(csv[0].split(','));
  }, 30_000);

  it('the figures: one trace path per column, every recorded site marked on the shape', () => {
    const header = readFileSync(join(dir, 'traces.csv'), 'utf8').split('\n')[0].split(',');
    const traces = parseXml(readFileSync(join(dir, 'traces.svg'), 'utf8'));
    expect(traces.filter((e) => e.attrs.class === 'trace').map((e) => unescapeXml(e.attrs['data-label']))).toEqual(header.slice(1));
    expect(traces.some((e) => e.name === 'text' && e.text === 't (ms)')).toBe(true);
    expect(traces.some((e) => e.name === 'text' && e.text === 'V (mV)')).toBe(true);
    const shape = parseXml(readFileSync(join(dir, 'shape.svg'), 'utf8'));
    expect(shape.filter((e) => e.attrs.class === 'marker').map((e) => e.attrs['data-label'])).toEqual(header.slice(1));
    expect(shape.some((e) => e.attrs.class === 'colorbar-label' && unescapeXml(e.text) === 'path distance from soma (µm)')).toBe(true);
  });

  it('run.json states the spike criterion of each voltage probe, and traces.svg says it under the spike rows', () => {
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    const soma = run.probes.find((p: { label: string }) => p.label === 'soma');
    expect(soma.spike_rule).toBe('action_potential');
    expect(Object.keys(soma.spike_criterion)).toEqual(expect.arrayContaining(['min_height_mV', 'max_rise_ms', 'min_slope_mV_per_ms']));
    expect(soma.spike_count).toBeGreaterThan(0);
    const els = parseXml(readFileSync(join(dir, 'traces.svg'), 'utf8'));
    expect(els.filter((e) => e.attrs.class === 'spike-marks').map((e) => e.attrs['data-label'])).toContain('soma');
    const caption = els.filter((e) => e.attrs.class === 'caption').map((e) => unescapeXml(e.text)).join(' ').replace(/\u00a0/g, ' ');
    expect(caption).toContain(`peaking ≥ ${soma.spike_criterion.min_height_mV} mV above it`);
    expect(caption).toContain(`dV/dt ≥ ${soma.spike_criterion.min_slope_mV_per_ms} mV/ms`);
  });

  it('run.json lists the placed stimuli (type, site, parameters) for the shape plot', () => {
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    const protocol = JSON.parse(readFileSync(PROTOCOL, 'utf8'));
    expect(run.stimuli.length).toBe(protocol.stimuli.length);
    expect(run.stimuli[0]).toMatchObject({ entry: 0, type: protocol.stimuli[0].type, section: 'soma[0]', x: 0.5, amp_nA: protocol.stimuli[0].amp_nA });
    const shape = parseXml(readFileSync(join(dir, 'shape.svg'), 'utf8'));
    expect(shape.filter((e) => e.attrs.class === 'stimulus-marker').length).toBe(protocol.stimuli.length);
    expect(shape.find((e) => e.attrs.class === 'morphology')!.attrs['data-view']).toBe('auto');
  });

  it('--view picks the projection, in dendrite plot and dendrite run --plot; a bad one is refused before anything is written', async () => {
    const p = await cli('plot', dir, '--view', 'xz', '-q');
    expect(p.code, p.err).toBe(0);
    const shape = parseXml(readFileSync(join(dir, 'shape.svg'), 'utf8'));
    expect(shape.find((e) => e.attrs.class === 'morphology')!.attrs['data-view']).toBe('xz');
    expect(shape.find((e) => e.name === 'desc')!.text).toMatch(/^x–z view: screen right = \(1\.000, 0\.000, 0\.000\), screen up = \(0\.000, 0\.000, 1\.000\)/);
    const bad = await cli('plot', dir, '--view', 'sideways');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^dendrite: error: --view: "sideways" is not one of xy, xz, yz, auto$/);
    const yz = join(base, 'yz');
    const r = await cli('run', PROTOCOL, '--out', yz, '--plot', '--view', 'yz', '-q');
    expect(r.code, r.err).toBe(0);
    expect(parseXml(readFileSync(join(yz, 'shape.svg'), 'utf8')).find((e) => e.attrs.class === 'morphology')!.attrs['data-view']).toBe('yz');
    const refused = await cli('run', PROTOCOL, '--out', join(base, 'badview'), '--plot', '--view', 'top');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--view: "top" is not one of xy, xz, yz, auto/);
    expect(existsSync(join(base, 'badview'))).toBe(false);
  }, 30_000);

  it('--quiet prints nothing; a bad --format is refused before running', async () => {
    const q = await cli('run', PROTOCOL, '--out', join(base, 'quiet'), '--quiet');
    expect(q.code).toBe(0);
    expect(q.err).toBe('');
    expect(existsSync(join(base, 'quiet', 'traces.npy'))).toBe(false);
    const bad = await cli('run', PROTOCOL, '--out', join(base, 'bad'), '--format', 'hdf5');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--format: "hdf5" is not one of csv, npy/);
    expect(existsSync(join(base, 'bad'))).toBe(false);
  });

  it('dendrite plot DIR redraws, with spikes.csv marks, and --color peak colours the sites by peak V', async () => {
    rmSync(join(dir, 'traces.svg'));
    writeFileSync(join(dir, 'spikes.csv'), 'label,t_ms\nsoma,6.5\nsoma,16.25\n');
    const r = await cli('plot', dir, '--color', 'peak');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/wrote .*traces\.svg/);
    const els = parseXml(readFileSync(join(dir, 'traces.svg'), 'utf8'));
    const marks = els.filter((e) => e.attrs.class === 'spike-marks');
    expect(marks.map((e) => e.attrs['data-label'])).toEqual(['soma']);
    expect(marks[0].attrs.d.match(/M/g)!.length).toBe(2);
    const shape = parseXml(readFileSync(join(dir, 'shape.svg'), 'utf8'));
    expect(shape.some((e) => e.attrs.class === 'colorbar-label' && e.text === 'peak V (mV)')).toBe(true);
  });

  it('plots a folder holding only traces.npy', async () => {
    const only = join(base, 'npy-only');
    expect((await cli('run', PROTOCOL, '--out', only, '--format', 'npy', '-q')).code).toBe(0);
    expect(existsSync(join(only, 'traces.csv'))).toBe(false);
    const r = await cli('plot', only, '-q');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    const els = parseXml(readFileSync(join(only, 'traces.svg'), 'utf8'));
    expect(els.filter((e) => e.attrs.class === 'trace').length).toBe(3);
  }, 30_000);

  if (!hasRsvg()) console.log('skipping the rsvg-convert check: rsvg-convert is not installed (apt-get install librsvg2-bin)');
  it.skipIf(!hasRsvg())('a real SVG renderer (rsvg-convert) accepts both figures', () => {
    for (const f of ['traces.svg', 'shape.svg']) {
      const png = join(base, f + '.png');
      execFileSync('rsvg-convert', [join(dir, f), '-o', png]);
      expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    }
  });
});

describe('dendrite plot: clean failures', () => {
  const base = mkdtempSync(join(tmpdir(), 'dendrite-plot-bad-'));
  const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

  it('a missing folder', async () => {
    const r = await cli('plot', join(base, 'nope'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^dendrite: error: .*nope: no such folder/);
    noStack(r.err);
  });
  it('a file instead of a folder', async () => {
    const f = join(base, 'file.txt');
    writeFileSync(f, 'x');
    const r = await cli('plot', f);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/file\.txt: not a folder/);
  });
  it('a folder without traces', async () => {
    const d = join(base, 'empty');
    mkdirSync(d);
    const r = await cli('plot', d);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/empty: no traces\.csv or traces\.npy here/);
    noStack(r.err);
  });
  it('a malformed traces.csv names the line', async () => {
    const d = join(base, 'badcsv');
    mkdirSync(d);
    writeFileSync(join(d, 'traces.csv'), 't_ms,soma\n0,-65\n0.025,oops\n');
    const r = await cli('plot', d);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/traces\.csv:3: "oops" in column "soma" is not a number/);
  });
  it('run.json naming a morphology that is gone', async () => {
    const d = join(base, 'nomorph');
    mkdirSync(d);
    writeFileSync(join(d, 'traces.csv'), 't_ms,soma\n0,-65\n0.025,-64\n');
    writeFileSync(join(d, 'run.json'), JSON.stringify({ morphology: '/no/such/cell.swc', probes: [] }));
    const r = await cli('plot', d);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/run\.json: morphology "\/no\/such\/cell\.swc" not found/);
    expect(existsSync(join(d, 'traces.svg'))).toBe(true); // the traces figure needs no morphology
  });
  it('without run.json: traces.svg only, and a warning', async () => {
    const d = join(base, 'norun');
    mkdirSync(d);
    writeFileSync(join(d, 'traces.csv'), 't_ms,soma\n0,-65\n0.025,-64\n');
    const r = await cli('plot', d);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: .*no run\.json, so no shape\.svg/);
    expect(existsSync(join(d, 'traces.svg'))).toBe(true);
    expect(existsSync(join(d, 'shape.svg'))).toBe(false);
  });
  it('a bad --color', async () => {
    const r = await cli('plot', base, '--color', 'rainbow');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--color: "rainbow" is not one of distance, peak/);
  });
});
