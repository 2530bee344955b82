package salint.rules.rbac_read_secrets_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_read_secrets as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_fires_for_reading_secrets if {
	f := facts.single(findings_for([
		{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["get", "list", "create"]},
	]))
	f.ref == 4
	f.path == ["rules", 1, "resources", 1]
	contains(f.msg, "rule #2 grants get, list on secrets in namespace prod")
	contains(f.msg, "credentials")
	not f.severity
}

test_fires_cluster_wide_for_watch if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["watch"]}])]))
	contains(f.msg, "rule #1 grants watch secrets cluster-wide")
}

test_fires_low_when_limited_by_resource_names if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"], "resourceNames": ["db-password"]}]))
	f.severity == "low"
	f.path == ["rules", 0, "resources", 0]
	contains(f.msg, `rule #1 grants get, list on secrets "db-password" only in namespace prod: `)
}

test_fires_low_for_star_verbs_limited_by_resource_names if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"], "resourceNames": ["db-password"]}]))
	f.severity == "low"
	contains(f.msg, "grants * on secrets")
}

test_fires_through_wildcards if {
	f := facts.single(findings_for([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["list"]}]))
	f.path == ["rules", 0, "resources", 0]
	contains(f.msg, "list secrets")
}

test_silent_for_secrets_outside_the_core_group if {
	count(findings_for([{"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]}])) == 0
}

test_silent_when_group_resource_and_verb_are_in_different_rules if {
	count(findings_for([
		{"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["create"]},
		{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]},
	])) == 0
}

test_silent_for_other_verbs if {
	count(findings_for([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "delete"]}])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_for([everything])) == 0
}
