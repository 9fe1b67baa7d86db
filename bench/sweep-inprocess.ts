/**
 * Per-run overhead of a sweep measured inside one process, where machine noise between processes
 * cannot swamp a few per cent: `sweep()` (the library engine behind `dendrite sweep`, --jobs 1)
 * over bench/protocols/sweep16_c91662_hh_2048.json (the cell2048-hh benchmark 16 times), with plain
 * `runProtocol()` calls of the same protocol (load, build, simulate, analyse) before and after it.
 *
 *   node --import tsx bench/sweep-inprocess.ts
 *
 * Prints one JSON line: sweep wall per run against the median plain run (`vs_plain_pct`, the
 * overhead of expansion, checking, worker, ledger and results files) and the share of the sweep's
 * wall time spent outside its runs (`outside_runs_pct`). The cross-process `sweep-overhead` case of
 * `npm run bench` measures the same thing including Node start-up, but ±30 % load noise between
 * processes on the shared 2-core machine can hide a 5 % effect.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sweep } from '../src/sweep/index.ts';
import { loadProtocol, runProtocol } from '../src/protocol/index.ts';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const out = join(mkdtempSync(join(tmpdir(), 'dendrite-sweep-inprocess-')), 'sweep');
const p = loadProtocol(join(BENCH, 'protocols/c91662_hh_2048.json'));
const plain: number[] = [];
const plainRun = () => {
  const t = performance.now();
  runProtocol(p);
  plain.push((performance.now() - t) / 1000);
};
for (let k = 0; k < 3; k++) plainRun();
const t0 = performance.now();
const r = await sweep(join(BENCH, 'protocols/sweep16_c91662_hh_2048.json'), { out, jobs: 1 });
const wall_s = (performance.now() - t0) / 1000;
for (let k = 0; k < 3; k++) plainRun();
rmSync(join(out, '..'), { recursive: true, force: true });
const inRuns = (r.table.data.wall_s as number[]).map(Number);
const sum = inRuns.reduce((a, b) => a + b, 0);
const sorted = [...plain].sort((a, b) => a - b);
const median = (sorted[2] + sorted[3]) / 2;
console.log(JSON.stringify({
  runs: inRuns.length,
  sweep_wall_s: +wall_s.toFixed(3),
  per_run_s: +(wall_s / inRuns.length).toFixed(4),
  plain_runProtocol_median_s: +median.toFixed(4),
  plain_s: plain.map((x) => +x.toFixed(3)),
  vs_plain_pct: +(100 * (wall_s / inRuns.length / median - 1)).toFixed(2),
  outside_runs_pct: +(100 * (wall_s / sum - 1)).toFixed(2),
}));
