/**
 * The Hay et al. 2011 L5 pyramidal cell in `npm run bench`: test/fixtures/hay/hay_bac_l5pc.json
 * (L5PC_rat_C060114A7.swc, Hay's nseg rule and axon stubs: 198 sections, 702 compartments; pas and
 * the eleven Hay mechanisms with NEURON's per-segment apical densities; BAC protocol, 600 ms,
 * backward Euler) against the same model in NEURON 8.2 built by fixtures/neuron/hay/generate.py
 * (bench/neuron/hay.py), with the ModelDB 139653 .mod files compiled by nrnmech.py.
 *
 * Time per simulated second = wall_s / 0.6. v is compared at the soma and the 400, 620 and 800 µm
 * sites. The SWC (CC BY-NC-SA) lives outside the repository: without it the case is left out
 * with a message; without the .mod files NEURON's side is skipped with a message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSimulation, loadProtocol } from '../src/protocol/index.ts';
import type { SimCase } from './cases.ts';

export const HAY_PROTOCOL = fileURLToPath(new URL('../test/fixtures/hay/hay_bac_l5pc.json', import.meta.url));
const HAY_PY = fileURLToPath(new URL('./neuron/hay.py', import.meta.url));
const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';

let reported = false;

function neuronSkip(): string | null {
  const r = spawnSync(PYTHON, [HAY_PY, '--check'], { encoding: 'utf8', timeout: 120_000 });
  const out = r.stdout ?? '';
  if (out.includes('BENCH_OK')) return null;
  const line = out.split('\n').find((l) => l.startsWith('BENCH_SKIP '));
  return line ? line.slice('BENCH_SKIP '.length) : `${HAY_PY} --check failed: ${(r.stderr ?? '').trim().split('\n').pop() ?? r.status}`;
}

/** The Hay benchmark, or none (with a message) when the morphology is not on this machine. */
export function hayCases(): SimCase[] {
  const protocol = loadProtocol(HAY_PROTOCOL);
  if (!existsSync(protocol.morphology)) {
    if (!reported) process.stderr.write(`bench: hay-bac left out: ${protocol.morphology} not found (CC BY-NC-SA, kept outside the repository)\n`);
    reported = true;
    return [];
  }
  return [
    {
      kind: 'simulation',
      name: 'hay-bac',
      title:
        'Hay 2011 L5PC on L5PC_rat_C060114A7.swc (702 compartments, pas + 11 Hay mechanisms, Ca dynamics), BAC protocol, 600 ms simulated, backward Euler; time per simulated second = wall_s / 0.6',
      rates: 'exact',
      targetRatio: null,
      issueNeuron_s: null,
      build: () => {
        const built = buildSimulation(loadProtocol(HAY_PROTOCOL));
        // v only (NEURON's side records the same four sites)
        const keep = built.probes.map((p, k) => (p.label.startsWith('v_') ? k : -1)).filter((k) => k >= 0);
        const request = { ...built.request, record: keep.map((k) => built.request.record[k]) };
        let nseg = 0;
        for (const s of built.layout.sections) nseg += s.nseg;
        return { request, nseg, labels: keep.map((k) => built.probes[k].label) };
      },
      neuron: { script: HAY_PY, args: ['bac_c6p3_be'] },
      neuronSkip,
    },
  ];
}
