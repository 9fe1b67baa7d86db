/**
 * `dendrite experiment list|run` through the CLI: in-process (cli/main.ts) for output and exit
 * statuses, and one real process run for the folder it writes.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { experiments } from '../../src/experiments/registry.ts';
import { runCli } from '../helpers/cli-process.ts';
import { parseProtocol } from '../../src/protocol/protocol.ts';

const NAMES = ['attenuation', 'impedance', 'branch-independence', 'na-spike', 'bac', 'bap', 'nmda-plateau', 'sequence-selectivity', 'dcaap-xor', 'two-layer', 'clustered-plasticity'];

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'dendrite', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const fresh = () => join(mkdtempSync(join(tmpdir(), 'dendrite-expcli-')), 'out');

describe('the registry', () => {
  it('names are unique, kebab-case, from issue 11\'s list, with a file set and a paper', () => {
    const all = experiments();
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map((e) => e.name)).size).toBe(all.length);
    for (const e of all) {
      expect(NAMES).toContain(e.name);
      expect(e.files).toBe(`fixtures/experiments/${e.name}`);
      expect(readdirSync(join(process.cwd(), e.files))).toContain('README.md');
      expect(e.reproduces.length).toBeGreaterThan(5);
      expect(e.summary.length).toBeGreaterThan(5);
    }
  });
});

describe('dendrite experiment list', () => {
  it('one line per experiment, then how to run one', async () => {
    const r = await cli('experiment', 'list');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    for (const e of experiments()) expect(lines.some((l) => l.startsWith(e.name + ' ') && l.includes(e.summary))).toBe(true);
    expect(r.out).toMatch(new RegExp(`${experiments().length} experiments; dendrite experiment run NAME --out DIR`));
  });
  it('--json: name, title, summary, reproduces', async () => {
    const r = await cli('experiment', 'list', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(experiments().map((e) => ({ name: e.name, title: e.title, summary: e.summary, reproduces: e.reproduces })));
  });
});

describe('dendrite experiment run', () => {
  it('an unknown name: exit 1, a suggestion and the list of names, no stack trace', async () => {
    const first = experiments()[0].name;
    const typo = first.slice(0, -1) + (first.endsWith('x') ? 'y' : 'x');
    const dir = fresh();
    const r = await cli('experiment', 'run', typo, '--out', dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`unknown experiment "${typo}" (did you mean "${first}"?)`);
    for (const e of experiments()) expect(r.err).toContain(e.name);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(readdirSync(join(dir, '..'))).toEqual([]);
  });
  it('--out is required', async () => {
    const r = await cli('experiment', 'run', experiments()[0].name);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--out <dir>/);
  });
  it('--help says what it writes and the exit status', async () => {
    const r = await cli('experiment', 'run', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/results\.json/);
    expect(r.out).toMatch(/--quick/);
    expect(r.out).toMatch(/Exit 0 when it ran/);
    expect((await cli('experiment', '--help')).out).toMatch(/list[\s\S]*run/);
  });
  it('refuses a non-empty folder it did not write, and leaves it alone', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = await cli('experiment', 'run', 'attenuation', '--quick', '--out', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/notes\.txt|not empty|did not write/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });
  it('a real process: runs attenuation --quick into a fresh folder; summary on stdout, progress on stderr', async () => {
    const dir = fresh();
    const r = await runCli(['experiment', 'run', 'attenuation', '--quick', '--out', dir]);
    expect(r.stderr).toMatch(/^attenuation: running \(--quick\)/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^attenuation: \d+ checks, \d+ within the published range/);
    const j = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(j.experiment).toBe('attenuation');
    expect(j.quick).toBe(true);
    expect(j.checks.length).toBeGreaterThan(0);
    for (const c of j.checks) {
      expect(Object.keys(c)).toEqual(['name', 'value', 'unit', 'range', 'source', 'pass']);
      expect(r.stdout).toContain(`${c.pass ? 'ok     ' : 'OUTSIDE'}  ${c.name}: `);
    }
    expect(j.all_checks_pass).toBe(j.checks.every((c: { pass: boolean }) => c.pass));
    const top = readdirSync(dir).sort();
    for (const f of j.figures) expect(top).toContain(f);
    expect(readdirSync(join(dir, 'protocols')).sort()).toEqual([...j.protocols].sort());
    // every protocol written is a valid protocol (its files by absolute path)
    for (const p of j.protocols) parseProtocol(JSON.parse(readFileSync(join(dir, 'protocols', p), 'utf8')), join(dir, 'protocols', p));
  });
});
