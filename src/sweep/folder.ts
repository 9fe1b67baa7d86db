/**
 * A sweep folder: a Dendrite output folder of kind "sweep" (src/io/outdir.ts stamps and guards it)
 * holding `sweep.json` (the manifest: which sweep made it, its runs, parameters and measures, and
 * copies of the sweep file and base protocol), `ledger/` (what has run), and, once collected,
 * `results.parquet` and `results.csv`; `traces/` with `keep_traces`.
 *
 * Claiming is race-free: N shards starting at once on a shared file system all end up with the
 * same stamp and the same manifest (each is written to a temporary file and hard-linked into
 * place, which fails when it exists). A folder made by a different sweep (other sweep file or
 * base protocol contents) is refused.
 */
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { claimOutputDir, fsUserError, readStamp } from '../io/outdir.ts';
import { FEATURES } from './features.ts';
import { LEDGER_DIR } from './ledger.ts';
import type { SweepSpec } from './spec.ts';

export const MANIFEST = 'sweep.json';
export const SWEEP_FILES = [MANIFEST, LEDGER_DIR, 'results.parquet', 'results.csv', 'traces', 'sweep.svg'] as const;

export interface SweepManifest {
  format: 'dendrite-sweep';
  version: 1;
  /** SHA-256 of the sweep file and the base protocol. */
  hash: string;
  sweep_file: string;
  protocol_file: string;
  design: string;
  total: number;
  parameters: { name: string; path: string; values?: unknown[]; labels?: unknown[] }[];
  measures: { name: string; feature: string; probe: string; relative_to?: string; unit: string }[];
  keep_traces: string[];
  /** Sampling interval of kept traces: the base protocol's record_dt_ms, else its dt_ms. */
  sample_dt_ms: number;
  /** The sweep file and the base protocol, as they were. */
  sweep: unknown;
  protocol: unknown;
}

export function manifestOf(spec: SweepSpec): SweepManifest {
  const unitOf = (probe: string) => {
    const r = spec.base.record.find((q) => q.label === probe);
    return r?.stimulus !== undefined ? 'nA' : r?.what === undefined || r.what === 'v' ? 'mV' : '';
  };
  return {
    format: 'dendrite-sweep',
    version: 1,
    hash: spec.hash,
    sweep_file: spec.file,
    protocol_file: spec.protocolFile,
    design: spec.design,
    total: spec.total,
    parameters: spec.parameters.map((p) => ({ name: p.name, path: p.canonical, ...(p.values ? { values: p.values } : {}), ...(p.labels ? { labels: p.labels } : {}) })),
    measures: spec.measures.map((m) => {
      const u = FEATURES.find((f) => f.name === m.feature)!.unit(unitOf(m.probe) || 'unit');
      return { name: m.name, feature: m.feature, probe: m.probe, ...(m.relative_to ? { relative_to: m.relative_to, unit: '1' } : { unit: u }) };
    }),
    keep_traces: spec.keepTraces,
    sample_dt_ms: spec.base.run.record_dt_ms ?? spec.base.run.dt_ms,
    sweep: JSON.parse(readFileSync(spec.file, 'utf8')),
    protocol: spec.protocolJson,
  };
}

export function readManifest(dir: string): SweepManifest {
  const stamp = readStamp(dir);
  if (!stamp || stamp.kind !== 'sweep') throw new UserError(`${dir}: not a Dendrite sweep folder (no sweep stamp); give the --out folder of a \`dendrite sweep\``);
  let m: SweepManifest;
  try {
    m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as SweepManifest;
  } catch (e) {
    throw new UserError(`${dir}: the sweep folder has no readable ${MANIFEST} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (m.format !== 'dendrite-sweep') throw new UserError(`${join(dir, MANIFEST)}: not a sweep manifest`);
  return m;
}

/**
 * Claim `dir` for `spec`: create it (stamp and manifest) or check that it holds this same sweep.
 * `inputs` are files the sweep reads, which `dir` must not hold.
 */
export function claimSweepFolder(dir: string, spec: SweepSpec, version: string, inputs: { path: string; what: string }[]): SweepManifest {
  claimOutputDir(dir, { kind: 'sweep', version, inputs, files: [...SWEEP_FILES] });
  const path = join(dir, MANIFEST);
  const mine = manifestOf(spec);
  const tmp = join(dir, `.${MANIFEST}.tmp-${process.pid}-m`);
  try {
    writeFileSync(tmp, JSON.stringify(mine, null, 1) + '\n', { flag: 'w' });
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fsUserError(e, path, 'write the sweep manifest');
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  const there = readManifest(dir);
  if (there.hash !== spec.hash) {
    throw new UserError(
      `--out ${dir}: this folder holds a different sweep (made from ${there.sweep_file} with base protocol ${there.protocol_file}; ` +
        `the sweep file or the base protocol has changed since, or it is another sweep). Resuming would mix results of two sweeps. ` +
        `Give a new folder with --out, or delete ${dir} to start this sweep again there`,
    );
  }
  return there;
}
