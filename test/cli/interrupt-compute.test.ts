/**
 * Ctrl-C (SIGINT) and SIGTERM while a command computes, on real processes (cli/interrupt.ts):
 *
 * - `dendrite run` and `dendrite experiment run`: Ctrl-C stops the computation at once, prints one
 *   line saying nothing was written and what the folder holds, exits 130, leaves the folder as it
 *   was and nothing hidden beside it. SIGTERM while computing ends the process at once by the
 *   signal's default action (Node can run no listener while the computation holds the thread;
 *   docs/protocol.md says so): nothing written, nothing left behind.
 * - `dendrite sweep`: SIGINT and SIGTERM print how many runs are complete and kept and the exact
 *   command that resumes; that command finishes the sweep.
 *
 * "While computing" is made sure of by the child's CPU time (/proc on Linux): the signal is sent
 * once it has used more than start-up takes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, spawnCli, type CliProcess } from '../helpers/cli-process.ts';
import { readStamp } from '../../src/io/outdir.ts';
import { readLedgers } from '../../src/sweep/ledger.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tmp = () => mkdtempSync(join(tmpdir(), 'dendrite-interrupt-compute-'));

/** CPU seconds the child has used (Linux), or null where /proc is not there. */
function cpuSeconds(p: CliProcess): number | null {
  try {
    const stat = readFileSync(`/proc/${p.child.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}

/** Wait until the child has computed for a while: `cpu_s` of CPU time (else 8 s of wall time). */
async function computing(p: CliProcess, cpu_s: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    expect(p.child.exitCode, 'the command ended before it was interrupted').toBeNull();
    const cpu = cpuSeconds(p);
    if (cpu === null ? Date.now() - t0 > 8000 : cpu >= cpu_s) return;
    await sleep(50);
  }
}

/**
 * A protocol that computes for a long time (8 million steps of a 402-compartment ball and stick,
 * a minute or more) and writes little (one sample per 10 ms).
 */
function longProtocol(dir: string): string {
  const p = JSON.parse(readFileSync(join(ROOT, 'fixtures/protocols/ramp_ball_and_stick.json'), 'utf8'));
  p.morphology = join(ROOT, 'fixtures/morphologies/ball_and_stick.swc');
  p.discretization.nseg = 401;
  p.run.tstop_ms = 200_000;
  p.run.record_dt_ms = 10;
  const path = join(dir, 'long.json');
  writeFileSync(path, JSON.stringify(p));
  return path;
}

/** Names and contents of every file under `dir`. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name).slice(dir.length)] = readFileSync(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

/** Start-up (loading tsx, the sources, the protocol) takes well under this much CPU, once tsx's cache is warm. */
const STARTED_CPU_S = 4;

beforeAll(async () => {
  // warm tsx's compile cache for the modules these commands load (a fresh clone compiles them first)
  const dir = tmp();
  const v = await spawnCli(['validate', longProtocol(dir)]).done;
  expect(v.code, v.stderr).toBe(0);
  const l = await spawnCli(['experiment', 'list']).done;
  expect(l.code, l.stderr).toBe(0);
}, 120_000);

describe('Ctrl-C while dendrite run computes', () => {
  it('into a new folder: one line, exit 130, the folder not created, nothing hidden left', async () => {
    const dir = tmp();
    const protocol = longProtocol(dir);
    const out = join(dir, 'out');
    const p = spawnCli(['run', protocol, '--out', out]);
    await computing(p, STARTED_CPU_S);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.stderr).toBe(`dendrite: interrupted (SIGINT) while running the simulation; nothing was written; ${out} was not created\n`);
    expect(readdirSync(dir)).toEqual(['long.json']);
  }, 120_000);

  it('over a previous output: it is unchanged, and the line says so; SIGTERM ends it at once, the output still unchanged', async () => {
    const dir = tmp();
    const protocol = longProtocol(dir);
    const short = join(dir, 'short.json');
    writeFileSync(short, readFileSync(protocol, 'utf8').replace('"tstop_ms":200000', '"tstop_ms":50'));
    expect(readFileSync(short, 'utf8')).toContain('"tstop_ms":50,');
    const out = join(dir, 'out');
    const first = await spawnCli(['run', short, '--out', out, '-q']).done;
    expect(first.code, first.stderr).toBe(0);
    const before = snapshot(out);
    expect(readStamp(out)!.files).toContain('traces.csv');

    const p = spawnCli(['run', protocol, '--out', out, '--format', 'csv,npy']);
    await computing(p, STARTED_CPU_S);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toBe(`dendrite: interrupted (SIGINT) while running the simulation; nothing was written to ${out}; the previous result there is unchanged\n`);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['long.json', 'out', 'short.json']);

    const t = spawnCli(['run', protocol, '--out', out]);
    await computing(t, STARTED_CPU_S);
    t.child.kill('SIGTERM');
    const rt = await t.done;
    expect(rt.signal).toBe('SIGTERM'); // the default action: a shell reports 143
    expect(rt.stderr).toBe('');
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['long.json', 'out', 'short.json']);
  }, 180_000);
});

describe('Ctrl-C while dendrite run --backend auto computes', () => {
  it('on the backend it chose (the cpu where there is no GPU): the same line and exit 130', async () => {
    const dir = tmp();
    const protocol = longProtocol(dir);
    const out = join(dir, 'out');
    const p = spawnCli(['run', protocol, '--out', out, '--backend', 'auto']);
    // the choice is printed just before the run starts (the GPU probe's threads make CPU time no guide)
    let said = '';
    p.child.stderr!.on('data', (s: string) => (said += s));
    while (!said.includes('dendrite: backend auto: chose')) {
      expect(p.child.exitCode).toBeNull();
      await sleep(20);
    }
    await sleep(500);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(130);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`dendrite: interrupted (SIGINT) while running the simulation; nothing was written; ${out} was not created`);
    expect(readdirSync(dir)).toEqual(['long.json']);
  }, 120_000);
});

describe('Ctrl-C while dendrite experiment run computes', () => {
  it('one line, exit 130, the folder not created', async () => {
    const dir = tmp();
    const out = join(dir, 'bac');
    const p = spawnCli(['experiment', 'run', 'bac', '--out', out]);
    await computing(p, STARTED_CPU_S);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(130);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^bac: running: /); // its progress line, then the one line
    expect(lines.at(-1)).toBe(`dendrite: interrupted (SIGINT) while running experiment bac; nothing was written; ${out} was not created`);
    expect(r.stderr).not.toMatch(/\n\s+at |Error/);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);
});

describe('interrupting dendrite sweep', () => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig}: how many runs are kept, and the exact command that resumes (which finishes the sweep)`, async () => {
      const dir = tmp();
      cpSync(join(ROOT, 'fixtures/sweeps'), join(dir, 'sweeps'), { recursive: true });
      const sweep = join(dir, 'sweeps', 'attenuation.json');
      const out = join(dir, 'my out'); // a name the shell must quote
      const p = spawnCli(['sweep', sweep, '--out', out, '--jobs', '1']);
      const t0 = Date.now();
      while (readLedgers(out).records.size < 2 && Date.now() - t0 < 90_000) await sleep(20);
      p.child.kill(sig);
      const r = await p.done;
      expect(r.code).toBe(sig === 'SIGINT' ? 130 : 143);
      const kept = readLedgers(out).records.size;
      expect(kept).toBeGreaterThanOrEqual(2);
      expect(kept).toBeLessThan(16);
      const m = new RegExp(`^dendrite: interrupted \\(${sig}\\); (\\d+) of 16 runs are complete and kept in ${out}, (\\d+) of them from this session; runs in progress were dropped\\. Resume with: (.*)\\n$`).exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      expect(Number(m![1])).toBe(kept);
      expect(Number(m![2])).toBe(kept);
      expect(m![3]).toBe(`dendrite sweep ${sweep} --out '${out}' --jobs 1`);
      expect(readdirSync(dir).sort()).toEqual(['my out', 'sweeps']);
      expect(readdirSync(out).filter((n) => n.startsWith('.') && n !== '.dendrite-output.json')).toEqual([]);

      // the command it gives, as a shell splits it
      const words = [...m![3].matchAll(/'([^']*)'|(\S+)/g)].map((w) => w[1] ?? w[2]);
      expect(words[0]).toBe('dendrite');
      const again = await spawnCli(words.slice(1)).done;
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain(`16 runs (${kept} recorded before): ran ${16 - kept}`);
      expect(readLedgers(out).records.size).toBe(16);
    }, 240_000);
  }
});
