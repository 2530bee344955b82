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
	f.msg == "rule #1 grants update nodes/status, pods/status cluster-wide: it can forge the node conditions and addresses that the scheduler and node controllers act on and forge the pod readiness and IPs that controllers and Service endpoints act on"
	facts.single(findings_for([{"apiGroups": [""], "resources": ["*/status"], "verbs": ["update"]}]))
}

test_cites_the_cve_for_service_status_only if {
	node := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["nodes/status"], "verbs": ["patch"]}])]))
	not contains(node.msg, "CVE")
	not contains(node.msg, "Service")
	all_status := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["*/status"], "verbs": ["patch"]}])]))
	endswith(all_status.msg, " and set a Service's load-balancer IP to intercept traffic meant for that IP (CVE-2020-8554)")
}

test_a_role_does_not_forge_node_status if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["nodes/status", "pods/status"], "verbs": ["patch"]}]))
	f.msg == "rule #1 grants patch nodes/status, pods/status in namespace prod (nodes/status is cluster-scoped: a Role grants it nowhere): it can forge the pod readiness and IPs that controllers and Service endpoints act on"
	g := facts.single(findings_for([{"apiGroups": [""], "resources": ["nodes/status"], "verbs": ["patch"]}]))
	g.msg == "rule #1 names patch nodes/status; nodes/status is cluster-scoped, so a Role grants it nowhere, but in a ClusterRole it can forge the node conditions and addresses that the scheduler and node controllers act on"
}

test_silent_for_reading_status_or_other_status if {
	count(findings_for([{"apiGroups": [""], "resources": ["services/status"], "verbs": ["get", "list"]}])) == 0
	count(findings_for([{"apiGroups": ["apps"], "resources": ["deployments/status"], "verbs": ["update"]}])) == 0
	count(findings_for([{"apiGroups": [""], "resources": ["services"], "verbs": ["update"]}])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_for([everything])) == 0
}
