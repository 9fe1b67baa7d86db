/**
 * The ledger of a sweep folder: DIR/ledger/shard-I-of-N.HOST-PID-STAMP.jsonl, one file per writer,
 * append-only, one JSON line per finished run, each line fsync'd before the next run is counted.
 * Several processes (shards on a cluster) write into the same folder without locks, because no two
 * write the same file. A process killed mid-write leaves at most one unterminated last line in its
 * own file; readers ignore it (a line counts only once its newline is on disk).
 *
 * Merging: for each run the last record wins (by `t`, the time it was written), except that an
 * `ok` record is never replaced by a failed one.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fsUserError } from '../io/outdir.ts';
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

export class LedgerWriter {
  private fd: number;
  readonly path: string;
  /** The file name without `.jsonl` (kept traces use it too). */
  readonly stem: string;
  constructor(dir: string, shard: Shard) {
    const name = ledgerName(shard);
    this.stem = name.replace(/\.jsonl$/, '');
    this.path = join(dir, LEDGER_DIR, name);
    try {
      mkdirSync(join(dir, LEDGER_DIR), { recursive: true });
      this.fd = openSync(this.path, 'wx');
    } catch (e) {
      throw fsUserError(e, this.path, 'create the ledger file');
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

/** Complete records of one ledger file's text: an unterminated last line is ignored. */
export function parseLedger(text: string): { records: LedgerRecord[]; partial: boolean; bad: number } {
  const lines = text.split('\n');
  const tail = lines.pop()!;
  const records: LedgerRecord[] = [];
  let bad = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as LedgerRecord;
      if (typeof r === 'object' && r !== null && Number.isInteger(r.run) && typeof r.status === 'string') records.push(r);
      else bad++;
    } catch {
      bad++;
    }
  }
  return { records, partial: tail.length > 0, bad };
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
}

/** Read and merge every ledger of a sweep folder. */
export function readLedgers(dir: string): LedgerState {
  const state: LedgerState = { records: new Map(), files: 0, partialLines: 0, badLines: 0 };
  let names: string[];
  try {
    names = readdirSync(join(dir, LEDGER_DIR)).filter((n) => n.endsWith('.jsonl')).sort();
  } catch {
    return state;
  }
  for (const n of names) {
    const { records, partial, bad } = parseLedger(readFileSync(join(dir, LEDGER_DIR, n), 'utf8'));
    state.files++;
    if (partial) state.partialLines++;
    state.badLines += bad;
    for (const r of records) {
      const prev = state.records.get(r.run);
      if (!prev || better(r, prev)) state.records.set(r.run, r);
    }
  }
  return state;
}
