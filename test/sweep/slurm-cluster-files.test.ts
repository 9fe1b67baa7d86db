/**
 * The cluster files of docs/cluster.md: the Slurm array script and the Kubernetes Indexed Job
 * manifest in examples/cluster/ are the ones the page shows, the script picks the shard and refuses
 * a resubmitted task without SHARDS (run here with bash, no Slurm needed), and the manifest has the
 * structure an Indexed Job sweep needs. No Kubernetes cluster can run here, so the manifest is
 * parsed (a small YAML reader for the block subset it uses, cross-checked against PyYAML where
 * python3 has it) and its fields are checked against each other; then its pods are played by real
 * `dendrite` processes, each with its JOB_COMPLETION_INDEX and the manifest's own command line (the
 * volume's /data mapped to a temporary folder), and the collected results must equal a local run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.ts';
import { parseLedger } from '../../src/sweep/ledger.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SBATCH = `${ROOT}examples/cluster/sweep-array.sbatch`;
const MANIFEST = `${ROOT}examples/cluster/sweep-indexed-job.yaml`;
const DOC = readFileSync(`${ROOT}docs/cluster.md`, 'utf8');

/** The fenced code blocks of a Markdown text with the given language tag. */
function fences(md: string, lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm');
  for (let m = re.exec(md); m; m = re.exec(md)) out.push(m[1]);
  return out;
}

type Y = string | number | boolean | null | Y[] | { [k: string]: Y };
interface Line {
  indent: number;
  text: string;
  no: number;
}

/** Remove a comment: a whole-line `#`, or ` #` outside double quotes. */
function stripComment(raw: string): string {
  let inQuote = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '"' && raw[i - 1] !== '\\') inQuote = !inQuote;
    if (ch === '#' && !inQuote && (i === 0 || /\s/.test(raw[i - 1]))) return raw.slice(0, i).trimEnd();
  }
  return raw.trimEnd();
}

function scalar(s: string, no: number): Y {
  if (s.startsWith('"') || s.startsWith('[') || s.startsWith('{')) {
    try {
      return JSON.parse(s) as Y;
    } catch {
      throw new Error(`line ${no}: only JSON-style quoted strings and flow collections are supported: ${s}`);
    }
  }
  if (s === 'true' || s === 'false') return s === 'true';
  if (s === 'null' || s === '~') return null;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return s;
}

/** Block mappings and sequences, plain, double-quoted and flow (JSON) scalars, `---` documents. */
function parseYamlSubset(src: string): Y[] {
  const docs: Line[][] = [[]];
  src.split('\n').forEach((raw, i) => {
    if (/^---\s*$/.test(raw)) {
      docs.push([]);
      return;
    }
    if (raw.includes('\t')) throw new Error(`line ${i + 1}: tab in YAML`);
    const text = stripComment(raw);
    if (text.trim() === '') return;
    docs[docs.length - 1].push({ indent: text.length - text.trimStart().length, text: text.trim(), no: i + 1 });
  });
  return docs
    .filter((d) => d.length > 0)
    .map((d) => {
      const [v, next] = block(d, 0, d[0].indent);
      if (next !== d.length) throw new Error(`line ${d[next].no}: unexpected indentation`);
      return v;
    });
}

function block(L: Line[], i: number, indent: number): [Y, number] {
  return L[i].text === '-' || L[i].text.startsWith('- ') ? sequence(L, i, indent) : mapping(L, i, indent);
}

function sequence(L: Line[], i: number, indent: number): [Y, number] {
  const out: Y[] = [];
  while (i < L.length && L[i].indent === indent && (L[i].text === '-' || L[i].text.startsWith('- '))) {
    const rest = L[i].text.slice(1).trimStart();
    if (rest === '') {
      const [v, n] = block(L, i + 1, L[i + 1].indent);
      out.push(v);
      i = n;
    } else if (/^[A-Za-z_][\w.-]*:(\s|$)/.test(rest)) {
      // "- key: value": a mapping whose keys sit where `key` starts.
      const copy = L.slice();
      copy[i] = { indent: indent + L[i].text.length - rest.length, text: rest, no: L[i].no };
      const [v, n] = mapping(copy, i, copy[i].indent);
      out.push(v);
      i = n;
    } else {
      out.push(scalar(rest, L[i].no));
      i++;
    }
  }
  return [out, i];
}

