import { UserError } from '../../errors.ts';
import { showValue } from '../../jsontree.ts';

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
  return showValue(v, 70);
}
