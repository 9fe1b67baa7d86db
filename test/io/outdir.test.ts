/** src/io/outdir.ts: output folders that never lose a user's data, and recovery after a killed write. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/errors.ts';
import {
  STAMP_FILE, assertSafeOutputTarget, claimOutputDir, fsUserError, newStamp, openOutputUpdate, prepareOutputTarget,
  readStamp, recoverOutputTarget, settleInterrupted, writeOutputDir, writeOutputFile, writeStamp, type OutputStamp,
} from '../../src/io/outdir.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'dendrite-outdir-'));
const RUN = { kind: 'run', version: '9.9.9' };
const ls = (d: string) => readdirSync(d).sort();

/** A pid that is surely not running: a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

/** What `fill` writes in these tests. */
function fillWith(files: Record<string, string>) {
  return (tmp: string) => {
    for (const [n, text] of Object.entries(files)) writeFileSync(join(tmp, n), text);
  };
}

function expectUserError(f: () => unknown, re: RegExp): void {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UserError);
  expect((err as Error).message).toMatch(re);
}

describe('writeOutputDir', () => {
  it('creates the folder with a stamp listing exactly what it wrote, and nothing else beside it', () => {
    const base = fresh();
    const out = join(base, 'a', 'out');
    const files = writeOutputDir(out, RUN, fillWith({ 'traces.csv': 't_ms\n0\n', 'run.json': '{}' }));
    expect(files).toEqual(['run.json', 'traces.csv']);
    expect(ls(out)).toEqual([STAMP_FILE, 'run.json', 'traces.csv']);
    const s = readStamp(out)!;
    expect(s).toMatchObject({ kind: 'run', dendrite_version: '9.9.9', files: ['run.json', 'traces.csv'], host: hostname(), pid: process.pid });
    expect(ls(join(base, 'a'))).toEqual(['out']);
  });

  it('replaces a previous output as a whole: files the new one does not have are gone', () => {
    const base = fresh();
    const out = join(base, 'out');
    writeOutputDir(out, RUN, fillWith({ 'traces.csv': 'old', 'traces.npy': 'old' }));
    writeOutputDir(out, RUN, fillWith({ 'traces.csv': 'new' }));
    expect(ls(out)).toEqual([STAMP_FILE, 'traces.csv']);
    expect(readFileSync(join(out, 'traces.csv'), 'utf8')).toBe('new');
    expect(ls(base)).toEqual(['out']);
  });

  it('a failing fill leaves the previous output and no hidden folder', () => {
    const base = fresh();
    const out = join(base, 'out');
    writeOutputDir(out, RUN, fillWith({ 'traces.csv': 'old' }));
    expect(() => writeOutputDir(out, RUN, (tmp) => {
      writeFileSync(join(tmp, 'traces.csv'), 'half');
      throw new UserError('stop here');
    })).toThrow('stop here');
    expect(readFileSync(join(out, 'traces.csv'), 'utf8')).toBe('old');
    expect(ls(base)).toEqual(['out']);
  });

  it('an fs error while filling (here EISDIR) becomes a UserError naming the folder', () => {
    const base = fresh();
    const out = join(base, 'out');
    expectUserError(() => writeOutputDir(out, RUN, (tmp) => {
      mkdirSync(join(tmp, 'traces.csv'));
      writeFileSync(join(tmp, 'traces.csv'), 'x');
    }), /out: cannot write the outputs: it is a folder \(EISDIR\)/);
    expect(ls(base)).toEqual([]);
  });

  it('a folder that changed while computing is checked again before the swap', () => {
    const base = fresh();
    const out = join(base, 'out');
    writeOutputDir(out, RUN, fillWith({ 'traces.csv': 'old' }));
    expectUserError(() => writeOutputDir(out, RUN, (tmp) => {
      writeFileSync(join(out, 'notes.txt'), 'mine'); // the user saves a file there meanwhile
      writeFileSync(join(tmp, 'traces.csv'), 'new');
    }), /notes\.txt was added since/);
    expect(ls(out)).toEqual([STAMP_FILE, 'notes.txt', 'traces.csv']);
    expect(ls(base)).toEqual(['out']);
  });
});

