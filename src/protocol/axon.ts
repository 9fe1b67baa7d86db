/**
 * `morphology.replace_axon`: the reconstructed axon replaced by a chain of cylindrical stubs, as
 * Hay et al. 2011's `delete_axon` (and BluePyOpt's `replace_axon`) do: every axon section (SWC
 * type 2) goes, then `sections` cylinders of `length_um` × `diam_um` named axon[0], axon[1], …
 * follow, axon[0](0) attached to soma[0](0.5) and each next one to the previous one's 1 end.
 *
 * A stub is stored as two 3-D points (NEURON's stubs have none and use the cylinder formula; with
 * a float32-exact diameter such as 1 µm the areas agree and the resistances to a few ulp).
 */
import type { Morphology, Section } from '../morphology/index.ts';
import { UserError } from '../errors.ts';
import type { Checker } from './validate.ts';

export interface ReplaceAxon {
  sections: number;
  length_um: number;
  diam_um: number;
}

const FLOAT32_MIN_NORMAL = 2 ** -126;

export const REPLACE_AXON_KEYS = ['sections', 'length_um', 'diam_um'] as const;

/** Check `morphology.replace_axon`: {"sections": 2, "length_um": 30, "diam_um": 1} (all required). */
export function parseReplaceAxon(c: Checker, path: string, v: unknown): ReplaceAxon {
  const o = c.object(path, v, REPLACE_AXON_KEYS, REPLACE_AXON_KEYS);
  // stubs are stored as float32 3-D points, as NEURON stores them: sizes must survive that
  const size = (key: 'length_um' | 'diam_um') => {
    const x = c.number(`${path}.${key}`, o[key], { positive: true });
    if (!(Math.fround(x) >= FLOAT32_MIN_NORMAL && Math.fround(x) < Infinity)) {
      c.fail(`${path}.${key}`, `${x} um is outside what a 3-D point can store (float32: about 1.2e-38 to 3.4e38 um)`);
    }
    return x;
  };
  return {
    sections: c.number(`${path}.sections`, o.sections, { integer: true, min: 0, max: 1000 }),
    length_um: size('length_um'),
    diam_um: size('diam_um'),
  };
}

/** The morphology with its axon replaced; sections keep their order (stubs last). */
export function replaceAxon(m: Morphology, spec: ReplaceAxon, where: string): Morphology {
  const keep: number[] = [];
  const newIndex = new Int32Array(m.sections.length).fill(-1);
  m.sections.forEach((s, i) => {
    if (s.type === 2) return;
    if (s.parent >= 0 && newIndex[s.parent] < 0) {
      throw new UserError(`${where}: section ${s.name} hangs on the axon (${m.sections[s.parent].name}); replacing the axon would leave it unattached`);
    }
    newIndex[i] = keep.length;
    keep.push(i);
  });
  const sections: Section[] = keep.map((i) => {
    const s = m.sections[i];
    return { ...s, parent: s.parent < 0 ? -1 : newIndex[s.parent] };
  });
  const soma = sections.findIndex((s) => s.name === 'soma[0]');
  if (soma < 0) throw new UserError(`${where}: the morphology has no soma[0] to attach the axon stubs to`);
  const s0 = sections[soma];
  // Start the chain at the soma's middle point (for drawings only) and run it along −y.
  const mid = s0.x.length >> 1;
  const L = spec.length_um;
  const d = Math.fround(spec.diam_um);
  let x0 = s0.x[mid], y0 = s0.y[mid];
  const z0 = s0.z[mid];
  for (let k = 0; k < spec.sections; k++) {
    const y1 = Math.fround(y0 - L);
    sections.push({
      name: `axon[${k}]`,
      type: 2,
      parent: k === 0 ? soma : sections.length - 1,
      parentX: k === 0 ? 0.5 : 1,
      wire: false,
      x: Float64Array.of(x0, x0),
      y: Float64Array.of(y0, y1),
      z: Float64Array.of(z0, z0),
      d: Float64Array.of(d, d),
      arc: Float64Array.of(0, L),
      L_um: L,
      area_um2: Math.PI * d * L,
      firstSampleId: -1,
      firstLine: 0,
    });
    y0 = y1;
    x0 = sections[sections.length - 1].x[1];
  }
  const removed = m.sections.length - keep.length;
  return {
    ...m,
    sections,
    warnings: [...m.warnings, `axon replaced: ${removed} axon section${removed === 1 ? '' : 's'} removed, ${spec.sections} stub${spec.sections === 1 ? '' : 's'} of ${L} x ${spec.diam_um} um added (morphology.replace_axon)`],
  };
}
