/**
 * vitest globalSetup: the whole run's temporary files in one folder, removed at the end. Every
 * test that asks os.tmpdir() (and every process a test spawns: the CLI, NEURON's python3) gets
 * this folder through TMPDIR, so a run of the suite leaves nothing behind in the system's /tmp.
 * Set DENDRITE_KEEP_TEST_TMP=1 to keep it for a look after a failure (the path is printed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'dendrite-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (process.env.DENDRITE_KEEP_TEST_TMP === '1') {
      console.log(`test temporary files kept in ${root}`);
      return;
    }
    rmSync(root, { recursive: true, force: true });
  };
}
