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

/** NEURON's largest nseg. */
export const MAX_NSEG = 32767;

/**
 * A section that cannot be discretized with these settings: its nseg is out of range (`kind`
 * "nseg"), its axial resistance is zero or infinite ("Ra"), or its membrane area is zero or
 * infinite ("area"). `section` is its index, so that callers can name the setting responsible.
 */
export class DiscretizeError extends UserError {
  constructor(readonly kind: 'nseg' | 'Ra' | 'area', readonly section: number, message: string) {
    super(message);
    this.name = 'DiscretizeError';
  }
}

function describeNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}

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
  const check = (i: number, n: number, why: string): number => {
    if (!(Number.isInteger(n) && n >= 1 && n <= MAX_NSEG)) {
      throw new DiscretizeError('nseg', i, `${why} gives section ${m.sections[i].name} nseg = ${describeNumber(n)}; NEURON allows 1..${MAX_NSEG}`);
    }
    return n;
  };
  m.sections.forEach((s, i) => {
    switch (policy.kind) {
      case 'nseg':
        out[i] = check(i, policy.perSection?.get(i) ?? policy.nseg, 'nseg');
        break;
      case 'max_length':
        out[i] = check(i, Math.max(1, Math.ceil(s.L_um / policy.maxLength_um)),
          `max_length_um = ${policy.maxLength_um} on L = ${describeNumber(s.L_um)} um`);
        break;
      case 'd_lambda': {
        for (let k = 0; k < s.d.length - 1; k++) {
          if (s.d[k] === 0) {
            throw new DiscretizeError('area', i, `${m.file}: section ${s.name}${s.firstLine > 0 ? ` (from line ${s.firstLine})` : ''} has a zero diameter at 3-D point ${k}; the d_lambda rule is undefined there (NEURON's lambda_f fails too): use a fixed nseg or fix the radii`);
          }
        }
        const lam = lambdaF_um(s, s.arc, policy.frequency_Hz, elec[i].Ra_ohm_cm, elec[i].cm_uF_per_cm2);
        out[i] = check(i, dLambdaNseg(s.L_um, lam, policy.dLambda),
          `d_lambda = ${policy.dLambda} at ${policy.frequency_Hz} Hz (lambda_f = ${describeNumber(lam)} um with Ra ${elec[i].Ra_ohm_cm} ohm cm, cm ${elec[i].cm_uF_per_cm2} uF/cm2)`);
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
      const from = s.firstLine > 0 ? ` (from line ${s.firstLine})` : '';
      if (!(g.area_um2[j] > 0 && g.area_um2[j] < Infinity)) {
        throw new DiscretizeError('area', i, `${m.file}: section ${s.name}${from} segment ${j} has ${g.area_um2[j] > 0 ? 'an infinite' : 'zero'} membrane area (${g.area_um2[j] > 0 ? 'huge' : 'zero'} diameters or length); it cannot be simulated`);
      }
      for (const r of [left[j], right[j]]) {
        if (!(r > 0 && r < Infinity && 1 / r < Infinity)) {
          throw new DiscretizeError('Ra', i, `section ${s.name}${from} segment ${j}: with Ra = ${Ra} ohm cm its axial resistance is ${r === Infinity ? 'infinite' : r > 0 ? 'too small to invert' : 'zero'} (${describeNumber(r)} MOhm); it cannot be simulated`);
        }
      }
    }
    return {
      name: s.name, type: s.type, parentSection: s.parent, parentX: s.parentX, nseg: nseg[i],
      area_um2: g.area_um2, rHalfLeft_MOhm: left, rHalfRight_MOhm: right, cm_uF_per_cm2: elec[i].cm_uF_per_cm2,
    };
  });
  return { layout: buildLayout(specs), nseg };
}
