/**
 * Ion settings of a protocol: `biophysics.ions` (everywhere) and `biophysics.regions.<region>.ions`
 * (per region, applied after it in the order written), each keyed by ion name with
 *   e_mV    the reversal potential (a parameter where no mechanism reads or writes a concentration
 *           of that ion; where one does, NEURON computes it by the Nernst equation and setting it
 *           is an error),
 *   ci0_mM  the initial intracellular concentration (NEURON's cai0_ca_ion, nai0_na_ion, ...),
 *   co_mM   the extracellular concentration (NEURON's cao0_ca_ion, ...; constant during a run).
 * A mechanism entry may also set the reversal potential of an ion it reads as a parameter
 * (`"ena": 50`, `"ek": -85` on NaTa_t, SK_E2, hh, ...), on its own segments; that comes last.
 */
import { ION_DEFAULTS, ionStyles, E_PARAMETER } from '../channels/ions.ts';
import type { Catalogue } from '../channels/catalogue.ts';
import type { CableLayout } from '../cable/layout.ts';
import { selectSections, type NamedSection } from '../cable/regions.ts';
import type { MechanismUse, SimulationRequest } from '../solvers/model.ts';
import { type Checker, didYouMean, show } from './validate.ts';

export const ION_SETTING_KEYS = ['e_mV', 'ci0_mM', 'co_mM'] as const;

export interface IonSetting {
  e_mV?: number;
  ci0_mM?: number;
  co_mM?: number;
}

/** Check an `ions` object: {"ca": {"co_mM": 2}, "k": {"e_mV": -85}}. */
export function parseIonSettings(c: Checker, path: string, v: unknown): Record<string, IonSetting> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) c.fail(path, `expected an object keyed by ion (${Object.keys(ION_DEFAULTS).join(', ')}), got ${show(v)}`);
  const out: Record<string, IonSetting> = {};
  for (const [ion, s] of Object.entries(v as Record<string, unknown>)) {
    const p = `${path}.${ion}`;
    if (!ION_DEFAULTS[ion]) c.fail(p, `unknown ion "${ion}"${didYouMean(ion, Object.keys(ION_DEFAULTS))}; known: ${Object.keys(ION_DEFAULTS).join(', ')}`);
    const o = c.object(p, s, ION_SETTING_KEYS);
    const set: IonSetting = {};
    if (o.e_mV !== undefined) set.e_mV = c.number(`${p}.e_mV`, o.e_mV);
    if (o.ci0_mM !== undefined) set.ci0_mM = c.number(`${p}.ci0_mM`, o.ci0_mM, { positive: true });
    if (o.co_mM !== undefined) set.co_mM = c.number(`${p}.co_mM`, o.co_mM, { positive: true });
    out[ion] = set;
  }
  return out;
}

/** One ion quantity per node, with the JSON path that set it (undefined: the default). */
interface PerNode {
  values: Float64Array;
  setBy: (string | undefined)[];
}

export interface IonInputs {
  c: Checker;
  sections: readonly NamedSection[];
  layout: CableLayout;
  where: (path: string) => string;
  /** `biophysics.ions`. */
  global: Record<string, IonSetting>;
  /** `biophysics.regions`, in the order written, with their `ions`. */
  regions: [string, Record<string, IonSetting> | undefined][];
  /** Reversal potentials from mechanism params: per ion, per node (NaN = not set), and who set each. */
  fromMechanisms: Map<string, { e: Float64Array; setBy: (string | undefined)[] }>;
  /** The density mechanism uses (after merging) and the catalogue, for the Nernst rule. */
  uses: readonly MechanismUse[];
  catalogue: Catalogue;
}

