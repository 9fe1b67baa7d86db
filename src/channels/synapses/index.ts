/**
 * Synapses: point processes driven by events (src/solvers/events.ts). See ./dualexp.ts for the
 * equations and the numerics.
 *
 * Weights. Exp2Syn, AMPA, NMDA and GABAA are weighted: an event of weight w (µS) adds w·factor to
 * A and B, so w is the peak conductance of one isolated event (before the Mg block for NMDA), as
 * with NEURON's Exp2Syn and a NetCon weight. myAMPA, myNMDA and myGABA reproduce Gidon et al.
 * 2020 exactly, including their NET_RECEIVE, which ignores the weight: their conductance is set by
 * the `gmax` parameter only (protocols refuse a weight for them rather than silently drop it).
 *
 * Defaults. Exp2Syn: NEURON's (tau1 0.1, tau2 10 ms, e 0). AMPA: tau_r 0.2, tau_d 1.7 ms, e 0 and
 * NMDA: tau_r 0.29, tau_d 43 ms, e 0, mg 1 mM, gamma 0.062 /mV, mg_dep 3.57 mM (the AMPA and NMDA
 * kinetics of the Blue Brain ProbAMPANMDA synapse; the block of Jahr & Stevens 1990). GABAA:
 * tau_r 0.5, tau_d 5 ms, e −75 mV (Gidon's basket-cell GABA-A). myAMPA/myNMDA/myGABA: the .mod
 * defaults where the file gives one (e 0, gamma 0.062, Vtrg −60, tau_H 1e300, mg_dep 3.57) and
 * Gidon's syns.hoc values where the file leaves 0 (myAMPA gmax 0.7 nS, tau 0.3/1.8, mg 0; myNMDA
 * gmax 1.3 nS, tau 8/35, mg 1 — syns.hoc also sets gamma 0.077 for it; myGABA gmax 0.5 nS,
 * tau 0.5/5, e −75, mg 0).
 */
import type { Mechanism } from '../mechanism.ts';
import { makeDualExpSynapse } from './dualexp.ts';

export { makeDualExpSynapse, type DualExpConfig, type DualExpInstance, type SynapseFamily } from './dualexp.ts';

const GIDON = 'Gidon et al. 2020, Science 367:83 (ModelDB 254217, _mod/ISyn.inc)';

export const exp2syn = makeDualExpSynapse({
  name: 'Exp2Syn',
  summary: 'double-exponential conductance, g = B − A; weight in µS',
  source: 'NEURON 8.2 src/nrnoc/exp2syn.mod',
  order: 10,
  family: 'exp2syn',
  tauNames: ['tau1', 'tau2'],
  tauRise: 0.1,
  tauDecay: 10,
  e: 0,
  block: false,
});

export const ampa = makeDualExpSynapse({
  name: 'AMPA',
  summary: 'AMPA receptor synapse, double exponential; weight = peak conductance in µS',
  source: 'Exp2Syn kinetics; time constants of the Blue Brain ProbAMPANMDA synapse',
  order: 41,
  family: 'weighted',
  tauNames: ['tau_r', 'tau_d'],
  tauRise: 0.2,
  tauDecay: 1.7,
  e: 0,
  block: false,
});

export const nmda = makeDualExpSynapse({
  name: 'NMDA',
  summary: 'NMDA receptor synapse with Mg block 1/(1 + exp(−gamma·v)·mg/3.57); weight in µS',
  source: 'Exp2Syn kinetics; Jahr & Stevens 1990 block; time constants of the Blue Brain ProbAMPANMDA synapse',
  order: 43,
  family: 'weighted',
  tauNames: ['tau_r', 'tau_d'],
  tauRise: 0.29,
  tauDecay: 43,
  e: 0,
  block: true,
  mg: 1,
  gamma: 0.062,
  caFraction: true,
});

export const gabaa = makeDualExpSynapse({
  name: 'GABAA',
  summary: 'GABA-A receptor synapse, double exponential, e −75 mV; weight in µS',
  source: 'Exp2Syn kinetics; Gidon et al. 2020 basket-cell GABA-A values',
  order: 42,
  family: 'weighted',
  tauNames: ['tau_r', 'tau_d'],
  tauRise: 0.5,
  tauDecay: 5,
  e: -75,
  block: false,
});

export const myAMPA = makeDualExpSynapse({
  name: 'myAMPA',
  summary: "Gidon 2020's AMPA synapse (ignores the connection weight; conductance gmax)",
  source: GIDON,
  order: 38,
  family: 'gidon',
  tauNames: ['tau_r', 'tau_d'],
  tauRise: 0.3,
  tauDecay: 1.8,
  e: 0,
  block: true,
  mg: 0,
  gamma: 0.062,
  gmax: 0.0007,
});

export const myGABA = makeDualExpSynapse({
  name: 'myGABA',
  summary: "Gidon 2020's GABA-A synapse (ignores the connection weight; conductance gmax)",
  source: GIDON,
  order: 39,
  family: 'gidon',
  tauNames: ['tau_r', 'tau_d'],
  tauRise: 0.5,
  tauDecay: 5,
  e: -75,
  block: true,
  mg: 0,
  gamma: 0.062,
  gmax: 0.0005,
});

export const myNMDA = makeDualExpSynapse({
  name: 'myNMDA',
  summary: "Gidon 2020's NMDA synapse with Mg block (ignores the connection weight; conductance gmax)",
  source: GIDON,
  order: 40,
  family: 'gidon',
  tauNames: ['tau_r', 'tau_d'],
  tauRise: 8,
  tauDecay: 35,
  e: 0,
  block: true,
  mg: 1,
  gamma: 0.062,
  gmax: 0.0013,
});

/** The synapse mechanisms, for the built-in catalogue. */
export function synapseMechanisms(): Mechanism[] {
  return [exp2syn, ampa, nmda, gabaa, myAMPA, myGABA, myNMDA] as Mechanism[];
}
