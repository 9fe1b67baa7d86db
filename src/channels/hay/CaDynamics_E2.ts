import { FARADAY } from '../ions.ts';
import type { InstanceInit, IonState, Mechanism, MechanismInstance, MechanismContext } from '../mechanism.ts';
import { instanceStorage } from '../mechanism.ts';
import { hocExp as hocExpShared } from './common.ts';

// module-local bindings (imported ones may compile to getter calls)
const hocExp = hocExpShared;
const F = FARADAY;

/**
 * Intracellular Ca accumulation, ModelDB 139653 `CaDynamics_E2.mod` (after Destexhe et al. 1994, as
 * used by Hay et al. 2011): cai' = −10000·ica·γ/(2·F·depth) − (cai − minCai)/decay, with ica the ion's
 * total Ca current of the node (mA/cm², under Crank–Nicolson with NEURON's second-order correction),
 * depth in µm, F = 96485.33212331001 C/mol (CODATA 2018, NEURON 8.2). cnexp in the emitted form
 * (NOTES.md §3):
 *   b = (−10000)·((ica·γ)/((2·F)·depth)) − (−minCai)/decay,
 *   cai ← cai + (1 − exp(dt·((−1)/decay)))·((−b)/((−1)/decay) − cai).
 * No INITIAL block: cai starts at the ion's initial value (cai0, 5e-5 mM by default). Writing cai makes
 * the ca ion's reversal potential follow the Nernst equation at finitialize and at the start of every
 * current evaluation (ions.ts).
 *
 * Evaluation order 25: its state update runs before every Ca-reading channel's (SK_E2 sees the new cai).
 */
export interface CaDynamicsE2Instance extends MechanismInstance {
  readonly gamma: Float64Array;
  readonly decay: Float64Array;
  readonly depth: Float64Array;
  readonly minCai: Float64Array;
  readonly ca: IonState;
  /**
   * Per instance, for dt = facDt: cnexp's 1 − exp(dt·((−1)/decay)) (fac) and, in `a`, the factor
   * k = ((10000·γ)·decay)/((2·F)·depth) of cai∞ = minCai − ica·k. The update is the kinetics
   * description's inf/tau form, cai ← cai + fac·(−(cai∞/decay)/((−1)/decay) − cai), the same values as
   * the generated kernel (src/channels/ir, test/batch/catalogue.test.ts); nocmodl's own grouping
   * above differs from it by rounding only.
   */
  readonly a: Float64Array;
  readonly fac: Float64Array;
  facDt: number;
}

export const caDynamicsE2: Mechanism<CaDynamicsE2Instance> = {
  description: {
    name: 'CaDynamics_E2',
    kind: 'density',
    summary: 'intracellular Ca: influx from ica into a shell, first-order decay to minCai (Hay et al. 2011)',
    source: 'ModelDB 139653 mod/CaDynamics_E2.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
    order: 25,
    params: [
      { name: 'gamma', unit: '1', default: 0.05, min: 0, max: 1, description: 'fraction of free Ca (not buffered)' },
      { name: 'decay', unit: 'ms', default: 80, min: 1e-9, description: 'time constant of Ca removal' },
      { name: 'depth', unit: 'um', default: 0.1, min: 1e-9, description: 'depth of the sub-membrane shell' },
      { name: 'minCai', unit: 'mM', default: 1e-4, min: 0, description: 'resting intracellular Ca' },
    ],
    globals: [],
    states: [],
    assigned: [],
    ions: [{ ion: 'ca', read: ['ica'], write: ['cai'] }],
    electrode: false,
  },

  instantiate(init: InstanceInit): CaDynamicsE2Instance {
    const { gamma, decay, depth, minCai } = init.params;
    return {
      count: init.nodes.length,
      nodes: init.nodes,
      gamma, decay, depth, minCai,
      ca: init.ions.ca,
      a: instanceStorage(init).f64(init.nodes.length),
      fac: instanceStorage(init).f64(init.nodes.length),
      facDt: NaN,
      vars: { gamma, decay, depth, minCai },
    };
  },

  initialize(): void {},

  current(): void {},

  advance(inst: CaDynamicsE2Instance, ctx: MechanismContext): void {
    const { nodes, count, gamma, decay, depth, minCai, a, fac } = inst;
    const cai = inst.ca.ci, ica = inst.ca.i;
    const dt = ctx.dt;
    if (inst.facDt !== dt) {
      // decay is constant: the cnexp exponential is the same every step
      for (let j = 0; j < count; j++) {
        fac[j] = 1.0 - hocExp(dt * (-1.0 / decay[j]));
        a[j] = (10000.0 * gamma[j] * decay[j]) / (2.0 * F * depth[j]);
      }
      inst.facDt = dt;
    }
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      const c = cai[node];
      const tau = decay[j];
      const inf = minCai[j] - ica[node] * a[j];
      cai[node] = c + fac[j] * (-(inf / tau) / (-1.0 / tau) - c);
    }
  },
};
