/**
 * Run the `dendrite` CLI as a real process (`node --import tsx test/helpers/cli-entry.ts ARGS`, tsx
 * found from the repository whatever the working folder), for
 * tests that need one: signals, the current folder, exit statuses. Independent of bin/ and dist/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
/** tsx's loader as a file URL, so the child finds it whatever its working folder. */
const TSX = import.meta.resolve('tsx');

export interface CliResult {
  /** Exit status, or null when the process was killed by a signal. */
  code: number | null;
  /** The signal that killed it, or null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is closed. */
  done: Promise<CliResult>;
}

/** Start `dendrite ARGS` in `cwd` (default the repository root). */
export function spawnCli(args: readonly string[], opts: { cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', TSX, CLI_ENTRY, ...args], {
    cwd: opts.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Run `dendrite ARGS` to the end. */
export function runCli(args: readonly string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  return spawnCli(args, opts).done;
}
