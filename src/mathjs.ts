/**
 * The process's one mathjs instance (units, the expression parser), created on first use because
 * importing mathjs takes about a second, with molar concentrations (M, mM, uM) added. Used only
 * while reading protocols and mechanism files; nothing in a step loop calls it. Each caller types
 * the part of the API it uses.
 */
import { createRequire } from 'node:module';

let instance: unknown = null;

export function mathjs<T>(): T {
  if (instance === null) {
    const require = createRequire(import.meta.url);
    const { create, all } = require('mathjs') as {
      create: (f: unknown) => { createUnit: (n: string, d: object, o: object) => unknown };
      all: unknown;
    };
    const m = create(all);
    m.createUnit('M', { definition: '1 mol/L', prefixes: 'short' }, { override: true });
    instance = m;
  }
  return instance as T;
}
