/**
 * A key given twice in one JSON object is an error naming the file, the line, the JSON path and
 * the key, for every JSON file a user writes: protocols, sweep files (and their base protocol),
 * mechanism files. JSON.parse alone keeps the last value and drops the first without a word.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDuplicateKey } from '../../src/jsontree.ts';
import { loadProtocol } from '../../src/protocol/protocol.ts';
import { loadMechanismFile } from '../../src/channels/user/load.ts';
import { loadSweep } from '../../src/sweep/spec.ts';
import { main } from '../../cli/main.ts';

const ROOT = join(import.meta.dirname, '../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'dendrite-dupkeys-'));

/** Message of what `f` throws (fails the test when it does not throw). */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}

describe('findDuplicateKey', () => {
  it('finds the repeated key with its JSON path, line and column, and the first occurrence', () => {
    const text = '{\n "a": 1,\n "run": {"dt_ms": 0.025,\n  "tstop_ms": 10,\n  "dt_ms": 0.1}\n}\n';
    expect(findDuplicateKey(text)).toEqual({ path: '$.run.dt_ms', key: 'dt_ms', line: 5, column: 3, firstLine: 3, firstColumn: 10 });
  });

  it('follows arrays, escaped keys and strings that look like structure', () => {
    const text = '{"s": "{\\"x\\": [1, ,]}", "list": [1, {"k": 2}, {"k": 3, "other": "k", "\\u006b": 4}]}';
    const d = findDuplicateKey(text)!;
    expect(d.path).toBe('$.list[2].k');
    expect(d.key).toBe('k');
    expect(d.line).toBe(1);
    expect(text.slice(d.column - 1, d.column - 1 + 8)).toBe('"\\u006b"');
    expect(text.slice(d.firstColumn - 1, d.firstColumn + 2)).toBe('"k"');
  });

  it('accepts the same key in different objects, and JSON without objects', () => {
    expect(findDuplicateKey('[{"a": 1}, {"a": 2}, {"b": {"a": 3}, "a": 4}]')).toBeNull();
    expect(findDuplicateKey('{"a": {"a": {"a": []}}, "b": "a"}')).toBeNull();
    expect(findDuplicateKey('[1, 2.5e-3, true, null, "x"]')).toBeNull();
    expect(findDuplicateKey('"just a string"')).toBeNull();
  });

  it('is safe at any nesting depth (no recursion)', () => {
    const deep = '['.repeat(100_000) + '{"a": 1, "a": 2}' + ']'.repeat(100_000);
    expect(JSON.parse(deep)).toBeDefined();
    const d = findDuplicateKey(deep)!;
    expect(d.key).toBe('a');
    expect(d.path.startsWith('$[0][0][0]')).toBe(true);
    expect(d.path.endsWith('[0].a')).toBe(true);
  });
});

