/**
 * Every test file that can skip (`it.skipIf`, `describe.skipIf`, `runIf`, `ctx.skip()`) also
 * prints why, with a console.log that says "skip": a skipped test that says nothing looks like a
 * pass to whoever reads the output of `npm test`.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEST = fileURLToPath(new URL('.', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : /\.test\.ts$/.test(f) ? [p] : [];
  });
}

const SKIPS = /\.(skipIf|runIf)\(|\b(it|describe|test)\.skip\(|\bctx\.skip\(|\bcontext\.skip\(/;
const REASON = /console\.log\([^;]*skip/is;

describe('skipped tests say why', () => {
  const files = walk(TEST).filter((f) => SKIPS.test(readFileSync(f, 'utf8')));
  it('finds the test files that can skip', () => {
    expect(files.length).toBeGreaterThan(3);
  });
  for (const f of files) {
    it(relative(TEST, f), () => {
      expect(REASON.test(readFileSync(f, 'utf8')), `${relative(TEST, f)} can skip but prints no reason (console.log(... skip ...))`).toBe(true);
    });
  }
});
