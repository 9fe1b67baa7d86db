/**
 * A plastic synapse: a built-in synapse (a point process with NET_RECEIVE) wrapped with one or more
 * learning rules (./rule.ts). The result is an ordinary Mechanism, so the engine, the probes and the
 * event queue see nothing new:
 *
 * - params: the synapse's own, then `w_init`, `w_min`, `w_max` (µS), `post_node` (−1: the synapse's
 *   own node), `post_threshold` (mV), `branch` (section index), then every rule's parameters;
 * - states: the synapse's own, then `w` (µS) and every rule's states;
 * - INITIAL: the synapse's INITIAL, then w = w_init, then every rule's `initialize`;
 * - NET_RECEIVE: the synapse's NET_RECEIVE with weight w[k] (the connection's weight is not used),
 *   then every rule's `onPre`, then w is clipped to [w_min, w_max];
 * - each step (SOLVE): the synapse's states, then postsynaptic spike detection (an upward crossing
 *   of `post_threshold` by v at `post_node`, once per distinct node and threshold of the use, the
 *   time interpolated linearly between t_n and t_{n+1}) with every rule's `onPost`, then every rule's
 *   `advance`, then the clip.
 *
 * The description's `events` names `w` as the weight state and `w_init` as its initial parameter
 * (src/channels/mechanism.ts), which is how protocols and weights files recognise plastic synapses.
 */
import type { InstanceInit, Mechanism, MechanismContext, MechanismDescription, MechanismInstance, ParamSpec, QuantitySpec } from '../channels/mechanism.ts';
import type { PlasticityRule, RuleState } from './rule.ts';
import { instanceStorage } from '../channels/mechanism.ts';

/** One rule of a plastic synapse with its options (one value per option; defaults filled in). */
export interface RuleUse {
  readonly rule: PlasticityRule;
  readonly options?: Readonly<Record<string, string>>;
}

export interface PlasticInstance extends MechanismInstance {
  readonly base: MechanismInstance;
  readonly w: Float64Array;
  readonly wInit: Float64Array;
  readonly wMin: Float64Array;
  readonly wMax: Float64Array;
  /** Post-spike detectors of this use: node, threshold, v at the previous step, and their synapses (CSR). */
  readonly detNode: Int32Array;
  readonly detThreshold: Float64Array;
  readonly detVPrev: Float64Array;
  readonly detStart: Int32Array;
  readonly detSynapse: Int32Array;
  /** Count of detected post spikes per detector (for reports). */
  readonly detCount: Float64Array;
  readonly ruleStates: readonly RuleState[];
}

/** `w_max` when none is given (µS): no bound in practice. */
export const W_MAX_NONE = 1e9;

/** The per-synapse settings the wrapper adds to the synapse's parameters. */
export const PLASTIC_PARAMS: readonly ParamSpec[] = [
  { name: 'w_init', unit: 'uS', default: 0, min: 0, max: 1e9, description: 'weight at t = 0 (the protocol sets it from weight_uS or a weights file)' },
  { name: 'w_min', unit: 'uS', default: 0, min: 0, max: 1e9, description: 'lower bound of the weight' },
  { name: 'w_max', unit: 'uS', default: W_MAX_NONE, min: 0, max: W_MAX_NONE, description: `upper bound of the weight (${W_MAX_NONE}: none)` },
  { name: 'post_node', unit: '1', default: -1, min: -1, description: 'node whose v gives postsynaptic spikes (-1: the synapse\'s own node)' },
  { name: 'post_threshold', unit: 'mV', default: -20, description: 'postsynaptic spike threshold (upward crossing)' },
  { name: 'branch', unit: '1', default: 0, min: 0, description: 'section index of the synapse (rules that group synapses by branch)' },
];

/** `x` holding the first x.length values of `values`. */
function stored<T extends Float64Array | Int32Array>(x: T, values: readonly number[]): T {
  for (let k = 0; k < x.length; k++) x[k] = values[k];
  return x;
}

/** The name of the plastic version of `base` with these rules: `AMPA+stdp`, `AMPA+stdp:pairing=nearest+scaling`. */
export function plasticName(baseName: string, rules: readonly RuleUse[]): string {
  const part = (u: RuleUse) => {
    const opts = (u.rule.options ?? []).filter((o) => u.options?.[o.name] !== undefined && u.options[o.name] !== o.default);
    return opts.length === 0 ? u.rule.name : `${u.rule.name}:${opts.map((o) => `${o.name}=${u.options![o.name]}`).join(',')}`;
  };
  return [baseName, ...rules.map(part)].join('+');
}

/**
 * Wrap `base` (a point process with NET_RECEIVE whose events carry a weight in µS) with `rules`.
 * Throws when base cannot carry a weight, an option value is unknown, or two names collide.
 */
