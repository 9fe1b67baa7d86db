/**
 * Small checkers for JSON input: each names the JSON path, the value and what was expected.
 */
import { UserError } from '../errors.ts';
import { editDistance } from '../cable/regions.ts';

/** A mistake in a protocol file; `path` is a JSON path like `stimuli[0].amp_nA`. */
export class ProtocolError extends UserError {
  readonly path: string;
  constructor(file: string, path: string, message: string) {
    super(`${file}: ${path}: ${message}`);
    this.name = 'ProtocolError';
    this.path = path;
  }
}

export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

export function didYouMean(value: string, candidates: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(value.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(value.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

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
      if (!allowed.includes(k)) {
        this.fail(`${path}.${k}`, `unknown key "${k}"${didYouMean(k, allowed)}; allowed: ${allowed.join(', ')}`);
      }
    }
    for (const k of required) if (!(k in o)) this.fail(`${path}.${k}`, `missing (required)`);
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

  number(path: string, v: unknown, opts: { min?: number; positive?: boolean; max?: number; integer?: boolean } = {}): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `expected a finite number, got ${show(v)}`);
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
