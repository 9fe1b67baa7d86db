/**
 * The package as a user gets it: `npm pack` (which runs `prepare` → `npm run build`), the tarball
 * installed into a fresh project with no network, then, with plain node and no TypeScript loader,
 * (a) a script importing from 'dendrite' that runs a bundled protocol, (b) the installed `dendrite`
 * command, (c) a TypeScript file type-checked against the shipped declarations. Numbers are compared
 * with the same protocol run from the sources in this process: the compiled package must give the
 * same doubles.
 *
 * Offline install: `npm install --offline <tarball>` needs the registry metadata of the
 * dependencies in npm's cache, which `npm ci` does not always leave there (it fetches tarballs by
 * the lock file). If it fails for that reason, the project is installed with `npm ci --offline`
 * from a lock file pinning the dependencies to this repository's package-lock.json (tarballs by
 * integrity from the cache). If that fails too, the tests skip and print why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProtocol, runProtocol, loadSwc } from '../../src/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROTOCOL = 'fixtures/protocols/pulse_train_ball_and_stick.json';
const MORPHOLOGY = 'fixtures/morphologies/ball_and_stick.swc';
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** Plain node: no loader inherited from the test runner. */
const plainEnv = { ...process.env, NODE_OPTIONS: '' };

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: plainEnv, timeout });
}

let work = '';
let proj = '';
let tarball = '';
let packedFiles: { path: string; size: number }[] = [];
let skipReason: string | null = null;

/** A lock file for the fresh project: dendrite from the tarball, its dependencies as this repository pins them. */
function pinnedLock(tgz: string): object {
  const repo = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const root = repo.packages[''];
  const packages: Record<string, unknown> = {
    '': { name: 'pack-test', version: '1.0.0', dependencies: { dendrite: `file:${tgz}` } },
    'node_modules/dendrite': { version: root.version, resolved: `file:${tgz}`, license: root.license, dependencies: root.dependencies, bin: root.bin, engines: root.engines },
  };
  for (const [key, entry] of Object.entries(repo.packages as Record<string, { dev?: boolean; version: string; resolved?: string }>)) {
    if (key === '' || entry.dev) continue;
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const base = name.slice(name.lastIndexOf('/') + 1);
    packages[key] = { ...entry, resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${base}-${entry.version}.tgz` };
  }
  return { name: 'pack-test', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

function writeProject(deps: Record<string, string>): void {
  rmSync(proj, { recursive: true, force: true });
  const pkg = { name: 'pack-test', version: '1.0.0', private: true, type: 'module', dependencies: deps };
  mkdirSync(proj, { recursive: true });
  writeFileSync(join(proj, 'package.json'), JSON.stringify(pkg, null, 2));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'dendrite-pack-'));
  proj = join(work, 'project');
  const pack = run(NPM, ['pack', '--json', '--pack-destination', work], ROOT);
  if (pack.status !== 0) throw new Error(`npm pack failed (status ${pack.status}):\n${pack.stdout.slice(-3000)}\n${pack.stderr.slice(-2000)}`);
  const tgz = readdirSync(work).filter((f) => f.endsWith('.tgz'));
  expect(tgz).toHaveLength(1);
  tarball = join(work, tgz[0]);
  packedFiles = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0].files;

  writeProject({});
  const install = run(NPM, ['install', '--offline', '--no-audit', '--no-fund', tarball], proj);
  if (install.status === 0) return;
  const why = (install.stderr.match(/npm error (.*)/) ?? ['', 'unknown error'])[1];
  console.log(`pack.test: \`npm install --offline <tarball>\` failed (${why}); installing from a lock file pinned to package-lock.json instead`);
  writeProject({ dendrite: `file:${tarball}` });
  writeFileSync(join(proj, 'package-lock.json'), JSON.stringify(pinnedLock(tarball), null, 2));
  const ci = run(NPM, ['ci', '--offline', '--no-audit', '--no-fund'], proj);
  if (ci.status !== 0) {
    skipReason = `the packed tarball could not be installed offline (npm's cache lacks the dependencies; run npm ci with network first): ${(ci.stderr.match(/npm error (.*)/) ?? ['', ci.stderr.slice(-300)])[1]}`;
    console.log(`pack.test: skipped: ${skipReason}`);
  }
}, 400_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
}, 120_000);

