package salint.rules.projected_token_no_expiration_test

import data.salint.lib.facts_test as facts
import data.salint.rules.projected_token_no_expiration as rule

findings_of(projections) := fs if {
	w := facts.workload({"tokenProjections": projections})
	fs := rule.findings with input as facts.input_with({"workloads": [w]})
}

test_fires_at_projection_without_expiration if {
	p := facts.projection({"expirationSeconds": null, "expirationPath": null})
	f := facts.single(findings_of([p]))
	f.ref == 3
	f.path == array.concat(facts.spec, ["volumes", 0, "projected", "sources", 0, "serviceAccountToken"])
	f.msg == `serviceAccountToken projection of volume "token" sets no expirationSeconds: the API server then issues a one-hour token; set the lifetime you mean explicitly`
	not f.severity
}

test_fires_once_per_projection if {
	a := facts.projection({"expirationSeconds": null, "expirationPath": null})
	b := facts.projection({
		"path": array.concat(facts.spec, ["volumes", 2, "projected", "sources", 0, "serviceAccountToken"]),
		"volume": "vault-token",
		"expirationSeconds": null,
		"expirationPath": null,
	})
	fs := findings_of([a, b])
	{f.path | some f in fs} == {a.path, b.path}
}

test_silent_when_expiration_is_set if {
	count(findings_of([facts.projection({})])) == 0
	count(findings_of([facts.projection({"expirationSeconds": 600})])) == 0
}

test_silent_without_projections if {
	count(findings_of([])) == 0
}
