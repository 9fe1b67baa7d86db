/**
 * The `plasticity` key of a `synapses` entry (docs/protocol.md, "Plasticity"): which learning rules
 * change the synapse's weight, their parameters and options, the weight bounds and where the
 * postsynaptic spikes are detected. `parsePlasticity` checks the shape; `plasticUse` checks the
 * rule names, parameters and options against a rule set and wraps the synapse type with them
 * (src/plasticity/synapse.ts).
 */
import type { Catalogue } from '../channels/catalogue.ts';
import type { Mechanism } from '../channels/mechanism.ts';
import { makePlasticSynapse, plasticName, W_MAX_NONE, type RuleSet, type RuleUse } from '../plasticity/index.ts';
import { nodeAt } from '../cable/layout.ts';
import { parseLocationSpec, resolveLocations, type LocationSpec, type PlaceContext, type ResolvedLocation } from './stimuli.ts';
import { type Checker, didYouMean, show } from './validate.ts';

export interface RuleEntry {
  rule: string;
  /** Every other key of the rule object: parameters (numbers) and options (strings). */
  values: Record<string, number | string>;
  path: string;
}

export interface PlasticityEntry {
  rules: RuleEntry[];
  w_min_uS: number;
  w_max_uS: number | null;
  /** "local" (the synapse's node), "branch" (its section's centre) or a location. */
  post: 'local' | 'branch' | LocationSpec;
  post_threshold_mV: number;
  path: string;
}

export const PLASTICITY_COMMON_KEYS = ['w_min_uS', 'w_max_uS', 'post', 'post_threshold_mV'] as const;
/** Keys of `plasticity` besides each rule's own parameters and options. */
export const PLASTICITY_KEYS = ['rule', 'rules', ...PLASTICITY_COMMON_KEYS] as const;

export const PLASTICITY_DEFAULTS = { w_min_uS: 0, post: 'local', post_threshold_mV: -20 } as const;

function ruleEntry(c: Checker, path: string, o: Record<string, unknown>, skip: readonly string[]): RuleEntry {
  const rule = c.string(`${path}.rule`, o.rule);
  const values: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'rule' || skip.includes(k)) continue;
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') c.fail(`${path}.${k}`, `the key "${k}" is not allowed`);
    if (typeof v === 'string') values[k] = v;
    else values[k] = c.number(`${path}.${k}`, v);
  }
  return { rule, values, path };
}

/** Check `synapses[i].plasticity` at `path` (its shape; rule names and parameters are checked when building). */
export function parsePlasticity(c: Checker, path: string, v: unknown): PlasticityEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    c.fail(path, `expected an object like {"rule": "stdp", "w_max_uS": 0.001} or {"rules": [{"rule": "stdp"}, {"rule": "scaling"}], ...}, got ${show(v)}`);
  }
  const o = v as Record<string, unknown>;
  const hasRule = Object.hasOwn(o, 'rule');
  const hasRules = Object.hasOwn(o, 'rules');
  if (hasRule === hasRules) c.fail(path, hasRule ? 'give "rule" (one rule) or "rules" (a list), not both' : 'missing "rule" (e.g. "stdp") or "rules" (a list of rule objects)');
  let rules: RuleEntry[];
  if (hasRules) {
    for (const k of Object.keys(o)) {
      if (k !== 'rules' && !(PLASTICITY_COMMON_KEYS as readonly string[]).includes(k)) {
        c.fail(`${path}.${k}`, `unknown key "${k}" next to "rules" (a rule's parameters go inside its object in "rules")${didYouMean(k, [...PLASTICITY_COMMON_KEYS])}; allowed here: rules, ${PLASTICITY_COMMON_KEYS.join(', ')}`);
      }
    }
    const list = c.array(`${path}.rules`, o.rules);
    if (list.length === 0) c.fail(`${path}.rules`, 'expected at least one rule object, got []');
    rules = list.map((x, k) => {
      const p = `${path}.rules[${k}]`;
      if (typeof x !== 'object' || x === null || Array.isArray(x)) c.fail(p, `expected an object like {"rule": "stdp"}, got ${show(x)}`);
      const r = x as Record<string, unknown>;
      if (!Object.hasOwn(r, 'rule')) c.fail(`${p}.rule`, 'missing (required): the rule name');
      for (const key of PLASTICITY_COMMON_KEYS) if (Object.hasOwn(r, key)) c.fail(`${p}.${key}`, `"${key}" applies to the whole synapse: put it next to "rules", not inside one rule`);
      return ruleEntry(c, p, r, []);
    });
  } else {
    rules = [ruleEntry(c, path, o, PLASTICITY_COMMON_KEYS)];
  }
  const names = rules.map((r) => r.rule);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) c.fail(`${path}.rules`, `rule "${twice}" is given twice`);
  const w_min_uS = o.w_min_uS === undefined ? PLASTICITY_DEFAULTS.w_min_uS : c.number(`${path}.w_min_uS`, o.w_min_uS, { min: 0 });
  const w_max_uS = o.w_max_uS === undefined ? null : c.number(`${path}.w_max_uS`, o.w_max_uS, { min: 0 });
  if (w_max_uS !== null && w_max_uS > W_MAX_NONE) c.fail(`${path}.w_max_uS`, `${w_max_uS} uS is above the largest bound, ${W_MAX_NONE} uS (leave w_max_uS out for no bound)`);
  if (w_max_uS !== null && w_max_uS < w_min_uS) c.fail(`${path}.w_max_uS`, `${w_max_uS} uS is below w_min_uS ${w_min_uS} uS`);
  let post: PlasticityEntry['post'] = PLASTICITY_DEFAULTS.post;
  if (o.post !== undefined) post = o.post === 'local' || o.post === 'branch' ? o.post : parseLocationSpec(c, `${path}.post`, o.post, false);
  const post_threshold_mV = o.post_threshold_mV === undefined ? PLASTICITY_DEFAULTS.post_threshold_mV : c.number(`${path}.post_threshold_mV`, o.post_threshold_mV);
  return { rules, w_min_uS, w_max_uS, post, post_threshold_mV, path };
}

