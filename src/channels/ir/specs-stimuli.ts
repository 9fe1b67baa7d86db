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

/** Dendrite's sinusoidal current: offset + amp·sin(2π·freq·(t − del)/1000 + phase·π/180). */
export const K_ISine: MechanismFile = {
  format: 'dendrite-mechanism/1',
  name: 'ISine',
  kind: 'point',
  summary: 'sinusoidal current offset + amp·sin(2π·freq·(t − del) + phase) over [del, del + dur)',
  source: 'Dendrite',
  electrode: true,
  parameters: [
    { name: 'del', unit: 'ms', default: 0, description: 'onset' },
    { name: 'dur', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration' },
    { name: 'amp', unit: 'nA', default: 0, description: 'amplitude (half the peak-to-peak)' },
    { name: 'freq', unit: 'Hz', default: 0, min: 0, description: 'frequency' },
    { name: 'phase', unit: 'deg', default: 0, description: 'phase at onset' },
    { name: 'offset', unit: 'nA', default: 0, description: 'constant added during the window' },
  ],
  assigned: [
    { name: 'omega', unit: '1/ms', units_off: true, expr: '2*pi*freq/1000', description: 'angular frequency, rad/ms' },
    { name: 'phi', unit: '1', units_off: true, expr: 'phase*pi/180', description: 'phase at onset, rad' },
  ],
  currents: [{ name: 'i', expr: 't < del + dur and t >= del ? offset + amp*sin(omega*(t - del) + phi) : 0 nA', description: 'injected current' }],
} as MechanismFile;

/**
 * Dendrite's chirp (ZAP) current: offset + amp·sin(θ), τ = (t − del)/1000 s, T = dur/1000 s;
 * exponential sweep (f0, f1 > 0, f1 ≠ f0): θ = 2π·f0·T·expm1(ln(f1/f0)·τ/T)/ln(f1/f0), else linear:
 * θ = 2π·(f0·τ + (f1 − f0)·τ²/(2T)) (src/channels/stimuli/chirp.ts `chirpPhase`).
 */
export const K_IChirp: MechanismFile = {
  format: 'dendrite-mechanism/1',
  name: 'IChirp',
  kind: 'point',
  summary: 'chirp (ZAP) current offset + amp·sin(θ(t)), frequency swept f0 → f1 (linear or exponential) over [del, del + dur)',
  source: 'Dendrite',
  electrode: true,
  parameters: [
    { name: 'del', unit: 'ms', default: 0, description: 'onset' },
    { name: 'dur', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration of the sweep' },
    { name: 'amp', unit: 'nA', default: 0, description: 'amplitude (half the peak-to-peak)' },
    { name: 'f0', unit: 'Hz', default: 0, min: 0, description: 'frequency at onset' },
    { name: 'f1', unit: 'Hz', default: 0, min: 0, description: 'frequency at the end' },
    { name: 'exponential', unit: '1', default: 0, min: 0, max: 1, description: '1: exponential sweep (f0, f1 > 0), 0: linear' },
    { name: 'offset', unit: 'nA', default: 0, description: 'constant added during the window' },
  ],
  assigned: [
    { name: 'tau_s', unit: '1', units_off: true, expr: '(t - del)/1000', description: 'time into the sweep, s' },
    { name: 'T_s', unit: '1', units_off: true, expr: 'dur/1000', description: 'duration of the sweep, s' },
    { name: 'lk', unit: '1', units_off: true, expr: 'log(f1/f0)' },
    {
      name: 'theta',
      unit: '1',
      units_off: true,
      expr: 'exponential >= 0.5 and f0 > 0 and f1 > 0 and f1 != f0 ? 2*pi*f0*T_s*expm1(lk*tau_s/T_s)/lk : 2*pi*(f0*tau_s + (f1 - f0)*tau_s*tau_s/(2*T_s))',
      description: 'phase, rad',
    },
  ],
  currents: [{ name: 'i', expr: 't >= del and t < del + dur ? offset + amp*sin(theta) : 0 nA', description: 'injected current' }],
} as MechanismFile;

/**
 * Hay et al. 2011's epsp (ModelDB 139653 mod/epsp.mod), NONSPECIFIC_CURRENT (negative depolarises):
 * i = 0 before onset, else −adjust·imax·((1 − e(−(t − onset)/tau0)) − (1 − e(−(t − onset)/tau1))),
 * with e(x) = 0 below −100 (the .mod file's myexp) and adjust normalising the peak to imax.
 */
export const K_epsp: MechanismFile = {
  format: 'dendrite-mechanism/1',
  name: 'epsp',
  kind: 'point',
  summary: "Hay et al. 2011's double-exponential EPSP-like current, peak −imax (negative depolarises)",
  source: 'ModelDB 139653 mod/epsp.mod (Hay et al. 2011)',
  parameters: [
    { name: 'onset', unit: 'ms', default: 0, description: 'start of the current' },
    { name: 'tau0', unit: 'ms', default: 0.2, min: 1e-9, description: 'rise time constant' },
    { name: 'tau1', unit: 'ms', default: 3.0, min: 1e-9, description: 'decay time constant' },
    { name: 'imax', unit: 'nA', default: 0, description: 'peak current magnitude' },
  ],
  assigned: [
    { name: 'tpeak', unit: 'ms', expr: 'tau0*tau1*log(tau0/tau1)/(tau0 - tau1)', description: 'time of the peak after onset' },
    { name: 'p0', expr: '-tpeak/tau0' },
    { name: 'p1', expr: '-tpeak/tau1' },
    { name: 'adjust', expr: '1/((1 - (p0 < -100 ? 0 : exp(p0))) - (1 - (p1 < -100 ? 0 : exp(p1))))', description: 'normalises the peak to imax' },
    { name: 'amp', unit: 'nA', expr: 'adjust*imax', description: 'adjust·imax' },
    { name: 'x0', expr: '-(t - onset)/tau0' },
    { name: 'x1', expr: '-(t - onset)/tau1' },
    { name: 'a0', expr: '1 - (x0 < -100 ? 0 : exp(x0))' },
    { name: 'a1', expr: '1 - (x1 < -100 ? 0 : exp(x1))' },
  ],
  currents: [{ name: 'i', expr: 't < onset ? 0 nA : -amp*(a0 - a1)', description: 'current (NONSPECIFIC_CURRENT: negative depolarises)' }],
} as MechanismFile;

/**
 * Dendrite's pulse train: pulse j (0 ≤ j < number) on while del + j·interval ≤ t < del + j·interval
 * + dur, as one IClamp per pulse. As the hand-written kernel, only the pulses j0 − 1, j0, j0 + 1 with
 * j0 = floor((t − del)/interval) are tested (the others cannot be on when pulses do not overlap).
 */
export const K_IPulseTrain: MechanismFile = {
  format: 'dendrite-mechanism/1',
  name: 'IPulseTrain',
  kind: 'point',
  summary: 'train of square current pulses, as one IClamp per pulse at del + j·interval',
  source: 'Dendrite; NEURON equivalent: one IClamp per pulse',
  electrode: true,
  parameters: [
    { name: 'del', unit: 'ms', default: 0, description: 'onset of the first pulse' },
    { name: 'number', unit: '1', default: 1, min: 0, max: 1e9, description: 'number of pulses' },
    { name: 'interval', unit: 'ms', default: 1, min: 1e-12, max: 1e9, description: 'onset-to-onset interval' },
    { name: 'dur', unit: 'ms', default: 0, min: 0, max: 1e9, description: 'duration of each pulse (≤ interval)' },
    { name: 'amp', unit: 'nA', default: 0, description: 'amplitude of each pulse' },
  ],
  assigned: [
    { name: 'j0', expr: 'floor((t - del)/interval)', description: 'the pulse whose window t is in, up to rounding' },
    { name: 'ja', expr: 'j0 - 1' },
    { name: 'jb', expr: 'j0 + 1' },
    { name: 'da', unit: 'ms', expr: 'del + ja*interval' },
    { name: 'd0', unit: 'ms', expr: 'del + j0*interval' },
    { name: 'db', unit: 'ms', expr: 'del + jb*interval' },
  ],
  currents: [
    {
      name: 'i',
      expr: 't >= del and ((ja >= 0 and ja < number and t < da + dur and t >= da) or (j0 >= 0 and j0 < number and t < d0 + dur and t >= d0) or (jb >= 0 and jb < number and t < db + dur and t >= db)) ? amp : 0 nA',
      description: 'injected current',
    },
  ],
} as MechanismFile;
