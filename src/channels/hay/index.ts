/**
 * The Hay et al. 2011 L5 pyramidal-cell mechanism set (ModelDB 139653), ported from what NEURON 8.2's
 * nocmodl emits for the original .mod files (fixtures/neuron/channels/NOTES.md), with the original
 * mechanism and parameter names.
 */
import type { Mechanism } from '../mechanism.ts';
import { caDynamicsE2 } from './CaDynamics_E2.ts';
import { caHva } from './Ca_HVA.ts';
import { caLvast } from './Ca_LVAst.ts';
import { ih } from './Ih.ts';
import { im } from './Im.ts';
import { kPst } from './K_Pst.ts';
import { kTst } from './K_Tst.ts';
import { naTaT } from './NaTa_t.ts';
import { napEt2 } from './Nap_Et2.ts';
import { skE2 } from './SK_E2.ts';
import { skv31 } from './SKv3_1.ts';

export { caDynamicsE2, caHva, caLvast, ih, im, kPst, kTst, naTaT, napEt2, skE2, skv31 };

/** The eleven Hay mechanisms, in NEURON's type order. */
export function hayMechanisms(): Mechanism[] {
  return [caDynamicsE2, caHva, caLvast, ih, im, kPst, kTst, naTaT, napEt2, skE2, skv31] as Mechanism[];
}
