/**
 * A protocol whose morphology is a Neurolucida .asc file builds and runs. Physics check: a
 * passive cell far shorter than its length constant settles at E + I / (g · total area), with
 * the total area of the ASC sections (whose geometry asc-parity.test.ts checks against NEURON).
 */
import { describe, expect, it } from 'vitest';
import { loadMorphology } from '../../src/morphology/index.ts';
import { parseProtocol, runProtocol } from '../../src/protocol/index.ts';
import { morphologyPath } from './paths.ts';

describe('protocol with an .asc morphology', () => {
  it('runs, and a passive compact cell reaches V = E + I / (g A)', () => {
    const asc = morphologyPath('edge/asc_contour_dendrites.asc')!;
    const g_S_per_cm2 = 1e-4;
    const I_nA = 0.01;
    const p = parseProtocol({
      morphology: asc,
      discretization: { nseg: 3 },
      biophysics: {
        cm_uF_per_cm2: 1, Ra_ohm_cm: 100, v_init_mV: -65, celsius: 6.3,
        mechanisms: [{ name: 'pas', region: 'all', params: { g: g_S_per_cm2, e: -65 } }],
      },
      stimuli: [{ type: 'iclamp', at: 'soma[0](0.5)', delay_ms: 0, dur_ms: 1000, amp_nA: I_nA }],
      record: [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'tip', at: 'dend[0](1)' }],
      run: { tstop_ms: 200, dt_ms: 0.025 },
    }, 'inline-asc-protocol.json');
    const run = runProtocol(p);
    const area_cm2 = loadMorphology(asc).sections.reduce((a, s) => a + s.area_um2, 0) * 1e-8;
    const expected = -65 + (I_nA * 1e-9) / (g_S_per_cm2 * area_cm2) * 1e3;
    const soma = run.result.traces[0];
    const tip = run.result.traces[1];
    const vEnd = soma[soma.length - 1];
    // 200 ms = 20 membrane time constants: settled; compact cell: within 0.2 % (soma) and 0.5 % (tip) of the deflection
    expect(Math.abs(vEnd - expected)).toBeLessThan(0.002 * (expected + 65));
    expect(Math.abs(tip[tip.length - 1] - vEnd)).toBeLessThan(0.005 * (expected + 65));
    expect(expected + 65).toBeGreaterThan(1);
  });
});
