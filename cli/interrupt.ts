/**
 * Ctrl-C, SIGTERM and SIGHUP while a command computes (`dendrite run`, `dendrite experiment run`):
 * one line on stderr saying what happened and what is on disk, exit status 128 + the signal number
 * (130, 143, 129), no stack trace, nothing left behind.
 *
 * Node runs a signal listener only when this thread returns to its event loop, which a simulation
 * (synchronous, seconds to hours) does not do. So:
 *
 * - `interruptible(f)` runs synchronous `f` under Node's SIGINT watchdog (`vm`'s `breakOnSigint`,
 *   the mechanism behind Ctrl-C in Node's REPL): Ctrl-C stops `f` at once and `Interrupted` is
 *   thrown from here. Only SIGINT has such a watchdog in Node. A SIGTERM or SIGHUP that arrives
 *   while `f` computes keeps its default action (the process ends at once, as the shell reports
 *   128 + the signal number) instead of waiting for a listener that would run only after the
 *   computation; it writes nothing, so nothing is lost, but no line can be printed.
 * - `untilSettled(p, ...)` waits for an asynchronous computation (the GPU backend) with listeners
 *   for all three signals: these run while it waits.
 *
 * Writing the output is not covered here: src/io/outdir.ts guards its own swap (it finishes or
 * rolls back and says which). Code run by `interruptible` must not write files: a stopped
 * computation does not run its `finally` blocks.
 */
import { existsSync, readdirSync } from 'node:fs';
import { constants } from 'node:os';
import vm from 'node:vm';
import { InterruptedError } from '../src/errors.ts';
import { readStamp } from '../src/io/outdir.ts';

/** A command stopped by a signal: main() prints `message` and exits with `exitCode` (128 + the signal number). */
export class Interrupted extends InterruptedError {
  constructor(signal: NodeJS.Signals, message: string) {
    super(signal, constants.signals[signal] ?? 0, message);
  }
}

/** What `dir` holds before a command writes it, for the interrupt message: "… was not created", "… is unchanged". */
export function untouched(dir: string): string {
  if (!existsSync(dir)) return `nothing was written; ${dir} was not created`;
  let empty = false;
  try {
    empty = readdirSync(dir).length === 0;
  } catch {
    // a file, or unreadable: refused before any computation; say only that it was not touched
  }
  if (empty) return `nothing was written to ${dir} (it is still empty)`;
  if (readStamp(dir)) return `nothing was written to ${dir}; the previous result there is unchanged`;
  return `nothing was written to ${dir}; what was there is unchanged`;
}

/** The line for a command stopped while computing, before any output. */
export function interruptedMessage(signal: NodeJS.Signals, what: string, dir: string): string {
  return `dendrite: interrupted (${signal}) while ${what}; ${untouched(dir)}`;
}

const WATCHED = new vm.Script('f()', { filename: 'dendrite-interruptible' });

/**
 * Run synchronous `f`; Ctrl-C stops it at once and throws `Interrupted` with `message()` (called
 * then, so that it describes the disk as it is). Errors of `f` pass through unchanged.
 */
export function interruptible<T>(f: () => T, message: (signal: NodeJS.Signals) => string): T {
  try {
    return WATCHED.runInContext(vm.createContext({ f }), { breakOnSigint: true }) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw new Interrupted('SIGINT', message('SIGINT'));
    throw e;
  }
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Wait for `p` (an asynchronous computation that writes nothing); a SIGINT, SIGTERM or SIGHUP
 * meanwhile rejects with `Interrupted` and `message(signal)` at once.
 */
export async function untilSettled<T>(p: Promise<T>, message: (signal: NodeJS.Signals) => string): Promise<T> {
  let onSignal: (s: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    onSignal = (s) => reject(new Interrupted(s, message(s)));
  });
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await Promise.race([p, stopped]);
  } finally {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}

/** `s` as one shell word (POSIX sh): as it is when safe, else in single quotes. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command line that ran this process, as the user would type it: `dendrite ARGS`. */
export function commandLine(argv: readonly string[] = process.argv): string {
  return ['dendrite', ...argv.slice(2)].map(shellWord).join(' ');
}

/** What a sweep folder holds: runs recorded ok and failed, of how many. */
export interface SweepCounts {
  total: number;
  done: number;
  failed: number;
}

/**
 * The line for a sweep stopped by `signal`: how many runs are complete and kept in `out` (all
 * processes' ledgers; `count` reads them, null when there is no sweep folder yet), how many of
 * them this process recorded, and the exact command that resumes.
 */
export function sweepInterruptedMessage(signal: NodeJS.Signals, out: string, session: number, count: () => SweepCounts | null, argv: readonly string[] = process.argv): string {
  let c: SweepCounts | null = null;
  try {
    c = count();
  } catch {
    // no folder or manifest yet
  }
  const again = commandLine(argv);
  if (c === null || c.done + c.failed === 0) return `dendrite: interrupted (${signal}) before any run was recorded; nothing to keep in ${out}. Start again with: ${again}`;
  const kept = c.done + c.failed;
  const failed = c.failed > 0 ? ` (${c.failed} of them failed)` : '';
  return (
    `dendrite: interrupted (${signal}); ${kept} of ${c.total} runs are complete and kept in ${out}${failed}, ${session} of them from this session; ` +
    `runs in progress were dropped. Resume with: ${again}`
  );
}
