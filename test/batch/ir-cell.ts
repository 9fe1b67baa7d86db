/**
 * A small cell and the comparison used by the conformance tests of the newly described mechanisms
 * (test/batch/ir-synapses.test.ts, ir-density.test.ts): a soma (hh) and a 9-compartment dendrite
 * (pas), Poisson trains onto three dendritic synapses; a run with the hand-written built-in
 * catalogue against one with some mechanisms replaced by their IR-generated kernels.
 */
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms, createCatalogue, type Catalogue } from '../../src/channels/catalogue.ts';
import { irMechanism } from '../../src/channels/ir/index.ts';
import type { Mechanism } from '../../src/channels/mechanism.ts';
import type { EventsRequest } from '../../src/solvers/events.ts';
import type { MechanismUse, Probe, SimulationRequest } from '../../src/solvers/model.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { maxAbsDiff } from './cases.ts';

export const layout = buildLayout([
  { name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(20, 20, 1, 100) },
  { name: 'dend', type: 3, parentSection: 0, parentX: 1, nseg: 9, cm_uF_per_cm2: 1, ...cylinderSegments(300, 2, 9, 100) },
]);
export const soma = nodeAt(layout.sections[0], 0.5);
/** Synapse sites. */
export const sites = [0.1, 0.5, 0.9].map((x) => nodeAt(layout.sections[1], x));
export const dendNodes = Array.from({ length: 9 }, (_, k) => nodeAt(layout.sections[1], (k + 0.5) / 9));
export const allNodes: number[] = Array.from({ length: layout.nNodes }, (_, i) => i);

/** Poisson trains (80 Hz, 2–60 ms) onto mechanism `mechanism`'s instances 0..2, weight in µS. */
export function poissonEvents(mechanism: number, weight: number, seed = 1): EventsRequest {
  return {
    sources: sites.map((_, k) => ({ type: 'poisson' as const, rate_Hz: 80, start_ms: 2, stop_ms: 60, seed: seed * 10 + k, label: `in${k}` })),
    detectors: [{ node: soma, threshold_mV: -10, label: 'soma' }],
    connections: sites.map((_, k) => ({ from: { source: k }, to: { mechanism, instance: k }, delay_ms: 1, weight })),
  };
}

/** The built-in catalogue with `replace` generated from the IR. */
export function catalogueWith(replace: readonly string[]): Catalogue {
  return createCatalogue(builtinMechanisms().map((m) => (replace.includes(m.description.name) ? (irMechanism(m.description.name) as Mechanism) : m)));
}

export interface Comparison {
  /** max |ΔV| over every node and step, mV. */
  readonly dv_mV: number;
  /** max |Δ| of the extra probes (e.g. cai, mM), if any. */
  readonly dExtra: number;
  /** Spikes detected at the soma (hand-written run). */
  readonly somaSpikes: number;
  /** Range of v at `sites[1]` (hand-written run), to show the mechanism acts. */
  readonly vRange_mV: number;
  /** The extra probes' traces of the hand-written run. */
  readonly extra: readonly Float64Array[];
}

/** Run `req` (recording every node's v, then `extra`) with the hand-written and the generated kernels of `replace`. */
export function compare(req: Omit<SimulationRequest, 'record' | 'catalogue'>, replace: readonly string[], extra: readonly Probe[] = []): Comparison {
  const record: Probe[] = [...allNodes, ...extra];
  const a = simulate({ ...req, record, catalogue: catalogueWith([]) });
  const b = simulate({ ...req, record, catalogue: catalogueWith(replace) });
  const n = allNodes.length;
  const v = a.traces[sites[1]];
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return {
    dv_mV: maxAbsDiff(a.traces.slice(0, n), b.traces.slice(0, n)),
    dExtra: maxAbsDiff(a.traces.slice(n), b.traces.slice(n)),
    somaSpikes: a.spikes?.find((s) => s.label === 'soma')?.t_ms.length ?? 0,
    vRange_mV: hi - lo,
    extra: a.traces.slice(n),
  };
}

/** hh at the soma, pas on the dendrite, then `more`. */
export function cell(more: readonly MechanismUse[]): MechanismUse[] {
  return [
    { name: 'hh', nodes: [soma] },
    { name: 'pas', nodes: dendNodes, params: { g: 1e-4, e: -65 } },
    ...more,
  ];
}
