/**
 * The benchmarks of `npm run bench`: what each one simulates on our side and how NEURON runs the
 * same model. Models come from test/validation/rallpack-models.ts (Rallpacks) and
 * bench/protocols/*.json (a real cell), so the benchmark and the validation tests share them.
 */
import { fileURLToPath } from 'node:url';
import { loadProtocol, buildSimulation } from '../src/protocol/index.ts';
import type { SimulationRequest } from '../src/solvers/index.ts';
import { RALLPACK, rallpack1, rallpack3, type RallpackModel } from '../test/validation/rallpack-models.ts';
import { hayCases } from './hay.ts';
import { plasticityCases } from './plasticity.ts';

export const BENCH_DIR = fileURLToPath(new URL('./', import.meta.url));
export const CELL_PROTOCOL = fileURLToPath(new URL('./protocols/c91662_hh_2048.json', import.meta.url));

export interface SimCase {
  kind: 'simulation';
  name: string;
  title: string;
  /** Rate tables (hh usetable) on both sides, or exact rates. */
  rates: 'tables' | 'exact' | 'n/a';
  /** The issue's target: our median wall_s at most this fraction of NEURON's. */
  targetRatio: number | null;
  /** NEURON's time on a 2-core machine as quoted in the issue (for reference only). */
  issueNeuron_s: number | null;
  /** Build our request (outside the timed region). */
  build(): { request: SimulationRequest; nseg: number; labels: string[] };
  /** Script and arguments for /usr/bin/python3; a trace file path is appended when asked for. */
  neuron: { script: string; args: string[] };
  /** Why NEURON cannot run this case although NEURON itself is there (e.g. .mod files missing), or null. */
  neuronSkip?: () => string | null;
  /** Biological time simulated (s), for cases that report simulated seconds per wall second. */
  simulated_s?: number;
}

export interface LoaderCase {
  kind: 'loader';
  name: string;
  title: string;
  target_s: number;
}

export type BenchCase = SimCase | LoaderCase;

const DT = 0.025;

function rallpackSpec(model: 'rallpack1' | 'rallpack3', m: RallpackModel, usetable: 0 | 1): string {
  const hh = m.request.mechanisms?.find((u) => u.name === 'hh');
  return JSON.stringify({
    model,
    nseg: m.layout.sections[0].nseg,
    L_um: 1000,
    diam_um: 1,
    Ra_ohm_cm: RALLPACK.Ra_ohm_cm,
    cm_uF_per_cm2: RALLPACK.cm_uF_per_cm2,
    g_S_per_cm2: RALLPACK.gLeak_S_per_cm2,
    e_mV: RALLPACK.eLeak_mV,
    amp_nA: RALLPACK.amp_nA,
    tstop_ms: m.request.tstop_ms,
    dt_ms: m.request.dt_ms,
    method: m.request.method,
    celsius: m.request.celsius ?? 6.3,
    usetable_hh: usetable,
    gnabar: hh?.params?.gnabar ?? 0.12,
    gkbar: hh?.params?.gkbar ?? 0.036,
    ena_mV: m.request.ions?.na?.e_mV ?? 50,
    ek_mV: m.request.ions?.k?.e_mV ?? -77,
  });
}

function rallpackCase(m: RallpackModel): { request: SimulationRequest; nseg: number; labels: string[] } {
  return { request: m.request, nseg: m.layout.sections[0].nseg, labels: ['x0', 'x1'] };
}

const RALLPACK_PY = fileURLToPath(new URL('./neuron/rallpack.py', import.meta.url));
const PROTOCOL_PY = fileURLToPath(new URL('./neuron/protocol.py', import.meta.url));

export const CASES: BenchCase[] = [
  {
    kind: 'simulation',
    name: 'rallpack1',
    title: 'Rallpack 1: 1 mm passive cable, 1000 compartments, backward Euler',
    rates: 'n/a',
    targetRatio: 0.67,
    issueNeuron_s: 0.33,
    build: () => rallpackCase(rallpack1(1000, { dt_ms: DT })),
    neuron: { script: RALLPACK_PY, args: [rallpackSpec('rallpack1', rallpack1(1000, { dt_ms: DT }), 0)] },
  },
  {
    kind: 'simulation',
    name: 'rallpack3',
    title: 'Rallpack 3: 1 mm hh axon, 1000 compartments, Crank–Nicolson, hh rate tables on both sides (NEURON default)',
    rates: 'tables',
    targetRatio: 0.67,
    issueNeuron_s: 0.82,
    build: () => rallpackCase(rallpack3(1000, { dt_ms: DT, usetable: 1 })),
    neuron: { script: RALLPACK_PY, args: [rallpackSpec('rallpack3', rallpack3(1000, { dt_ms: DT, usetable: 1 }), 1)] },
  },
  {
    kind: 'simulation',
    name: 'rallpack3-exact',
    title: 'Rallpack 3 with exact hh rates on both sides (usetable 0; informational)',
    rates: 'exact',
    targetRatio: null,
    issueNeuron_s: null,
    build: () => rallpackCase(rallpack3(1000, { dt_ms: DT, usetable: 0 })),
    neuron: { script: RALLPACK_PY, args: [rallpackSpec('rallpack3', rallpack3(1000, { dt_ms: DT, usetable: 0 }), 0)] },
  },
  {
    kind: 'simulation',
    name: 'cell2048-hh',
    title: 'CA1 cell c91662, hh everywhere (exact rates), d_lambda 0.05: 2048 compartments, backward Euler',
    rates: 'exact',
    targetRatio: 0.67,
    issueNeuron_s: 2.4,
    build: () => {
      const built = buildSimulation(loadProtocol(CELL_PROTOCOL));
      let nseg = 0;
      for (const s of built.layout.sections) nseg += s.nseg;
      return { request: built.request, nseg, labels: built.probes.map((p) => p.label) };
    },
    neuron: { script: PROTOCOL_PY, args: [CELL_PROTOCOL] },
  },
  // Hay et al. 2011's L5PC with the BAC protocol (bench/hay.ts; left out without its SWC)
  ...hayCases(),
  // 60 s of STDP induction (bench/plasticity.ts)
  ...plasticityCases(),
  {
    kind: 'loader',
    name: 'swc-load-1M',
    title: 'SWC loader: 1,000,000-sample synthetic SWC (bench/swc-load.ts), ours only',
    target_s: 3,
  },
];

export function findCase(name: string): BenchCase | undefined {
  return CASES.find((c) => c.name === name);
}
