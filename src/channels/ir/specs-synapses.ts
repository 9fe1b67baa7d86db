/**
 * The event-driven synapses of src/channels/synapses (Exp2Syn, AMPA, GABAA, NMDA with its
 * ca_fraction) described once, as mechanism-file data (docs/mechanisms.md, "Events"): two decaying
 * states A and B, an event adds weight·factor to both, g = B − A (NMDA: times the Mg block),
 * i = g·(v − e). The equations and defaults are those of src/channels/synapses/dualexp.ts and
 * index.ts; test/batch/ir-synapses.test.ts runs each against its hand-written kernel.
 *
 * Written as nocmodl emits them (and as dualexp.ts computes them): INITIAL clamps the rise time to
 * [1e-9, 0.9999]·τ_decay (`t1`), factor = 1/(−exp(−tp/t1) + exp(−tp/τ_decay)) with
 * tp = (t1·τ_decay)/(τ_decay − t1)·ln(τ_decay/t1); A and B decay by cnexp with inf 0, which is
 * A ← A + (1 − exp(dt·(−1/τ)))·(−A) exactly. Two differences from the hand-written kernels, neither
 * in the trajectory of v: the clamped rise time is the assigned `t1` (the hand-written INITIAL writes
 * it back into the parameter), and `factor` is computed when an event arrives (not stored).
 *
 * NMDA's Ca²⁺ share: the whole synaptic current is the assigned `i` (as the hand-written `i`); the
 * currents are its non-specific part `i_ns` = (1 − ca_fraction)·i and `ica` = ca_fraction·i, so the
 * membrane gets i_ns + ica (= i exactly when ca_fraction is 0, the default; within an ulp else).
 *
 * Gidon et al. 2020's myAMPA / myGABA / myNMDA (ModelDB 254217, _mod/ISyn.inc): g = gmax·(B − A)·
 * mggate·lSF, an event adds factor (the weight is ignored) and records its time in tsyn. Their
 * homeostatic factor lSF′ = (Vtrg − v)/tau_H (v in mV taken as a plain number, as the .mod file does) has no lSF on the right, so nocmodl integrates it by
 * explicit Euler in the state update, lSF ← lSF − dt·(−((Vtrg − v)/tau_H)), and BREAKPOINT clamps it
 * at 0. The format's states are cnexp only, so lSF is a weight state that the before_breakpoint
 * block updates: at the start of step n + 1 it applies the Euler step of step n (with the same v,
 * v_{n+1}; none at finitialize nor in the first step, where t ≤ dt), then the clamp, then the currents read it — the values the
 * hand-written kernel computes. A probe of lSF therefore sees each step's update one step later (with
 * the default tau_H = 1e300 lSF stays exactly 1).
 */
import type { MechanismFile } from './types.ts';

interface SynapseData {
  readonly name: string;
  readonly summary: string;
  readonly source: string;
  readonly rise: { readonly name: string; readonly default: number };
  readonly decay: { readonly name: string; readonly default: number };
  readonly e: number;
  /** Mg block defaults (NMDA). */
  readonly block?: { readonly mg: number; readonly gamma: number };
  readonly caFraction?: boolean;
}

