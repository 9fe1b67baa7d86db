/**
 * The ledger of a sweep folder: DIR/ledger/shard-I-of-N.HOST-PID-STAMP.jsonl, one file per writer,
 * append-only, one JSON line per finished run, each line fsync'd before the next run is counted.
 * Several processes (shards on a cluster) write into the same folder without locks, because no two
 * write the same file. A process killed mid-write leaves at most one unterminated last line in its
 * own file; readers ignore it (a line counts only once its newline is on disk).
 *
 * Merging: for each run the last record wins (by `t`, the time it was written), except that an
 * `ok` record is never replaced by a failed one.
 *
 * Inputs: a writer given the files its runs read (morphologies, mechanism files, ...) first writes
 * a header line `{"inputs": {PATH: SHA-256 hex}, "t", "host", "pid"}` with a hash of each file's
 * content, and before that compares them with the headers of the ledgers already there: a file
 * whose content changed since runs were recorded is refused with a UserError naming it (resuming
 * would mix results of two different models). Ledgers written before headers existed have none;
 * their runs resume unchecked, and the writer says so (`notes`).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { fsUserError, syncFolder } from '../io/outdir.ts';
import type { RunStatus } from './execute.ts';
import type { TraceRef } from './traces.ts';

export const LEDGER_DIR = 'ledger';

export interface LedgerRecord {
  run: number;
  status: RunStatus;
  error: string | null;
  /** Parameter name → the value the results table shows. */
  params: Record<string, number | string>;
  measures: Record<string, number | null>;
  wall_s: number;
  /** Epoch ms when the record was written. */
  t: number;
  host: string;
  pid: number;
  /** Where the run's kept traces are (src/sweep/traces.ts). */
  trace?: TraceRef;
  /** Which backend ran it (src/sweep/batch.ts RunBackend); absent in ledgers of before backends. */
  backend?: 'cpu' | 'batch' | 'gpu';
  /** GPU runs: the executor's detail (gpu.js mode and adapter). */
  gpu?: string;
  /** Why the run went to this backend, when it is not the one asked for. */
  backend_reason?: string;
  /** Batch runs: the generated kernels' arithmetic (`exact`: bit for bit the cpu backend; `fast`: docs/batch.md). */
  arithmetic?: 'exact' | 'fast';
}

/** A file the runs read, and what it is for messages ("a morphology of the sweep"). */
export interface LedgerInput {
  path: string;
  what: string;
}

/** SHA-256 (hex) of each input file's content, by path; `MISSING` for a file that cannot be read. */
export type InputHashes = Record<string, string>;

/** The hash recorded for an input that could not be read (its runs fail and are recorded failed). */
export const MISSING = 'missing';

/** The first line of a ledger file written with inputs. */
export interface LedgerHeader {
  inputs: InputHashes;
  t: number;
  host: string;
  pid: number;
}

/** SHA-256 of each file of `inputs` (each file read once). */
export function hashInputFiles(inputs: readonly LedgerInput[]): InputHashes {
  const out: InputHashes = {};
  for (const { path } of inputs) {
    if (path in out) continue;
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch {
      out[path] = MISSING;
      continue;
    }
    out[path] = createHash('sha256').update(data).digest('hex');
  }
  return out;
}

function isHeader(r: unknown): r is LedgerHeader {
  if (typeof r !== 'object' || r === null || 'run' in r) return false;
  const inputs = (r as { inputs?: unknown }).inputs;
  return typeof inputs === 'object' && inputs !== null && !Array.isArray(inputs) && Object.values(inputs).every((h) => typeof h === 'string');
}

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

const safeHost = () => hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'host';

let opened = 0;

/**
 * A new ledger file name (without the folder): shard, host, pid, and the time and a counter in base
 * 36, so that no two writers ever share a file, even where pids repeat (containers, where every
 * pod's process may be pid 1, or several sweeps in one process).
 */
