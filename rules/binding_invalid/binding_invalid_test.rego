package salint.rules.binding_invalid_test

import data.salint.lib.bindings_facts_test as bindings
import data.salint.lib.facts_test as facts
import data.salint.rules.binding_invalid as rule

findings_of(b) := fs if {
	fs := rule.findings with input as bindings.input_with([b])
}

no_namespace(index, name) := bindings.service_account(index, "", name, {})

test_fires_for_service_account_without_namespace_in_cluster_role_binding if {
	b := bindings.cluster_role_binding({"subjects": [bindings.subject({"namespace": "prod"}), no_namespace(1, "deployer")]})
	f := facts.single(findings_of(b))
	f.ref == 5
	f.path == ["subjects", 1]
	not f.severity
	contains(f.msg, `ServiceAccount subject "deployer" names no namespace`)
	contains(f.msg, "ClusterRoleBinding")
}

test_silent_for_service_account_without_namespace_in_role_binding if {
	s := bindings.subject({"namespace": ""})
	count(findings_of(bindings.role_binding({"subjects": [s]}))) == 0
}

test_fires_for_cluster_role_binding_to_a_role if {
	r := bindings.role_ref({"kind": "Role", "resolution": "invalid", "ref": null})
	f := facts.single(findings_of(bindings.cluster_role_binding({"roleRef": r})))
	f.path == ["roleRef", "kind"]
	contains(f.msg, `roleRef.kind is "Role"`)
	contains(f.msg, "one namespace only")
}

test_fires_for_unsupported_role_kind_in_cluster_role_binding if {
	r := bindings.role_ref({"kind": "Clusterrole", "resolution": "invalid", "ref": null})
	f := facts.single(findings_of(bindings.cluster_role_binding({"roleRef": r})))
	f.path == ["roleRef", "kind"]
	contains(f.msg, `roleRef.kind is "Clusterrole"`)
	contains(f.msg, "a ClusterRoleBinding references a ClusterRole")
}

test_fires_for_unsupported_role_kind_in_role_binding if {
	r := bindings.role_ref({"kind": "ServiceAccount", "resolution": "invalid", "ref": null})
	f := facts.single(findings_of(bindings.role_binding({"roleRef": r})))
	f.path == ["roleRef", "kind"]
	contains(f.msg, `roleRef.kind is "ServiceAccount"`)
	contains(f.msg, "Role or a ClusterRole")
}

test_fires_for_missing_role_kind if {
	r := bindings.role_ref({"kind": "", "resolution": "invalid", "ref": null})
	f := facts.single(findings_of(bindings.role_binding({"roleRef": r})))
	f.path == ["roleRef", "kind"]
	contains(f.msg, "roleRef.kind is empty")
}

test_fires_for_empty_role_name if {
	r := bindings.role_ref({"name": "", "resolution": "invalid", "ref": null})
	f := facts.single(findings_of(bindings.role_binding({"roleRef": r})))
	f.path == ["roleRef", "name"]
	contains(f.msg, "roleRef.name is empty")
}

test_fires_for_malformed_role_name if {
	r := bindings.role_ref({"name": "prod/web", "resolution": "unresolved", "ref": null})
	f := facts.single(findings_of(bindings.role_binding({"roleRef": r})))
	f.path == ["roleRef", "name"]
	contains(f.msg, `roleRef.name "prod/web" is not a valid role name`)
	contains(f.msg, `"%"`)
	count(findings_of(bindings.role_binding({"roleRef": object.union(r, {"name": ".."})}))) == 1
}

test_accepts_role_names_with_colons_and_capitals if {
	r := bindings.cluster_role("system:auth-delegator")
	count(findings_of(bindings.cluster_role_binding({"roleRef": r}))) == 0
	r2 := bindings.role_ref({"kind": "ClusterRole", "name": "Vendor:Reader", "resolution": "unresolved", "ref": null})
	count(findings_of(bindings.cluster_role_binding({"roleRef": r2}))) == 0
}

test_fires_for_versioned_role_api_group if {
	r := bindings.role_ref({"apiGroup": "rbac.authorization.k8s.io/v1"})
	f := facts.single(findings_of(bindings.role_binding({"roleRef": r})))
	f.path == ["roleRef", "apiGroup"]
	contains(f.msg, `roleRef.apiGroup is "rbac.authorization.k8s.io/v1"`)
}

test_accepts_role_api_group_left_out if {
	count(findings_of(bindings.role_binding({"roleRef": bindings.role_ref({"apiGroup": ""})}))) == 0
}

test_fires_for_unsupported_subject_kind if {
	s := bindings.subject({"index": 1, "kind": "Serviceaccount", "accountNamespace": "", "inInput": false, "ref": null})
	f := facts.single(findings_of(bindings.role_binding({"subjects": [bindings.subject({}), s]})))
	f.path == ["subjects", 1, "kind"]
	contains(f.msg, `subject kind is "Serviceaccount"`)
}

test_fires_for_subject_without_name if {
	f := facts.single(findings_of(bindings.role_binding({"subjects": [bindings.group(0, "")]})))
	f.path == ["subjects", 0, "name"]
	contains(f.msg, "subject has no name")
}

test_fires_for_malformed_service_account_name if {
	s := bindings.service_account(0, "ci", "Builder", {})
	f := facts.single(findings_of(bindings.role_binding({"subjects": [s]})))
	f.path == ["subjects", 0, "name"]
	contains(f.msg, `ServiceAccount name "Builder" is not a valid object name`)
}

test_fires_for_service_account_subject_with_api_group if {
	s := bindings.subject({"apiGroup": "rbac.authorization.k8s.io"})
	f := facts.single(findings_of(bindings.role_binding({"subjects": [s]})))
	f.path == ["subjects", 0, "apiGroup"]
	contains(f.msg, "takes no apiGroup")
}

test_fires_for_group_with_wrong_api_group if {
	g := object.union(bindings.group(0, "devs"), {"apiGroup": "v1"})
	f := facts.single(findings_of(bindings.role_binding({"subjects": [g]})))
	f.path == ["subjects", 0, "apiGroup"]
	contains(f.msg, `Group subject has apiGroup "v1"`)
}

test_accepts_user_and_group_api_group_left_out if {
	u := object.union(bindings.user(0, "alice"), {"apiGroup": ""})
	g := object.union(bindings.group(1, "devs"), {"apiGroup": ""})
	count(findings_of(bindings.cluster_role_binding({"subjects": [u, g]}))) == 0
}

test_one_finding_per_problem if {
	b := bindings.cluster_role_binding({
		"roleRef": bindings.role_ref({"kind": "Role", "name": "", "resolution": "invalid", "ref": null}),
		"subjects": [no_namespace(0, "a"), no_namespace(1, "b")],
	})
	{f.path | some f in findings_of(b)} == {["roleRef", "kind"], ["roleRef", "name"], ["subjects", 0], ["subjects", 1]}
}

test_silent_for_valid_bindings if {
	count(findings_of(bindings.role_binding({}))) == 0
	count(findings_of(bindings.cluster_role_binding({}))) == 0
	count(findings_of(bindings.role_binding({"roleRef": bindings.cluster_role("view")}))) == 0
	valid := [bindings.service_account(0, "ci", "builder.v2", {}), bindings.user(1, "alice@example.com"), bindings.group(2, "system:serviceaccounts")]
	count(findings_of(bindings.cluster_role_binding({"subjects": valid}))) == 0
}
