export { loadProtocol, parseProtocol, DEFAULTS, METHODS, type Protocol } from './protocol.ts';
export { buildSimulation, loadProtocolMorphology, type BuiltSimulation, type ResolvedProbe } from './build.ts';
export { buildSimulations, LayoutCache, type BuildOptions } from './build.ts';
export { runProtocol, type ProtocolRun, type RunWarning } from './run.ts';
export { checkDt, CHECK_DT_THRESHOLDS, type CheckDtResult, type CheckDtProbe } from './checkdt.ts';
export { ProtocolError } from './validate.ts';
