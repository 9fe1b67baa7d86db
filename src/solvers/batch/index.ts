export { simulateBatch, runBatch, compileVariants, type BatchVariant, type BatchResult } from './simulate.ts';
export { createBatchState, batchFinitialize, batchFixedStep, batchStateBytes, type BatchOptions, type BatchState, type BatchBound, type BatchEngine, type WasmKernels } from './state.ts';
