package salint.rules.rbac_manage_bindings_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_manage_bindings as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

rbac_group := "rbac.authorization.k8s.io"

test_fires_for_creating_role_bindings if {
	f := facts.single(findings_for([{"apiGroups": [rbac_group], "resources": ["roles", "rolebindings"], "verbs": ["get", "create"]}]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "rule #1 grants create rolebindings in namespace prod")
	contains(f.msg, "permissions it holds")
	not f.severity
}

test_fires_for_patching_cluster_role_bindings if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [rbac_group], "resources": ["clusterrolebindings"], "verbs": ["update", "patch"]}])]))
	contains(f.msg, "update, patch on clusterrolebindings cluster-wide")
}

test_silent_for_bind_on_bindings if {
	count(findings_for([{"apiGroups": [rbac_group], "resources": ["rolebindings"], "verbs": ["bind"]}])) == 0
}

test_silent_for_reading_or_deleting_bindings if {
	count(findings_for([{"apiGroups": [rbac_group], "resources": ["rolebindings"], "verbs": ["get", "list", "delete"]}])) == 0
	count(findings_for([{"apiGroups": [""], "resources": ["rolebindings"], "verbs": ["create"]}])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_for([everything])) == 0
}
