/** The `dendrite` command in-process: output, exit status, no stack traces for user mistakes. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'dendrite', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('dendrite info', () => {
  const cell = join(ROOT, 'fixtures/morphologies/CA1PC_rat_c91662.swc');
  it('summarises a real cell', async () => {
    const r = await cli('info', cell);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/samples\s+1510/);
    expect(r.out).toMatch(/soma rule\s+neuromorpho-3point/);
    expect(r.out).toMatch(/sections\s+194/);
  });
  it('--json gives the section table in NEURON order', async () => {
    const r = await cli('info', cell, '--json');
    const j = JSON.parse(r.out);
    expect(j.samples).toBe(1510);
    expect(j.roots).toBe(1);
    expect(j.soma_rule).toBe('neuromorpho-3point');
    expect(j.sections.length).toBe(194);
    expect(j.sections[0]).toMatchObject({ name: 'soma[0]', parent: null, parent_x: null, type: 1, n3d: 3 });
    const d3 = j.sections.find((s: { name: string }) => s.name === 'dend[3]');
    expect(Object.keys(d3)).toEqual(['name', 'parent', 'parent_x', 'type', 'n3d', 'L_um', 'area_um2']);
    const total = j.sections.reduce((a: number, s: { L_um: number }) => a + s.L_um, 0);
    expect(j.total_length_um).toBeCloseTo(total, 6);
    expect(j.warnings).toEqual([]);
  });
  it('refuses a bad file with exit 1, file:line, and no stack trace', async () => {
    const r = await cli('info', join(ROOT, 'fixtures/morphologies/edge/negative_radius.swc'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/negative_radius\.swc:5 \(sample 3\): radius is -1/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
  it('a missing file', async () => {
    const r = await cli('info', '/no/such/file.swc');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no\/such\/file\.swc: cannot read/);
  });
  it('bad option values', async () => {
    expect((await cli('info', cell, '--scale', '-2')).err).toMatch(/--scale: expected a positive number, got "-2"/);
    expect((await cli('info', cell, '--drop-types', 'axon')).err).toMatch(/--drop-types: "axon" is not an SWC type number/);
    expect((await cli('info', cell, '--drop-types', '2', '--json')).out).not.toMatch(/"axon\[0\]"/);
  });
  it('unknown command exits 1', async () => {
    expect((await cli('frobnicate')).code).toBe(1);
  });
});

describe('dendrite mechanisms', () => {
  it('lists the catalogue', async () => {
    const r = await cli('mechanisms');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\s+hh\s+density/m);
    expect(r.out).toMatch(/^\s+pas\s+density/m);
    const j = JSON.parse((await cli('mechanisms', '--json')).out);
    expect(j.map((m: { name: string }) => m.name)).toEqual(expect.arrayContaining(['pas', 'hh', 'IClamp']));
  });
  it('shows one mechanism with units, defaults, ranges, states and ions', async () => {
    const r = await cli('mechanisms', 'hh');
    expect(r.out).toMatch(/gnabar\s+S\/cm2\s+default 0\.12/);
    expect(r.out).toMatch(/states: m \(1\), h \(1\), n \(1\)/);
    expect(r.out).toMatch(/na \(reads ena; writes ina\)/);
    const j = JSON.parse((await cli('mechanisms', 'pas', '--json')).out);
    expect(j.params.find((p: { name: string }) => p.name === 'g')).toMatchObject({ unit: 'S/cm2', default: 0.001, min: 0 });
  });
  it('an unknown name exits 1 with a suggestion', async () => {
    const r = await cli('mechanisms', 'hhx');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown mechanism "hhx" \(did you mean "hh"\?\)/);
  });
});

describe('dendrite run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-cli-'));
  const protocol = (over: Record<string, unknown> = {}) => {
    const p = {
      morphology: join(ROOT, 'fixtures/morphologies/ball_and_stick.swc'),
      discretization: { nseg: 3 },
      biophysics: { Ra_ohm_cm: 100, mechanisms: [{ name: 'hh', region: 'all' }] },
      stimuli: [{ type: 'iclamp', at: 'soma(0.5)', delay_ms: 1, dur_ms: 3, amp_nA: 1 }],
      record: [{ label: 'soma', at: 'soma(0.5)' }, { label: 'tip', at: 'dend[0](1)' }],
      run: { tstop_ms: 10, dt_ms: 0.025 },
      ...over,
    };
    const f = join(dir, `p${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(f, JSON.stringify(p));
    return f;
  };
  it('writes traces.csv and run.json', async () => {
    const out = join(dir, 'ok');
    const r = await cli('run', protocol(), '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/compartments, 400 steps/);
    const lines = readFileSync(join(out, 'traces.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('t_ms,soma,tip');
    expect(lines.length).toBe(402); // header + t = 0 + 400 steps
    expect(lines[1]).toBe('0,-65,-65');
    const peak = Math.max(...lines.slice(1).map((l) => Number(l.split(',')[1])));
    expect(peak).toBeGreaterThan(20); // hh spikes under 1 nA
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ method: 'backward_euler', dt_ms: 0.025, steps: 400, soma_rule: 'one-point' });
    expect(run.compartments).toBe(3 + 1 + 1 + 3 + 1); // root node, soma 3 centres + end, dend 3 centres + end
    expect(run.wall_s).toBeGreaterThan(0);
    expect(run.probes[1]).toMatchObject({ label: 'tip', section: 'dend[0]', x: 1, node_x: 1 });
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
    const spikes = readFileSync(join(out, 'spikes.csv'), 'utf8').trim().split('\n');
    expect(spikes[0]).toBe('label,t_ms');
    expect(spikes.filter((l) => l.startsWith('soma,')).length).toBe(run.probes[0].spike_count);
    expect(run.probes[0].spike_count).toBeGreaterThan(0);
    expect(run.probes[0].first_spike_latency_ms).toBeGreaterThan(0);
    expect(run.probes[0].rest_mV).toBeCloseTo(-65, 0);
  });
  it('record_dt_ms samples the traces as NEURON records with an interval', async () => {
    const out = join(dir, 'sampled');
    const r = await cli('run', protocol({ run: { tstop_ms: 10, dt_ms: 0.025, record_dt_ms: 0.1 } }), '--out', out);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(out, 'traces.csv'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(1 + 100); // 0, 0.1, ..., 9.9: the 10 ms sample falls past the last step, as in NEURON
    expect(Number(lines[11].split(',')[0])).toBeCloseTo(1.0, 12);
  });
  it('--format json,csv writes both, with the same numbers', async () => {
    const out = join(dir, 'json');
    expect((await cli('run', protocol(), '--out', out, '--format', 'json,csv', '-q')).code).toBe(0);
    const j = JSON.parse(readFileSync(join(out, 'traces.json'), 'utf8'));
    const lines = readFileSync(join(out, 'traces.csv'), 'utf8').trim().split('\n');
    expect(j.t_ms.length).toBe(lines.length - 1);
    expect(j.traces.tip[200]).toBe(Number(lines[201].split(',')[2]));
    expect(j.units).toEqual({ t_ms: 'ms', soma: 'mV', tip: 'mV' });
    expect((await cli('run', protocol(), '--out', out, '--format', 'xlsx')).err).toMatch(/--format: "xlsx" is not one of csv, npy, json/);
  });
  it('currents get their own figure and their unit in the npy sidecar', async () => {
    const out = join(dir, 'seclamp');
    const r = await cli('run', join(ROOT, 'fixtures/protocols/seclamp_ball_and_stick.json'), '--out', out, '--plot', '--format', 'npy', '-q');
    expect(r.code).toBe(0);
    const volts = readFileSync(join(out, 'traces.svg'), 'utf8');
    const amps = readFileSync(join(out, 'traces_nA.svg'), 'utf8');
    expect(volts).toMatch(/V \(mV\)/);
    expect(volts).not.toMatch(/I_clamp/);
    expect(amps).toMatch(/I \(nA\)/);
    expect(amps).toMatch(/I_clamp/);
    const side = JSON.parse(readFileSync(join(out, 'traces.npy.json'), 'utf8'));
    expect(side.columns.find((c: { name: string }) => c.name === 'I_clamp').unit).toBe('nA');
  });
  it('an unstable run stops with dt, time and section, and writes nothing', async () => {
    const out = join(dir, 'unstable');
    const r = await cli('run', protocol({ stimuli: [{ type: 'iclamp', at: 'dend[0](0.5)', delay_ms: 1, dur_ms: 3, amp_nA: 1e6 }] }), '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/instability at t = [\d.]+ ms with dt = 0\.025 ms.*section (soma|dend)\[0\]/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });
  it('a bad protocol exits 1 with the JSON path', async () => {
    const r = await cli('run', protocol({ run: { tstop_ms: -1 } }), '--out', join(dir, 'bad'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\$\.run\.tstop_ms: expected a number > 0, got -1/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });
  it('validate checks without running', async () => {
    const ok = await cli('validate', protocol());
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/valid; 2 sections, 9 compartments, 400 steps of 0\.025 ms, 2 recording sites/);
    const bad = await cli('validate', protocol({ record: [{ label: 'x', at: 'dend[4](0.5)' }] }));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/\$\.record\[0\]\.at: no section named "dend\[4\]"/);
  });
  it('a missing protocol file and invalid JSON', async () => {
    expect((await cli('run', join(dir, 'none.json'), '--out', join(dir, 'x'))).err).toMatch(/none\.json: cannot read the protocol file/);
    const f = join(dir, 'broken.json');
    writeFileSync(f, '{"morphology": ');
    expect((await cli('run', f, '--out', join(dir, 'x'))).err).toMatch(/broken\.json: not valid JSON/);
  });
});
