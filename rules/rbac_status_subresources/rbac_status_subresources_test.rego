package salint.rules.rbac_status_subresources_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_status_subresources as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_fires_for_service_status if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["services", "services/status"], "verbs": ["get", "patch"]}]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "rule #1 grants patch services/status in namespace prod")
	contains(f.msg, "CVE-2020-8554")
	not f.severity
}

test_fires_for_node_and_pod_status if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["pods/status", "nodes/status"], "verbs": ["update"]}])]))
	f.path == ["rules", 0, "resources", 0]
	contains(f.msg, "update nodes/status, pods/status cluster-wide")
	facts.single(findings_for([{"apiGroups": [""], "resources": ["*/status"], "verbs": ["update"]}]))
}

test_silent_for_reading_status_or_other_status if {
	count(findings_for([{"apiGroups": [""], "resources": ["services/status"], "verbs": ["get", "list"]}])) == 0
	count(findings_for([{"apiGroups": ["apps"], "resources": ["deployments/status"], "verbs": ["update"]}])) == 0
	count(findings_for([{"apiGroups": [""], "resources": ["services"], "verbs": ["update"]}])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_for([everything])) == 0
}