function dualExp(d: SynapseData): MechanismFile {
  const r = d.rise.name;
  const s = d.decay.name;
  const parameters: Record<string, unknown>[] = [
    { name: r, unit: 'ms', default: d.rise.default, min: 1e-9, max: 1e9, description: 'rise time constant' },
    { name: s, unit: 'ms', default: d.decay.default, min: 1e-9, max: 1e9, description: 'decay time constant' },
    { name: 'e', unit: 'mV', default: d.e, description: 'reversal potential' },
  ];
  if (d.block) {
    parameters.push(
      { name: 'mg', unit: 'mM', default: d.block.mg, min: 0, max: 1e9, description: 'extracellular [Mg2+]' },
      { name: 'gamma', unit: '1/mV', default: d.block.gamma, description: 'steepness of the Mg block, mggate = 1/(1 + exp(−gamma·v)·mg/mg_dep)' },
    );
  }
  if (d.caFraction) {
    parameters.push({ name: 'ca_fraction', unit: '1', default: 0, min: 0, max: 1, description: 'fraction of the synaptic current carried by Ca2+ (written to ica, seen by Ca accumulation mechanisms); 0: none' });
  }
  const assigned: Record<string, unknown>[] = [
    { name: 't1', unit: 'ms', expr: `${r}/${s} > 0.9999 ? 0.9999*${s} : (${r}/${s} < 1e-9 ? ${s}*1e-9 : ${r})`, description: 'the rise time constant as INITIAL clamps it' },
    { name: 'tp', unit: 'ms', expr: `(t1*${s})/(${s} - t1)*log(${s}/t1)`, description: 'time of the peak after an event' },
    { name: 'factor', unit: '1', expr: `1/(-exp(-tp/t1) + exp(-tp/${s}))`, description: 'normalisation of B − A to a peak of 1 per unit weight' },
  ];
  if (d.block) {
    assigned.push(
      { name: 'mggate', unit: '1', expr: '1/(1 + exp(gamma*(-v))*(mg/mg_dep))', description: 'fraction not blocked by Mg' },
      { name: 'g', unit: 'uS', expr: '(B - A)*mggate', description: 'conductance' },
    );
  } else {
    assigned.push({ name: 'g', unit: 'uS', expr: 'B - A', description: 'conductance' });
  }
  let currents: Record<string, unknown>[];
  if (d.caFraction) {
    assigned.push({ name: 'i', unit: 'nA', expr: 'g*(v - e)', description: 'synaptic current (negative depolarises)' });
    currents = [
      { name: 'i_ns', expr: '(1 - ca_fraction)*i', description: 'non-specific part of the synaptic current' },
      { name: 'ica', ion: 'ca', expr: 'ca_fraction*i', description: 'Ca2+ part of the synaptic current, ca_fraction·i' },
    ];
  } else {
    currents = [{ name: 'i', expr: 'g*(v - e)', description: 'synaptic current (negative depolarises)' }];
  }
  return {
    format: 'dendrite-mechanism/1',
    name: d.name,
    kind: 'point',
    summary: d.summary,
    source: d.source,
    parameters,
    ...(d.block ? { globals: [{ name: 'mg_dep', unit: 'mM', default: 3.57, min: 1e-9, description: 'Mg dissociation constant of the block' }] } : {}),
    assigned,
    states: [
      { name: 'A', unit: 'uS', inf: '0 uS', tau: 't1', initial: '0 uS', description: 'rising component' },
      { name: 'B', unit: 'uS', inf: '0 uS', tau: s, initial: '0 uS', description: 'decaying component' },
    ],
    currents,
    net_receive: { statements: ['A = A + weight*factor', 'B = B + weight*factor'] },
  } as MechanismFile;
}

/** NEURON's Exp2Syn (src/nrnoc/exp2syn.mod). */
export const K_Exp2Syn = dualExp({
  name: 'Exp2Syn',
  summary: 'double-exponential conductance, g = B − A; weight in µS',
  source: 'NEURON 8.2 src/nrnoc/exp2syn.mod',
  rise: { name: 'tau1', default: 0.1 },
  decay: { name: 'tau2', default: 10 },
  e: 0,
});

/** AMPA: Exp2Syn kinetics, Blue Brain ProbAMPANMDA time constants. */
export const K_AMPA = dualExp({
  name: 'AMPA',
  summary: 'AMPA receptor synapse, double exponential; weight = peak conductance in µS',
  source: 'Exp2Syn kinetics; time constants of the Blue Brain ProbAMPANMDA synapse',
  rise: { name: 'tau_r', default: 0.2 },
  decay: { name: 'tau_d', default: 1.7 },
  e: 0,
});

/** NMDA: Exp2Syn kinetics with the Jahr & Stevens 1990 Mg block and an optional Ca²⁺ share. */
export const K_NMDA = dualExp({
  name: 'NMDA',
  summary: 'NMDA receptor synapse with Mg block 1/(1 + exp(−gamma·v)·mg/3.57); weight in µS',
  source: 'Exp2Syn kinetics; Jahr & Stevens 1990 block; time constants of the Blue Brain ProbAMPANMDA synapse',
  rise: { name: 'tau_r', default: 0.29 },
  decay: { name: 'tau_d', default: 43 },
  e: 0,
  block: { mg: 1, gamma: 0.062 },
  caFraction: true,
});

/** GABAA: Exp2Syn kinetics, Gidon 2020's basket-cell GABA-A values. */
export const K_GABAA = dualExp({
  name: 'GABAA',
  summary: 'GABA-A receptor synapse, double exponential, e −75 mV; weight in µS',
  source: 'Exp2Syn kinetics; Gidon et al. 2020 basket-cell GABA-A values',
  rise: { name: 'tau_r', default: 0.5 },
  decay: { name: 'tau_d', default: 5 },
  e: -75,
});

interface GidonData {
  readonly name: string;
  readonly summary: string;
  readonly rise: number;
  readonly decay: number;
  readonly e: number;
  readonly mg: number;
  readonly gmax: number;
}

