/**
 * Dendrite's public API: `import { ... } from 'dendrite'` (package.json `exports` points at the
 * compiled dist/src/index.js). Documented in docs/api.md; anything not exported here is internal
 * and may change. Units are in the names (`dt_ms`, `area_um2`) as everywhere in Dendrite.
 */

// Errors. A UserError (and its subclasses) is a mistake in the input: its message names the file,
// line or JSON path and the value. SimulationSpecError and InstabilityError come from the solver.
export { UserError } from './errors.ts';
export { SwcError, type SwcErrorCode } from './morphology/swc.ts';
export { AscError, type AscErrorCode } from './morphology/asc.ts';
export { ProtocolError } from './protocol/validate.ts';
export { MechanismFileError } from './channels/user/errors.ts';
export { LayoutError } from './cable/layout.ts';
export { SimulationSpecError, InstabilityError } from './solvers/errors.ts';

// Morphology: SWC and Neurolucida ASC files read as NEURON 8.2's Import3d reads them.
export { loadMorphology, loadSwc, parseSwc, neuronOrder, typeName, type Morphology, type Section, type LoadOptions, type SomaRule } from './morphology/index.ts';

// Cable: discretization into NEURON's compartments and the node layout.
export { discretize, chooseNseg, type DiscretizationPolicy, type SectionElectrical, type Discretized } from './cable/discretize.ts';
export { buildLayout, nodeAt, type CableLayout, type SectionSpec, type SectionNodes } from './cable/layout.ts';

// Mechanisms: the built-in catalogue and user mechanism files (docs/mechanisms.md).
export { builtinCatalogue, createCatalogue, type Catalogue } from './channels/catalogue.ts';
export type { Mechanism, MechanismDescription, ParamSpec } from './channels/mechanism.ts';
export { loadMechanismFile, catalogueWithMechanismFiles } from './channels/user/index.ts';

// Solver: a compiled request integrated with NEURON's fixed-step method.
export {
  simulate,
  countSteps,
  type SimulationRequest,
  type SimulationResult,
  type SimulationWarning,
  type RunOptions,
  type Method,
  type MechanismUse,
  type Probe,
  type IClampStimulus,
} from './solvers/index.ts';
// Batch: B variants of one model in lock-step (docs/batch.md); kinetics descriptions of the built-ins.
export { simulateBatch, type BatchVariant, type BatchResult, type BatchOptions } from './solvers/batch/index.ts';
export { irCatalogue, irMechanism, loweredKinetics, describedMechanisms } from './channels/ir/index.ts';

// Protocols (docs/protocol.md): JSON in, a built simulation and its traces out.
export { loadProtocol, parseProtocol, DEFAULTS, METHODS, type Protocol } from './protocol/protocol.ts';
export { buildSimulation, loadProtocolMorphology, type BuiltSimulation, type ResolvedProbe } from './protocol/build.ts';
export { buildSimulations, LayoutCache, type BuildOptions } from './protocol/build.ts';
export { runProtocol, type ProtocolRun, type ProbeOutput } from './protocol/run.ts';
export { detectSpikes, spikeTimes, spikeTimesAP, traceFeatures, SPIKE_CRITERION, type SpikeCriterion, type SpikeRule, type TraceFeatures } from './protocol/analysis.ts';

// Plasticity (docs/plasticity.md): learning rules, plastic synapses, weights files.
export {
  builtinRules, builtinRuleList, createRuleSet, makePlasticSynapse, stdp, clopath, scaling, calcium, btsp, cooperative,
  formatWeightsCsv, parseWeightsCsv, matchWeights, WeightsFileError, WEIGHTS_COLUMNS,
  type PlasticityRule, type RuleInit, type RuleState, type RuleSet, type RuleUse, type WeightRow,
} from './plasticity/index.ts';

// Outputs: trace files and SVG figures, as `dendrite run` writes them.
export { writeTracesCsv, writeTracesJson } from './io/traces.ts';
export { writeTracesNpy, readNpy, type NpyArray } from './io/npy.ts';
export { tracesSvg, shapeSvg, plotRunDir, type TraceSeries } from './io/svg/index.ts';

// Sweeps (docs/sweeps.md): thousands of variants of a protocol on worker threads, resumable, shardable.
export { sweep, loadSweep, collect as collectSweep, status as sweepStatus, resultsTable as sweepResultsTable, FEATURES as SWEEP_FEATURES, type SweepOptions, type SweepResult, type SweepProgress, type SweepStatus, type SweepSpec, type ResultsTable, type Shard } from './sweep/index.ts';

// Experiments (docs/experiments.md): the dendritic phenomena, each with its numbers and literature checks.
export { experiments } from './experiments/registry.ts';
export { runExperiment, type RunExperimentOptions, type ExperimentResults, type ExperimentRunResult } from './experiments/run.ts';
export { check, type Experiment, type ExperimentContext, type ExperimentOutput, type LiteratureCheck } from './experiments/types.ts';
