export { parseSwc, loadSwc, loadMorphology, buildMorphology, neuronOrder, type Morphology, type Section, type LoadOptions } from './morphology.ts';
export { SwcError, parseSwcText, type SwcErrorCode, type SwcRecords } from './swc.ts';
export { typeName, type SomaRule } from './import3d.ts';
export * from './geometry.ts';
export { parseAscMorphology, loadAsc, AscError, type AscErrorCode } from './asc.ts';
