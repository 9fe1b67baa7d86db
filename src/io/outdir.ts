/**
 * Output folders that never lose a user's data.
 *
 * Every folder Dendrite writes holds a stamp, `.dendrite-output.json`:
 *
 *     {"kind": "run", "dendrite_version": "0.1.0", "created": "2026-…Z", "host": "…", "pid": 123,
 *      "files": ["run.json", "spikes.csv", "traces.csv"]}
 *
 * `files` names every top-level entry Dendrite wrote there (a listed folder counts as Dendrite's
 * whole). Dendrite replaces or removes only what a stamp says it wrote; anything else in the way is
 * refused with a UserError (exit 1) that names it.
 *
 * The API (`dendrite run`, `dendrite plot`, `dendrite sweep` use it):
 *
 * - `writeOutputDir(dir, opts, fill)`: write a whole folder at once (`dendrite run --out`). `fill`
 *   writes into a fresh hidden folder `.NAME.partial-PID-T` beside `dir`; when it returns, the
 *   folder is stamped and swapped in: the previous output is renamed to `.NAME.old-PID-T`, the new
 *   one renamed to `dir`, the old one removed. Before the swap every file and folder of the new
 *   output is flushed to disk (fsync), and the folder holding `dir` after it, so that a crash or a
 *   power loss at any moment leaves the old output or the complete new one, never a folder whose
 *   files are empty or cut short (most file systems may otherwise commit the rename before the
 *   data). SIGINT/SIGTERM/SIGHUP are caught for the length of
 *   the swap: the handler finishes or rolls back and exits 128+signal with one line on stderr. A
 *   process killed outright (SIGKILL, power loss) leaves hidden folders that the next
 *   `prepareOutputTarget` of the same `dir` restores or removes (they are recognised by name, the
 *   stamp inside and a dead PID on this host).
 * - `assertSafeOutputTarget(dir, {kind, inputs, overwrite, flag})`: may `dir` be (re)written?
 *   Changes nothing on disk. Refused always: a file, the current folder or one holding it, the home
 *   folder or one holding it, `/`, a folder holding one of `inputs` (protocol, morphology,
 *   mechanism files, waveform CSVs, ...), a path below a file, a name too long. Refused unless
 *   `overwrite`: a non-empty folder without a stamp of `kind`, a stamped folder holding entries the
 *   stamp does not list (named in the message). Returns what is there (absent, empty, output).
 * - `prepareOutputTarget(dir, opts)`: `recoverOutputTarget` then `assertSafeOutputTarget`; call it
 *   before a long computation so a refusal comes at once.
 * - `claimOutputDir(dir, opts)`: persistent folders that are filled over time and resumed
 *   (`dendrite sweep --out`): creates `dir` with its stamp, race-free when several processes start
 *   at once, or returns the stamp already there (same kind, no foreign entries).
 * - `writeOutputFile(dir, name, data)`: add or replace one file of a stamped folder atomically
 *   (temp file + rename; the stamp lists the name before the file appears).
 *   `openOutputUpdate(dir, isOurs)` is for code that writes the files itself (`dendrite plot`): it
 *   refuses existing entries that `isOurs` matches but the stamp does not list, and `record(files)`
 *   adds the files to the stamp afterwards.
 * - `readStamp(dir)`, `writeStamp(dir, stamp)`, `recordOutputFiles(dir, names)`: the stamp itself.
 * - `writeFileAtomic(path, data)`: temp file + fsync + rename in the same folder + fsync of the folder.
 * - `syncTree(dir)`, `syncFolder(dir)`: flush a written folder (every file and folder in it) or one
 *   folder's entries to disk.
 * - `fsUserError(e, path, action)`: an fs error (EEXIST, ENAMETOOLONG, EACCES, ENOSPC, ...) as a
 *   UserError naming the path and the reason.
 */
