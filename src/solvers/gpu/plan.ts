/**
 * From a CompiledModel and its variants to what the GPU kernels need, in the tree solve's label
 * order (tree.ts): per-node constants (capacitance, axial terms, children, stimuli), every mechanism
 * as dense per-node arrays (a mask where it is inserted, parameters per node or per node and
 * variant), the ions, the probes. Everything the backend cannot run yet is refused here with a
 * reason (GpuUnsupportedError), never run approximately.
 */
import type { LoweredMechanism } from '../../channels/user/compile.ts';
import { ION_DEFAULTS, nernst } from '../../channels/ions.ts';
import type { CompiledModel } from '../model.ts';
import { contractionSchedule, type ContractionSchedule } from './tree.ts';
import { HAND_WRITTEN, kineticsOf } from './kinetics.ts';

export class GpuUnsupportedError extends Error {}

/** One variant of a batch: parameter values or scale factors by mechanism, IClamp amplitudes. */
export interface GpuVariant {
  /** Set a parameter on every instance of a mechanism: `{ hh: { gnabar: 0.1 } }`. */
  params?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Multiply a parameter on every instance of a mechanism: `{ NaTa_t: { gNaTa_tbar: 1.2 } }`. */
  scale?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** IClamp amplitudes (nA), one per IClamp instance in the model's order; default the model's. */
  amp_nA?: ArrayLike<number>;
  /**
   * Set a parameter node by node: `{ hh: { gnabar: values } }`, one value per layout node (index as
   * in model.layout; read where the mechanism is inserted). Applied before `scale`; `params` wins.
   */
  nodes?: Readonly<Record<string, Readonly<Record<string, ArrayLike<number>>>>>;
}

export interface ParamArray {
  /** true: data is [N·B] (label-major, variant innermost); false: data is [N]. */
  readonly perVariant: boolean;
  readonly data: Float32Array;
}

export interface PlanMechanism {
  readonly name: string;
  /** 'ir': generated from the lowered kinetics; 'cadyn': CaDynamics_E2 (hand-written). */
  readonly kind: 'ir' | 'cadyn';
  readonly lowered: LoweredMechanism | null;
  readonly mask: Float32Array;
  readonly params: ReadonlyMap<string, ParamArray>;
  readonly globals: Readonly<Record<string, number>>;
  readonly states: readonly string[];
}

export interface PlanIon {
  readonly name: string;
  readonly charge: number;
  /** e per label (style 0 and 1: fixed; style 2 computed from the ci texture where style[j] = 2). */
  readonly e: Float32Array;
  readonly style: Float32Array;
  readonly ci0: Float32Array;
  readonly co: Float32Array;
  /** A mechanism writes ci (CaDynamics_E2): ci is a state texture. */
  readonly ciState: boolean;
}

export interface GpuPlan {
  readonly n: number;
  readonly B: number;
  readonly schedule: ContractionSchedule;
  readonly dt_ms: number;
  readonly celsius: number;
  readonly v_init_mV: number;
  readonly steps: number;
  /** cfac·cm + axial diagonal (−b − Σ a_children), per label. */
  readonly dConst: Float32Array;
  readonly up: Float32Array;
  readonly dn: Float32Array;
  readonly parentLabel: Int32Array;
  /** Children labels, padded with −1: [label][maxChildren]. */
  readonly children: Int32Array;
  readonly maxChildren: number;
  readonly mechanisms: readonly PlanMechanism[];
  readonly ions: readonly PlanIon[];
  /** IClamps: per instance label, del, dur, and amp per variant [k·B + b]; 100/area of its node. */
  readonly stim: { readonly label: Int32Array; readonly del: Float64Array; readonly dur: Float64Array; readonly amp: Float32Array; readonly scale: Float32Array };
  /** Stimulus instances per label, padded with −1: [label][maxStim]. */
  readonly stimAt: Int32Array;
  readonly maxStim: number;
  /** Labels of the recorded nodes (v probes only). */
  readonly probeLabels: Int32Array;
}

