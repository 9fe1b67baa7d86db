/**
 * Executors run the kernel specs of codegen.ts:
 * - `emu`: this file's own loop over (x, y, z) calling the kernel function with strict float32
 *   rounding (codegen `f32: true`). It is the float32 reference on a CPU and needs no package.
 * - `gpujs-cpu`: gpu.js 2.24.1 in its `cpu` mode (the same kernel sources through gpu.js's parser
 *   and code generator; arithmetic in float64 inside a kernel, float32 between kernels).
 * - `gpujs-webgpu`: gpu.js's `webgpu` mode on the adapter that select.ts found (Dawn through the
 *   `webgpu` package). Kernel calls are asynchronous there.
 * gpu.js and webgpu are optional dependencies, imported only here and only when asked for.
 */
import type { KernelSpec } from './codegen.ts';

/** A kernel's output: rows of float32 per [z][y] (CPU executors) or an opaque device texture. */
export type Tex = unknown;

export interface Kernel {
  readonly spec: KernelSpec;
  run(args: readonly Tex[]): Tex | Promise<Tex>;
}

export interface Executor {
  /** `emu`, `gpujs-cpu`, `gpujs-webgpu`. */
  readonly name: string;
  /** What really ran: gpu.js mode and adapter, or "CPU (strict float32 emulation)". */
  readonly detail: string;
  /** Codegen must round every operation to float32 (only the emulator). */
  readonly f32: boolean;
  readonly async: boolean;
  build(spec: KernelSpec): Kernel;
  /** Rows [y][x] of a 2D output as float32 (awaited on async executors). */
  read2D(t: Tex): Float32Array[] | Promise<Float32Array[]>;
  destroy(): void;
}

/** The strict float32 emulator. */
export function emuExecutor(): Executor {
  return {
    name: 'emu',
    detail: 'CPU, strict float32 emulation (Math.fround after every operation)',
    f32: true,
    async: false,
    build(spec) {
      // The kernel body becomes a function of (x, y, z); a loop around it fills the output.
      const body = spec.source.slice(spec.source.indexOf('{') + 1, spec.source.lastIndexOf('}'));
      const inner = body.replace(/this\.thread\.x/g, 'tx').replace(/this\.thread\.y/g, 'ty').replace(/this\.thread\.z/g, 'tz').replace(/this\.constants\./g, 'C.');
      const names = spec.args.join(', ');
      const [X, Y, Z] = spec.output;
      const code = `function k(tx, ty, tz${names ? ', ' + names : ''}) {${inner}}
return function run(out${names ? ', ' + names : ''}) {
  for (let z = 0; z < ${Z ?? 1}; z++) {
    const rows = ${Z === undefined ? 'out' : 'out[z]'};
    for (let y = 0; y < ${Y}; y++) {
      const row = rows[y];
      for (let x = 0; x < ${X}; x++) row[x] = k(x, y, z${names ? ', ' + names : ''});
    }
  }
  return out;
};`;
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const run = new Function('C', code)(spec.constants) as (...a: unknown[]) => unknown;
      const plane = (): Float32Array[] => Array.from({ length: Y }, () => new Float32Array(X));
      // One output buffer per kernel object (a gpu.js pipeline kernel also renders into one texture).
      const out = Z === undefined ? plane() : Array.from({ length: Z }, plane);
      return { spec, run: (args) => run(out, ...args) };
    },
    read2D(t) {
      return t as Float32Array[];
    },
    destroy() {},
  };
}

interface GpuJsModule {
  GPU: new (opts: Record<string, unknown>) => {
    createKernel(src: string, opts: Record<string, unknown>): ((...a: unknown[]) => unknown) & { destroy?: () => void };
    destroy(): void | Promise<void>;
  };
}

/** Load gpu.js (optional dependency), or say why it is not there. */
export async function loadGpuJs(): Promise<GpuJsModule | string> {
  try {
    const mod = (await import('gpu.js')) as unknown as GpuJsModule & { default?: GpuJsModule };
    return mod.GPU ? mod : mod.default!;
  } catch (e) {
    return `the optional dependency gpu.js is not installed (${(e as Error).message.split('\n')[0]}); npm install gpu.js@2.24.1`;
  }
}

/** gpu.js in `cpu` or `webgpu` mode. */
export async function gpuJsExecutor(mode: 'cpu' | 'webgpu', detail: string): Promise<Executor> {
  const mod = await loadGpuJs();
  if (typeof mod === 'string') throw new Error(mod);
  const gpu = new mod.GPU({ mode });
  const pipeline = mode !== 'cpu';
  return {
    name: `gpujs-${mode}`,
    detail,
    f32: false,
    async: mode === 'webgpu',
    build(spec) {
      const k = gpu.createKernel(spec.source, {
        output: [...spec.output],
        constants: spec.constants,
        pipeline,
        immutable: false,
        precision: 'single',
        tactic: 'precision',
        dynamicOutput: false,
      });
      return { spec, run: (args) => k(...args) };
    },
    read2D(t) {
      const rows = (a: ArrayLike<number>[]): Float32Array[] => Array.from(a, (row) => (row instanceof Float32Array ? row : Float32Array.from(row)));
      const x = t as { toArray?: () => unknown };
      if (typeof x.toArray !== 'function') return rows(t as ArrayLike<number>[]);
      const a = x.toArray();
      return a instanceof Promise ? a.then((v) => rows(v as ArrayLike<number>[])) : rows(a as ArrayLike<number>[]);
    },
    destroy() {
      void gpu.destroy();
    },
  };
}
