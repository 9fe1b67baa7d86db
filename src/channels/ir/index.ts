/**
 * One kinetics source for the built-in mechanisms (issue 10 item 1): their descriptions as data
 * (./specs.ts, the mechanism-file IR) and what is generated from them.
 *
 * - `kineticsSpec(name)`: the checked spec (src/channels/user/spec.ts);
 * - `loweredKinetics(name)`: the unit-converted expression trees a code generator consumes
 *   (src/channels/user/compile.ts `lowerMechanism`; the batch and GPU backends);
 * - `irMechanism(name)`: a Mechanism whose kernels are generated from the description, with the
 *   built-in's name, evaluation order and `constantConductance`, a drop-in replacement for the
 *   hand-written kernel; its state update is the stage-major one of ./staged.ts (exps in
 *   WebAssembly SIMD over blocks of instances), bitwise equal to the mechanism-file compiler's
 *   (`{staged: false}`), except for a concentration state or an ion-current read (the compiler's);
 * - `irCatalogue()`: the built-in catalogue with every described mechanism replaced that way.
 *
 * Nothing here reads files or keeps state between calls: each call compiles afresh (a few ms per
 * mechanism; mathjs parses the expressions once per compile).
 */
import { builtinMechanisms, createCatalogue, type Catalogue } from '../catalogue.ts';
import type { Mechanism } from '../mechanism.ts';
import { compileMechanism, lowerMechanism, type LoweredMechanism, type UserMechanism } from '../user/compile.ts';
import { symbols } from '../user/expr.ts';
import { parseMechanismSpec, type MechanismSpec } from '../user/spec.ts';
import { BUILTIN_KINETICS } from './specs.ts';
import { createScratch, stagedAdvance, type StagedInstance } from './staged.ts';

export { BUILTIN_KINETICS } from './specs.ts';
export type { MechanismFile } from './types.ts';
export type { LoweredMechanism } from '../user/compile.ts';

/** Names of the built-in mechanisms that have a kinetics description. */
export function describedMechanisms(): string[] {
  return Object.keys(BUILTIN_KINETICS);
}

/** The checked spec of a described built-in mechanism. */
export function kineticsSpec(name: string): MechanismSpec {
  const raw = BUILTIN_KINETICS[name];
  if (raw === undefined) {
    throw new Error(`no kinetics description for mechanism "${name}" (described: ${describedMechanisms().join(', ')})`);
  }
  return parseMechanismSpec(raw, `src/channels/ir/specs.ts (${name})`);
}

/** The lowered IR of a described built-in mechanism. */
export function loweredKinetics(name: string): LoweredMechanism {
  return lowerMechanism(kineticsSpec(name));
}

/**
 * The mechanism with kernels generated from its description, named and ordered as the built-in
 * (`order` changes only rounding: it is the place in a node's sum of currents).
 */
export function irMechanism(name: string, o: { staged?: boolean } = {}): UserMechanism {
  const spec = kineticsSpec(name);
  const compiled = compileMechanism(spec);
  const builtin = builtinMechanisms().find((m) => m.description.name === name);
  const description = builtin === undefined
    ? compiled.description
    : {
      ...compiled.description,
      order: builtin.description.order,
      summary: builtin.description.summary,
      source: builtin.description.source,
      // pas: its conductance depends on no state, v or t, so the engine may factorise once (cpu.ts)
      ...(builtin.description.constantConductance !== undefined ? { constantConductance: builtin.description.constantConductance } : {}),
    };
  const lowered = lowerMechanism(spec);
  const staged = o.staged === false || !stagedSupports(lowered) ? null : stagedAdvance(lowered);
  if (staged === null) return { ...compiled, description };
  const compiledAdvance = compiled.advance!;
  return {
    ...compiled,
    description,
    instantiate(init) {
      return Object.assign(compiled.instantiate(init), { $expb: createScratch(staged.scratch) });
    },
    // The stage-major state update (./staged.ts); with the rate table on, the compiled one.
    advance(inst, ctx) {
      if (inst.table !== null) compiledAdvance(inst, ctx);
      else staged.advance(inst as StagedInstance, ctx);
    },
  };
}

/**
 * Whether ./staged.ts can generate the state update: not for a concentration state (it lives in the
 * ion's arrays, CaDynamics_E2's cai) nor for reading an ion's total current (ica); those
 * mechanisms keep the mechanism-file compiler's update.
 */
function stagedSupports(low: LoweredMechanism): boolean {
  if (low.spec.states.some((s) => s.ion !== undefined)) return false;
  const irs = [...low.assigned.map((a) => a.ir), ...low.states.flatMap((s) => [s.first.ir, s.second.ir])];
  return !irs.some((ir) => [...symbols(ir)].some((n) => low.symbol(n)?.field === 'i'));
}

/** The built-in mechanisms with every described one replaced by its generated version. */
export function irMechanisms(): Mechanism[] {
  return builtinMechanisms().map((m) => (BUILTIN_KINETICS[m.description.name] !== undefined ? (irMechanism(m.description.name) as Mechanism) : m));
}

/** A catalogue of `irMechanisms()`. */
export function irCatalogue(): Catalogue {
  return createCatalogue(irMechanisms());
}
