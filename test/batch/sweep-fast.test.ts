/**
 * `dendrite sweep --backend batch --arithmetic fast`: the batch's fast kernels (docs/batch.md) give
 * the cpu backend's results within the single runs' 1e-9 mV (traces) and the same spike counts,
 * every ledger record says which arithmetic ran, and the flag is refused where it does not apply.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLedgers } from '../../src/sweep/ledger.ts';
import { runCli, smallSweep, tempDir } from '../sweep/helpers.ts';

function table(path: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',')) };
}

/** The .npy payload as doubles (little-endian float64, after the header). */
function npyDoubles(path: string): Float64Array {
  const b = readFileSync(path);
  const headerLen = b.readUInt16LE(8);
  const start = 10 + headerLen;
  return new Float64Array(b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length));
}

describe('sweep --backend batch --arithmetic fast', () => {
  it('equals the cpu backend within 1e-9 mV, records the arithmetic, and is refused elsewhere', async () => {
    const dir = tempDir('batch-fast-');
    const file = smallSweep(dir, { tstop_ms: 30, extra: { keep_traces: ['soma'] } });
    const cpu = await runCli(['sweep', file, '--out', join(dir, 'cpu'), '--jobs', '1', '--quiet']);
    expect(cpu.code, cpu.stderr).toBe(0);
    const fast = await runCli(['sweep', file, '--out', join(dir, 'fast'), '--backend', 'batch', '--arithmetic', 'fast']);
    expect(fast.code, fast.stderr).toBe(0);
    expect(fast.stderr).toMatch(/^ {2}ran on: batch 10 \(fast arithmetic\)$/m);

    const a = table(join(dir, 'cpu', 'results.csv'));
    const b = table(join(dir, 'fast', 'results.csv'));
    expect(b.header).toEqual(a.header);
    expect(b.rows).toHaveLength(10);
    let worst = 0;
    a.rows.forEach((row, r) => {
      row.forEach((x, c) => {
        const name = a.header[c];
        if (name === 'wall_s') return;
        if (name === 'n_spikes' || !Number.isFinite(Number(x))) expect(b.rows[r][c], `${name} of run ${r}`).toBe(x);
        else worst = Math.max(worst, Math.abs(Number(b.rows[r][c]) - Number(x)));
      });
    });
    expect(worst).toBeLessThanOrEqual(1e-9);
    const ta = npyDoubles(join(dir, 'cpu', 'traces', 'soma.npy'));
    const tb = npyDoubles(join(dir, 'fast', 'traces', 'soma.npy'));
    expect(tb.length).toBe(ta.length);
    let worstTrace = 0;
    for (let k = 0; k < ta.length; k++) worstTrace = Math.max(worstTrace, Math.abs(ta[k] - tb[k]));
    console.log(`sweep --arithmetic fast: results within ${worst}, soma traces within ${worstTrace} mV of --backend cpu`);
    expect(worstTrace).toBeLessThanOrEqual(1e-9);
    expect(worstTrace).toBeGreaterThan(0); // the fast kernels ran (the built-ins' generated kernels, solvers/batch/catalogue.ts)
    expect(Math.max(...ta)).toBeGreaterThan(0); // some variants fire

    const records = [...readLedgers(join(dir, 'fast')).records.values()];
    expect(records).toHaveLength(10);
    for (const rec of records) expect([rec.backend, rec.arithmetic]).toEqual(['batch', 'fast']);
    const exactRecords = [...readLedgers(join(dir, 'cpu')).records.values()];
    for (const rec of exactRecords) expect(rec.arithmetic).toBeUndefined();

    const onCpu = await runCli(['sweep', file, '--out', join(dir, 'x'), '--arithmetic', 'fast']);
    expect(onCpu.code).not.toBe(0);
    expect(onCpu.stderr).toMatch(/--arithmetic fast is for --backend batch \(got --backend cpu\)/);
    const bad = await runCli(['sweep', file, '--out', join(dir, 'y'), '--backend', 'batch', '--arithmetic', 'quick']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--arithmetic: expected exact or fast, got "quick"/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 180_000);
});
