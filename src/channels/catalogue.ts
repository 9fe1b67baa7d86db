import { hayMechanisms } from './hay/index.ts';
import { hh } from './hh.ts';
import { iclamp } from './iclamp.ts';
import type { Mechanism, MechanismDescription } from './mechanism.ts';
import { pas } from './pas.ts';
import { stimulusMechanisms } from './stimuli/index.ts';
import { synapseMechanisms } from './synapses/index.ts';
import { dcaap } from './dcaap.ts';
import { kad, kap } from './ka.ts';

/** A set of mechanisms by name. A value you create and pass around; nothing registers itself. */
export interface Catalogue {
  get(name: string): Mechanism | undefined;
  has(name: string): boolean;
  names(): string[];
  descriptions(): MechanismDescription[];
}

export function createCatalogue(mechanisms: readonly Mechanism[]): Catalogue {
  const byName = new Map<string, Mechanism>();
  for (const m of mechanisms) {
    const name = m.description.name;
    if (byName.has(name)) throw new Error(`catalogue: mechanism "${name}" given twice`);
    byName.set(name, m);
  }
  return {
    get: (name) => byName.get(name),
    has: (name) => byName.has(name),
    names: () => [...byName.keys()],
    descriptions: () => [...byName.values()].map((m) => m.description),
  };
}

/** The mechanisms built into Dendrite (NEURON 8.2 built-ins, then the stimuli of src/channels/stimuli, then the Hay 2011 set of src/channels/hay, the synapses of src/channels/synapses, Gidon 2020's dCaAP and Migliore 1999's A-type K channels kap and kad). */
export function builtinMechanisms(): Mechanism[] {
  return [pas, iclamp, hh, ...stimulusMechanisms(), ...hayMechanisms(), ...synapseMechanisms(), dcaap, kap, kad] as Mechanism[];
}

/** A fresh catalogue of the built-in mechanisms. */
export function builtinCatalogue(): Catalogue {
  return createCatalogue(builtinMechanisms());
}
