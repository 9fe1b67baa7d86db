/**
 * `branch-independence`: the same input on a thin basal branch, on its sibling, at their branch
 * point and at the soma, with v recorded at all four (fixtures/experiments/branch-independence/README.md).
 *
 * Part 1, the 4 × 4 matrix: a cluster of AMPA + NMDA pairs (within 10 µm) at one site at a time;
 * peak depolarisation at every site. A branch's input drives its own branch to an NMDA spike while
 * the sibling, 2 × 100 µm of thin dendrite away through the branch point, sees a fraction of it
 * (electrical compartmentalisation; Polsky, Mel & Schiller 2004; Branco & Häusser 2010); an input at
 * the soma reaches all dendritic sites almost undiminished (Rall & Rinzel 1973's asymmetry).
 * Part 2, Polsky et al. 2004's test: two small clusters, each below the NMDA-spike threshold, on the
 * same branch or one on each sibling; the somatic EPSP of the pair over the sum of the two alone:
 * supralinear within a branch, linear between branches.
 */
import { join } from 'node:path';
import { check, type Experiment, type ExperimentContext } from './types.ts';
import { peakDeflection, readBaseProtocol, runRaw, trace, withProtocol, type RawProtocol } from './cells.ts';
import { loadMorphology } from '../morphology/index.ts';
import { xyFigureSvg } from './figures.ts';
import { tracesSvg } from '../io/svg/index.ts';

/** Where the clusters go: section and centre x (the branch point's cluster sits on the parent's last 10 µm). */
const SITES = [
  { key: 'branch', label: 'branch (dend[23])', section: 'dend[23]', x: 0.5 },
  { key: 'sibling', label: 'sibling (dend[22])', section: 'dend[22]', x: 0.5 },
  { key: 'branch_point', label: 'branch point (dend[21] end)', section: 'dend[21]', x: 0.77 },
  { key: 'soma', label: 'soma', section: 'soma[0]', x: 0.5 },
] as const;
const RECORDS = ['branch', 'sibling', 'branch_point', 'soma'] as const;
const CLUSTER_UM = 10;
/** A thin terminal basal branch on another stem (dend[1]'s tree; dend[23] and dend[22] hang on dend[12]'s). */
const OTHER_STEM = 'dend[4]';
const AMPA_NS = 0.5, NMDA_NS = 2;

interface Cluster { section: string; x: number; n: number; seed: number }

/** Protocol with AMPA + NMDA pairs in the given clusters, all driven by the volley at 10 ms. */
function clustersProtocol(base: RawProtocol, clusters: Cluster[], description: string): RawProtocol {
  const synapses: unknown[] = [];
  const connections: unknown[] = [];
  clusters.forEach((c, k) => {
    const at = { cluster: { section: c.section, n: c.n, length_um: CLUSTER_UM, x: c.x, seed: c.seed } };
    synapses.push({ name: `ampa${k}`, type: 'AMPA', at, weight_uS: `${AMPA_NS} nS` });
    synapses.push({ name: `nmda${k}`, type: 'NMDA', at, params: { mg: 1, gamma: 0.062 }, weight_uS: `${NMDA_NS} nS` });
    connections.push({ source: 'volley', target: `ampa${k}`, delay_ms: 0 }, { source: 'volley', target: `nmda${k}`, delay_ms: 0 });
  });
  return withProtocol(base, { description: `${description} ${String(base.description ?? '')}`, synapses, connections });
}

