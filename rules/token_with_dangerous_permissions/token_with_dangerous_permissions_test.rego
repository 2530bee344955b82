package salint.rules.token_with_dangerous_permissions_test

import data.salint.lib.facts_test as facts
import data.salint.rules.token_with_dangerous_permissions as rule

sa_ref_path := array.concat(facts.spec, ["serviceAccountName"])

grant(overrides) := object.union(
	{
		"bindingRef": 5,
		"bindingName": "RoleBinding prod/web-pods",
		"subject": "ServiceAccount prod/web",
		"subjectPath": ["subjects", 0, "name"],
		"roleRefPath": ["roleRef", "name"],
		"roleName": "ClusterRole pod-creator",
		"ruleIndex": 1,
		"ruleHolder": "ClusterRole pod-creator",
		"ruleRef": 4,
		"rulePath": ["rules", 1, "resources", 0],
		"danger": {"id": "SA044", "severity": "high", "what": "create pods"},
		"namespace": "prod",
	},
	overrides,
)

token(overrides) := object.union(
	{
		"via": "automount", "path": sa_ref_path,
		"accountNamespace": "prod", "accountName": "web", "secret": "",
		"grant": grant({}), "dangerousGrants": 1,
		"chain": ["Deployment prod/web", "ServiceAccount prod/web", "RoleBinding prod/web-pods", "ClusterRole pod-creator", "rule #2"],
	},
	overrides,
)

findings_of(tokens) := fs if {
	fs := rule.findings with input as facts.input_with({"workloads": [facts.workload({"tokens": tokens})]})
}

test_fires_at_the_service_account_reference_with_the_chain if {
	f := facts.single(findings_of([token({})]))
	f.ref == 3
	f.path == sa_ref_path
	f.severity == "high"
	f.msg == "the automounted API token can create pods in namespace prod: Deployment prod/web → ServiceAccount prod/web → RoleBinding prod/web-pods → ClusterRole pod-creator → rule #2: create pods"
}

test_related_locations_are_the_subject_the_role_ref_and_the_rule if {
	f := facts.single(findings_of([token({})]))
	f.related == [
		{"ref": 5, "path": ["subjects", 0, "name"], "msg": "RoleBinding prod/web-pods binds ServiceAccount prod/web"},
		{"ref": 5, "path": ["roleRef", "name"], "msg": "to ClusterRole pod-creator"},
		{"ref": 4, "path": ["rules", 1, "resources", 0], "msg": "rule #2 of ClusterRole pod-creator grants create pods"},
	]
}

test_severity_is_the_dangers if {
	d := {"id": "SA048", "severity": "critical", "what": "create serviceaccounts/token"}
	f := facts.single(findings_of([token({"grant": grant({"danger": d})})]))
	f.severity == "critical"
	contains(f.msg, "can create serviceaccounts/token in namespace prod")
	endswith(f.msg, "rule #2: create serviceaccounts/token")
}

test_limited_secret_read_is_low if {
	d := {"id": "SA042", "severity": "low", "what": "get secrets"}
	f := facts.single(findings_of([token({"grant": grant({"danger": d})})]))
	f.severity == "low"
}

test_limited_token_request_is_low_and_names_the_account if {
	d := {"id": "SA048", "severity": "low", "what": `create serviceaccounts/token for ServiceAccount "cni-plugin" only`}
	f := facts.single(findings_of([token({"grant": grant({"danger": d, "namespace": "kube-system"})})]))
	f.severity == "low"
	startswith(f.msg, `the automounted API token can create serviceaccounts/token for ServiceAccount "cni-plugin" only in namespace kube-system: `)
}

test_cluster_scoped_resources_are_granted_cluster_wide if {
	d := {"id": "SA046", "severity": "high", "what": "get nodes/proxy"}
	g := grant({"bindingName": "ClusterRoleBinding nodes", "namespace": "", "danger": d})
	f := facts.single(findings_of([token({"grant": g})]))
	startswith(f.msg, "the automounted API token can get nodes/proxy cluster-wide: ")
	not contains(f.msg, "namespace")
}

