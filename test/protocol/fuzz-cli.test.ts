/**
 * Property test over mutated command lines: `main()` in-process with argv made from working
 * command lines (validate, run, info, mechanisms, plot) by dropping, duplicating, replacing,
 * inserting and swapping arguments, with values such as "", "--", unknown flags, 1e308, NaN, -1,
 * look-alike letters, 5000-character strings, missing files, folders and broken JSON. Every
 * mutant exits 0 or 1 with a message, never throws (a stack trace), never prints a stack trace,
 * never hangs. Inputs are copies in a temporary folder, which is also the working directory, so
 * whatever a mutant writes lands there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TMP = mkdtempSync(join(tmpdir(), 'dendrite-fuzz-cli-'));
const P = join(TMP, 'protocols', 'ramp.json');
const SWC = join(TMP, 'morphologies', 'ball_and_stick.swc');
const MECH = join(TMP, 'pas.json');
const BAD_JSON = join(TMP, 'bad.json');
const OUT = join(TMP, 'out');
const DONE = join(TMP, 'done');

const BASES: string[][] = [
  ['validate', P],
  ['run', P, '--out', OUT, '-q'],
  ['run', P, '--out', OUT, '--format', 'csv,npy', '--plot', '-q'],
  ['info', SWC],
  ['info', SWC, '--json', '--scale', '1'],
  ['info', SWC, '--keep-types', '1,3'],
  ['mechanisms'],
  ['mechanisms', 'hh', '--json'],
  ['mechanisms', '--file', MECH],
  ['mechanisms', '--file', MECH, '--code'],
  ['plot', DONE, '-q'],
];

const POOL = [
  '', '-', '--', '--bogus', '-x', '1e308', '-1', 'NaN', '0', '5e-324', 'csv,xyz', ',,,', 'ѕoma', 'hh', 'x'.repeat(5000),
  '--out', '--format', '--json', '--plot', '-q', '--scale', '--keep-types', '--drop-types', '--file', '--code', '--help', '--version',
  '--color', 'peak', '--view', 'zz', 'run', 'validate', 'info', 'mechanisms', 'plot',
  P, SWC, MECH, BAD_JSON, TMP, join(TMP, 'missing.json'), join(TMP, 'fresh_out'), DONE,
];

type Edit =
  | { kind: 'drop'; i: number }
  | { kind: 'duplicate'; i: number }
  | { kind: 'replace'; i: number; v: number }
  | { kind: 'insert'; i: number; v: number }
  | { kind: 'swap'; i: number; j: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), i: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), i: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), i: fc.nat(), v: fc.nat(POOL.length - 1) }),
  fc.record({ kind: fc.constant('insert' as const), i: fc.nat(), v: fc.nat(POOL.length - 1) }),
  fc.record({ kind: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }),
);

function apply(base: readonly string[], edits: readonly Edit[]): string[] {
  const a = [...base];
  for (const e of edits) {
    const i = e.i % (a.length + 1);
    if (e.kind === 'insert') a.splice(i, 0, POOL[e.v]);
    else if (a.length === 0) continue;
    else if (e.kind === 'drop') a.splice(i % a.length, 1);
    else if (e.kind === 'duplicate') a.splice(i % a.length, 0, a[i % a.length]);
    else if (e.kind === 'replace') a[i % a.length] = POOL[e.v];
    else {
      const j = e.j % a.length;
      [a[i % a.length], a[j]] = [a[j], a[i % a.length]];
    }
  }
  return a;
}

const LIMIT_MS = 20_000;
let cwd = '';

beforeAll(async () => {
  mkdirSync(join(TMP, 'protocols'));
  mkdirSync(join(TMP, 'morphologies'));
  copyFileSync(join(ROOT, 'fixtures/morphologies/ball_and_stick.swc'), SWC);
  copyFileSync(join(ROOT, 'fixtures/mechanisms/pas.json'), MECH);
  // the ramp example, shortened to 20 ms so that each run takes milliseconds
  const p = JSON.parse(readFileSync(join(ROOT, 'fixtures/protocols/ramp_ball_and_stick.json'), 'utf8'));
  p.run.tstop_ms = 20;
  p.stimuli[0].delay_ms = 2;
  p.stimuli[0].dur_ms = 10;
  writeFileSync(P, JSON.stringify(p));
  writeFileSync(BAD_JSON, '{"morphology": ');
  cwd = process.cwd();
  process.chdir(TMP);
  const done = await main(['node', 'dendrite', 'run', P, '--out', DONE, '-q'], { out: () => {}, err: () => {} });
  expect(done).toBe(0);
});

afterAll(() => {
  if (cwd) process.chdir(cwd);
  rmSync(TMP, { recursive: true, force: true });
});

describe('mutated command lines exit 0 or 1 with a message, never a stack trace', () => {
  it('the unmutated command lines all succeed', async () => {
    for (const argv of BASES) {
      const err: string[] = [];
      const code = await main(['node', 'dendrite', ...argv], { out: () => {}, err: (s) => err.push(s) });
      expect(code, `${argv.join(' ')}: ${err.join('\n')}`).toBe(0);
    }
  }, 120_000);

  it('120 mutants', async () => {
    let n = 0;
    const codes = [0, 0];
    await fc.assert(
      fc.asyncProperty(fc.nat(BASES.length - 1), fc.array(editArb, { minLength: 1, maxLength: 2 }), async (b, edits) => {
        const argv = apply(BASES[b], edits);
        const out: string[] = [];
        const err: string[] = [];
        const t0 = performance.now();
        let code: number;
        try {
          code = await main(['node', 'dendrite', ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) });
        } catch (e) {
          throw new Error(`main threw for ${JSON.stringify(argv).slice(0, 300)}: ${e instanceof Error ? e.stack : String(e)}`);
        }
        const ms = performance.now() - t0;
        n++;
        const label = JSON.stringify(argv).slice(0, 300);
        expect(ms, `took ${ms.toFixed(0)} ms: ${label}`).toBeLessThan(LIMIT_MS);
        expect([0, 1], label).toContain(code);
        codes[code]++;
        const text = [...out, ...err].join('\n');
        expect(text, label).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m);
        if (code === 1) expect(err.join('\n').trim().length, `exit 1 without a message: ${label}`).toBeGreaterThan(0);
      }),
      { seed: 20261202, numRuns: 120, endOnFailure: true },
    );
    console.log(`CLI fuzz: ${n} mutated command lines, ${codes[0]} exited 0, ${codes[1]} exited 1 with a message`);
    expect(n).toBe(120);
    expect(codes[0]).toBeGreaterThan(10); // the mutants are not all refused by the flag parser
  }, 300_000);
});
