/** User-defined mechanisms: JSON files with mathjs expressions, unit-checked and compiled once (docs/mechanisms.md). */
export { compileMechanism, USER_MECHANISM_ORDER, type UserInstance, type UserMechanism } from './compile.ts';
export { MechanismFileError } from './errors.ts';
export { parseMechanism, loadMechanismFile, catalogueWithMechanismFiles, type MechanismFileRef } from './load.ts';
export { parseMechanismSpec, MECHANISM_KEYS, FORMAT, type MechanismSpec } from './spec.ts';
export { vtrap, efun, hocExp } from './runtime.ts';