export function makePlasticSynapse(base: Mechanism, rules: readonly RuleUse[]): Mechanism<PlasticInstance> {
  const bd = base.description;
  if (bd.kind !== 'point' || base.netReceive === undefined) throw new Error(`plasticity: ${bd.name} is not a point process with NET_RECEIVE`);
  if (bd.events?.weight === 'ignored') throw new Error(`plasticity: ${bd.name} ignores event weights; a plastic weight would change nothing`);
  if (bd.events?.weightState !== undefined) throw new Error(`plasticity: ${bd.name} already carries its own plastic weight`);
  if (rules.length === 0) throw new Error('plasticity: no rule given');
  const options = rules.map((u) => {
    const out: Record<string, string> = {};
    for (const o of u.rule.options ?? []) {
      const v = u.options?.[o.name] ?? o.default;
      if (!o.values.includes(v)) throw new Error(`plasticity: rule ${u.rule.name} option ${o.name} must be one of ${o.values.join(', ')}, got ${v}`);
      out[o.name] = v;
    }
    for (const k of Object.keys(u.options ?? {})) {
      if (!(u.rule.options ?? []).some((o) => o.name === k)) throw new Error(`plasticity: rule ${u.rule.name} has no option ${k}`);
    }
    return out;
  });
  const params: ParamSpec[] = [...bd.params, ...PLASTIC_PARAMS, ...rules.flatMap((u) => u.rule.params)];
  const states: QuantitySpec[] = [...bd.states, { name: 'w', unit: 'uS', description: 'synaptic weight (peak conductance of one event)' }, ...rules.flatMap((u) => u.rule.states)];
  const names = [...params, ...states, ...bd.assigned, ...bd.globals, { name: 'n_branches' }].map((q) => q.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`plasticity: the name "${dup}" is used twice in ${bd.name} with rules ${rules.map((u) => u.rule.name).join(', ')}`);
  const baseParams = new Set(bd.params.map((q) => q.name));

  const description: MechanismDescription = {
    ...bd,
    name: plasticName(bd.name, rules.map((u, i) => ({ rule: u.rule, options: options[i] }))),
    summary: `${bd.name} with plastic weight w (${rules.map((u) => u.rule.name).join(', ')})`,
    source: `${bd.source}; plasticity: ${rules.map((u) => u.rule.source).join('; ')}`,
    params,
    globals: [...bd.globals, { name: 'n_branches', unit: '1', default: 1, min: 1, description: 'number of sections of the cell (branch indices are below it)' }],
    states,
    events: { weight: 'uS', weightState: 'w', weightInit: 'w_init' },
  };
  const nRules = rules.length;
  const ruleList = rules.map((u) => u.rule);

  function clip(inst: PlasticInstance, k: number): void {
    const w = inst.w;
    if (w[k] < inst.wMin[k]) w[k] = inst.wMin[k];
    if (w[k] > inst.wMax[k]) w[k] = inst.wMax[k];
  }

  return {
    description,

    instantiate(init: InstanceInit): PlasticInstance {
      const count = init.nodes.length;
      const p = init.params;
      const baseInit: Record<string, Float64Array> = {};
      for (const name of baseParams) baseInit[name] = p[name];
      const baseGlobals: Record<string, number> = {};
      for (const g of bd.globals) baseGlobals[g.name] = init.globals[g.name];
      const st = instanceStorage(init);
      const inst0 = base.instantiate({ ...init, params: baseInit, globals: baseGlobals, storage: st });
      const w = st.f64(count);
      const postNode = new Int32Array(count); // only to find the detectors below, not kept
      for (let k = 0; k < count; k++) {
        const pn = p.post_node[k];
        if (pn >= 0 && (!Number.isInteger(pn) || pn >= init.area_um2.length)) throw new Error(`plasticity: post_node ${pn} of instance ${k} is not a node`);
        postNode[k] = pn < 0 ? init.nodes[k] : pn;
      }
      // distinct (node, threshold) pairs, and the synapses of each
      const key = new Map<string, number>();
      const detOf = new Int32Array(count);
      const dNode: number[] = [];
      const dThr: number[] = [];
      for (let k = 0; k < count; k++) {
        const s = `${postNode[k]}|${p.post_threshold[k]}`;
        let d = key.get(s);
        if (d === undefined) {
          d = dNode.length;
          key.set(s, d);
          dNode.push(postNode[k]);
          dThr.push(p.post_threshold[k]);
        }
        detOf[k] = d;
      }
      const usesPost = ruleList.some((r) => r.usesPost === true && r.onPost !== undefined);
      const nDet = usesPost ? dNode.length : 0;
      const detStart = st.i32(nDet + 1);
      const detSynapse = st.i32(usesPost ? count : 0);
      if (usesPost) {
        for (let k = 0; k < count; k++) detStart[detOf[k] + 1]++;
        for (let d = 0; d < nDet; d++) detStart[d + 1] += detStart[d];
        const fill = detStart.slice(0, nDet);
        for (let k = 0; k < count; k++) detSynapse[fill[detOf[k]]++] = k;
      }
      const branch = st.i32(count);
      for (let k = 0; k < count; k++) branch[k] = p.branch[k];
      let nBranches = init.globals.n_branches ?? 1;
      for (let k = 0; k < count; k++) if (branch[k] + 1 > nBranches) nBranches = branch[k] + 1;
      const ruleStates = rules.map((u, i) => {
        const rp: Record<string, Float64Array> = {};
        for (const q of u.rule.params) rp[q.name] = p[q.name];
        return u.rule.create({
          count, nodes: init.nodes, branch, nBranches, params: rp, options: options[i],
          w, wMin: p.w_min, wMax: p.w_max, synapse: inst0.vars, storage: st,
        });
      });
      const vars: Record<string, Float64Array> = { ...inst0.vars, w, w_init: p.w_init, w_min: p.w_min, w_max: p.w_max, post_node: p.post_node, post_threshold: p.post_threshold, branch: p.branch };
      rules.forEach((u, i) => {
        for (const q of u.rule.params) vars[q.name] = p[q.name];
        for (const q of u.rule.states) {
          const arr = ruleStates[i].vars[q.name];
          if (!arr) throw new Error(`plasticity: rule ${u.rule.name} did not allocate its state ${q.name}`);
          vars[q.name] = arr;
        }
      });
      return {
        count, nodes: init.nodes, vars, base: inst0, w, wInit: p.w_init, wMin: p.w_min, wMax: p.w_max,
        detNode: stored(st.i32(nDet), dNode), detThreshold: stored(st.f64(nDet), dThr),
        detVPrev: st.f64(nDet), detStart, detSynapse, detCount: st.f64(nDet), ruleStates,
      };
    },

    initialize(inst: PlasticInstance, ctx: MechanismContext): void {
      base.initialize(inst.base, ctx);
      inst.w.set(inst.wInit);
      for (let k = 0; k < inst.count; k++) clip(inst, k);
      for (let d = 0; d < inst.detNode.length; d++) inst.detVPrev[d] = ctx.v[inst.detNode[d]];
      inst.detCount.fill(0);
      for (let r = 0; r < nRules; r++) ruleList[r].initialize(inst.ruleStates[r], ctx);
    },

    current(inst: PlasticInstance, ctx: MechanismContext): void {
      base.current(inst.base, ctx);
    },

    ...(base.beforeBreakpoint ? { beforeBreakpoint: (inst: PlasticInstance, ctx: MechanismContext) => base.beforeBreakpoint!(inst.base, ctx) } : {}),

    advance(inst: PlasticInstance, ctx: MechanismContext): void {
      if (base.advance) base.advance(inst.base, ctx);
      const nDet = inst.detNode.length;
      if (nDet > 0) {
        const v = ctx.v;
        const t = ctx.t;
        const dt = ctx.dt;
        for (let d = 0; d < nDet; d++) {
          const vNow = v[inst.detNode[d]];
          const vPrev = inst.detVPrev[d];
          const thr = inst.detThreshold[d];
          inst.detVPrev[d] = vNow;
          if (vNow - thr > 0 && !(vPrev - thr > 0)) {
            // crossing time within (t − dt, t], linear in v
            const tc = t - dt + (dt * (thr - vPrev)) / (vNow - vPrev);
            inst.detCount[d]++;
            for (let j = inst.detStart[d]; j < inst.detStart[d + 1]; j++) {
              const k = inst.detSynapse[j];
              for (let r = 0; r < nRules; r++) {
                const rule = ruleList[r];
                if (rule.onPost !== undefined) rule.onPost(inst.ruleStates[r], k, tc, ctx);
              }
            }
          }
        }
      }
      for (let r = 0; r < nRules; r++) {
        const rule = ruleList[r];
        if (rule.advance !== undefined) rule.advance(inst.ruleStates[r], ctx);
      }
      for (let k = 0; k < inst.count; k++) clip(inst, k);
    },

    netReceive(inst: PlasticInstance, k: number, _weight: number, ctx: MechanismContext): void {
      base.netReceive!(inst.base, k, inst.w[k], ctx);
      for (let r = 0; r < nRules; r++) {
        const rule = ruleList[r];
        if (rule.onPre !== undefined) rule.onPre(inst.ruleStates[r], k, ctx);
      }
      clip(inst, k);
    },
  };
}