/** The plastic mechanism of one synapses entry and the per-synapse values it needs besides the synapse's own. */
export interface PlasticUse {
  mechanism: Mechanism;
  /** Values of the wrapper's and the rules' parameters that are the same for every synapse of the entry. */
  params: Record<string, number>;
  /** Node of the post location, or −1 (own node), or −2 (the centre of each synapse's section). */
  postNode: number;
}

/**
 * Check an entry's plasticity against the rules and wrap its synapse type. `have` holds the plastic
 * mechanisms made so far by name (entries with the same type, rules and options share one).
 */
export function plasticUse(ctx: PlaceContext, e: PlasticityEntry, base: Mechanism, rules: RuleSet, have: Catalogue | Map<string, Mechanism>): PlasticUse {
  const c: Checker = ctx.c;
  const path = e.path;
  const bd = base.description;
  if (bd.events?.weight === 'ignored') {
    c.fail(path, `${bd.name} ignores event weights (Gidon et al. 2020): a plastic weight would change nothing; use AMPA, NMDA, GABAA or Exp2Syn`);
  }
  if (bd.events?.weightState !== undefined) {
    c.fail(path, `${bd.name} carries its own plastic weight "${bd.events.weightState}" (its NET_RECEIVE changes it); remove "plasticity"`);
  }
  const uses: RuleUse[] = [];
  const params: Record<string, number> = { w_min: e.w_min_uS, w_max: e.w_max_uS ?? W_MAX_NONE, post_threshold: e.post_threshold_mV };
  for (const r of e.rules) {
    const rule = rules.get(r.rule);
    if (!rule) c.fail(`${r.path}.rule`, `unknown plasticity rule ${show(r.rule)}${didYouMean(r.rule, rules.names())}; rules: ${rules.names().join(', ')}`);
    const options: Record<string, string> = {};
    const known = [...rule.params.map((q) => q.name), ...(rule.options ?? []).map((o) => o.name)];
    for (const [k, v] of Object.entries(r.values)) {
      const spec = rule.params.find((q) => q.name === k);
      const opt = (rule.options ?? []).find((o) => o.name === k);
      if (!spec && !opt) {
        const common = (PLASTICITY_COMMON_KEYS as readonly string[]).includes(k) ? ` ("${k}" applies to the whole synapse: put it next to "rules")` : '';
        const withUnit = known.find((q) => q.startsWith(`${k}_`));
        const hint = withUnit ? ` (did you mean "${withUnit}"? keys carry their unit)` : didYouMean(k, known);
        c.fail(`${r.path}.${k}`, `rule ${rule.name} has no parameter or option "${k}"${common}${hint}; it has: ${known.join(', ') || 'none'}`);
      }
      if (opt) {
        if (typeof v !== 'string' || !opt.values.includes(v)) c.fail(`${r.path}.${k}`, `expected one of ${opt.values.map((x) => `"${x}"`).join(', ')}, got ${show(v)}`);
        options[k] = v;
      } else {
        const value = c.number(`${r.path}.${k}`, v);
        if ((spec!.min !== undefined && value < spec!.min) || (spec!.max !== undefined && value > spec!.max)) {
          c.fail(`${r.path}.${k}`, `${value} ${spec!.unit} is outside the allowed range [${spec!.min ?? '-inf'}, ${spec!.max ?? 'inf'}]`);
        }
        params[k] = value;
      }
    }
    if (rule.usesWMax && e.w_max_uS === null) c.fail(`${path}.w_max_uS`, `missing: rule ${rule.name} needs an upper bound of the weight (µS), e.g. "w_max_uS": 0.001`);
    uses.push({ rule, options });
  }
  const name = plasticName(bd.name, uses);
  let mechanism = have.get(name);
  if (!mechanism) {
    try {
      mechanism = makePlasticSynapse(base, uses);
    } catch (err) {
      c.fail(path, (err as Error).message);
    }
  }
  let postNode = -1;
  if (e.post === 'branch') postNode = -2;
  else if (e.post !== 'local') postNode = resolveLocations(ctx, e.post, `${path}.post`)[0].node;
  return { mechanism, params, postNode };
}

/** The node of a synapse's post location (`postNode` of its PlasticUse) at this site. */
export function postNodeAt(ctx: PlaceContext, postNode: number, site: ResolvedLocation): number {
  return postNode === -2 ? nodeAt(ctx.layout.sections[site.section], 0.5) : postNode;
}
