package salint.rules.rbac_wildcard_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_wildcard as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_fires_once_per_wildcard_item if {
	fs := findings_for([
		{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]},
		{"apiGroups": ["*", "apps"], "resources": ["pods", "*/scale", "*"], "verbs": ["get", "*"]},
	])
	{f.path | some f in fs} == {
		["rules", 1, "apiGroups", 0],
		["rules", 1, "resources", 1],
		["rules", 1, "resources", 2],
		["rules", 1, "verbs", 1],
	}
	every f in fs {
		f.ref == 4
		startswith(f.msg, "rule #2 uses ")
		not f.severity
	}
}

test_messages_name_the_item_and_field if {
	fs := findings_for([{"apiGroups": ["*"], "resources": ["*/scale", "*"], "verbs": ["*"]}])
	msgs := {f.path: f.msg | some f in fs}
	contains(msgs[["rules", 0, "apiGroups", 0]], `uses "*" in apiGroups`)
	contains(msgs[["rules", 0, "apiGroups", 0]], "every API group")
	contains(msgs[["rules", 0, "resources", 0]], `uses "*/scale" in resources`)
	contains(msgs[["rules", 0, "resources", 0]], "scale subresource of every resource")
	contains(msgs[["rules", 0, "resources", 1]], `uses "*" in resources`)
	contains(msgs[["rules", 0, "verbs", 0]], `uses "*" in verbs`)
	contains(msgs[["rules", 0, "verbs", 0]], "escalate")
}

test_fires_alongside_cluster_admin_equivalent if {
	count(findings_for([everything])) == 3
}

test_fires_for_cluster_roles if {
	f := facts.single(findings_of([rf.cluster_role({"ref": 9}, [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["*"]}])]))
	f.ref == 9
	f.path == ["rules", 0, "verbs", 0]
}

test_silent_without_wildcards if {
	count(findings_for([
		{"apiGroups": ["", "apps"], "resources": ["pods/*", "deployments"], "verbs": ["get", "list"]},
		{"apiGroups": [], "resources": [], "verbs": ["get"], "nonResourceURLs": ["*", "/healthz/*"]},
	])) == 0
	count(findings_for([{"apiGroups": ["*.example.com"], "resources": ["widgets"], "verbs": ["*get"]}])) == 0
}
