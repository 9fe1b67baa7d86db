/**
 * `record[]` entries → the solver's probes and the columns of the traces (docs/protocol.md,
 * "Recording"). One entry gives one column, or several:
 * - `"at": "sec(x)"` or a distance location with pick "trunk": one column, `label`;
 * - a distance location with `"pick": "all"`: one column per crossing, `label[0]`, `label[1]`, …
 *   (in NEURON's section order);
 * - `"at": "all"`: one column per segment of the cell, `label@sec(x)` (x the segment centre);
 * - `"stimulus": k`: that stimulus's current (nA), one column;
 * - `"synapse": name or index`: a variable (`what`, required) of each synapse the entry placed:
 *   one column `label` for a single synapse, else `label[0]`, `label[1]`, … in placement order.
 * `what` at a location is resolved by probes.ts.
 */
import type { Catalogue } from '../channels/catalogue.ts';
import type { MechanismUse, Probe } from '../solvers/model.ts';
import type { Protocol } from './protocol.ts';
import { ProbeError, resolveWhat } from './probes.ts';
import { resolveLocations, type PlaceContext, type PlacedStimulus, type ResolvedLocation } from './stimuli.ts';
import type { PlacedSynapse } from './synapses.ts';
import type { SpikeRule } from './analysis.ts';
import { type Checker, didYouMean, show } from './validate.ts';

export interface ResolvedProbe {
  label: string;
  at: string;
  section: string;
  x: number;
  node: number;
  /** Position of the node on its section (segment centre, or 0 / 1 for end nodes). */
  node_x: number;
  /**
   * Unit of the column: mV for the membrane potential, nA for `stimulus` records (that stimulus's
   * current), else the unit of the recorded `what` (mM for cai, mA/cm2 for ica, uS for a synapse's g, ...).
   */
  unit: string;
  /** The recorded quantity when it is not v (`record[].what`). */
  what?: string;
  /** The recorded stimulus (index into the protocol's `stimuli`), for current records. */
  stimulus?: number;
  /** The recorded synapse: its name (or `synapses` index), type and which of the entry's sites. */
  synapse?: { entry: number; name?: string; type: string; site: number };
  /** Index of the `record` entry this column comes from. */
  entry: number;
  spike_threshold_mV: number;
  spike_rule: SpikeRule;
}

/** x of the node `nodeAt(sec, x)` returns, on the section it is reported for. */
export function nodeX(nseg: number, x: number): number {
  if (x === 0 || x === 1) return x;
  const j = Math.min(Math.floor(nseg * x), nseg - 1);
  return (j + 0.5) / nseg;
}

export interface RecordContext extends PlaceContext {
  /** Density mechanism uses after merging (what `what` at a location is looked up in). */
  densities: readonly MechanismUse[];
  catalogue: Catalogue;
  /** The placed stimuli and, per stimulus, how its current is recorded. */
  stimuli: readonly PlacedStimulus[];
  /** Index in the request's mechanisms of the stimuli's point-process uses (after the densities). */
  stimulusUse0: number;
  synapses: readonly PlacedSynapse[];
  /** Index in the request's mechanisms of the first synapse use. */
  synapseUse0: number;
  /** The catalogue with the synapse types (the stimuli's catalogue). */
  synapseCatalogue: Catalogue;
}

/** Every segment of the cell, in NEURON's section order of the layout. */
function allSegments(ctx: PlaceContext): ResolvedLocation[] {
  const out: ResolvedLocation[] = [];
  ctx.layout.sections.forEach((s, section) => {
    for (let j = 0; j < s.nseg; j++) out.push({ section, x: (j + 0.5) / s.nseg, node: s.firstCentre + j });
  });
  return out;
}

