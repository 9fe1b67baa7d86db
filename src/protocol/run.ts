/**
 * Run a protocol through the library: load, build, simulate. What `dendrite run` does, minus files.
 */
import { simulate, type SimulationResult } from '../solvers/index.ts';
import { buildSimulation, loadProtocolMorphology, type BuiltSimulation } from './build.ts';
import type { Protocol } from './protocol.ts';

export interface ProtocolRun {
  built: BuiltSimulation;
  result: SimulationResult;
  /** Seconds spent building the compartments, initialising and integrating (not reading files). */
  wall_s: number;
}

export function runProtocol(p: Protocol): ProtocolRun {
  const morphology = loadProtocolMorphology(p);
  const t0 = performance.now();
  const built = buildSimulation(p, morphology);
  const result = simulate(built.request);
  const wall_s = (performance.now() - t0) / 1000;
  return { built, result, wall_s };
}
