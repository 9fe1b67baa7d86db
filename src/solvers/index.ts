export { hinesSolve, hinesTriangularize } from './hines.ts';
export { SimulationSpecError, InstabilityError } from './errors.ts';
export {
  compileModel,
  connectionCoefficients,
  type CompiledModel,
  type CompiledMechanism,
  type CompiledProbe,
  type IClampStimulus,
  type IonVariable,
  type MechanismUse,
  type Method,
  type Probe,
  type SimulationRequest,
} from './model.ts';
export { assemble, createCpuState, finitialize, fixedStep, type BoundMechanism, type CpuState } from './cpu.ts';
export {
  EventQueue,
  EventRuntime,
  compileEvents,
  poissonTrain,
  spikeTrain,
  uniformGenerator,
  type CompiledEvents,
  type ConnectionSpec,
  type DetectorSpec,
  type EventsRequest,
  type SpikeRecord,
  type SpikeSourceSpec,
} from './events.ts';
export { cpuBackend, countSteps, neuronRunDt, nodeLocation, simulate, type Backend, type RunOptions, type SimulationResult, type SimulationWarning, type VOutOfRangeWarning } from './simulate.ts';