/** Resolve the protocol's `record` entries: the columns and the solver's probes, in the same order. */
export function resolveRecords(ctx: RecordContext, p: Protocol): { probes: ResolvedProbe[]; record: Probe[] } {
  const c: Checker = ctx.c;
  const layout = ctx.layout;
  const probes: ResolvedProbe[] = [];
  const record: Probe[] = [];
  const seen = new Map<string, number>();
  const add = (k: number, probe: ResolvedProbe, q: Probe): void => {
    const before = seen.get(probe.label);
    if (before !== undefined) {
      c.fail(`$.record[${k}].label`, `column ${show(probe.label)} is also a column of $.record[${before}]; pick another label`);
    }
    seen.set(probe.label, k);
    probes.push(probe);
    record.push(q);
  };
  p.record.forEach((r, k) => {
    const common = { entry: k, spike_threshold_mV: r.spike_threshold_mV, spike_rule: r.spike_rule ?? 'action_potential' };
    if (r.stimulus !== undefined) {
      const sites = ctx.stimuli.filter((q) => q.entry === r.stimulus);
      if (sites.length !== 1) {
        c.fail(`$.record[${k}].stimulus`, `stimulus ${r.stimulus} was placed at ${sites.length} sites (pick "all"); a current record needs a stimulus at one site`);
      }
      const cur = sites[0].current;
      const sec = layout.sections[sites[0].section];
      add(k, {
        label: r.label, at: `${sec.name}(${sites[0].x})`, section: sec.name, x: sites[0].x, node: sites[0].node,
        node_x: nodeX(sec.nseg, sites[0].x), unit: 'nA', stimulus: r.stimulus, ...common,
      }, 'stimulus' in cur ? { stimulus: cur.stimulus } : { mechanism: ctx.stimulusUse0 + cur.use, variable: cur.variable, instance: cur.instance });
      return;
    }
    if (r.synapse !== undefined) {
      resolveSynapseRecord(ctx, p, k, r.label, r.synapse, r.what, (probe, q) => add(k, { ...probe, ...common }, q));
      return;
    }
    const path = `$.record[${k}].at`;
    const all = r.at === 'all';
    const sites = all ? allSegments(ctx) : resolveLocations(ctx, r.at!, path);
    const many = sites.length > 1 || (typeof r.at === 'object' && r.at.pick === 'all');
    sites.forEach((loc, j) => {
      const sec = layout.sections[loc.section];
      const nx = nodeX(sec.nseg, loc.x);
      let q: Probe = loc.node;
      let unit = 'mV';
      if (r.what !== undefined && r.what !== 'v') {
        // an ion variable or a mechanism variable there (src/protocol/probes.ts)
        try {
          const w = resolveWhat(r.what, loc.node, ctx.densities, ctx.catalogue, `${sec.name}(${nx})`);
          q = w.probe;
          unit = w.unit;
        } catch (e) {
          if (e instanceof ProbeError) c.fail(`$.record[${k}].what`, e.message);
          throw e;
        }
      }
      const label = all ? `${r.label}@${sec.name}(${Number(nx.toPrecision(6))})` : many ? `${r.label}[${j}]` : r.label;
      const at = typeof r.at === 'string' && !all ? r.at : `${sec.name}(${loc.x})`;
      const probe: ResolvedProbe = { label, at, section: sec.name, x: loc.x, node: loc.node, node_x: nx, unit, ...common };
      if (unit !== 'mV' || (r.what !== undefined && r.what !== 'v')) probe.what = r.what;
      add(k, probe, q);
    });
  });
  if (probes.length === 0) c.fail('$.record', 'nothing to record: add at least one {"label": ..., "at": ...}');
  return { probes, record };
}

function resolveSynapseRecord(
  ctx: RecordContext,
  p: Protocol,
  k: number,
  label: string,
  ref: string | number,
  what: string | undefined,
  add: (probe: Omit<ResolvedProbe, 'entry' | 'spike_threshold_mV' | 'spike_rule'>, q: Probe) => void,
): void {
  const c: Checker = ctx.c;
  const layout = ctx.layout;
  const path = `$.record[${k}].synapse`;
  const entries = p.network?.synapses ?? [];
  let entry: number;
  if (typeof ref === 'number') {
    if (ref >= entries.length) c.fail(path, `synapse index ${ref}, but there ${entries.length === 1 ? 'is 1 synapse' : `are ${entries.length} synapses`}`);
    entry = ref;
  } else {
    entry = entries.findIndex((s) => s.name === ref);
    if (entry < 0) {
      const known = entries.flatMap((s) => (s.name === undefined ? [] : [s.name]));
      c.fail(path, `no synapse named ${show(ref)}${didYouMean(ref, known)}; ${known.length > 0 ? `synapses: ${known.join(', ')}` : entries.length > 0 ? 'no synapse has a name (name one, or give its index)' : 'there are no synapses'}`);
    }
  }
  const s = entries[entry];
  const sites = ctx.synapses.filter((q) => q.entry === entry);
  // the mechanism the entry runs: its type, or the plastic version of it (src/protocol/plasticity.ts)
  const desc = ctx.synapseCatalogue.get(sites[0]?.mechanism ?? s.type)!.description;
  const vars = [...desc.states, ...desc.assigned, ...desc.params];
  const names = vars.map((q) => q.name);
  if (what === undefined) {
    c.fail(`$.record[${k}].what`, `missing (required with "synapse"): the ${s.type} variable to record; it has: ${names.join(', ')}`);
  }
  const spec = vars.find((q) => q.name === what);
  if (!spec) c.fail(`$.record[${k}].what`, `${s.type}${s.plasticity ? ` with plasticity` : ''} has no variable ${show(what)}${didYouMean(what, names)}; it has: ${names.join(', ')}`);
  sites.forEach((site, j) => {
    const sec = layout.sections[site.section];
    add({
      label: sites.length === 1 ? label : `${label}[${j}]`,
      at: `${sec.name}(${site.x})`, section: sec.name, x: site.x, node: site.node, node_x: nodeX(sec.nseg, site.x),
      unit: spec.unit, what, synapse: { entry, ...(s.name === undefined ? {} : { name: s.name }), type: s.type, site: j },
    }, { mechanism: ctx.synapseUse0 + site.use, variable: what, instance: site.instance });
  });
}
