/**
 * Ctrl-C (SIGINT) and SIGTERM at random moments of real `dendrite run` processes, starting from a
 * folder holding a complete previous output: afterwards the folder is exactly the old output or a
 * complete new one, no hidden temporary folder is left beside it, and the process ended with
 * 130/143 and one line on stderr, or (before any output was written, when Node's default
 * disposition applies) was ended by the signal itself, which a shell reports as 130/143 too.
 * A run killed with SIGKILL while writing is cleaned up by the next run.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAMP_FILE, readStamp } from '../../src/io/outdir.ts';
import { readNpy } from '../../src/io/npy.ts';
import { ROOT, spawnCli, type CliProcess } from '../helpers/cli-process.ts';

const RUNS = 24; // in two lanes of 12
const FILES = ['run.json', 'spikes.csv', 'traces.csv', 'traces.json', 'traces.npy', 'traces.npy.json'];

/** Seeded PRNG (mulberry32): the same delays every time. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A passive ball-and-stick cell with 30 recording sites, so that writing three formats takes a while. */
function writeProtocol(dir: string): string {
  const p = JSON.parse(readFileSync(join(ROOT, 'fixtures/protocols/ramp_ball_and_stick.json'), 'utf8'));
  p.morphology = join(ROOT, 'fixtures/morphologies/ball_and_stick.swc');
  p.record = Array.from({ length: 30 }, (_, k) => ({ label: `site${k}`, at: `dend[0](${((k % 21) + 0.5) / 21})` }));
  p.run.tstop_ms = 100;
  const path = join(dir, 'p.json');
  writeFileSync(path, JSON.stringify(p));
  return path;
}

/** The folder is a complete output: the stamp lists exactly what is there, every file whole. Returns the stamp's time. */
function expectComplete(out: string): string {
  const stamp = readStamp(out);
  expect(stamp, 'stamp').not.toBeNull();
  expect(readdirSync(out).filter((n) => n !== STAMP_FILE).sort()).toEqual(stamp!.files);
  expect(stamp!.files).toEqual(FILES);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { samples: number };
  expect(run.samples).toBe(4001);
  const csv = readFileSync(join(out, 'traces.csv'), 'utf8').trimEnd().split('\n');
  expect(csv.length).toBe(run.samples + 1);
  expect(csv[csv.length - 1].split(',').length).toBe(31);
  expect(JSON.parse(readFileSync(join(out, 'traces.json'), 'utf8')).t_ms.length).toBe(run.samples);
  expect(readNpy(join(out, 'traces.npy')).shape).toEqual([run.samples, 31]);
  return stamp!.created;
}

/**
 * Is the child still running? Not if it has exited but not been reaped yet (a zombie: a signal
 * sent now "succeeds" but does nothing). Linux: /proc/PID/stat; elsewhere, only what node knows.
 */
