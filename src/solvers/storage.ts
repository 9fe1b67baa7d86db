/**
 * The engine's state storage (the StateStorage of src/channels/mechanism.ts): every per-instance
 * array a mechanism keeps, and the engine's own per-node arrays, are carved out of buffers the
 * engine owns, so that it knows (and reports) where the state is and how big it is.
 *
 * - `SlabStorage`, a single run's (src/solvers/cpu.ts): ArrayBuffer slabs of `slab_B` bytes (or one
 *   request's size when larger); a request goes to the first slab with room for it, else opens the
 *   next. No sizing pass is needed; what stays unused is the slabs' tails.
 * - `RegionStorage`: arrays in one byte range of a given buffer; the batch (./batch/state.ts) uses
 *   one over its WebAssembly.Memory, so mechanisms' arrays lie in the memory its kernels run on.
 * - `CountingStorage`: plain arrays, and the extent a region would need for the same requests in
 *   the same order; the batch's sizing pass (a WebAssembly memory is sized before it is viewed).
 *
 * Arrays are zeroed (fresh buffers, never reused) and aligned to `align_B` bytes (8: doubles; the
 * batch uses 16, its SIMD kernels' vector width).
 */
import type { StateStorage } from '../channels/mechanism.ts';

/** Default size of a slab: 64 KiB, 8192 doubles. */
export const DEFAULT_SLAB_BYTES = 65536;

/**
 * A single run's slab size for `nNodes` nodes: eight per-node arrays of doubles (at least 4 KiB).
 * Most arrays are per node or per instance (at most one instance per node for density
 * mechanisms), so a slab wastes at most about one such array, and the last slab's tail at most
 * seven. Reserved against used, B per node: hh bench cell 192 vs 185, Hay cell 320 vs 298,
 * Rallpack 3 192 vs 188, Rallpack 1 (pas only, mostly the last tail) 128 vs 92; 64 KiB slabs
 * reserved 234, 364, 196 and 131.
 */
export function slabBytesFor(nNodes: number): number {
  return Math.max(4096, 64 * nNodes);
}

function alignUp(x_B: number, align_B: number): number {
  return Math.ceil(x_B / align_B) * align_B;
}

function checkAlign(align_B: number): void {
  if (!(Number.isInteger(align_B) && align_B >= 8 && (align_B & (align_B - 1)) === 0)) {
    throw new RangeError(`storage alignment: expected a power of two ≥ 8 bytes, got ${align_B}`);
  }
}

function checkLength(length: number): void {
  if (!(Number.isInteger(length) && length >= 0)) throw new RangeError(`storage: array length must be a non-negative integer, got ${length}`);
}

/** Arrays carved in order out of bytes [begin_B, end_B) of `buffer`. */
export class RegionStorage implements StateStorage {
  private top_B: number;
  private used_B = 0;

  constructor(
    readonly buffer: ArrayBufferLike,
    readonly begin_B: number,
    readonly end_B: number,
    readonly align_B = 8,
  ) {
    checkAlign(align_B);
    if (!(begin_B % align_B === 0 && begin_B >= 0 && end_B >= begin_B && end_B <= buffer.byteLength)) {
      throw new RangeError(`storage region [${begin_B}, ${end_B}) of a ${buffer.byteLength}-byte buffer: expected an aligned range inside the buffer`);
    }
    this.top_B = begin_B;
  }

  /** Whether `bytes` more bytes fit (after aligning). */
  fits(bytes: number): boolean {
    return alignUp(this.top_B, this.align_B) + bytes <= this.end_B;
  }

  private take(bytes: number): number {
    const at = alignUp(this.top_B, this.align_B);
    if (at + bytes > this.end_B) {
      throw new RangeError(`storage region [${this.begin_B}, ${this.end_B}) is full: ${bytes} more bytes asked at ${at} (the sizing pass and the allocation differ)`);
    }
    this.top_B = at + bytes;
    this.used_B += bytes;
    return at;
  }

