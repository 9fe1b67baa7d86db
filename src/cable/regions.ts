/**
 * Naming parts of a cell the way NEURON users do: regions (`all`, `soma`, `axon`, `dend`, `apic`,
 * `dend_N` for SWC type N, or one section such as `apic[12]`) and locations (`dend[3](0.7)`;
 * `soma(0.5)` stands for `soma[0](0.5)`). Errors name the JSON path and the value.
 */
import { UserError } from '../errors.ts';
import { didYouMean } from '../suggest.ts';

export interface NamedSection {
  name: string;
  type: number;
}

const BASE_TYPES: Record<string, number> = { soma: 1, axon: 2, dend: 3, apic: 4 };

function baseOf(name: string): string {
  const i = name.indexOf('[');
  return i < 0 ? name : name.slice(0, i);
}

/** Names a region spec may use on this cell (for messages). */
function regionNames(sections: readonly NamedSection[]): string[] {
  const bases = new Set<string>(['all', 'soma', 'axon', 'dend', 'apic']);
  for (const s of sections) bases.add(baseOf(s.name));
  return [...bases];
}

/**
 * ` (it contains "о", U+043E, at index 1; names are ASCII)` when a name has a non-ASCII character
 * (a Cyrillic or Greek look-alike of a Latin letter, a non-breaking space), else ''.
 */
export function nonAsciiNote(v: string): string {
  const i = [...v].findIndex((ch) => ch.codePointAt(0)! > 0x7e);
  if (i < 0) return '';
  const ch = [...v][i];
  return ` (it contains "${ch}", U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}, at character ${i}; section and region names are ASCII)`;
}

/** `; it has axon[0]..axon[1]` for an index out of range, else a did-you-mean over the names. */
function whatExists(name: string, sections: readonly NamedSection[]): string {
  const base = baseOf(name);
  const n = sections.filter((s) => baseOf(s.name) === base).length;
  if (n > 0) return `; it has ${n === 1 ? `${base}[0]` : `${base}[0]..${base}[${n - 1}]`}`;
  return didYouMean(name, sections.map((s) => s.name));
}

/** The region words this cell has sections for (`soma`, `dend`, `apic`, ...). */
function presentBases(sections: readonly NamedSection[]): string[] {
  return [...new Set(sections.map((s) => baseOf(s.name)))];
}

/**
 * Indices of the sections a region spec selects, in section order. A spec (or an element of a
 * list) that selects nothing is an error: an unknown word or section, and also a region name that
 * exists in NEURON's vocabulary but not on this cell (e.g. `axon` on a cell without one), since a
 * mechanism or setting placed there would silently do nothing.
 */
export function selectSections(sections: readonly NamedSection[], spec: unknown, path: string): number[] {
  const out = new Set<number>();
  const one = (v: unknown, p: string) => {
    if (typeof v !== 'string' || v.length === 0) {
      throw new UserError(`${p}: expected a region name (all, soma, axon, dend, apic, dend_N or a section like "apic[12]"), got ${JSON.stringify(v)}`);
    }
    const ascii = nonAsciiNote(v);
    if (ascii) throw new UserError(`${p}: no region or section ${JSON.stringify(v)}${ascii}${didYouMean(v, regionNames(sections))}`);
    if (v === 'all') {
      sections.forEach((_, i) => out.add(i));
      return;
    }
    if (v.includes('[')) {
      const i = sections.findIndex((s) => s.name === v);
      if (i < 0) {
        throw new UserError(`${p}: no section named "${v}" in this morphology${whatExists(v, sections)}`);
      }
      out.add(i);
      return;
    }
    const m = /^dend_(\d+)$/.exec(v) ?? /^minus_(\d+)$/.exec(v);
    if (Object.hasOwn(BASE_TYPES, v) || m) {
      let found = false;
      for (let i = 0; i < sections.length; i++) {
        if (baseOf(sections[i].name) === v) {
          out.add(i);
          found = true;
        }
      }
      if (!found) {
        const has = presentBases(sections);
        throw new UserError(`${p}: region "${v}" matches no section of this cell; it has ${has.map((b) => `"${b}"`).join(', ')}${didYouMean(v, has)}`);
      }
      return;
    }
    throw new UserError(`${p}: unknown region "${v}"; expected all, soma, axon, dend, apic, dend_N or a section name${didYouMean(v, regionNames(sections))}`);
  };
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw new UserError(`${path}: expected at least one region, got []`);
    spec.forEach((v, k) => one(v, `${path}[${k}]`));
  } else {
    one(spec, path);
  }
  return [...out].sort((a, b) => a - b);
}

export interface Location {
  section: number;
  x: number;
}

/** Parse `sec[i](x)` (or `soma(x)` for `soma[0](x)`) against this cell's sections. */
export function parseLocation(sections: readonly NamedSection[], spec: unknown, path: string): Location {
  if (typeof spec !== 'string') {
    throw new UserError(`${path}: expected a location like "soma[0](0.5)" or "dend[3](0.7)", got ${JSON.stringify(spec)}`);
  }
  const ascii = nonAsciiNote(spec);
  if (ascii) throw new UserError(`${path}: "${spec}" is not a location${ascii}`);
  const neg = /\[\s*(-[^\]]*)\]/.exec(spec);
  if (neg) throw new UserError(`${path}: "${spec}" has the section index ${neg[1]}; indices count from 0`);
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(\[\s*\d+\s*\])?\s*\(\s*([^()]*?)\s*\)\s*$/.exec(spec);
  if (!m) {
    throw new UserError(`${path}: "${spec}" is not a location; expected a section name and x in [0, 1], like "soma[0](0.5)"`);
  }
  const name = `${m[1]}${m[2] ? m[2].replace(/\s+/g, '') : '[0]'}`;
  const x = Number(m[3]);
  if (m[3] === '' || !Number.isFinite(x) || x < 0 || x > 1) {
    throw new UserError(`${path}: x in "${spec}" is ${m[3] === '' ? 'missing' : m[3]}; expected a number in [0, 1]`);
  }
  const section = sections.findIndex((s) => s.name === name);
  if (section < 0) {
    throw new UserError(`${path}: no section named "${name}" in this morphology${whatExists(name, sections)}`);
  }
  return { section, x };
}
