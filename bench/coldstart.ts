/**
 * The cold-start benchmark of `npm run bench` (`npm run bench -- cli-help`; run.ts dispatches here):
 * how long `dendrite --help` takes as a fresh process, `node bin/dendrite.mjs --help` timed from
 * spawn to exit in the parent, at least 9 times; the median is reported. Target: ≤ 0.3 s.
 *
 * It measures the compiled CLI in dist/ (what users run). dist/ is rebuilt first (`npm run build`)
 * when it is missing or older than a file in src/ or cli/. Node's own start-up (`node -e 0`),
 * interleaved with the CLI runs, is reported beside it: the difference is what Dendrite loads.
 * Where GNU time is installed (/usr/bin/time), the CPU time (user + sys) of each process is
 * reported too: on a loaded machine the wall time mostly measures the wait for a core.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/dendrite.mjs');
const DIST_MAIN = join(ROOT, 'dist/cli/main.js');

export interface ColdStartCase {
  kind: 'coldstart';
  name: 'cli-help';
  title: string;
  target_s: number;
}

export const COLDSTART_CASES: ColdStartCase[] = [
  { kind: 'coldstart', name: 'cli-help', title: '`dendrite --help` cold start: fresh `node bin/dendrite.mjs --help` processes, timed from spawn to exit', target_s: 0.3 },
];

export interface ColdStartResult {
  name: string;
  kind: 'coldstart';
  title: string;
  runs: number;
  median_s: number;
  min_s: number;
  max_s: number;
  wall_s: number[];
  /** `node -e 0`, interleaved with the runs: Node's own start-up on this machine. */
  node_median_s: number;
  /** Median CPU time (user + sys) of the CLI and of `node -e 0`, or null without /usr/bin/time. */
  cpu_median_s: number | null;
  node_cpu_median_s: number | null;
  target_s: number;
  target_met: boolean;
  measured_at: string;
  loadavg_start: number[];
  quick: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

function newestSource(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestSource(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return t;
}

/** Build dist/ unless it is there and newer than every source file. */
function ensureBuilt(): void {
  const stale = !existsSync(DIST_MAIN) || statSync(DIST_MAIN).mtimeMs < Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'cli')));
  if (!stale) return;
  process.stdout.write('  dist/ missing or older than the sources: npm run build\n');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
}

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Wall time from spawn to exit, and CPU time (user + sys) where GNU time can measure it. */
function timeProcess(args: string[]): { wall_s: number; cpu_s: number | null } {
  const [cmd, argv] = GNU_TIME ? [GNU_TIME, ['-f', 'CPU %U %S', process.execPath, ...args]] : [process.execPath, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const wall_s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}:\n${r.stderr.slice(-2000)}`);
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wall_s, cpu_s: m ? Number(m[1]) + Number(m[2]) : null };
}

export function benchColdStart(c: ColdStartCase, repeats: number, quick: boolean): ColdStartResult {
  ensureBuilt();
  const runs = Math.max(9, repeats);
  const loadStart = loadavg();
  timeProcess([BIN, '--help']); // once untimed: the file system cache
  const cli: { wall_s: number; cpu_s: number | null }[] = [];
  const bare: { wall_s: number; cpu_s: number | null }[] = [];
  for (let k = 0; k < runs; k++) {
    bare.push(timeProcess(['-e', '0']));
    cli.push(timeProcess([BIN, '--help']));
  }
  const wall = cli.map((x) => x.wall_s);
  const node = bare.map((x) => x.wall_s);
  const cpuMedian = (xs: { cpu_s: number | null }[]) => (xs.every((x) => x.cpu_s !== null) ? median(xs.map((x) => x.cpu_s!)) : null);
  const median_s = median(wall);
  process.stdout.write(`  ${c.name}: ${wall.map((x) => x.toFixed(3)).join(' ')} s; node -e 0 median ${median(node).toFixed(3)} s\n`);
  return {
    name: c.name,
    kind: 'coldstart',
    title: c.title,
    runs,
    median_s,
    min_s: Math.min(...wall),
    max_s: Math.max(...wall),
    wall_s: wall,
    node_median_s: median(node),
    cpu_median_s: cpuMedian(cli),
    node_cpu_median_s: cpuMedian(bare),
    target_s: c.target_s,
    target_met: median_s <= c.target_s,
    measured_at: new Date().toISOString(),
    loadavg_start: loadStart,
    quick,
  };
}

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));

export function summariseColdStart(r: ColdStartResult): string {
  return (
    `  => median ${r.median_s.toFixed(3)} s over ${r.runs} processes (node alone ${r.node_median_s.toFixed(3)} s; target ≤ ${r.target_s} s: ${r.target_met ? 'met' : 'NOT met'})` +
    `; CPU time median ${fmt(r.cpu_median_s)} s (node alone ${fmt(r.node_cpu_median_s)} s)`
  );
}

export function renderColdStart(results: ColdStartResult[]): string[] {
  if (results.length === 0) return [];
  const L: string[] = [
    '',
    '| start-up benchmark | runs | median wall s | min s | max s | node -e 0 median s | CPU median s (node -e 0) | target (median wall) | met? |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    L.push(
      `| ${r.name} | ${r.runs} | ${r.median_s.toFixed(3)} | ${r.min_s.toFixed(3)} | ${r.max_s.toFixed(3)} | ${r.node_median_s.toFixed(3)} | ` +
        `${fmt(r.cpu_median_s)} (${fmt(r.node_cpu_median_s)}) | ≤ ${r.target_s} s | ${r.target_met ? 'yes' : '**no**'} |`,
    );
  }
  for (const r of results) {
    L.push(
      `\n- **${r.name}**: ${r.title}; the compiled CLI in dist/; measured ${r.measured_at}, load average at start ${r.loadavg_start.map((x) => x.toFixed(2)).join(' ')}` +
        ` (on a loaded machine the wall time is mostly the wait for a core; the CPU time, user + sys from GNU time, is what the process itself costs).`,
    );
  }
  return L;
}