describe('assertSafeOutputTarget', () => {
  it('absent and empty folders are fine', () => {
    const base = fresh();
    expect(assertSafeOutputTarget(join(base, 'x', 'y'), RUN).state).toBe('absent');
    mkdirSync(join(base, 'e'));
    expect(assertSafeOutputTarget(join(base, 'e'), RUN).state).toBe('empty');
  });

  it('refuses a non-empty folder Dendrite did not write, naming what is in it; --overwrite accepts it', () => {
    const base = fresh();
    const d = join(base, 'mydata');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'notes.txt'), 'mine');
    expectUserError(() => assertSafeOutputTarget(d, RUN), /mydata: this folder is not empty \(notes\.txt, sub\) and was not written by Dendrite/);
    expect(assertSafeOutputTarget(d, { ...RUN, overwrite: true })).toMatchObject({ state: 'output', overwriting: true });
  });

  it('refuses a stamped folder holding entries the stamp does not list, naming them', () => {
    const base = fresh();
    const d = join(base, 'out');
    writeOutputDir(d, RUN, fillWith({ 'traces.csv': 'x' }));
    writeFileSync(join(d, 'notes.txt'), 'mine');
    mkdirSync(join(d, 'analysis'));
    expectUserError(() => assertSafeOutputTarget(d, RUN), /analysis, notes\.txt were added since, not by Dendrite/);
  });

  it('refuses a folder of another kind (a sweep) for a run', () => {
    const base = fresh();
    const d = join(base, 'sw');
    claimOutputDir(d, { kind: 'sweep', version: '1' });
    expectUserError(() => assertSafeOutputTarget(d, RUN), /a Dendrite sweep folder, not a run output/);
  });

  it('refuses a file, even with overwrite', () => {
    const base = fresh();
    const f = join(base, 'p.json');
    writeFileSync(f, '{}');
    expectUserError(() => assertSafeOutputTarget(f, { ...RUN, overwrite: true, inputs: [{ path: f, what: 'the protocol file' }] }), /this is the protocol file .*not a folder/);
    expectUserError(() => assertSafeOutputTarget(f, RUN), /this is a file, not a folder/);
  });

  it('refuses a path below a file (was EEXIST from mkdir)', () => {
    const base = fresh();
    writeFileSync(join(base, 'f'), 'x');
    expectUserError(() => assertSafeOutputTarget(join(base, 'f', 'a', 'b'), RUN), /f is a file, so no folder can be created below it/);
  });

  it('refuses the current folder and the folders above it, even with overwrite', () => {
    const cwd = process.cwd();
    expectUserError(() => assertSafeOutputTarget('.', { ...RUN, overwrite: true }), /this is the current folder/);
    expectUserError(() => assertSafeOutputTarget(cwd, { ...RUN, overwrite: true }), /this is the current folder/);
    expectUserError(() => assertSafeOutputTarget('..', { ...RUN, overwrite: true }), /holds the current folder/);
    expectUserError(() => assertSafeOutputTarget('/', { ...RUN, overwrite: true }), /holds the current folder/);
  });

  it('refuses a folder holding an input (deep inside too), even with overwrite', () => {
    const base = fresh();
    mkdirSync(join(base, 'cells', 'deep'), { recursive: true });
    const swc = join(base, 'cells', 'deep', 'cell.swc');
    writeFileSync(swc, '');
    const inputs = [{ path: swc, what: 'the morphology' }];
    expectUserError(() => assertSafeOutputTarget(join(base, 'cells'), { ...RUN, inputs, overwrite: true }), /this folder holds the morphology \(.*cell\.swc\)/);
    expectUserError(() => assertSafeOutputTarget(join(base, 'cells', 'deep'), { ...RUN, inputs: [swc] }), /holds an input of this command/);
  });

  it('follows a symbolic link to a folder and checks the folder it names', () => {
    const base = fresh();
    mkdirSync(join(base, 'real'));
    writeFileSync(join(base, 'real', 'notes.txt'), 'mine');
    symlinkSync(join(base, 'real'), join(base, 'link'));
    expectUserError(() => assertSafeOutputTarget(join(base, 'link'), RUN), /not empty \(notes\.txt\)/);
    symlinkSync(join(base, 'nowhere'), join(base, 'dangling'));
    expectUserError(() => assertSafeOutputTarget(join(base, 'dangling'), RUN), /cannot follow the symbolic link: no such file or folder \(ENOENT\)/);
  });

  it('names too long for the file system, or for the temporary name beside them', () => {
    const base = fresh();
    expectUserError(() => assertSafeOutputTarget(join(base, 'a'.repeat(300)), RUN), /300 bytes long; file systems allow at most 255 \(ENAMETOOLONG\)/);
    expectUserError(() => assertSafeOutputTarget(join(base, 'a'.repeat(250)), RUN), /250 bytes long; Dendrite writes a temporary folder beside it first, so it must be at most \d+ bytes/);
    // the longest accepted name really works
    const most = Number(/at most (\d+) bytes/.exec((() => {
      try {
        assertSafeOutputTarget(join(base, 'a'.repeat(250)), RUN);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })())![1]);
    const longest = join(base, 'é'.repeat(Math.floor(most / 2)));
    writeOutputDir(longest, RUN, fillWith({ 'traces.csv': 'x' }));
    writeOutputDir(longest, RUN, fillWith({ 'traces.csv': 'y' }));
    expect(readFileSync(join(longest, 'traces.csv'), 'utf8')).toBe('y');
  });

  it('an older run folder without a stamp (only run files, run.json of Dendrite) is recognised', () => {
    const base = fresh();
    const d = join(base, 'old');
    mkdirSync(d);
    writeFileSync(join(d, 'run.json'), JSON.stringify({ dendrite_version: '0.0.9' }));
    writeFileSync(join(d, 'traces.csv'), 't_ms\n');
    writeFileSync(join(d, 'traces.svg'), '<svg/>');
    expect(assertSafeOutputTarget(d, RUN)).toMatchObject({ state: 'output', overwriting: false });
    writeFileSync(join(d, 'notes.txt'), 'mine');
    expectUserError(() => assertSafeOutputTarget(d, RUN), /not empty/);
  });
});

