/** `dendrite info FILE.asc`: the ASC reader behind the CLI; bad input exits 1 with file:line, no stack trace. */
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { morphologyPath } from './paths.ts';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'dendrite', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('dendrite info on .asc files', () => {
  it('summarises an ASC cell (sections in NEURON order, contour soma)', async () => {
    const r = await cli('info', morphologyPath('edge/asc_apical_axon_branching.asc')!, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.soma_rule).toBe('contour');
    expect(j.sections.map((s: { name: string }) => s.name)).toEqual([
      'soma[0]', 'axon[0]', 'axon[1]', 'axon[2]',
      'dend[0]', 'apic[0]', 'apic[1]', 'apic[2]', 'apic[3]', 'apic[4]', 'apic[5]',
    ]);
    expect(j.sections.find((s: { name: string }) => s.name === 'apic[0]')).toMatchObject({ parent: 'soma[0]', parent_x: 0.5 });
  });
  it('a malformed file: exit 1, the file, line and expected token, no stack trace', async () => {
    const path = morphologyPath('edge/asc_bad_point.asc')!;
    const r = await cli('info', path);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path}:10: expected a number (y coordinate), found the word "abc"`);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
