/**
 * Stage 2 of building a simulation: cell description → compartment layout (discretize.ts).
 *
 * A layout depends on exactly three things: the morphology, the nseg of every section, and the cm
 * and Ra of every section (areas come from the morphology and nseg; axial conductances also from
 * Ra; capacitances from cm). `layoutKey` spells those out, so protocols that differ in anything else
 * (mechanism parameters, stimuli, synapses, recordings, v_init, celsius, dt, seeds) have the same
 * key, and a `LayoutCache` gives them one shared `CellLayout` object. The nseg part is the nseg the
 * policy chooses, not the policy: `d_lambda` and a fixed nseg that agree share a layout.
 *
 * Layouts and morphologies are read-only after they are built (nothing downstream writes them), which
 * is what makes sharing them safe.
 */
import { chooseNseg, discretize, DiscretizeError, type SectionElectrical } from '../cable/discretize.ts';
import type { CableLayout } from '../cable/layout.ts';
import type { Morphology } from '../morphology/index.ts';
import type { CellDescription } from './cell.ts';
import { loadProtocolMorphology } from './cell.ts';
import type { Protocol } from './protocol.ts';
import { Checker } from './validate.ts';

export interface CellLayout {
  /** What the layout was built from (see `layoutKey`); equal keys give equal layouts. */
  key: string;
  morphology: Morphology;
  layout: CableLayout;
  /** nseg of each section (morphology order). */
  nseg: Int32Array;
}

/** The nseg the description's policy gives each section (errors name the protocol setting to blame). */
export function cellNseg(desc: CellDescription): Int32Array {
  return blameDiscretization(desc, () => chooseNseg(desc.morphology, desc.policy, desc.electrical));
}

/**
 * The layout key: `morphology` (a name for the morphology object, given by the caller), then the
 * nseg of each section and the cm,Ra of each section, run-length encoded in morphology order, e.g.
 * `m0|nseg 1;3x12;1x40|cm,Ra 1,100x52;2,100`.
 */
export function layoutKey(morphology: string, nseg: Int32Array, electrical: readonly SectionElectrical[]): string {
  return `${morphology}|nseg ${runs(Array.from(nseg, String))}|cm,Ra ${runs(electrical.map((e) => `${e.cm_uF_per_cm2},${e.Ra_ohm_cm}`))}`;
}

/** Stage 2: discretize the described cell (`nseg` from `cellNseg`, given when already computed). */
export function layCell(desc: CellDescription, key = 'unkeyed', nseg: Int32Array = cellNseg(desc)): CellLayout {
  const policy = { kind: 'nseg' as const, nseg: 1, perSection: new Map(Array.from(nseg, (n, i) => [i, n])) };
  const out = blameDiscretization(desc, () => discretize(desc.morphology, policy, desc.electrical));
  return { key, morphology: desc.morphology, layout: out.layout, nseg: out.nseg };
}

/**
 * Morphologies and layouts shared between builds: protocols with the same morphology file and
 * options get one Morphology object, and cells with the same layout key one CellLayout. A value
 * the caller creates and keeps (e.g. one per sweep); it holds everything it has built until dropped.
 * A file changed on disk while the cache is alive is not reread.
 */
export class LayoutCache {
  private readonly morphologies = new Map<string, Morphology>();
  private readonly names = new WeakMap<Morphology, string>();
  private readonly layouts = new Map<string, CellLayout>();
  private morphologyCount = 0;

  /** The protocol's morphology, loaded once per file and options (`morphology`, `morphologyOptions`). */
  morphology(p: Protocol): Morphology {
    const key = JSON.stringify([p.morphology, p.morphologyOptions]);
    let m = this.morphologies.get(key);
    if (m === undefined) {
      m = loadProtocolMorphology(p);
      this.morphologies.set(key, m);
    }
    return m;
  }

  /** The layout of a described cell: the cached one when its key was seen, else a new one. */
  layout(desc: CellDescription): CellLayout {
    const nseg = cellNseg(desc);
    const key = layoutKey(this.nameOf(desc.morphology), nseg, desc.electrical);
    let laid = this.layouts.get(key);
    if (laid === undefined) {
      laid = layCell(desc, key, nseg);
      this.layouts.set(key, laid);
    }
    return laid;
  }

  /** How many distinct layouts have been built. */
  get size(): number {
    return this.layouts.size;
  }

  /** A name for a morphology object, unique within this cache (`m0`, `m1`, ...). */
  private nameOf(m: Morphology): string {
    let name = this.names.get(m);
    if (name === undefined) {
      name = `m${this.morphologyCount++}`;
      this.names.set(m, name);
    }
    return name;
  }
}

/** Run a discretization step; a DiscretizeError becomes a protocol error at the setting responsible. */
function blameDiscretization<T>(desc: CellDescription, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DiscretizeError) {
      new Checker(desc.protocol.file).fail(discretizeErrorPath(desc.protocol, desc.morphology.sections[e.section], desc.raFrom[e.section], e), e.message);
    }
    throw e;
  }
}

/** The protocol setting to blame for a section that cannot be discretized (discretize.ts). */
function discretizeErrorPath(p: Protocol, sec: Morphology['sections'][number], raPath: string, e: DiscretizeError): string {
  const ra = p.morphologyOptions.replace_axon;
  if (ra && sec.firstSampleId < 0 && sec.type === 2) {
    // an axon stub of morphology.replace_axon: its size is what is out of range
    return `$.morphology.replace_axon.${ra.diam_um <= ra.length_um ? 'diam_um' : 'length_um'}`;
  }
  if (e.kind === 'Ra') return raPath;
  if (e.kind === 'nseg') {
    const d = p.discretization;
    return d.kind === 'd_lambda' ? '$.discretization.d_lambda' : d.kind === 'max_length' ? '$.discretization.max_length_um' : '$.discretization.nseg';
  }
  return '$.morphology';
}

/** Run-length encoding: `a,a,a,b` → `ax3;b`. */
function runs(values: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i + 1;
    while (j < values.length && values[j] === values[i]) j++;
    out.push(j - i > 1 ? `${values[i]}x${j - i}` : values[i]);
    i = j;
  }
  return out.join(';');
}
