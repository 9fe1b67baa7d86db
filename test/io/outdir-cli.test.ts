/**
 * `dendrite run --out`: what users hit (issue 8). It never removes or overwrites anything Dendrite did
 * not write; bad targets are refused with exit 1, one message naming the path, no stack trace.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { STAMP_FILE, readStamp } from '../../src/io/outdir.ts';
import { ROOT, runCli } from '../helpers/cli-process.ts';

const SWC = join(ROOT, 'fixtures/morphologies/ball_and_stick.swc');

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'dendrite', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A small fast protocol in a fresh folder; `morphology` defaults to the fixture (absolute path). */
function setup(morphology = SWC, extra: Record<string, unknown> = {}) {
  const base = mkdtempSync(join(tmpdir(), 'dendrite-out-'));
  const p = JSON.parse(readFileSync(join(ROOT, 'fixtures/protocols/ramp_ball_and_stick.json'), 'utf8'));
  p.morphology = morphology;
  p.run.tstop_ms = 20;
  Object.assign(p, extra);
  const protocol = join(base, 'p.json');
  writeFileSync(protocol, JSON.stringify(p));
  return { base, protocol };
}

/** Everything under `dir`, with contents, to show a folder was not touched. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) {
        out[rel + n + '/'] = '';
        walk(p, rel + n + '/');
      } else out[rel + n] = readFileSync(p, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

function refused(r: { code: number; err: string }, re: RegExp) {
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^dendrite: error: /);
  expect(r.err).toMatch(re);
  expect(r.err.split('\n').length).toBe(1);
  expect(r.err).not.toMatch(/\n\s+at /);
}

describe('dendrite run --out refuses what is not its to replace', () => {
  it('a non-empty folder Dendrite did not write (notes.txt and a subfolder survive)', async () => {
    const { base, protocol } = setup();
    const d = join(base, 'mydata');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'notes.txt'), 'my notes');
    writeFileSync(join(d, 'sub', 'x.csv'), '1,2');
    const before = snapshot(base);
    refused(await cli('run', protocol, '--out', d), /--out .*mydata: this folder is not empty \(notes\.txt, sub\) and was not written by Dendrite/);
    expect(snapshot(base)).toEqual(before);
  });

  it('the folder holding the protocol', async () => {
    const { base, protocol } = setup();
    const before = snapshot(base);
    refused(await cli('run', protocol, '--out', base), /this folder holds the protocol file \(.*p\.json\)/);
    refused(await cli('run', protocol, '--out', base, '--overwrite'), /holds the protocol file/);
    expect(snapshot(base)).toEqual(before);
  });

  it('the folder holding the morphology', async () => {
    const cells = mkdtempSync(join(tmpdir(), 'dendrite-cells-'));
    copyFileSync(SWC, join(cells, 'cell.swc'));
    const { protocol } = setup(join(cells, 'cell.swc'));
    refused(await cli('run', protocol, '--out', cells, '--overwrite'), /this folder holds the morphology \(.*cell\.swc\)/);
    expect(readdirSync(cells)).toEqual(['cell.swc']);
  });

  it('the folder holding a waveform file the protocol reads', async () => {
    const w = mkdtempSync(join(tmpdir(), 'dendrite-wave-'));
    writeFileSync(join(w, 'i.csv'), 't_ms,i_nA\n0,0\n5,0.01\n10,0\n');
    const { protocol } = setup(SWC, { stimuli: [{ type: 'waveform', at: 'soma[0](0.5)', file: join(w, 'i.csv') }], record: [{ label: 'soma', at: 'soma[0](0.5)' }] });
    refused(await cli('run', protocol, '--out', w, '--overwrite'), /holds a waveform file of the protocol \(.*i\.csv\)/);
    expect(readdirSync(w)).toEqual(['i.csv']);
  });

  it('--out p.json: the protocol file stays a file', async () => {
    const { protocol } = setup();
    const text = readFileSync(protocol, 'utf8');
    refused(await cli('run', protocol, '--out', protocol, '--overwrite'), /p\.json: this is the protocol file .*not a folder/);
    expect(readFileSync(protocol, 'utf8')).toBe(text);
  });

  it('a folder below an existing file (was EEXIST with a stack trace)', async () => {
    const { base, protocol } = setup();
    writeFileSync(join(base, 'results'), 'a file');
    refused(await cli('run', protocol, '--out', join(base, 'results', 'run1')), /results is a file, so no folder can be created below it/);
    expect(readFileSync(join(base, 'results'), 'utf8')).toBe('a file');
  });

  it('a 300-character name (was ENAMETOOLONG with a stack trace)', async () => {
    const { base, protocol } = setup();
    refused(await cli('run', protocol, '--out', join(base, 'r'.repeat(300))), /is 300 bytes long; file systems allow at most 255 \(ENAMETOOLONG\)/);
    expect(readdirSync(base)).toEqual(['p.json']);
  });

  it('--out . and --out .. (the current folder and the one above it), as a real process', async () => {
    const { base } = setup();
    const sub = join(base, 'work');
    mkdirSync(sub);
    writeFileSync(join(sub, 'notes.txt'), 'mine');
    copyFileSync(join(base, 'p.json'), join(sub, 'p.json'));
    const before = snapshot(base);
    const dot = await runCli(['run', 'p.json', '--out', '.', '--overwrite'], { cwd: sub });
    expect(dot.code, dot.stderr).toBe(1);
    expect(dot.stderr).toMatch(/^dendrite: error: --out \.: this is the current folder; Dendrite will not replace it/);
    expect(dot.stderr.trim().split('\n').length).toBe(1);
    const up = await runCli(['run', 'p.json', '--out', '..', '--overwrite'], { cwd: sub });
    expect(up.code, up.stderr).toBe(1);
    expect(up.stderr).toMatch(/--out \.\.: this folder holds the current folder/);
    expect(snapshot(base)).toEqual(before);
  }, 60_000);
});

describe('dendrite run --out replaces its own outputs', () => {
  it('a previous output is replaced as a whole; the stamp lists exactly the files', async () => {
    const { base, protocol } = setup();
    const out = join(base, 'out');
    expect((await cli('run', protocol, '--out', out, '--format', 'csv,npy', '-q')).code).toBe(0);
    expect(readStamp(out)!.files).toEqual(['run.json', 'spikes.csv', 'traces.csv', 'traces.npy', 'traces.npy.json']);
    const first = readStamp(out)!.created;
    const r = await cli('run', protocol, '--out', out, '--format', 'json', '-q');
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(out).sort()).toEqual([STAMP_FILE, 'run.json', 'spikes.csv', 'traces.json']);
    expect(readStamp(out)).toMatchObject({ kind: 'run', files: ['run.json', 'spikes.csv', 'traces.json'] });
    expect(readStamp(out)!.created).not.toBe(first);
    expect(readdirSync(base).sort()).toEqual(['out', 'p.json']); // no hidden folder left beside it
  });

  it('an empty folder is used', async () => {
    const { base, protocol } = setup();
    mkdirSync(join(base, 'empty'));
    expect((await cli('run', protocol, '--out', join(base, 'empty'), '-q')).code).toBe(0);
    expect(existsSync(join(base, 'empty', 'traces.csv'))).toBe(true);
  });

  it('a previous output the user added files to is refused, naming them; nothing is deleted', async () => {
    const { base, protocol } = setup();
    const out = join(base, 'out');
    expect((await cli('run', protocol, '--out', out, '-q')).code).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'my analysis');
    mkdirSync(join(out, 'figs'));
    const before = snapshot(out);
    refused(await cli('run', protocol, '--out', out), /a previous Dendrite output, but figs, notes\.txt were added since, not by Dendrite; refusing to replace the folder/);
    expect(snapshot(out)).toEqual(before);
  });

  it('--overwrite replaces a folder Dendrite did not write, or one with added files', async () => {
    const { base, protocol } = setup();
    const d = join(base, 'mydata');
    mkdirSync(d);
    writeFileSync(join(d, 'notes.txt'), 'x');
    const r = await cli('run', protocol, '--out', d, '--overwrite', '-q');
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(d).sort()).toEqual([STAMP_FILE, 'run.json', 'spikes.csv', 'traces.csv']);
    writeFileSync(join(d, 'notes.txt'), 'x');
    expect((await cli('run', protocol, '--out', d, '--overwrite', '-q')).code).toBe(0);
    expect(existsSync(join(d, 'notes.txt'))).toBe(false);
    expect(readdirSync(base).sort()).toEqual(['mydata', 'p.json']);
  });

  it('--plot: the figures are part of the output and listed in the stamp; plot keeps the list current', async () => {
    const { base, protocol } = setup();
    const out = join(base, 'out');
    const r = await cli('run', protocol, '--out', out, '--plot', '-q');
    expect(r.code, r.err).toBe(0);
    expect(readStamp(out)!.files).toEqual(expect.arrayContaining(['traces.svg', 'traces_nA.svg', 'shape.svg']));
    expect((await cli('plot', out, '-q')).code).toBe(0);
    expect((await cli('run', protocol, '--out', out, '-q')).code).toBe(0); // the figures are not "added since"
    expect(existsSync(join(out, 'shape.svg'))).toBe(false);
  });

  it('dendrite plot never overwrites a figure the user put in a run folder', async () => {
    const { base, protocol } = setup();
    const out = join(base, 'out');
    expect((await cli('run', protocol, '--out', out, '-q')).code).toBe(0);
    writeFileSync(join(out, 'shape.svg'), 'my drawing');
    refused(await cli('plot', out), /shape\.svg was not written by Dendrite; not overwriting/);
    expect(readFileSync(join(out, 'shape.svg'), 'utf8')).toBe('my drawing');
  });
});
