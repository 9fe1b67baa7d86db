/**
 * Two built-ins whose descriptions use the format's concentration states and before_breakpoint
 * block (docs/mechanisms.md): CaDynamics_E2 (Hay et al. 2011's Ca accumulation, writes cai) and
 * dCaAP (Gidon et al. 2020's dendritic Ca action potential). The equations are those of
 * src/channels/hay/CaDynamics_E2.ts and src/channels/dcaap.ts; test/batch/ir-density.test.ts runs
 * both against the hand-written kernels.
 */
import { FARADAY } from '../ions.ts';
import type { MechanismFile } from './types.ts';

/**
 * CaDynamics_E2: cai′ = −10000·ica·γ/(2·F·depth) − (cai − minCai)/decay, written as
 * cai′ = (cai∞ − cai)/decay with cai∞ = minCai − ica·(10000·γ·decay)/(2·F·depth) (ica the ion's
 * total Ca current at the node, mA/cm²; depth µm; F = NEURON 8.2's Faraday constant). No INITIAL:
 * cai starts at the ion's initial concentration. cnexp then gives
 * cai + (1 − exp(−dt/decay))·(cai∞ − cai) up to the rounding of (−(cai∞/decay))/(−1/decay).
 */
export const K_CaDynamics_E2: MechanismFile = {
  format: 'dendrite-mechanism/1',
  name: 'CaDynamics_E2',
  kind: 'density',
  summary: 'intracellular Ca: influx from ica into a shell, first-order decay to minCai (Hay et al. 2011)',
  source: 'ModelDB 139653 mod/CaDynamics_E2.mod (Hay et al. 2011), as compiled by NEURON 8.2 nocmodl',
  parameters: [
    { name: 'gamma', unit: '1', default: 0.05, min: 0, max: 1, description: 'fraction of free Ca (not buffered)' },
    { name: 'decay', unit: 'ms', default: 80, min: 1e-9, description: 'time constant of Ca removal' },
    { name: 'depth', unit: 'um', default: 0.1, min: 1e-9, description: 'depth of the sub-membrane shell' },
    { name: 'minCai', unit: 'mM', default: 1e-4, min: 0, description: 'resting intracellular Ca' },
  ],
  assigned: [
    {
      name: 'cai_inf',
      unit: 'mM',
      units_off: true,
      expr: `minCai - ica*(10000*gamma*decay/(2*${FARADAY}*depth))`,
      description: 'the cai that the present ica would hold (ica in mA/cm², depth in µm)',
    },
  ],
  states: [{ name: 'cai', ion: 'ca', unit: 'mM', inf: 'cai_inf', tau: 'decay', description: 'intracellular Ca (the ca ion\'s cai)' }],
  currents: [],
};

/**
 * dCaAP: i = −(A − B)·w·K; BEFORE BREAKPOINT triggers (A = 0.001, B = 0, K from the overshoot) when
 * v > vth at least refract_period after the last trigger, and starts B sigma_diff after it. A′ and
 * B′ = x(1 − x)/τ as nocmodl's cnexp linearises them, x ← x + (1 − exp(dt·((1 − x) − x)/τ))·(−x):
 * the alpha/beta form with α = 0 and β = −((1 − x) − x)/τ computes exactly that. K, t_dCaAP and
 * dcaap_count are weight states (set only by the block).
 */
export const K_dCaAP: MechanismFile = {
  format: 'dendrite-mechanism/1',
  name: 'dCaAP',
  kind: 'density',
  summary: 'dendritic Ca action potential (phenomenological): amplitude falls as v overshoots vth at the trigger',
  source: 'Gidon et al. 2020, Science 367:83 (ModelDB 254217, _mod/dCaAP.mod; defaults from Fig3andS9/xor.hoc)',
  parameters: [
    { name: 'w', unit: 'mA/cm2', default: 0, description: 'peak current scale; 0 disables the mechanism' },
    { name: 'vth', unit: 'mV', default: -36, description: 'trigger threshold' },
    { name: 'D', unit: '1', default: 0.3, min: 1e-12, description: 'decay of K with the overshoot, K = exp(−(v − vth)/(vth − vrest)/D)' },
    { name: 'vrest', unit: 'mV', default: -75, description: 'normalises the overshoot (vth − vrest)' },
    { name: 'refract_period', unit: 'ms', default: 200, min: 0, description: 'no new dCaAP until this long after the last trigger' },
    { name: 'sigma_diff', unit: 'ms', default: 21, min: 0, description: 'delay from the trigger to the start of B (the repolarising gate)' },
    { name: 'tauA', unit: 'ms', default: 3, min: 1e-12, description: 'time constant of A' },
    { name: 'tauB', unit: 'ms', default: 0.4, min: 1e-12, description: 'time constant of B' },
  ],
  states: [
    { name: 'A', alpha: '0/ms', beta: '-((1 - A) - A)/tauA', initial: '0', description: 'depolarising gate' },
    { name: 'B', alpha: '0/ms', beta: '-((1 - B) - B)/tauB', initial: '0', description: 'repolarising gate' },
  ],
  weight_states: [
    { name: 'K', unit: '1', initial: '0', description: 'amplitude factor set at the last trigger' },
    { name: 't_dCaAP', unit: 'ms', initial: '-refract_period', description: 'time of the last trigger' },
    { name: 'dcaap_count', unit: '1', initial: '0', description: 'number of triggers' },
  ],
  currents: [{ name: 'i', expr: '-(A - B)*w*K', description: 'dCaAP current (negative depolarises)' }],
  before_breakpoint: {
    statements: [
      {
        if: 'w > 0 mA/cm2',
        then: [
          {
            if: 't >= t_dCaAP + refract_period and v > vth',
            then: [
              't_dCaAP = t',
              'A = 0.001',
              'B = 0',
              'kk = exp(-(v - vth)/(vth - vrest)/D)',
              { if: 'kk > 1', then: ['kk = 1'] },
              'K = kk',
              'dcaap_count = dcaap_count + 1',
            ],
          },
          { if: 'B == 0 and t >= t_dCaAP + sigma_diff', then: ['B = 0.001'] },
        ],
      },
    ],
  },
} as MechanismFile;
