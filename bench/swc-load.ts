/**
 * Benchmark: load a 1,000,000-sample SWC (synthetic random tree written to a temp file).
 * Reports the median wall time of loadSwc over several runs and the process's peak RSS.
 * Target (issue 2): under 3 s.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSwc } from '../src/morphology/index.ts';

/** Deterministic pseudo-random tree: 3-point soma, branches of 20–200 samples. */
export function syntheticSwc(nSamples: number, seed = 1): string {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
  const out: string[] = ['# synthetic 1M-sample cell for the loader benchmark', '1 1 0 0 0 8 -1', '2 1 0 -8 0 8 1', '3 1 0 8 0 8 1'];
  const tips: { id: number; x: number; y: number; z: number; r: number; t: number }[] = [];
  let id = 3;
  while (id < nSamples) {
    const fromSoma = tips.length === 0 || rnd() < 0.05;
    const start = fromSoma ? { id: 1, x: 0, y: 0, z: 0, r: 1.5, t: rnd() < 0.2 ? 2 : rnd() < 0.5 ? 3 : 4 } : tips[Math.floor(rnd() * tips.length)];
    let { x, y, z, r } = start;
    let parent = start.id;
    const dx = rnd() - 0.5, dy = rnd() - 0.5, dz = rnd() - 0.5;
    const len = 20 + Math.floor(rnd() * 180);
    for (let k = 0; k < len && id < nSamples; k++) {
      id++;
      x += dx * 2 + (rnd() - 0.5); y += dy * 2 + (rnd() - 0.5); z += dz * 2 + (rnd() - 0.5);
      r = Math.max(0.1, r * 0.995);
      out.push(`${id} ${start.t} ${x.toFixed(3)} ${y.toFixed(3)} ${z.toFixed(3)} ${r.toFixed(4)} ${parent}`);
      parent = id;
    }
    tips.push({ id: parent, x, y, z, r, t: start.t });
  }
  return out.join('\n') + '\n';
}

export function benchSwcLoad(runs = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-bench-'));
  const file = join(dir, 'million.swc');
  try {
    writeFileSync(file, syntheticSwc(1_000_000));
    const times: number[] = [];
    let sections = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const m = loadSwc(file);
      times.push((performance.now() - t0) / 1000);
      sections = m.sections.length;
    }
    times.sort((a, b) => a - b);
    return {
      name: 'swc-load-1M',
      samples: 1_000_000,
      sections,
      runs,
      median_s: times[Math.floor(runs / 2)],
      min_s: times[0],
      peak_rss_MiB: process.resourceUsage().maxRSS / 1024,
      target_s: 3,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(benchSwcLoad(), null, 1));
}
