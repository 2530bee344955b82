package salint.rules.rbac_write_secrets_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_write_secrets as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_fires_for_creating_secrets if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "create"]}]))
	f.path == ["rules", 0, "resources", 0]
	contains(f.msg, "rule #1 grants create secrets in namespace prod")
	contains(f.msg, "token Secret")
	not f.severity
}

test_stays_high_for_create_with_resource_names if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"], "resourceNames": ["db-password"]}]))
	not f.severity
	contains(f.msg, `resourceNames "db-password" cannot limit create`)
}

test_stays_high_for_star_verbs_with_resource_names if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"], "resourceNames": ["db-password"]}]))
	not f.severity
	contains(f.msg, `grants patch, update on secrets "db-password" only and create secrets of any name in namespace prod (resourceNames cannot limit create): `)
}

test_says_which_verbs_resource_names_limit if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["update", "create"], "resourceNames": ["a", "b"]}]))
	not f.severity
	startswith(f.msg, `rule #1 grants update secrets "a", "b" only and create secrets of any name in namespace prod (resourceNames cannot limit create): `)
}

test_fires_low_for_update_and_patch_limited_by_resource_names if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["update", "patch"], "resourceNames": ["db-password"]}]))
	f.severity == "low"
	f.msg == `rule #1 grants update, patch on secrets "db-password" only in namespace prod: it can change the credentials those Secrets hold, which other workloads use`
}

test_fires_high_for_update_without_resource_names if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["patch"]}])]))
	not f.severity
	contains(f.msg, "patch secrets cluster-wide")
}

test_silent_for_reading_and_deleting if {
	count(findings_for([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch", "delete"]}])) == 0
}

test_silent_for_secrets_outside_the_core_group if {
	count(findings_for([{"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["create"]}])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_for([everything])) == 0
}