import {
  closeSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync,
  rmSync, statSync, writeFileSync, writeSync, type Stats,
} from 'node:fs';
import { constants, homedir, hostname } from 'node:os';
import { basename, dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { UserError } from '../errors.ts';

export const STAMP_FILE = '.dendrite-output.json';
/** Longest name of one path component on Linux and macOS file systems (bytes). */
export const NAME_MAX_BYTES = 255;

export interface OutputStamp {
  /** What wrote the folder: "run", "sweep", ... A folder is only replaced by the same kind. */
  kind: string;
  dendrite_version: string;
  /** ISO time the folder was written. */
  created: string;
  host: string;
  pid: number;
  /** Top-level entries Dendrite wrote (names, no slashes), sorted. */
  files: string[];
  /** While a replace is under way: the hidden name the previous folder was moved to. */
  aside?: string;
}

/** A file the command reads: never inside a folder Dendrite may replace. */
export type OutputInput = string | { path: string; what: string };

export interface OutputTargetOptions {
  /** The stamp kind this command writes ("run", "sweep"). */
  kind: string;
  /** Files the command reads (protocol, morphology, mechanism files, waveform CSVs, ...). */
  inputs?: readonly OutputInput[];
  /** Replace a non-empty folder Dendrite did not write (never a protected one). */
  overwrite?: boolean;
  /** How the user named the folder, for messages (default "--out"). */
  flag?: string;
}

export type OutputTargetState = 'absent' | 'empty' | 'output';

export interface OutputTarget {
  /** Absolute path (symbolic links resolved when `dir` exists). */
  path: string;
  state: OutputTargetState;
  /** The stamp found there (state "output"), or null. */
  stamp: OutputStamp | null;
  /** A non-empty folder that is not (all) Dendrite's, accepted because of `overwrite`. */
  overwriting: boolean;
}

// ---------------------------------------------------------------- errors

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'something already exists there',
  ENAMETOOLONG: 'the name is too long for the file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  ENOENT: 'no such file or folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ELOOP: 'too many symbolic links',
  EBUSY: 'the resource is busy',
  ENOTEMPTY: 'the folder is not empty',
  EXDEV: 'not on the same file system',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** An fs error as a UserError: `PATH: cannot ACTION: REASON (CODE)`. Other errors are returned as they are. */
export function fsUserError(e: unknown, path: string, action: string): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code !== 'string') return e instanceof Error ? e : new Error(String(e));
  return new UserError(`${path}: cannot ${action}: ${REASONS[code] ?? 'file system error'} (${code})`);
}

function fsTry<T>(path: string, action: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw fsUserError(e, path, action);
  }
}

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null; // ENOTDIR: below a file (reported by the caller)
    throw e;
  }
}

// ---------------------------------------------------------------- stamps

/** The stamp in `dir`, or null when there is none or it is not a Dendrite stamp. */
export function readStamp(dir: string): OutputStamp | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, STAMP_FILE), 'utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as Record<string, unknown>;
  if (typeof s.kind !== 'string' || !Array.isArray(s.files) || !s.files.every((f) => typeof f === 'string' && f !== '' && !f.includes('/'))) return null;
  return {
    kind: s.kind,
    dendrite_version: typeof s.dendrite_version === 'string' ? s.dendrite_version : 'unknown',
    created: typeof s.created === 'string' ? s.created : '',
    host: typeof s.host === 'string' ? s.host : '',
    pid: typeof s.pid === 'number' ? s.pid : 0,
    files: s.files as string[],
    ...(typeof s.aside === 'string' ? { aside: s.aside } : {}),
  };
}

/** A new stamp for this process. */
export function newStamp(kind: string, dendrite_version: string, files: readonly string[] = []): OutputStamp {
  return { kind, dendrite_version, created: new Date().toISOString(), host: hostname(), pid: process.pid, files: [...new Set(files)].sort() };
}

/** Write the stamp of `dir` atomically. */
export function writeStamp(dir: string, stamp: OutputStamp): void {
  writeFileAtomic(join(dir, STAMP_FILE), JSON.stringify({ ...stamp, files: [...new Set(stamp.files)].sort() }, null, 1) + '\n');
}

