/**
 * docs/api.md stays true: every ```js block in it runs (against the sources, `'dendrite'` mapped to
 * src/index.ts, the bundled files at node_modules/dendrite/ mapped to this repository), and the
 * scripted sweep prints exactly the table the page shows, with the f-I behaviour it describes.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');

/** The ```lang block following `marker` in the page. */
function blockAfter(marker: string, lang: string): string {
  const at = DOC.indexOf(marker);
  expect(at, `docs/api.md has no ${marker}`).toBeGreaterThanOrEqual(0);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(DOC.slice(at));
  expect(m, `no \`\`\`${lang} block after ${marker}`).not.toBeNull();
  return m![1];
}

function runJs(code: string, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-apidoc-'));
  try {
    const file = join(dir, 'example.mjs');
    const src = code
      .replaceAll("from 'dendrite'", `from '${pathToFileURL(join(ROOT, 'src/index.ts')).href}'`)
      .replaceAll("'node_modules/dendrite/", `'${ROOT}`);
    writeFileSync(file, src);
    return spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('docs/api.md', () => {
  it('the scripted sweep prints the table shown, an f-I curve of the bundled CA1 protocol', () => {
    const r = runJs(blockAfter('<!-- api-example: sweep', 'js'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const shown = blockAfter('<!-- api-example-output: sweep -->', 'text');
    expect(r.stdout).toBe(shown);
    // What the page says about it: no spike at 0.2 nA, one at 0.4 and 0.6 nA, repetitive firing
    // (> 150 Hz) from 0.8 nA, latency falling with current.
    const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split('\t'));
    expect(rows.map((x) => Number(x[0]))).toEqual([0.2, 0.4, 0.6, 0.8, 1.0]);
    const spikes = rows.map((x) => Number(x[1]));
    expect(spikes.slice(0, 3)).toEqual([0, 1, 1]);
    expect(Number(rows[3][2])).toBeGreaterThan(150);
    expect(spikes[4]).toBeGreaterThanOrEqual(spikes[3]);
    const latency = rows.slice(1).map((x) => Number(x[3]));
    for (let k = 1; k < latency.length; k++) expect(latency[k]).toBeLessThan(latency[k - 1]);
  }, 300_000);

  it('every other ```js example runs without an error', () => {
    const sweep = blockAfter('<!-- api-example: sweep', 'js');
    const blocks = [...DOC.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b !== sweep);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const b of blocks) {
      const r = runJs(b);
      expect(r.stderr, b).toBe('');
      expect(r.status, b).toBe(0);
      // The error example shows, in a comment, the message it prints.
      const shown = /console\.log\(e\.message\); \/\/ (.*)/.exec(b);
      if (shown) expect(r.stdout.trim()).toBe(shown[1]);
    }
  }, 300_000);
});
