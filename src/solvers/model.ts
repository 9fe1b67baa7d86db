import type { CableLayout } from '../cable/layout.ts';
import { builtinCatalogue, type Catalogue } from '../channels/catalogue.ts';
import { ION_DEFAULTS, ionStyles } from '../channels/ions.ts';
import type { Mechanism, ParamSpec } from '../channels/mechanism.ts';
import { SimulationSpecError } from './errors.ts';
import { compileEvents, type CompiledEvents, type EventsRequest } from './events.ts';

/** Fixed-step methods: NEURON `secondorder = 0` and `secondorder = 2`. */
export type Method = 'backward_euler' | 'crank_nicolson';

/** One mechanism inserted on a set of nodes. */
export interface MechanismUse {
  /** Catalogue name, e.g. `pas`, `hh`, `IClamp`. */
  name: string;
  /**
   * Node of each instance. Density mechanisms: membrane (segment-centre) nodes, each at most once
   * per mechanism. Point processes: any node, repeats allowed (one instance each).
   */
  nodes: ArrayLike<number>;
  /** Per-instance parameters: one number for all instances, or one value per instance. */
  params?: Record<string, number | ArrayLike<number>>;
  /** Per-use settings (the description's `globals`, e.g. hh `usetable`). */
  globals?: Record<string, number>;
}

/** Shorthand for an IClamp (NEURON `IClamp`: del, dur, amp). */
export interface IClampStimulus {
  node: number;
  del_ms: number;
  dur_ms: number;
  amp_nA: number;
}

export type IonVariable = 'e' | 'i' | 'didv' | 'ci' | 'co';

/**
 * What to record every step (t = 0 included). A bare number is the membrane potential at that node.
 * `mechanism` indexes `mechanisms` of the request; `stimulus` indexes `stimuli` (records IClamp.i, nA).
 */
export type Probe =
  | number
  | { node: number }
  | { mechanism: number; variable: string; instance: number }
  | { stimulus: number }
  | { ion: string; variable: IonVariable; node: number };

export interface SimulationRequest {
  layout: CableLayout;
  mechanisms?: readonly MechanismUse[];
  stimuli?: readonly IClampStimulus[];
  record: readonly Probe[];
  dt_ms: number;
  tstop_ms: number;
  /** Default `backward_euler` (NEURON's default). */
  method?: Method;
  /** Default −65 mV (NEURON's v_init). */
  v_init_mV?: number;
  /** Default 6.3 °C (NEURON's celsius). */
  celsius?: number;
  /** Reversal potentials per ion, scalar or per node (defaults: ena 50, ek −77 mV). */
  ions?: Record<string, { e_mV?: number | ArrayLike<number>; ci_mM?: number | ArrayLike<number>; co_mM?: number | ArrayLike<number> }>;
  /** Mechanisms to look names up in; default: a fresh built-in catalogue. */
  catalogue?: Catalogue;
  /** A step that leaves any |v| above this (or v non-finite) stops the run. Default 1000 mV. */
  vLimit_mV?: number;
  /**
   * A step that leaves some |v| above this (but finite and within vLimit_mV) adds a
   * `v_out_of_range` warning to the result (where and when first, and the largest |v|). Default 200 mV.
   */
  vWarn_mV?: number;
  /** Spike sources, threshold detectors and connections to point processes with NET_RECEIVE (events.ts). */
  events?: EventsRequest;
  /**
   * Probes read once, after the last step (`SimulationResult.final`), e.g. the final weights of
   * plastic synapses, without recording them every step.
   */
  final?: readonly Probe[];
}

export interface CompiledMechanism {
  readonly mechanism: Mechanism;
  readonly nodes: Int32Array;
  readonly params: Record<string, Float64Array>;
  readonly globals: Record<string, number>;
}

export interface CompiledIon {
  readonly name: string;
  readonly e: Float64Array;
  /** Initial concentrations per node, mM (NEURON cai0/cao0 …; defaults from ions.ts). */
  readonly ci0?: Float64Array;
  readonly co0?: Float64Array;
  /** Reversal style per node (ions.ts `ionStyles`): 0 parameter, 1 Nernst at init, 2 Nernst every step. */
  readonly style?: Uint8Array;
}

