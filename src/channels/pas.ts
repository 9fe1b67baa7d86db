import { instanceStorage, type Mechanism, type MechanismContext, type MechanismInstance, type InstanceInit } from './mechanism.ts';

/**
 * Passive leak, NEURON 8.2 `passive.mod`: i = g·(v − e), with nocmodl's arithmetic: dI/dv by the
 * finite difference (I(v + 0.001) − I(v))/0.001, so the values equal the kernel generated from the
 * kinetics description bit for bit (test/batch/catalogue.test.ts).
 */
export interface PasInstance extends MechanismInstance {
  readonly g: Float64Array;
  readonly e: Float64Array;
  readonly i: Float64Array;
  /** False when no probe records `i` (InstanceInit.unread): `current` does not store it. */
  readonly storeI: boolean;
}

export const pas: Mechanism<PasInstance> = {
  description: {
    name: 'pas',
    kind: 'density',
    summary: 'passive leak current i = g·(v − e)',
    source: 'NEURON 8.2 src/nrnoc/passive.mod',
    order: 4,
    params: [
      { name: 'g', unit: 'S/cm2', default: 0.001, min: 0, max: 1e9, description: 'leak conductance density' },
      { name: 'e', unit: 'mV', default: -70, description: 'leak reversal potential' },
    ],
    globals: [],
    states: [],
    assigned: [{ name: 'i', unit: 'mA/cm2', description: 'leak current density' }],
    ions: [],
    electrode: false,
    constantConductance: true,
  },

  instantiate(init: InstanceInit): PasInstance {
    const count = init.nodes.length;
    const g = init.params.g;
    const e = init.params.e;
    const i = instanceStorage(init).f64(count);
    const storeI = !(init.unread?.vars.has('i') ?? false);
    return { count, nodes: init.nodes, g, e, i, storeI, vars: { g, e, i } };
  },

  initialize(): void {},

  current(inst: PasInstance, ctx: MechanismContext): void {
    const { nodes, g, e, i: iOut, count } = inst;
    const v = ctx.v;
    const rhs = ctx.rhs;
    const d = ctx.d;
    if (!inst.storeI) {
      for (let k = 0; k < count; k++) {
        const node = nodes[k];
        const vk = v[node];
        const gk = g[k];
        const ek = e[k];
        const i0 = gk * (vk - ek);
        rhs[node] -= i0;
        d[node] += (gk * (vk + 0.001 - ek) - i0) / 0.001;
      }
      return;
    }
    for (let k = 0; k < count; k++) {
      const node = nodes[k];
      const vk = v[node];
      const gk = g[k];
      const ek = e[k];
      const i0 = gk * (vk - ek);
      iOut[k] = i0;
      rhs[node] -= i0;
      // NEURON's finite difference (I(v + 0.001) − I(v))/0.001, not g itself: equal to g only up to
      // rounding, and the generated kernel (src/channels/ir) and nocmodl's C compute it this way.
      d[node] += (gk * (vk + 0.001 - ek) - i0) / 0.001;
    }
  },
};
