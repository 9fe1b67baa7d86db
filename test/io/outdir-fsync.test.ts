/**
 * src/io/outdir.ts flushes a new output to disk before its name appears: every file and folder of
 * the hidden folder is fsync'd after its last write and before the rename that swaps it in, and
 * the folder holding the output after that rename. A power cut cannot be simulated here; what is
 * checked is the order of the real system calls, recorded through node:fs (every call still goes
 * to the real file system), and that the files are complete afterwards.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as realFs from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The calls that matter, in order: [what, path(s)]. */
const calls: string[][] = [];
const fdPath = new Map<number, string>();

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const pathOf = (f: unknown) => (typeof f === 'number' ? fdPath.get(f) ?? `fd${f}` : resolve(String(f)));
  return {
    ...fs,
    openSync: (p: realFs.PathLike, ...rest: unknown[]) => {
      const fd = (fs.openSync as (...a: unknown[]) => number)(p, ...rest);
      fdPath.set(fd, resolve(String(p)));
      return fd;
    },
    fsyncSync: (fd: number) => {
      calls.push(['fsync', pathOf(fd)]);
      return fs.fsyncSync(fd);
    },
    writeFileSync: (f: realFs.PathOrFileDescriptor, ...rest: unknown[]) => {
      calls.push(['write', pathOf(f)]);
      return (fs.writeFileSync as (...a: unknown[]) => void)(f, ...rest);
    },
    renameSync: (a: realFs.PathLike, b: realFs.PathLike) => {
      calls.push(['rename', resolve(String(a)), resolve(String(b))]);
      return fs.renameSync(a, b);
    },
    linkSync: (a: realFs.PathLike, b: realFs.PathLike) => {
      calls.push(['link', resolve(String(a)), resolve(String(b))]);
      return fs.linkSync(a, b);
    },
  };
});

const { STAMP_FILE, claimOutputDir, readStamp, writeFileAtomic, writeOutputDir } = await import('../../src/io/outdir.ts');
const { LedgerWriter, readLedgers } = await import('../../src/sweep/ledger.ts');

const RUN = { kind: 'run', version: '9.9.9' };
const fresh = () => mkdtempSync(join(tmpdir(), 'dendrite-fsync-'));
const idx = (pred: (c: string[]) => boolean, from = 0) => calls.findIndex((c, k) => k >= from && pred(c));
const lastIdx = (pred: (c: string[]) => boolean) => {
  for (let k = calls.length - 1; k >= 0; k--) if (pred(calls[k])) return k;
  return -1;
};

beforeEach(() => {
  calls.length = 0;
});

/** Files of the new output and where they are in the hidden folder, for a fill with a subfolder. */
const FILES: Record<string, string> = { 'traces.csv': 't,v\n0,-65\n'.repeat(2000), 'run.json': '{"samples": 2000}\n', 'sub/a.json': '[1,2,3]\n' };

function fill(tmp: string): void {
  mkdirSync(join(tmp, 'sub'));
  for (const [n, text] of Object.entries(FILES)) writeFileSync(join(tmp, n), text);
}

/** Every file and folder of the hidden folder is fsync'd after its last write and before `swapAt`. */
function expectFlushedBefore(tmp: string, swapAt: number): void {
  for (const name of [...Object.keys(FILES), STAMP_FILE]) {
    const p = join(tmp, name);
    const written = lastIdx((c) => c[0] === 'write' && c[1] === p || c[0] === 'rename' && c[2] === p);
    const synced = lastIdx((c) => c[0] === 'fsync' && c[1] === p);
    expect(written, `${name} written`).toBeGreaterThanOrEqual(0);
    expect(synced, `${name} fsync'd after its last write`).toBeGreaterThan(written);
    expect(synced, `${name} fsync'd before the swap`).toBeLessThan(swapAt);
  }
  // folders after what they hold: sub, then the hidden folder itself (its entries: the stamp's rename)
  const sub = lastIdx((c) => c[0] === 'fsync' && c[1] === join(tmp, 'sub'));
  const top = lastIdx((c) => c[0] === 'fsync' && c[1] === tmp);
  expect(sub).toBeGreaterThan(lastIdx((c) => c[0] === 'fsync' && c[1] === join(tmp, 'sub/a.json')));
  expect(top).toBeGreaterThan(lastIdx((c) => c[0] === 'rename' && c[2] === join(tmp, STAMP_FILE)));
  expect(top).toBeLessThan(swapAt);
}

