/**
 * The numbers a solver needs, and nothing else: nodes, their tree, areas and axial conductances.
 *
 * Node conventions follow NEURON 8.2 (../shared/neuron-numerics.md §2):
 * - a section with nseg segments owns nseg centre nodes (x = (j + 1/2)/nseg) and one end node (x = 1);
 * - a root section also owns a root node at x = 0;
 * - end and root nodes are "zero-area" nodes: no membrane, no capacitance, no density mechanisms;
 *   their `area_um2` is stored as 100 (NEURON's unit trick, so a point process there is in nA/µS);
 * - nodes are numbered so that parent[i] < i (roots have parent -1).
 */
export interface SectionNodes {
  /** NEURON name, e.g. `soma[0]`, `dend[3]`. */
  name: string;
  /** SWC type of the section (1 soma, 2 axon, 3 dend, 4 apic, other). */
  type: number;
  /** Index of the parent section in `CableLayout.sections`, -1 for a root. */
  parentSection: number;
  /** Where on the parent the 0 end is attached (NEURON parentx). */
  parentX: number;
  nseg: number;
  /** Node index of segment 0's centre; segment j's centre is `firstCentre + j`. */
  firstCentre: number;
  /** Node index of the x = 1 end node. */
  endNode: number;
  /** Node that x = 0 maps to: the root node of a root section, else the parent node it hangs on. */
  node0: number;
}

export interface CableLayout {
  nNodes: number;
  /** parent[i] < i, -1 for roots. */
  parent: Int32Array;
  /** Membrane area of each node in µm²; 100 for zero-area nodes (see `hasMembrane`). */
  area_um2: Float64Array;
  /** 1 for segment-centre nodes (membrane), 0 for zero-area end/root nodes. */
  hasMembrane: Uint8Array;
  /** Axial conductance between node i and parent[i] in µS (NEURON's rinv); 0 for roots. */
  rinv_uS: Float64Array;
  /** Specific capacitance per node in µF/cm²; 0 for zero-area nodes. */
  cm_uF_per_cm2: Float64Array;
  /** Section of each node (for messages and probes). */
  nodeSection: Int32Array;
  sections: SectionNodes[];
}

/**
 * Node index that NEURON uses for `sec(x)`: the node the section hangs on for x = 0, the end node
 * for x = 1, else the centre of segment floor(nseg·x) (clamped to nseg − 1).
 */
export function nodeAt(sec: SectionNodes, x: number): number {
  if (x === 0) return sec.node0;
  if (x === 1) return sec.endNode;
  let j = Math.floor(sec.nseg * x);
  if (j >= sec.nseg) j = sec.nseg - 1;
  return sec.firstCentre + j;
}

/**
 * One unbranched section as `buildLayout` needs it: per-segment membrane area and the axial
 * resistance of each segment's left (x-side towards 0) and right half, already integrated
 * (see `cylinderSegments` for sections without 3-D points).
 */
export interface SectionSpec {
  name: string;
  type: number;
  /** Index into the array given to `buildLayout`; must be smaller than this section's own index; -1 for a root. */
  parentSection: number;
  /** Where on the parent the 0 end attaches (0, 1 or interior). Ignored for roots. */
  parentX: number;
  nseg: number;
  /** Membrane area of each segment in µm² (length nseg). */
  area_um2: Float64Array;
  /** Resistance of the left half of each segment in MΩ (length nseg). */
  rHalfLeft_MOhm: Float64Array;
  /** Resistance of the right half of each segment in MΩ (length nseg). */
  rHalfRight_MOhm: Float64Array;
  cm_uF_per_cm2: number;
}

/** Invalid section list given to `buildLayout`; `path` is like `sections[3].parentSection`. */
export class LayoutError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'LayoutError';
    this.path = path;
  }
}

/**
 * Number the nodes and fill in areas, capacitances and axial conductances as NEURON 8.2 does
 * (../shared/neuron-numerics.md §2).
 *
 * Numbering: sections in the order given; a root section contributes its root node (x = 0) first;
 * every section then contributes its nseg centres and its end node (x = 1). Because a parent section
 * comes before its children, every node's parent has a smaller index.
 *
 * Conductance to the parent: centre j has rinv = 1/(rRight_{j−1} + rLeft_j) with rRight_{−1} = 0;
 * the end node has 1/rRight_{nseg−1}. Zero-area (root and end) nodes get area 100 and cm 0.
 */