async function run(ctx: ExperimentContext) {
  const base = readBaseProtocol(join(ctx.filesDir, 'base.json'));
  const morphology = loadMorphology(base.morphology);
  const nMatrix = 12;
  const nPolsky = ctx.quick ? [6] : [4, 6, 8];

  // ---------------- part 1: the matrix
  ctx.log(`matrix: ${nMatrix} AMPA+NMDA pairs within ${CLUSTER_UM} µm at each of 4 sites, v at all 4`);
  const matrix: Record<string, Record<string, number>> = {};
  const traces: Record<string, { t: Float64Array; v: Record<string, Float64Array> }> = {};
  for (const s of SITES) {
    const raw = clustersProtocol(base, [{ section: s.section, x: s.x, n: nMatrix, seed: 1 }], `Input: ${nMatrix} pairs at ${s.section}(${s.x}).`);
    ctx.protocol(`input_${s.key}`, raw);
    const r = runRaw(raw, join(ctx.filesDir, `input_${s.key}.json`), morphology);
    matrix[s.key] = Object.fromEntries(RECORDS.map((k) => [k, peakDeflection(trace(r, k))]));
    traces[s.key] = { t: r.output.t_ms, v: Object.fromEntries(RECORDS.map((k) => [k, trace(r, k)])) };
  }

  // ---------------- part 2: within vs between branches
  ctx.log(`pairs of clusters (${nPolsky.join(', ')} pairs each): same branch vs sibling branches`);
  const somaPeak = (clusters: Cluster[], name: string) => {
    const raw = clustersProtocol(base, clusters, `Summation test ${name}.`);
    ctx.protocol(name, raw);
    return peakDeflection(trace(runRaw(raw, join(ctx.filesDir, `${name}.json`), morphology), 'soma'));
  };
  const summation = nPolsky.map((n) => {
    const a1: Cluster = { section: 'dend[23]', x: 0.45, n, seed: 1 };
    const a2: Cluster = { section: 'dend[23]', x: 0.55, n, seed: 2 };
    const b1: Cluster = { section: 'dend[22]', x: 0.5, n, seed: 3 };
    const c1: Cluster = { section: OTHER_STEM, x: 0.5, n, seed: 4 };
    const vA1 = somaPeak([a1], `n${n}_a1`), vA2 = somaPeak([a2], `n${n}_a2`), vB1 = somaPeak([b1], `n${n}_b1`), vC1 = somaPeak([c1], `n${n}_c1`);
    const same = somaPeak([a1, a2], `n${n}_a1_a2`), sib = somaPeak([a1, b1], `n${n}_a1_b1`), between = somaPeak([a1, c1], `n${n}_a1_c1`);
    return {
      pairs_per_cluster: n,
      soma_mV: { a1: vA1, a2: vA2, b1: vB1, c1: vC1, a1_a2: same, a1_b1: sib, a1_c1: between },
      same_branch_ratio: same / (vA1 + vA2),
      sibling_ratio: sib / (vA1 + vB1),
      between_branch_ratio: between / (vA1 + vC1),
    };
  });
  const main = summation.find((s) => s.pairs_per_cluster === 6)!;

  // ---------------- figures
  const colors = { branch: '#d62728', sibling: '#1f77b4', branch_point: '#2ca02c', soma: '#555555' };
  ctx.figure(
    'matrix',
    xyFigureSvg(
      [
        {
          title: 'Peak depolarisation by input site',
          xLabel: 'input at: 1 branch, 2 sibling, 3 branch point, 4 soma',
          yLabel: 'peak depolarisation (mV)',
          logY: true,
          xDomain: [0.5, 4.5],
          legend: 'tr',
          series: RECORDS.map((rec) => ({ label: `v at ${rec.replace('_', ' ')}`, x: SITES.map((_, k) => k + 1 + (RECORDS.indexOf(rec) - 1.5) * 0.08), y: SITES.map((s) => matrix[s.key][rec]), color: colors[rec], markers: true, noLine: true })),
        },
        {
          title: 'Summation of two sub-threshold clusters (soma)',
          xLabel: 'pairs per cluster',
          yLabel: 'measured / linear sum',
          xDomain: [Math.min(...nPolsky) - 1, Math.max(...nPolsky) + 1],
          yDomain: [0, Math.max(2, ...summation.map((s) => Math.ceil(s.same_branch_ratio)))],
          legend: 'bl',
          series: [
            { label: 'same branch (dend[23], 2 clusters ~23 µm apart)', x: nPolsky, y: summation.map((s) => s.same_branch_ratio), color: '#d62728', markers: true },
            { label: 'sibling branches (dend[23] + dend[22])', x: nPolsky, y: summation.map((s) => s.sibling_ratio), color: '#9467bd', markers: true },
            { label: `branches on different stems (dend[23] + ${OTHER_STEM})`, x: nPolsky, y: summation.map((s) => s.between_branch_ratio), color: '#1f77b4', markers: true },
            { label: 'linear', x: [Math.min(...nPolsky) - 1, Math.max(...nPolsky) + 1], y: [1, 1], dashed: true, color: '#888888', markers: false },
          ],
        },
      ],
      {
        title: 'Branches as independent units: human L2/3 basal siblings dend[23] and dend[22], passive + AMPA/NMDA',
        caption: `Left: ${nMatrix} AMPA+NMDA pairs within ${CLUSTER_UM} µm at one site; the input branch spikes locally, its sibling sees a fraction; somatic input spreads out almost undiminished. Right: Polsky, Mel & Schiller 2004's test; sibling branches 150 µm from the branch point still share enough depolarisation to sum supralinearly.`,
      },
    ),
  );
  const tb = traces.branch;
  ctx.figure(
    'branch_input',
    tracesSvg(tb.t, RECORDS.map((k) => ({ label: `v at ${k.replace('_', ' ')}`, values: tb.v[k], color: colors[k], panel: 0 })), {
      title: `${nMatrix} AMPA+NMDA pairs on dend[23]`,
      subtitle: 'an NMDA spike in the branch; its sibling follows the branch point; the soma sees a slow EPSP',
      xLabel: 'time (ms)',
      yLabel: 'V (mV)',
    }),
  );

  const m = matrix;
  const checks = [
    check('input on the branch: peak depolarisation of the sibling over that of the branch', m.branch.sibling / m.branch.branch, 'ratio', [0.05, 0.5], 'electrical compartmentalisation of thin basal branches: Polsky, Mel & Schiller 2004; Branco & Häusser 2010'),
    check('input on the branch: local peak depolarisation (an NMDA spike)', m.branch.branch, 'mV', [30, 70], 'NMDA spikes in thin basal dendrites, 40-60 mV locally (Schiller et al. 2000; Major et al. 2008; Polsky et al. 2004)'),
    check('input at the soma: depolarisation at the branch over that at the soma', m.soma.branch / m.soma.soma, 'ratio', [0.8, 1], 'Rall & Rinzel 1973: little attenuation from the soma out to the dendrites'),
    check('input on the branch: sibling depolarisation over branch-point depolarisation', m.branch.sibling / m.branch.branch_point, 'ratio', [0.8, 1], 'cable theory: a sealed sibling is a dead end that follows its branch point with little loss'),
    check(`two ${main.pairs_per_cluster}-pair clusters on the same branch: somatic EPSP over the sum of the two alone`, main.same_branch_ratio, 'ratio', [1.2, 5], 'Polsky, Mel & Schiller 2004: within-branch summation is sigmoidal (supralinear once NMDA spikes)'),
    check(`one ${main.pairs_per_cluster}-pair cluster on dend[23] and one on ${OTHER_STEM} (another basal stem): somatic EPSP over the linear sum`, main.between_branch_ratio, 'ratio', [0.85, 1.15], 'Polsky, Mel & Schiller 2004: between-branch summation is linear'),
  ];
  const r = (v: number) => Number(v.toPrecision(4));
  return {
    results: {
      cell: 'L23PC_human_2013_03_06_cell03_789_H41_03.CNG.swc, passive (Gidon et al. 2020 human values), AMPA 0.5 nS + NMDA 2 nS pairs',
      sites: Object.fromEntries(SITES.map((s) => [s.key, `${s.section}(${s.x})`])),
      pairs_per_input: nMatrix,
      peak_depolarization_mV: Object.fromEntries(SITES.map((s) => [s.key, Object.fromEntries(RECORDS.map((k) => [k, r(m[s.key][k])]))])),
      sibling_over_branch: r(m.branch.sibling / m.branch.branch),
      summation: summation.map((s) => ({ ...s, soma_mV: Object.fromEntries(Object.entries(s.soma_mV).map(([k, v]) => [k, r(v)])), same_branch_ratio: r(s.same_branch_ratio), sibling_ratio: r(s.sibling_ratio), between_branch_ratio: r(s.between_branch_ratio) })),
      other_stem_branch: `${OTHER_STEM}(0.5)`,
    },
    checks,
  };
}

export const branchIndependence: Experiment = {
  name: 'branch-independence',
  title: 'Branches as independent units: the same input on a branch, its sibling, the branch point and the soma',
  summary: 'NMDA-spike input at branch/sibling/branch point/soma, v at all four; within- vs between-branch summation',
  reproduces: 'Polsky, Mel & Schiller 2004; Branco & Häusser 2010; Rall & Rinzel 1973',
  files: 'fixtures/experiments/branch-independence',
  run,
};