describe('writeOutputDir flushes the new output before swapping it in', () => {
  it('into a new folder: files and folders fsync\'d, then the rename, then the parent folder', () => {
    const base = fresh();
    const out = join(base, 'out');
    writeOutputDir(out, RUN, fill);
    const swap = idx((c) => c[0] === 'rename' && c[2] === out);
    expect(swap).toBeGreaterThan(0);
    const tmp = calls[swap][1];
    expect(tmp).toMatch(/\/\.out\.partial-\d+-/);
    expectFlushedBefore(tmp, swap);
    expect(idx((c) => c[0] === 'fsync' && c[1] === base, swap)).toBeGreaterThan(swap);
    // complete
    for (const [n, text] of Object.entries(FILES)) expect(readFileSync(join(out, n), 'utf8')).toBe(text);
    expect(readStamp(out)!.files).toEqual(['run.json', 'sub', 'traces.csv']);
    expect(readdirSync(base)).toEqual(['out']);
  });

  it('replacing an output: flushed before the old one is moved aside; both renames flushed before the old one is removed', () => {
    const base = fresh();
    const out = join(base, 'out');
    writeOutputDir(out, RUN, (tmp) => writeFileSync(join(tmp, 'run.json'), '{"old": true}\n'));
    calls.length = 0;
    writeOutputDir(out, RUN, fill);
    const aside = idx((c) => c[0] === 'rename' && c[1] === out);
    const swap = idx((c) => c[0] === 'rename' && c[2] === out);
    expect(aside).toBeGreaterThanOrEqual(0);
    expect(swap).toBeGreaterThan(aside);
    expectFlushedBefore(calls[swap][1], aside);
    expect(idx((c) => c[0] === 'fsync' && c[1] === base, swap)).toBeGreaterThan(swap);
    expect(readFileSync(join(out, 'run.json'), 'utf8')).toBe(FILES['run.json']);
    expect(readdirSync(base)).toEqual(['out']);
  });
});

describe('single files and sweep folders', () => {
  it('writeFileAtomic: data fsync\'d before the rename, the folder after it', () => {
    const base = fresh();
    const p = join(base, 'x.json');
    writeFileAtomic(p, '{"a": 1}\n');
    const rename = idx((c) => c[0] === 'rename' && c[2] === p);
    const tmp = calls[rename][1];
    expect(idx((c) => c[0] === 'fsync' && c[1] === tmp)).toBeLessThan(rename);
    expect(idx((c) => c[0] === 'fsync' && c[1] === base, rename)).toBeGreaterThan(rename);
    expect(readFileSync(p, 'utf8')).toBe('{"a": 1}\n');
  });

  it('claimOutputDir: the stamp fsync\'d before it is linked into place, the folder and its parent after', () => {
    const base = fresh();
    const dir = join(base, 'sweep');
    claimOutputDir(dir, { kind: 'sweep', version: '9.9.9', files: ['ledger'] });
    const link = idx((c) => c[0] === 'link' && c[2] === join(dir, STAMP_FILE));
    expect(idx((c) => c[0] === 'fsync' && c[1] === calls[link][1])).toBeLessThan(link);
    expect(idx((c) => c[0] === 'fsync' && c[1] === dir, link)).toBeGreaterThan(link);
    expect(idx((c) => c[0] === 'fsync' && c[1] === base, link)).toBeGreaterThan(link);
    expect(readStamp(dir)!.kind).toBe('sweep');
  });

  it('a sweep ledger: its new name is flushed (ledger folder, sweep folder) before the first record is', () => {
    const dir = fresh();
    const w = new LedgerWriter(dir, { index: 0, count: 1 }, { inputs: [{ path: join(dir, 'none.swc'), what: 'the morphology' }] });
    w.append({ run: 0, status: 'ok', error: null, params: {}, measures: {}, wall_s: 0 });
    w.close();
    const header = idx((c) => c[0] === 'fsync' && c[1] === w.path);
    const record = idx((c) => c[0] === 'fsync' && c[1] === w.path, header + 1);
    expect(header).toBeGreaterThanOrEqual(0);
    expect(record).toBeGreaterThan(header);
    const folder = idx((c) => c[0] === 'fsync' && c[1] === join(dir, 'ledger'));
    expect(folder).toBeGreaterThanOrEqual(0);
    expect(folder).toBeLessThan(record);
    expect(idx((c) => c[0] === 'fsync' && c[1] === dir)).toBeLessThan(record);
    expect(readLedgers(dir).records.size).toBe(1);
  });
});