/** Add `names` (top-level entries of `dir`) to its stamp; no-op when `dir` has no stamp. */
export function recordOutputFiles(dir: string, names: readonly string[]): void {
  const stamp = readStamp(dir);
  if (!stamp) return;
  const add = names.map((n) => basename(n)).filter((n) => !stamp.files.includes(n));
  if (add.length > 0) writeStamp(dir, { ...stamp, files: [...stamp.files, ...add] });
}

// ---------------------------------------------------------------- flushing to disk

/** Codes of file systems and platforms that cannot fsync a folder (Windows, some network file systems). */
const NO_DIR_FSYNC = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'EBADF', 'ENOTSUP', 'EOPNOTSUPP']);

/**
 * Flush the entries of folder `dir` (names created, renamed or removed in it) to disk. Where the
 * platform cannot open or fsync a folder, there is nothing more to do and this returns quietly.
 */
export function syncFolder(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (e) {
    if (NO_DIR_FSYNC.has((e as NodeJS.ErrnoException).code ?? '')) return;
    throw fsUserError(e, dir, 'open the folder to flush it to disk');
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    if (!NO_DIR_FSYNC.has((e as NodeJS.ErrnoException).code ?? '')) throw fsUserError(e, dir, 'flush the folder to disk');
  } finally {
    closeSync(fd);
  }
}

/** Flush one written file's data to disk. */
function syncFile(path: string): void {
  const fd = fsTry(path, 'open the file to flush it to disk', () => openSync(path, 'r'));
  try {
    fsTry(path, 'flush the file to disk', () => fsyncSync(fd));
  } finally {
    closeSync(fd);
  }
}

/**
 * Flush everything under `root` to disk: every file, then every folder from the deepest up to
 * `root` itself (a folder's entries are flushed after what they name). Symbolic links are not
 * followed. Without recursion, so any depth is safe.
 */
export function syncTree(root: string): void {
  const folders: string[] = [root];
  for (let k = 0; k < folders.length; k++) {
    const dir = folders[k];
    const entries = fsTry(dir, 'read the folder', () => readdirSync(dir, { withFileTypes: true }));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) folders.push(p);
      else if (e.isFile()) syncFile(p);
    }
  }
  for (let k = folders.length - 1; k >= 0; k--) syncFolder(folders[k]);
}

// ---------------------------------------------------------------- atomic files

let tmpCounter = 0;
const TMP_FILE = /^\.(.+)\.tmp-(\d+)(-[0-9a-z]+)?$/;

/**
 * Write `path` via `.NAME.tmp-PID-N` in the same folder, flushed to disk, and a rename, then flush
 * the folder: a reader never sees half a file, and after a crash `path` holds the old or the new data.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${(tmpCounter++).toString(36)}`);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fsUserError(e, path, 'write');
  }
  syncFolder(dirname(path));
}

/**
 * Add or replace file `name` in the stamped folder `dir` atomically. The stamp lists the name
 * before the file appears, so an interruption never leaves a file the stamp does not cover.
 * Refuses a folder without a stamp when `name` exists there already (it is not Dendrite's).
 */
export function writeOutputFile(dir: string, name: string, data: string | Uint8Array): void {
  const stamp = readStamp(dir);
  const path = join(dir, name);
  if (stamp) {
    if (!stamp.files.includes(name)) writeStamp(dir, { ...stamp, files: [...stamp.files, name] });
  } else if (lstatOrNull(path)) {
    throw new UserError(`${path}: Dendrite did not write this file (${dir} has no ${STAMP_FILE}); not overwriting it`);
  }
  writeFileAtomic(path, data);
}

/** For commands that write files into an existing output folder themselves (`dendrite plot`). */
export interface OutputUpdate {
  /** After writing (also after a failure): add the entries `isOurs` matches to the stamp, if the folder has one. */
  done(): void;
}

