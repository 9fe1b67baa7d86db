import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { sweepSvg } from '../../src/io/svg/sweep.ts';
import { sweep } from '../../src/sweep/index.ts';
import { smallSweep, tempDir } from './helpers.ts';

describe('sweep figure', () => {
  // two parameters, 3 x 4, two repeats; the measure is a + 10 b, so the heatmap rises both ways
  const a = [1, 2, 3], b = ['x', 'y', 'z', 'w'];
  const data: Record<string, (number | string | null)[]> = { a: [], b: [], m: [], status: [] };
  for (const av of a) for (let k = 0; k < b.length; k++) for (let rep = 0; rep < 2; rep++) {
    data.a.push(av);
    data.b.push(b[k]);
    data.m.push(av === 3 && k === 3 ? null : av + 10 * k + rep);
    data.status.push('ok');
  }
  const svg = sweepSvg({ title: 't', parameters: [{ name: 'a' }, { name: 'b' }], measures: [{ name: 'm', unit: 'mV' }], data, rows: 24 });

  it('one line per value of the first parameter, every run a dot, a heatmap cell per pair', () => {
    expect(svg.match(/<polyline/g)!.length).toBe(3);
    expect(svg.match(/<circle/g)!.length).toBe(22); // 24 runs, 2 without a value
    const cells = [...svg.matchAll(/<rect [^>]*fill="(#[0-9a-f]{6})"><title>([^<]*)<\/title>/g)];
    expect(cells.length).toBe(12);
    // the mean over repeats: a=1, b=y (k=1) is 11.5; the missing pair is grey
    expect(cells.some((c) => c[2] === 'a=1, b=y: 11.5')).toBe(true);
    expect(cells.find((c) => c[2] === 'a=3, b=w: no value')![1]).toBe('#dddddd');
    expect(svg).toContain('m (mV)');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('dendrite plot DIR on a sweep folder writes DIR/sweep.svg', async () => {
    const dir = tempDir('sweep-plot-');
    const out = join(dir, 'out');
    await sweep(smallSweep(dir, { amps: [0, 0.1, 0.2] }), { out, jobs: 2 });
    const err: string[] = [];
    const code = await main(['node', 'dendrite', 'plot', out], { out: () => {}, err: (s) => err.push(s) });
    expect(code, err.join('\n')).toBe(0);
    expect(err).toEqual([`wrote ${join(out, 'sweep.svg')}`]);
    const s = readFileSync(join(out, 'sweep.svg'), 'utf8');
    expect(s).toContain('n_spikes over gna × amp');
    expect(existsSync(join(out, 'traces.svg'))).toBe(false);
  }, 120_000);
});