/** Per-node e, ci0 and co for the request, checking that no computed reversal potential is set. */
export function resolveIons(inp: IonInputs): NonNullable<SimulationRequest['ions']> {
  const { c, layout } = inp;
  const n = layout.nNodes;
  const table = new Map<string, Record<keyof IonSetting, PerNode | undefined>>();
  const slot = (ion: string, key: keyof IonSetting): PerNode => {
    let t = table.get(ion);
    if (!t) {
      t = { e_mV: undefined, ci0_mM: undefined, co_mM: undefined };
      table.set(ion, t);
    }
    if (!t[key]) {
      const def = ION_DEFAULTS[ion];
      const value = key === 'e_mV' ? def.e_mV : key === 'ci0_mM' ? def.ci_mM : def.co_mM;
      t[key] = { values: new Float64Array(n).fill(value), setBy: new Array(n) };
    }
    return t[key]!;
  };
  const apply = (settings: Record<string, IonSetting>, nodes: ArrayLike<number> | null, path: string) => {
    for (const [ion, s] of Object.entries(settings)) {
      for (const key of ION_SETTING_KEYS) {
        const x = s[key];
        if (x === undefined) continue;
        const pn = slot(ion, key);
        const by = `${path}.${ion}.${key}`;
        if (nodes === null) {
          pn.values.fill(x);
          pn.setBy.fill(by);
        } else {
          for (let k = 0; k < nodes.length; k++) {
            pn.values[nodes[k]] = x;
            pn.setBy[nodes[k]] = by;
          }
        }
      }
    }
  };
  apply(inp.global, null, '$.biophysics.ions');
  for (const [region, settings] of inp.regions) {
    if (!settings) continue;
    const path = `$.biophysics.regions.${region}.ions`;
    const nodes: number[] = [];
    for (const i of selectSections(inp.sections, region, inp.where(`$.biophysics.regions.${region}`))) {
      const s = layout.sections[i];
      for (let j = 0; j < s.nseg; j++) nodes.push(s.firstCentre + j);
    }
    apply(settings, nodes, path);
  }
  for (const [ion, m] of inp.fromMechanisms) {
    const pn = slot(ion, 'e_mV');
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(m.e[i])) continue;
      pn.values[i] = m.e[i];
      pn.setBy[i] = m.setBy[i];
    }
  }
  // A reversal potential NEURON computes (a concentration is read or written there) cannot be set.
  const withDesc = inp.uses.map((u) => ({ mechanism: inp.catalogue.get(u.name)!, nodes: u.nodes }));
  const out: NonNullable<SimulationRequest['ions']> = {};
  for (const [ion, t] of table) {
    const e = t.e_mV;
    if (e) {
      const style = ionStyles(ion, withDesc, n);
      for (let i = 0; i < n; i++) {
        if (e.setBy[i] === undefined || style[i] === E_PARAMETER) continue;
        const sec = layout.sections[layout.nodeSection[i]];
        const conc = (v: string) => v === `${ion}i` || v === `${ion}o`;
        const here = withDesc.filter((u) => Array.prototype.includes.call(u.nodes, i));
        const names = (f: (x: { read: readonly string[]; write: readonly string[] }) => boolean) =>
          here.filter((u) => u.mechanism.description.ions.some((x) => x.ion === ion && f(x))).map((u) => u.mechanism.description.name);
        const writers = names((x) => x.write.some(conc));
        const readers = names((x) => x.read.some(conc));
        const why = writers.length > 0 ? `${writers.join(', ')} ${writers.length === 1 ? 'writes' : 'write'} the concentration there` : `${readers.join(', ')} ${readers.length === 1 ? 'reads' : 'read'} the concentration there`;
        c.fail(
          e.setBy[i]!,
          `e${ion} is computed from ${ion}i and ${ion}o by the Nernst equation on ${sec.name} (${why}), as in NEURON; set ${ion}'s co_mM / ci0_mM instead, or leave e${ion} out there`,
        );
      }
    }
    out[ion] = {
      ...(e ? { e_mV: e.values } : {}),
      ...(t.ci0_mM ? { ci_mM: t.ci0_mM.values } : {}),
      ...(t.co_mM ? { co_mM: t.co_mM.values } : {}),
    };
  }
  return out;
}
