/** traces.npy: the NumPy v1.0 header byte for byte, a round trip, and numpy itself when installed. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npyHeader, readNpy, writeTracesNpy } from '../../src/io/npy.ts';
import { UserError } from '../../src/errors.ts';

function findNumpyPython(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(py, ['-c', 'import numpy'], { stdio: 'ignore' });
      return py;
    } catch {
      // try the next one
    }
  }
  return null;
}
const PY = findNumpyPython();
if (PY === null) console.log('npy: the numpy.load cross-check is skipped: no python3 with numpy (apt-get install python3-numpy)');

function sample(rows: number, nTraces: number) {
  const t = Float64Array.from({ length: rows }, (_, i) => i * 0.025);
  const traces = Array.from({ length: nTraces }, (_, c) => Float64Array.from({ length: rows }, (_, i) => -65 + 30 * Math.sin(i / 7 + c) + c / 3));
  const labels = Array.from({ length: nTraces }, (_, c) => `probe_${c}`);
  return { t, traces, labels };
}

describe('npy header (NumPy format 1.0)', () => {
  it('magic, version, little-endian length, dict, space padding and newline, 64-byte aligned', () => {
    for (const shape of [[2001, 5], [1, 1], [123456789, 300], [7]]) {
      const h = npyHeader(shape);
      expect(h.length % 64).toBe(0);
      expect(Array.from(h.subarray(0, 6))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
      expect([h[6], h[7]]).toEqual([1, 0]);
      const len = h[8] | (h[9] << 8);
      expect(10 + len).toBe(h.length);
      const text = Buffer.from(h.subarray(10)).toString('latin1');
      expect(text.endsWith('\n')).toBe(true);
      const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
      expect(text.trimEnd()).toBe(`{'descr': '<f8', 'fortran_order': False, 'shape': ${tuple}, }`);
      expect(/^[^\n]*\n$/.test(text)).toBe(true);
    }
  });
});

describe('writeTracesNpy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-npy-'));

  it('round-trips every value exactly, rows = samples, column 0 = t_ms', () => {
    const { t, traces, labels } = sample(2001, 4);
    traces[2][17] = NaN;
    traces[3][5] = -0;
    const path = join(dir, 'traces.npy');
    writeTracesNpy(path, t, labels, traces);
    const a = readNpy(path);
    expect(a.shape).toEqual([2001, 5]);
    expect(a.fortranOrder).toBe(false);
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(npyHeader([2001, 5]).length + 2001 * 5 * 8);
    for (let r = 0; r < 2001; r++) {
      expect(a.data[r * 5]).toBe(t[r]);
      for (let c = 0; c < 4; c++) expect(Object.is(a.data[r * 5 + 1 + c], traces[c][r])).toBe(true);
    }
    // the data really are little-endian float64 right after the header
    expect(bytes.readDoubleLE(npyHeader([2001, 5]).length + 8 * 5)).toBe(t[1]);
  });

  it('streams in chunks without dropping or duplicating rows at chunk boundaries', () => {
    const { t, traces, labels } = sample(70_001, 3); // > 1 MiB of rows: several chunks
    const path = join(dir, 'long.npy');
    writeTracesNpy(path, t, labels, traces, { sidecar: null });
    const a = readNpy(path);
    expect(a.shape).toEqual([70_001, 4]);
    for (const r of [0, 32767, 32768, 43690, 43691, 65535, 65536, 70_000]) {
      expect(a.data[r * 4]).toBe(t[r]);
      expect(a.data[r * 4 + 3]).toBe(traces[2][r]);
    }
  });

  it('writes a sidecar naming columns and units', () => {
    const { t, traces } = sample(10, 2);
    const path = join(dir, 'named.npy');
    writeTracesNpy(path, t, ['soma', 'cai'], traces, { units: ['mV', 'mM'], extras: [{ section: 'soma[0]', x: 0.5 }, { section: 'dend[1]', x: 1 }] });
    const side = JSON.parse(readFileSync(path + '.json', 'utf8'));
    expect(side).toMatchObject({ format: 'npy', file: 'named.npy', dtype: 'float64', shape: [10, 3] });
    expect(side.columns).toEqual([
      { name: 't_ms', unit: 'ms', quantity: 'time' },
      { name: 'soma', unit: 'mV', quantity: 'membrane potential', section: 'soma[0]', x: 0.5 },
      { name: 'cai', unit: 'mM', section: 'dend[1]', x: 1 },
    ]);
  });

  it('rejects mismatched lengths; readNpy refuses other files with a UserError', () => {
    const { t, traces } = sample(10, 1);
    expect(() => writeTracesNpy(join(dir, 'x.npy'), t, ['a', 'b'], traces)).toThrow(/2 labels for 1 traces/);
    expect(() => writeTracesNpy(join(dir, 'x.npy'), t, ['a'], [new Float64Array(9)])).toThrow(/9 samples, t_ms has 10/);
    const junk = join(dir, 'junk.npy');
    writeFileSync(junk, 'not numpy at all');
    expect(() => readNpy(junk)).toThrow(UserError);
    expect(() => readNpy(junk)).toThrow(/magic/);
  });

  it.skipIf(PY === null)('numpy.load reads the same numbers (and the sidecar names)', () => {
    const { t, traces, labels } = sample(501, 3);
    traces[1][100] = NaN;
    const path = join(dir, 'np.npy');
    writeTracesNpy(path, t, labels, traces);
    const script = [
      'import json, sys, numpy as np',
      'a = np.load(sys.argv[1])',
      'side = json.load(open(sys.argv[1] + ".json"))',
      'print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "c": bool(a.flags["C_CONTIGUOUS"]),',
      '  "names": [c["name"] for c in side["columns"]], "rows": [[None if np.isnan(v) else float(v).hex() for v in a[i]] for i in (0, 100, 500)]}))',
    ].join('\n');
    const got = JSON.parse(execFileSync(PY!, ['-c', script, path], { encoding: 'utf8' }));
    expect(got.shape).toEqual([501, 4]);
    expect(got.dtype).toBe('float64');
    expect(got.c).toBe(true);
    expect(got.names).toEqual(['t_ms', ...labels]);
    const hex = (v: number) => (Number.isNaN(v) ? null : v);
    for (const [j, r] of [0, 100, 500].entries()) {
      const want = [t[r], ...traces.map((tr) => tr[r])].map(hex);
      const have = got.rows[j].map((h: string | null) => (h === null ? null : parseHexFloat(h)));
      expect(have).toEqual(want);
    }
  });
});

/** Python's float.hex() back to a number, exactly. */
function parseHexFloat(h: string): number {
  const m = /^(-)?0x([01])\.([0-9a-f]+)p([+-]\d+)$/.exec(h);
  if (!m) {
    if (/^-?0x0\.0p\+0$/.test(h)) return h.startsWith('-') ? -0 : 0;
    throw new Error(`unexpected hex float ${h}`);
  }
  const mant = Number(m[2]) + parseInt(m[3], 16) / 16 ** m[3].length;
  const v = mant * 2 ** Number(m[4]);
  return m[1] ? -v : v;
}