/**
 * Before writing into `dir`: refuse existing entries that `isOurs(name)` says we would write but
 * that Dendrite did not write (not in the stamp; any such entry when there is no stamp). An older
 * run folder without a stamp (only the files `dendrite run` writes, and a run.json) is stamped now.
 * A missing `dir` is left to the caller to report.
 */
export function openOutputUpdate(dir: string, isOurs: (name: string) => boolean): OutputUpdate {
  const st = lstatOrNull(dir);
  if (!st || !st.isDirectory()) return { done: () => {} };
  cleanStaleTempFiles(dir);
  let stamp = readStamp(dir);
  if (!stamp && isUnstampedRunOutput(dir)) {
    const names = listEntries(dir);
    fsTry(dir, 'stamp the folder', () => writeStamp(dir, newStamp('run', 'unknown', names)));
    stamp = readStamp(dir);
  }
  const listed = new Set(stamp?.files ?? []);
  const foreign = listEntries(dir).filter((n) => isOurs(n) && !listed.has(n));
  if (foreign.length > 0) {
    const one = foreign.length === 1;
    throw new UserError(`${dir}: ${some(foreign)} ${one ? 'was' : 'were'} not written by Dendrite; not overwriting (move ${one ? 'it' : 'them'} away first)`);
  }
  return {
    done: () => {
      if (stamp) fsTry(dir, 'update the stamp', () => recordOutputFiles(dir, listEntries(dir).filter(isOurs)));
    },
  };
}

// ---------------------------------------------------------------- safety checks

/** Entries of `dir` except the stamp and Dendrite's own temporary files. */
function listEntries(dir: string): string[] {
  return readdirSync(dir).filter((n) => n !== STAMP_FILE && !TMP_FILE.test(n)).sort();
}

/** Files `dendrite run` writes; an older run folder (before stamps) holds nothing else. */
const RUN_FILE = /^(traces\.csv|traces\.json|traces\.npy|traces\.npy\.json|spikes\.csv|run\.json|shape\.svg|traces(_[A-Za-z0-9_]+)?\.svg)$/;

/** A run folder written before stamps existed: only `dendrite run`'s files, and a run.json of Dendrite's. */
function isUnstampedRunOutput(dir: string): boolean {
  const names = listEntries(dir);
  if (names.length === 0 || !names.every((n) => RUN_FILE.test(n)) || !names.includes('run.json')) return false;
  try {
    const j = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
    return typeof j.dendrite_version === 'string' && lstatSync(join(dir, 'run.json')).isFile();
  } catch {
    return false;
  }
}

function isInside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r));
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function inputOf(i: OutputInput): { path: string; what: string } {
  return typeof i === 'string' ? { path: i, what: 'an input of this command' } : i;
}

function some(names: readonly string[], n = 4): string {
  const shown = names.slice(0, n).join(', ');
  return names.length > n ? `${shown} and ${names.length - n} more` : shown;
}

/** Byte length of the longest temporary name Dendrite makes beside a folder called `name`. */
function tempNameBytes(name: string): number {
  return Buffer.byteLength(tempName(name, 'partial'));
}

/**
 * May `dir` be written as a `kind` output? Throws a UserError saying why not; changes nothing.
 * See the module header for what is refused.
 */
