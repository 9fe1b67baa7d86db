/** bin/dendrite.mjs without a build: one clear line saying what to run, exit 1, no stack trace. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('bin/dendrite.mjs', () => {
  it('says to run npm run build when dist/ is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite bin-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(ROOT, 'bin/dendrite.mjs'), join(dir, 'bin/dendrite.mjs'));
      const r = spawnSync(process.execPath, [join(dir, 'bin/dendrite.mjs'), '--help'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`dendrite: error: the compiled CLI (dist/cli/main.js) is missing: run npm run build in ${dir}/\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
