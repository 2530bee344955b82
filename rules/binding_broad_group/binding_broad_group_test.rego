package salint.rules.binding_broad_group_test

import data.salint.lib.bindings_facts_test as bindings
import data.salint.lib.facts_test as facts
import data.salint.rules.binding_broad_group as rule

findings_of(b) := fs if {
	fs := rule.findings with input as bindings.input_with([b])
}

view_to(subject) := bindings.cluster_role_binding({"roleRef": bindings.cluster_role("view"), "subjects": [subject]})

test_fires_high_for_system_authenticated if {
	f := facts.single(findings_of(view_to(bindings.group(0, "system:authenticated"))))
	f.ref == 5
	f.path == ["subjects", 0, "name"]
	not f.severity
	contains(f.msg, `Group "system:authenticated"`)
	contains(f.msg, "every user and ServiceAccount")
	contains(f.msg, `ClusterRole "view" cluster-wide`)
}

test_fires_high_for_system_serviceaccounts if {
	f := facts.single(findings_of(view_to(bindings.group(0, "system:serviceaccounts"))))
	not f.severity
	contains(f.msg, "every ServiceAccount of every namespace")
}

test_fires_high_for_the_service_accounts_of_a_namespace if {
	b := bindings.role_binding({
		"namespace": "ci",
		"roleRef": bindings.cluster_role("edit"),
		"subjects": [bindings.subject({}), bindings.group(1, "system:serviceaccounts:ci")],
	})
	f := facts.single(findings_of(b))
	f.path == ["subjects", 1, "name"]
	not f.severity
	contains(f.msg, `every ServiceAccount of namespace "ci"`)
	contains(f.msg, `ClusterRole "edit" in namespace "ci"`)
}

test_fires_critical_for_system_unauthenticated if {
	f := facts.single(findings_of(view_to(bindings.group(0, "system:unauthenticated"))))
	f.severity == "critical"
	f.path == ["subjects", 0, "name"]
	contains(f.msg, "without credentials")
}

test_fires_critical_for_anonymous_user if {
	f := facts.single(findings_of(view_to(bindings.user(0, "system:anonymous"))))
	f.severity == "critical"
	contains(f.msg, `User "system:anonymous"`)
	contains(f.msg, "without credentials")
}

test_fires_critical_for_system_masters if {
	f := facts.single(findings_of(view_to(bindings.group(0, "system:masters"))))
	f.severity == "critical"
	f.path == ["subjects", 0, "name"]
	contains(f.msg, "pass every authorization check")
}

test_one_finding_per_broad_subject if {
	b := bindings.cluster_role_binding({"subjects": [
		bindings.group(0, "system:authenticated"),
		bindings.subject({"index": 1, "namespace": "prod"}),
		bindings.user(2, "system:anonymous"),
	]})
	fs := findings_of(b)
	count(fs) == 2
	{[f.path, object.get(f, "severity", "high")] | some f in fs} == {
		[["subjects", 0, "name"], "high"],
		[["subjects", 2, "name"], "critical"],
	}
}

test_silent_for_narrow_subjects if {
	count(findings_of(view_to(bindings.group(0, "platform-team")))) == 0
	count(findings_of(view_to(bindings.user(0, "alice")))) == 0
	count(findings_of(bindings.role_binding({}))) == 0
}

test_silent_when_kind_does_not_match_the_name if {
	count(findings_of(view_to(bindings.user(0, "system:authenticated")))) == 0
	count(findings_of(view_to(bindings.group(0, "system:anonymous")))) == 0
	count(findings_of(view_to(bindings.service_account(0, "kube-system", "system:masters", {})))) == 0
}

test_silent_for_names_that_only_look_broad if {
	count(findings_of(view_to(bindings.group(0, "system:serviceaccounts:")))) == 0
	count(findings_of(view_to(bindings.group(0, "System:Authenticated")))) == 0
	count(findings_of(view_to(bindings.group(0, "system:serviceaccount:ci")))) == 0
}

test_names_a_role_ref_without_name_or_kind if {
	no_name := bindings.role_ref({"kind": "ClusterRole", "name": "", "resolution": "invalid", "ref": null})
	f := facts.single(findings_of(bindings.cluster_role_binding({"roleRef": no_name, "subjects": [bindings.group(0, "system:authenticated")]})))
	contains(f.msg, "whatever ClusterRole its roleRef would name (it names none)")
	not contains(f.msg, `""`)

	no_kind := bindings.role_ref({"kind": "", "name": "view", "resolution": "invalid", "ref": null})
	g := facts.single(findings_of(bindings.cluster_role_binding({"roleRef": no_kind, "subjects": [bindings.group(0, "system:authenticated")]})))
	contains(g.msg, `role "view" (its roleRef names no kind)`)
	not contains(g.msg, "  ")
}
