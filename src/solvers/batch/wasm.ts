/**
 * The batch state's one WebAssembly.Memory and the module that runs on it: an arena of the
 * batch-innermost arrays (src/solvers/batch/state.ts lays them out; JavaScript sees them as
 * Float64Array views), and one generated module per batch with the Hines solve (./wasm-hines.ts) and
 * the mechanism kernels generated from the kinetics IR (src/channels/ir/wasm/kernel.ts). The memory
 * is allocated at its final size and never grows, so the views stay valid.
 */
import { hocExp } from '../../channels/user/runtime.ts';
import { assemble, type Fn } from '../../channels/ir/wasm/asm.ts';
import { EXP_TABLE_BYTES, writeExpTable } from '../../channels/ir/wasm/exp.ts';
import { KERNEL_IMPORTS, kernelImports } from '../../channels/ir/wasm/kernel.ts';

/** Byte offsets of arrays planned in the batch memory (16-byte aligned; the exp table first). */
export class Arena {
  private top = EXP_TABLE_BYTES;

  f64(length: number): number {
    const at = (this.top + 15) & ~15;
    this.top = at + 8 * length;
    return at;
  }

  i32(length: number): number {
    const at = (this.top + 15) & ~15;
    this.top = at + 4 * length;
    return at;
  }

  get bytes(): number {
    return this.top;
  }
}

export interface BatchMemory {
  readonly memory: WebAssembly.Memory;
  /** The whole memory as doubles (kernels' constants are written through it). */
  readonly F: Float64Array;
  f64(at: number, length: number): Float64Array;
  i32(at: number, length: number): Int32Array;
}

const PAGE = 65536;
/** WebAssembly's 32-bit memories: at most 65536 pages (4 GiB). */
const MAX_PAGES = 65536;

export function createBatchMemory(arena: Arena): BatchMemory {
  const pages = Math.max(1, Math.ceil((arena.bytes + 16) / PAGE));
  if (pages > MAX_PAGES) {
    throw new RangeError(`batch state needs ${(arena.bytes / 2 ** 30).toFixed(2)} GiB, more than a WebAssembly memory holds (4 GiB): run the variants in smaller batches`);
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  writeExpTable(memory);
  const buffer = memory.buffer;
  return {
    memory,
    F: new Float64Array(buffer),
    f64: (at, length) => new Float64Array(buffer, at, length),
    i32: (at, length) => new Int32Array(buffer, at, length),
  };
}

/** Instantiate the batch module: `fns` exported by name, the memory and the kernels' imports. */
export function instantiateBatchModule(mem: BatchMemory, fns: readonly Fn[]): Record<string, (...args: number[]) => number> {
  const bytes = assemble(KERNEL_IMPORTS, fns, mem.memory.buffer.byteLength / PAGE);
  const module = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(module, { env: { mem: mem.memory, ...kernelImports(hocExp) } });
  return instance.exports as Record<string, (...args: number[]) => number>;
}
