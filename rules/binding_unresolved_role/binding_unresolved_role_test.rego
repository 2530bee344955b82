package salint.rules.binding_unresolved_role_test

import data.salint.lib.bindings_facts_test as bindings
import data.salint.lib.facts_test as facts
import data.salint.rules.binding_unresolved_role as rule

findings_of(b) := fs if {
	fs := rule.findings with input as bindings.input_with([b])
}

unresolved(kind, name) := bindings.role_ref({"kind": kind, "name": name, "resolution": "unresolved", "ref": null})

test_fires_for_unresolved_cluster_role if {
	b := bindings.cluster_role_binding({"roleRef": unresolved("ClusterRole", "vendor-admin")})
	f := facts.single(findings_of(b))
	f.ref == 5
	f.path == ["roleRef", "name"]
	not f.severity
	contains(f.msg, `ClusterRole "vendor-admin" is not in the input, not built in, and not listed in known.roles`)
	contains(f.msg, `"ClusterRole/vendor-admin"`)
}

test_fires_for_unresolved_cluster_role_of_a_role_binding if {
	b := bindings.role_binding({"roleRef": unresolved("ClusterRole", "vendor-admin")})
	f := facts.single(findings_of(b))
	f.path == ["roleRef", "name"]
	contains(f.msg, `ClusterRole "vendor-admin" is not in the input`)
}

test_fires_for_unresolved_role_naming_its_namespace if {
	b := bindings.role_binding({"namespace": "ci", "roleRef": unresolved("Role", "deployer")})
	f := facts.single(findings_of(b))
	f.path == ["roleRef", "name"]
	contains(f.msg, `Role "deployer" was looked up in namespace "ci" but is neither in the input there`)
	contains(f.msg, `"Role/ci/deployer"`)
}

test_silent_for_resolved_roles if {
	count(findings_of(bindings.role_binding({}))) == 0
	count(findings_of(bindings.cluster_role_binding({"roleRef": bindings.cluster_role("view")}))) == 0
	count(findings_of(bindings.cluster_role_binding({"roleRef": bindings.cluster_role("system:auth-delegator")}))) == 0
	known := bindings.role_ref({"name": "deployer", "resolution": "known", "ref": null})
	count(findings_of(bindings.role_binding({"roleRef": known}))) == 0
}

test_silent_for_invalid_references if {
	invalid := bindings.role_ref({"kind": "Role", "name": "deployer", "resolution": "invalid", "ref": null})
	count(findings_of(bindings.cluster_role_binding({"roleRef": invalid}))) == 0
}