function running(proc: CliProcess): boolean {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return false;
  try {
    const stat = readFileSync(`/proc/${proc.child.pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** Resolves when a hidden `.out.partial-*` folder appears (writing has begun), or the process ends. */
async function writingStarted(base: string, proc: CliProcess): Promise<boolean> {
  let ended = false;
  void proc.done.then(() => (ended = true));
  while (!ended) {
    if (readdirSync(base).some((n) => n.startsWith('.out.partial-'))) return true;
    await sleep(1);
  }
  return false;
}

interface Outcomes {
  /** Our handler ran: exit 130/143 and one line. */
  handled: number;
  /** Ended by the signal itself (before any output was written, or after the handler was released). */
  killedBySignal: number;
  /** Finished before the signal could be sent. */
  finished: number;
  /** Afterwards the folder held the previous output / a new one. */
  old: number;
  new: number;
  /** SIGKILLed runs that left a hidden folder, which the next run removed. */
  leftByKill: number;
}

/** One lane: a folder with a complete output, then `runs` interrupted runs into it, then SIGKILL and a clean-up run. */
async function lane(seed: number, runs: number, o: Outcomes): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'dendrite-interrupt-'));
  const protocol = writeProtocol(base);
  const out = join(base, 'out');
  const args = ['run', protocol, '--out', out, '--format', 'csv,npy,json', '-q'];

  // A complete output to start from, and how long the phases take on this machine now.
  const t0 = performance.now();
  const first = spawnCli(args);
  expect(await writingStarted(base, first)).toBe(true);
  // Load on this shared machine changes: follow when writing starts, run by run.
  let tStart = performance.now() - t0;
  const r0 = await first.done;
  let tLen = performance.now() - t0 - tStart;
  expect(r0.code, r0.stderr).toBe(0);
  let last = expectComplete(out);

  const rnd = prng(seed);
  for (let i = 0; i < runs; i++) {
    const sig: NodeJS.Signals = (i >> 1) % 2 === 0 ? 'SIGINT' : 'SIGTERM';
    const proc = spawnCli(args);
    const t1 = performance.now();
    if (i % 2 === 0) {
      // loading, computing, up to the start of writing
      await sleep(tStart * (0.4 + 0.6 * rnd()));
    } else if (await writingStarted(base, proc)) {
      // while writing, swapping, and just after
      tStart = performance.now() - t1;
      await sleep(tLen * 1.1 * rnd());
    }
    const sent = running(proc) && proc.child.kill(sig);
    const r = await proc.done;
    if (i % 2 === 1 && !sent) tLen = performance.now() - t1 - tStart;
    const where = `lane ${seed} run ${i} (${sig}, ${i % 2 === 0 ? 'before writing' : 'writing'}): code ${r.code}, signal ${r.signal}, stderr ${JSON.stringify(r.stderr)}`;

    expect(r.stderr, where).not.toMatch(/\n\s+at |Error:/);
    // A signal sent while the process is already exiting (its guard released, the output complete)
    // can be lost between the kernel and Node's signal watcher: the run then ends as finished, and
    // must have left its complete new output (checked below).
    const finished = !sent || (r.code === 0 && r.signal === null && r.stderr === '');
    if (finished) {
      expect(r.code, where).toBe(0);
      o.finished++;
    } else if (r.signal !== null) {
      expect(r.signal, where).toBe(sig);
      expect(r.stderr, where).toBe('');
      o.killedBySignal++;
    } else {
      expect(r.code, where).toBe(128 + constants.signals[sig]);
      expect(r.stderr, where).toMatch(new RegExp(`^dendrite: interrupted \\(${sig}\\)[^\\n]*\\n$`));
      o.handled++;
    }
    // Exactly the old output or a complete new one; nothing hidden beside it.
    expect(readdirSync(base).sort(), where).toEqual(['out', 'p.json']);
    const now = expectComplete(out);
    if (finished) expect(now, where).not.toBe(last);
    if (now === last) o.old++;
    else o.new++;
    last = now;
  }

  // SIGKILL cannot be caught: what it leaves behind is cleaned up by the next run.
  const proc = spawnCli(args);
  if (await writingStarted(base, proc)) await sleep(tLen * 0.3 * rnd());
  proc.child.kill('SIGKILL');
  await proc.done;
  if (readdirSync(base).length > 2) o.leftByKill++;
  const again = await spawnCli(args).done;
  expect(again.code, again.stderr).toBe(0);
  expect(readdirSync(base).sort()).toEqual(['out', 'p.json']);
  expectComplete(out);
}

describe('interrupting dendrite run', () => {
  it(`${RUNS} runs interrupted by SIGINT or SIGTERM at seeded moments never leave a partial folder`, async () => {
    const o: Outcomes = { handled: 0, killedBySignal: 0, finished: 0, old: 0, new: 0, leftByKill: 0 };
    // Two folders side by side, one process each at a time (this machine has 2 cores).
    await Promise.all([lane(20261202, RUNS / 2, o), lane(8, RUNS / 2, o)]);
    console.log(`interrupt: ${RUNS} runs: ${JSON.stringify(o)}`);
    // Both kinds of moment were reached: before any output (the old folder stays) and while writing (the handler ran).
    expect(o.old).toBeGreaterThan(0);
    expect(o.handled).toBeGreaterThan(0);
  }, 300_000);
});
