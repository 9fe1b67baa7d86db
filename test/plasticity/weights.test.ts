/**
 * weights.csv (src/plasticity/weights.ts, cli/run.ts): `dendrite run` writes one row per plastic
 * synapse; a second run started from it (`--weights` or the protocol's `weights_file`) begins where
 * the first ended, and bad weights files are refused with the file, the line and the difference.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.ts';
import { formatWeightsCsv, matchWeights, parseWeightsCsv, WeightsFileError } from '../../src/plasticity/index.ts';
import { parseProtocol, runProtocol } from '../../src/protocol/index.ts';
import { simulate } from '../../src/solvers/index.ts';
import { UserError } from '../../src/errors.ts';

const MORPH = fileURLToPath(new URL('../../fixtures/morphologies/ball_and_stick.swc', import.meta.url));

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'dendrite', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Five plastic AMPA synapses on the dendrite driven at 20 Hz, somatic spikes from pulses, plus one fixed synapse. */
function protocol(extra: Record<string, unknown> = {}) {
  return {
    morphology: MORPH,
    discretization: { nseg: 11, sections: { soma: 1 } },
    biophysics: { mechanisms: [{ name: 'pas', region: 'dend', params: { g: 1e-4, e: -65 } }, { name: 'hh', region: 'soma' }] },
    stimuli: [{ type: 'pulse_train', at: 'soma[0](0.5)', delay_ms: 20, number: 8, interval_ms: 50, pulse_dur_ms: 1, amp_nA: 2 }],
    synapses: [
      {
        name: 'p', type: 'AMPA', at: { random: { region: 'dend', n: 5, seed: 4 } }, weight_uS: 0.0005,
        train: { type: 'poisson', rate_Hz: 20, start_ms: 0, seed: 9 },
        plasticity: { rule: 'stdp', w_max_uS: 0.001, post: 'soma[0](0.5)', A_plus: 0.05, A_minus: 0.05 },
      },
      { name: 'fixed', type: 'AMPA', at: 'dend[0](0.9)', weight_uS: 0.0003, train: { type: 'poisson', rate_Hz: 5, start_ms: 0, seed: 1 } },
    ],
    record: [{ label: 'soma', at: 'soma[0](0.5)' }, { label: 'w', synapse: 'p', what: 'w' }],
    run: { tstop_ms: 400, dt_ms: 0.025 },
    ...extra,
  };
}

