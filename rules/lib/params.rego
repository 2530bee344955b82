# Package salint.lib.params reads rule parameters from input.params, which
# salint fills from each rule's METADATA custom.params and the configuration.
package salint.lib.params

# param is input.params[rule_id][key], or fallback when it is not set.
param(rule_id, key, fallback) := object.get(input, ["params", rule_id, key], fallback)