describe('duplicate keys in user files are errors', () => {
  it('protocol: file, JSON path, lines and key', () => {
    const dir = tmp();
    const p = join(dir, 'p.json');
    const text = readFileSync(join(ROOT, 'fixtures/protocols/ramp_ball_and_stick.json'), 'utf8')
      .replace('../morphologies/ball_and_stick.swc', join(ROOT, 'fixtures/morphologies/ball_and_stick.swc'))
      .replace('"run": {"tstop_ms": 200, "dt_ms": 0.025}', '"run": {"tstop_ms": 200,\n  "dt_ms": 0.025,\n  "dt_ms": 0.1}');
    writeFileSync(p, text);
    // without the check, the protocol loads and runs at dt 0.1
    expect(JSON.parse(text).run.dt_ms).toBe(0.1);
    const lines = text.split('\n');
    const second = lines.findIndex((l) => l.includes('"dt_ms": 0.1')) + 1;
    const msg = thrown(() => loadProtocol(p));
    expect(msg).toBe(
      `${p}: $.run.dt_ms: the key "dt_ms" appears twice in one object (line ${second - 1}, column 3 and line ${second}, column 3); ` +
        'JSON keeps only the last value, so the first would be ignored without a word. Keep one of them',
    );
  });

  it('protocol: a repeated top-level section (two "stimuli" lists) is named', () => {
    const dir = tmp();
    const p = join(dir, 'p.json');
    const proto = JSON.parse(readFileSync(join(ROOT, 'fixtures/protocols/ramp_ball_and_stick.json'), 'utf8'));
    proto.morphology = join(ROOT, 'fixtures/morphologies/ball_and_stick.swc');
    const text = JSON.stringify(proto, null, 1).replace(/\n}$/, ',\n "stimuli": []\n}');
    writeFileSync(p, text);
    expect(thrown(() => loadProtocol(p))).toMatch(new RegExp(`^${p}: \\$\\.stimuli: the key "stimuli" appears twice .*line ${text.split('\n').length - 1}, column 2\\)`));
  });

  it('mechanism file: file, JSON path, lines and key', () => {
    const dir = tmp();
    const f = join(dir, 'pas_dup.json');
    const text = readFileSync(join(ROOT, 'fixtures/mechanisms/pas.json'), 'utf8').replace('"default": -70,', '"default": -70, "default": -65,');
    writeFileSync(f, text);
    const line = text.split('\n').findIndex((l) => l.includes('"default": -65')) + 1;
    const msg = thrown(() => loadMechanismFile(f));
    expect(msg).toMatch(new RegExp(`^${f}: \\$\\.parameters\\[1\\]\\.default: the key "default" appears twice in one object \\(line ${line}, column \\d+ and line ${line}, column \\d+\\)`));
  });

  it('sweep file and its base protocol: file, JSON path, lines and key', () => {
    const dir = tmp();
    const base = JSON.parse(readFileSync(join(ROOT, 'fixtures/sweeps/attenuation_base.json'), 'utf8'));
    base.morphology = join(ROOT, 'fixtures/sweeps/stick_d1.swc');
    const sweep = JSON.parse(readFileSync(join(ROOT, 'fixtures/sweeps/attenuation.json'), 'utf8'));
    sweep.parameters = [sweep.parameters[1]];
    writeFileSync(join(dir, 'base.json'), JSON.stringify(base, null, 1));
    const sweepText = JSON.stringify({ ...sweep, protocol: 'base.json' }, null, 1);
    writeFileSync(join(dir, 'sweep.json'), sweepText);
    expect(loadSweep(join(dir, 'sweep.json')).total).toBe(4); // the valid pair loads

    // a measure given twice the same window key
    const badSweep = sweepText.replace('"window_ms": [', '"window_ms": [1, 2],\n   "window_ms": [');
    writeFileSync(join(dir, 'sweep.json'), badSweep);
    const second = badSweep.indexOf('"window_ms"', badSweep.indexOf('"window_ms"') + 1);
    const line = badSweep.slice(0, second).split('\n').length;
    expect(thrown(() => loadSweep(join(dir, 'sweep.json')))).toMatch(
      new RegExp(`^${join(dir, 'sweep.json')}: \\$\\.measures\\[0\\]\\.window_ms: the key "window_ms" appears twice in one object \\(line ${line - 1}, column \\d+ and line ${line}, column 4\\)`),
    );

    // the base protocol read by the sweep
    writeFileSync(join(dir, 'sweep.json'), sweepText);
    writeFileSync(join(dir, 'base.json'), JSON.stringify(base, null, 1).replace('"tstop_ms":', '"tstop_ms": 5, "tstop_ms":'));
    expect(thrown(() => loadSweep(join(dir, 'sweep.json')))).toMatch(new RegExp(`^${join(dir, 'base.json')}: \\$\\.run\\.tstop_ms: the key "tstop_ms" appears twice`));
  });

  it('through the CLI: one line, exit 1, no stack trace', async () => {
    const dir = tmp();
    const p = join(dir, 'p.json');
    const proto = JSON.parse(readFileSync(join(ROOT, 'fixtures/protocols/ramp_ball_and_stick.json'), 'utf8'));
    proto.morphology = join(ROOT, 'fixtures/morphologies/ball_and_stick.swc');
    writeFileSync(p, JSON.stringify(proto, null, 1).replace('"celsius": 6.3', '"celsius": 6.3, "celsius": 37'));
    const out: string[] = [], err: string[] = [];
    const code = await main(['node', 'dendrite', 'validate', p], { out: (s) => out.push(s), err: (s) => err.push(s) });
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^dendrite: error: ${p}: \\$\\.biophysics\\.celsius: the key "celsius" appears twice in one object \\(line \\d+, column \\d+ and line \\d+, column \\d+\\)`));
  });
});
