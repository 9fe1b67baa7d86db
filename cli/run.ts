/** `dendrite run PROTOCOL.json --out DIR`: traces.csv and run.json, written atomically. */
import { join } from 'node:path';
import { loadProtocol, runProtocol } from '../src/protocol/index.ts';
import { writeOutputDir, writeTracesCsv, writeJson } from '../src/io/traces.ts';
import { VERSION } from './version.ts';

export function runCommand(protocolPath: string, outDir: string, log: (s: string) => void): void {
  const protocol = loadProtocol(protocolPath);
  const { built, result, wall_s } = runProtocol(protocol);
  const labels = built.probes.map((p) => p.label);
  writeOutputDir(outDir, (tmp) => {
    writeTracesCsv(join(tmp, 'traces.csv'), result.t_ms, labels, result.traces);
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
      tstop_ms: protocol.run.tstop_ms,
      steps: result.steps,
      sections: built.layout.sections.length,
      compartments: built.layout.nNodes,
      segments: built.layout.sections.reduce((a, s) => a + s.nseg, 0),
      discretization: protocol.discretization,
      wall_s,
      probes: built.probes,
    });
  });
  const simPerS = protocol.run.tstop_ms / wall_s;
  log(`${built.layout.nNodes} compartments, ${result.steps} steps, ${wall_s.toFixed(3)} s (${simPerS.toFixed(0)} simulated ms per s); traces in ${join(outDir, 'traces.csv')}`);
}