export function assertSafeOutputTarget(dir: string, opts: OutputTargetOptions): OutputTarget {
  const flag = opts.flag ?? '--out';
  const shown = `${flag} ${dir.length > 80 ? dir.slice(0, 60) + '…' : dir}`;
  if (dir.includes('\0')) throw new UserError(`${flag}: the folder name contains a NUL character`);
  let path = resolve(dir);
  const name = basename(path);
  for (const part of path.split(sep)) {
    if (Buffer.byteLength(part) > NAME_MAX_BYTES) {
      throw new UserError(`${shown}: the name "${part.slice(0, 40)}…" is ${Buffer.byteLength(part)} bytes long; file systems allow at most ${NAME_MAX_BYTES} (ENAMETOOLONG)`);
    }
  }
  if (tempNameBytes(name) > NAME_MAX_BYTES) {
    const most = NAME_MAX_BYTES - (tempNameBytes(name) - Buffer.byteLength(name));
    throw new UserError(`${shown}: the name is ${Buffer.byteLength(name)} bytes long; Dendrite writes a temporary folder beside it first, so it must be at most ${most} bytes (ENAMETOOLONG)`);
  }
  let st = fsTry(dir, 'check the output folder', () => lstatOrNull(path));
  if (st?.isSymbolicLink()) {
    const to = fsTry(dir, 'follow the symbolic link', () => realpathSync(path));
    path = to;
    st = fsTry(dir, 'check the output folder', () => lstatSync(path));
  }
  const cwd = real(process.cwd());
  const inputs = (opts.inputs ?? []).map(inputOf).map((i) => ({ ...i, real: real(i.path) }));
  if (st === null) {
    // Find the nearest existing ancestor: it must be a folder.
    let up = dirname(path);
    while (up !== dirname(up)) {
      const a = fsTry(up, 'check the output folder', () => lstatOrNull(up));
      if (a !== null) {
        if (!statSync(up).isDirectory()) throw new UserError(`${shown}: ${up} is a file, so no folder can be created below it`);
        break;
      }
      up = dirname(up);
    }
    return { path, state: 'absent', stamp: null, overwriting: false };
  }
  if (!st.isDirectory()) {
    const input = inputs.find((i) => i.real === path);
    const what = input ? `${input.what} (${input.path})` : 'a file';
    throw new UserError(`${shown}: this is ${what}, not a folder; --out names a folder for the outputs, and Dendrite never replaces a file`);
  }
  if (isInside(cwd, path)) {
    throw new UserError(`${shown}: ${path === cwd ? 'this is the current folder' : `this folder holds the current folder (${cwd})`}; Dendrite will not replace it. Give a new folder, e.g. --out out/${basename(dir) === '.' || basename(dir) === '..' || basename(dir) === '' ? 'run1' : basename(path)}`);
  }
  const home = real(homedir());
  if (isInside(home, path)) throw new UserError(`${shown}: this folder ${path === home ? 'is' : 'holds'} your home folder; Dendrite will not replace it. Give a new folder`);
  for (const i of inputs) {
    if (isInside(i.real, path)) {
      throw new UserError(`${shown}: this folder holds ${i.what} (${i.path}); Dendrite will not replace it. Give a new folder, e.g. --out ${join(dir, 'out')}`);
    }
  }
  const entries = fsTry(dir, 'read the output folder', () => listEntries(path));
  const stamp = readStamp(path);
  if (stamp) {
    if (stamp.kind !== opts.kind) {
      if (!opts.overwrite) throw new UserError(`${shown}: this is a Dendrite ${stamp.kind} folder, not a ${opts.kind} output; give another folder (or add --overwrite to replace it)`);
      return { path, state: 'output', stamp, overwriting: true };
    }
    const listed = new Set(stamp.files);
    const extra = entries.filter((n) => !listed.has(n));
    if (extra.length > 0 && !opts.overwrite) {
      throw new UserError(`${shown}: a previous Dendrite output, but ${some(extra)} ${extra.length === 1 ? 'was' : 'were'} added since, not by Dendrite; refusing to replace the folder and delete ${extra.length === 1 ? 'it' : 'them'}. Move ${extra.length === 1 ? 'it' : 'them'} away, give another folder, or add --overwrite`);
    }
    return { path, state: 'output', stamp, overwriting: extra.length > 0 };
  }
  if (entries.length === 0) return { path, state: 'empty', stamp: null, overwriting: false };
  if (opts.kind === 'run' && isUnstampedRunOutput(path)) return { path, state: 'output', stamp: null, overwriting: false };
  if (!opts.overwrite) {
    throw new UserError(`${shown}: this folder is not empty (${some(entries)}) and was not written by Dendrite (no ${STAMP_FILE}); refusing to replace it. Give a new or empty folder, or add --overwrite to replace it and everything in it`);
  }
  return { path, state: 'output', stamp: null, overwriting: true };
}

