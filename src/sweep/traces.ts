/**
 * Kept traces of a sweep (`keep_traces`). While running, each process appends every ok run's
 * samples, per probe, to its own raw file traces/PROBE.STEM.f64 (float64 little-endian, fsync'd
 * before the run's ledger line, which records the file stem, offset and length). Collecting
 * (`dendrite sweep collect`, or the end of a complete sweep) writes per probe
 * traces/PROBE.npy, float64 [run, sample] in run order (rows of runs with fewer samples padded
 * with NaN), and traces/PROBE.npy.json, a sidecar with the run index of every row and the
 * sampling interval.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/outdir.ts';
import { npyHeader } from '../io/npy.ts';
import type { LedgerRecord } from './ledger.ts';

export const TRACES_DIR = 'traces';

export interface TraceRef {
  /** Stem of the raw files: traces/PROBE.STEM.f64. */
  file: string;
  /** Offset of the run's samples in the raw file, in samples. */
  offset: number;
  length: number;
}

export class TraceWriter {
  private fds = new Map<string, number>();
  private offsets = new Map<string, number>();
  constructor(dir: string, readonly stem: string, private probes: readonly string[]) {
    mkdirSync(join(dir, TRACES_DIR), { recursive: true });
    for (const p of probes) {
      this.fds.set(p, openSync(join(dir, TRACES_DIR, `${p}.${this.stem}.f64`), 'a'));
      this.offsets.set(p, 0);
    }
  }

  /** Append one run's traces (all probes the same length); returns where they are. */
  append(traces: Record<string, Float64Array>): TraceRef {
    let ref: TraceRef | null = null;
    for (const p of this.probes) {
      const x = traces[p];
      const fd = this.fds.get(p)!;
      const bytes = new Uint8Array(x.length * 8);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < x.length; i++) view.setFloat64(8 * i, x[i], true);
      writeSync(fd, bytes);
      fsyncSync(fd);
      const offset = this.offsets.get(p)!;
      this.offsets.set(p, offset + x.length);
      ref ??= { file: this.stem, offset, length: x.length };
    }
    return ref!;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  /** Write traces/PROBE.npy and its sidecar from the raw files, for the runs in `records`. */
  static collect(dir: string, probes: readonly string[], records: Map<number, LedgerRecord>, sampleDt_ms?: number): void {
    const rows = [...records.values()].filter((r) => r.status === 'ok' && r.trace).sort((a, b) => a.run - b.run);
    const width = rows.reduce((m, r) => Math.max(m, r.trace!.length), 0);
    const tdir = join(dir, TRACES_DIR);
    mkdirSync(tdir, { recursive: true });
    for (const p of probes) {
      // streamed row by row into a temporary file, renamed when complete
      const header = npyHeader([rows.length, width]);
      const tmp = join(tdir, `.${p}.npy.tmp-${process.pid}-c`);
      const row = new Uint8Array(width * 8);
      const view = new DataView(row.buffer);
      const fds = new Map<string, number>();
      const out = openSync(tmp, 'w');
      try {
        writeSync(out, header);
        for (const r of rows) {
          const ref = r.trace!;
          let fd = fds.get(ref.file);
          if (fd === undefined) {
            fd = openSync(join(tdir, `${p}.${ref.file}.f64`), 'r');
            fds.set(ref.file, fd);
          }
          readSync(fd, row, 0, ref.length * 8, ref.offset * 8);
          for (let k = ref.length; k < width; k++) view.setFloat64(8 * k, NaN, true);
          writeSync(out, row);
        }
        fsyncSync(out);
      } finally {
        closeSync(out);
        for (const fd of fds.values()) closeSync(fd);
      }
      renameSync(tmp, join(tdir, `${p}.npy`));
      const sidecar = {
        format: 'npy',
        file: `${p}.npy`,
        dtype: 'float64',
        byte_order: 'little',
        order: 'C',
        shape: [rows.length, width],
        layout: 'rows are runs (in the order of "runs"), columns are samples; runs with fewer samples are padded with NaN',
        probe: p,
        runs: rows.map((r) => r.run),
        ...(sampleDt_ms !== undefined ? { sample_dt_ms: sampleDt_ms, t_ms: 'sample k is at k * sample_dt_ms' } : {}),
        load_with: `a = numpy.load("${p}.npy"); runs = json.load(open("${p}.npy.json"))["runs"]`,
      };
      writeFileAtomic(join(tdir, `${p}.npy.json`), JSON.stringify(sidecar, null, 1) + '\n');
    }
  }
}