const GIDON = 'Gidon et al. 2020, Science 367:83 (ModelDB 254217, _mod/ISyn.inc)';

function gidon(d: GidonData): MechanismFile {
  return {
    format: 'dendrite-mechanism/1',
    name: d.name,
    kind: 'point',
    summary: d.summary,
    source: GIDON,
    parameters: [
      { name: 'tau_r', unit: 'ms', default: d.rise, min: 1e-9, max: 1e9, description: 'rise time constant' },
      { name: 'tau_d', unit: 'ms', default: d.decay, min: 1e-9, max: 1e9, description: 'decay time constant' },
      { name: 'e', unit: 'mV', default: d.e, description: 'reversal potential' },
      { name: 'gmax', unit: 'uS', default: d.gmax, min: 0, max: 1e9, description: 'peak conductance of one event (the connection weight is ignored)' },
      { name: 'mg', unit: 'mM', default: d.mg, min: 0, max: 1e9, description: 'extracellular [Mg2+]' },
      { name: 'gamma', unit: '1/mV', default: 0.062, description: 'steepness of the Mg block, mggate = 1/(1 + exp(−gamma·v)·mg/mg_dep)' },
      { name: 'Vtrg', unit: 'mV', default: -60, description: 'target voltage of the (unused by default) homeostatic factor lSF' },
      { name: 'tau_H', unit: 'ms', default: 1e300, min: 1e-9, description: 'time constant of lSF (1e300: lSF stays 1)' },
    ],
    globals: [{ name: 'mg_dep', unit: 'mM', default: 3.57, min: 1e-9, description: 'Mg dissociation constant of the block' }],
    assigned: [
      { name: 't1', unit: 'ms', expr: 'tau_r/tau_d > 0.999 ? tau_d*0.999 : tau_r', description: 'the rise time constant as INITIAL clamps it' },
      { name: 'tp', unit: 'ms', expr: '(t1*tau_d)/(tau_d - t1)*log(tau_d/t1)', description: 'time of the peak after an event' },
      { name: 'factor', unit: '1', expr: '1/(-exp(-tp/t1) + exp(-tp/tau_d))', description: 'normalisation of B − A to a peak of 1' },
      { name: 'mggate', unit: '1', expr: '1/(1 + exp(gamma*(-v))*(mg/mg_dep))', description: 'fraction not blocked by Mg' },
      { name: 'g', unit: 'uS', expr: 'gmax*(B - A)*mggate*lSF', description: 'conductance' },
    ],
    states: [
      { name: 'A', unit: '1', inf: '0', tau: 't1', initial: '0', description: 'rising component' },
      { name: 'B', unit: '1', inf: '0', tau: 'tau_d', initial: '0', description: 'decaying component' },
    ],
    weight_states: [
      { name: 'lSF', unit: '1', initial: '1', description: 'local homeostatic scaling factor' },
      { name: 'tsyn', unit: 'ms', initial: '-1e80 ms', description: 'time of the last event' },
    ],
    currents: [{ name: 'i', expr: 'g*(v - e)', description: 'synaptic current (negative depolarises)' }],
    net_receive: { statements: ['A = A + factor', 'B = B + factor', 'tsyn = t'] },
    before_breakpoint: {
      comment: "lSF: the previous step's explicit Euler update (t = t_n + dt/2 here: none at finitialize, t = 0, nor in the first step), then BREAKPOINT's clamp at 0",
      statements: [
        { if: 't > dt', then: ['lSF = lSF - dt*(-((Vtrg - v)/mV/tau_H))'] },
        { if: 'not (lSF > 0)', then: ['lSF = 0'] },
      ],
    },
  } as MechanismFile;
}

/** Gidon 2020's AMPA synapse. */
export const K_myAMPA = gidon({ name: 'myAMPA', summary: "Gidon 2020's AMPA synapse (ignores the connection weight; conductance gmax)", rise: 0.3, decay: 1.8, e: 0, mg: 0, gmax: 0.0007 });
/** Gidon 2020's GABA-A synapse. */
export const K_myGABA = gidon({ name: 'myGABA', summary: "Gidon 2020's GABA-A synapse (ignores the connection weight; conductance gmax)", rise: 0.5, decay: 5, e: -75, mg: 0, gmax: 0.0005 });
/** Gidon 2020's NMDA synapse. */
export const K_myNMDA = gidon({ name: 'myNMDA', summary: "Gidon 2020's NMDA synapse with Mg block (ignores the connection weight; conductance gmax)", rise: 8, decay: 35, e: 0, mg: 1, gmax: 0.0013 });