// ---------------------------------------------------------------- recovery of interrupted writes

const TEMP_DIR = /^\.(.+)\.(partial|old)-(\d+)-([0-9a-z]+)$/;

function tempName(name: string, what: 'partial' | 'old', id = `${process.pid}-${Date.now().toString(36)}${(tmpCounter++).toString(36)}`): string {
  return `.${name}.${what}-${id}`;
}

/** Is `pid` a running process on this host? (Our own pid counts as running.) */
function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function stampIsOurs(s: OutputStamp | null, pid: number): s is OutputStamp {
  return s !== null && s.pid === pid && s.host === hostname();
}

/** Is `dir` (no stamp) a partial run folder of the old format: only run files, nothing else? */
function onlyRunFiles(dir: string): boolean {
  try {
    return listEntries(dir).every((n) => RUN_FILE.test(n));
  } catch {
    return false;
  }
}

/** Remove `.NAME.tmp-PID-N` files of dead Dendrite processes in `dir`. */
function cleanStaleTempFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = TMP_FILE.exec(n);
    if (m && !pidAlive(Number(m[2]))) rmSync(join(dir, n), { force: true });
  }
}

/**
 * Clean up after a Dendrite process that was killed while writing `dir` (SIGKILL, power loss):
 * hidden `.NAME.partial-PID-T` folders are removed and a `.NAME.old-PID-T` folder (the previous
 * output, moved aside for the swap) is put back when `dir` is missing, or removed when the swap had
 * finished. Only folders recognised by name, by the stamp inside (same host, that PID) and whose
 * process is gone are touched; the one exception is an unfinished folder of the format before
 * stamps (`.NAME.partial-PID-MS`, dead PID), removed only when it holds nothing but the files
 * `dendrite run` writes. Returns one line per action.
 */
export function recoverOutputTarget(dir: string): string[] {
  const target = resolve(dir);
  const parent = dirname(target);
  const name = basename(target);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const done: string[] = [];
  const temps = names.map((n) => ({ n, m: TEMP_DIR.exec(n) })).filter((x) => x.m !== null && x.m[1] === name && !pidAlive(Number(x.m[3])));
  const targetStamp = lstatOrNull(target) ? readStamp(target) : null;
  // The previous output moved aside: back into place, or gone if the new one made it.
  for (const { n, m } of temps) {
    if (m![2] !== 'old') continue;
    const pid = Number(m![3]);
    const aside = join(parent, n);
    const partialStamp = readStamp(join(parent, tempName(name, 'partial', `${m![3]}-${m![4]}`)));
    // Ours only if the unfinished folder or the new output names it (same host, that PID).
    const named = (stampIsOurs(partialStamp, pid) && partialStamp.aside === n) || (stampIsOurs(targetStamp, pid) && targetStamp.aside === n);
    if (!named) continue;
    if (lstatOrNull(target) === null) {
      renameSync(aside, target);
      done.push(`restored ${dir} from ${n}, left by an interrupted Dendrite (pid ${pid})`);
    } else {
      rmSync(aside, { recursive: true, force: true });
      done.push(`removed ${n}, the previous output of ${dir} left by an interrupted Dendrite (pid ${pid})`);
    }
  }
  for (const { n, m } of temps) {
    if (m![2] !== 'partial') continue;
    const pid = Number(m![3]);
    const p = join(parent, n);
    const ok = stampIsOurs(readStamp(p), pid) || (!lstatOrNull(join(p, STAMP_FILE)) && onlyRunFiles(p));
    if (!ok) continue;
    rmSync(p, { recursive: true, force: true });
    done.push(`removed ${n}, an unfinished output of an interrupted Dendrite (pid ${pid})`);
  }
  return done;
}

/** `recoverOutputTarget` then `assertSafeOutputTarget`: call before a long computation. */
export function prepareOutputTarget(dir: string, opts: OutputTargetOptions): OutputTarget & { recovered: string[] } {
  // Check first without touching anything (a protected folder gets no recovery either).
  assertSafeOutputTarget(dir, { ...opts, overwrite: true });
  const recovered = fsTry(dir, 'clean up after an interrupted run', () => recoverOutputTarget(dir));
  return { ...assertSafeOutputTarget(dir, opts), recovered };
}

