/**
 * A small WebAssembly assembler (bytes only, no toolchain): LEB128 numbers, opcodes of the scalar,
 * SIMD (f64x2) and control instructions the batch kernels use, and a module builder with one
 * imported memory, imported functions, and exported functions. Nothing here keeps state between
 * calls; a `ModuleBuilder` is used once.
 */

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Value types. */
export const I32 = 0x7f, I64 = 0x7e, F64 = 0x7c, V128 = 0x7b;

/** Scalar and control opcodes. */
export const OP = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f, call: 0x10,
  get: 0x20, set: 0x21, tee: 0x22,
  i32Const: 0x41, i64Const: 0x42, f64Const: 0x44,
  i32Load: 0x28, i64Load: 0x29, f64Load: 0x2b, f64Store: 0x39,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32GeS: 0x4e, i32GeU: 0x4f, i32LtU: 0x49,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Or: 0x72, i32Shl: 0x74,
  i64Add: 0x7c, i64Shl: 0x86, i64ShrU: 0x88, i32WrapI64: 0xa7,
  f64Add: 0xa0, f64Sub: 0xa1, f64Mul: 0xa2, f64Div: 0xa3,
} as const;

/** SIMD opcodes (after the 0xfd prefix). */
export const SIMD = {
  load: 0x00, load64Splat: 0x0a, store: 0x0b, const: 0x0c,
  i64x2Splat: 0x12, f64x2Splat: 0x14, i64x2Extract: 0x1d, i64x2Replace: 0x1e, f64x2Extract: 0x21, f64x2Replace: 0x22,
  f64x2Eq: 0x47, f64x2Ne: 0x48, f64x2Lt: 0x49, f64x2Gt: 0x4a, f64x2Le: 0x4b, f64x2Ge: 0x4c,
  not: 0x4d, and: 0x4e, or: 0x50, bitselect: 0x52, anyTrue: 0x53,
  store64Lane: 0x5b,
  i64x2AllTrue: 0xc3, i64x2Bitmask: 0xc4, i64x2Shl: 0xcb, i64x2Add: 0xce,
  f64x2Abs: 0xec, f64x2Neg: 0xed, f64x2Sqrt: 0xef, f64x2Add: 0xf0, f64x2Sub: 0xf1, f64x2Mul: 0xf2, f64x2Div: 0xf3, f64x2Min: 0xf4, f64x2Max: 0xf5,
} as const;

export const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
/** memarg: alignment exponent, offset (a byte address baked into the instruction). */
export const memarg = (align: number, offset: number): number[] => [align, ...uleb(offset)];
export const f64 = (x: number): number[] => [OP.f64Const, ...new Uint8Array(Float64Array.of(x).buffer)];
export const i32 = (x: number): number[] => [OP.i32Const, ...sleb(x)];
/** v128.const with both lanes x. */
export const splatConst = (x: number): number[] => {
  const b = new Uint8Array(Float64Array.of(x, x).buffer);
  return [0xfd, ...uleb(SIMD.const), ...b];
};
export const get = (l: number): number[] => [OP.get, ...uleb(l)];
export const set = (l: number): number[] => [OP.set, ...uleb(l)];
export const tee = (l: number): number[] => [OP.tee, ...uleb(l)];

/** A function being written: its signature, locals and body. */
export class Fn {
  private readonly locals: number[] = [];
  readonly code: number[] = [];
  /** Calls of other functions of the module by name: the position of a 5-byte index to patch. */
  readonly calls: { at: number; name: string }[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly number[],
    readonly results: readonly number[] = [],
  ) {}

  local(type: number): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  emit(...parts: (number | readonly number[])[]): void {
    for (const p of parts) {
      if (typeof p === 'number') this.code.push(p);
      else for (const b of p) this.code.push(b);
    }
  }

  /** `call` of the module's function `name` (its index is filled in by `assemble`). */
  callFn(name: string): void {
    this.code.push(OP.call);
    this.calls.push({ at: this.code.length, name });
    this.code.push(0x80, 0x80, 0x80, 0x80, 0x00);
  }

  /** Put `bytes` before the code written so far (a prologue known only at the end). */
  prepend(bytes: readonly number[]): void {
    this.code.splice(0, 0, ...bytes);
    for (const c of this.calls) c.at += bytes.length;
  }

  body(): number[] {
    const groups: number[] = [];
    for (const t of this.locals) groups.push(1, t);
    return concat([...uleb(this.locals.length), ...groups], this.code, [OP.end]);
  }
}

/** Imported function: its name in module `env` and signature. */
export interface Import {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
}

/** Module: memory `env.mem` (imported), functions `env.<name>` imported (indices 0…), then `fns` exported. */
export function assemble(imports: readonly Import[], fns: readonly Fn[], memoryPages: number): Uint8Array<ArrayBuffer> {
  const sigs: string[] = [];
  const typeBytes: number[][] = [];
  const typeOf = (params: readonly number[], results: readonly number[]): number => {
    const key = `${params.join(',')}>${results.join(',')}`;
    let k = sigs.indexOf(key);
    if (k < 0) {
      k = sigs.length;
      sigs.push(key);
      typeBytes.push([0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results]);
    }
    return k;
  };
  const importTypes = imports.map((f) => typeOf(f.params, f.results));
  const fnTypes = fns.map((f) => typeOf(f.params, f.results));
  const importBytes: number[] = [...uleb(imports.length + 1)];
  importBytes.push(...str('env'), ...str('mem'), 0x02, 0x00, ...uleb(memoryPages));
  imports.forEach((f, k) => importBytes.push(...str('env'), ...str(f.name), 0x00, ...uleb(importTypes[k])));
  const exportBytes: number[] = [...uleb(fns.length)];
  fns.forEach((f, k) => exportBytes.push(...str(f.name), 0x00, ...uleb(imports.length + k)));
  const codeBytes: number[] = [...uleb(fns.length)];
  const index = new Map(fns.map((f, k) => [f.name, imports.length + k]));
  for (const f of fns) {
    for (const c of f.calls) {
      const k = index.get(c.name);
      if (k === undefined) throw new Error(`internal: ${f.name} calls ${c.name}, which the module does not have`);
      for (let b = 0; b < 5; b++) f.code[c.at + b] = ((k >>> (7 * b)) & 0x7f) | (b < 4 ? 0x80 : 0);
    }
  }
  const bodies = fns.map((f) => f.body());
  const code = concat(codeBytes, ...bodies.map((b) => concat(uleb(b.length), b)));
  return new Uint8Array(
    concat(
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      section(1, [...uleb(typeBytes.length), ...typeBytes.flat()]),
      section(2, importBytes),
      section(3, [...uleb(fns.length), ...fnTypes.flatMap((t) => uleb(t))]),
      section(7, exportBytes),
      [10, ...uleb(code.length)],
      code,
    ),
  );
}

/** Arrays joined without spreading them as arguments (kernel bodies can be long). */
function concat(...parts: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (const p of parts) for (let k = 0; k < p.length; k++) out.push(p[k]);
  return out;
}
