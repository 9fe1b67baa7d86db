/**
 * The stage-major state update generated from the kinetics IR (src/channels/ir/staged.ts: exps in
 * WebAssembly SIMD over blocks of instances) against the mechanism-file compiler's update: the same
 * values bit for bit (max |ΔV| = 0 over every node and step), with instance counts that are and
 * are not multiples of the block, hh with exact rates and with its rate table on, and the Hay set.
 */
import { describe, expect, it } from 'vitest';
import { builtinMechanisms, createCatalogue, type Catalogue } from '../../src/channels/catalogue.ts';
import type { Mechanism } from '../../src/channels/mechanism.ts';
import { describedMechanisms, irMechanism, loweredKinetics } from '../../src/channels/ir/index.ts';
import { BLOCK, stagedAdvanceSource } from '../../src/channels/ir/staged.ts';
import { simulate } from '../../src/solvers/simulate.ts';
import { CASES, maxAbsDiff } from './cases.ts';

function catalogue(staged: boolean): Catalogue {
  return createCatalogue(builtinMechanisms().map((m) => (describedMechanisms().includes(m.description.name) ? (irMechanism(m.description.name, { staged }) as Mechanism) : m)));
}

describe('stage-major advance from the IR', () => {
  const compiled = catalogue(false);
  const staged = catalogue(true);
  for (const c of CASES.filter((x) => !x.name.startsWith('rallpack1'))) {
    it(`${c.name}: bitwise the compiled kernel's`, () => {
      const a = simulate({ ...c.build(compiled), tstop_ms: 12 });
      const b = simulate({ ...c.build(staged), tstop_ms: 12 });
      expect(maxAbsDiff(a.traces, b.traces)).toBe(0);
      expect(Math.max(...a.traces.map((t) => Math.max(...t)))).toBeGreaterThan(0); // it fired
    }, 120_000);
  }

  it('exponentiates each exp of the rates once per instance and step (hh: 6 rate exps + 3 cnexp)', () => {
    const src = stagedAdvanceSource(loweredKinetics('hh'))!;
    expect(src.match(/\$expb\.run\(/g)!.length).toBe(9);
    expect(src).not.toMatch(/\$exp\(|\$vtrap\(/); // no scalar exp calls left in the loops
    expect(src).toContain(`j0 += ${BLOCK}`);
  });
});
