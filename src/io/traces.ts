/**
 * Writers for run outputs (traces as CSV or JSON, run.json). `dendrite run` calls them inside
 * `writeOutputDir` (src/io/outdir.ts), which writes a hidden folder and swaps it in when complete.
 */
import { writeFileSync, openSync, writeSync, closeSync } from 'node:fs';

/** CSV with header `t_ms,<labels>`; every number at full double precision (shortest round-trip). */
export function writeTracesCsv(path: string, t_ms: Float64Array, labels: readonly string[], traces: readonly Float64Array[]): void {
  const fd = openSync(path, 'w');
  try {
    const chunk: string[] = [['t_ms', ...labels].join(',')];
    const n = t_ms.length;
    for (let k = 0; k < n; k++) {
      let row = String(t_ms[k]);
      for (let c = 0; c < traces.length; c++) row += ',' + String(traces[c][k]);
      chunk.push(row);
      if (chunk.length >= 4096) {
        writeSync(fd, chunk.join('\n') + '\n');
        chunk.length = 0;
      }
    }
    if (chunk.length > 0) writeSync(fd, chunk.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 1) + '\n');
}

/** `{"t_ms": [...], "traces": {"<label>": [...]}, "units": {...}}`, full double precision. */
export function writeTracesJson(path: string, t_ms: Float64Array, labels: readonly string[], traces: readonly Float64Array[], units?: readonly string[]): void {
  const obj: { t_ms: number[]; traces: Record<string, number[]>; units: Record<string, string> } = {
    t_ms: Array.from(t_ms),
    traces: {},
    units: { t_ms: 'ms' },
  };
  labels.forEach((l, k) => {
    obj.traces[l] = Array.from(traces[k]);
    obj.units[l] = units?.[k] ?? 'mV';
  });
  writeFileSync(path, JSON.stringify(obj) + '\n');
}
