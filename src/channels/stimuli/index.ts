/**
 * Stimulus point processes beyond NEURON's IClamp: current ramps, sines, pulse trains, Gaussian
 * noise, played waveforms, chirps (ZAP), Hay's epsp current and NEURON's SEClamp voltage clamp.
 */
import type { Mechanism } from '../mechanism.ts';
import { epsp } from './epsp.ts';
import { inoise } from './noise.ts';
import { iplay } from './play.ts';
import { ipulsetrain } from './pulse-train.ts';
import { iramp } from './ramp.ts';
import { seclamp } from './seclamp.ts';
import { isine } from './sine.ts';
import { ichirp } from './chirp.ts';

export { iramp, type IRampInstance } from './ramp.ts';
export { isine, type ISineInstance } from './sine.ts';
export { ichirp, chirpPhase, chirpFrequency, type IChirpInstance } from './chirp.ts';
export { ipulsetrain, type IPulseTrainInstance } from './pulse-train.ts';
export { inoise, gaussianSequence, noiseCount, NOISE_MAX_VALUES, type INoiseInstance } from './noise.ts';
export { iplay, createPlayedCurrent, checkWaveform, type IPlayInstance, type Waveform } from './play.ts';
export { epsp, epspPeakTime, type EpspInstance } from './epsp.ts';
export { seclamp, type SEClampInstance } from './seclamp.ts';

/** The stimulus mechanisms, for the built-in catalogue. */
export function stimulusMechanisms(): Mechanism[] {
  return [iramp, isine, ichirp, ipulsetrain, inoise, iplay, epsp, seclamp] as Mechanism[];
}
