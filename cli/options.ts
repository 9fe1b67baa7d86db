/** Parsing of CLI option values shared by commands. */
import { UserError } from '../src/errors.ts';
import type { LoadOptions } from '../src/morphology/index.ts';

export function parseTypeList(flag: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const out = parts.map((p) => {
    const v = Number(p);
    if (!Number.isInteger(v)) throw new UserError(`${flag}: "${p}" is not an SWC type number (expected e.g. 1,3,4)`);
    return v;
  });
  if (out.length === 0) throw new UserError(`${flag}: expected a comma-separated list of SWC types, got "${value}"`);
  return out;
}

export function loadOptions(flags: { scale?: string; keepTypes?: string; dropTypes?: string }): LoadOptions {
  let scale: number | undefined;
  if (flags.scale !== undefined) {
    scale = Number(flags.scale);
    if (!(scale > 0) || !Number.isFinite(scale)) throw new UserError(`--scale: expected a positive number, got "${flags.scale}"`);
  }
  return {
    scale,
    keepTypes: parseTypeList('--keep-types', flags.keepTypes),
    dropTypes: parseTypeList('--drop-types', flags.dropTypes),
  };
}
