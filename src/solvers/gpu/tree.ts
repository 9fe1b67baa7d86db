/**
 * The tree solve for the GPU backend: a rake-and-compress (tree contraction) schedule, built once per
 * layout on the CPU (../../../../shared/gpu-notes.md §1(b), recommendation 1).
 *
 * The matrix is NEURON's: row i holds d_i on the diagonal, up_i (= b[i]) for its parent and, for each
 * child c, dn_c (= a[c]). Each round eliminates an independent set of live nodes that have a parent
 * and at most one live child (leaves first, deepest first; a survivor gathers from at most 2
 * eliminated children), so R ≈ ⌈log₂ N⌉ rounds. Eliminating e (parent p, optional single child c):
 *   p:  d_p −= dn_e·up_e/d_e,  r_p −= dn_e·r_e/d_e
 *   c:  d_c −= up_c·dn_c/d_e,  r_c −= up_c·r_e/d_e,  up_c ← −up_c·up_e/d_e,  dn_c ← −dn_e·dn_c/d_e
 *       (c's parent becomes p)
 *   back-substitution: x_e = (r_e − up_e·x_p − dn_c·x_c)/d_e with e's row as it was in its round.
 * Nodes are relabelled by elimination round, survivors first, so the nodes alive at round k are the
 * prefix [0, n_k) (the "compacted" form: round k's kernel writes only n_{k+1} rows).
 */

export interface ContractionSchedule {
  /** Number of nodes. */
  readonly n: number;
  /** label[node] and node[label]. */
  readonly label: Int32Array;
  readonly node: Int32Array;
  /** Parent label of each label (−1 for roots), and NEURON's coefficients move with it. */
  readonly parentLabel: Int32Array;
  /** live[k] = n_k: nodes alive at the start of round k (live[0] = n); live[R] = number of roots. */
  readonly live: readonly number[];
  /** Per round k, for survivors s < live[k+1]: eliminated parent (compress) or −1; eliminated children (≤ 2) or −1. */
  readonly fwdParent: readonly Int32Array[];
  readonly fwdChild0: readonly Int32Array[];
  readonly fwdChild1: readonly Int32Array[];
  /** Per round k, for labels j in [live[k+1], live[k]): parent label and single live child label (−1) at round k. */
  readonly bwdParent: readonly Int32Array[];
  readonly bwdChild: readonly Int32Array[];
}

/** Build the schedule from a parent array (parent[i] < i, −1 for roots). */
export function contractionSchedule(parent: ArrayLike<number>): ContractionSchedule {
  const n = parent.length;
  const par = Int32Array.from(parent);
  const depth = new Int32Array(n);
  for (let i = 0; i < n; i++) depth[i] = par[i] < 0 ? 0 : depth[par[i]] + 1;
  const children: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let i = 0; i < n; i++) if (par[i] >= 0) children[par[i]].add(i);
  const alive = new Uint8Array(n).fill(1);
  const round = new Int32Array(n).fill(-1);
  // Per round, per eliminated node: parent and single child at that round.
  const rounds: { elim: number[]; p: Map<number, number>; c: Map<number, number> }[] = [];
  let liveCount = n;
  const roots = [...Array(n).keys()].filter((i) => par[i] < 0).length;
  while (liveCount > roots) {
    const cand: number[] = [];
    for (let i = 0; i < n; i++) if (alive[i] && par[i] >= 0 && children[i].size <= 1) cand.push(i);
    // leaves first, then deepest first
    cand.sort((x, y) => children[x].size - children[y].size || depth[y] - depth[x] || x - y);
    const taken = new Uint8Array(n);
    const gathered = new Int32Array(n);
    const elim: number[] = [];
    const pm = new Map<number, number>();
    const cm = new Map<number, number>();
    for (const e of cand) {
      const p = par[e];
      const c = children[e].size === 1 ? [...children[e]][0] : -1;
      if (taken[e] !== 0 || taken[p] === 2 || (c >= 0 && taken[c] === 2)) continue;
      if (gathered[p] >= 2) continue;
      // e must not neighbour another eliminated node: mark e and block its neighbours
      taken[e] = 2;
      if (!taken[p]) taken[p] = 1;
      if (c >= 0 && !taken[c]) taken[c] = 1;
      gathered[p]++;
      elim.push(e);
      pm.set(e, p);
      cm.set(e, c);
    }
    // a node marked 1 (blocked) may still be eliminated next round; one marked 2 is eliminated now
    for (const e of elim) {
      const p = pm.get(e)!;
      const c = cm.get(e)!;
      alive[e] = 0;
      round[e] = rounds.length;
      children[p].delete(e);
      if (c >= 0) {
        children[p].add(c);
        par[c] = p;
      }
    }
    if (elim.length === 0) throw new Error('internal: tree contraction made no progress');
    liveCount -= elim.length;
    rounds.push({ elim, p: pm, c: cm });
  }
  const R = rounds.length;
  // Labels: roots first (in node order), then round R−1's eliminated, …, round 0's last.
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (parent[i] < 0) order.push(i);
  for (let k = R - 1; k >= 0; k--) order.push(...rounds[k].elim);
  const node = Int32Array.from(order);
  const label = new Int32Array(n);
  node.forEach((nd, l) => (label[nd] = l));
  const live: number[] = [];
  let acc = n;
  for (let k = 0; k < R; k++) {
    live.push(acc);
    acc -= rounds[k].elim.length;
  }
  live.push(acc);
  const fwdParent: Int32Array[] = [];
  const fwdChild0: Int32Array[] = [];
  const fwdChild1: Int32Array[] = [];
  const bwdParent: Int32Array[] = [];
  const bwdChild: Int32Array[] = [];
  for (let k = 0; k < R; k++) {
    const ns = live[k + 1];
    const fp = new Int32Array(ns).fill(-1);
    const f0 = new Int32Array(ns).fill(-1);
    const f1 = new Int32Array(ns).fill(-1);
    const nElim = live[k] - ns;
    const bp = new Int32Array(nElim);
    const bc = new Int32Array(nElim);
    for (const e of rounds[k].elim) {
      const le = label[e];
      const lp = label[rounds[k].p.get(e)!];
      const c = rounds[k].c.get(e)!;
      const lc = c >= 0 ? label[c] : -1;
      if (lc >= 0) fp[lc] = le;
      if (f0[lp] < 0) f0[lp] = le;
      else f1[lp] = le;
      bp[le - ns] = lp;
      bc[le - ns] = lc;
    }
    fwdParent.push(fp);
    fwdChild0.push(f0);
    fwdChild1.push(f1);
    bwdParent.push(bp);
    bwdChild.push(bc);
  }
  const parentLabel = new Int32Array(n);
  for (let l = 0; l < n; l++) parentLabel[l] = parent[node[l]] < 0 ? -1 : label[parent[node[l]]];
  return { n, label, node, parentLabel, live, fwdParent, fwdChild0, fwdChild1, bwdParent, bwdChild };
}

