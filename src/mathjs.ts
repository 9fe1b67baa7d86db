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

/** Longest expression text handed to the mathjs parser (Hay's longest rule is about 100 characters). */
export const MAX_EXPRESSION_CHARS = 2000;
/** Deepest bracket nesting handed to the mathjs parser (it recurses once per level). */
export const MAX_EXPRESSION_DEPTH = 50;

/**
 * Why an expression is too big for the parser (its length or bracket depth), or null. mathjs's
 * recursive-descent parser overflows the stack on a few thousand nested brackets, so every text
 * from a user file is checked with this first.
 */
export function expressionTooBig(text: string, maxChars = MAX_EXPRESSION_CHARS, maxDepth = MAX_EXPRESSION_DEPTH): string | null {
  if (text.length > maxChars) return `is ${text.length} characters long (at most ${maxChars})`;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 40 || ch === 91 || ch === 123) depth++; // ( [ {
    else if (ch === 41 || ch === 93 || ch === 125) depth--;
    if (depth > maxDepth) return `nests brackets more than ${maxDepth} deep`;
  }
  return null;
}
