/**
 * SIGINT and SIGTERM during `dendrite sweep --backend batch` and `--backend gpu` (the GPU backend
 * through its strict float32 emulator, DENDRITE_GPU_MODE=emu), on real processes. With --jobs 1
 * the batch backend computes in the main thread, and so does the gpu backend (src/sweep/batch.ts,
 * gpu.ts; src/sweep/turns.ts); with --jobs 2 the batches compute on worker threads
 * (src/sweep/batch-pool.ts). The interrupt line, the exit status and the ledger must be as with
 * --backend cpu.
 *
 * The sweep: three groups of four runs that cannot share a batch (nseg 11, then a long one with
 * nseg 801 or 201, then nseg 21), run in that order. The signal is sent once the first group is
 * recorded and 0.3 s have passed, so while the second computes. Checked: the line (kept runs, the exact command that
 * resumes), the exit status (130, 143), the ledger (only whole groups), how soon the process ends
 * (a small part of the second group's compute time, measured from the uninterrupted sweep's
 * records), and that the command the line gives finishes the sweep with results (table and kept
 * traces) identical to the uninterrupted sweep's.
 *
 * - batch, SIGINT: the watchdog stops the batch in progress at once; only the first group is kept.
 * - batch, SIGTERM: Node runs its listener only when the thread returns to the event loop, so the
 *   batch in progress ends and is recorded, then the sweep stops before the third group.
 * - batch on two workers, SIGINT and SIGTERM: the main thread only records, so both stop the sweep
 *   at once; the batches computing on the workers are dropped, only the first group is kept.
 * - gpu (emu), SIGINT and SIGTERM: the kernel launches let the event loop turn, so both stop the
 *   batch in progress at once; only the first group is kept.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLedgers } from '../../src/sweep/ledger.ts';
import { csvWithoutTiming, runCli, smallSweep, spawnCli, tempDir } from './helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Three groups of four runs (nseg of the dendrite: 11, `long`, 21), keeping the soma trace. */
function groupedSweep(dir: string, tstop_ms: number, long: number): string {
  const file = smallSweep(dir, { gna: [0.12], amps: [0.1, 0.15, 0.2, 0.25], tstop_ms, extra: { keep_traces: ['soma'] } });
  const s = JSON.parse(readFileSync(file, 'utf8'));
  s.parameters.unshift({ name: 'nseg', path: '$.discretization.nseg', values: [11, long, 21] });
  writeFileSync(file, JSON.stringify(s));
  return file;
}

/** The command an interrupt line gives, split as sh would (words, or single-quoted words). */
function resumeArgs(line: string): string[] {
  const m = /Resume with: (.*)$/.exec(line.trimEnd());
  expect(m, line).not.toBeNull();
  const words = [...m![1].matchAll(/'([^']*)'|(\S+)/g)].map((w) => w[1] ?? w[2]);
  expect(words[0]).toBe('dendrite');
  return words.slice(1);
}

interface Case {
  backend: 'batch' | 'gpu';
  /** More arguments of the command (and of the command the interrupt line gives). */
  args: string[];
  env: NodeJS.ProcessEnv;
  tstop_ms: number;
  long: number;
  /** Expected runs kept for each signal, and whether the process ends within the batch in progress. */
  expect: Record<'SIGINT' | 'SIGTERM', { kept: number; prompt: boolean }>;
}

const CASES: Case[] = [
  { backend: 'batch', args: ['--jobs', '1'], env: {}, tstop_ms: 2000, long: 801, expect: { SIGINT: { kept: 4, prompt: true }, SIGTERM: { kept: 8, prompt: false } } },
  // two workers (src/sweep/batch-pool.ts): chunks of six runs, the main thread free, so both signals act at once
  { backend: 'batch', args: ['--jobs', '2'], env: {}, tstop_ms: 2000, long: 801, expect: { SIGINT: { kept: 4, prompt: true }, SIGTERM: { kept: 4, prompt: true } } },
  { backend: 'gpu', args: [], env: { DENDRITE_GPU_MODE: 'emu' }, tstop_ms: 120, long: 201, expect: { SIGINT: { kept: 4, prompt: true }, SIGTERM: { kept: 4, prompt: true } } },
];