// ---------------------------------------------------------------- signals

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Where a write stands, for the signal handler. */
interface Txn {
  state: 'writing' | 'swapping' | 'done';
  target: string;
  tmp: string;
  aside: string | null;
  shown: string;
  /** What `target` held before, for the message when the write is rolled back (default: an output). */
  had?: OutputTargetState;
}

/** Finish a swap that is under way, or remove the unfinished folder. Returns what `dir` holds now. */
export function settleInterrupted(txn: Txn): 'old' | 'new' {
  if (txn.state === 'writing') {
    rmSync(txn.tmp, { recursive: true, force: true });
    return 'old';
  }
  if (txn.state === 'swapping') {
    // old→aside happened or not; tmp→target happened or not. Complete it: the new folder is whole.
    if (lstatOrNull(txn.target) === null && lstatOrNull(txn.tmp) !== null) renameSync(txn.tmp, txn.target);
    if (txn.aside !== null) rmSync(txn.aside, { recursive: true, force: true });
    rmSync(txn.tmp, { recursive: true, force: true });
    txn.state = 'done';
  }
  return 'new';
}

/**
 * Writes whose signal guard is up. Signal handlers are process-wide, so this one set is too: one
 * handler serves every open write, installed while the set is not empty.
 */
const guarded = new Set<Txn>();

function onSignal(sig: NodeJS.Signals): void {
  let msg = `dendrite: interrupted (${sig})`;
  for (const txn of guarded) {
    try {
      const before = txn.had === 'absent' ? `${txn.shown} was not created` : txn.had === 'empty' ? `${txn.shown} is still empty` : `the previous result in ${txn.shown} is unchanged`;
      msg = settleInterrupted(txn) === 'old'
        ? `dendrite: interrupted (${sig}) while writing; the unfinished output was removed and ${before}`
        : `dendrite: interrupted (${sig}) after the outputs were complete; ${txn.shown} holds the new output`;
    } catch (e) {
      msg = `dendrite: interrupted (${sig}); could not clean up ${txn.shown}: ${(e as Error).message}`;
    }
  }
  try {
    writeSync(2, msg + '\n');
  } catch {
    // stderr is gone: nothing more to say
  }
  process.exit(128 + (constants.signals[sig] ?? 0));
}

/**
 * Catch SIGINT/SIGTERM/SIGHUP while `txn` is open. A signal that arrives during the
 * (synchronous) write waits in libuv's signal pipe until the event loop next polls; the returned
 * release therefore takes effect only after one full loop turn (two setImmediate hops, so a poll
 * phase comes between), or the pending signal would be dropped with the listener.
 */
