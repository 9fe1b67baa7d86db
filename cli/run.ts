/** `dendrite run PROTOCOL.json --out DIR`: traces.csv, spikes.csv and run.json, written atomically. */
import { basename, join, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadProtocol, runProtocol } from '../src/protocol/index.ts';
import { checkDt, type CheckDtResult } from '../src/protocol/checkdt.ts';
import { writeTracesCsv, writeTracesJson, writeJson } from '../src/io/traces.ts';
import { prepareOutputTarget, writeOutputDir, type OutputInput } from '../src/io/outdir.ts';
import type { Protocol } from '../src/protocol/index.ts';
import { VERSION } from './version.ts';
import { writeTracesNpy } from '../src/io/npy.ts';
import { createProgress, formatRunSummary } from '../src/io/progress.ts';
import { parseView, plotRunDir } from '../src/io/svg/index.ts';
import { SPIKE_CRITERION } from '../src/protocol/analysis.ts';
import { UserError } from '../src/errors.ts';
import { parseBackend, runOnBackend } from './backend.ts';
import { interruptedMessage, interruptible, untilSettled } from './interrupt.ts';
import { formatWeightsCsv } from '../src/plasticity/weights.ts';

/** `--format`, `--plot`, `--quiet`. */
export interface RunFlags {
  /** Trace files: "csv" (default), "npy", "json" or a comma-separated list. */
  format?: string;
  /** Also write traces.svg and shape.svg. */
  plot?: boolean;
  /** With --plot: the shape's projection, xy, xz, yz or auto (default). */
  view?: string;
  /** No progress bar or summary line. */
  quiet?: boolean;
  /** Also rerun at dt/2 and report whether dt is small enough (src/protocol/checkdt.ts). */
  checkDt?: boolean;
  /** cpu (default), gpu or auto (cli/backend.ts; docs/gpu.md). */
  backend?: string;
  /** Replace a non-empty --out folder that is not a Dendrite output (never a protected one; src/io/outdir.ts). */
  overwrite?: boolean;
  /** A weights.csv whose final weights the plastic synapses start from (overrides the protocol's weights_file). */
  weights?: string;
}

/** Every file the run reads: none of them may be inside the --out folder. */
export function runInputs(protocolPath: string, protocol: Protocol): OutputInput[] {
  return [
    { path: protocolPath, what: 'the protocol file' },
    { path: protocol.morphology, what: 'the morphology' },
    ...(protocol.mechanism_files ?? []).map((f) => ({ path: f, what: 'a mechanism file of the protocol' })),
    ...protocol.stimuli.flatMap((s) => (s.type === 'waveform' ? [{ path: s.file, what: 'a waveform file of the protocol' }] : [])),
    ...(protocol.weights_file !== undefined ? [{ path: protocol.weights_file, what: 'the weights file' }] : []),
  ];
}

function traceFormats(list: string | undefined): Set<string> {
  const f = new Set((list ?? 'csv').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0));
  for (const x of f) if (x !== 'csv' && x !== 'npy' && x !== 'json') throw new UserError(`--format: "${x}" is not one of csv, npy, json (e.g. --format csv,npy)`);
  if (f.size === 0) throw new UserError('--format: give csv, npy, json or a comma-separated list');
  return f;
}

