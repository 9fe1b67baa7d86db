/**
 * Plasticity: learning rules (./rule.ts) that plastic synapses (./synapse.ts) run on a per-synapse
 * weight, and the weights file (./weights.ts). docs/plasticity.md gives every rule's equations,
 * parameters and sources; docs/protocol.md ("Plasticity") the protocol keys.
 */
import { createRuleSet, type PlasticityRule, type RuleSet } from './rule.ts';
import { stdp } from './stdp.ts';
import { clopath } from './clopath.ts';

export { createRuleSet, ruleParamDefault, type PlasticityRule, type RuleInit, type RuleOption, type RuleSet, type RuleState } from './rule.ts';
export { makePlasticSynapse, plasticName, PLASTIC_PARAMS, type PlasticInstance, type RuleUse } from './synapse.ts';
export { formatWeightsCsv, matchWeights, parseWeightsCsv, WeightsFileError, WEIGHTS_COLUMNS, X_TOLERANCE, type WeightRow, type WeightSite } from './weights.ts';
export { stdp } from './stdp.ts';
export { clopath } from './clopath.ts';

/** The built-in rules (one entry per rule file). */
export function builtinRuleList(): PlasticityRule[] {
  return [stdp, clopath] as PlasticityRule[];
}

/** A fresh rule set of the built-in rules. */
export function builtinRules(): RuleSet {
  return createRuleSet(builtinRuleList());
}
