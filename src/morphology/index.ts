export { parseSwc, loadSwc, buildMorphology, neuronOrder, type Morphology, type Section, type LoadOptions } from './morphology.ts';
export { SwcError, parseSwcText, type SwcErrorCode, type SwcRecords } from './swc.ts';
export { typeName, type SomaRule } from './import3d.ts';
export * from './geometry.ts';
