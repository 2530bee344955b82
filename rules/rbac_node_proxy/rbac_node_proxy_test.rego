package salint.rules.rbac_node_proxy_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_node_proxy as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_fires_for_node_proxy if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["nodes", "nodes/proxy"], "verbs": ["get", "list"]}])]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "rule #1 grants get nodes/proxy cluster-wide")
	contains(f.msg, "kubelet")
}

test_fires_for_star_proxy_create if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["*/proxy"], "verbs": ["create"]}])]))
	f.path == ["rules", 0, "resources", 0]
}

test_silent_for_metrics_and_other_verbs if {
	count(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["nodes/metrics", "nodes/stats"], "verbs": ["get"]}])])) == 0
	count(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["list", "watch"]}])])) == 0
	count(findings_of([rf.cluster_role({}, [{"apiGroups": ["metrics.k8s.io"], "resources": ["nodes/proxy"], "verbs": ["get"]}])])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_of([rf.cluster_role({}, [everything])])) == 0
}
