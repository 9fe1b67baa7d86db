/**
 * Real protocols for the kinetics conformance and batch tests (shortened runs): Rallpack 1 (pas),
 * Rallpack 3 (hh, exact rates and NEURON's rate tables, Crank–Nicolson), the benchmark cell
 * (CA1 c91662, hh everywhere, 2048 compartments) and the same cell with the Hay et al. 2011 set
 * (somatic and apical densities of Hay's L5PC model, Ca dynamics, a firing soma).
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import type { Catalogue } from '../../src/channels/catalogue.ts';
import { buildSimulation, parseProtocol } from '../../src/protocol/index.ts';
import type { SimulationRequest } from '../../src/solvers/model.ts';
import { rallpack1, rallpack3 } from '../validation/rallpack-models.ts';

const CELL = fileURLToPath(new URL('../../bench/protocols/c91662_hh_2048.json', import.meta.url));

export interface ProtocolCase {
  readonly name: string;
  /** Mechanisms it exercises. */
  readonly mechanisms: readonly string[];
  /** The request, its mechanisms looked up in `catalogue`, recording v at every node. */
  build(catalogue: Catalogue): SimulationRequest;
}

function allNodes(req: SimulationRequest): SimulationRequest {
  return { ...req, record: Array.from({ length: req.layout.nNodes }, (_, i) => i) };
}

function fromProtocol(raw: Record<string, unknown>, file: string, catalogue: Catalogue): SimulationRequest {
  const p = parseProtocol(raw, file);
  return allNodes({ ...buildSimulation(p, undefined, catalogue).request, catalogue });
}

/** The benchmark cell's protocol with another run length (and optionally other biophysics). */
function cellProtocol(tstop_ms: number, biophysics?: Record<string, unknown>, stimuli?: unknown[]): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(CELL, 'utf8')) as Record<string, unknown>;
  raw.run = { ...(raw.run as object), tstop_ms };
  if (biophysics) raw.biophysics = biophysics;
  if (stimuli) raw.stimuli = stimuli;
  return raw;
}

/** Hay et al. 2011's somatic and apical channels (L5PCbiophys3 values; Ih and SK/Ca apical gradients simplified). */
export const HAY_BIOPHYSICS = {
  cm_uF_per_cm2: 1,
  Ra_ohm_cm: 100,
  v_init_mV: -80,
  celsius: 34,
  distance_origin: 'soma[0](0.5)',
  ions: { na: { e_mV: 50 }, k: { e_mV: -85 } },
  mechanisms: [
    { name: 'pas', region: 'all', params: { g: 3e-5, e: -90 } },
    { name: 'Ih', region: 'all', params: { gIhbar: '0.0002*(-0.8696 + 2.087*exp(3.6161*distance_um/max_distance_um))' } },
    { name: 'CaDynamics_E2', region: ['soma', 'apic'], params: { decay: 460, gamma: 0.000501 } },
    { name: 'Ca_LVAst', region: ['soma', 'apic'], params: { gCa_LVAstbar: 0.00343 } },
    { name: 'Ca_HVA', region: ['soma', 'apic'], params: { gCa_HVAbar: 0.000992 } },
    { name: 'SKv3_1', region: ['soma', 'apic'], params: { gSKv3_1bar: 0.693 } },
    { name: 'SK_E2', region: ['soma', 'apic'], params: { gSK_E2bar: 0.0441 } },
    { name: 'K_Tst', region: 'soma', params: { gK_Tstbar: 0.0812 } },
    { name: 'K_Pst', region: 'soma', params: { gK_Pstbar: 0.00223 } },
    { name: 'Nap_Et2', region: 'soma', params: { gNap_Et2bar: 0.00172 } },
    { name: 'NaTa_t', region: ['soma', 'apic'], params: { gNaTa_tbar: 2.04 } },
    { name: 'Im', region: 'apic', params: { gImbar: 0.000143 } },
  ],
};

export const CASES: readonly ProtocolCase[] = [
  {
    name: 'rallpack1 (pas, 1000 compartments, 40 ms)',
    mechanisms: ['pas'],
    build: (catalogue) => allNodes({ ...rallpack1(1000, { tstop_ms: 40 }).request, catalogue }),
  },
  {
    name: 'rallpack3 (hh exact rates, 1000 compartments, Crank–Nicolson, 20 ms)',
    mechanisms: ['hh'],
    build: (catalogue) => allNodes({ ...rallpack3(1000, { tstop_ms: 20, usetable: 0 }).request, catalogue }),
  },
  {
    name: 'rallpack3 (hh rate tables, 1000 compartments, Crank–Nicolson, 20 ms)',
    mechanisms: ['hh'],
    build: (catalogue) => allNodes({ ...rallpack3(1000, { tstop_ms: 20, usetable: 1 }).request, catalogue }),
  },
  {
    name: 'c91662 hh 2048 compartments (the bench cell, 25 ms: two spikes)',
    mechanisms: ['hh'],
    build: (catalogue) => fromProtocol(cellProtocol(25), CELL, catalogue),
  },
  {
    name: 'c91662 with the Hay set (20 ms, soma 1.5 nA from 5 ms: spikes, Ca dynamics)',
    mechanisms: ['pas', 'Ih', 'Ca_LVAst', 'Ca_HVA', 'SKv3_1', 'SK_E2', 'K_Tst', 'K_Pst', 'Nap_Et2', 'NaTa_t', 'Im'],
    build: (catalogue) =>
      fromProtocol(
        cellProtocol(20, HAY_BIOPHYSICS, [{ type: 'iclamp', at: 'soma[0](0.5)', delay_ms: 5, dur_ms: 15, amp_nA: 1.5 }]),
        CELL,
        catalogue,
      ),
  },
];

/** Largest |a − b| over every trace and sample. */
export function maxAbsDiff(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    const y = b[k];
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i] - y[i]);
      if (!(d <= m)) m = d; // NaN propagates as the largest
    }
  }
  return m;
}
