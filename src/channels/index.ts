export type {
  InstanceInit,
  IonState,
  IonUse,
  Mechanism,
  MechanismContext,
  MechanismDescription,
  MechanismInstance,
  ParamSpec,
  QuantitySpec,
} from './mechanism.ts';
export { paramDefault } from './mechanism.ts';
export { cnexpRelax, vtrap } from './kinetics.ts';
export { exp, expInPlace } from './exp.ts';
export { ION_DEFAULTS, createIonState, type IonDefaults } from './ions.ts';
export { pas, type PasInstance } from './pas.ts';
export { iclamp, type IClampInstance } from './iclamp.ts';
export { hh, hhRates, hhQ10, buildHhTable, hhRatesFromTable, type HhInstance } from './hh.ts';
export { builtinCatalogue, builtinMechanisms, createCatalogue, type Catalogue } from './catalogue.ts';
