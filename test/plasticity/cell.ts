/**
 * Test cell for the plasticity tests: fixtures/morphologies/ball_and_stick.swc with hh in the soma
 * and a passive dendrite, as a protocol object (parseProtocol) that tests extend with synapses,
 * stimuli and records.
 */
import { fileURLToPath } from 'node:url';
import { parseProtocol, type Protocol } from '../../src/protocol/protocol.ts';

export const FILE = fileURLToPath(new URL('../../fixtures/protocols/plasticity-test.json', import.meta.url));

export function ballAndStick(extra: Record<string, unknown>, run: { tstop_ms: number; dt_ms?: number }): Protocol {
  return parseProtocol({
    morphology: '../morphologies/ball_and_stick.swc',
    discretization: { nseg: 11, sections: { soma: 1 } },
    biophysics: {
      cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, celsius: 6.3,
      mechanisms: [
        { name: 'pas', region: 'dend', params: { g: 1e-4, e: -65 } },
        { name: 'hh', region: 'soma' },
      ],
    },
    record: [{ label: 'soma', at: 'soma[0](0.5)' }],
    run: { dt_ms: 0.025, ...run },
    ...extra,
  }, FILE);
}
