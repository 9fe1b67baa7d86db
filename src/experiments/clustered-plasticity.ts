/**
 * clustered-plasticity (issue 12 item 5): repeated co-activation of a group of synapses spread over
 * the dendrites leaves the strengthened synapses clustered on a few branches (Kastellakis, Silva &
 * Poirazi 2016, Cell Rep 17:1491: synaptic tagging and capture within branches makes memory
 * engrams' synapses cluster; Govindarajan, Kelleher & Tonegawa 2006 proposed the clustered
 * plasticity hypothesis).
 * File set: fixtures/experiments/clustered-plasticity/ (README.md, base.json, cell.swc).
 *
 * 48 NMDA synapses with the cooperative rule (src/plasticity/cooperative.ts) and fixed AMPA synapses
 * at the same sites, placed from a seed uniformly over the eight terminal branches of the test cell.
 * A group of 24, chosen from a seed without regard to where they are, is co-activated repeatedly
 * (episodes of 10 spikes at 50 Hz, one per second); the other 24 fire as Poisson background at 2 Hz.
 * Four seconds after the last episode the weights are read: a synapse is potentiated when its weight
 * grew by more than 10 %. The clustering measure: the fraction of potentiated synapses on the
 * top-2 branches (ranked by their potentiated count), against the same measure after shuffling the
 * potentiated labels over the 48 sites (the branch of each site kept): mean and the probability
 * that a shuffle reaches the observed fraction.
 */
import { join } from 'node:path';
import { uniformGenerator } from '../channels/random.ts';
import { loadMorphology } from '../morphology/index.ts';
import { parseProtocol } from '../protocol/protocol.ts';
import { runProtocol } from '../protocol/run.ts';
import { shapeSvg, type ShapeMarker } from '../io/svg/index.ts';
import { xyFigureSvg } from './figures.ts';
import { check, type Experiment, type ExperimentContext, type ExperimentOutput } from './types.ts';
import { readFileSync } from 'node:fs';

/** The eight terminal branches of cell.swc (each primary dendrite forks into two). */
export const TERMINALS = ['dend[1]', 'dend[2]', 'dend[4]', 'dend[5]', 'dend[7]', 'dend[8]', 'dend[10]', 'dend[11]'];
const N_SYNAPSES = 48;
const N_GROUP = 24;
const W_NMDA_uS = 0.0005;
const W_AMPA_uS = 0.0005;
const FIRST_EPISODE_MS = 200;
const CONSOLIDATION_MS = 4000;
const POTENTIATED = 1.1;
const TOP_K = 2;
const SHUFFLES = 2000;
/** Other placements the full form runs. */
const REPLICATE_SEEDS = [1, 2, 3, 4, 5, 6];
/** The rule's settings (docs/plasticity.md, "Cooperative"); the rest are its defaults. */
const RULE = { rule: 'cooperative', w_max_uS: 2 * W_NMDA_uS, ca_per_pC: 12, theta_branch: 6 } as const;

export interface Site {
  branch: number;
  section: string;
  x: number;
  group: boolean;
}

/** Synapse sites and group membership from `seed`: branch uniform, x uniform in [0.05, 0.95]. */
export function placeSites(seed: number): Site[] {
  const u = uniformGenerator(seed);
  const sites: Site[] = [];
  for (let k = 0; k < N_SYNAPSES; k++) {
    const branch = Math.min(TERMINALS.length - 1, Math.floor(u() * TERMINALS.length));
    sites.push({ branch, section: TERMINALS[branch], x: Number((0.05 + 0.9 * u()).toFixed(4)), group: false });
  }
  // the group: a seeded random subset (Fisher–Yates on the indices)
  const idx = sites.map((_, k) => k);
  for (let k = idx.length - 1; k > 0; k--) {
    const j = Math.floor(u() * (k + 1));
    [idx[k], idx[j]] = [idx[j], idx[k]];
  }
  for (const k of idx.slice(0, N_GROUP)) sites[k].group = true;
  return sites;
}

/** The fraction of labelled items on the `k` branches holding most of them. */
export function topKFraction(branches: readonly number[], labelled: readonly boolean[], nBranches: number, k: number): number {
  const count = new Array<number>(nBranches).fill(0);
  let total = 0;
  branches.forEach((b, i) => {
    if (labelled[i]) {
      count[b]++;
      total++;
    }
  });
  if (total === 0) return NaN;
  count.sort((a, b) => b - a);
  return count.slice(0, k).reduce((a, b) => a + b, 0) / total;
}

/** Shuffle baseline of topKFraction: labels permuted over the items (branches kept), `n` times from `seed`. */
export function shuffleBaseline(branches: readonly number[], labelled: readonly boolean[], nBranches: number, k: number, n: number, seed: number, observed: number): { mean: number; p: number } {
  const u = uniformGenerator(seed);
  const lab = [...labelled];
  let sum = 0;
  let atLeast = 0;
  for (let s = 0; s < n; s++) {
    for (let i = lab.length - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      [lab[i], lab[j]] = [lab[j], lab[i]];
    }
    const f = topKFraction(branches, lab, nBranches, k);
    sum += f;
    if (f >= observed - 1e-12) atLeast++;
  }
  return { mean: sum / n, p: atLeast / n };
}

