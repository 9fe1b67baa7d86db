/**
 * Morphology + discretization policy + per-section cm and Ra → the solver's CableLayout, with
 * NEURON's compartments: same SWC, same nseg → the same nodes, areas and resistances
 * (../shared/neuron-geometry.md §7–§8, ../shared/neuron-numerics.md §2).
 */
import { UserError } from '../errors.ts';
import type { Morphology } from '../morphology/index.ts';
import { segmentIntegrals, halfResistance_MOhm, lambdaF_um, dLambdaNseg } from '../morphology/index.ts';
import { buildLayout, type CableLayout, type SectionSpec } from './layout.ts';

export type DiscretizationPolicy =
  | { kind: 'nseg'; nseg: number; perSection?: Map<number, number> }
  | { kind: 'd_lambda'; dLambda: number; frequency_Hz: number }
  | { kind: 'max_length'; maxLength_um: number };

export interface SectionElectrical {
  cm_uF_per_cm2: number;
  Ra_ohm_cm: number;
}

export interface Discretized {
  layout: CableLayout;
  /** nseg chosen for each section (morphology order). */
  nseg: Int32Array;
}

/** nseg NEURON would use for each section under a policy. */
export function chooseNseg(m: Morphology, policy: DiscretizationPolicy, elec: readonly SectionElectrical[]): Int32Array {
  const out = new Int32Array(m.sections.length);
  m.sections.forEach((s, i) => {
    switch (policy.kind) {
      case 'nseg':
        out[i] = policy.perSection?.get(i) ?? policy.nseg;
        break;
      case 'max_length':
        out[i] = Math.max(1, Math.ceil(s.L_um / policy.maxLength_um));
        break;
      case 'd_lambda': {
        for (let k = 0; k < s.d.length - 1; k++) {
          if (s.d[k] === 0) {
            throw new UserError(`${m.file}: section ${s.name} (from line ${s.firstLine}) has a zero diameter at 3-D point ${k}; the d_lambda rule is undefined there (NEURON's lambda_f fails too): use a fixed nseg or fix the radii`);
          }
        }
        const lam = lambdaF_um(s, s.arc, policy.frequency_Hz, elec[i].Ra_ohm_cm, elec[i].cm_uF_per_cm2);
        out[i] = dLambdaNseg(s.L_um, lam, policy.dLambda);
        break;
      }
    }
  });
  return out;
}

export function discretize(m: Morphology, policy: DiscretizationPolicy, elec: readonly SectionElectrical[]): Discretized {
  const nseg = chooseNseg(m, policy, elec);
  const specs: SectionSpec[] = m.sections.map((s, i) => {
    const g = segmentIntegrals(s, s.arc, nseg[i]);
    const Ra = elec[i].Ra_ohm_cm;
    const left = new Float64Array(nseg[i]);
    const right = new Float64Array(nseg[i]);
    for (let j = 0; j < nseg[i]; j++) {
      left[j] = halfResistance_MOhm(g.left_per_um[j], Ra);
      right[j] = halfResistance_MOhm(g.right_per_um[j], Ra);
      if (!(g.area_um2[j] > 0)) {
        throw new UserError(`${m.file}: section ${s.name} (from line ${s.firstLine}) segment ${j} has zero membrane area (zero diameters); it cannot be simulated`);
      }
    }
    return {
      name: s.name, type: s.type, parentSection: s.parent, parentX: s.parentX, nseg: nseg[i],
      area_um2: g.area_um2, rHalfLeft_MOhm: left, rHalfRight_MOhm: right, cm_uF_per_cm2: elec[i].cm_uF_per_cm2,
    };
  });
  return { layout: buildLayout(specs), nseg };
}
