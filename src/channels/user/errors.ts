import { UserError } from '../../errors.ts';

/** A mistake in a mechanism file, located by file and JSON path (`$.states[1].tau`). */
export class MechanismFileError extends UserError {
  readonly file: string;
  readonly path: string;
  constructor(file: string, path: string, message: string) {
    super(`${file}: ${path}: ${message}`);
    this.name = 'MechanismFileError';
    this.file = file;
    this.path = path;
  }
}

export { editDistance, didYouMean } from '../../suggest.ts';

export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 70 ? s.slice(0, 67) + '...' : s;
}
