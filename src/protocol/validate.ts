/**
 * Small checkers for JSON input: each names the JSON path, the value and what was expected.
 */
import { UserError } from '../errors.ts';
import { convertQuantity, UnitError } from './units.ts';
import { FORBIDDEN_KEYS, MAX_JSON_DEPTH, jsonTreeProblem, showValue } from '../jsontree.ts';

/** A mistake in a protocol file; `path` is a JSON path like `stimuli[0].amp_nA`. */
export class ProtocolError extends UserError {
  readonly path: string;
  constructor(file: string, path: string, message: string) {
    super(`${file}: ${path}: ${message}`);
    this.name = 'ProtocolError';
    this.path = path;
  }
}

/** A value for a message: JSON, cut at 60 characters, safe for any nesting depth (src/jsontree.ts). */
export function show(v: unknown): string {
  return showValue(v, 60);
}

export { FORBIDDEN_KEYS, MAX_JSON_DEPTH, jsonTreeProblem };

import { didYouMean } from '../suggest.ts';
export { didYouMean };

/** Checks bound to one file: every failure is a ProtocolError naming the file and path. */
export class Checker {
  constructor(readonly file: string) {}

  fail(path: string, message: string): never {
    throw new ProtocolError(this.file, path, message);
  }

  object(path: string, v: unknown, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${show(v)}`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (FORBIDDEN_KEYS.includes(k)) this.fail(`${path}.${k}`, `the key "${k}" is not allowed (it names a JavaScript object internal)`);
      if (!allowed.includes(k)) {
        this.fail(`${path}.${k}`, `unknown key "${k}"${didYouMean(k, allowed)}; allowed: ${allowed.join(', ')}`);
      }
    }
    for (const k of required) if (!Object.hasOwn(o, k)) this.fail(`${path}.${k}`, `missing (required)`);
    return o;
  }

  array(path: string, v: unknown): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${show(v)}`);
    return v;
  }

  string(path: string, v: unknown): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(path, `expected a non-empty string, got ${show(v)}`);
    return v;
  }

  /**
   * A finite number. With `unit` (a mathjs unit string), a string such as "0.5 nA" is also
   * accepted and converted to that unit.
   */
  number(path: string, v: unknown, opts: { min?: number; positive?: boolean; max?: number; integer?: boolean; unit?: string } = {}): number {
    if (opts.unit === undefined) opts = { ...opts, unit: unitFromPath(path) };
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) {
      this.fail(path, `expected a number, got the string ${show(v)} (write it without quotes${opts.unit ? `, or with a unit: "${v} ${opts.unit}"` : ''})`);
    }
    if (typeof v === 'string' && opts.unit !== undefined && /[A-Za-z]/.test(v) && /\d/.test(v)) {
      try {
        v = convertQuantity(v, opts.unit);
      } catch (e) {
        if (e instanceof UnitError) this.fail(path, e.message);
        throw e;
      }
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(path, `expected a finite number${opts.unit ? ` (or a quantity with units, e.g. "1 ${opts.unit}")` : ''}, got ${show(v)}`);
    }
    if (opts.integer && !Number.isInteger(v)) this.fail(path, `expected an integer, got ${show(v)}`);
    if (opts.positive && !(v > 0)) this.fail(path, `expected a number > 0, got ${show(v)}`);
    if (opts.min !== undefined && v < opts.min) this.fail(path, `expected a number >= ${opts.min}, got ${show(v)}`);
    if (opts.max !== undefined && v > opts.max) this.fail(path, `expected a number <= ${opts.max}, got ${show(v)}`);
    return v;
  }

  oneOf<T extends string>(path: string, v: unknown, options: readonly T[]): T {
    if (typeof v !== 'string' || !options.includes(v as T)) {
      const hint = typeof v === 'string' ? didYouMean(v, options) : '';
      this.fail(path, `expected one of ${options.map((o) => `"${o}"`).join(', ')}, got ${show(v)}${hint}`);
    }
    return v as T;
  }
}

const SUFFIX_UNITS: [RegExp, string][] = [
  [/_uF_per_cm2$/, 'uF/cm^2'],
  [/_S_per_cm2$/, 'S/cm^2'],
  [/_mA_per_cm2$/, 'mA/cm^2'],
  [/_ohm_cm$/, 'ohm cm'],
  [/_MOhm$/, 'Mohm'],
  [/_nA$/, 'nA'],
  [/_uS$/, 'uS'],
  [/_mV$/, 'mV'],
  [/_ms$/, 'ms'],
  [/_um$/, 'um'],
  [/_Hz$/, 'Hz'],
  [/_mM$/, 'mM'],
  [/^celsius$/, 'degC'],
];

/** The unit a field's name carries (`amp_nA` → nA, `celsius` → degC), if any. */
export function unitFromPath(path: string): string | undefined {
  const key = path.replace(/\[\d+\]$/, '').replace(/^.*\./, '');
  for (const [re, unit] of SUFFIX_UNITS) if (re.test(key)) return unit;
  return undefined;
}