export function ledgerName(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}.${safeHost()}-${process.pid}-${Date.now().toString(36)}${(opened++).toString(36)}.jsonl`;
}

export interface LedgerWriterOptions {
  /**
   * The files this process's runs read. Hashed, checked against the ledgers already in the folder
   * (`checkLedgerInputs`: a changed file is a UserError, before anything is written) and recorded
   * in this ledger's header line.
   */
  inputs?: readonly LedgerInput[];
  /** Where the notes go (ledgers that could not be checked), as they are made. */
  log?: (message: string) => void;
}

export class LedgerWriter {
  private fd: number;
  readonly path: string;
  /** The file name without `.jsonl` (kept traces use it too). */
  readonly stem: string;
  /** What the input check could not cover (older ledgers without hashes), one line each. */
  readonly notes: string[] = [];
  constructor(dir: string, shard: Shard, opts: LedgerWriterOptions = {}) {
    const hashes = opts.inputs ? hashInputFiles(opts.inputs) : null;
    if (hashes) {
      this.notes.push(...checkLedgerInputs(dir, opts.inputs!, hashes));
      for (const n of this.notes) opts.log?.(n);
    }
    const name = ledgerName(shard);
    this.stem = name.replace(/\.jsonl$/, '');
    this.path = join(dir, LEDGER_DIR, name);
    try {
      mkdirSync(join(dir, LEDGER_DIR), { recursive: true });
      this.fd = openSync(this.path, 'wx');
    } catch (e) {
      throw fsUserError(e, this.path, 'create the ledger file');
    }
    // the new file's name (and the ledger folder's) on disk, so its fsync'd lines can be found after a crash
    syncFolder(join(dir, LEDGER_DIR));
    syncFolder(dir);
    if (hashes) {
      const header: LedgerHeader = { inputs: hashes, t: Date.now(), host: safeHost(), pid: process.pid };
      try {
        writeSync(this.fd, JSON.stringify(header) + '\n');
        fsyncSync(this.fd);
      } catch (e) {
        this.close();
        throw fsUserError(e, this.path, 'write the ledger header');
      }
    }
  }
  append(rec: Omit<LedgerRecord, 't' | 'host' | 'pid'>): LedgerRecord {
    const full: LedgerRecord = { ...rec, t: Date.now(), host: safeHost(), pid: process.pid };
    try {
      writeSync(this.fd, JSON.stringify(full) + '\n');
      fsyncSync(this.fd);
    } catch (e) {
      throw fsUserError(e, this.path, 'append to the ledger (the runs recorded so far are kept; the same command resumes)');
    }
    return full;
  }
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * Complete records of one ledger file's text: an unterminated last line is ignored. `inputs`: the
 * hashes of its header line, or null (a ledger of before headers, or a writer given no inputs).
 */
export function parseLedger(text: string): { records: LedgerRecord[]; partial: boolean; bad: number; inputs: InputHashes | null } {
  const lines = text.split('\n');
  const tail = lines.pop()!;
  const records: LedgerRecord[] = [];
  let bad = 0;
  let inputs: InputHashes | null = null;
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as LedgerRecord;
      if (typeof r === 'object' && r !== null && Number.isInteger(r.run) && typeof r.status === 'string') records.push(r);
      else if (isHeader(r) && inputs === null && records.length === 0) inputs = r.inputs;
      else bad++;
    } catch {
      bad++;
    }
  }
  return { records, partial: tail.length > 0, bad, inputs };
}

/** Whether `a` should replace `b` as a run's record. */
function better(a: LedgerRecord, b: LedgerRecord): boolean {
  if ((a.status === 'ok') !== (b.status === 'ok')) return a.status === 'ok';
  return a.t >= b.t;
}

export interface LedgerState {
  /** Run → its winning record. */
  records: Map<number, LedgerRecord>;
  /** Ledger files read. */
  files: number;
  /** Unterminated last lines ignored (processes killed mid-write). */
  partialLines: number;
  /** Lines that were not records (should not happen). */
  badLines: number;
  /** Per ledger file: its name, how many records it holds, and the input hashes of its header (null: none). */
  ledgers: { name: string; records: number; inputs: InputHashes | null }[];
}

/** Read and merge every ledger of a sweep folder. */
export function readLedgers(dir: string): LedgerState {
  const state: LedgerState = { records: new Map(), files: 0, partialLines: 0, badLines: 0, ledgers: [] };
  let names: string[];
  try {
    names = readdirSync(join(dir, LEDGER_DIR)).filter((n) => n.endsWith('.jsonl')).sort();
  } catch {
    return state;
  }
  for (const n of names) {
    const { records, partial, bad, inputs } = parseLedger(readFileSync(join(dir, LEDGER_DIR, n), 'utf8'));
    state.files++;
    state.ledgers.push({ name: n, records: records.length, inputs });
    if (partial) state.partialLines++;
    state.badLines += bad;
    for (const r of records) {
      const prev = state.records.get(r.run);
      if (!prev || better(r, prev)) state.records.set(r.run, r);
    }
  }
  return state;
}

const short = (h: string) => (h === MISSING ? 'missing' : `${h.slice(0, 12)}…`);

/**
 * Before more runs are added to sweep folder `dir`: is every input file as it was when the runs
 * already there were recorded? `hashes` are the inputs' hashes now (`hashInputFiles(inputs)`).
 * Throws a UserError naming the first changed file (what it is, its path, how many runs were
 * recorded with the old content) and saying how to go on; a file missing then (its runs failed)
 * may exist now. Returns notes for runs that cannot be checked (ledgers without a header).
 */
export function checkLedgerInputs(dir: string, inputs: readonly LedgerInput[], hashes: InputHashes): string[] {
  const { ledgers } = readLedgers(dir);
  let unchecked = 0;
  for (const l of ledgers) {
    if (l.records === 0) continue;
    if (l.inputs === null) {
      unchecked += l.records;
      continue;
    }
    for (const { path, what } of inputs) {
      const then = l.inputs[path];
      const now = hashes[path];
      if (then === undefined || then === MISSING || then === now) continue;
      const change = now === MISSING ? 'is missing now' : `has changed (SHA-256 ${short(then)} then, ${short(now)} now)`;
      throw new UserError(
        `--out ${dir}: ${what} ${path} ${change} since ${l.records} run${l.records === 1 ? ' was' : 's were'} recorded in this folder (${LEDGER_DIR}/${l.name}). ` +
          `Resuming would mix results of two different inputs. Put the original file back to resume, or start fresh: ` +
          `give a new folder with --out, or delete ${dir} and run the same command again`,
      );
    }
  }
  if (unchecked === 0) return [];
  return [
    `${unchecked} run${unchecked === 1 ? '' : 's'} in ${dir} ${unchecked === 1 ? 'was' : 'were'} recorded by an earlier Dendrite that kept no hashes of the input files; ` +
      `resuming without checking that the morphologies and mechanism files are unchanged since (the runs of this session record them)`,
  ];
}
