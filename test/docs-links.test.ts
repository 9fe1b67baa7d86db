/**
 * What a user reads works from a fresh clone: README.md, docs/*.md, every fixtures README and every
 * example protocol point only at files inside this repository that exist. Checked:
 *
 * - markdown links `[text](target)` (not URLs or anchors): the target exists, inside the repository;
 * - code spans that are paths (`fixtures/protocols/x.json`, `../../docs/protocol.md`): one that
 *   climbs out of the repository is an error; one that starts at a top-level folder of the
 *   repository and has no placeholder (`<file>`, `*`) must exist, unless it is NEURON's
 *   (`NEURON 8.2's \`src/nrnoc/hh.mod\``);
 * - any mention of the shared folder outside the checkout (`../shared/...`, `shared/fixtures`,
 *   `/work/...`), in prose, code spans or code blocks;
 * - in protocols, every string that names a file (.swc, .csv, .json): it resolves inside the
 *   repository and exists.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TOP = new Set(readdirSync(ROOT).filter((f) => !f.startsWith('.') && f !== 'node_modules'));

function walk(dir: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...walk(p, keep));
    else if (keep(f)) out.push(p);
  }
  return out;
}

const markdown = [
  join(ROOT, 'README.md'),
  ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f)),
  ...walk(join(ROOT, 'fixtures'), (f) => f === 'README.md'),
];
const protocols = readdirSync(join(ROOT, 'fixtures/protocols')).filter((f) => f.endsWith('.json')).map((f) => join(ROOT, 'fixtures/protocols', f));

const inside = (p: string) => p === ROOT || p.startsWith(ROOT + sep);
const OUTSIDE = /(?:\.\.\/)+shared\/|\/work\/|\bshared\/(?:fixtures|neuron-|DESIGN)/;

/** Problems with the paths one markdown file mentions, as "file:line: what". */
export function markdownProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  const dir = dirname(file);
  const lines = text.split('\n');
  const report = (line: number, what: string) => problems.push(`${relative(ROOT, file)}:${line + 1}: ${what}`);
  lines.forEach((line, n) => {
    const bad = OUTSIDE.exec(line);
    if (bad) report(n, `points outside the repository (${bad[0]}...)`);
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1].replace(/#.*$/, '');
      if (target === '' || /^[a-z]+:/i.test(target) || /^[\d.e+-]+$/.test(target)) continue; // a URL, or sec[i](x)
      const p = resolve(dir, decodeURIComponent(target));
      if (!inside(p)) report(n, `link ${m[1]} leaves the repository`);
      else if (!existsSync(p)) report(n, `link ${m[1]} names a missing file`);
    }
    for (const m of line.matchAll(/`([^`\s]+)`/g)) {
      const span = m[1];
      if (!span.includes('/') || /^[a-z]+:\/\//i.test(span) || span.startsWith('/')) continue;
      if (!/^[\w.\-/<>*]+$/.test(span)) continue;
      if (span.includes('..')) {
        // relative to this file, or (README commands) to the repository root
        if (!inside(resolve(dir, span.replace(/<.*$/, ''))) && !inside(resolve(ROOT, span.replace(/<.*$/, '')))) {
          report(n, `\`${span}\` leaves the repository`);
        }
        continue;
      }
      const first = span.split('/')[0];
      if (!TOP.has(first) || /[<>*]/.test(span)) continue;
      if (/NEURON[^`]{0,6}'s $/.test(line.slice(0, m.index))) continue; // a file of NEURON's source tree
      if (!existsSync(join(ROOT, span)) && !existsSync(resolve(dir, span))) report(n, `\`${span}\` names a missing file`);
    }
  });
  return problems;
}

/** Problems with the files one protocol names. */
export function protocolProblems(file: string, value: unknown, path = '$'): string[] {
  const problems: string[] = [];
  if (typeof value === 'string') {
    if (OUTSIDE.test(value)) problems.push(`${relative(ROOT, file)}: ${path}: ${JSON.stringify(value)} points outside the repository`);
    else if (/\.(swc|csv|json|asc)$/i.test(value)) {
      const p = resolve(dirname(file), value);
      if (!inside(p)) problems.push(`${relative(ROOT, file)}: ${path}: ${JSON.stringify(value)} leaves the repository`);
      else if (!existsSync(p)) problems.push(`${relative(ROOT, file)}: ${path}: ${JSON.stringify(value)} names a missing file`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => problems.push(...protocolProblems(file, v, `${path}[${i}]`)));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) problems.push(...protocolProblems(file, v, `${path}.${k}`));
  }
  return problems;
}

describe('README, docs, fixtures READMEs and example protocols stay inside the repository', () => {
  it('finds the files to check', () => {
    expect(markdown.length).toBeGreaterThan(5);
    expect(protocols.length).toBeGreaterThan(5);
  });
  it('the checker catches what it should (so that an empty result means something)', () => {
    const f = join(ROOT, 'docs', 'x.md');
    expect(markdownProblems(f, 'see `../shared/neuron-geometry.md` §1')).toHaveLength(1);
    expect(markdownProblems(f, 'see [the design](../../shared/DESIGN.md)')).toHaveLength(2);
    expect(markdownProblems(f, 'see [protocol](protocol.md) and `fixtures/protocols/README.md`')).toEqual([]);
    expect(markdownProblems(f, 'see [gone](gone.md) and `fixtures/protocols/gone.json`')).toHaveLength(2);
    expect(markdownProblems(f, '`../../../outside/x.swc`')).toHaveLength(1);
    expect(markdownProblems(f, 'files `fixtures/protocols/<file>.json`, output `out/ca1/traces.csv`')).toEqual([]);
    const p = join(ROOT, 'fixtures/protocols/x.json');
    expect(protocolProblems(p, { morphology: '../morphologies/ball_and_stick.swc' })).toEqual([]);
    expect(protocolProblems(p, { morphology: { file: '../../../shared/fixtures/morphologies/a.swc' } })).toHaveLength(1);
    expect(protocolProblems(p, { morphology: '../morphologies/missing.swc' })).toHaveLength(1);
  });
  for (const f of markdown) {
    it(relative(ROOT, f), () => {
      expect(markdownProblems(f, readFileSync(f, 'utf8'))).toEqual([]);
    });
  }
  for (const f of protocols) {
    it(relative(ROOT, f), () => {
      expect(protocolProblems(f, JSON.parse(readFileSync(f, 'utf8')))).toEqual([]);
    });
  }
});