function guardSignals(txn: Txn): () => void {
  if (guarded.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  guarded.add(txn);
  return () => {
    setImmediate(() => setImmediate(() => {
      guarded.delete(txn);
      if (guarded.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
    }));
  };
}

// ---------------------------------------------------------------- whole folders

export interface WriteOutputOptions extends OutputTargetOptions {
  /** Dendrite's version, for the stamp. */
  version: string;
}

/**
 * Write `dir` as a whole: `fill(tmp)` writes the files into a fresh hidden folder beside `dir`,
 * which is then stamped and swapped in atomically (see the module header). On any error the hidden
 * folder is removed and `dir` is left as it was; fs errors become UserErrors naming the path.
 * Returns the names written (the stamp's `files`).
 */
export function writeOutputDir(dir: string, opts: WriteOutputOptions, fill: (tmp: string) => void): string[] {
  const shown = dir;
  const first = assertSafeOutputTarget(dir, opts);
  const target = first.path;
  const parent = dirname(target);
  fsTry(parent, 'create the folder', () => mkdirSync(parent, { recursive: true }));
  const tmp = join(parent, tempName(basename(target), 'partial'));
  const txn: Txn = { state: 'writing', target, tmp, aside: null, shown, had: first.state };
  const release = guardSignals(txn);
  try {
    fsTry(dir, 'create a folder beside it', () => mkdirSync(tmp));
    const stamp = newStamp(opts.kind, opts.version);
    fsTry(tmp, 'write', () => writeStamp(tmp, stamp));
    try {
      fill(tmp);
    } catch (e) {
      throw fsUserError(e, dir, 'write the outputs');
    }
    const files = listEntries(tmp);
    // Check again: the folder may have changed while we computed.
    const now = assertSafeOutputTarget(dir, opts);
    if (now.path !== target) throw new UserError(`${dir}: the folder moved while Dendrite was writing; nothing replaced`);
    if (now.state === 'absent') {
      fsTry(tmp, 'write', () => writeStamp(tmp, { ...stamp, files }));
      syncTree(tmp); // the data is on disk before its name is
      txn.state = 'swapping';
      fsTry(dir, 'move the outputs into place', () => renameSync(tmp, target));
      syncFolder(parent);
    } else {
      const aside = join(parent, tempName(basename(target), 'old', basename(tmp).replace(/^.*\.partial-/, '')));
      fsTry(tmp, 'write', () => writeStamp(tmp, { ...stamp, files, aside: basename(aside) }));
      syncTree(tmp); // the data is on disk before its name is
      txn.state = 'swapping';
      txn.aside = aside;
      fsTry(dir, 'move the previous output aside', () => renameSync(target, aside));
      try {
        renameSync(tmp, target);
      } catch (e) {
        renameSync(aside, target); // put the old one back
        txn.aside = null;
        throw fsUserError(e, dir, 'move the outputs into place');
      }
      syncFolder(parent); // both renames on disk before the old output goes
      fsTry(aside, 'remove the previous output', () => rmSync(aside, { recursive: true, force: true }));
    }
    txn.state = 'done';
    return files;
  } catch (e) {
    if (txn.state === 'writing' || txn.state === 'swapping') rmSync(tmp, { recursive: true, force: true });
    txn.state = 'done';
    throw e;
  } finally {
    release();
  }
}

// ---------------------------------------------------------------- persistent folders

/**
 * Claim `dir` for a persistent `kind` output that is filled over time and resumed (a sweep):
 * returns its stamp, creating the folder and the stamp (listing `files`) when `dir` is absent or
 * empty. Several processes may call this at once: exactly one stamp is written (hard link of a
 * complete temporary file, which fails if the stamp exists), and all get the same stamp back.
 */
export function claimOutputDir(dir: string, opts: WriteOutputOptions & { files?: readonly string[] }): OutputStamp {
  const t = prepareOutputTarget(dir, opts);
  if (t.state === 'output' && t.stamp && t.stamp.kind === opts.kind) return t.stamp;
  if (t.state === 'output') throw new UserError(`${opts.flag ?? '--out'} ${dir}: not a Dendrite ${opts.kind} folder; give a new or empty folder`);
  fsTry(dir, 'create the folder', () => mkdirSync(t.path, { recursive: true }));
  const tmp = join(t.path, `.${STAMP_FILE}.tmp-${process.pid}-${(tmpCounter++).toString(36)}`);
  const stamp = newStamp(opts.kind, opts.version, opts.files ?? []);
  try {
    fsTry(dir, 'write its stamp', () => writeFileSync(tmp, JSON.stringify(stamp, null, 1) + '\n', { flag: 'wx' }));
    syncFile(tmp);
    try {
      linkSync(tmp, join(t.path, STAMP_FILE));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fsUserError(e, dir, 'write its stamp');
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  syncFolder(t.path);
  syncFolder(dirname(t.path));
  const s = readStamp(t.path);
  if (!s || s.kind !== opts.kind) throw new UserError(`${opts.flag ?? '--out'} ${dir}: another program wrote the folder at the same time; not a Dendrite ${opts.kind} folder`);
  return s;
}
