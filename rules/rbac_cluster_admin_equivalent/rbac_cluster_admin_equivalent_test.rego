package salint.rules.rbac_cluster_admin_equivalent_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_cluster_admin_equivalent as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_fires_for_every_verb_on_every_resource if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": ["*"], "resources": ["configmaps", "*"], "verbs": ["*"]}])]))
	f.ref == 4
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "rule #1 grants * on * cluster-wide")
	contains(f.msg, "cluster-admin")
	not f.severity
}

test_fires_for_a_namespace_role if {
	f := facts.single(findings_for([{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]}, everything]))
	f.path == ["rules", 1, "resources", 0]
	contains(f.msg, "rule #2 grants * on * in namespace prod")
	contains(f.msg, "full control of the namespace")
}

test_fires_for_every_verb_on_every_url if {
	url_rule := {"apiGroups": [], "resources": [], "verbs": ["*"], "nonResourceURLs": ["/healthz", "*"]}
	f := facts.single(findings_of([rf.cluster_role({}, [url_rule])]))
	f.path == ["rules", 0, "nonResourceURLs", 1]
	contains(f.msg, "non-resource URLs")
}

test_silent_when_a_wildcard_is_missing if {
	count(findings_for([{"apiGroups": [""], "resources": ["*"], "verbs": ["*"]}])) == 0
	count(findings_for([{"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["*"]}])) == 0
	count(findings_for([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "create"]}])) == 0
	count(findings_for([{"apiGroups": ["*"], "resources": ["pods/*"], "verbs": ["*"]}])) == 0
	count(findings_of([rf.cluster_role({}, [{"apiGroups": [], "resources": [], "verbs": ["get"], "nonResourceURLs": ["*"]}])])) == 0
}
