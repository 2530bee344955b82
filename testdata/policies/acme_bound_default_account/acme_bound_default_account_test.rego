package salint.rules.acme_bound_default_account_test

import data.salint.rules.acme_bound_default_account as rule

pod_spec := ["spec", "template", "spec"]

# workload runs in namespace shop as account.
workload(account) := {
	"ref": 1, "kind": "Deployment", "namespace": "shop", "name": "report",
	"serviceAccount": {"name": account, "path": pod_spec, "ref": 2},
}

default_account := {"ref": 2, "kind": "ServiceAccount", "namespace": "shop", "name": "default"}

# binding grants ClusterRole edit to the ServiceAccount ns/name.
binding(ref, ns, name) := {
	"ref": ref, "kind": "RoleBinding", "namespace": "shop", "name": sprintf("deployer-%d", [ref]),
	"roleRef": {"kind": "ClusterRole", "name": "edit", "resolution": "builtin"},
	"subjects": [
		{"kind": "Group", "name": "devs", "accountNamespace": "", "namePath": ["subjects", 0, "name"]},
		{"kind": "ServiceAccount", "name": name, "accountNamespace": ns, "namePath": ["subjects", 1, "name"]},
	],
}

test_fires_with_every_object_related if {
	fs := rule.findings with input as {
		"workloads": [workload("default")],
		"serviceAccounts": [default_account],
		"bindings": [binding(3, "shop", "default")],
	}
	fs == {{
		"ref": 1,
		"path": pod_spec,
		"msg": `runs as the default ServiceAccount of namespace "shop", to which RoleBinding shop/deployer-3 grants ClusterRole edit`,
		"related": [
			{"ref": 2, "path": ["metadata", "name"], "msg": "the default ServiceAccount is declared here"},
			{"ref": 3, "path": ["subjects", 1, "name"], "msg": "RoleBinding shop/deployer-3 grants it ClusterRole edit"},
		],
	}}
}

test_names_every_binding_once_per_workload if {
	[f] := [f | some f in rule.findings] with input as {
		"workloads": [workload("default")],
		"serviceAccounts": [default_account],
		"bindings": [binding(3, "shop", "default"), binding(4, "shop", "default")],
	}
	f.msg == `runs as the default ServiceAccount of namespace "shop", to which RoleBinding shop/deployer-3 grants ClusterRole edit; RoleBinding shop/deployer-4 grants ClusterRole edit`
	count(f.related) == 3
}

test_silent_for_an_own_account if {
	count(rule.findings) == 0 with input as {
		"workloads": [workload("report")],
		"serviceAccounts": [default_account, object.union(default_account, {"ref": 5, "name": "report"})],
		"bindings": [binding(3, "shop", "report")],
	}
}

test_silent_when_the_default_account_is_not_bound if {
	count(rule.findings) == 0 with input as {
		"workloads": [workload("default")],
		"serviceAccounts": [default_account],
		"bindings": [binding(3, "other", "default"), binding(4, "shop", "report")],
	}
}

test_silent_when_the_default_account_is_not_declared if {
	count(rule.findings) == 0 with input as {
		"workloads": [workload("default")],
		"serviceAccounts": [object.union(default_account, {"namespace": "other"})],
		"bindings": [binding(3, "shop", "default")],
	}
}

test_joins_the_declaration_nearest_the_workload if {
	fs := rule.findings with input as {
		"workloads": [workload("default")],
		"serviceAccounts": [object.union(default_account, {"ref": 9}), default_account],
		"bindings": [binding(3, "shop", "default")],
	}
	[2] == [r.ref | some f in fs; some r in f.related; r.path == ["metadata", "name"]]
}

test_silent_for_a_binding_the_api_server_rejects if {
	invalid := object.union(binding(3, "shop", "default"), {"roleRef": {"kind": "Role", "name": "", "resolution": "invalid"}})
	count(rule.findings) == 0 with input as {
		"workloads": [workload("default")],
		"serviceAccounts": [default_account],
		"bindings": [invalid],
	}
}
