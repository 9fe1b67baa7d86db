/**
 * Records → a checked tree in an order where every parent precedes its children.
 * Errors: duplicate id, missing parent, self-parent, cycle, no root, empty file.
 * Warnings: zero radius, several roots, samples before their parent (loaded as if sorted),
 * custom types, a type change without a fork.
 */
import { SwcError, type SwcRecords } from './swc.ts';

export interface SampleTree {
  /** Number of samples kept. */
  n: number;
  /** Index into the records of each kept sample, in tree order (parents first). */
  record: Int32Array;
  /** Parent of each sample as a position in this order; -1 for roots. */
  parent: Int32Array;
  type: Int32Array;
  /** Number of roots (samples with parent -1). */
  roots: number;
  warnings: string[];
}

export interface TreeOptions {
  /** Keep only samples of these SWC types (and drop the subtrees below dropped samples). */
  keepTypes?: number[];
  /** Drop samples of these SWC types together with their subtrees. */
  dropTypes?: number[];
}

function describe(count: number, what: string, examples: string[]): string {
  const shown = examples.slice(0, 3).join(', ');
  return `${count} ${what}${count === 1 ? '' : 's'} (${shown}${count > 3 ? ', ...' : ''})`;
}

export function buildTree(rec: SwcRecords, file: string, opts: TreeOptions = {}): SampleTree {
  const n = rec.n;
  if (n === 0) throw new SwcError('empty', file, null, null, 'no samples: the file is empty or has only comments');
  const warnings: string[] = [];
  const where = (i: number) => `line ${rec.line[i]}, sample ${rec.id[i]}`;

  // id → record index: a dense table when ids are small non-negative integers (the usual case),
  // else a Map.
  let maxId = 0;
  for (let i = 0; i < n; i++) if (rec.id[i] > maxId) maxId = rec.id[i];
  const dense = maxId < 4 * n + 1024 ? new Int32Array(maxId + 1).fill(-1) : null;
  const map = dense ? null : new Map<number, number>();
  const lookup = (id: number): number => {
    if (dense) return id >= 0 && id <= maxId && Number.isInteger(id) ? dense[id] : -1;
    return map!.get(id) ?? -1;
  };
  for (let i = 0; i < n; i++) {
    const prev = lookup(rec.id[i]);
    if (prev >= 0) {
      throw new SwcError('duplicate-id', file, rec.line[i], rec.id[i],
        `duplicate id ${rec.id[i]}, already used on line ${rec.line[prev]}`);
    }
    if (dense) dense[rec.id[i]] = i;
    else map!.set(rec.id[i], i);
  }
  const parentRec = new Int32Array(n);
  let roots = 0;
  for (let i = 0; i < n; i++) {
    const pid = rec.parentId[i];
    if (pid === -1) {
      parentRec[i] = -1;
      roots++;
      continue;
    }
    if (pid === rec.id[i]) {
      throw new SwcError('self-parent', file, rec.line[i], rec.id[i], `sample ${rec.id[i]} is its own parent`);
    }
    const p = lookup(pid);
    if (p < 0) {
      const hint = pid < -1 ? ' (a root must have parent -1)' : pid === 0 ? ' (no sample has id 0; a root must have parent -1)' : '';
      throw new SwcError('missing-parent', file, rec.line[i], rec.id[i], `parent ${pid} does not exist${hint}`);
    }
    parentRec[i] = p;
  }
  if (roots === 0) {
    throw new SwcError('no-root', file, rec.line[0], rec.id[0],
      'no root: every sample has a parent, so the samples form a cycle (a root has parent -1)');
  }

  // children lists (CSR), in file order
  const childCount = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parentRec[i] >= 0) childCount[parentRec[i] + 1]++;
  for (let i = 0; i < n; i++) childCount[i + 1] += childCount[i];
  const childStart = childCount.slice();
  const children = new Int32Array(n);
  {
    const fill = childStart.slice();
    for (let i = 0; i < n; i++) if (parentRec[i] >= 0) children[fill[parentRec[i]]++] = i;
  }

  // Is the file order already a valid NEURON order (ids increasing, parents listed earlier)?
  let ordered = true;
  for (let i = 0; i < n && ordered; i++) {
    if (i > 0 && rec.id[i] <= rec.id[i - 1]) ordered = false;
    if (parentRec[i] >= i) ordered = false;
  }
  let order: Int32Array;
  if (ordered) {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  } else {
    // Sort by id; if some parent still follows its child, use a depth-first order from the roots
    // (children by id), which keeps unbranched paths contiguous as Import3d expects.
    const byId = Array.from({ length: n }, (_, i) => i).sort((a, b) => rec.id[a] - rec.id[b]);
    const pos = new Int32Array(n);
    byId.forEach((r, k) => (pos[r] = k));
    let ok = true;
    for (let i = 0; i < n && ok; i++) if (parentRec[i] >= 0 && pos[parentRec[i]] > pos[i]) ok = false;
    if (ok) {
      order = Int32Array.from(byId);
    } else {
      order = new Int32Array(n);
      let k = 0;
      const stack: number[] = [];
      for (let r = byId.length - 1; r >= 0; r--) if (parentRec[byId[r]] === -1) stack.push(byId[r]);
      const kids: number[] = [];
      while (stack.length > 0) {
        const s = stack.pop()!;
        order[k++] = s;
        kids.length = 0;
        for (let c = childStart[s]; c < childStart[s + 1]; c++) kids.push(children[c]);
        kids.sort((a, b) => rec.id[b] - rec.id[a]);
        for (const c of kids) stack.push(c);
      }
      if (k < n) {
        // Unreachable samples: each one's ancestor chain must loop.
        const seen = new Uint8Array(n);
        for (let j = 0; j < k; j++) seen[order[j]] = 1;
        let s = 0;
        while (seen[s]) s++;
        const onPath = new Set<number>();
        while (!onPath.has(s)) {
          onPath.add(s);
          s = parentRec[s];
        }
        const cycle: number[] = [s];
        for (let t = parentRec[s]; t !== s; t = parentRec[t]) cycle.push(t);
        const ids = cycle.map((c) => rec.id[c]);
        throw new SwcError('cycle', file, rec.line[s], rec.id[s],
          `cycle in the parent links: ${ids.join(' -> ')} -> ${rec.id[s]} (not connected to any root)`);
      }
    }
    let before = 0;
    const ex: string[] = [];
    for (let i = 0; i < n; i++) {
      const bad = (i > 0 && rec.id[i] <= rec.id[i - 1]) || parentRec[i] > i;
      if (bad) {
        before++;
        if (ex.length < 3) ex.push(where(i));
      }
    }
    warnings.push(`${describe(before, 'sample', ex)} listed out of order (before their parent or with a smaller id than the line above); loaded as if sorted (NEURON 8 refuses such files)`);
  }
  // Warnings on the whole file
  if (roots > 1) {
    const ex: string[] = [];
    for (let i = 0; i < n && ex.length < 4; i++) if (parentRec[i] === -1) ex.push(where(i));
    warnings.push(`${roots} roots (samples with parent -1: ${ex.slice(0, 3).join(', ')}${roots > 3 ? ', ...' : ''}); the extra trees are attached to the first root as NEURON's Import3d does`);
  }
  {
    let zero = 0;
    const ex: string[] = [];
    for (let i = 0; i < n; i++) if (rec.radius[i] === 0) { zero++; if (ex.length < 3) ex.push(where(i)); }
    if (zero > 0) warnings.push(`${describe(zero, 'sample', ex)} with zero radius (zero diameter cuts the cable electrically)`);
  }
  {
    const custom = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const t = rec.type[i];
      if (t >= 5 || t <= 0) custom.set(t, (custom.get(t) ?? 0) + 1);
    }
    if (custom.size > 0) {
      const list = [...custom.entries()].sort((a, b) => a[0] - b[0]).map(([t, c]) => `type ${t}: ${c}`);
      warnings.push(`custom or undefined SWC types (${list.join(', ')}); sections named dend_N (minus_N for negative types)`);
    }
  }
  {
    let changes = 0;
    const ex: string[] = [];
    for (let i = 0; i < n; i++) {
      const p = parentRec[i];
      if (p < 0) continue;
      const single = childStart[p + 1] - childStart[p] === 1;
      if (single && rec.type[i] !== rec.type[p] && rec.type[p] !== 1) {
        changes++;
        if (ex.length < 3) ex.push(where(i));
      }
    }
    if (changes > 0) warnings.push(`${describe(changes, 'type change', ex)} without a fork; a new section starts there`);
  }

  // Optional type filtering: drop excluded samples and everything below them.
  let keep: Uint8Array | null = null;
  if (opts.keepTypes || opts.dropTypes) {
    const allowed = (t: number) =>
      (!opts.keepTypes || opts.keepTypes.includes(t)) && (!opts.dropTypes || !opts.dropTypes.includes(t));
    keep = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const r = order[k];
      const p = parentRec[r];
      keep[r] = allowed(rec.type[r]) && (p < 0 || keep[p]) ? 1 : 0;
    }
    const first = order[0];
    if (!keep[first]) {
      throw new SwcError('empty', file, rec.line[first], rec.id[first],
        `the type filter removes the first root (type ${rec.type[first]}), nothing would be left to attach to`);
    }
  }

  const posOf = new Int32Array(n).fill(-1);
  let m = 0;
  for (let k = 0; k < n; k++) if (!keep || keep[order[k]]) posOf[order[k]] = m++;
  const record = new Int32Array(m);
  const parent = new Int32Array(m);
  const type = new Int32Array(m);
  let keptRoots = 0;
  for (let k = 0; k < n; k++) {
    const r = order[k];
    const q = posOf[r];
    if (q < 0) continue;
    record[q] = r;
    parent[q] = parentRec[r] < 0 ? -1 : posOf[parentRec[r]];
    if (parent[q] < 0) keptRoots++;
    type[q] = rec.type[r];
  }
  if (keep && m < n) warnings.push(`type filter dropped ${n - m} samples`);
  return { n: m, record, parent, type, roots: keptRoots, warnings };
}
