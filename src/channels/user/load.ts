/**
 * Loading mechanism files: read, parse JSON (errors with line and column), check the format
 * (spec.ts), compile (compile.ts). A file is compiled once per process and content: loading the
 * same text again returns the same mechanism object (mechanisms hold no state; instances do).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../../errors.ts';
import { builtinMechanisms, createCatalogue, type Catalogue } from '../catalogue.ts';
import type { Mechanism } from '../mechanism.ts';
import { compileMechanism, type UserMechanism } from './compile.ts';
import { MechanismFileError } from './errors.ts';
import { jsonErrorOffset } from './jsonpos.ts';
import { duplicateKeyMessage, findDuplicateKey, jsonTreeProblem } from '../../jsontree.ts';
import { parseMechanismSpec } from './spec.ts';

const cache = new Map<string, UserMechanism>();

function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

/** Parse and compile mechanism JSON text; `file` names it in errors. */
export function parseMechanism(text: string, file: string): UserMechanism {
  const key = `${file}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.replace(/\s+/g, " ");
    throw new MechanismFileError(file, '$', `not valid JSON at ${lineCol(text, jsonErrorOffset(text))} (${msg})`);
  }
  const dup = findDuplicateKey(text);
  if (dup) throw new MechanismFileError(file, dup.path, duplicateKeyMessage(dup));
  const shape = jsonTreeProblem(raw);
  if (shape) throw new MechanismFileError(file, ...shape);
  const mech = compileMechanism(parseMechanismSpec(raw, file));
  cache.set(key, mech);
  return mech;
}

/** Read, check and compile one mechanism file. */
export function loadMechanismFile(path: string): UserMechanism {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read the mechanism file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseMechanism(text, path);
}

export interface MechanismFileRef {
  /** The file to load. */
  readonly path: string;
  /** Where it was named, for errors, e.g. `protocol.json: $.mechanism_files[0]`. */
  readonly where: string;
}

/**
 * A catalogue of `base` (default: the built-ins) plus the mechanisms of `files`. A name that is
 * already taken, by a built-in or an earlier file, is an error at `where`.
 */
export function catalogueWithMechanismFiles(files: readonly MechanismFileRef[], base: readonly Mechanism[] = builtinMechanisms()): Catalogue {
  const all: Mechanism[] = [...base];
  const from = new Map<string, string>(base.map((m) => [m.description.name, 'a built-in mechanism']));
  for (const f of files) {
    let mech: UserMechanism;
    try {
      mech = loadMechanismFile(f.path);
    } catch (e) {
      if (e instanceof MechanismFileError || !(e instanceof UserError)) throw e;
      throw new UserError(`${f.where}: ${e.message}`);
    }
    const name = mech.description.name;
    const prev = from.get(name);
    if (prev !== undefined) {
      throw new UserError(`${f.where}: mechanism "${name}" in ${f.path} clashes with ${prev} of that name; rename it ($.name)`);
    }
    from.set(name, resolve(f.path));
    all.push(mech);
  }
  return createCatalogue(all);
}
