/**
 * Where our time goes in one benchmark:
 *
 *   node --import tsx bench/profile.ts NAME [--top N]
 *
 * tsx compiles each module to a single line, which makes a CPU profile's line numbers useless, so
 * this bundles bench/child.ts with esbuild (not minified, external source map) into
 * bench/out/prof/child.mjs, runs `node --cpu-prof child.mjs NAME` (one fresh run, as in
 * `npm run bench`), and prints for the samples taken inside simulate() (setup + steps):
 * - each function's self and inclusive time in % of that total (V8 attributes inlined functions
 *   to their own frames where it can, otherwise to the caller);
 * - the hottest source lines (mapped back through the source map) with their code.
 * The .cpuprofile stays in bench/out/prof/ (open it in Chrome DevTools for a flame chart).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PROF_DIR = fileURLToPath(new URL('./out/prof/', import.meta.url));

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  fn: string;
  self_ms: number;
  self_pct: number;
  total_ms: number;
  total_pct: number;
}

function key(f: CallFrame): string {
  const file = f.url.replace(/^file:\/\//, '').replace(ROOT, '');
  return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
}

/** Self and inclusive time per function for samples under a frame named `root` (default: simulate). */
export function summariseProfile(p: CpuProfile, root = 'simulate'): { total_ms: number; rows: ProfileRow[] } {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000; // the delta after a sample is the time it stands for
    const chain: string[] = [];
    let id: number | undefined = p.samples[i];
    let inside = false;
    while (id !== undefined) {
      const f = byId.get(id)!.callFrame;
      chain.push(key(f));
      if (f.functionName === root) inside = true;
      id = parent.get(id);
    }
    if (!inside) continue;
    all += dt;
    self.set(chain[0], (self.get(chain[0]) ?? 0) + dt);
    for (const k of new Set(chain)) total.set(k, (total.get(k) ?? 0) + dt);
  }
  const rows = [...total.entries()].map(([fn, t]) => {
    const s = self.get(fn) ?? 0;
    return { fn, self_ms: s, self_pct: (100 * s) / all, total_ms: t, total_pct: (100 * t) / all };
  });
  rows.sort((a, b) => b.self_ms - a.self_ms);
  return { total_ms: all, rows };
}


const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** For each generated line (0-based), the [source index, original line (0-based)] of its first mapping. */
function decodeLineMap(map: { sources: string[]; mappings: string }): ([number, number] | null)[] {
  const out: ([number, number] | null)[] = [];
  let src = 0;
  let line = 0;
  for (const genLine of map.mappings.split(';')) {
    let first: [number, number] | null = null;
    for (const seg of genLine.split(',')) {
      if (!seg) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      if (fields.length >= 4) {
        src += fields[1];
        line += fields[2];
        if (!first) first = [src, line];
      }
    }
    out.push(first);
  }
  return out;
}

/** Ticks per original source line, for frames in `bundleUrl`, over samples inside `root`. */
function hotLines(p: CpuProfile, bundleUrl: string, root = 'simulate'): Map<number, number> {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const inside = new Map<number, boolean>();
  const isInside = (id: number): boolean => {
    let cur: number | undefined = id;
    while (cur !== undefined) {
      if (byId.get(cur)!.callFrame.functionName === root) return true;
      cur = parent.get(cur);
    }
    return false;
  };
  const ticks = new Map<number, number>();
  for (const n of p.nodes) {
    if (n.callFrame.url !== bundleUrl || !n.positionTicks) continue;
    if (!inside.has(n.id)) inside.set(n.id, isInside(n.id));
    if (!inside.get(n.id)) continue;
    for (const pt of n.positionTicks) ticks.set(pt.line - 1, (ticks.get(pt.line - 1) ?? 0) + pt.ticks);
  }
  return ticks;
}

function main(): void {
  const args = process.argv.slice(2);
  const name = args[0];
  if (!name) {
    console.error('usage: node --import tsx bench/profile.ts NAME [--top N]');
    process.exit(2);
  }
  const ti = args.indexOf('--top');
  const top = ti >= 0 ? Number(args[ti + 1]) : 25;
  rmSync(PROF_DIR, { recursive: true, force: true });
  mkdirSync(PROF_DIR, { recursive: true });
  const bundle = join(PROF_DIR, 'child.mjs');
  buildSync({
    entryPoints: [join(ROOT, 'bench/child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'external',
    outfile: bundle,
    logLevel: 'error',
    // The bundle lives in bench/out/prof/; paths in bench/cases.ts are relative to bench/.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'bench/cases.ts')).href) },
  });
  const r = spawnSync(
    process.execPath,
    ['--cpu-prof', '--cpu-prof-dir', PROF_DIR, '--cpu-prof-interval', '100', bundle, name],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  if (r.status !== 0) throw new Error(`profiled run failed:\n${r.stderr}`);
  process.stdout.write(r.stdout.split('\n').filter((l) => l.startsWith('BENCH_RESULT')).join('\n') + '\n');
  const files = readdirSync(PROF_DIR)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(PROF_DIR, f));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${PROF_DIR}`);
  const summaries = files.map((f) => {
    const prof = JSON.parse(readFileSync(f, 'utf8')) as CpuProfile;
    return { f, prof, s: summariseProfile(prof) };
  });
  summaries.sort((a, b) => b.s.total_ms - a.s.total_ms);
  const { f, prof, s } = summaries[0];
  console.log(`${f}\nsamples inside simulate(): ${s.total_ms.toFixed(0)} ms\n`);
  console.log(' self %  self ms  incl %  function');
  for (const row of s.rows.slice(0, top)) {
    const fn = row.fn.replace(/ bench\/out\/prof\/child\.mjs:\d+$/, '');
    console.log(`${row.self_pct.toFixed(1).padStart(7)} ${row.self_ms.toFixed(0).padStart(8)} ${row.total_pct.toFixed(1).padStart(7)}  ${fn}`);
  }
  const map = JSON.parse(readFileSync(bundle + '.map', 'utf8')) as { sources: string[]; mappings: string };
  const lineMap = decodeLineMap(map);
  const bundleUrl = pathToFileURL(bundle).href;
  const byLine = new Map<string, { ticks: number; file: string; line: number }>();
  let totalTicks = 0;
  for (const [genLine, t] of hotLines(prof, bundleUrl)) {
    totalTicks += t;
    const m = lineMap[genLine];
    const file = m ? resolve(PROF_DIR, map.sources[m[0]]) : bundle;
    const line = m ? m[1] : genLine;
    const k = `${file}:${line}`;
    const e = byLine.get(k) ?? { ticks: 0, file, line };
    e.ticks += t;
    byLine.set(k, e);
  }
  const lines = [...byLine.values()].sort((a, b) => b.ticks - a.ticks).slice(0, top);
  const texts = new Map<string, string[]>();
  console.log(`\nhottest source lines (% of ${totalTicks} ticks in our code inside simulate):`);
  for (const e of lines) {
    if (!texts.has(e.file)) texts.set(e.file, readFileSync(e.file, 'utf8').split('\n'));
    const code = (texts.get(e.file)![e.line] ?? '').trim().slice(0, 90);
    const where = `${e.file.replace(ROOT, '')}:${e.line + 1}`;
    console.log(`${((100 * e.ticks) / totalTicks).toFixed(1).padStart(6)}  ${where.padEnd(34)} ${code}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
