/** The SWC lexer and tree checks: accepted forms, typed errors with file, line and sample id. */
import { describe, expect, it } from 'vitest';
import { parseSwc, SwcError } from '../../src/morphology/index.ts';

const Y = ['1 1 0 0 0 5 -1', '2 3 0 10 0 1 1', '3 3 0 20 0 1 2', '4 3 5 30 0 0.5 3', '5 3 -5 30 0 0.5 3'];

function err(text: string): SwcError {
  try {
    parseSwc(text, 'cell.swc');
  } catch (e) {
    expect(e).toBeInstanceOf(SwcError);
    return e as SwcError;
  }
  throw new Error('expected an SwcError');
}

describe('SWC lexing', () => {
  const base = parseSwc(Y.join('\n'), 'y.swc');
  const sig = (m = base) => m.sections.map((s) => `${s.name}<${s.parent}@${s.parentX}:${s.L_um}:${s.area_um2}`);

  it('reads a small Y cell', () => {
    expect(base.samples).toBe(5);
    expect(base.sections.map((s) => s.name)).toEqual(['soma[0]', 'dend[0]', 'dend[1]', 'dend[2]']);
  });
  it.each([
    ['CRLF', Y.join('\r\n')],
    ['CR only', Y.join('\r')],
    ['BOM', '\ufeff# header\n' + Y.join('\n')],
    ['comments everywhere', '# a\n' + Y.map((l) => `${l}   # after data`).join('\n# between\n') + '\n#end'],
    ['blank lines and indentation', '\n\n' + Y.map((l) => `  \t${l}\t `).join('\n\n   \n')],
    ['tabs and repeated spaces', Y.map((l) => l.replace(/ /g, '\t  ')).join('\n')],
    ['scientific notation', Y.map((l) => l.replace(/^(\d) (\d) 0 /, '$1 $2 0.0e0 ')).join('\n')],
    ['extra columns', Y.map((l) => `${l} 7 8 nine`).join('\n')],
    ['ids written as floats', Y.map((l) => l.replace(/^(\d) /, '$1.0 ')).join('\n')],
    ['no trailing newline vs trailing newline', Y.join('\n') + '\n'],
  ])('accepts %s', (_name, text) => {
    expect(sig(parseSwc(text, 'v.swc'))).toEqual(sig());
  });
  it('reads values as float32, rounding directly from the decimal (no double rounding)', () => {
    const m = parseSwc('1 1 0 0 0 5 -1\n2 3 0 63.84000205993652 0 1 1\n3 3 0 100 0 1 2', 'f.swc');
    expect(m.sections[1].y[0]).toBe(63.84000015258789);
  });
});

describe('SWC errors name the file, the line and the sample', () => {
  it.each<[string, string, string, number | null, number | null]>([
    ['empty file', '', 'empty', null, null],
    ['only comments', '# nothing\n# here\n', 'empty', null, null],
    ['too few fields', '1 1 0 0 0 5 -1\n2 3 0 10 0', 'too-few-fields', 2, null],
    ['non-numeric value', '1 1 0 0 0 5 -1\n2 3 0 ten 0 1 1', 'not-a-number', 2, 2],
    ['comma separated', '1,1,0,0,0,5,-1', 'too-few-fields', 1, null],
    ['quoted number', '1 1 0 0 0 5 "-1"', 'not-a-number', 1, 1],
    ['NaN coordinate', '1 1 0 0 0 5 -1\n2 3 nan 10 0 1 1', 'not-finite', 2, 2],
    ['infinite radius', '1 1 0 0 0 inf -1', 'not-finite', 1, 1],
    ['float32 overflow', '1 1 0 0 0 5 -1\n2 3 1e39 10 0 1 1', 'not-finite', 2, 2],
    ['fractional id', '1.5 1 0 0 0 5 -1', 'not-an-integer', 1, null],
    ['negative id', '-2 1 0 0 0 5 -1', 'not-an-integer', 1, -2],
    ['negative radius', '1 1 0 0 0 5 -1\n2 3 0 10 0 -1 1', 'negative-radius', 2, 2],
    ['duplicate id', '1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n2 3 0 20 0 1 1', 'duplicate-id', 3, 2],
    ['missing parent', '1 1 0 0 0 5 -1\n2 3 0 10 0 1 7', 'missing-parent', 2, 2],
    ['parent below -1', '1 1 0 0 0 5 -3', 'missing-parent', 1, 1],
    ['self parent', '1 1 0 0 0 5 -1\n2 3 0 10 0 1 2', 'self-parent', 2, 2],
    ['cycle off the tree', '1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n4 3 0 20 0 1 5\n5 3 0 30 0 1 4', 'cycle', 3, 4],
    ['no root', '1 3 0 0 0 1 3\n2 3 0 10 0 1 1\n3 3 0 20 0 1 2', 'no-root', 1, 1],
  ])('%s', (_name, text, code, line, id) => {
    const e = err(text);
    expect(e.code).toBe(code);
    expect(e.file).toBe('cell.swc');
    expect(e.line).toBe(line);
    expect(e.sampleId).toBe(id);
    expect(e.message.startsWith(line === null ? 'cell.swc' : `cell.swc:${line}`)).toBe(true);
  });
});

