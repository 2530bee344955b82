package salint.rules.acme_token_audience_test

import data.salint.rules.acme_token_audience as rule

spec := ["spec", "template", "spec"]

projection_path := array.concat(spec, ["volumes", 0, "projected", "sources", 0, "serviceAccountToken"])

# input_for is the input of one Deployment whose token projection asks for
# audience, with the rule's parameters.
input_for(audience, params) := {
	"workloads": [{
		"ref": 3, "apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "report",
		"spec": spec,
		"tokenProjections": [{
			"path": projection_path, "volume": "token",
			"expirationSeconds": 3600, "expirationPath": array.concat(projection_path, ["expirationSeconds"]),
			"audience": audience,
			"mounts": [],
		}],
	}],
	"params": params,
}

test_fires_at_the_audience if {
	fs := rule.findings with input as input_for("grafana", {})
	fs == {{
		"ref": 3,
		"path": array.concat(projection_path, ["audience"]),
		"msg": `serviceAccountToken projection of volume "token" is for audience "grafana", which is not one of "vault", "sts.amazonaws.com"`,
	}}
}

test_silent_for_an_approved_audience if {
	count(rule.findings) == 0 with input as input_for("vault", {})
}

test_silent_without_audience if {
	count(rule.findings) == 0 with input as input_for(null, {})
	count(rule.findings) == 0 with input as input_for("", {})
}

test_reads_allowed_audiences_from_params if {
	params := {"ACME001": {"allowedAudiences": ["grafana"]}}
	count(rule.findings) == 0 with input as input_for("grafana", params)
	[f] := [f | some f in rule.findings] with input as input_for("vault", params)
	contains(f.msg, `not one of "grafana"`)
}
