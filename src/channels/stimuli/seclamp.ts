import { instanceStorage, type Mechanism, type MechanismContext, type MechanismInstance, type InstanceInit } from '../mechanism.ts';
import { pointScale } from './common.ts';

/**
 * Single-electrode voltage clamp, NEURON 8.2 `svclmp.mod` (SEClamp; ELECTRODE_CURRENT, type 11):
 * three levels, vc = amp1 while t < dur1, amp2 while t < dur1 + dur2, amp3 while t < dur1 + dur2 +
 * dur3, then off (vc = 0, i = 0); i = (vc − v)/rs while on (positive depolarises).
 *
 * As NEURON (../shared/neuron-numerics.md §4, §5): in the current evaluation (mid-step t) `vstim`
 * runs at v + 0.001 and at v, g = (i(v + 0.001) − i(v))/0.001 (≈ −1/rs), rhs += i·100/area,
 * d −= g·100/area; after the solve (`SOLVE icur METHOD after_cvode`, step 7) i is recomputed with
 * the new v and the vc of that step, so the recorded i is (vc − v_{n+1})/rs.
 */
export interface SEClampInstance extends MechanismInstance {
  readonly rs: Float64Array;
  readonly dur1: Float64Array;
  readonly amp1: Float64Array;
  readonly dur2: Float64Array;
  readonly amp2: Float64Array;
  readonly dur3: Float64Array;
  readonly amp3: Float64Array;
  readonly i: Float64Array;
  readonly vc: Float64Array;
  readonly tc2: Float64Array;
  readonly tc3: Float64Array;
  readonly on: Float64Array;
  readonly scale: Float64Array;
}

export const seclamp: Mechanism<SEClampInstance> = {
  description: {
    name: 'SEClamp',
    kind: 'point',
    summary: 'single-electrode voltage clamp with series resistance rs, three levels (positive i depolarises)',
    source: 'NEURON 8.2 src/nrnoc/svclmp.mod',
    order: 11,
    params: [
      { name: 'rs', unit: 'MOhm', default: 1, min: 1e-9, max: 1e9, description: 'series resistance' },
      { name: 'dur1', unit: 'ms', default: 0, description: 'duration of level 1 (from t = 0)' },
      { name: 'amp1', unit: 'mV', default: 0, description: 'level 1' },
      { name: 'dur2', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration of level 2' },
      { name: 'amp2', unit: 'mV', default: 0, description: 'level 2' },
      { name: 'dur3', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration of level 3' },
      { name: 'amp3', unit: 'mV', default: 0, description: 'level 3' },
    ],
    globals: [],
    states: [],
    assigned: [
      { name: 'i', unit: 'nA', description: 'clamp current (positive depolarises)' },
      { name: 'vc', unit: 'mV', description: 'command voltage in force' },
    ],
    ions: [],
    electrode: true,
  },

  instantiate(init: InstanceInit): SEClampInstance {
    const st = instanceStorage(init);
    const count = init.nodes.length;
    const { rs, dur1, amp1, dur2, amp2, dur3, amp3 } = init.params;
    const i = st.f64(count);
    const vc = st.f64(count);
    return {
      count, nodes: init.nodes, rs, dur1, amp1, dur2, amp2, dur3, amp3, i, vc,
      tc2: st.f64(count), tc3: st.f64(count), on: st.f64(count),
      scale: pointScale(init),
      vars: { rs, dur1, amp1, dur2, amp2, dur3, amp3, i, vc },
    };
  },

  initialize(inst: SEClampInstance): void {
    for (let k = 0; k < inst.count; k++) {
      inst.tc2[k] = inst.dur1[k] + inst.dur2[k];
      inst.tc3[k] = inst.tc2[k] + inst.dur3[k];
      inst.on[k] = 0;
    }
  },

  current(inst: SEClampInstance, ctx: MechanismContext): void {
    const { nodes, rs, dur1, amp1, amp2, amp3, tc2, tc3, on, vc, i: iOut, scale, count } = inst;
    const t = ctx.t;
    const v = ctx.v;
    const rhs = ctx.rhs;
    const d = ctx.d;
    for (let k = 0; k < count; k++) {
      // vstim(): the command level at this t
      let c: number;
      let o = 1;
      if (t < dur1[k]) c = amp1[k];
      else if (t < tc2[k]) c = amp2[k];
      else if (t < tc3[k]) c = amp3[k];
      else {
        c = 0;
        o = 0;
      }
      vc[k] = c;
      on[k] = o;
      const node = nodes[k];
      const vk = v[node];
      const i1 = o ? (c - (vk + 0.001)) / rs[k] : 0;
      const i0 = o ? (c - vk) / rs[k] : 0;
      iOut[k] = i0;
      const g = (i1 - i0) / 0.001;
      rhs[node] += i0 * scale[k];
      d[node] -= g * scale[k];
    }
  },

  advance(inst: SEClampInstance, ctx: MechanismContext): void {
    const { nodes, rs, vc, on, i: iOut, count } = inst;
    const v = ctx.v;
    for (let k = 0; k < count; k++) iOut[k] = on[k] ? (vc[k] - v[nodes[k]]) / rs[k] : 0;
  },
};