export type CompiledProbe =
  | { readonly kind: 'v'; readonly node: number }
  | { readonly kind: 'mechanism'; readonly use: number; readonly variable: string; readonly instance: number }
  | { readonly kind: 'ion'; readonly ion: string; readonly variable: IonVariable; readonly node: number };

/**
 * A validated, backend-neutral model: the layout plus its matrix coefficients, the mechanism uses in
 * evaluation order with full parameter arrays, the ions, the probes and the run settings.
 */
export interface CompiledModel {
  readonly layout: CableLayout;
  /** NEURON NODEA/NODEB: a[i] = −100·rinv_i/area_parent (parent row), b[i] = −100·rinv_i/area_i (own row). */
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** Sorted by `description.order` (stable). */
  readonly mechanisms: readonly CompiledMechanism[];
  readonly ions: readonly CompiledIon[];
  readonly probes: readonly CompiledProbe[];
  readonly dt_ms: number;
  readonly tstop_ms: number;
  readonly method: Method;
  readonly v_init_mV: number;
  readonly celsius: number;
  readonly vLimit_mV: number;
  readonly vWarn_mV: number;
  /** Spike trains, detectors and connections (targets index `mechanisms`); absent without events. */
  readonly events?: CompiledEvents | null;
  /** The request's `final` probes (read after the last step); absent or empty when none. */
  readonly finalProbes?: readonly CompiledProbe[];
}

function finite(path: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new SimulationSpecError(path, `expected a finite number, got ${String(x)}`);
  }
  return x;
}

function nodeIndex(path: string, x: unknown, nNodes: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= nNodes) {
    throw new SimulationSpecError(path, `expected a node index in 0..${nNodes - 1}, got ${String(x)}`);
  }
  return x;
}

function checkRange(path: string, spec: ParamSpec, x: number): void {
  if ((spec.min !== undefined && x < spec.min) || (spec.max !== undefined && x > spec.max)) {
    throw new SimulationSpecError(
      path,
      `${x} ${spec.unit} is outside the allowed range [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]`,
    );
  }
}

/** Matrix coefficients from the layout, in NEURON's arithmetic (`connection_coef`). */
export function connectionCoefficients(layout: CableLayout): { a: Float64Array; b: Float64Array } {
  const n = layout.nNodes;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const { parent, rinv_uS, area_um2 } = layout;
  for (let i = 0; i < n; i++) {
    const p = parent[i];
    if (p >= 0) {
      b[i] = (-1e2 * rinv_uS[i]) / area_um2[i];
      a[i] = (-1e2 * rinv_uS[i]) / area_um2[p];
    }
  }
  return { a, b };
}

function checkLayout(layout: CableLayout): void {
  const n = layout.nNodes;
  if (!Number.isInteger(n) || n < 1) throw new SimulationSpecError('layout.nNodes', `expected >= 1, got ${n}`);
  for (const key of ['parent', 'area_um2', 'hasMembrane', 'rinv_uS', 'cm_uF_per_cm2'] as const) {
    if (layout[key].length !== n) {
      throw new SimulationSpecError(`layout.${key}`, `expected ${n} entries, got ${layout[key].length}`);
    }
  }
  for (let i = 0; i < n; i++) {
    const p = layout.parent[i];
    if (p >= i || p < -1) throw new SimulationSpecError(`layout.parent[${i}]`, `expected -1 or < ${i}, got ${p}`);
    if (!(layout.area_um2[i] > 0)) throw new SimulationSpecError(`layout.area_um2[${i}]`, `expected > 0`);
    if (p >= 0 && !(layout.rinv_uS[i] > 0 && Number.isFinite(layout.rinv_uS[i]))) {
      throw new SimulationSpecError(`layout.rinv_uS[${i}]`, `expected a positive finite conductance`);
    }
  }
}