/**
 * Solve with the schedule in float64 (or with `round` = Math.fround after each operation), in label
 * space: d, r, up (coefficient of the parent in the row), dn (coefficient of the row's node in its
 * parent's row). Returns x. For validating the schedule against Hines.
 */
export function contractionSolve(
  s: ContractionSchedule,
  d0: ArrayLike<number>,
  r0: ArrayLike<number>,
  up0: ArrayLike<number>,
  dn0: ArrayLike<number>,
  round: (x: number) => number = (x) => x,
): Float64Array {
  const R = s.live.length - 1;
  const S: { d: Float64Array; r: Float64Array; up: Float64Array; dn: Float64Array }[] = [
    { d: Float64Array.from(d0), r: Float64Array.from(r0), up: Float64Array.from(up0), dn: Float64Array.from(dn0) },
  ];
  for (let k = 0; k < R; k++) {
    const a = S[k];
    const ns = s.live[k + 1];
    const b = { d: a.d.slice(0, ns), r: a.r.slice(0, ns), up: a.up.slice(0, ns), dn: a.dn.slice(0, ns) };
    for (let j = 0; j < ns; j++) {
      let d = a.d[j];
      let r = a.r[j];
      let up = a.up[j];
      let dn = a.dn[j];
      const e = s.fwdParent[k][j];
      if (e >= 0) {
        const de = a.d[e];
        d = round(d - round(round(a.up[j] * a.dn[j]) / de));
        r = round(r - round(round(a.up[j] * a.r[e]) / de));
        up = round(-round(round(a.up[j] * a.up[e]) / de));
        dn = round(-round(round(a.dn[e] * a.dn[j]) / de));
      }
      for (const c of [s.fwdChild0[k][j], s.fwdChild1[k][j]]) {
        if (c < 0) continue;
        d = round(d - round(round(a.dn[c] * a.up[c]) / a.d[c]));
        r = round(r - round(round(a.dn[c] * a.r[c]) / a.d[c]));
      }
      b.d[j] = d;
      b.r[j] = r;
      b.up[j] = up;
      b.dn[j] = dn;
    }
    S.push(b);
  }
  let x = new Float64Array(s.live[R]);
  for (let j = 0; j < x.length; j++) x[j] = round(S[R].r[j] / S[R].d[j]);
  for (let k = R - 1; k >= 0; k--) {
    const a = S[k];
    const ns = s.live[k + 1];
    const y = new Float64Array(s.live[k]);
    y.set(x);
    for (let j = ns; j < s.live[k]; j++) {
      const p = s.bwdParent[k][j - ns];
      const c = s.bwdChild[k][j - ns];
      let num = round(a.r[j] - round(a.up[j] * y[p]));
      if (c >= 0) num = round(num - round(a.dn[c] * y[c]));
      y[j] = round(num / a.d[j]);
    }
    x = y;
  }
  return x;
}
