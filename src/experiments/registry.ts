/**
 * Every experiment of `dendrite experiment list`, in catalogue order. Adding one: write
 * src/experiments/<name>.ts exporting an `Experiment` (./types.ts) and add it here (one import,
 * one entry). Nothing registers itself.
 */
import type { Experiment } from './types.ts';
import { attenuation } from './attenuation.ts';
import { impedance } from './impedance.ts';
import { branchIndependence } from './branch-independence.ts';
import { naSpike } from './na-spike.ts';
import { nmdaPlateau } from './nmda-plateau.ts';
import { sequenceSelectivity } from './sequence-selectivity.ts';
import { bac } from './bac.ts';
import { bap } from './bap.ts';
import { dcaapXor } from './dcaap-xor.ts';
import { clusteredPlasticity } from './clustered-plasticity.ts';
import { twoLayer } from './two-layer.ts';

export function experiments(): Experiment[] {
  return [attenuation, impedance, branchIndependence, naSpike, nmdaPlateau, sequenceSelectivity, bac, bap, dcaapXor, clusteredPlasticity, twoLayer];
}
