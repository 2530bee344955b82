package salint.rules.token_with_dangerous_permissions_test

import data.salint.lib.facts_test as facts
import data.salint.rules.token_with_dangerous_permissions as rule

sa_ref_path := array.concat(facts.spec, ["serviceAccountName"])

pod_rule(resources, verbs) := {
	"index": 1, "path": ["rules", 1],
	"apiGroups": [""], "resources": resources, "verbs": verbs,
	"resourceNames": [], "nonResourceURLs": [],
}

grant(overrides) := object.union(
	{
		"binding": {"ref": 5, "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "namespace": "prod", "name": "web-pods"},
		"subject": "ServiceAccount prod/web",
		"subjectPath": ["subjects", 0, "name"],
		"roleRefPath": ["roleRef", "name"],
		"role": {"ref": 4, "kind": "ClusterRole", "namespace": "", "name": "pod-creator", "builtin": false},
		"ruleRef": 4,
		"aggregatedFrom": "",
		"rule": pod_rule(["pods"], ["create"]),
		"roleRules": [pod_rule(["pods"], ["create"])],
		"namespace": "prod",
	},
	overrides,
)

token(overrides) := object.union(
	{
		"via": "automount", "path": sa_ref_path,
		"accountNamespace": "prod", "accountName": "web", "secret": "",
		"grant": grant({}), "dangerousGrants": 1,
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

test_severity_is_the_highest_granted if {
	r := pod_rule(["pods", "serviceaccounts/token"], ["create"])
	f := facts.single(findings_of([token({"grant": grant({"rule": r, "roleRules": [r]})})]))
	f.severity == "critical"
	contains(f.msg, "can create serviceaccounts/token")
	f.related[2].path == ["rules", 1, "resources", 1]
}

test_limited_secret_read_is_low if {
	r := object.union(pod_rule(["secrets"], ["get"]), {"resourceNames": ["web-tls"]})
	f := facts.single(findings_of([token({"grant": grant({"rule": r, "roleRules": [r]})})]))
	f.severity == "low"
}

test_silent_without_a_dangerous_grant if {
	count(findings_of([token({"grant": null, "dangerousGrants": 0})])) == 0
	count(findings_of([])) == 0
}

# The rule classifies the grant itself: a harmless rule is no finding even
# when it is handed one.
test_silent_for_a_harmless_rule if {
	r := pod_rule(["configmaps"], ["get", "list"])
	count(findings_of([token({"grant": grant({"rule": r, "roleRules": [r]})})])) == 0
}

test_silent_when_the_group_does_not_match_the_resource if {
	r := object.union(pod_rule(["secrets"], ["get"]), {"apiGroups": ["apps"]})
	count(findings_of([token({"grant": grant({"rule": r, "roleRules": [r]})})])) == 0
}

test_group_subject_is_part_of_the_chain if {
	g := grant({
		"subject": "Group system:serviceaccounts:ci",
		"binding": {"ref": 5, "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "namespace": "", "name": "ci-all"},
		"namespace": "",
	})
	f := facts.single(findings_of([token({"accountNamespace": "ci", "accountName": "default", "grant": g})]))
	contains(f.msg, "in every namespace: ")
	contains(f.msg, "→ ServiceAccount ci/default → Group system:serviceaccounts:ci → ClusterRoleBinding ci-all → ClusterRole pod-creator →")
	f.related[0].msg == "ClusterRoleBinding ci-all binds Group system:serviceaccounts:ci"
}

test_builtin_role_has_no_rule_location if {
	r := {"index": 0, "path": null, "apiGroups": ["*"], "resources": ["*"], "verbs": ["*"], "resourceNames": [], "nonResourceURLs": []}
	g := grant({"role": {"ref": null, "kind": "ClusterRole", "namespace": "", "name": "cluster-admin", "builtin": true}, "ruleRef": null, "rule": r, "roleRules": [r]})
	f := facts.single(findings_of([token({"grant": g})]))
	f.severity == "critical"
	contains(f.msg, "→ ClusterRole cluster-admin (built in) → rule #1: ")
	count(f.related) == 2
}

test_aggregated_rule_names_its_cluster_role if {
	g := grant({"ruleRef": 9, "aggregatedFrom": "exec", "rule": pod_rule(["pods/exec"], ["create"])})
	f := facts.single(findings_of([token({"grant": g})]))
	contains(f.msg, "→ ClusterRole pod-creator → ClusterRole exec (aggregated) → rule #2: ")
	f.related[2] == {"ref": 9, "path": ["rules", 1, "resources", 0], "msg": "rule #2 of ClusterRole exec grants create pods/exec"}
}

test_legacy_token_secret_names_the_secret if {
	path := array.concat(facts.spec, ["volumes", 0, "secret", "secretName"])
	t := token({"via": "secret", "path": path, "secret": "deployer-token", "accountName": "deployer"})
	f := facts.single(findings_of([t]))
	f.path == path
	startswith(f.msg, `the legacy token in Secret "deployer-token" can create pods`)
	contains(f.msg, "Deployment prod/web → Secret prod/deployer-token → ServiceAccount prod/deployer → ")
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
