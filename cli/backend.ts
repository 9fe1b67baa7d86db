/**
 * `dendrite run --backend cpu|gpu|auto`: which backend runs the protocol, what it says about it,
 * and what goes into run.json. The GPU backend (src/solvers/gpu) and gpu.js load only here, only
 * when asked for.
 */
import { UserError } from '../src/errors.ts';
import { buildSimulation, loadProtocolMorphology } from '../src/protocol/build.ts';
import { runProtocol, type ProtocolRun } from '../src/protocol/run.ts';
import type { Protocol } from '../src/protocol/index.ts';
import { compileModel } from '../src/solvers/model.ts';

export type BackendKind = 'cpu' | 'gpu' | 'auto';

export function parseBackend(x: string | undefined): BackendKind {
  const b = (x ?? 'cpu').trim().toLowerCase();
  if (b === 'cpu' || b === 'gpu' || b === 'auto') return b;
  throw new UserError(`--backend: "${x}" is not one of cpu, gpu, auto`);
}

export interface BackendRun {
  run: ProtocolRun;
  /** run.json keys: backend, and for gpu/auto how it was chosen and what ran. */
  record: Record<string, unknown>;
}

/**
 * How the computations are run, so that a signal can stop them (cli/interrupt.ts): `sync` wraps the
 * synchronous CPU runs (`interruptible`), `wait` the asynchronous GPU steps (`untilSettled`).
 */
export interface ComputeGuard {
  sync: <T>(f: () => T) => T;
  wait: <T>(p: Promise<T>) => Promise<T>;
}

const unguarded: ComputeGuard = { sync: (f) => f(), wait: (p) => p };

/** Run the protocol on the chosen backend; logs the choice (gpu/auto) unless quiet. */
export async function runOnBackend(protocol: Protocol, kind: BackendKind, log: (s: string) => void, quiet: boolean, onProgress?: (f: number) => void, guard: ComputeGuard = unguarded): Promise<BackendRun> {
  if (kind === 'cpu') return { run: guard.sync(() => runProtocol(protocol, { onProgress })), record: { backend: 'cpu' } };
  const gpu = await import('../src/solvers/gpu/index.ts');
  const morphology = loadProtocolMorphology(protocol);
  const t0 = performance.now();
  const built = buildSimulation(protocol, morphology);
  const model = compileModel(built.request);
  let choice;
  try {
    choice = await guard.wait(gpu.chooseBackend(kind, model));
  } catch (e) {
    if (e instanceof gpu.GpuUnavailableError) throw new UserError(e.message);
    throw e;
  }
  if (choice.backend === 'cpu') {
    if (!quiet) log(`dendrite: backend auto: chose cpu: ${choice.why}`);
    return { run: guard.sync(() => runProtocol(protocol, { morphology, onProgress })), record: { backend: 'cpu', backend_requested: kind, backend_reason: choice.why } };
  }
  const exec = choice.executor!;
  if (!quiet) log(`dendrite: backend ${kind === 'auto' ? 'auto: chose gpu' : 'gpu'}: ${exec.detail}`);
  try {
    const { result, batch } = await guard.wait(gpu.simulateOnGpu(model, exec, { onProgress }));
    const run = runProtocol(protocol, { morphology, simulate: () => result });
    run.wall_s = (performance.now() - t0) / 1000;
    return {
      run,
      record: {
        backend: 'gpu',
        backend_requested: kind,
        backend_reason: choice.why,
        gpu: { executor: batch.executor, ran: batch.detail, precision: 'float32', launches_per_step: batch.launchesPerStep, tree_rounds: batch.rounds, setup_s: batch.setup_ms / 1000, run_s: batch.run_ms / 1000 },
      },
    };
  } finally {
    exec.destroy();
  }
}
