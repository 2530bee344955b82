package salint.rules.projected_token_long_expiration_test

import data.salint.lib.facts_test as facts
import data.salint.rules.projected_token_long_expiration as rule

expiration_path := array.concat(facts.spec, ["volumes", 0, "projected", "sources", 0, "serviceAccountToken", "expirationSeconds"])

input_for(seconds) := facts.input_with({"workloads": [facts.workload({
	"tokenProjections": [facts.projection({"expirationSeconds": seconds})],
})]})

findings_of(seconds) := fs if {
	fs := rule.findings with input as input_for(seconds)
}

test_fires_above_default_maximum if {
	f := facts.single(findings_of(86401))
	f.ref == 3
	f.path == expiration_path
	contains(f.msg, "86401")
	contains(f.msg, "86400")
}

test_silent_at_default_maximum if {
	count(findings_of(86400)) == 0
}

test_silent_below_maximum if {
	count(findings_of(600)) == 0
	count(findings_of(3600)) == 0
	count(findings_of(3606)) == 0
	count(findings_of(3608)) == 0
}

test_fires_at_3607 if {
	f := facts.single(findings_of(3607))
	f.path == expiration_path
	contains(f.msg, "3607")
	contains(f.msg, "year")
}

test_fires_once_at_3607_below_a_lower_maximum if {
	fs := rule.findings with input as object.union(input_for(3607), {"params": {"SA031": {"maxExpirationSeconds": 3000}}})
	f := facts.single(fs)
	contains(f.msg, "year")
}

test_fires_at_largest_valid_value if {
	f := facts.single(findings_of(4294967296))
	contains(f.msg, "4294967296")
}

test_leaves_invalid_values_to_sa032 if {
	count(findings_of(4294967297)) == 0
	count(findings_of(599)) == 0
	count(findings_of(0)) == 0
}

test_silent_without_expiration if {
	w := facts.workload({"tokenProjections": [facts.projection({"expirationSeconds": null, "expirationPath": null})]})
	count(rule.findings) == 0 with input as facts.input_with({"workloads": [w]})
}

test_custom_maximum if {
	custom := {"params": {"SA031": {"maxExpirationSeconds": 7200}}}
	f := facts.single(rule.findings) with input as object.union(input_for(7201), custom)
	contains(f.msg, "7201")
	contains(f.msg, "7200")
	count(rule.findings) == 0 with input as object.union(input_for(7200), custom)
}

test_custom_maximum_above_default if {
	custom := {"params": {"SA031": {"maxExpirationSeconds": 172800}}}
	count(rule.findings) == 0 with input as object.union(input_for(172800), custom)
	count(rule.findings) == 1 with input as object.union(input_for(172801), custom)
}

test_default_maximum_without_params if {
	no_params := object.remove(input_for(86401), ["params"])
	count(rule.findings) == 1 with input as no_params
	count(rule.findings) == 0 with input as object.remove(input_for(86400), ["params"])
}
