/** `dendrite run PROTOCOL.json --out DIR`: traces.csv, spikes.csv and run.json, written atomically. */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadProtocol, runProtocol } from '../src/protocol/index.ts';
import { writeOutputDir, writeTracesCsv, writeJson } from '../src/io/traces.ts';
import { VERSION } from './version.ts';

export function runCommand(protocolPath: string, outDir: string, log: (s: string) => void): void {
  const protocol = loadProtocol(protocolPath);
  const { built, result, output, probes, wall_s } = runProtocol(protocol);
  const labels = built.probes.map((p) => p.label);
  writeOutputDir(outDir, (tmp) => {
    writeTracesCsv(join(tmp, 'traces.csv'), output.t_ms, labels, output.traces);
    const spikeRows = ['label,t_ms'];
    for (const p of probes) for (const t of p.spikes_ms) spikeRows.push(`${p.label},${t}`);
    writeFileSync(join(tmp, 'spikes.csv'), spikeRows.join('\n') + '\n');
    writeJson(join(tmp, 'run.json'), {
      dendrite_version: VERSION,
      node_version: process.version,
      protocol: protocolPath,
      morphology: protocol.morphology,
      soma_rule: built.morphology.somaRule,
      morphology_warnings: built.morphology.warnings,
      method: result.method,
      backend: 'cpu',
      dt_ms: result.dt_ms,
      record_dt_ms: protocol.run.record_dt_ms,
      tstop_ms: protocol.run.tstop_ms,
      steps: result.steps,
      samples: output.t_ms.length,
      sections: built.layout.sections.length,
      compartments: built.layout.nNodes,
      segments: built.layout.sections.reduce((a, s) => a + s.nseg, 0),
      discretization: protocol.discretization,
      wall_s,
      probes: built.probes.map((q, k) => ({
        ...q,
        spike_threshold_mV: protocol.record[k].spike_threshold_mV,
        ...probes[k].features,
      })),
    });
  });
  const simPerS = protocol.run.tstop_ms / wall_s;
  log(`${built.layout.nNodes} compartments, ${result.steps} steps, ${wall_s.toFixed(3)} s (${simPerS.toFixed(0)} simulated ms per s); traces in ${join(outDir, 'traces.csv')}`);
}