function pickGroup(sites: readonly Site[], group: boolean): number[] {
  return sites.map((_, i) => i).filter((i) => sites[i].group === group);
}

function trains(sites: readonly Site[], episodes: number, tstop: number, seed: number): number[][] {
  const burst: number[] = [];
  for (let e = 0; e < episodes; e++) for (let j = 0; j < 10; j++) burst.push(FIRST_EPISODE_MS + 1000 * e + 20 * j);
  const u = uniformGenerator(seed + 1000);
  return sites.map((s) => {
    if (s.group) return burst;
    const out: number[] = [];
    let t = -Math.log(1 - u()) * 500; // 2 Hz
    while (t < tstop) {
      out.push(Number(t.toFixed(3)));
      t += -Math.log(1 - u()) * 500;
    }
    return out;
  });
}

export interface Induction {
  sites: Site[];
  gain: number[];
  observed: number;
  shuffle: { mean: number; p: number };
  groupPerBranch: number[];
  potPerBranch: number[];
  nPot: number;
  potInGroup: number;
  groupTopK: number;
  branchesWithPot: number;
}

/** One induction with the sites of `seed`: run, read the weights, measure the clustering. */
function induce(ctx: ExperimentContext, base: any, file: string, seed: number, episodes: number, name: string): Induction {
  const sites = placeSites(seed);
  const tstop = FIRST_EPISODE_MS + 1000 * (episodes - 1) + 200 + CONSOLIDATION_MS;
  const tr = trains(sites, episodes, tstop, seed);
  const at = sites.map((s) => `${s.section}(${s.x})`);
  const protocol = {
    ...base,
    synapses: [
      { name: 'nmda', type: 'NMDA', at, weight_uS: W_NMDA_uS, train: { type: 'explicit', times_ms: tr }, plasticity: { ...RULE } },
      { name: 'ampa', type: 'AMPA', at, weight_uS: W_AMPA_uS, train: { type: 'explicit', times_ms: tr } },
    ],
    run: { ...base.run, tstop_ms: tstop },
  };
  ctx.protocol(name, protocol);
  ctx.log(`seed ${seed}: ${N_SYNAPSES} synapses on ${TERMINALS.length} branches, ${N_GROUP} co-activated in ${episodes} episodes, ${(tstop / 1000).toFixed(1)} s`);
  const run = runProtocol(parseProtocol(structuredClone(protocol), file));
  const gain = run.weights!.filter((w) => w.synapse === 'nmda').map((w) => w.final_weight / w.initial_weight);
  const potentiated = gain.map((g) => g > POTENTIATED);
  const branches = sites.map((s) => s.branch);
  const nB = TERMINALS.length;
  const nPot = potentiated.filter(Boolean).length;
  const observed = topKFraction(branches, potentiated, nB, TOP_K);
  const shuffle = nPot === 0 ? { mean: NaN, p: NaN } : shuffleBaseline(branches, potentiated, nB, TOP_K, SHUFFLES, seed, observed);
  const groupPerBranch = TERMINALS.map((_, b) => sites.filter((s) => s.branch === b && s.group).length);
  const potPerBranch = TERMINALS.map((_, b) => sites.filter((s, i) => s.branch === b && potentiated[i]).length);
  ctx.log(`  group per branch ${groupPerBranch.join(' ')}; potentiated per branch ${potPerBranch.join(' ')}`);
  ctx.log(`  top-${TOP_K} fraction ${observed.toFixed(3)} vs shuffle ${shuffle.mean.toFixed(3)} (p = ${shuffle.p})`);
  return {
    sites, gain, observed, shuffle, groupPerBranch, potPerBranch, nPot,
    potInGroup: sites.filter((s, i) => potentiated[i] && s.group).length,
    groupTopK: topKFraction(branches, sites.map((s) => s.group), nB, TOP_K),
    branchesWithPot: potPerBranch.filter((n) => n > 0).length,
  };
}

