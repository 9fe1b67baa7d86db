/**
 * The bookkeeping shared by the Hay gated channels (g = gbar·∏ gates, I = g·(v − e)): the
 * description, the instance (wasm ExpBatch memory planes), initialisation from `rates()` and the
 * current loop after the conductance. Each channel keeps its own rates and conductance loops (in
 * its own file, so they stay monomorphic); nothing here calls back per node.
 *
 * Memory layout of `expb.buf`, in planes of count doubles: the states (gate k at k·count), then the
 * v plane of the state update. The state update (./simd.ts) computes, per gate and in nocmodl's
 * arithmetic, the rates, a = (−1)/τ, the target −(x∞/τ)/a, the exponent dt·a and
 * x ← x + (1 − exp(dt·a))·(target − x), in WebAssembly SIMD, two instances per instruction, with
 * exp as NEURON's hoc_Exp over glibc's algorithm (0 below −700, exp(700) above 700). Every operation
 * is the one nocmodl emits (and the kernel generated from the kinetics description, src/channels/ir,
 * computes): test/batch/catalogue.test.ts holds the two equal.
 */
import type { InstanceInit, IonState, MechanismContext, MechanismDescription, MechanismInstance } from '../mechanism.ts';
import { instanceStorage } from '../mechanism.ts';
import { CONDUCTANCE, hocExpBatch, outputsRead } from './common.ts';
import { gatedSimdKernel, simdScratch, type GatedSimdKernel, type GatedSimdModule } from './simd.ts';

export interface GatedSpec {
  readonly name: string;
  readonly summary: string;
  readonly order: number;
  /** Maximal conductance parameter (default 1e-5 S/cm2 unless given). */
  readonly gbar: string;
  readonly gbarDefault?: number;
  readonly gates: readonly { readonly name: string; readonly description: string }[];
  /** Assigned conductance and current names. */
  readonly g: string;
  readonly i: string;
  /** The ion written (read: e<ion>), or null for a non-specific current. */
  readonly ion: string | null;
  /** GLOBALs; each is copied to the instance under its name. */
  readonly globals?: MechanismDescription['globals'];
  /** Number of rate exponents (exps per instance and step besides one per gate). */
  readonly rateExps: number;
  /** The state update in WebAssembly SIMD (./simd.ts). */
  readonly simd: GatedSimdModule;
}

/** What every gated instance has (the channel's interface adds its named arrays). */
export interface GatedInstance extends MechanismInstance {
  /** Scratch rates record (initialisation). */
  readonly r: Float64Array;
  /** Someone reads g or i / the ion totals (InstanceInit.unread); else `current` skips them. */
  readonly storeVars: boolean;
  readonly totals: boolean;
  /** hoc_Exp batch holding the planes described above. */
  readonly expb: import('../exp-wasm.ts').ExpBatch;
  /** ./simd.ts's state update on expb's memory (GatedSpec.simd). */
  readonly advanceKernel: GatedSimdKernel;
}

export function gatedDescription(s: GatedSpec): MechanismDescription {
  return {
    name: s.name,
    kind: 'density',
    summary: s.summary,
    source: `ModelDB 139653 mod/${s.name}.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl`,
    order: s.order,
    params: [{ name: s.gbar, ...CONDUCTANCE, default: s.gbarDefault ?? 1e-5, description: 'maximal conductance density' }],
    globals: s.globals ?? [],
    states: s.gates.map((g) => ({ name: g.name, unit: '1', description: g.description })),
    assigned: [
      { name: s.g, unit: 'S/cm2', description: 'conductance density' },
      { name: s.i, unit: 'mA/cm2', description: 'current density' },
    ],
    ions: s.ion === null ? [] : [{ ion: s.ion, read: [`e${s.ion}`], write: [s.i] }],
    electrode: false,
  };
}

/**
 * The instance: gbar, the gates (views into expb), g and i under their names, `ion` (when the
 * channel has one), the globals, and the GatedInstance fields.
 */
export function gatedInstance<T extends GatedInstance>(s: GatedSpec, init: InstanceInit): T {
  const count = init.nodes.length;
  const G = s.gates.length;
  const expb = hocExpBatch(G * count + simdScratch(count));
  const vars: Record<string, Float64Array> = { [s.gbar]: init.params[s.gbar] };
  for (let k = 0; k < G; k++) vars[s.gates[k].name] = expb.buf.subarray(k * count, (k + 1) * count);
  const st = instanceStorage(init);
  vars[s.g] = st.f64(count);
  vars[s.i] = st.f64(count);
  const out = outputsRead(init, [s.g, s.i], s.ion);
  const inst: Record<string, unknown> = { count, nodes: init.nodes, ...vars };
  if (s.ion !== null) inst.ion = init.ions[s.ion];
  for (const g of s.globals ?? []) inst[g.name] = init.globals[g.name];
  const advanceKernel = gatedSimdKernel(s.simd, expb.memory!);
  Object.assign(inst, { storeVars: out.vars, totals: out.totals, r: new Float64Array(4), expb, vars, advanceKernel });
  return inst as unknown as T;
}

