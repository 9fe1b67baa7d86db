export { simulateBatch, runBatch, compileVariants, type BatchVariant, type BatchResult } from './simulate.ts';
export { createBatchState, batchFinitialize, batchFixedStep, batchStateBytes, type BatchState } from './state.ts';
