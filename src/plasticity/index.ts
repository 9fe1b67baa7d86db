/**
 * Plasticity: learning rules (./rule.ts) that plastic synapses (./synapse.ts) run on a per-synapse
 * weight, and the weights file (./weights.ts). docs/plasticity.md gives every rule's equations,
 * parameters and sources; docs/protocol.md ("Plasticity") the protocol keys.
 */
import { createRuleSet, type PlasticityRule, type RuleSet } from './rule.ts';
import { stdp } from './stdp.ts';
import { clopath } from './clopath.ts';
import { calcium } from './calcium.ts';
import { btsp } from './btsp.ts';
import { cooperative } from './cooperative.ts';
import { scaling } from './scaling.ts';

export { createRuleSet, ruleParamDefault, type PlasticityRule, type RuleInit, type RuleOption, type RuleSet, type RuleState } from './rule.ts';
export { makePlasticSynapse, plasticName, PLASTIC_PARAMS, W_MAX_NONE, type PlasticInstance, type RuleUse } from './synapse.ts';
export { formatWeightsCsv, matchWeights, parseWeightsCsv, WeightsFileError, WEIGHTS_COLUMNS, X_TOLERANCE, type WeightRow, type WeightSite } from './weights.ts';
export { stdp } from './stdp.ts';
export { clopath } from './clopath.ts';
export { calcium } from './calcium.ts';
export { btsp } from './btsp.ts';
export { cooperative } from './cooperative.ts';
export { scaling } from './scaling.ts';

/** The built-in rules (one entry per rule file). */
export function builtinRuleList(): PlasticityRule[] {
  return [stdp, clopath, scaling, calcium, btsp, cooperative] as PlasticityRule[];
}

/** A fresh rule set of the built-in rules. */
export function builtinRules(): RuleSet {
  return createRuleSet(builtinRuleList());
}
