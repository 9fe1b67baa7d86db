/**
 * Migliore et al. 1999's A-type K channels kap (proximal) and kad (distal), described once as
 * mechanism-file data: the equations of src/channels/ka.ts (`kaRates`), written with "units_off"
 * so that every expression is the arithmetic of the .mod file in its order (F = 9.648e4, R = 8.315,
 * q10 5 at 24 °C, τ clamped below at nmin and lmin). test/batch/ir-density.test.ts runs both against
 * the hand-written kernels.
 */
import type { MechanismFile } from './types.ts';

interface KaData {
  readonly name: 'kap' | 'kad';
  readonly summary: string;
  readonly vhalfn: number;
  readonly a0n: number;
  readonly zetan: number;
  readonly gmn: number;
  readonly nmin: number;
}

/** Shared constants: vhalfl −56 mV, zetal 3, lmin 2 ms, pw −1, tq −40 mV, qq 5 mV, q10 5, qtl 1. */
function ka(d: KaData): MechanismFile {
  const c = (x: number) => (x < 0 ? `(${x})` : String(x));
  const off = (name: string, unit: string, expr: string, description?: string) => ({ name, unit, units_off: true, expr, ...(description ? { description } : {}) });
  return {
    format: 'dendrite-mechanism/1',
    name: d.name,
    kind: 'density',
    summary: d.summary,
    source: 'Migliore, Hoffman, Magee & Johnston 1999 (J Comput Neurosci 7:5), ModelDB 2796; written from the published equations, NEURON parity in fixtures/neuron/ka/',
    parameters: [{ name: 'gkabar', unit: 'S/cm2', default: 0.008, min: 0, max: 1e9, description: 'maximal conductance density' }],
    assigned: [
      off('qt', '1', 'pow(5, (celsius - 24)/10)', 'temperature factor q10^((celsius − 24)/10)'),
      off('T', '1', '8.315*(273.16 + celsius)', 'R·(273.16 + celsius)'),
      off('zeta', '1', `${c(d.zetan)} + (-1)/(1 + exp((v - (-40))/5))`, 'ζn(v) = zetan + pw/(1 + exp((v − tq)/qq))'),
      off('alpn', '1', `exp(1e-3*zeta*(v - ${c(d.vhalfn)})*9.648e4/T)`),
      off('betn', '1', `exp(1e-3*zeta*${d.gmn}*(v - ${c(d.vhalfn)})*9.648e4/T)`),
      off('ninf', '1', '1/(1 + alpn)'),
      off('taun0', 'ms', `betn/(qt*${d.a0n}*(1 + alpn))`),
      off('taun', 'ms', `taun0 < ${d.nmin} ? ${d.nmin} : taun0`, 'max(τn, nmin)'),
      off('alpl', '1', `exp(1e-3*3*(v - (-56))*9.648e4/T)`),
      off('linf', '1', '1/(1 + alpl)'),
      off('taul0', 'ms', '0.26*(v + 50)/1'),
      off('taul', 'ms', 'taul0 < 2/1 ? 2/1 : taul0', 'max(τl, lmin/qtl)'),
      { name: 'gka', unit: 'S/cm2', expr: 'gkabar*n*l', description: 'conductance density' },
    ],
    states: [
      { name: 'n', inf: 'ninf', tau: 'taun', description: 'activation' },
      { name: 'l', inf: 'linf', tau: 'taul', description: 'inactivation' },
    ],
    currents: [{ name: 'ik', ion: 'k', expr: 'gka*(v - ek)', description: 'current density' }],
  } as MechanismFile;
}

/** Proximal A-type K channel (Migliore et al. 1999 `kap`). */
export const K_kap = ka({ name: 'kap', summary: 'A-type K channel, proximal form (Migliore et al. 1999)', vhalfn: 11, a0n: 0.05, zetan: -1.5, gmn: 0.55, nmin: 0.1 });
/** Distal A-type K channel (Migliore et al. 1999 `kad`). */
export const K_kad = ka({ name: 'kad', summary: 'A-type K channel, distal form (Migliore et al. 1999)', vhalfn: -1, a0n: 0.1, zetan: -1.8, gmn: 0.39, nmin: 0.2 });