/** The same run from the sources, in this process. */
function sourceRun() {
  const { built, result, probes } = runProtocol(loadProtocol(join(ROOT, PROTOCOL)));
  return {
    sections: loadSwc(join(ROOT, MORPHOLOGY)).sections.length,
    nNodes: built.layout.nNodes,
    steps: result.steps,
    labels: built.probes.map((p) => p.label),
    last: result.traces.map((t) => t[t.length - 1]),
    peak: result.traces.map((t) => Math.max(...t)),
    spikes_ms: probes.map((p) => p.spikes_ms),
  };
}

describe('the packed package', () => {
  it('holds the compiled code, declarations, docs and bundled examples, not the test fixtures', () => {
    const paths = packedFiles.map((f) => f.path);
    for (const p of ['package.json', 'README.md', 'LICENSE', 'bin/dendrite.mjs', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/cli/main.js', 'docs/api.md', 'docs/protocol.md', PROTOCOL, MORPHOLOGY, 'fixtures/mechanisms/hh.json', 'fixtures/sweeps/attenuation.json']) {
      expect(paths, p).toContain(p);
    }
    expect(paths.filter((p) => p.startsWith('fixtures/neuron/') || p.startsWith('test/') || p.startsWith('src/') || p.startsWith('cli/') || p.startsWith('bench/'))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  });

  it('(a) runs a bundled protocol from plain node with `import ... from "dendrite"`, giving the sources\' numbers', (ctx) => {
    if (skipReason !== null) return ctx.skip();
    const script = `
      import { loadSwc, loadProtocol, runProtocol, simulate, buildSimulation } from 'dendrite';
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const pkg = (p) => require.resolve('dendrite/package.json').replace(/package\\.json$/, p);
      const { built, result, probes } = runProtocol(loadProtocol(pkg(${JSON.stringify(PROTOCOL)})));
      const again = simulate(buildSimulation(loadProtocol(pkg(${JSON.stringify(PROTOCOL)}))).request);
      console.log(JSON.stringify({
        sections: loadSwc(pkg(${JSON.stringify(MORPHOLOGY)})).sections.length,
        nNodes: built.layout.nNodes,
        steps: result.steps,
        labels: built.probes.map((p) => p.label),
        last: result.traces.map((t) => t[t.length - 1]),
        peak: result.traces.map((t) => Math.max(...t)),
        spikes_ms: probes.map((p) => p.spikes_ms),
        simulateSame: again.traces.every((t, k) => t.every((v, i) => v === result.traces[k][i])),
      }));
    `;
    writeFileSync(join(proj, 'use.mjs'), script);
    const r = run(process.execPath, ['use.mjs'], proj, 120_000);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.simulateSame).toBe(true);
    const { simulateSame: _, ...numbers } = got;
    expect(numbers).toEqual(sourceRun());
    // The protocol's own claim: one spike per pulse, 5 pulses.
    expect(got.spikes_ms[got.labels.indexOf('soma')]).toHaveLength(5);
  }, 120_000);

  it('(b) the installed `dendrite` command: --help, and run on a bundled example', (ctx) => {
    if (skipReason !== null) return ctx.skip();
    const bin = join(proj, 'node_modules/.bin/dendrite');
    const help = run(bin, ['--help'], proj);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: dendrite/);
    expect(help.stdout).toMatch(/run \[options\] <protocol>/);
    const out = join(work, 'run-out');
    const r = run(bin, ['run', join(proj, 'node_modules/dendrite', PROTOCOL), '--out', out, '--quiet'], proj, 120_000);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = readFileSync(join(out, 'traces.csv'), 'utf8').trim().split('\n');
    const src = sourceRun();
    expect(rows[0].split(',').length).toBe(1 + src.labels.length);
    expect(rows.length - 1).toBe(src.steps + 1);
    const lastRow = rows[rows.length - 1].split(',').slice(1).map(Number);
    lastRow.forEach((v, k) => expect(v).toBeCloseTo(src.last[k], 6));
    const meta = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(meta.dendrite_version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(existsSync(join(out, 'spikes.csv'))).toBe(true);
  }, 120_000);

  it('(b2) the installed `dendrite sweep` runs a bundled sweep on worker threads (the compiled worker.js)', (ctx) => {
    if (skipReason !== null) return ctx.skip();
    const out = join(work, 'sweep-out');
    const sweepFile = join(proj, 'node_modules/dendrite/fixtures/sweeps/attenuation.json');
    const r = run(join(proj, 'node_modules/.bin/dendrite'), ['sweep', sweepFile, '--out', out, '--jobs', '2', '--quiet'], proj, 180_000);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [head, ...lines] = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    const cols = head.split(',');
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
    expect(rows).toHaveLength(16);
    expect(rows.every((x) => x.status === 'ok')).toBe(true);
    // Passive cable: attenuation falls with distance, and a thicker dendrite (longer λ) attenuates less.
    const att = (d: string, x: string) => Number(rows.find((q) => q.diam_um === d && q.distance_um === x)!.attenuation);
    for (const d of ['0.5', '1', '2', '4']) expect(att(d, '100')).toBeGreaterThan(att(d, '1000'));
    expect(att('4', '1000')).toBeGreaterThan(att('0.5', '1000'));
    expect(att('0.5', '1000')).toBeGreaterThan(0);
  }, 200_000);

  it('(b3) the installed `dendrite experiment` lists the experiments and runs one from the package\'s own fixtures', (ctx) => {
    if (skipReason !== null) return ctx.skip();
    const bin = join(proj, 'node_modules/.bin/dendrite');
    const list = run(bin, ['experiment', 'list', '--json'], work);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout).map((e: { name: string }) => e.name)).toContain('attenuation');
    expect(packedFiles.some((f) => f.path === 'fixtures/experiments/attenuation/ca1_base.json')).toBe(true);
    const out = join(work, 'experiment-out');
    const r = run(bin, ['experiment', 'run', 'attenuation', '--quick', '--quiet', '--out', out], work, 180_000);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(res.all_checks_pass).toBe(true);
    // the protocols it wrote name the installed package's files
    const p = JSON.parse(readFileSync(join(out, 'protocols', res.protocols[0]), 'utf8'));
    expect(p.morphology.startsWith(join(proj, 'node_modules/dendrite/fixtures/'))).toBe(true);
  }, 200_000);

  it('(c) a TypeScript file type-checks against the shipped declarations, and a type mistake is caught', (ctx) => {
    if (skipReason !== null) return ctx.skip();
    writeFileSync(
      join(proj, 'check.ts'),
      `import { loadProtocol, parseProtocol, runProtocol, simulate, buildSimulation, builtinCatalogue, ProtocolError, UserError,
         type Protocol, type ProtocolRun, type SimulationResult } from 'dendrite';
       const p: Protocol = loadProtocol('x.json');
       const q: Protocol = parseProtocol({}, 'inline');
       const r: ProtocolRun = runProtocol(p, { onProgress: undefined });
       const s: SimulationResult = simulate(buildSimulation(q).request);
       const n: number = r.built.layout.nNodes + s.steps + builtinCatalogue().names().length;
       const e: UserError = new ProtocolError('p.json', 'run.dt_ms', 'bad');
       // @ts-expect-error dt_ms is a number, not a string: the declarations carry real types
       const wrong: string = r.result.dt_ms;
       export { n, e, wrong };
      `,
    );
    writeFileSync(
      join(proj, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', typeRoots: [join(ROOT, 'node_modules/@types')], types: ['node'] },
        files: ['check.ts'],
      }),
    );
    const r = run(process.execPath, [TSC, '-p', proj], proj, 120_000);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
