/** docs/sweeps.md stays in step with the code: every key, design, distribution and feature is documented, and the examples it names exist. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/sweep/features.ts';
import { DESIGNS, DISTRIBUTIONS, MEASURE_KEYS, PARAMETER_KEYS, PROTOCOL_SEEDS, RANGE_KEYS, SWEEP_KEYS } from '../../src/sweep/spec.ts';

const DOC = readFileSync('docs/sweeps.md', 'utf8');

describe('docs/sweeps.md', () => {
  it('documents every key, design, distribution and feature', () => {
    for (const k of [...SWEEP_KEYS, ...PARAMETER_KEYS, ...RANGE_KEYS, ...MEASURE_KEYS]) expect(DOC, k).toContain(`\`${k}\``);
    // values: as `name` or `"name"`
    for (const v of [...DESIGNS, ...DISTRIBUTIONS, ...PROTOCOL_SEEDS]) expect(DOC.includes(`\`${v}\``) || DOC.includes(`\`"${v}"\``), v).toBe(true);
    const table = DOC.slice(DOC.indexOf('| feature | unit | value |'));
    for (const f of FEATURES) expect(table, f.name).toMatch(new RegExp(`^\\| [^\\n]*\`${f.name}\``, 'm'));
  });
  it('the example files it names exist', () => {
    for (const m of DOC.matchAll(/`((?:fixtures|test)\/[\w./-]+\.(?:json|ts))`/g)) expect(existsSync(m[1]), m[1]).toBe(true);
    for (const f of ['fi_curve.json', 'fi_base.json', 'attenuation.json', 'attenuation_base.json']) expect(existsSync(`fixtures/sweeps/${f}`)).toBe(true);
  });
});
