/**
 * The plasticity rule interface: what a learning rule is to the plastic synapse that runs it
 * (./synapse.ts). A rule is a value (no registration side effects); it owns per-synapse state
 * arrays that it allocates in `create` and updates in place from three signals:
 *
 * - `onPre(k)`: a presynaptic event reached synapse k (ctx.t = the event time), after the synapse
 *   has used the current weight for that event (NMODL NET_RECEIVE order: conductance first);
 * - `onPost(k, t)`: a postsynaptic spike, an upward crossing of a threshold by v at the synapse's
 *   post node (its own node, its branch's centre, or a given location such as the soma), with the
 *   crossing time interpolated within the step;
 * - `advance`: every step, after the synapse's own states, with ctx.t = t_{n+1} and the new v, so
 *   rules can read the local voltage (ctx.v[nodes[k]]) and the synapse's own conductance, current
 *   or calcium (`synapse` vars).
 *
 * Every rule of a synapse writes the same weight array `w` (µS); the synapse clips it to
 * [w_min, w_max] after the rules ran. No method may allocate (they run inside the step loop).
 */
import type { MechanismContext, ParamSpec, QuantitySpec, StateStorage } from '../channels/mechanism.ts';

/** A string setting of a rule, one value per use (e.g. STDP `pairing`: "all_to_all" or "nearest"). */
export interface RuleOption {
  readonly name: string;
  readonly values: readonly string[];
  readonly default: string;
  readonly description?: string;
}

/** What a rule allocates: every recordable per-synapse array by name (names of `states`). */
export interface RuleState {
  readonly vars: Readonly<Record<string, Float64Array>>;
}

export interface RuleInit {
  readonly count: number;
  /** Node of each synapse (its local membrane potential is ctx.v[nodes[k]]). */
  readonly nodes: Int32Array;
  /** Section index of each synapse, for rules that group synapses by branch. */
  readonly branch: Int32Array;
  /** Number of sections of the cell (branch indices are below it). */
  readonly nBranches: number;
  /** This rule's parameters, one value per synapse, already validated against `params`. */
  readonly params: Readonly<Record<string, Float64Array>>;
  /** This rule's options (one value per use). */
  readonly options: Readonly<Record<string, string>>;
  /** The weight (µS), shared by every rule of the synapse; rules update it in place. */
  readonly w: Float64Array;
  /** The engine's storage (the synapse's InstanceInit.storage): a rule takes its per-synapse arrays from it. */
  readonly storage: StateStorage;
  /** Weight bounds (µS); wMax is W_MAX_NONE (1e9) when the protocol gave none (rules with `usesWMax` never see that). */
  readonly wMin: Float64Array;
  readonly wMax: Float64Array;
  /** The wrapped synapse's own per-instance arrays (g, i, A, B, mggate, ...), read-only by convention. */
  readonly synapse: Readonly<Record<string, Float64Array>>;
}

export interface PlasticityRule<S extends RuleState = RuleState> {
  /** The protocol's `"rule"` value, e.g. `stdp`. */
  readonly name: string;
  /** One line for listings. */
  readonly summary: string;
  /** The publications the equations come from. */
  readonly source: string;
  /** Per-synapse numeric parameters; their names are the protocol keys and carry the unit (tau_plus_ms). */
  readonly params: readonly ParamSpec[];
  readonly options?: readonly RuleOption[];
  /** Per-synapse state arrays, recordable as synapse variables. */
  readonly states: readonly QuantitySpec[];
  /** The rule reacts to postsynaptic spikes (the synapse then runs a threshold detector). */
  readonly usesPost?: boolean;
  /** The rule needs an explicit upper bound `w_max_uS`. */
  readonly usesWMax?: boolean;
  create(init: RuleInit): S;
  /** finitialize (ctx.t = 0): reset every state. */
  initialize(s: S, ctx: MechanismContext): void;
  onPre?(s: S, k: number, ctx: MechanismContext): void;
  onPost?(s: S, k: number, t_ms: number, ctx: MechanismContext): void;
  advance?(s: S, ctx: MechanismContext): void;
}

/** Rules by name: a value passed to whatever builds plastic synapses. */
export interface RuleSet {
  get(name: string): PlasticityRule | undefined;
  names(): string[];
}

export function createRuleSet(rules: readonly PlasticityRule[]): RuleSet {
  const byName = new Map<string, PlasticityRule>();
  for (const r of rules) {
    if (byName.has(r.name)) throw new Error(`plasticity: rule "${r.name}" given twice`);
    byName.set(r.name, r);
  }
  return { get: (name) => byName.get(name), names: () => [...byName.keys()] };
}

/** Default of a rule parameter by name (tests, docs). */
export function ruleParamDefault(rule: PlasticityRule, name: string): number {
  const p = rule.params.find((q) => q.name === name);
  if (!p) throw new Error(`rule ${rule.name} has no parameter ${name}`);
  return p.default;
}
