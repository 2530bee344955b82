package salint.rules.binding_default_sa_test

import data.salint.lib.bindings_facts_test as bindings
import data.salint.lib.facts_test as facts
import data.salint.rules.binding_default_sa as rule

findings_of(b) := fs if {
	fs := rule.findings with input as bindings.input_with([b])
}

default_sa(index, namespace) := bindings.service_account(index, namespace, "default", {})

test_fires_for_default_service_account_of_the_binding_namespace if {
	s := bindings.subject({"name": "default", "inInput": false, "ref": null})
	f := facts.single(findings_of(bindings.role_binding({"subjects": [s]})))
	f.ref == 5
	f.path == ["subjects", 0, "name"]
	not f.severity
	contains(f.msg, `"default" ServiceAccount of namespace "prod"`)
	contains(f.msg, "every pod in that namespace that names no ServiceAccount")
	contains(f.msg, `Role "web" in namespace "prod"`)
}

test_fires_for_default_service_account_of_another_namespace if {
	b := bindings.role_binding({
		"roleRef": bindings.cluster_role("edit"),
		"subjects": [bindings.subject({}), default_sa(1, "ci")],
	})
	f := facts.single(findings_of(b))
	f.path == ["subjects", 1, "name"]
	contains(f.msg, `namespace "ci"`)
	contains(f.msg, `ClusterRole "edit" in namespace "prod"`)
}

test_fires_for_default_service_account_in_input if {
	s := bindings.service_account(0, "ci", "default", {"inInput": true, "ref": 2})
	f := facts.single(findings_of(bindings.role_binding({"subjects": [s]})))
	f.path == ["subjects", 0, "name"]
}

test_fires_cluster_wide if {
	b := bindings.cluster_role_binding({"roleRef": bindings.cluster_role("view"), "subjects": [default_sa(0, "apps")]})
	f := facts.single(findings_of(b))
	contains(f.msg, `namespace "apps"`)
	contains(f.msg, `ClusterRole "view" cluster-wide`)
}

test_one_finding_per_default_subject if {
	b := bindings.cluster_role_binding({"subjects": [default_sa(0, "a"), bindings.group(1, "devs"), default_sa(2, "b")]})
	fs := findings_of(b)
	{f.path | some f in fs} == {["subjects", 0, "name"], ["subjects", 2, "name"]}
}

test_silent_for_a_group_or_user_named_default if {
	count(findings_of(bindings.role_binding({"subjects": [bindings.group(0, "default")]}))) == 0
	count(findings_of(bindings.role_binding({"subjects": [bindings.user(0, "default")]}))) == 0
}

test_silent_for_other_service_accounts if {
	count(findings_of(bindings.role_binding({}))) == 0
	count(findings_of(bindings.role_binding({"subjects": [bindings.service_account(0, "default", "web", {})]}))) == 0
}

test_silent_without_account_namespace if {
	s := bindings.service_account(0, "", "default", {})
	count(findings_of(bindings.cluster_role_binding({"subjects": [s]}))) == 0
}
