/**
 * The import direction the README states (Architecture), checked on every import in src/ and cli/:
 *
 *   shared leaves, the files directly in src/ but index.ts (errors.ts, suggest.ts, mathjs.ts: the
 *   unit table, ...), import nothing of ours;
 *   channels imports only the leaves and itself;
 *   morphology → cable → solvers → protocol / io → sweep → experiments → src/index.ts (public API) → cli;
 *   a layer imports only layers to its left (and channels from solvers upward); src never imports
 *   cli/ or test/.
 *
 * Plus the lazy-loading rule of cli/main.ts: what `dendrite --help` loads (the static, non-type
 * imports reachable from cli/main.ts) is commander, node built-ins, cli/ registration files and
 * the error classes; every implementation is imported inside the command's action.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Import {
  from: string; // repo-relative file
  spec: string; // as written
  target: string | null; // repo-relative file for relative specs, else null
  line: number;
  typeOnly: boolean;
  dynamic: boolean;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir))) {
    const p = join(dir, e);
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: Import[] = [];
  const add = (specNode: ts.Node, typeOnly: boolean, dynamic: boolean) => {
    if (!ts.isStringLiteral(specNode)) return;
    const spec = specNode.text;
    const target = spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : null;
    const line = sf.getLineAndCharacterOfPosition(specNode.getStart()).line + 1;
    out.push({ from: file, spec, target, line, typeOnly, dynamic });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined && c.namedBindings !== undefined && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const typeOnly = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier, typeOnly, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length > 0) {
      add(node.arguments[0], false, true);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The shared leaves: files directly in src/ except the public entry. */
const isLeaf = (file: string) => /^src\/[^/]+\.ts$/.test(file) && file !== 'src/index.ts';

/** Layer of a repo-relative file, with its rank (higher may import lower). */
function layer(file: string): { name: string; rank: number } {
  if (isLeaf(file)) return { name: 'leaf', rank: 0 };
  if (file === 'src/index.ts') return { name: 'index', rank: 7 };
  const [top, area] = file.split('/');
  if (top === 'cli') return { name: 'cli', rank: 8 };
  if (top === 'test') return { name: 'test', rank: 9 };
  if (top === 'bench') return { name: 'bench', rank: 9 };
  if (top !== 'src') return { name: top, rank: 10 };
  const ranks: Record<string, number> = { morphology: 1, channels: 1, cable: 2, plasticity: 2, solvers: 3, protocol: 4, io: 4, sweep: 5, experiments: 6 };
  if (!(area in ranks)) throw new Error(`${file}: src/${area} is not in the layer table of this test; add it (and to the README's Architecture)`);
  return { name: area, rank: ranks[area] };
}

const FILES = [...tsFiles('src'), ...tsFiles('cli')];
const IMPORTS = FILES.flatMap(importsOf);

function violation(i: Import): string | null {
  if (i.target === null) return null;
  const a = layer(i.from);
  const b = layer(i.target);
  const where = `${i.from}:${i.line} imports ${i.spec}`;
  if (b.name === 'test' || b.name === 'bench') return `${where}: src/ and cli/ never import test/ or bench/`;
  if (a.name === b.name) return null;
  if (a.name === 'leaf') return `${where}: files directly in src/ (errors.ts, suggest.ts, mathjs.ts, ...) are shared leaves and import nothing of ours`;
  if (a.name === 'channels' && b.name !== 'leaf') return `${where}: channels imports only its own files and the shared leaves (errors, suggest, the unit table)`;
  if (b.rank >= a.rank) return `${where}: ${a.name} may not import ${b.name} (imports flow morphology → cable → solvers → protocol/io → sweep → experiments → index → cli)`;
  return null;
}

describe('import direction (README, Architecture)', () => {
  it('reads the imports of every file in src/ and cli/', () => {
    expect(FILES.length).toBeGreaterThan(60);
    expect(IMPORTS.length).toBeGreaterThan(200);
    // The parser sees multi-line, type-only and dynamic imports.
    expect(IMPORTS.some((i) => i.from === 'cli/main.ts' && i.dynamic && i.target === 'cli/run.ts')).toBe(true);
    expect(IMPORTS.some((i) => i.typeOnly && i.from === 'cli/plot.ts' && i.spec === 'commander')).toBe(true);
  });

  it('every relative import points to a file that exists', () => {
    const missing = IMPORTS.filter((i) => i.target !== null && !FILES.includes(i.target)).map((i) => `${i.from}:${i.line} ${i.spec}`);
    expect(missing).toEqual([]);
  });

  it('the rules reject what they should (the checker itself)', () => {
    const mk = (from: string, target: string): Import => ({ from, spec: target, target, line: 1, typeOnly: false, dynamic: false });
    expect(violation(mk('src/morphology/swc.ts', 'src/cable/layout.ts'))).toMatch(/morphology may not import cable/);
    expect(violation(mk('src/channels/hh.ts', 'src/solvers/model.ts'))).toMatch(/channels imports only/);
    expect(violation(mk('src/protocol/run.ts', 'cli/run.ts'))).toMatch(/protocol may not import cli/);
    expect(violation(mk('src/io/npy.ts', 'test/helpers/csv.ts'))).toMatch(/never import test/);
    expect(violation(mk('src/errors.ts', 'src/morphology/swc.ts'))).toMatch(/leaves/);
    expect(violation(mk('src/solvers/cpu.ts', 'src/channels/hh.ts'))).toBeNull();
    expect(violation(mk('cli/run.ts', 'src/protocol/run.ts'))).toBeNull();
  });

  it('no import in src/ or cli/ goes against the direction', () => {
    expect(IMPORTS.map(violation).filter((v) => v !== null)).toEqual([]);
  });
});

describe('dendrite --help loads nothing heavy (cli/main.ts)', () => {
  /** Files and packages loaded when cli/main.ts is imported: static value imports only. */
  function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
    const files = new Set<string>();
    const packages = new Set<string>();
    const stack = [entry];
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (files.has(f)) continue;
      files.add(f);
      for (const i of importsOf(f)) {
        if (i.typeOnly || i.dynamic) continue;
        if (i.target === null) packages.add(i.spec);
        else stack.push(i.target);
      }
    }
    return { files, packages };
  }

  it('only commander, node built-ins, cli/ registration files and the error classes', () => {
    const { files, packages } = staticClosure('cli/main.ts');
    const heavy = [...files].filter((f) => f.startsWith('src/') && !isLeaf(f) && f !== 'src/solvers/errors.ts');
    expect(heavy, 'import these inside the command action (await import(...))').toEqual([]);
    expect([...packages].filter((p) => p !== 'commander' && !p.startsWith('node:'))).toEqual([]);
    expect(files.has('cli/run.ts')).toBe(false);
  });
});