describe('SWC warnings (loaded anyway)', () => {
  const warn = (text: string) => parseSwc(text, 'w.swc').warnings.join('\n');
  it('zero radius', () => expect(warn('1 1 0 0 0 5 -1\n2 3 0 10 0 0 1\n3 3 0 20 0 1 2')).toMatch(/zero radius/));
  it('several roots', () => expect(warn('1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 2 0 -10 0 1 -1\n4 2 0 -20 0 1 3')).toMatch(/2 roots/));
  it('samples listed before their parent', () => {
    const text = '1 1 0 0 0 5 -1\n3 3 0 20 0 1 2\n2 3 0 10 0 1 1';
    expect(warn(text)).toMatch(/out of order.*as if sorted/);
    const sorted = parseSwc('1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 3 0 20 0 1 2', 's.swc');
    expect(parseSwc(text, 'u.swc').sections.map((s) => s.L_um)).toEqual(sorted.sections.map((s) => s.L_um));
  });
  it('parents with larger ids than their children', () => {
    const text = '5 1 0 0 0 5 -1\n1 3 0 20 0 1 2\n2 3 0 10 0 1 5';
    const m = parseSwc(text, 'r.swc');
    expect(m.sections.map((s) => s.name)).toEqual(['soma[0]', 'dend[0]']);
    expect(m.sections[1].L_um).toBe(10); // a wire on the one-point soma: from sample 2 (y 10) to sample 1 (y 20)
  });
  it('custom types', () => {
    const m = parseSwc('1 1 0 0 0 5 -1\n2 7 0 10 0 1 1\n3 7 0 20 0 1 2', 'c.swc');
    expect(m.warnings.join()).toMatch(/custom/);
    expect(m.sections[1].name).toBe('dend_7[0]');
  });
  it('a type change without a fork starts a new section', () => {
    const m = parseSwc('1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 3 0 20 0 1 2\n4 4 0 30 0 1 3\n5 4 0 40 0 1 4', 't.swc');
    expect(m.warnings.join()).toMatch(/type change/);
    expect(m.sections.map((s) => s.name)).toEqual(['soma[0]', 'dend[0]', 'apic[0]']);
  });
});

describe('options', () => {
  const text = '1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 3 0 20 0 1 2\n4 2 0 -10 0 1 1\n5 2 0 -20 0 1 4';
  it('scale converts nm to µm', () => {
    const nm = parseSwc('1 1 0 0 0 5000 -1\n2 3 0 10000 0 1000 1\n3 3 0 20000 0 1000 2', 'nm.swc', { scale: 0.001 });
    const um = parseSwc('1 1 0 0 0 5 -1\n2 3 0 10 0 1 1\n3 3 0 20 0 1 2', 'um.swc');
    nm.sections.forEach((s, i) => expect(s.L_um).toBeCloseTo(um.sections[i].L_um, 5));
  });
  it('drops a type with its subtree', () => {
    const m = parseSwc(text, 'd.swc', { dropTypes: [2] });
    expect(m.sections.map((s) => s.name)).toEqual(['soma[0]', 'dend[0]']);
    expect(parseSwc(text, 'd.swc', { keepTypes: [1, 2] }).sections.map((s) => s.name)).toEqual(['soma[0]', 'axon[0]']);
  });
  it('refuses to drop the root', () => {
    expect(() => parseSwc(text, 'd.swc', { dropTypes: [1] })).toThrow(/removes the first root/);
  });
});
