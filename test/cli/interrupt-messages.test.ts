/** cli/interrupt.ts: the interrupt lines for each state of the folder, and the resume command as a shell reads it. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Interrupted, commandLine, interruptedMessage, shellWord, sweepInterruptedMessage } from '../../cli/interrupt.ts';
import { writeOutputDir } from '../../src/io/outdir.ts';

describe('interrupt lines', () => {
  it('say what the folder holds: not created, still empty, the previous result, or what was there', () => {
    const base = mkdtempSync(join(tmpdir(), 'dendrite-interrupt-msg-'));
    const dir = join(base, 'out');
    const line = () => interruptedMessage('SIGINT', 'running the simulation', dir);
    expect(line()).toBe(`dendrite: interrupted (SIGINT) while running the simulation; nothing was written; ${dir} was not created`);
    mkdirSync(dir);
    expect(line()).toBe(`dendrite: interrupted (SIGINT) while running the simulation; nothing was written to ${dir} (it is still empty)`);
    writeOutputDir(dir, { kind: 'run', version: '9.9.9' }, (tmp) => writeFileSync(join(tmp, 'run.json'), '{}\n'));
    expect(line()).toBe(`dendrite: interrupted (SIGINT) while running the simulation; nothing was written to ${dir}; the previous result there is unchanged`);
    const other = join(base, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    expect(interruptedMessage('SIGINT', 'x', other)).toMatch(/; nothing was written to .*other; what was there is unchanged$/);
  });

  it('Interrupted carries 128 + the signal number', () => {
    expect(new Interrupted('SIGINT', 'm').exitCode).toBe(130);
    expect(new Interrupted('SIGTERM', 'm').exitCode).toBe(143);
    expect(new Interrupted('SIGHUP', 'm').exitCode).toBe(129);
  });

  it('sweep: before any run was recorded, and with failed runs', () => {
    const argv = ['node', 'dendrite', 'sweep', 's.json', '--out', 'out'];
    expect(sweepInterruptedMessage('SIGTERM', 'out', 0, () => null, argv)).toBe(
      'dendrite: interrupted (SIGTERM) before any run was recorded; nothing to keep in out. Start again with: dendrite sweep s.json --out out',
    );
    expect(sweepInterruptedMessage('SIGTERM', 'out', 0, () => { throw new Error('no manifest'); }, argv)).toMatch(/before any run was recorded/);
    expect(sweepInterruptedMessage('SIGINT', 'out', 3, () => ({ total: 10, done: 4, failed: 1 }), argv)).toBe(
      'dendrite: interrupted (SIGINT); 5 of 10 runs are complete and kept in out (1 of them failed), 3 of them from this session; ' +
        'runs in progress were dropped. Resume with: dendrite sweep s.json --out out',
    );
  });

  it('the resume command: each argument one shell word, whatever it holds', () => {
    const args = ['sweep', "it's here/s.json", '--out', 'a b$(x)`y`', '--shard', '0/2', '--array', 'x"y', '', 'ü'];
    const line = commandLine(['node', 'entry', ...args]);
    expect(line.startsWith('dendrite sweep ')).toBe(true);
    expect(shellWord('out/run_1.2,a=b:c@d%e+f')).toBe('out/run_1.2,a=b:c@d%e+f');
    // a POSIX shell splits it back into exactly these arguments
    const r = spawnSync('sh', ['-c', `printf '%s\\0' ${line.slice('dendrite '.length)}`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(args);
  });
});
