/**
 * Resuming a sweep whose morphology (or mechanism file) changed since runs were recorded mixes
 * results of two different cells. Each ledger starts with a header holding a SHA-256 of every
 * input file its runs read (src/sweep/ledger.ts); `dendrite sweep` on the same folder refuses a
 * changed file, naming it and how to start fresh. Ledgers written before headers existed still
 * resume, with a note saying their runs could not be checked.
 */
import { describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { MISSING, checkLedgerInputs, hashInputFiles, parseLedger, readLedgers } from '../../src/sweep/ledger.ts';

const ROOT = join(import.meta.dirname, '../..');

/** A 4-run sweep (distances along a stick) whose morphology and mechanism file are copies in `dir`. */
function setup(): { dir: string; sweep: string; morph: string; mech: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-sweep-inputs-'));
  const morph = join(dir, 'stick.swc');
  copyFileSync(join(ROOT, 'fixtures/sweeps/stick_d1.swc'), morph);
  const mech = join(dir, 'pas_user.json');
  copyFileSync(join(ROOT, 'fixtures/mechanisms/pas.json'), mech);
  const base = JSON.parse(readFileSync(join(ROOT, 'fixtures/sweeps/attenuation_base.json'), 'utf8'));
  base.morphology = 'stick.swc';
  base.discretization.nseg = 41;
  base.mechanism_files = ['pas_user.json'];
  base.biophysics.mechanisms = [{ name: 'pas_user', region: 'all', params: { g: 1e-4, e: -65 } }];
  base.run.tstop_ms = 20;
  base.stimuli[0].dur_ms = 15;
  writeFileSync(join(dir, 'base.json'), JSON.stringify(base, null, 1));
  const sweep = join(dir, 'sweep.json');
  writeFileSync(sweep, JSON.stringify({
    protocol: 'base.json',
    parameters: [{ name: 'distance_um', path: '$.record[1].at.distance_um', values: [100, 250, 500, 1000] }],
    measures: [{ name: 'dv_dend_mV', feature: 'amplitude', probe: 'dend', window_ms: [1, 20] }],
  }));
  return { dir, sweep, morph, mech, out: join(dir, 'out') };
}

async function cli(...args: string[]): Promise<{ code: number; err: string[] }> {
  const err: string[] = [];
  const code = await main(['node', 'dendrite', ...args], { out: () => {}, err: (s) => err.push(s) });
  return { code, err };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const ledgerFiles = (out: string) => readdirSync(join(out, 'ledger')).filter((n) => n.endsWith('.jsonl'));

describe('sweep resume checks the input files', () => {
  it('records a hash of the morphology and mechanism file; refuses a changed one, names it and how to start fresh; resumes once it is back', async () => {
    const s = setup();
    const first = await cli('sweep', s.sweep, '--out', s.out, '--shard', '0/2', '--jobs', '1');
    expect(first.code, first.err.join('\n')).toBe(0);
    const [name] = ledgerFiles(s.out);
    const parsed = parseLedger(readFileSync(join(s.out, 'ledger', name), 'utf8'));
    expect(parsed.records.map((r) => r.run)).toEqual([0, 2]);
    expect(parsed.bad).toBe(0);
    expect(parsed.inputs![s.morph]).toBe(sha(s.morph));
    expect(parsed.inputs![s.mech]).toBe(sha(s.mech));

    // the morphology changes: a thicker dendrite
    const original = readFileSync(s.morph, 'utf8');
    writeFileSync(s.morph, original.replace(/ 0\.5 (\d)$/gm, ' 1.0 $1'));
    const refused = await cli('sweep', s.sweep, '--out', s.out, '--shard', '1/2', '--jobs', '1');
    expect(refused.code).toBe(1);
    expect(refused.err).toHaveLength(1);
    expect(refused.err[0]).toBe(
      `dendrite: error: --out ${s.out}: a morphology of the sweep ${s.morph} has changed ` +
        `(SHA-256 ${sha(join(ROOT, 'fixtures/sweeps/stick_d1.swc')).slice(0, 12)}… then, ${sha(s.morph).slice(0, 12)}… now) ` +
        `since 2 runs were recorded in this folder (ledger/${name}). Resuming would mix results of two different inputs. ` +
        `Put the original file back to resume, or start fresh: give a new folder with --out, or delete ${s.out} and run the same command again`,
    );
    expect(ledgerFiles(s.out)).toEqual([name]); // nothing was added

    // the mechanism file changes too (the morphology back as it was): named as such
    writeFileSync(s.morph, original);
    appendFileSync(s.mech, '\n');
    const mech = await cli('sweep', s.sweep, '--out', s.out, '--shard', '1/2', '--jobs', '1');
    expect(mech.code).toBe(1);
    expect(mech.err[0]).toMatch(new RegExp(`^dendrite: error: --out ${s.out}: a mechanism file of the sweep ${s.mech} has changed \\(SHA-256 `));

    // both back: it resumes and completes
    writeFileSync(s.mech, readFileSync(join(ROOT, 'fixtures/mechanisms/pas.json')));
    const rest = await cli('sweep', s.sweep, '--out', s.out, '--shard', '1/2', '--jobs', '1');
    expect(rest.code, rest.err.join('\n')).toBe(0);
    expect(readLedgers(s.out).records.size).toBe(4);
    expect(rest.err.some((l) => l.includes('note'))).toBe(false);
  }, 120_000);

  it('an older ledger without hashes still resumes, and says its runs could not be checked', async () => {
    const s = setup();
    expect((await cli('sweep', s.sweep, '--out', s.out, '--shard', '0/2', '--jobs', '1')).code).toBe(0);
    // as an earlier Dendrite wrote it: no header line
    const [name] = ledgerFiles(s.out);
    const path = join(s.out, 'ledger', name);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(JSON.parse(lines[0]).inputs).toBeDefined();
    writeFileSync(path, lines.slice(1).join('\n'));
    expect(parseLedger(readFileSync(path, 'utf8'))).toMatchObject({ inputs: null, bad: 0 });

    appendFileSync(s.morph, '# edited\n'); // a change that cannot be detected for those runs
    const r = await cli('sweep', s.sweep, '--out', s.out, '--jobs', '1');
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.err[0]).toBe(
      `dendrite: note: 2 runs in ${s.out} were recorded by an earlier Dendrite that kept no hashes of the input files; ` +
        'resuming without checking that the morphologies and mechanism files are unchanged since (the runs of this session record them)',
    );
    expect(readLedgers(s.out).records.size).toBe(4);
    // the new ledger has its header: a later change is caught
    appendFileSync(s.morph, '# edited again\n');
    expect(() => checkLedgerInputs(s.out, [{ path: s.morph, what: 'the morphology' }], hashInputFiles([{ path: s.morph, what: '' }]))).toThrow(
      new RegExp(`the morphology ${s.morph} has changed .* since 2 runs were recorded`),
    );
  }, 120_000);

  it('a waveform file of the base protocol is checked too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-sweep-inputs-'));
    const csv = join(dir, 'wave.csv');
    copyFileSync(join(ROOT, 'fixtures/protocols/waveform_ball_and_stick.csv'), csv);
    const base = JSON.parse(readFileSync(join(ROOT, 'fixtures/protocols/waveform_ball_and_stick.json'), 'utf8'));
    base.morphology = join(ROOT, 'fixtures/morphologies/ball_and_stick.swc');
    base.stimuli[0].file = 'wave.csv';
    base.run.tstop_ms = 20;
    writeFileSync(join(dir, 'base.json'), JSON.stringify(base));
    const sweep = join(dir, 'sweep.json');
    writeFileSync(sweep, JSON.stringify({
      protocol: 'base.json',
      parameters: [{ name: 'delay', path: '$.stimuli[0].delay_ms', values: [0, 5] }],
      measures: [{ name: 'v', feature: 'peak', probe: 'soma' }],
    }));
    const out = join(dir, 'out');
    expect((await cli('sweep', sweep, '--out', out, '--shard', '0/2', '--jobs', '1')).code).toBe(0);
    appendFileSync(csv, '90,0\n');
    const r = await cli('sweep', sweep, '--out', out, '--shard', '1/2', '--jobs', '1');
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(new RegExp(`^dendrite: error: --out ${out}: a waveform file of the sweep ${csv} has changed \\(SHA-256 .* since 1 run was recorded`));
  }, 120_000);

  it('a file missing when runs were recorded (they failed) may be there now; one missing now is refused', () => {
    const s = setup();
    const inputs = [{ path: s.morph, what: 'the morphology' }];
    const ledger = join(s.out, 'ledger');
    const header = (h: string) => JSON.stringify({ inputs: { [s.morph]: h }, t: 1, host: 'h', pid: 1 }) + '\n';
    const record = JSON.stringify({ run: 0, status: 'failed', error: 'x', params: {}, measures: {}, wall_s: 0, t: 2, host: 'h', pid: 1 }) + '\n';
    mkdirSync(ledger, { recursive: true });
    writeFileSync(join(ledger, 'shard-0-of-1.h-1-a.jsonl'), header(MISSING) + record);
    expect(checkLedgerInputs(s.out, inputs, hashInputFiles(inputs))).toEqual([]);
    writeFileSync(join(ledger, 'shard-0-of-1.h-1-a.jsonl'), header(sha(s.morph)) + record);
    expect(checkLedgerInputs(s.out, inputs, hashInputFiles(inputs))).toEqual([]);
    expect(() => checkLedgerInputs(s.out, inputs, { [s.morph]: MISSING })).toThrow(new RegExp(`the morphology ${s.morph} is missing now since 1 run was recorded`));
  });
});
