package salint.rules.token_secret_in_pod_test

import data.salint.lib.facts_test as facts
import data.salint.rules.token_secret_in_pod as rule

token_secret := {"ref": 7, "type": "kubernetes.io/service-account-token"}

findings_of(refs) := fs if {
	w := facts.workload({"secretRefs": refs})
	fs := rule.findings with input as facts.input_with({"workloads": [w]})
}

test_fires_for_secret_volume if {
	f := facts.single(findings_of([facts.secret_ref({"secret": token_secret})]))
	f.ref == 3
	f.path == array.concat(facts.spec, ["volumes", 1, "secret", "secretName"])
	contains(f.msg, `"web-token"`)
	contains(f.msg, "secret volume")
	f.related == [{"ref": 7, "path": ["type"], "msg": `Secret "web-token" is a legacy ServiceAccount token`}]
}

test_fires_for_projected_secret_source if {
	path := array.concat(facts.spec, ["volumes", 0, "projected", "sources", 1, "secret", "name"])
	f := facts.single(findings_of([facts.secret_ref({"via": "projected", "path": path, "secret": token_secret})]))
	f.path == path
	contains(f.msg, "projected volume")
}

test_fires_for_env_secret_key_ref if {
	path := array.concat(facts.spec, ["containers", 0, "env", 2, "valueFrom", "secretKeyRef", "name"])
	f := facts.single(findings_of([facts.secret_ref({"via": "env", "container": "app", "path": path, "secret": token_secret})]))
	f.path == path
	contains(f.msg, `container "app"`)
}

test_fires_for_env_from_secret_ref if {
	path := array.concat(facts.spec, ["initContainers", 0, "envFrom", 0, "secretRef", "name"])
	f := facts.single(findings_of([facts.secret_ref({"via": "envFrom", "container": "init", "path": path, "secret": token_secret})]))
	f.path == path
	contains(f.msg, `container "init"`)
}

test_one_finding_per_reference if {
	refs := [
		facts.secret_ref({"secret": token_secret}),
		facts.secret_ref({"via": "env", "container": "app", "path": ["spec", "template", "spec", "containers", 0, "env", 0, "valueFrom", "secretKeyRef", "name"], "secret": token_secret}),
	]
	count(findings_of(refs)) == 2
}

test_silent_for_other_secret_types if {
	count(findings_of([facts.secret_ref({"secret": {"ref": 8, "type": "Opaque"}})])) == 0
	count(findings_of([facts.secret_ref({"secret": {"ref": 8, "type": ""}})])) == 0
}

test_silent_when_secret_is_not_in_input if {
	count(findings_of([facts.secret_ref({})])) == 0
}
