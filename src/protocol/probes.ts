/**
 * What a `record[]` entry records at its location (`"what"`, default `"v"`):
 * - `"v"`: the membrane potential (mV);
 * - an ion variable of an ion some mechanism at that segment uses: `i<ion>` total current
 *   (mA/cm², e.g. `ica`; under Crank–Nicolson with NEURON's second-order correction), `e<ion>`
 *   reversal potential (mV, e.g. `eca`), `<ion>i` / `<ion>o` concentrations (mM, e.g. `cai`);
 * - `"<mechanism>.<variable>"`: a parameter, state or assigned variable of a density mechanism
 *   inserted at that segment (`"NaTa_t.m"`, `"Ca_HVA.ica"`, `"hh.gna"`), in its own unit.
 * Mapped onto the solver's probes ({mechanism, variable, instance}, {ion, variable, node}).
 */
import type { Catalogue } from '../channels/catalogue.ts';
import type { IonVariable, MechanismUse, Probe } from '../solvers/model.ts';
import { didYouMean } from './validate.ts';

export interface ResolvedWhat {
  probe: Probe;
  /** Unit of the recorded quantity. */
  unit: string;
}

/** A `what` that does not exist at the location; `message` lists what does. */
export class ProbeError extends Error {}

const ION_VARS: { variable: IonVariable; name: (ion: string) => string; unit: string }[] = [
  { variable: 'i', name: (ion) => `i${ion}`, unit: 'mA/cm2' },
  { variable: 'e', name: (ion) => `e${ion}`, unit: 'mV' },
  { variable: 'ci', name: (ion) => `${ion}i`, unit: 'mM' },
  { variable: 'co', name: (ion) => `${ion}o`, unit: 'mM' },
];

/**
 * Resolve `what` at `node` against the mechanism uses of the request (after merging: one use per
 * mechanism name). `where` names the location in messages.
 */
export function resolveWhat(what: string, node: number, uses: readonly MechanismUse[], catalogue: Catalogue, where: string): ResolvedWhat {
  if (what === 'v') return { probe: node, unit: 'mV' };
  const here: { use: number; instance: number }[] = [];
  uses.forEach((u, k) => {
    for (let j = 0; j < u.nodes.length; j++) {
      if (u.nodes[j] === node) {
        here.push({ use: k, instance: j });
        break;
      }
    }
  });
  const ions = new Set<string>();
  for (const h of here) for (const u of catalogue.get(uses[h.use].name)!.description.ions) ions.add(u.ion);

  const dot = what.indexOf('.');
  if (dot > 0) {
    const mech = what.slice(0, dot);
    const variable = what.slice(dot + 1);
    const h = here.find((x) => uses[x.use].name === mech);
    if (!h) {
      const inserted = here.map((x) => uses[x.use].name);
      const known = catalogue.has(mech) ? '' : didYouMean(mech, catalogue.names());
      throw new ProbeError(
        `mechanism "${mech}"${known} is not inserted at ${where}; there: ${inserted.length > 0 ? inserted.join(', ') : 'none'}`,
      );
    }
    const desc = catalogue.get(mech)!.description;
    const vars = [...desc.params, ...desc.states, ...desc.assigned];
    const spec = vars.find((q) => q.name === variable);
    if (!spec) {
      const names = vars.map((q) => q.name);
      throw new ProbeError(`${mech} has no variable "${variable}"${didYouMean(variable, names)}; it has: ${names.join(', ')}`);
    }
    return { probe: { mechanism: h.use, variable, instance: h.instance }, unit: spec.unit };
  }
  for (const ion of ions) {
    for (const iv of ION_VARS) {
      if (iv.name(ion) === what) return { probe: { ion, variable: iv.variable, node }, unit: iv.unit };
    }
  }
  const candidates = ['v', ...[...ions].flatMap((ion) => ION_VARS.map((iv) => iv.name(ion)))];
  for (const h of here) {
    const desc = catalogue.get(uses[h.use].name)!.description;
    for (const q of [...desc.states, ...desc.assigned, ...desc.params]) candidates.push(`${desc.name}.${q.name}`);
  }
  const ionWord = /^(i|e)([a-z]+)$|^([a-z]+)(i|o)$/.test(what) ? ' (no mechanism there uses that ion)' : '';
  throw new ProbeError(
    `cannot record "${what}" at ${where}${ionWord}${didYouMean(what, candidates)}; there you can record: ${candidates.slice(0, 24).join(', ')}${candidates.length > 24 ? ', ...' : ''}`,
  );
}
