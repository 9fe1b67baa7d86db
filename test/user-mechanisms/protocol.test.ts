/** `mechanism_files` in protocols, and `dendrite mechanisms --file`. */
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { loadProtocol, parseProtocol, buildSimulation, runProtocol } from '../../src/protocol/index.ts';
import { UserError } from '../../src/errors.ts';
import { HH_JSON, PAS_JSON, ROOT, hhSpec, maxDiff } from './helpers.ts';

/** A temporary project: protocols/ and mechanisms/ side by side, as in fixtures/. */
function project(protocol: Record<string, unknown>, mechanisms: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-mech-'));
  mkdirSync(join(dir, 'protocols'));
  mkdirSync(join(dir, 'mechanisms'));
  copyFileSync(HH_JSON, join(dir, 'mechanisms', 'hh.json'));
  copyFileSync(PAS_JSON, join(dir, 'mechanisms', 'pas.json'));
  for (const [name, spec] of Object.entries(mechanisms)) {
    writeFileSync(join(dir, 'mechanisms', name), typeof spec === 'string' ? spec : JSON.stringify(spec));
  }
  const file = join(dir, 'protocols', 'p.json');
  writeFileSync(file, JSON.stringify(protocol, null, 1));
  return file;
}

const BALL_AND_STICK = join(ROOT, 'fixtures/morphologies/ball_and_stick.swc');

