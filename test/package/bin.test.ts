/** bin/dendrite.mjs without a build: one clear line saying what to run, exit 1, no stack trace. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('ends quietly (exit 0, no stack trace) when its reader closes the pipe, as in `dendrite … | head -1`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite bin-'));
    try {
      mkdirSync(join(dir, 'bin'));
      mkdirSync(join(dir, 'dist/cli'), { recursive: true });
      copyFileSync(join(ROOT, 'bin/dendrite.mjs'), join(dir, 'bin/dendrite.mjs'));
      // a stand-in for the compiled CLI that prints far more than a pipe holds
      writeFileSync(join(dir, 'dist/cli/main.js'), "export async function main() { for (let i = 0; i < 200000; i++) process.stdout.write('line ' + i + '\\n'); return 0; }\n");
      const r = spawnSync('bash', ['-c', `"${process.execPath}" "${join(dir, 'bin/dendrite.mjs')}" | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      expect(r.stdout).toBe('line 0\n');
      expect(r.stderr).toBe('status 0\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
