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
 * Indices of the sections a region spec selects, in section order. A region name that exists in
 * NEURON's vocabulary but not on this cell (e.g. `axon` on a cell without one) selects nothing;
 * an unknown word or section is an error.
 */
export function selectSections(sections: readonly NamedSection[], spec: unknown, path: string): number[] {
  const out = new Set<number>();
  const one = (v: unknown, p: string) => {
    if (typeof v !== 'string' || v.length === 0) {
      throw new UserError(`${p}: expected a region name (all, soma, axon, dend, apic, dend_N or a section like "apic[12]"), got ${JSON.stringify(v)}`);
    }
    if (v === 'all') {
      sections.forEach((_, i) => out.add(i));
      return;
    }
    if (v.includes('[')) {
      const i = sections.findIndex((s) => s.name === v);
      if (i < 0) {
        throw new UserError(`${p}: no section named "${v}" in this morphology${didYouMean(v, sections.map((s) => s.name))}`);
      }
      out.add(i);
      return;
    }
    const m = /^dend_(\d+)$/.exec(v) ?? /^minus_(\d+)$/.exec(v);
    if (v in BASE_TYPES || m) {
      for (let i = 0; i < sections.length; i++) if (baseOf(sections[i].name) === v) out.add(i);
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
    throw new UserError(`${path}: no section named "${name}" in this morphology${didYouMean(name, sections.map((s) => s.name))}`);
  }
  return { section, x };
}