export function buildLayout(sections: readonly SectionSpec[]): CableLayout {
  let nNodes = 0;
  for (let s = 0; s < sections.length; s++) {
    const sec = sections[s];
    const at = `sections[${s}]`;
    if (!Number.isInteger(sec.nseg) || sec.nseg < 1) {
      throw new LayoutError(`${at}.nseg`, `expected an integer >= 1, got ${sec.nseg}`);
    }
    if (!Number.isInteger(sec.parentSection) || sec.parentSection < -1 || sec.parentSection >= s) {
      throw new LayoutError(
        `${at}.parentSection`,
        `expected -1 or the index of an earlier section (0..${s - 1}), got ${sec.parentSection}`,
      );
    }
    if (sec.parentSection >= 0 && !(sec.parentX >= 0 && sec.parentX <= 1)) {
      throw new LayoutError(`${at}.parentX`, `expected a number in [0, 1], got ${sec.parentX}`);
    }
    for (const key of ['area_um2', 'rHalfLeft_MOhm', 'rHalfRight_MOhm'] as const) {
      const arr = sec[key];
      if (arr.length !== sec.nseg) {
        throw new LayoutError(`${at}.${key}`, `expected ${sec.nseg} values (nseg), got ${arr.length}`);
      }
      for (let j = 0; j < arr.length; j++) {
        if (!(arr[j] > 0 && Number.isFinite(arr[j]))) {
          throw new LayoutError(`${at}.${key}[${j}]`, `expected a positive finite number, got ${arr[j]}`);
        }
      }
    }
    if (!(sec.cm_uF_per_cm2 >= 0 && Number.isFinite(sec.cm_uF_per_cm2))) {
      throw new LayoutError(`${at}.cm_uF_per_cm2`, `expected a finite number >= 0, got ${sec.cm_uF_per_cm2}`);
    }
    nNodes += sec.nseg + 1 + (sec.parentSection < 0 ? 1 : 0);
  }

  const parent = new Int32Array(nNodes);
  const area_um2 = new Float64Array(nNodes);
  const hasMembrane = new Uint8Array(nNodes);
  const rinv_uS = new Float64Array(nNodes);
  const cm = new Float64Array(nNodes);
  const nodeSection = new Int32Array(nNodes);
  const out: SectionNodes[] = [];

  let next = 0;
  for (let s = 0; s < sections.length; s++) {
    const sec = sections[s];
    let node0: number;
    if (sec.parentSection < 0) {
      node0 = next++;
      parent[node0] = -1;
      area_um2[node0] = 100;
      rinv_uS[node0] = 0;
      nodeSection[node0] = s;
    } else {
      node0 = nodeAt(out[sec.parentSection], sec.parentX);
    }
    const firstCentre = next;
    let rRight = 0;
    for (let j = 0; j < sec.nseg; j++) {
      const i = next++;
      parent[i] = j === 0 ? node0 : i - 1;
      area_um2[i] = sec.area_um2[j];
      hasMembrane[i] = 1;
      cm[i] = sec.cm_uF_per_cm2;
      rinv_uS[i] = 1 / (sec.rHalfLeft_MOhm[j] + rRight);
      nodeSection[i] = s;
      rRight = sec.rHalfRight_MOhm[j];
    }
    const endNode = next++;
    parent[endNode] = endNode - 1;
    area_um2[endNode] = 100;
    rinv_uS[endNode] = 1 / rRight;
    nodeSection[endNode] = s;
    out.push({
      name: sec.name,
      type: sec.type,
      parentSection: sec.parentSection,
      parentX: sec.parentX,
      nseg: sec.nseg,
      firstCentre,
      endNode,
      node0,
    });
  }
  return { nNodes, parent, area_um2, hasMembrane, rinv_uS, cm_uF_per_cm2: cm, nodeSection, sections: out };
}