/** initialize(): each gate at x∞ = rates(v)[2k] (rates writes [x∞, τ] per gate). */
export function gatedInitialize(
  s: GatedSpec,
  rates: (v: number, out: Float64Array) => void,
): (inst: GatedInstance, ctx: MechanismContext) => void {
  const G = s.gates.length;
  return (inst, ctx) => {
    const { nodes, count, r } = inst;
    const buf = inst.expb.buf;
    const v = ctx.v;
    for (let j = 0; j < count; j++) {
      rates(v[nodes[j]], r);
      for (let k = 0; k < G; k++) buf[k * count + j] = r[2 * k];
    }
  };
}

/** A channel's fused current loop (`fusedOhmicCurrent`): the instance, the context, gbar and the gates. */
export type FusedOhmicCurrent = (
  inst: GatedInstance & { readonly ion: IonState },
  ctx: MechanismContext,
  gbar: Float64Array,
  s0: Float64Array,
  s1?: Float64Array,
) => void;

/**
 * The current of a channel whose g and i nobody reads: g = `conductance` (a JavaScript expression
 * of the instance's gbar and gates, `gbar`, `m` = s0[j] and `h` = s1[j], written in the channel's
 * order of multiplication), I and the finite-difference dI/dv in one loop, and the ion totals when
 * read: ohmicCurrent's arithmetic without the g pass (~10-15 % less time). Compiled once per
 * channel, so each channel's loop is its own function and stays monomorphic, as a hand-written one
 * would; each array element is read once.
 */
export function fusedOhmicCurrent(conductance: string): FusedOhmicCurrent {
  const reads = ['const gb = gbar[j];', 'const m = s0[j];', ...(/\bh\b/.test(conductance) ? ['const h = s1[j];'] : [])].join(' ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('inst', 'ctx', 'gbar', 's0', 's1', `"use strict";
    const nodes = inst.nodes, count = inst.count, totals = inst.totals;
    const E = inst.ion.e, ionI = inst.ion.i, ionG = inst.ion.didv;
    const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
    for (let j = 0; j < count; j++) {
      ${reads}
      const gj = ${conductance.replace(/\bgbar\b/g, 'gb')};
      const node = nodes[j];
      const v0 = v[node];
      const ej = E[node];
      const i0 = gj * (v0 - ej);
      const di = (gj * (v0 + 0.001 - ej) - i0) / 0.001;
      if (totals) {
        ionI[node] += i0;
        ionG[node] += di;
      }
      rhs[node] -= i0;
      d[node] += di;
    }`) as FusedOhmicCurrent;
}

/**
 * The current after the channel's conductance loop wrote g: I = g·(v − e) to rhs and, as nocmodl
 * does, the finite difference (I(v + 0.001) − I(v))/0.001 to d (not g itself: the two differ by
 * rounding, and the finite difference is what NEURON and the kernel generated from the kinetics
 * description compute), I to `i` when stored, and I and its finite difference to the ion totals
 * when read. (When nobody reads g or i, each channel's `current` runs its `fusedOhmicCurrent`
 * instead: the same arithmetic in one pass and no g array.)
 */
export function ohmicCurrent(
  inst: MechanismInstance & { readonly storeVars: boolean; readonly totals: boolean },
  ctx: MechanismContext,
  ion: IonState,
  g: Float64Array,
  i: Float64Array,
): void {
  const { nodes, count } = inst;
  const E = ion.e, ionI = ion.i, ionG = ion.didv;
  const v = ctx.v, rhs = ctx.rhs, d = ctx.d;
  if (!inst.storeVars && !inst.totals) {
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const gj = g[j];
      const v0 = v[node];
      const ej = E[node];
      const i0 = gj * (v0 - ej);
      rhs[node] -= i0;
      d[node] += (gj * (v0 + 0.001 - ej) - i0) / 0.001;
    }
    return;
  }
  const sv = inst.storeVars;
  for (let j = 0; j < count; j++) {
    const node = nodes[j];
    const gj = g[j];
    const v0 = v[node];
    const ej = E[node];
    const i0 = gj * (v0 - ej);
    const di = (gj * (v0 + 0.001 - ej) - i0) / 0.001;
    if (sv) i[j] = i0;
    ionI[node] += i0;
    ionG[node] += di;
    rhs[node] -= i0;
    d[node] += di;
  }
}