test_role_binding_grants_no_cluster_scoped_resource if {
	d := {"id": "SA046", "severity": "high", "what": "get nodes/proxy"}
	f := facts.single(findings_of([token({"grant": grant({"danger": d})})]))
	startswith(f.msg, "the automounted API token is bound to get nodes/proxy, but nodes/proxy is cluster-scoped, so a RoleBinding grants it nowhere: ")
	mixed := {"id": "SA052", "severity": "medium", "what": "patch nodes/status, pods/status"}
	g := facts.single(findings_of([token({"grant": grant({"danger": mixed})})]))
	startswith(g.msg, "the automounted API token can patch nodes/status, pods/status in namespace prod (nodes/status is cluster-scoped: a RoleBinding grants it nowhere): ")
}

test_silent_without_a_dangerous_grant if {
	count(findings_of([token({"grant": null, "dangerousGrants": 0, "chain": null})])) == 0
	count(findings_of([])) == 0
}

test_cluster_role_binding_grants_everywhere if {
	g := grant({
		"subject": "Group system:serviceaccounts:ci",
		"bindingName": "ClusterRoleBinding ci-all",
		"namespace": "",
	})
	f := facts.single(findings_of([token({"grant": g})]))
	contains(f.msg, "can create pods cluster-wide: ")
	f.related[0].msg == "ClusterRoleBinding ci-all binds Group system:serviceaccounts:ci"
}

test_builtin_role_has_no_rule_location if {
	d := {"id": "SA041", "severity": "critical", "what": "* on *"}
	g := grant({
		"roleName": "ClusterRole cluster-admin (built in)", "ruleHolder": "ClusterRole cluster-admin (built in)",
		"ruleRef": null, "rulePath": null, "ruleIndex": 0, "danger": d,
	})
	f := facts.single(findings_of([token({"grant": g})]))
	f.severity == "critical"
	f.related == [
		{"ref": 5, "path": ["subjects", 0, "name"], "msg": "RoleBinding prod/web-pods binds ServiceAccount prod/web"},
		{"ref": 5, "path": ["roleRef", "name"], "msg": "to ClusterRole cluster-admin (built in)"},
	]
}

test_aggregated_rule_is_located_in_its_cluster_role if {
	g := grant({"ruleRef": 9, "ruleHolder": "ClusterRole exec", "rulePath": ["rules", 1, "resources", 2]})
	f := facts.single(findings_of([token({"grant": g})]))
	f.related[2] == {"ref": 9, "path": ["rules", 1, "resources", 2], "msg": "rule #2 of ClusterRole exec grants create pods"}
}

test_legacy_token_secret_names_the_secret if {
	path := array.concat(facts.spec, ["volumes", 0, "secret", "secretName"])
	t := token({"via": "secret", "path": path, "secret": "deployer-token", "accountName": "deployer"})
	f := facts.single(findings_of([t]))
	f.path == path
	startswith(f.msg, `the legacy token in Secret "deployer-token" can create pods`)
}

test_projected_token if {
	path := array.concat(facts.spec, ["volumes", 0, "projected", "sources", 0, "serviceAccountToken"])
	f := facts.single(findings_of([token({"via": "projected", "path": path})]))
	f.path == path
	startswith(f.msg, "the projected API-server token can ")
}

test_counts_the_other_dangerous_grants if {
	f := facts.single(findings_of([token({"dangerousGrants": 4})]))
	endswith(f.msg, " (and 3 more dangerous grants)")
}

test_one_finding_per_token if {
	t2 := token({"via": "secret", "path": ["spec", "template", "spec", "volumes", 0, "secret", "secretName"], "secret": "x", "accountName": "deployer"})
	count(findings_of([token({}), t2])) == 2
}