if (process.getuid?.() === 0) console.log('outdir: the EACCES check is skipped: running as root, who may write into any folder');

describe('fs errors become UserErrors naming the path and the reason', () => {
  it('maps the codes', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(fsUserError(err('EACCES'), '/x/out', 'create the folder').message).toBe('/x/out: cannot create the folder: permission denied (EACCES)');
    expect(fsUserError(err('ENOSPC'), 'o', 'write').message).toBe('o: cannot write: no space left on the device (ENOSPC)');
    expect(fsUserError(err('EWHATEVER'), 'o', 'write')).toBeInstanceOf(UserError);
    const bug = new TypeError('a bug');
    expect(fsUserError(bug, 'o', 'write')).toBe(bug);
  });

  it.skipIf(process.getuid?.() === 0)('a folder we may not write into (EACCES)', () => {
    const base = fresh();
    const ro = join(base, 'ro');
    mkdirSync(ro, { mode: 0o555 });
    expectUserError(() => writeOutputDir(join(ro, 'out'), RUN, fillWith({ a: 'b' })), /ro\/out: cannot create a folder beside it: permission denied \(EACCES\)/);
  });
});

describe('recovery after a process was killed while writing (SIGKILL, power loss)', () => {
  /** Build the state a killed writer leaves: target T, its hidden siblings, stamps. */
  function killedAt(stage: 'filling' | 'aside' | 'swapped', pid: number) {
    const base = fresh();
    const out = join(base, 'out');
    writeOutputDir(out, RUN, fillWith({ 'traces.csv': 'old' }));
    const id = `${pid}-abc1`;
    const partial = join(base, `.out.partial-${id}`);
    const aside = join(base, `.out.old-${id}`);
    mkdirSync(partial);
    const st: OutputStamp = { ...newStamp('run', '1'), pid, files: ['traces.csv'], aside: `.out.old-${id}` };
    writeStamp(partial, st);
    writeFileSync(join(partial, 'traces.csv'), stage === 'filling' ? 'ha' : 'new');
    if (stage !== 'filling') renameSync(out, aside);
    if (stage === 'swapped') renameSync(partial, out);
    return { base, out, partial, aside };
  }

  it('killed while filling: the unfinished folder is removed, the output stays', () => {
    const { base, out } = killedAt('filling', deadPid());
    expect(recoverOutputTarget(out)).toEqual([expect.stringMatching(/removed \.out\.partial-\d+-abc1, an unfinished output/)]);
    expect(ls(base)).toEqual(['out']);
    expect(readFileSync(join(out, 'traces.csv'), 'utf8')).toBe('old');
  });

  it('killed between the two renames: the previous output is put back', () => {
    const { base, out } = killedAt('aside', deadPid());
    expect(existsSync(out)).toBe(false);
    const done = recoverOutputTarget(out);
    expect(done[0]).toMatch(/restored .*out from \.out\.old-/);
    expect(ls(base)).toEqual(['out']);
    expect(readFileSync(join(out, 'traces.csv'), 'utf8')).toBe('old');
    expect(assertSafeOutputTarget(out, RUN).state).toBe('output');
  });

  it('killed before removing the previous output: it is removed, the new one stays', () => {
    const { base, out } = killedAt('swapped', deadPid());
    recoverOutputTarget(out);
    expect(ls(base)).toEqual(['out']);
    expect(readFileSync(join(out, 'traces.csv'), 'utf8')).toBe('new');
  });

  it('leaves alone: a live writer, a folder without a stamp holding other files, a stamp of another pid', () => {
    const live = killedAt('aside', process.pid);
    expect(recoverOutputTarget(live.out)).toEqual([]);
    expect(ls(live.base).length).toBe(2);

    const base = fresh();
    const pid = deadPid();
    mkdirSync(join(base, `.out.partial-${pid}-x`));
    writeFileSync(join(base, `.out.partial-${pid}-x`, 'thesis.tex'), 'mine');
    mkdirSync(join(base, `.out.partial-${pid}-y`));
    writeStamp(join(base, `.out.partial-${pid}-y`), { ...newStamp('run', '1'), pid: pid + 1 });
    mkdirSync(join(base, `.out.old-${pid}-z`)); // nothing names it
    expect(recoverOutputTarget(join(base, 'out'))).toEqual([]);
    expect(ls(base).length).toBe(3);
  });

  it('an unfinished folder of the format before stamps (only run files) is removed', () => {
    const base = fresh();
    const p = join(base, `.out.partial-${deadPid()}-1764650000000`);
    mkdirSync(p);
    writeFileSync(join(p, 'traces.csv'), 't_ms\n');
    prepareOutputTarget(join(base, 'out'), RUN);
    expect(ls(base)).toEqual([]);
  });
});