function protocol(mechanism: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    morphology: BALL_AND_STICK,
    mechanism_files: ['../mechanisms/hh.json'],
    discretization: { max_length_um: 20 },
    biophysics: {
      Ra_ohm_cm: 100,
      mechanisms: [
        { name: 'pas', region: 'dend', params: { g: 5e-5, e: -65 } },
        { name: mechanism, region: 'soma' },
      ],
    },
    stimuli: [{ type: 'iclamp', at: 'soma(0.5)', delay_ms: 2, dur_ms: 20, amp_nA: 0.3 }],
    record: [{ label: 'soma', at: 'soma(0.5)' }, { label: 'tip', at: 'dend[0](1)' }],
    run: { tstop_ms: 25, dt_ms: 0.025 },
    ...extra,
  };
}

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('protocol "mechanism_files"', () => {
  it('loads files relative to the protocol; their mechanisms are inserted by name', () => {
    const file = project(protocol('hh_user'));
    const p = loadProtocol(file);
    expect(p.mechanism_files).toEqual([join(file, '../../mechanisms/hh.json')]);
    const user = runProtocol(p);
    const builtin = runProtocol(parseProtocol({ ...protocol('hh'), mechanism_files: [] }, file));
    expect(user.probes[0].spikes_ms.length).toBeGreaterThanOrEqual(2);
    expect(user.probes[0].spikes_ms.length).toBe(builtin.probes[0].spikes_ms.length);
    expect(maxDiff(user.result.traces, builtin.result.traces)).toBeLessThanOrEqual(1e-9);
  });

  it('parameters of user mechanisms accept quantities with units', () => {
    const withUnits = protocol('hh_user');
    (withUnits.biophysics as any).mechanisms[1].params = { gnabar: '120 mS/cm^2', el: '-54.3 mV' };
    const file = project(withUnits);
    const built = buildSimulation(loadProtocol(file));
    const use = built.request.mechanisms!.find((m) => m.name === 'hh_user')!;
    expect(Array.from(use.params!.gnabar as Float64Array)).toEqual([0.12]);
    const bad = protocol('hh_user');
    (bad.biophysics as any).mechanisms[1].params = { gnabar: '120 mV' };
    expect(errorOf(() => buildSimulation(loadProtocol(project(bad)))).message).toMatch(/\$\.biophysics\.mechanisms\[1\]\.params\.gnabar: .*conductance density/);
  });

  it('an unknown mechanism name suggests the user mechanisms too', () => {
    const e = errorOf(() => buildSimulation(loadProtocol(project(protocol('hh_usr')))));
    expect(e.message).toContain('$.biophysics.mechanisms[1].name');
    expect(e.message).toContain('did you mean "hh_user"');
  });

  it('a name that clashes with a built-in is an error at $.mechanism_files[i]', () => {
    const s = hhSpec();
    s.name = 'hh';
    const file = project({ ...protocol('hh'), mechanism_files: ['../mechanisms/pas.json', '../mechanisms/myhh.json'] }, { 'myhh.json': s });
    const e = errorOf(() => buildSimulation(loadProtocol(file)));
    expect(e.message).toContain(`${file}: $.mechanism_files[1]: mechanism "hh"`);
    expect(e.message).toContain('clashes with a built-in mechanism');
  });

  it('two files with one name clash', () => {
    const file = project({ ...protocol('hh_user'), mechanism_files: ['../mechanisms/hh.json', '../mechanisms/hh2.json'] }, { 'hh2.json': hhSpec() });
    const e = errorOf(() => buildSimulation(loadProtocol(file)));
    expect(e.message).toContain('$.mechanism_files[1]: mechanism "hh_user"');
    expect(e.message).toContain(join(file, '../../mechanisms/hh.json'));
  });

  it('a missing file, a bad file, a bad list', () => {
    const missing = project({ ...protocol('hh_user'), mechanism_files: ['../mechanisms/nope.json'] });
    expect(errorOf(() => buildSimulation(loadProtocol(missing))).message).toMatch(/\$\.mechanism_files\[0\]: .*nope\.json: cannot read the mechanism file \(ENOENT\)/);
    const s = hhSpec();
    s.states[1].tau = 'q10*sum_h';
    const bad = project({ ...protocol('hh_user'), mechanism_files: ['../mechanisms/bad.json'] }, { 'bad.json': s });
    expect(errorOf(() => buildSimulation(loadProtocol(bad))).message).toMatch(/bad\.json: \$\.states\[1\]\.tau: "q10\*sum_h" is in 1\/ms/);
    const notList = project({ ...protocol('hh'), mechanism_files: '../mechanisms/hh.json' });
    expect(errorOf(() => loadProtocol(notList)).message).toContain('$.mechanism_files: expected an array');
  });
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'dendrite', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('dendrite mechanisms --file', () => {
  it('shows the mechanism of a file', async () => {
    const r = await cli('mechanisms', '--file', HH_JSON);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^hh_user \(density mechanism\)/);
    expect(r.out).toMatch(/gnabar\s+S\/cm2\s+default 0\.12/);
    expect(r.out).toContain('states: m (1), h (1), n (1)');
    expect(r.out).toContain('ions: na (reads ena; writes ina); k (reads ek; writes ik)');
  });

  it('--json, several files, and a NAME among built-ins and files', async () => {
    const j = await cli('mechanisms', '--file', HH_JSON, '--file', PAS_JSON, '--json');
    expect(JSON.parse(j.out).map((m: { name: string }) => m.name)).toEqual(['hh_user', 'pas_user']);
    const one = await cli('mechanisms', 'pas_user', '--file', HH_JSON, '--file', PAS_JSON, '--json');
    expect(JSON.parse(one.out).params.map((p: { name: string }) => p.name)).toEqual(['g', 'e']);
    const builtin = await cli('mechanisms', 'hh', '--file', PAS_JSON);
    expect(builtin.out).toMatch(/^hh \(density mechanism\)/);
  });

  it('--code prints the generated kernels', async () => {
    const r = await cli('mechanisms', '--file', HH_JSON, '--code');
    expect(r.code).toBe(0);
    expect(r.out).toContain('function current(inst, ctx) {');
    expect(r.out).toContain('function advance(inst, ctx) {');
    expect((await cli('mechanisms', '--code')).code).toBe(1);
  });

  it('a bad file: one line with the JSON path, exit status 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-mech-'));
    const s = hhSpec();
    s.assigned[3].expr = 'alpah_m + beta_m';
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(s));
    const r = await cli('mechanisms', '--file', join(dir, 'bad.json'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^dendrite: error: .*bad\.json: \$\.assigned\[3\]\.expr: undefined name "alpah_m" \(did you mean "alpha_m"\?\)/);
    expect(r.err.split('\n').length).toBe(1);
  });

  it('dendrite validate reads mechanism_files', async () => {
    const file = project(protocol('hh_user'));
    const r = await cli('validate', file);
    expect(r.code).toBe(0);
    expect(r.out).toContain('valid');
  });
});

// The fixture protocol documented in docs/mechanisms.md stays loadable.
it('docs/mechanisms.md embeds fixtures/mechanisms/hh.json verbatim', () => {
  const doc = readFileSync(join(ROOT, 'docs/mechanisms.md'), 'utf8');
  const json = readFileSync(HH_JSON, 'utf8').trim();
  expect(doc).toContain(json);
});