function mapping(L: Line[], i: number, indent: number): [Y, number] {
  const out: { [k: string]: Y } = {};
  while (i < L.length && L[i].indent === indent) {
    const m = /^([A-Za-z_][\w.-]*):(?:\s+(.*))?$/.exec(L[i].text);
    if (!m) throw new Error(`line ${L[i].no}: expected "key: value", got ${L[i].text}`);
    const [, key, value] = m;
    if (key in out) throw new Error(`line ${L[i].no}: duplicate key ${key}`);
    if (value !== undefined && value !== '') {
      out[key] = scalar(value, L[i].no);
      i++;
    } else if (i + 1 < L.length && (L[i + 1].indent > indent || (L[i + 1].indent === indent && L[i + 1].text.startsWith('- ')))) {
      const [v, n] = block(L, i + 1, L[i + 1].indent);
      out[key] = v;
      i = n;
    } else {
      out[key] = null;
      i++;
    }
  }
  if (i < L.length && L[i].indent > indent) throw new Error(`line ${L[i].no}: unexpected indentation`);
  return [out, i];
}

/** PyYAML's reading of a file, or why it is not available. */
function pyYaml(file: string): { docs: unknown[] } | { skip: string } {
  const r = spawnSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))', file], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) return { skip: `python3 not available (${r.error.message})` };
  if (r.status !== 0) return { skip: `python3 cannot read it with PyYAML (${r.stderr.trim().split('\n').pop()})` };
  return { docs: JSON.parse(r.stdout) as unknown[] };
}

describe('docs/cluster.md shows the files in examples/cluster/', () => {
  it('the sbatch script, unchanged', () => {
    expect(fences(DOC, 'bash')).toContain(readFileSync(SBATCH, 'utf8'));
  });
  it('the Kubernetes manifest, unchanged', () => {
    expect(fences(DOC, 'yaml')).toContain(readFileSync(MANIFEST, 'utf8'));
  });
});

