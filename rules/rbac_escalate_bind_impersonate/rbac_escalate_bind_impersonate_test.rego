package salint.rules.rbac_escalate_bind_impersonate_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_escalate_bind_impersonate as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

rbac_group := "rbac.authorization.k8s.io"

test_fires_for_bind_on_cluster_roles if {
	f := facts.single(findings_for([{"apiGroups": [rbac_group], "resources": ["rolebindings", "clusterroles"], "verbs": ["bind"]}]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "rule #1 grants bind clusterroles in namespace prod")
	contains(f.msg, "permissions it does not hold")
	not f.severity
}

test_fires_for_escalate_on_roles if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [rbac_group], "resources": ["roles"], "verbs": ["escalate"]}])]))
	contains(f.msg, "escalate roles cluster-wide")
}

test_fires_for_impersonation if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["users", "groups", "serviceaccounts"], "verbs": ["impersonate"]}])]))
	f.path == ["rules", 0, "resources", 0]
	contains(f.msg, "impersonate groups, serviceaccounts, users")
	facts.single(findings_for([{"apiGroups": ["authentication.k8s.io"], "resources": ["uids"], "verbs": ["impersonate"]}]))
	g := facts.single(findings_for([{"apiGroups": ["authentication.k8s.io"], "resources": ["userextras/scopes"], "verbs": ["impersonate"]}]))
	contains(g.msg, "impersonate userextras/scopes")
}

test_silent_for_bind_on_bindings if {
	count(findings_for([{"apiGroups": [rbac_group], "resources": ["rolebindings", "clusterrolebindings"], "verbs": ["bind", "escalate", "create"]}])) == 0
}

test_silent_for_other_verbs_or_groups if {
	count(findings_for([{"apiGroups": [rbac_group], "resources": ["roles", "clusterroles"], "verbs": ["get", "create", "update"]}])) == 0
	count(findings_for([{"apiGroups": [""], "resources": ["clusterroles"], "verbs": ["bind"]}])) == 0
	count(findings_for([{"apiGroups": ["authentication.k8s.io"], "resources": ["users"], "verbs": ["impersonate"]}])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_for([everything])) == 0
}
