package salint.rules.binding_undefined_subject_test

import data.salint.lib.bindings_facts_test as bindings
import data.salint.lib.facts_test as facts
import data.salint.rules.binding_undefined_subject as rule

findings_of(b) := fs if {
	fs := rule.findings with input as bindings.input_with([b])
}

test_fires_for_undefined_service_account if {
	b := bindings.role_binding({"subjects": [bindings.service_account(0, "ci", "builder", {})]})
	f := facts.single(findings_of(b))
	f.ref == 5
	f.path == ["subjects", 0, "name"]
	not f.severity
	contains(f.msg, `ServiceAccount "ci/builder" is neither in the input nor listed in known.serviceAccounts`)
}

test_fires_in_the_binding_namespace_when_the_subject_names_none if {
	s := bindings.subject({"index": 1, "name": "builder", "inInput": false, "ref": null})
	b := bindings.role_binding({"subjects": [bindings.subject({}), s]})
	f := facts.single(findings_of(b))
	f.path == ["subjects", 1, "name"]
	contains(f.msg, `"prod/builder"`)
}

test_fires_for_cluster_role_binding if {
	b := bindings.cluster_role_binding({"subjects": [bindings.service_account(0, "vendor", "agent", {})]})
	f := facts.single(findings_of(b))
	contains(f.msg, `"vendor/agent"`)
}

test_one_finding_per_undefined_subject if {
	b := bindings.cluster_role_binding({"subjects": [
		bindings.service_account(0, "a", "x", {}),
		bindings.service_account(1, "b", "y", {"inInput": true, "ref": 2}),
		bindings.service_account(2, "c", "z", {}),
	]})
	{f.path | some f in findings_of(b)} == {["subjects", 0, "name"], ["subjects", 2, "name"]}
}

test_silent_when_in_input if {
	count(findings_of(bindings.role_binding({}))) == 0
	count(findings_of(bindings.cluster_role_binding({}))) == 0
}

test_silent_when_known if {
	s := bindings.service_account(0, "ci", "builder", {"known": true})
	count(findings_of(bindings.role_binding({"subjects": [s]}))) == 0
}

test_silent_for_default_service_account if {
	s := bindings.service_account(0, "ci", "default", {})
	count(findings_of(bindings.role_binding({"subjects": [s]}))) == 0
}

test_silent_without_account_namespace if {
	s := bindings.service_account(0, "", "builder", {})
	count(findings_of(bindings.cluster_role_binding({"subjects": [s]}))) == 0
}

test_silent_for_users_and_groups if {
	b := bindings.role_binding({"subjects": [bindings.user(0, "alice"), bindings.group(1, "devs")]})
	count(findings_of(b)) == 0
}

test_silent_for_a_subject_without_name if {
	s := bindings.service_account(0, "ci", "", {})
	count(findings_of(bindings.role_binding({"subjects": [s]}))) == 0
}
