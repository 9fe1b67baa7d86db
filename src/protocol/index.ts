export { loadProtocol, parseProtocol, DEFAULTS, METHODS, type Protocol } from './protocol.ts';
export { buildSimulation, loadProtocolMorphology, type BuiltSimulation, type ResolvedProbe } from './build.ts';
export { runProtocol, type ProtocolRun } from './run.ts';
export { ProtocolError } from './validate.ts';