export const clusteredPlasticity: Experiment = {
  name: 'clustered-plasticity',
  title: 'Clustered plasticity: co-activated synapses strengthen on few branches',
  summary: 'a group of synapses spread over 8 branches is co-activated repeatedly; branch-local tagging and capture leaves the potentiated ones clustered',
  reproduces: 'Kastellakis, Silva & Poirazi 2016, Cell Rep 17:1491 (clustering by synaptic tagging and capture within branches); Govindarajan, Kelleher & Tonegawa 2006, Nat Rev Neurosci 7:575',
  files: 'fixtures/experiments/clustered-plasticity',

  run(ctx: ExperimentContext): ExperimentOutput {
    const seed = 7;
    const episodes = ctx.quick ? 3 : 5;
    const file = join(ctx.filesDir, 'base.json');
    const base = JSON.parse(readFileSync(file, 'utf8'));
    base.morphology = join(ctx.filesDir, 'cell.swc');
    const main = induce(ctx, base, file, seed, episodes, 'induction');
    // the full form repeats the induction on other placements (and groups) of the synapses
    const replicates = (ctx.quick ? [] : REPLICATE_SEEDS).map((s) => ({ seed: s, ...induce(ctx, base, file, s, episodes, `induction_seed${s}`) }));
    const { sites, gain, observed, shuffle, groupPerBranch, potPerBranch, nPot, potInGroup, groupTopK, branchesWithPot } = main;
    const nB = TERMINALS.length;

    // --- figures
    const morph = loadMorphology(join(ctx.filesDir, 'cell.swc'));
    // co-activated first (the larger dots), then background
    const order = [...pickGroup(sites, true), ...pickGroup(sites, false)];
    const markers: ShapeMarker[] = order.map((i) => ({ kind: 'synapse', label: sites[i].group ? 'co-activated' : 'background', group: sites[i].group ? 'co-activated' : 'background', section: sites[i].section, x: sites[i].x, value: gain[i] }));
    ctx.figure('weights', shapeSvg(morph, {
      title: 'Final weights after repeated co-activation',
      subtitle: `${N_GROUP} of ${N_SYNAPSES} NMDA synapses co-activated ×${episodes}; ${nPot} potentiated on ${branchesWithPot} of ${nB} branches`,
      color: { by: 'marker', label: 'final / initial weight', colormap: 'viridis', domain: [1, 2] },
      markers,
      projection: 'xy',
    }));
    const neighbours = sites.map((s) => groupPerBranch[s.branch]);
    const pick = (g: boolean) => pickGroup(sites, g);
    ctx.figure('gain_vs_neighbours', xyFigureSvg([{
      title: 'Weight change vs co-active neighbours',
      xLabel: 'co-activated synapses on the synapse\'s branch',
      yLabel: 'final / initial weight',
      series: [
        { label: 'co-activated synapse', x: pick(true).map((i) => neighbours[i]), y: pick(true).map((i) => gain[i]), noLine: true, markers: true },
        { label: 'background synapse', x: pick(false).map((i) => neighbours[i] + 0.15), y: pick(false).map((i) => gain[i]), noLine: true, markers: true },
      ],
      legend: 'tl',
    }], { caption: `Branch resource needs the summed calcium of co-active neighbours (θ_branch = ${RULE.theta_branch}); background synapses (2 Hz Poisson) are shifted right by 0.15 for visibility.` }));

    const results = {
      seed,
      episodes,
      n_synapses: N_SYNAPSES,
      n_group: N_GROUP,
      branches: TERMINALS,
      group_per_branch: groupPerBranch,
      potentiated_per_branch: potPerBranch,
      n_potentiated: nPot,
      potentiated_in_group: potInGroup,
      branches_with_potentiated: branchesWithPot,
      weight_gain: gain.map((g) => Number(g.toFixed(6))),
      clustering: {
        top_k: TOP_K,
        potentiated_top_k_fraction: observed,
        shuffle_mean: shuffle.mean,
        shuffle_p: shuffle.p,
        shuffles: SHUFFLES,
        ratio: observed / shuffle.mean,
        group_top_k_fraction: groupTopK,
      },
      ...(replicates.length > 0
        ? {
          replicates: replicates.map((r) => ({
            seed: r.seed,
            group_per_branch: r.groupPerBranch,
            potentiated_per_branch: r.potPerBranch,
            n_potentiated: r.nPot,
            potentiated_in_group: r.potInGroup,
            ratio: r.observed / r.shuffle.mean,
            shuffle_p: r.shuffle.p,
          })),
        }
        : {}),
    };
    const src = 'Kastellakis et al. 2016 (Figs. 2–4: potentiated synapses of an engram concentrate on a minority of branches, well above a random distribution); the range is this experiment\'s criterion for "clustered", the paper gives no single number for this cell';
    const checks = [
      check(`potentiated synapses on the top-${TOP_K} branches / shuffle baseline`, observed / shuffle.mean, 'ratio', [1.2, 10], src),
      check('shuffle test: probability of the observed clustering by chance', shuffle.p, '1', [0, 0.05], src),
      check('potentiated synapses that belong to the co-activated group', nPot === 0 ? NaN : potInGroup / nPot, 'fraction', [0.9, 1], 'input specificity of tagging and capture: only stimulated (tagged) synapses capture the branch resource (Frey & Morris 1997, Nature 385:533; Kastellakis et al. 2016)'),
    ];
    if (replicates.length > 0) {
      const all = [main, ...replicates];
      const clustered = all.filter((r) => r.shuffle.p <= 0.05).length;
      checks.push(check(`placements with clustered potentiation (shuffle p ≤ 0.05), of ${all.length}`, clustered / all.length, 'fraction', [0.8, 1], src));
    }
    return { results, checks };
  },
};
