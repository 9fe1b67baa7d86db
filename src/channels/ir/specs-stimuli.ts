/**
 * Two of the stimuli described as mechanism-file data with `"electrode": true` (NMODL
 * ELECTRODE_CURRENT: the current is injected, positive depolarises): NEURON's IClamp
 * (src/channels/iclamp.ts, stim.mod) and Dendrite's IRamp (src/channels/stimuli/ramp.ts). Both are
 * functions of t only (t = t_n + dt/2 in the current), so their conductance is 0.
 * test/batch/ir-density.test.ts runs both against the hand-written kernels.
 *
 * Not described: ISine and IChirp (sin, and per-instance quantities set at instantiation), IPulseTrain
 * (a search over the pulses), INoise (a random stream), IPlay (a played waveform), epsp and SEClamp.
 */
import type { MechanismFile } from './types.ts';

/** NEURON 8.2 src/nrnoc/stim.mod. */
export const K_IClamp: MechanismFile = {
  format: 'dendrite-mechanism/1',
  name: 'IClamp',
  kind: 'point',
  summary: 'square current pulse (positive depolarises)',
  source: 'NEURON 8.2 src/nrnoc/stim.mod',
  electrode: true,
  parameters: [
    { name: 'del', unit: 'ms', default: 0, description: 'onset' },
    { name: 'dur', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration' },
    { name: 'amp', unit: 'nA', default: 0, description: 'amplitude' },
  ],
  currents: [{ name: 'i', expr: 't < del + dur and t >= del ? amp : 0 nA', description: 'injected current' }],
} as MechanismFile;

/** Dendrite's current ramp. */
export const K_IRamp: MechanismFile = {
  format: 'dendrite-mechanism/1',
  name: 'IRamp',
  kind: 'point',
  summary: 'linear current ramp from amp0 to amp1 over [del, del + dur) (positive depolarises)',
  source: 'Dendrite; NEURON equivalent: IClamp with amp played by Vector.play (continuous)',
  electrode: true,
  parameters: [
    { name: 'del', unit: 'ms', default: 0, description: 'onset' },
    { name: 'dur', unit: 'ms', default: 1, min: 1e-12, max: 1e9, description: 'duration' },
    { name: 'amp0', unit: 'nA', default: 0, description: 'amplitude at onset' },
    { name: 'amp1', unit: 'nA', default: 0, description: 'amplitude reached at del + dur' },
  ],
  currents: [{ name: 'i', expr: 't < del + dur and t >= del ? amp0 + (amp1 - amp0)*((t - del)/dur) : 0 nA', description: 'injected current' }],
} as MechanismFile;
