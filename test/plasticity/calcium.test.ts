/**
 * The calcium-based rule (src/plasticity/calcium.ts, Graupner & Brunel 2012 on the synapse's own
 * NMDA calcium) reproduces the frequency dependence of Dudek & Bear 1992 that Shouval, Bear & Cooper
 * 2002 and Graupner & Brunel 2012 explain by calcium: 30 presynaptic pulses to one NMDA synapse on a
 * small passive compartment depress it at 1 and 5 Hz (each pulse's calcium crosses θd but not θp)
 * and potentiate it at 50 and 100 Hz (calcium summates, and the depolarisation relieves the Mg block,
 * above θp), with one sign change between 5 and 50 Hz.
 */
import { describe, expect, it } from 'vitest';
import { buildLayout, nodeAt } from '../../src/cable/layout.ts';
import { cylinderSegments } from '../../src/cable/cylinder.ts';
import { builtinMechanisms, createCatalogue } from '../../src/channels/catalogue.ts';
import { calcium, makePlasticSynapse } from '../../src/plasticity/index.ts';
import { simulate } from '../../src/solvers/simulate.ts';

const layout = buildLayout([{ name: 'soma', type: 1, parentSection: -1, parentX: 0, nseg: 1, cm_uF_per_cm2: 1, ...cylinderSegments(10, 10, 1, 100) }]);
const soma = nodeAt(layout.sections[0], 0.5);
const W0 = 0.001; // µS
const KAPPA = 18; // 1/pC: one pulse at rest gives a calcium peak of ≈ 1.11, between θd = 1 and θp = 1.3

function induce(rate_Hz: number, pulses = 30) {
  const base = builtinMechanisms();
  const syn = makePlasticSynapse(base.find((m) => m.description.name === 'NMDA')!, [{ rule: calcium }]);
  const r = simulate({
    layout,
    catalogue: createCatalogue([...base, syn]),
    mechanisms: [
      { name: 'pas', nodes: [soma], params: { g: 1e-4, e: -65 } },
      { name: syn.description.name, nodes: [soma], params: { w_init: [W0], w_max: [2 * W0], ca_per_pC: [KAPPA] } },
    ],
    events: {
      sources: [{ type: 'regular', start_ms: 10, interval_ms: 1000 / rate_Hz, number: pulses }],
      connections: [{ from: { source: 0 }, to: { mechanism: 1, instance: 0 }, delay_ms: 0, weight: W0 }],
    },
    record: [{ mechanism: 1, variable: 'ca', instance: 0 }, { mechanism: 1, variable: 'w', instance: 0 }, { mechanism: 1, variable: 'rho', instance: 0 }],
    dt_ms: 0.1,
    tstop_ms: 10 + (pulses * 1000) / rate_Hz + 300,
    v_init_mV: -65,
  });
  const [ca, w, rho] = r.traces;
  let caMax = 0;
  for (const x of ca) caMax = Math.max(caMax, x);
  return { caMax, dw: (w[w.length - 1] - W0) / W0, rho0: rho[0], rhoEnd: rho[rho.length - 1] };
}

describe('calcium rule: depression at low frequency, potentiation at high frequency', () => {
  it('1 and 5 Hz depress, 50 and 100 Hz potentiate; calcium crosses θp only at high frequency', () => {
    const rates = [1, 5, 50, 100];
    const out = rates.map((f) => ({ f, ...induce(f) }));
    console.log(out.map((o) => `${o.f} Hz: Δw/w ${(100 * o.dw).toFixed(1)} %, peak calcium ${o.caMax.toFixed(2)}`).join('; '));
    const [r1, r5, r50, r100] = out;
    for (const o of out) expect(o.rho0).toBe(0.5); // w_init halfway between w_min = 0 and w_max
    for (const o of [r1, r5]) {
      expect(o.dw).toBeLessThan(-0.03);
      expect(o.caMax).toBeGreaterThan(1); // θd
      expect(o.caMax).toBeLessThan(1.3); // θp
    }
    for (const o of [r50, r100]) {
      expect(o.dw).toBeGreaterThan(0.05);
      expect(o.caMax).toBeGreaterThan(1.3);
    }
    // w follows ρ: w = w_min + ρ (w_max − w_min)
    expect(r1.rhoEnd * 2 * W0).toBeCloseTo(W0 * (1 + r1.dw), 15);
  });

  it('without NMDA charge (κ = 0) nothing changes', () => {
    const base = builtinMechanisms();
    const syn = makePlasticSynapse(base.find((m) => m.description.name === 'NMDA')!, [{ rule: calcium }]);
    const r = simulate({
      layout,
      catalogue: createCatalogue([...base, syn]),
      mechanisms: [{ name: syn.description.name, nodes: [soma], params: { w_init: [W0], w_max: [2 * W0], ca_per_pC: [0] } }],
      events: { sources: [{ type: 'regular', start_ms: 10, interval_ms: 10, number: 30 }], connections: [{ from: { source: 0 }, to: { mechanism: 0, instance: 0 }, delay_ms: 0, weight: W0 }] },
      record: [{ mechanism: 0, variable: 'w', instance: 0 }],
      dt_ms: 0.1,
      tstop_ms: 400,
    });
    // ρ = 0.5 = ρ*: the bistable drift vanishes there, so w stays
    expect(r.traces[0][r.traces[0].length - 1]).toBe(W0);
  });
});