describe('settleInterrupted: what the signal handler does at each stage', () => {
  it('while filling: removes the unfinished folder', () => {
    const base = fresh();
    const tmp = join(base, '.out.partial-1-a');
    mkdirSync(tmp);
    writeFileSync(join(tmp, 'traces.csv'), 'ha');
    expect(settleInterrupted({ state: 'writing', target: join(base, 'out'), tmp, aside: null, shown: 'out' })).toBe('old');
    expect(ls(base)).toEqual([]);
  });

  it('between the renames and after them: finishes the swap', () => {
    for (const both of [false, true]) {
      const base = fresh();
      const out = join(base, 'out');
      const tmp = join(base, '.out.partial-1-a');
      const aside = join(base, '.out.old-1-a');
      mkdirSync(aside);
      writeFileSync(join(aside, 'traces.csv'), 'old');
      mkdirSync(tmp);
      writeFileSync(join(tmp, 'traces.csv'), 'new');
      if (both) renameSync(tmp, out);
      expect(settleInterrupted({ state: 'swapping', target: out, tmp, aside, shown: 'out' })).toBe('new');
      expect(ls(base)).toEqual(['out']);
      expect(readFileSync(join(out, 'traces.csv'), 'utf8')).toBe('new');
    }
  });
});

describe('files added to an existing output folder (dendrite plot)', () => {
  it('writeOutputFile lists the file in the stamp and writes it whole', () => {
    const base = fresh();
    const out = join(base, 'out');
    writeOutputDir(out, RUN, fillWith({ 'traces.csv': 'x' }));
    writeOutputFile(out, 'traces.svg', '<svg/>');
    writeOutputFile(out, 'traces.svg', '<svg>2</svg>');
    expect(readStamp(out)!.files).toEqual(['traces.csv', 'traces.svg']);
    expect(ls(out)).toEqual([STAMP_FILE, 'traces.csv', 'traces.svg']);
    expect(assertSafeOutputTarget(out, RUN).overwriting).toBe(false); // the figure is not an extra
  });

  it('writeOutputFile never overwrites a file in a folder Dendrite did not write', () => {
    const base = fresh();
    writeFileSync(join(base, 'traces.svg'), 'mine');
    expectUserError(() => writeOutputFile(base, 'traces.svg', '<svg/>'), /did not write this file/);
    expect(readFileSync(join(base, 'traces.svg'), 'utf8')).toBe('mine');
  });

  it('openOutputUpdate refuses a figure the user put in a stamped folder, and records new ones', () => {
    const base = fresh();
    const out = join(base, 'out');
    const isFigure = (n: string) => n.endsWith('.svg');
    writeOutputDir(out, RUN, fillWith({ 'traces.csv': 'x' }));
    const u = openOutputUpdate(out, isFigure);
    writeFileSync(join(out, 'shape.svg'), '<svg/>');
    u.done();
    expect(readStamp(out)!.files).toEqual(['shape.svg', 'traces.csv']);
    writeFileSync(join(out, 'traces.svg'), 'mine');
    expectUserError(() => openOutputUpdate(out, isFigure), /traces\.svg was not written by Dendrite; not overwriting/);
  });
});