  f64(length: number): Float64Array {
    checkLength(length);
    return new Float64Array(this.buffer, this.take(8 * length), length);
  }

  i32(length: number): Int32Array {
    checkLength(length);
    return new Int32Array(this.buffer, this.take(4 * length), length);
  }

  get bytes(): number {
    return this.used_B;
  }

  /** Bytes of the region taken so far, alignment padding included. */
  get extent_B(): number {
    return this.top_B - this.begin_B;
  }

  /** Whether `x` lies in this region. */
  holds(x: ArrayBufferView): boolean {
    return x.buffer === this.buffer && x.byteOffset >= this.begin_B && x.byteOffset + x.byteLength <= this.top_B;
  }
}

/** A single run's storage: slabs of `slab_B` bytes (a larger request gets a slab of its size). */
export class SlabStorage implements StateStorage {
  private readonly regions: RegionStorage[] = [];

  constructor(readonly slab_B = DEFAULT_SLAB_BYTES) {
    if (!(Number.isInteger(slab_B) && slab_B > 0 && slab_B % 8 === 0)) throw new RangeError(`slab size: expected a positive multiple of 8 bytes, got ${slab_B}`);
  }

  private region(bytes: number): RegionStorage {
    // First fit: an earlier slab's tail takes a request the newest slab has no room for.
    for (const r of this.regions) if (r.fits(bytes)) return r;
    const size = Math.max(this.slab_B, alignUp(bytes, 8));
    const r = new RegionStorage(new ArrayBuffer(size), 0, size, 8);
    this.regions.push(r);
    return r;
  }

  f64(length: number): Float64Array {
    checkLength(length);
    return this.region(8 * length).f64(length);
  }

  i32(length: number): Int32Array {
    checkLength(length);
    return this.region(4 * length).i32(length);
  }

  get bytes(): number {
    let b = 0;
    for (const r of this.regions) b += r.bytes;
    return b;
  }

  /** Bytes of the slabs allocated (what the storage holds in memory, unused tails included). */
  get reserved_B(): number {
    let b = 0;
    for (const r of this.regions) b += r.buffer.byteLength;
    return b;
  }

  /** The slabs' buffers. */
  get buffers(): readonly ArrayBufferLike[] {
    return this.regions.map((r) => r.buffer);
  }

  /** Whether `x` lies in one of the slabs. */
  holds(x: ArrayBufferView): boolean {
    return this.regions.some((r) => r.holds(x));
  }
}

/**
 * Plain arrays, counting the extent a `RegionStorage` with the same alignment (and an aligned
 * start) would need for the same requests in the same order.
 */
export class CountingStorage implements StateStorage {
  private top_B = 0;
  private used_B = 0;

  constructor(readonly align_B = 8) {
    checkAlign(align_B);
  }

  private count(bytes: number): void {
    this.top_B = alignUp(this.top_B, this.align_B) + bytes;
    this.used_B += bytes;
  }

  f64(length: number): Float64Array {
    checkLength(length);
    this.count(8 * length);
    return new Float64Array(length);
  }

  i32(length: number): Int32Array {
    checkLength(length);
    this.count(4 * length);
    return new Int32Array(length);
  }

  get bytes(): number {
    return this.used_B;
  }

  /** Bytes a region needs for the requests so far, alignment padding included. */
  get extent_B(): number {
    return this.top_B;
  }
}

/** A copy of `x` in `storage`. */
export function storedCopy(storage: StateStorage, x: ArrayLike<number>): Float64Array {
  const out = storage.f64(x.length);
  out.set(x);
  return out;
}

/** An Int32Array copy of `x` in `storage`. */
export function storedCopyI32(storage: StateStorage, x: ArrayLike<number>): Int32Array {
  const out = storage.i32(x.length);
  out.set(x);
  return out;
}
