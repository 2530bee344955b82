package salint.rules.projected_token_no_audience_test

import data.salint.lib.facts_test as facts
import data.salint.rules.projected_token_no_audience as rule

projection_path := array.concat(facts.spec, ["volumes", 0, "projected", "sources", 0, "serviceAccountToken"])

mount_at(path, index) := facts.mount({
	"mountPath": path,
	"path": array.concat(facts.spec, ["containers", index, "volumeMounts", 0]),
	"container": sprintf("c%d", [index]),
})

findings_of(audience, mounts) := fs if {
	w := facts.workload({"tokenProjections": [facts.projection({"audience": audience, "mounts": mounts})]})
	fs := rule.findings with input as facts.input_with({"workloads": [w]})
}

test_fires_at_projection_without_audience if {
	f := facts.single(findings_of(null, [mount_at("/var/run/secrets/tokens", 0)]))
	f.ref == 3
	f.path == projection_path
	contains(f.msg, `"/var/run/secrets/tokens"`)
	contains(f.msg, `"token"`)
	f.related == [{
		"ref": 3,
		"path": array.concat(facts.spec, ["containers", 0, "volumeMounts", 0]),
		"msg": `container "c0" mounts the token at "/var/run/secrets/tokens"`,
	}]
}

test_fires_for_empty_audience if {
	facts.single(findings_of("", [mount_at("/var/run/secrets/tokens", 0)]))
}

test_silent_with_audience if {
	count(findings_of("vault", [mount_at("/var/run/secrets/tokens", 0)])) == 0
}

test_silent_when_mounted_at_standard_path if {
	count(findings_of(null, [mount_at("/var/run/secrets/kubernetes.io/serviceaccount", 0)])) == 0
	count(findings_of(null, [mount_at("/var/run/secrets/kubernetes.io/serviceaccount/", 0)])) == 0
}

test_silent_when_not_mounted if {
	count(findings_of(null, [])) == 0
}

test_fires_when_any_mount_is_elsewhere if {
	mounts := [
		mount_at("/var/run/secrets/kubernetes.io/serviceaccount", 0),
		mount_at("/var/run/secrets/vault", 1),
	]
	f := facts.single(findings_of(null, mounts))
	f.path == projection_path
	[r] := f.related
	r.path == array.concat(facts.spec, ["containers", 1, "volumeMounts", 0])
	contains(f.msg, `"/var/run/secrets/vault"`)
	not contains(f.msg, "kubernetes.io/serviceaccount")
}

test_relates_every_mount_elsewhere if {
	mounts := [mount_at("/var/run/secrets/a", 0), mount_at("/var/run/secrets/b", 1)]
	f := facts.single(findings_of(null, mounts))
	count(f.related) == 2
	contains(f.msg, `"/var/run/secrets/a", "/var/run/secrets/b"`)
}

test_mount_below_standard_path_is_elsewhere if {
	facts.single(findings_of(null, [mount_at("/var/run/secrets/kubernetes.io/serviceaccount/extra", 0)]))
}