describe('the Slurm array script', () => {
  const text = readFileSync(SBATCH, 'utf8');

  it('is valid bash and keeps its #SBATCH lines before the first command (sbatch stops reading them there)', () => {
    const r = spawnSync('bash', ['-n', SBATCH], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = text.split('\n');
    const firstCommand = lines.findIndex((l, i) => i > 0 && l.trim() !== '' && !l.startsWith('#'));
    const lastDirective = lines.reduce((k, l, i) => (l.startsWith('#SBATCH') ? i : k), -1);
    expect(lastDirective).toBeGreaterThan(0);
    expect(lastDirective).toBeLessThan(firstCommand);
    // Array ranges and the shard count come from the submission, not from the script.
    expect(text).not.toMatch(/^#SBATCH\s+--array/m);
  });

  const run = (env: Record<string, string>) =>
    spawnSync('bash', [SBATCH], {
      encoding: 'utf8',
      // DENDRITE=echo prints the command line the task would run.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DENDRITE: 'echo', SWEEP: '/shared/s.json', OUT: '/shared/out', ...env },
    });

  it('runs task I as shard I/N with N from the submission', () => {
    const r = run({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4', SLURM_CPUS_PER_TASK: '3' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('sweep /shared/s.json --out /shared/out --shard 2/4 --jobs 3 --quiet');
  });

  it('keeps the shard of a resubmitted task when SHARDS is given', () => {
    // `sbatch --array=5` alone: Slurm sets COUNT=1 (and MIN=MAX=5).
    const r = run({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '1', SLURM_ARRAY_TASK_MIN: '5', SHARDS: '16' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('sweep /shared/s.json --out /shared/out --shard 5/16 --jobs 1 --quiet');
  });

  it('refuses a resubmitted task without SHARDS, saying what to pass', () => {
    const r = run({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '1' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/task 5 but SHARDS=1: .*pass SHARDS=<tasks of the first submission>/);
  });

  it('refuses to run outside an array or without SWEEP and OUT', () => {
    const noArray = run({});
    expect(noArray.status).not.toBe(0);
    expect(noArray.stderr).toMatch(/SLURM_ARRAY_TASK_ID.*submit as a job array/);
    const noOut = spawnSync('bash', [SBATCH], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DENDRITE: 'echo', SWEEP: '/s.json', SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '1' },
    });
    expect(noOut.status).not.toBe(0);
    expect(noOut.stderr).toMatch(/OUT.*set OUT to the output folder/);
  });
});

describe('the Kubernetes Indexed Job manifest', () => {
  const text = readFileSync(MANIFEST, 'utf8');
  const docs = parseYamlSubset(text) as { [k: string]: any }[];

  it('reads as PyYAML reads it (where python3 has PyYAML)', () => {
    const py = pyYaml(MANIFEST);
    if ('skip' in py) {
      console.log(`PyYAML cross-check of ${MANIFEST} skipped: ${py.skip}`);
      return;
    }
    expect(docs).toEqual(py.docs);
  });

  it('is an Indexed Job whose shard count equals its completions, on a shared volume', () => {
    expect(docs.map((d) => d.kind)).toEqual(['PersistentVolumeClaim', 'Job']);
    const [pvc, job] = docs;
    expect(pvc.apiVersion).toBe('v1');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.spec.completionMode).toBe('Indexed');
    const completions = job.spec.completions as number;
    expect(Number.isInteger(completions) && completions > 0).toBe(true);
    expect(job.spec.parallelism).toBeLessThanOrEqual(completions);
    // backoffLimitPerIndex needs restartPolicy Never.
    expect(job.spec.backoffLimitPerIndex).toBeGreaterThan(0);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    const [c] = pod.containers;
    const cmd = c.command as string[];
    expect(cmd.slice(0, 2)).toEqual(['dendrite', 'sweep']);
    expect(cmd).toContain('--array');
    expect(cmd).not.toContain('--shard');
    expect(Number(cmd[cmd.indexOf('--shards') + 1])).toBe(completions);
    // The sweep file and the output folder are on the volume every pod mounts.
    const out = cmd[cmd.indexOf('--out') + 1];
    const sweep = cmd[2];
    const [mount] = c.volumeMounts;
    expect(sweep.startsWith(`${mount.mountPath}/`)).toBe(true);
    expect(out.startsWith(`${mount.mountPath}/`)).toBe(true);
    const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
  });

  it('the YAML reader refuses what it does not understand instead of guessing', () => {
    expect(() => parseYamlSubset('a: 1\n  b: 2\n')).toThrow(/line 2: unexpected indentation/);
    expect(() => parseYamlSubset("a: 'single'\nb: [1, x]\n")).toThrow(/line 2: only JSON-style/);
    expect(() => parseYamlSubset('a: 1\na: 2\n')).toThrow(/duplicate key a/);
  });
});

describe('the Indexed Job\'s command line, run as its pods would run it', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dendrite-k8s-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('every index does its share; collected, the results equal a local sweep but for wall_s', async () => {
    const [, job] = parseYamlSubset(readFileSync(MANIFEST, 'utf8')) as { [k: string]: any }[];
    const completions = job.spec.completions as number;
    const [c] = job.spec.template.spec.containers;
    const mount = c.volumeMounts[0].mountPath as string;
    const args = (c.command as string[]).slice(1).map((a) => (a.startsWith(`${mount}/`) ? join(tmp, a.slice(mount.length + 1)) : a));
    const sweepFile = args[1];
    const out = args[args.indexOf('--out') + 1];
    // A small sweep on the "volume": 2 x 5 = 10 runs of a ball-and-stick cell, so some indexes get 2 runs, some 1.
    writeFileSync(
      join(tmp, 'cell.json'),
      JSON.stringify({
        morphology: join(ROOT, 'fixtures/morphologies/ball_and_stick.swc'),
        discretization: { nseg: 5, sections: { soma: 1 } },
        biophysics: { mechanisms: [{ name: 'pas', region: 'dend', params: { g: 1e-4, e: -65 } }, { name: 'hh', region: 'soma', params: { gnabar: 0.12 } }] },
        stimuli: [{ type: 'iclamp', at: 'soma[0](0.5)', delay_ms: 2, dur_ms: 20, amp_nA: 0.1 }],
        record: [{ label: 'soma', at: 'soma[0](0.5)' }],
        run: { tstop_ms: 25, dt_ms: 0.025 },
      }),
    );
    writeFileSync(
      sweepFile,
      JSON.stringify({
        protocol: 'cell.json',
        parameters: [
          { name: 'gnabar', path: '$.biophysics.mechanisms[name=hh].params.gnabar', values: [0.1, 0.14] },
          { name: 'amp', path: '$.stimuli[0].amp_nA', values: [0, 0.1, 0.2, 0.3, 0.4] },
        ],
        measures: [{ name: 'v_peak', feature: 'peak', probe: 'soma', window_ms: [0, 25] }],
      }),
    );
    const pod = (index: number) => {
      const prev = process.env.JOB_COMPLETION_INDEX;
      process.env.JOB_COMPLETION_INDEX = String(index); // runCli passes the environment on
      try {
        return runCli(args, { cwd: tmp });
      } finally {
        if (prev === undefined) delete process.env.JOB_COMPLETION_INDEX;
        else process.env.JOB_COMPLETION_INDEX = prev;
      }
    };
    // Two pods at a time (the machine has few cores); each must succeed.
    for (let i = 0; i < completions; i += 2) {
      const done = await Promise.all([i, i + 1].filter((k) => k < completions).map(pod));
      for (const r of done) expect(r.stderr, r.stderr).toBe('');
      for (const r of done) expect(r.code).toBe(0);
    }
    // Each pod wrote its own ledger as shard I of `completions`, and no run was done twice.
    const ledgers = readdirSync(join(out, 'ledger')).filter((f) => f.endsWith('.jsonl'));
    expect(ledgers.map((f) => /^shard-(\d+)-of-(\d+)\./.exec(f)?.slice(1).join('/')).sort()).toEqual(
      Array.from({ length: completions }, (_, i) => `${i}/${completions}`).sort(),
    );
    const records = ledgers.flatMap((f) => parseLedger(readFileSync(join(out, 'ledger', f), 'utf8')).records);
    expect(records).toHaveLength(10);
    const status = await runCli(['sweep', 'status', out, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ total: 10, done: 10, failed: 0, missing: 0 });
    const collected = await runCli(['sweep', 'collect', out]);
    expect(collected.code, collected.stderr).toBe(0);
    const local = await runCli(['sweep', sweepFile, '--out', join(tmp, 'local'), '--jobs', '1', '--quiet']);
    expect(local.code, local.stderr).toBe(0);
    const table = (f: string) => {
      const [header, ...rows] = readFileSync(f, 'utf8').trim().split('\n').map((l) => l.split(','));
      const k = header.indexOf('wall_s');
      expect(k).toBeGreaterThanOrEqual(0);
      return [header, ...rows].map((r) => r.filter((_, i) => i !== k));
    };
    const fromPods = table(join(out, 'results.csv'));
    expect(fromPods).toHaveLength(11);
    expect(fromPods).toEqual(table(join(tmp, 'local', 'results.csv')));
  }, 300_000);
});
