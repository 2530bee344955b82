package salint.rules.rbac_delete_events_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_delete_events as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_fires_for_deleting_events if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["pods", "events"], "verbs": ["list", "delete"]}]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "rule #1 grants delete events in namespace prod")
	contains(f.msg, "erase")
	not f.severity
}

test_fires_for_events_api_group if {
	f := facts.single(findings_for([{"apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": ["deletecollection"]}]))
	contains(f.msg, "deletecollection events")
}

test_silent_for_recording_events if {
	count(findings_for([{"apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch", "update"]}])) == 0
	count(findings_for([{"apiGroups": ["apps"], "resources": ["events"], "verbs": ["delete"]}])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_for([everything])) == 0
}
