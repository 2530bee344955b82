package salint.rules.binding_cluster_admin_test

import data.salint.lib.bindings_facts_test as bindings
import data.salint.lib.facts_test as facts
import data.salint.rules.binding_cluster_admin as rule

findings_of(b) := fs if {
	fs := rule.findings with input as bindings.input_with([b])
}

test_fires_critical_for_cluster_role_binding_to_cluster_admin if {
	f := facts.single(findings_of(bindings.cluster_role_binding({"roleRef": bindings.cluster_role("cluster-admin")})))
	f.ref == 5
	f.path == ["roleRef", "name"]
	not f.severity
	contains(f.msg, `ClusterRole "cluster-admin" is bound cluster-wide`)
	contains(f.msg, "every verb on every resource of the cluster")
}

test_fires_critical_for_role_binding_to_cluster_admin if {
	f := facts.single(findings_of(bindings.role_binding({"roleRef": bindings.cluster_role("cluster-admin")})))
	f.path == ["roleRef", "name"]
	not f.severity
	contains(f.msg, `bound in namespace "prod"`)
	contains(f.msg, "Secrets")
}

test_fires_critical_for_cluster_admin_defined_in_input if {
	r := bindings.role_ref({"kind": "ClusterRole", "name": "cluster-admin", "ref": 9})
	f := facts.single(findings_of(bindings.cluster_role_binding({"roleRef": r})))
	not f.severity
}

test_fires_high_for_cluster_role_binding_to_admin if {
	f := facts.single(findings_of(bindings.cluster_role_binding({"roleRef": bindings.cluster_role("admin")})))
	f.path == ["roleRef", "name"]
	f.severity == "high"
	contains(f.msg, `ClusterRole "admin" is bound cluster-wide`)
	contains(f.msg, "grant roles in every namespace")
}

test_fires_high_for_cluster_role_binding_to_edit if {
	f := facts.single(findings_of(bindings.cluster_role_binding({"roleRef": bindings.cluster_role("edit")})))
	f.path == ["roleRef", "name"]
	f.severity == "high"
	contains(f.msg, `ClusterRole "edit"`)
	contains(f.msg, "read Secrets and run pods as any ServiceAccount in every namespace")
}

test_silent_for_role_binding_to_admin_or_edit if {
	count(findings_of(bindings.role_binding({"roleRef": bindings.cluster_role("admin")}))) == 0
	count(findings_of(bindings.role_binding({"roleRef": bindings.cluster_role("edit")}))) == 0
}

test_silent_for_view if {
	count(findings_of(bindings.role_binding({"roleRef": bindings.cluster_role("view")}))) == 0
	count(findings_of(bindings.cluster_role_binding({"roleRef": bindings.cluster_role("view")}))) == 0
}

test_silent_for_a_role_named_like_a_built_in_cluster_role if {
	r := bindings.role_ref({"name": "cluster-admin"})
	count(findings_of(bindings.role_binding({"roleRef": r}))) == 0
	count(findings_of(bindings.role_binding({"roleRef": object.union(r, {"name": "admin"})}))) == 0
}

test_silent_for_own_roles if {
	count(findings_of(bindings.role_binding({}))) == 0
	count(findings_of(bindings.cluster_role_binding({}))) == 0
}

test_one_finding_per_binding if {
	crb := bindings.cluster_role_binding({"roleRef": bindings.cluster_role("cluster-admin")})
	rb := bindings.role_binding({"ref": 6, "roleRef": bindings.cluster_role("cluster-admin")})
	fs := rule.findings with input as bindings.input_with([crb, rb])
	{f.ref | some f in fs} == {5, 6}
	count(fs) == 2
}
