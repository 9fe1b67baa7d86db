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