function compileUse(
  use: MechanismUse,
  path: string,
  catalogue: Catalogue,
  layout: CableLayout,
): CompiledMechanism {
  const mechanism = catalogue.get(use.name);
  if (!mechanism) {
    throw new SimulationSpecError(
      `${path}.name`,
      `unknown mechanism "${use.name}" (known: ${catalogue.names().join(', ')})`,
    );
  }
  const desc = mechanism.description;
  const count = use.nodes.length;
  const nodes = new Int32Array(count);
  const seen = desc.kind === 'density' ? new Uint8Array(layout.nNodes) : null;
  for (let k = 0; k < count; k++) {
    const given = use.nodes[k];
    // the path string only for the error (no allocation per node on the way)
    const node = Number.isInteger(given) && given >= 0 && given < layout.nNodes ? given : nodeIndex(`${path}.nodes[${k}]`, given, layout.nNodes);
    if (seen !== null) {
      if (!layout.hasMembrane[node]) {
        throw new SimulationSpecError(
          `${path}.nodes[${k}]`,
          `node ${node} is a zero-area (x = 0 or x = 1) node; density mechanism ${desc.name} needs a segment centre`,
        );
      }
      if (seen[node]) throw new SimulationSpecError(`${path}.nodes[${k}]`, `node ${node} listed twice`);
      seen[node] = 1;
    }
    nodes[k] = node;
  }
  const given = use.params ?? {};
  for (const key of Object.keys(given)) {
    if (!desc.params.some((p) => p.name === key)) {
      throw new SimulationSpecError(
        `${path}.params.${key}`,
        `${desc.name} has no parameter "${key}" (has: ${desc.params.map((p) => p.name).join(', ') || 'none'})`,
      );
    }
  }
  const params: Record<string, Float64Array> = {};
  for (const spec of desc.params) {
    const arr = new Float64Array(count);
    const value = given[spec.name];
    if (value === undefined) {
      arr.fill(spec.default);
    } else if (typeof value === 'number') {
      checkRange(`${path}.params.${spec.name}`, spec, finite(`${path}.params.${spec.name}`, value));
      arr.fill(value);
    } else {
      if (value.length !== count) {
        throw new SimulationSpecError(
          `${path}.params.${spec.name}`,
          `expected one value or ${count} values (one per node), got ${value.length}`,
        );
      }
      for (let k = 0; k < count; k++) {
        const x = value[k];
        if (typeof x === 'number' && Number.isFinite(x) && !(spec.min !== undefined && x < spec.min) && !(spec.max !== undefined && x > spec.max)) {
          arr[k] = x;
          continue;
        }
        const p = `${path}.params.${spec.name}[${k}]`;
        arr[k] = finite(p, x);
        checkRange(p, spec, arr[k]);
      }
    }
    params[spec.name] = arr;
  }
  const givenGlobals = use.globals ?? {};
  for (const key of Object.keys(givenGlobals)) {
    if (!desc.globals.some((p) => p.name === key)) {
      throw new SimulationSpecError(
        `${path}.globals.${key}`,
        `${desc.name} has no global "${key}" (has: ${desc.globals.map((p) => p.name).join(', ') || 'none'})`,
      );
    }
  }
  const globals: Record<string, number> = {};
  for (const spec of desc.globals) {
    const value = givenGlobals[spec.name];
    if (value === undefined) {
      globals[spec.name] = spec.default;
    } else {
      checkRange(`${path}.globals.${spec.name}`, spec, finite(`${path}.globals.${spec.name}`, value));
      globals[spec.name] = value;
    }
  }
  return { mechanism, nodes, params, globals };
}

/**
 * What compiling several requests that share objects can share (a batch's variants keep the
 * base's layout and, unless a variant replaces them, its mechanism uses): a layout checked once and
 * its matrix coefficients, and each mechanism use compiled once per catalogue. Models compiled with
 * one cache share these read-only arrays, so they are for backends that copy them (the batch).
 */
export class CompileCache {
  readonly layouts = new WeakMap<CableLayout, { a: Float64Array; b: Float64Array }>();
  readonly uses = new WeakMap<MechanismUse, { catalogue: Catalogue; layout: CableLayout; compiled: CompiledMechanism }>();
}