for (const c of CASES) {
  describe(`interrupting dendrite sweep --backend ${c.backend}${c.args.length ? ` ${c.args.join(' ')}` : ''}${c.env.DENDRITE_GPU_MODE ? ` (DENDRITE_GPU_MODE=${c.env.DENDRITE_GPU_MODE})` : ''}`, () => {
    const dir = tempDir(`sweep-interrupt-${c.backend}${c.args.join('')}-`);
    const file = groupedSweep(dir, c.tstop_ms, c.long);
    const ref = join(dir, 'ref');
    let secondGroup_s = 0;

    it('the uninterrupted sweep (the reference): three groups, in order', async () => {
      const r = await runCli(['sweep', file, '--out', ref, '--backend', c.backend, ...c.args, '-q'], c.env);
      expect(r.code, r.stderr).toBe(0);
      const recs = readLedgers(ref).records;
      expect(recs.size).toBe(12);
      for (const rec of recs.values()) expect(rec.backend).toBe(c.backend);
      // each record's wall_s holds its share of its batch's time
      for (let run = 4; run < 8; run++) secondGroup_s += recs.get(run)!.wall_s;
      console.log(`--backend ${c.backend}: the second group computes for ${secondGroup_s.toFixed(2)} s`);
    }, 60_000);

    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const want = c.expect[sig];
      it(`${sig} while the second group computes: exit ${sig === 'SIGINT' ? 130 : 143}, ${want.kept} runs kept, ${want.prompt ? 'at once' : 'after the batch in progress'}; the command it gives finishes the sweep as the uninterrupted one`, async () => {
        expect(secondGroup_s).toBeGreaterThan(0.5); // the reference ran, and the batch is long enough to tell
        const out = join(dir, `out ${sig}`); // a name the shell must quote
        const p = spawnCli(['sweep', file, '--out', out, '--backend', c.backend, ...c.args], c.env);
        const t0 = Date.now();
        while (readLedgers(out).records.size < 4) {
          expect(p.child.exitCode, 'the sweep ended before it was interrupted').toBeNull();
          expect(Date.now() - t0).toBeLessThan(60_000);
          await sleep(10);
        }
        // well inside the second group (signals that come in the instant between two batches, before the
        // next one starts, are handled when it ends: Node sees them only when the event loop turns)
        await sleep(300);
        expect(p.child.exitCode).toBeNull();
        expect(readLedgers(out).records.size).toBe(4);
        const sent = performance.now();
        p.child.kill(sig);
        const r = await p.done;
        const after_s = (performance.now() - sent) / 1000;
        console.log(`--backend ${c.backend}, ${sig}: ended ${after_s.toFixed(2)} s after the signal (the second group computes for ${secondGroup_s.toFixed(2)} s)`);
        expect(r.signal).toBeNull();
        expect(r.code).toBe(sig === 'SIGINT' ? 130 : 143);
        const recs = readLedgers(out).records;
        expect([...recs.keys()].sort((a, b) => a - b)).toEqual([...Array(want.kept).keys()]);
        if (want.prompt) expect(after_s).toBeLessThan(secondGroup_s / 2);
        const lines = r.stderr.trimEnd().split('\n');
        const line = lines.at(-1)!;
        expect(line).toBe(
          `dendrite: interrupted (${sig}); ${want.kept} of 12 runs are complete and kept in ${out}, ${want.kept} of them from this session; ` +
            `runs in progress were dropped. Resume with: dendrite sweep ${file} --out '${out}' --backend ${c.backend}${c.args.map((a) => ` ${a}`).join('')}`,
        );
        expect(r.stderr).not.toMatch(/\n\s+at |Error/);
        expect(readdirSync(out).filter((n) => n.startsWith('.') && n !== '.dendrite-output.json')).toEqual([]);

        const again = await runCli(resumeArgs(line), c.env);
        expect(again.code, again.stderr).toBe(0);
        expect(again.stderr).toContain(`12 runs (${want.kept} recorded before): ran ${12 - want.kept}`);
        expect(csvWithoutTiming(readFileSync(join(out, 'results.csv'), 'utf8'))).toBe(csvWithoutTiming(readFileSync(join(ref, 'results.csv'), 'utf8')));
        const npy = (d: string) => readFileSync(join(d, 'traces', 'soma.npy'));
        expect(npy(out).equals(npy(ref))).toBe(true);
      }, 90_000);
    }
  });
}
