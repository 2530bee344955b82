package salint.rules.projected_token_invalid_expiration_test

import data.salint.lib.facts_test as facts
import data.salint.rules.projected_token_invalid_expiration as rule

expiration_path := array.concat(facts.spec, ["volumes", 0, "projected", "sources", 0, "serviceAccountToken", "expirationSeconds"])

findings_of(seconds) := fs if {
	w := facts.workload({"tokenProjections": [facts.projection({"expirationSeconds": seconds})]})
	fs := rule.findings with input as facts.input_with({"workloads": [w]})
}

test_fires_below_minimum if {
	f := facts.single(findings_of(599))
	f.ref == 3
	f.path == expiration_path
	contains(f.msg, "599")
	contains(f.msg, "600")
}

test_fires_for_zero_and_negative if {
	facts.single(findings_of(0))
	facts.single(findings_of(-1))
}

test_silent_at_minimum if {
	count(findings_of(600)) == 0
}

test_silent_at_maximum if {
	count(findings_of(4294967296)) == 0
}

test_fires_above_maximum if {
	f := facts.single(findings_of(4294967297))
	f.path == expiration_path
	contains(f.msg, "4294967297")
	contains(f.msg, "4294967296")
}

test_silent_for_long_but_valid_values if {
	count(findings_of(86401)) == 0
	count(findings_of(3607)) == 0
}

test_silent_without_expiration if {
	w := facts.workload({"tokenProjections": [facts.projection({"expirationSeconds": null, "expirationPath": null})]})
	count(rule.findings) == 0 with input as facts.input_with({"workloads": [w]})
}
