/**
 * The results table of a sweep: one row per recorded run in run order; columns `run`, one per
 * parameter, one per measure, then `status`, `error`, `wall_s`. Written as results.parquet
 * (hyparquet-writer; numbers as DOUBLE, text as UTF-8 strings, empty cells as nulls) and
 * results.csv (RFC 4180; empty cells empty; numbers with JavaScript's shortest round-trip form).
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { LedgerRecord } from './ledger.ts';

export type Cell = number | string | null;

export interface ResultsTable {
  columns: string[];
  /** Column-major: values of each column, one per row. */
  data: Record<string, Cell[]>;
  rows: number;
}

export function buildTable(paramNames: readonly string[], measureNames: readonly string[], records: Iterable<LedgerRecord>): ResultsTable {
  const sorted = [...records].sort((a, b) => a.run - b.run);
  const columns = ['run', ...paramNames, ...measureNames, 'status', 'error', 'wall_s'];
  const data: Record<string, Cell[]> = Object.fromEntries(columns.map((c) => [c, []]));
  for (const r of sorted) {
    data.run.push(r.run);
    for (const p of paramNames) data[p].push(r.params[p] ?? null);
    for (const m of measureNames) data[m].push(r.measures[m] ?? null);
    data.status.push(r.status);
    data.error.push(r.error);
    data.wall_s.push(r.wall_s);
  }
  return { columns, data, rows: sorted.length };
}

function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

export function tableCsv(t: ResultsTable): string {
  const lines = [t.columns.map(csvCell).join(',')];
  for (let i = 0; i < t.rows; i++) lines.push(t.columns.map((c) => csvCell(t.data[c][i])).join(','));
  return lines.join('\n') + '\n';
}

export function tableParquet(t: ResultsTable): Uint8Array {
  const columnData = t.columns.map((name) => {
    const col = t.data[name];
    if (name === 'run') return { name, data: Int32Array.from(col as number[]), type: 'INT32' as const, nullable: false };
    const numeric = col.every((v) => v === null || typeof v === 'number');
    if (numeric && name !== 'error' && name !== 'status') return { name, data: col.map((v) => (v === null ? null : (v as number))), type: 'DOUBLE' as const };
    return { name, data: col.map((v) => (v === null ? null : String(v))), type: 'STRING' as const };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: 'dendrite' }));
}
