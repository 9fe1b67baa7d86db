/**
 * The catalogue a batch runs: the request's own, with every built-in mechanism that has a kinetics
 * description (src/channels/ir) swapped for the mechanism generated from it, whose density
 * kernels the batch runs in WebAssembly SIMD over the variant axis. The generated kernels equal the
 * hand-written ones bit for bit (test/batch/catalogue.test.ts), so the swap changes speed, not
 * values. Mechanism files cannot take a built-in's name (src/channels/user/load.ts), so a
 * described name is always the built-in.
 */
import { createCatalogue, type Catalogue } from '../../channels/catalogue.ts';
import { describedMechanisms, irMechanism } from '../../channels/ir/index.ts';
import type { Mechanism } from '../../channels/mechanism.ts';

/** Generated mechanisms by name, built once per cache and shared by the catalogues made with it. */
export class GeneratedMechanisms {
  private readonly described = new Set(describedMechanisms());
  private readonly made = new Map<string, Mechanism>();

  /** The generated mechanism of a described built-in, or undefined. */
  get(name: string): Mechanism | undefined {
    if (!this.described.has(name)) return undefined;
    let m = this.made.get(name);
    if (m === undefined) {
      m = irMechanism(name);
      this.made.set(name, m);
    }
    return m;
  }
}

/** `catalogue` with its described built-ins generated (see the file comment). */
export function batchCatalogue(catalogue: Catalogue, generated: GeneratedMechanisms = new GeneratedMechanisms()): Catalogue {
  return createCatalogue(catalogue.names().map((name) => generated.get(name) ?? catalogue.get(name)!));
}