/** Validate a request and bring it into backend-neutral form. Throws `SimulationSpecError`. */
export function compileModel(req: SimulationRequest, cache?: CompileCache): CompiledModel {
  const layout = req.layout;
  let coefficients = cache?.layouts.get(layout);
  if (coefficients === undefined) {
    checkLayout(layout);
    coefficients = connectionCoefficients(layout);
    cache?.layouts.set(layout, coefficients);
  }
  const dt = finite('dt_ms', req.dt_ms);
  if (!(dt > 0)) throw new SimulationSpecError('dt_ms', `expected > 0, got ${dt}`);
  const tstop = finite('tstop_ms', req.tstop_ms);
  if (!(tstop >= 0)) throw new SimulationSpecError('tstop_ms', `expected >= 0, got ${tstop}`);
  const method = req.method ?? 'backward_euler';
  if (method !== 'backward_euler' && method !== 'crank_nicolson') {
    throw new SimulationSpecError('method', `expected "backward_euler" or "crank_nicolson", got ${String(method)}`);
  }
  const vInit = finite('v_init_mV', req.v_init_mV ?? -65);
  const celsius = finite('celsius', req.celsius ?? 6.3);
  const vLimit = finite('vLimit_mV', req.vLimit_mV ?? 1000);
  if (!(vLimit > 0)) throw new SimulationSpecError('vLimit_mV', `expected > 0, got ${vLimit}`);
  const vWarn = finite('vWarn_mV', req.vWarn_mV ?? 200);
  if (!(vWarn > 0)) throw new SimulationSpecError('vWarn_mV', `expected > 0, got ${vWarn}`);
  const catalogue = req.catalogue ?? builtinCatalogue();

  const uses = req.mechanisms ?? [];
  const compileCached = (use: MechanismUse, u: number): CompiledMechanism => {
    const hit = cache?.uses.get(use);
    if (hit !== undefined && hit.catalogue === catalogue && hit.layout === layout) return hit.compiled;
    const c = compileUse(use, `mechanisms[${u}]`, catalogue, layout);
    cache?.uses.set(use, { catalogue, layout, compiled: c });
    return c;
  };
  const compiled: { c: CompiledMechanism; from: number }[] = uses.map((use, u) => ({ c: compileCached(use, u), from: u }));
  const stimuli = req.stimuli ?? [];
  const STIMULI = -1;
  if (stimuli.length > 0) {
    if (!catalogue.has('IClamp')) throw new SimulationSpecError('stimuli', 'the catalogue has no IClamp');
    const nodes: number[] = [];
    const del: number[] = [];
    const dur: number[] = [];
    const amp: number[] = [];
    stimuli.forEach((s, k) => {
      nodes.push(nodeIndex(`stimuli[${k}].node`, s.node, layout.nNodes));
      del.push(finite(`stimuli[${k}].del_ms`, s.del_ms));
      dur.push(finite(`stimuli[${k}].dur_ms`, s.dur_ms));
      amp.push(finite(`stimuli[${k}].amp_nA`, s.amp_nA));
    });
    compiled.push({
      c: compileUse({ name: 'IClamp', nodes, params: { del, dur, amp } }, 'stimuli', catalogue, layout),
      from: STIMULI,
    });
  }
  // Stable sort by evaluation order (Array.prototype.sort is stable).
  const order = compiled.map((x, k) => k).sort((x, y) => compiled[x].c.mechanism.description.order - compiled[y].c.mechanism.description.order);
  const mechanisms = order.map((k) => compiled[k].c);
  const positionOf = (from: number): number => order.findIndex((k) => compiled[k].from === from);

  // Ions: every ion some mechanism uses, plus the ones given explicitly.
  const ionNames = new Set<string>();
  for (const m of mechanisms) for (const u of m.mechanism.description.ions) ionNames.add(u.ion);
  const ionSpecs = req.ions ?? {};
  for (const name of Object.keys(ionSpecs)) {
    if (!ION_DEFAULTS[name]) {
      throw new SimulationSpecError(`ions.${name}`, `unknown ion (known: ${Object.keys(ION_DEFAULTS).join(', ')})`);
    }
    ionNames.add(name);
  }
  const ions: CompiledIon[] = [];
  for (const name of ionNames) {
    const def = ION_DEFAULTS[name];
    if (!def) throw new SimulationSpecError('mechanisms', `a mechanism uses unknown ion "${name}"`);
    const perNode = (key: 'e_mV' | 'ci_mM' | 'co_mM', value: number): Float64Array => {
      const out = new Float64Array(layout.nNodes).fill(value);
      const given = ionSpecs[name]?.[key];
      if (typeof given === 'number') {
        out.fill(finite(`ions.${name}.${key}`, given));
      } else if (given !== undefined) {
        if (given.length !== layout.nNodes) {
          throw new SimulationSpecError(`ions.${name}.${key}`, `expected one value or ${layout.nNodes} (one per node), got ${given.length}`);
        }
        for (let i = 0; i < layout.nNodes; i++) out[i] = finite(`ions.${name}.${key}[${i}]`, given[i]);
      }
      return out;
    };
    const e = perNode('e_mV', def.e_mV);
    const ci0 = perNode('ci_mM', def.ci_mM);
    const co0 = perNode('co_mM', def.co_mM);
    ions.push({ name, e, ci0, co0, style: ionStyles(name, mechanisms, layout.nNodes) });
  }

  const compileProbe = (p: Probe, path: string): CompiledProbe => {
    if (typeof p === 'number') return { kind: 'v', node: nodeIndex(path, p, layout.nNodes) };
    if ('node' in p && !('ion' in p)) return { kind: 'v', node: nodeIndex(`${path}.node`, p.node, layout.nNodes) };
    if ('stimulus' in p) {
      if (!Number.isInteger(p.stimulus) || p.stimulus < 0 || p.stimulus >= stimuli.length) {
        throw new SimulationSpecError(`${path}.stimulus`, `expected 0..${stimuli.length - 1}, got ${p.stimulus}`);
      }
      return { kind: 'mechanism', use: positionOf(STIMULI), variable: 'i', instance: p.stimulus };
    }
    if ('mechanism' in p) {
      if (!Number.isInteger(p.mechanism) || p.mechanism < 0 || p.mechanism >= uses.length) {
        throw new SimulationSpecError(`${path}.mechanism`, `expected 0..${uses.length - 1}, got ${p.mechanism}`);
      }
      const pos = positionOf(p.mechanism);
      const desc = mechanisms[pos].mechanism.description;
      const known = [...desc.params, ...desc.states, ...desc.assigned].map((q) => q.name);
      if (!known.includes(p.variable)) {
        throw new SimulationSpecError(`${path}.variable`, `${desc.name} has no "${p.variable}" (has: ${known.join(', ')})`);
      }
      const count = mechanisms[pos].nodes.length;
      if (!Number.isInteger(p.instance) || p.instance < 0 || p.instance >= count) {
        throw new SimulationSpecError(`${path}.instance`, `expected 0..${count - 1}, got ${p.instance}`);
      }
      return { kind: 'mechanism', use: pos, variable: p.variable, instance: p.instance };
    }
    if ('ion' in p) {
      if (!ionNames.has(p.ion)) throw new SimulationSpecError(`${path}.ion`, `no mechanism uses ion "${p.ion}"`);
      if (!['e', 'i', 'didv', 'ci', 'co'].includes(p.variable)) {
        throw new SimulationSpecError(`${path}.variable`, `expected e, i, didv, ci or co, got ${String(p.variable)}`);
      }
      return { kind: 'ion', ion: p.ion, variable: p.variable, node: nodeIndex(`${path}.node`, p.node, layout.nNodes) };
    }
    throw new SimulationSpecError(path, 'expected a node index or a probe object');
  };
  const probes: CompiledProbe[] = req.record.map((p, k) => compileProbe(p, `record[${k}]`));
  const finalProbes: CompiledProbe[] = (req.final ?? []).map((p, k) => compileProbe(p, `final[${k}]`));

  const { a, b } = coefficients;
  return {
    layout,
    a,
    b,
    mechanisms,
    ions,
    probes,
    dt_ms: dt,
    tstop_ms: tstop,
    method,
    v_init_mV: vInit,
    celsius,
    vLimit_mV: vLimit,
    vWarn_mV: vWarn,
    ...(finalProbes.length > 0 ? { finalProbes } : {}),
    events: req.events
      ? compileEvents(req.events, layout.nNodes, uses.length, (u) => {
          const c = compiled[u].c;
          return { position: positionOf(u), count: c.nodes.length, name: c.mechanism.description.name, receives: c.mechanism.netReceive !== undefined };
        }, tstop + dt)
      : null,
  };
}
