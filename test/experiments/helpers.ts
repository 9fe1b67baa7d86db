/**
 * For the experiment tests: run a registered experiment's `--quick` form through the framework
 * (src/experiments/run.ts) into a fresh temporary folder and read back what it wrote.
 *
 *     const { results, checks, dir } = await runQuick('attenuation');
 *     for (const c of checks) expect(c.pass, `${c.name}: ${c.value} ${c.unit} not in ${c.range}`).toBe(true);
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { experiments } from '../../src/experiments/registry.ts';
import { runExperiment, type ExperimentResults } from '../../src/experiments/run.ts';
import type { LiteratureCheck } from '../../src/experiments/types.ts';

export interface QuickRun {
  /** results.json as written (parsed). */
  results: ExperimentResults;
  checks: LiteratureCheck[];
  /** The output folder (a fresh temporary folder). */
  dir: string;
  /** Progress lines the experiment logged. */
  log: string[];
}

/** Run experiment `name` (`--quick` unless `quick: false`) into a temporary folder. */
export async function runQuick(name: string, opts: { quick?: boolean } = {}): Promise<QuickRun> {
  const exp = experiments().find((e) => e.name === name);
  if (!exp) throw new Error(`no experiment "${name}" in src/experiments/registry.ts`);
  const dir = join(mkdtempSync(join(tmpdir(), `dendrite-exp-${name}-`)), 'out');
  const log: string[] = [];
  await runExperiment(exp, { outDir: dir, quick: opts.quick ?? true, log: (m) => log.push(m) });
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ExperimentResults;
  return { results, checks: results.checks, dir, log };
}

/** The failed checks as readable lines (for an assertion message). */
export function failedChecks(checks: readonly LiteratureCheck[]): string[] {
  return checks.filter((c) => !c.pass).map((c) => `${c.name}: ${c.value} ${c.unit}, published ${c.range[0]} to ${c.range[1]} (${c.source})`);
}