/** Steps of a run, as NEURON's continuerun counts them (simulate.ts countSteps). */
function countSteps(dt: number, tstop: number): number {
  const half = 0.5 * dt;
  const stop = tstop - dt / 2;
  let t = 0;
  let n = 0;
  while (t < stop) {
    t += half;
    t += half;
    n++;
  }
  return n;
}

/** Build the plan. Throws GpuUnsupportedError naming what the gpu backend cannot run. */
export function buildPlan(model: CompiledModel, variants: readonly GpuVariant[]): GpuPlan {
  const B = variants.length;
  if (B < 1) throw new GpuUnsupportedError('a batch needs at least one variant');
  if (model.method !== 'backward_euler') throw new GpuUnsupportedError(`method ${model.method} (the gpu backend runs backward_euler)`);
  if (model.events) throw new GpuUnsupportedError('spike sources, detectors or connections (events)');
  const layout = model.layout;
  const n = layout.nNodes;
  const schedule = contractionSchedule(layout.parent);
  const { label, node } = schedule;
  const cfac = 0.001 / model.dt_ms;
  const dConst = new Float32Array(n);
  const up = new Float32Array(n);
  const dn = new Float32Array(n);
  const dAx = new Float64Array(n);
  const kids: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    dAx[i] += cfac * layout.cm_uF_per_cm2[i] - model.b[i];
    const p = layout.parent[i];
    if (p >= 0) {
      dAx[p] -= model.a[i];
      kids[label[p]].push(label[i]);
    }
  }
  for (let l = 0; l < n; l++) {
    const i = node[l];
    dConst[l] = dAx[i];
    up[l] = model.b[i];
    dn[l] = model.a[i];
  }
  const maxChildren = Math.max(1, ...kids.map((k) => k.length));
  const children = new Int32Array(n * maxChildren).fill(-1);
  kids.forEach((k, l) => k.forEach((c, q) => (children[l * maxChildren + q] = c)));

  // Probes: v only.
  const probeLabels = new Int32Array(model.probes.length);
  model.probes.forEach((p, k) => {
    if (p.kind !== 'v') throw new GpuUnsupportedError(`recording ${p.kind === 'mechanism' ? `a mechanism variable (${p.variable})` : `an ion variable (${p.ion} ${p.variable})`}; the gpu backend records membrane potential only`);
    probeLabels[k] = label[p.node];
  });

  // Mechanisms, merged by name (uses of one density mechanism on disjoint nodes).
  const byName = new Map<string, { uses: (typeof model.mechanisms)[number][] }>();
  const stimUses: (typeof model.mechanisms)[number][] = [];
  for (const cm of model.mechanisms) {
    const name = cm.mechanism.description.name;
    if (name === 'IClamp') {
      stimUses.push(cm);
      continue;
    }
    if (cm.mechanism.description.kind !== 'density') throw new GpuUnsupportedError(`point process ${name} (the gpu backend runs density mechanisms and IClamp)`);
    let e = byName.get(name);
    if (!e) byName.set(name, (e = { uses: [] }));
    e.uses.push(cm);
  }
  const mechanisms: PlanMechanism[] = [];
  for (const [name, { uses }] of byName) {
    const handWritten = HAND_WRITTEN.has(name);
    const lowered = handWritten ? null : kineticsOf(uses[0].mechanism);
    if (typeof lowered === 'string') throw new GpuUnsupportedError(lowered);
    if (lowered) {
      for (const a of lowered.assigned) if (a.flags.time) throw new GpuUnsupportedError(`${name}: an expression reads t`);
      for (const c of lowered.currents) for (const s of symbolsOf(c.ir)) if (lowered.symbol(s)?.kind === 'time') throw new GpuUnsupportedError(`${name}: a current reads t`);
    }
    const mask = new Float32Array(n);
    const paramNames = lowered ? lowered.spec.parameters.map((p) => p.name) : ['gamma', 'decay', 'depth', 'minCai'];
    const defaults: Record<string, number> = lowered ? Object.fromEntries(lowered.spec.parameters.map((p) => [p.name, p.default])) : {};
    const base: Record<string, Float64Array> = Object.fromEntries(paramNames.map((p) => [p, new Float64Array(n)]));
    const globals: Record<string, number> = {};
    if (lowered) for (const g of lowered.spec.globals) globals[g.name] = g.default;
    for (const use of uses) {
      for (const [k, v] of Object.entries(use.globals)) {
        if (k === 'usetable') {
          if (v !== 0) throw new GpuUnsupportedError(`${name} with usetable = 1 (rate tables); the gpu backend computes exact rates: set usetable 0`);
          continue;
        }
        if (k in globals) globals[k] = v;
        else if (!paramNames.includes(k)) throw new GpuUnsupportedError(`${name}: global ${k} has no counterpart in its kinetics description`);
      }
      for (let q = 0; q < use.nodes.length; q++) {
        const l = label[use.nodes[q]];
        if (mask[l]) throw new GpuUnsupportedError(`${name} inserted twice on node ${use.nodes[q]}`);
        mask[l] = 1;
        for (const p of paramNames) {
          const arr = use.params[p];
          const g = use.globals[p];
          base[p][l] = arr !== undefined ? arr[q] : g !== undefined ? g : defaults[p];
        }
      }
      for (const k of Object.keys(use.params)) if (!paramNames.includes(k)) throw new GpuUnsupportedError(`${name}: parameter ${k} is not in its kinetics description`);
    }
    const params = new Map<string, ParamArray>();
    for (const p of paramNames) {
      const varies = variants.some((v) => v.params?.[name]?.[p] !== undefined || v.scale?.[name]?.[p] !== undefined || v.nodes?.[name]?.[p] !== undefined);
      if (!varies) {
        params.set(p, { perVariant: false, data: Float32Array.from(base[p]) });
        continue;
      }
      const data = new Float32Array(n * B);
      for (let l = 0; l < n; l++) {
        for (let b = 0; b < B; b++) {
          const set = variants[b].params?.[name]?.[p];
          const f = variants[b].scale?.[name]?.[p] ?? 1;
          const per = variants[b].nodes?.[name]?.[p];
          data[l * B + b] = (set !== undefined ? (mask[l] ? set : 0) : per !== undefined ? (mask[l] ? per[node[l]] : 0) : base[p][l]) * f;
        }
      }
      params.set(p, { perVariant: true, data });
    }
    for (const v of variants) {
      for (const src of [v.params, v.scale, v.nodes]) {
        for (const p of Object.keys(src?.[name] ?? {})) if (!paramNames.includes(p)) throw new GpuUnsupportedError(`a variant sets ${name}.${p}, which is not a parameter of ${name} (${paramNames.join(', ')})`);
      }
    }
    mechanisms.push({
      name,
      kind: handWritten ? 'cadyn' : 'ir',
      lowered,
      mask,
      params,
      globals,
      states: lowered ? lowered.spec.states.map((s) => s.name) : [],
    });
  }

  variants.forEach((v, b) => {
    for (const [m, per] of Object.entries(v.nodes ?? {})) {
      for (const [p, arr] of Object.entries(per)) if (arr.length !== n) throw new GpuUnsupportedError(`variant ${b} gives ${arr.length} values of ${m}.${p}; the layout has ${n} nodes`);
    }
    for (const src of [v.params, v.scale, v.nodes]) {
      for (const m of Object.keys(src ?? {})) if (!byName.has(m)) throw new GpuUnsupportedError(`variant ${b} sets ${m}, which the model does not insert`);
    }
  });

  // Ions.
  const ions: PlanIon[] = model.ions.map((ci) => {
    const def = ION_DEFAULTS[ci.name];
    const e = new Float32Array(n);
    const style = new Float32Array(n);
    const ci0 = new Float32Array(n);
    const co = new Float32Array(n);
    for (let l = 0; l < n; l++) {
      const i = node[l];
      const st = ci.style?.[i] ?? 0;
      style[l] = st;
      ci0[l] = ci.ci0?.[i] ?? def.ci_mM;
      co[l] = ci.co0?.[i] ?? def.co_mM;
      e[l] = st >= 1 ? nernst(ci.ci0?.[i] ?? def.ci_mM, ci.co0?.[i] ?? def.co_mM, def.charge, model.celsius) : ci.e[i];
    }
    const writers = model.mechanisms.filter((m) => m.mechanism.description.ions.some((u) => u.ion === ci.name && u.write.some((w) => w === `${ci.name}i`)));
    for (const w of writers) if (w.mechanism.description.name !== 'CaDynamics_E2') throw new GpuUnsupportedError(`${w.mechanism.description.name} writes ${ci.name}i`);
    return { name: ci.name, charge: def.charge, e, style, ci0, co, ciState: writers.length > 0 };
  });
  for (const m of model.mechanisms) {
    for (const u of m.mechanism.description.ions) {
      const readsTotal = u.read.some((r) => r === `i${u.ion}` || r === `di${u.ion}_dv`);
      if (readsTotal && m.mechanism.description.name !== 'CaDynamics_E2') throw new GpuUnsupportedError(`${m.mechanism.description.name} reads the ${u.ion} current`);
    }
  }

  // IClamps.
  const sLabel: number[] = [];
  const del: number[] = [];
  const dur: number[] = [];
  const amp0: number[] = [];
  for (const u of stimUses) {
    for (let q = 0; q < u.nodes.length; q++) {
      sLabel.push(label[u.nodes[q]]);
      del.push(u.params.del[q]);
      dur.push(u.params.dur[q]);
      amp0.push(u.params.amp[q]);
    }
  }
  const ns = sLabel.length;
  const amp = new Float32Array(Math.max(1, ns) * B);
  variants.forEach((v, b) => {
    if (v.amp_nA !== undefined && v.amp_nA.length !== ns) throw new GpuUnsupportedError(`a variant gives ${v.amp_nA.length} IClamp amplitudes; the model has ${ns} IClamps`);
    for (let k = 0; k < ns; k++) amp[k * B + b] = v.amp_nA?.[k] ?? amp0[k];
  });
  const scale = Float32Array.from(sLabel, (l) => 100 / layout.area_um2[node[l]]);
  const perLabel: number[][] = Array.from({ length: n }, () => []);
  sLabel.forEach((l, k) => perLabel[l].push(k));
  const maxStim = Math.max(1, ...perLabel.map((x) => x.length));
  const stimAt = new Int32Array(n * maxStim).fill(-1);
  perLabel.forEach((ks, l) => ks.forEach((k, q) => (stimAt[l * maxStim + q] = k)));

  return {
    n,
    B,
    schedule,
    dt_ms: model.dt_ms,
    celsius: model.celsius,
    v_init_mV: model.v_init_mV,
    steps: countSteps(model.dt_ms, model.tstop_ms),
    dConst,
    up,
    dn,
    parentLabel: schedule.parentLabel,
    children,
    maxChildren,
    mechanisms,
    ions,
    stim: { label: Int32Array.from(sLabel), del: Float64Array.from(del), dur: Float64Array.from(dur), amp, scale },
    stimAt,
    maxStim,
    probeLabels,
  };
}

function symbolsOf(ir: LoweredMechanism['currents'][number]['ir'], out = new Set<string>()): Set<string> {
  switch (ir.k) {
    case 'sym':
      out.add(ir.name);
      break;
    case 'bin':
      symbolsOf(ir.a, out);
      symbolsOf(ir.b, out);
      break;
    case 'neg':
    case 'not':
      symbolsOf(ir.a, out);
      break;
    case 'call':
      for (const a of ir.args) symbolsOf(a, out);
      break;
    case 'cond':
      symbolsOf(ir.c, out);
      symbolsOf(ir.a, out);
      symbolsOf(ir.b, out);
      break;
    default:
      break;
  }
  return out;
}
