/**
 * ASC input that NEURON refuses (or that Dendrite refuses on purpose) gives an AscError naming
 * the file, the line and what was expected; ASC loading options and the extension dispatch.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AscError, loadMorphology, parseAscMorphology } from '../../src/morphology/index.ts';
import { ROOT, morphologyPath } from './paths.ts';

function refusal(path: string): AscError {
  try {
    loadMorphology(path);
  } catch (e) {
    expect(e).toBeInstanceOf(AscError);
    return e as AscError;
  }
  throw new Error(`${path} loaded`);
}

function textRefusal(text: string): AscError {
  try {
    parseAscMorphology(text, 'inline.asc');
  } catch (e) {
    expect(e).toBeInstanceOf(AscError);
    return e as AscError;
  }
  throw new Error('the text loaded');
}

describe('malformed ASC files (NEURON refuses each: fixtures/neuron/asc/index.json)', () => {
  const cases: [string, AscError['code'], number | null, RegExp][] = [
    ['edge/asc_bad_point.asc', 'syntax', 10, /expected a number \(y coordinate\), found the word "abc"/],
    ['edge/asc_bad_split.asc', 'syntax', 9, /expected '\(' starting a point, found the word "Normal"/],
    ['edge/asc_bad_string.asc', 'lexical', 2, /string without its closing '"'/],
    ['edge/asc_bad_unclosed.asc', 'syntax', 5, /unexpected end of file, expected '\)' closing the tree/],
    ['edge/asc_bad_trailing_tab.asc', 'lexical', 4, /whitespace other than spaces \(a TAB\?\) at the end of the line/],
    ['edge/asc_bad_empty.asc', 'empty', null, /no contour or tree/],
  ];
  for (const [rel, code, line, what] of cases) {
    it(rel, () => {
      const path = morphologyPath(rel)!;
      const e = refusal(path);
      expect(e.code).toBe(code);
      expect(e.line).toBe(line);
      expect(e.file).toBe(path);
      expect(e.message.startsWith(line === null ? `${path}: ` : `${path}:${line}: `)).toBe(true);
      expect(e.message).toMatch(what);
    });
  }
  it('NEURON reports a parse error on the same line for the line-specific cases', () => {
    const index = JSON.parse(readFileSync(join(ROOT, 'fixtures/neuron/asc/index.json'), 'utf8'));
    for (const [rel, , line] of cases) {
      const e = index.files.find((f: { file: string }) => f.file === rel);
      expect(e.loads, rel).toBe(false);
      expect(e.error, rel).toMatch(/parse error/);
      if (line !== null && rel !== 'edge/asc_bad_split.asc') expect(e.error, rel).toContain(`on line ${line} `);
    }
  });
});

describe('ASC input refused with a reason', () => {
  const soma = '("CellBody" (CellBody) (0 0 0 1) (4 0 0 1) (4 4 0 1) (0 4 0 1))\n';
  it('text after the last object', () => {
    const e = textRefusal(`${soma})\n`);
    expect(e.message).toMatch(/^inline\.asc:2: expected '\(' starting another object, or the end of the file, found '\)'/);
  });
  it('a non-finite coordinate', () => {
    const e = textRefusal(`${soma}((Dendrite) (1 1 0 1) (inf 20 0 1) Normal)\n`);
    expect(e.code).toBe('not-finite');
    expect(e.message).toMatch(/^inline\.asc:2: section dend\[0\]/);
  });
  it("'@' outside a comment, a hexadecimal number", () => {
    expect(textRefusal(`${soma}((Dendrite) (1 1 0 1) (2 2 0 1) @ Normal)\n`).message).toMatch(/^inline\.asc:2: '@' outside a comment/);
    expect(textRefusal(`${soma}((Dendrite) (1 1 0 1) (0x2 2 0 1) Normal)\n`).message).toMatch(/^inline\.asc:2: hexadecimal number/);
  });
  it('branches nested deeper than the call stack allows', () => {
    const depth = 20000;
    const text = `((Dendrite) (0 0 0 1) (1 0 0 1)${' ( (2 0 0 1) (3 0 0 1)'.repeat(depth)}${' )'.repeat(depth)} )\n`;
    const e = textRefusal(text);
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(/nested too deeply/);
  }, 30_000);
  it('SWC type filters', () => {
    expect(() => parseAscMorphology(soma, 'inline.asc', { dropTypes: [2] })).toThrow(/not supported for Neurolucida ASC/);
  });
});

describe('loading ASC', () => {
  it('dispatches on the extension, case-insensitive, and scales like the SWC loader', () => {
    const src = morphologyPath('edge/asc_contour_dendrites.asc')!;
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-asc-'));
    try {
      const upper = join(dir, 'CELL.ASC');
      copyFileSync(src, upper);
      const a = loadMorphology(src);
      const b = loadMorphology(upper);
      expect(b.sections.map((s) => [s.name, s.L_um])).toEqual(a.sections.map((s) => [s.name, s.L_um]));
      expect(a.somaRule).toBe('contour');
      const half = loadMorphology(src, { scale: 0.5 });
      a.sections.forEach((s, k) => expect(half.sections[k].L_um / s.L_um).toBeCloseTo(0.5, 6));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('CRLF and LF versions of a file give identical sections', () => {
    const lf = loadMorphology(morphologyPath('edge/asc_apical_axon_branching.asc')!);
    const crlf = loadMorphology(morphologyPath('edge/asc_crlf.asc')!);
    expect(crlf.sections.map((s) => [s.name, s.parent, s.parentX, [...s.x], [...s.d]]))
      .toEqual(lf.sections.map((s) => [s.name, s.parent, s.parentX, [...s.x], [...s.d]]));
  });
  it('overlapping soma contours are one soma, one point per contour (NEURON table: asc-parity)', () => {
    const m = loadMorphology(morphologyPath('edge/asc_soma_stack.asc')!);
    expect(m.warnings.join('\n')).toMatch(/asc_soma_stack\.asc:6: 5 overlapping soma contours read as a contour stack/);
    expect(m.sections.filter((s) => s.type === 1).map((s) => [s.name, s.x.length])).toEqual([['soma[0]', 5], ['soma[1]', 21]]);
  });
  it('a tree outside every soma box hangs on the nearest soma centre, with a warning', () => {
    const m = loadMorphology(morphologyPath('edge/asc_outside_soma.asc')!);
    expect(m.warnings.join('\n')).toMatch(/asc_outside_soma\.asc:35: main branch .* outside the soma bounding boxes/);
    expect(m.warnings.join('\n')).toMatch(/asc_outside_soma\.asc:19: CellBody contour has less than three points/);
    const apic = m.sections.find((s) => s.name === 'apic[0]')!;
    expect(m.sections[apic.parent].name).toBe('soma[1]');
    expect(apic.parentX).toBe(0.5);
  });
});