describe('claimOutputDir (persistent folders: sweeps)', () => {
  it('creates the folder and its stamp once; later claims get the same stamp', () => {
    const base = fresh();
    const d = join(base, 'sweep1');
    const a = claimOutputDir(d, { kind: 'sweep', version: '1', files: ['ledger'] });
    const b = claimOutputDir(d, { kind: 'sweep', version: '1' });
    expect(b).toEqual(a);
    expect(a.files).toEqual(['ledger']);
    expect(ls(d)).toEqual([STAMP_FILE]);
  });

  it('refuses a run folder and a foreign folder', () => {
    const base = fresh();
    writeOutputDir(join(base, 'run'), RUN, fillWith({ 'traces.csv': 'x' }));
    expectUserError(() => claimOutputDir(join(base, 'run'), { kind: 'sweep', version: '1' }), /a Dendrite run folder, not a sweep output/);
    mkdirSync(join(base, 'mine'));
    writeFileSync(join(base, 'mine', 'a.txt'), '');
    expectUserError(() => claimOutputDir(join(base, 'mine'), { kind: 'sweep', version: '1' }), /not empty/);
  });

  it('many processes claiming at once write one stamp', async () => {
    const base = fresh();
    const d = join(base, 'sw');

    const code = `import { claimOutputDir } from ${JSON.stringify(join(import.meta.dirname, '../../src/io/outdir.ts'))};
      process.stdout.write(JSON.stringify(claimOutputDir(${JSON.stringify(d)}, { kind: 'sweep', version: '1' })));`;

    const { spawn } = await import('node:child_process');
    const outs = await Promise.all([0, 1, 2].map(() => new Promise<string>((res, rej) => {
      const c = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      let s = '';
      c.stdout.on('data', (b) => (s += b));
      c.on('close', (rc) => (rc === 0 ? res(s) : rej(new Error(`exit ${rc}`))));
    })));
    const stamps = outs.map((s) => JSON.parse(s));
    expect(new Set(stamps.map((s) => `${s.pid} ${s.created}`)).size).toBe(1);
    expect(ls(d)).toEqual([STAMP_FILE]);
  }, 60_000);
});