export async function runCommand(protocolPath: string, outDir: string, log: (s: string) => void, flags: RunFlags = {}): Promise<void> {
  const formats = traceFormats(flags.format);
  const view = parseView(flags.view);
  const protocol = loadProtocol(protocolPath);
  if (flags.weights !== undefined) protocol.weights_file = resolve(flags.weights);
  const outOpts = { kind: 'run', inputs: runInputs(protocolPath, protocol), overwrite: flags.overwrite, version: VERSION };
  // Refuse a bad --out before a long computation; tidy up after an earlier run that was killed.
  const target = prepareOutputTarget(outDir, outOpts);
  if (!flags.quiet) for (const m of target.recovered) log(`dendrite: ${m}`);
  // Ctrl-C while computing: one line saying nothing was written (cli/interrupt.ts).
  const stopped = (sig: NodeJS.Signals) => interruptedMessage(sig, 'running the simulation', outDir);
  const progress = createProgress({ quiet: flags.quiet });
  let run: ReturnType<typeof runProtocol>;
  let backendRecord: Record<string, unknown> = { backend: 'cpu' };
  try {
    const backend = parseBackend(flags.backend);
    if (backend !== 'cpu' && flags.checkDt) throw new UserError(`--check-dt runs on the CPU backend only; drop --backend ${backend} or --check-dt`);
    if (backend === 'cpu') run = interruptible(() => runProtocol(protocol, { onProgress: progress.enabled ? progress.update : undefined }), stopped);
    else {
      const guard = { sync: <T>(f: () => T) => interruptible(f, stopped), wait: <T>(p: Promise<T>) => untilSettled(p, stopped) };
      ({ run, record: backendRecord } = await runOnBackend(protocol, backend, log, flags.quiet === true, progress.enabled ? progress.update : undefined, guard));
    }
  } finally {
    progress.done();
  }
  let check: CheckDtResult | null = null;
  if (flags.checkDt) {
    const again = createProgress({ quiet: flags.quiet });
    try {
      const first = run;
      check = interruptible(() => checkDt(protocol, first, { onProgress: again.enabled ? again.update : undefined }), (sig) => interruptedMessage(sig, 'checking dt', outDir));
    } finally {
      again.done();
    }
    log(`dendrite: check-dt: ${check.verdict}`);
    // the comparison replaces the generic "dt is large" hint
    run.warnings = run.warnings.filter((w) => w.code !== 'dt_large');
    if (!check.converged) run.warnings.push({ code: 'dt_too_coarse', message: check.verdict, dt_ms: check.dt_ms });
  }
  if (!flags.quiet) for (const w of run.warnings) if (w.code !== 'dt_too_coarse') log(`dendrite: warning: ${w.message}`);
  const { built, result, output, probes, wall_s } = run;
  const labels = built.probes.map((p) => p.label);
  let plotted: string[] = [];
  let plotError: unknown = null;
  writeOutputDir(outDir, outOpts, (tmp) => {
    if (formats.has('csv')) writeTracesCsv(join(tmp, 'traces.csv'), output.t_ms, labels, output.traces);
    if (formats.has('json')) writeTracesJson(join(tmp, 'traces.json'), output.t_ms, labels, output.traces, built.probes.map((q) => q.unit));
    if (formats.has('npy')) writeTracesNpy(join(tmp, 'traces.npy'), output.t_ms, labels, output.traces, { units: built.probes.map((q) => q.unit), extras: built.probes.map((q) => ({ section: q.section, x: q.x })) });
    const spikeRows = ['label,t_ms'];
    for (const p of probes) for (const t of p.spikes_ms) spikeRows.push(`${p.label},${t}`);
    // Spike sources and threshold detectors (src/solvers/events.ts), after the probes' crossings.
    for (const s of result.spikes ?? []) for (const t of s.t_ms) spikeRows.push(`${s.label},${t}`);
    writeFileSync(join(tmp, 'spikes.csv'), spikeRows.join('\n') + '\n');
    // Plastic synapses: where each is, its weight at the start and at the end (src/plasticity/weights.ts).
    if (run.weights) writeFileSync(join(tmp, 'weights.csv'), formatWeightsCsv(run.weights));
    writeJson(join(tmp, 'run.json'), {
      dendrite_version: VERSION,
      node_version: process.version,
      protocol: protocolPath,
      morphology: protocol.morphology,
      morphology_options: protocol.morphologyOptions,
      soma_rule: built.morphology.somaRule,
      morphology_warnings: built.morphology.warnings,
      method: result.method,
      ...backendRecord,
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
        ...(q.what === undefined && q.stimulus === undefined && q.synapse === undefined && q.spike_rule === 'action_potential' ? { spike_criterion: SPIKE_CRITERION } : {}),
        ...probes[k].features,
      })),
      ...(built.stimuli.length > 0
        ? { stimuli: built.stimuli.map((q) => ({ entry: q.entry, type: q.type, section: built.layout.sections[q.section].name, x: q.x, node: q.node, ...Object.fromEntries(Object.entries(protocol.stimuli[q.entry]).filter(([, v]) => typeof v === 'number')) })) }
        : {}),
      ...(built.synapses && built.synapses.length > 0
        ? { synapses: built.synapses.map((q) => ({ entry: q.entry, type: q.type, section: built.layout.sections[q.section].name, x: q.x, node: q.node })) }
        : {}),
      ...(result.spikes && result.spikes.length > 0
        ? { spike_sources: result.spikes.map((s) => ({ label: s.label, kind: s.kind, spike_count: s.t_ms.length })) }
        : {}),
      ...(run.weights ? { plasticity: { synapses: run.weights.length, weights_file: protocol.weights_file ?? null } } : {}),
      warnings: run.warnings,
      ...(check ? { check_dt: check } : {}),
    });
    // The figures go in with the rest, so the folder appears complete or not at all.
    if (flags.plot) {
      const here = (m: string) => m.split(tmp).join(outDir);
      try {
        plotted = plotRunDir(tmp, { view, log: (m) => log(`dendrite: warning: ${here(m)}`) }).files.map((f) => join(outDir, basename(f)));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        plotError = new UserError(here(e.message)); // reported after the traces are in place
      }
    }
  });
  if (plotError) throw plotError;
  const written = [...formats].map((f) => join(outDir, `traces.${f}`));
  written.push(...plotted);
  if (run.weights) written.push(join(outDir, 'weights.csv'));
  if (!flags.quiet) log(formatRunSummary({ compartments: built.layout.nNodes, steps: result.steps, tstop_ms: protocol.run.tstop_ms, wall_s, outputs: written }));
}