describe('weights.csv', () => {
  it('dendrite run writes one row per plastic synapse; a second run starts from the final weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-weights-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify(protocol()));
    const a = await cli('run', file, '--out', join(dir, 'a'), '--quiet');
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    const text = readFileSync(join(dir, 'a', 'weights.csv'), 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('synapse,index,section,x,initial_weight,final_weight');
    expect(lines).toHaveLength(6);
    const rows = parseWeightsCsv(text);
    expect(rows.map((r) => `${r.synapse}#${r.index}`)).toEqual(['p#0', 'p#1', 'p#2', 'p#3', 'p#4']);
    for (const r of rows) {
      expect(r.initial_weight).toBe(0.0005);
      expect(r.section).toMatch(/^dend\[0\]$/);
    }
    // the weights changed, and differently per synapse (own Poisson trains)
    const finals = rows.map((r) => r.final_weight);
    expect(new Set(finals).size).toBe(5);
    for (const f of finals) expect(Math.abs(f - 0.0005)).toBeGreaterThan(1e-7);
    // the recorded w ends at the final weight
    const traces = readFileSync(join(dir, 'a', 'traces.csv'), 'utf8').trim().split('\n');
    const header = traces[0].split(',');
    const last = traces[traces.length - 1].split(',').map(Number);
    for (let j = 0; j < 5; j++) expect(last[header.indexOf(`w[${j}]`)]).toBe(finals[j]);
    const runJson = JSON.parse(readFileSync(join(dir, 'a', 'run.json'), 'utf8'));
    expect(runJson.plasticity).toEqual({ synapses: 5, weights_file: null });

    // second run from the first one's weights: starts at its finals, and its w trace starts there too
    const b = await cli('run', file, '--out', join(dir, 'b'), '--quiet', '--weights', join(dir, 'a', 'weights.csv'));
    expect(b.err).toBe('');
    expect(b.code).toBe(0);
    const rowsB = parseWeightsCsv(readFileSync(join(dir, 'b', 'weights.csv'), 'utf8'));
    expect(rowsB.map((r) => r.initial_weight)).toEqual(finals);
    const tracesB = readFileSync(join(dir, 'b', 'traces.csv'), 'utf8').trim().split('\n');
    const first = tracesB[1].split(',').map(Number);
    for (let j = 0; j < 5; j++) expect(first[header.indexOf(`w[${j}]`)]).toBe(finals[j]);

    // the protocol's weights_file does the same (relative to the protocol file)
    const file2 = join(dir, 'p2.json');
    writeFileSync(file2, JSON.stringify(protocol({ weights_file: 'a/weights.csv' })));
    const c = await cli('run', file2, '--out', join(dir, 'c'), '--quiet');
    expect(c.code).toBe(0);
    expect(readFileSync(join(dir, 'c', 'weights.csv'), 'utf8')).toBe(readFileSync(join(dir, 'b', 'weights.csv'), 'utf8'));
  });

  it('a protocol without plastic synapses writes no weights.csv', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-weights-'));
    const p = protocol();
    p.synapses = [p.synapses[1]];
    p.record = [p.record[0]];
    writeFileSync(join(dir, 'p.json'), JSON.stringify(p));
    expect((await cli('run', join(dir, 'p.json'), '--out', join(dir, 'o'), '--quiet')).code).toBe(0);
    expect(() => readFileSync(join(dir, 'o', 'weights.csv'))).toThrow();
  });

  it('refuses weights files that do not match, naming the file, the line and the difference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-weights-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify(protocol({ run: { tstop_ms: 20, dt_ms: 0.025 } })));
    expect((await cli('run', file, '--out', join(dir, 'a'), '--quiet')).code).toBe(0);
    const good = readFileSync(join(dir, 'a', 'weights.csv'), 'utf8');
    const cases: [string, (s: string) => string, RegExp][] = [
      ['missing row', (s) => s.split('\n').filter((l) => !l.startsWith('p,3,')).join('\n'), /1 mismatch.*no row for synapse p index 3/],
      ['extra row', (s) => s + 'q,0,dend[0],0.5,0.1,0.1\n', /line 7: synapse q index 0 is not a plastic synapse of this protocol/],
      ['moved site', (s) => s.replace(/^p,1,dend\[0\],[^,]+,/m, 'p,1,dend[0],0.123,'), /line 3: synapse p index 1 is at dend\[0\]\(0\.123\) in the file but at dend\[0\]\(/],
      ['negative weight', (s) => s.replace(/,([^,\n]+)\n$/, ',-1\n'), /line 6: final_weight must be >= 0, got -1/],
      ['not a number', (s) => s.replace(/^(p,2,[^\n]*,)[^,\n]+$/m, '$1abc'), /line 4: final_weight is not a finite number: "abc"/],
      ['duplicate', (s) => s + s.split('\n')[1] + '\n', /line 7: a second row for synapse p index 0 \(first on line 2\)/],
      ['missing column', (s) => s.replace('final_weight', 'final'), /line 1: no column "final_weight"/],
      ['empty', () => '', /the file is empty/],
    ];
    for (const [what, edit, message] of cases) {
      const bad = join(dir, `bad-${what.replace(/ /g, '-')}.csv`);
      writeFileSync(bad, edit(good));
      const r = await cli('run', file, '--out', join(dir, 'x'), '--quiet', '--weights', bad);
      expect(r.code, what).not.toBe(0);
      expect(r.err, what).toContain(bad);
      expect(r.err, what).toMatch(message);
      expect(r.err, what).not.toMatch(/\n\s+at /); // no stack trace
    }
    const none = await cli('run', file, '--out', join(dir, 'x'), '--quiet', '--weights', join(dir, 'nope.csv'));
    expect(none.code).not.toBe(0);
    expect(none.err).toMatch(/cannot read the weights file .*nope\.csv \(ENOENT\)/);
  });
});

describe('backends without final weights', () => {
  it('are refused with a UserError, not a crash', () => {
    const p = parseProtocol({ ...protocol(), run: { tstop_ms: 5, dt_ms: 0.025 } }, join(tmpdir(), 'p.json'));
    const noFinal = (req: Parameters<typeof simulate>[0], o: Parameters<typeof simulate>[1]) => {
      const r = simulate(req, o);
      delete r.final;
      return r;
    };
    expect(() => runProtocol(p, { simulate: noFinal })).toThrow(UserError);
    expect(() => runProtocol(p, { simulate: noFinal })).toThrow(/does not report the final weights of plastic synapses.*cpu backend/);
  });
});

describe('weights file format', () => {
  it('round-trips at full precision', () => {
    const rows = [{ synapse: 's', index: 0, section: 'dend[3]', x: 0.1 + 0.2, initial_weight: 1 / 3, final_weight: Math.PI * 1e-4 }];
    const back = parseWeightsCsv(formatWeightsCsv(rows));
    expect(back).toEqual([{ ...rows[0], line: 2 }]);
    expect(Array.from(matchWeights(back, [{ synapse: 's', index: 0, section: 'dend[3]', x: 0.30000000001 }]))).toEqual([Math.PI * 1e-4]);
    expect(() => matchWeights(back, [{ synapse: 's', index: 0, section: 'dend[4]', x: 0.3 }])).toThrow(WeightsFileError);
  });
});
