# Package salint.lib.bindings_facts_test builds the input.bindings facts of
# docs/rule-input.md for the binding rule tests (SA06x). Like facts_test, each
# builder merges overrides into a complete fact and is undefined when the
# result has a key the schema lacks, misses one, or holds a value outside an
# enumeration, so a typo in a test input fails that test.
package salint.lib.bindings_facts_test

import data.salint.lib.facts_test as facts

rbac_group := "rbac.authorization.k8s.io"

# input_with is a complete rule input holding the given bindings.
input_with(bindings) := facts.input_with({"bindings": bindings})

base_role_ref := {
	"apiGroup": rbac_group,
	"kind": "Role",
	"name": "web",
	"path": ["roleRef"],
	"kindPath": ["roleRef", "kind"],
	"namePath": ["roleRef", "name"],
	"resolution": "input",
	"ref": 4,
}

base_subject := {
	"index": 0,
	"kind": "ServiceAccount",
	"apiGroup": "",
	"name": "web",
	"namespace": "",
	"path": ["subjects", 0],
	"namePath": ["subjects", 0, "name"],
	"accountNamespace": "prod",
	"inInput": true,
	"known": false,
	"ref": 1,
}

base_binding := {
	"ref": 5,
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "RoleBinding",
	"namespace": "prod",
	"name": "web",
	"roleRef": base_role_ref,
	"subjects": [base_subject],
}

# role_binding is a RoleBinding in namespace prod binding Role prod/web (in
# the input) to ServiceAccount prod/web (in the input).
role_binding(overrides) := b if {
	b := object.union(base_binding, overrides)
	valid_binding(b)
}

# cluster_role_binding binds ClusterRole "web" (in the input) cluster-wide to
# ServiceAccount prod/web, named with its namespace as a ClusterRoleBinding
# requires.
cluster_role_binding(overrides) := b if {
	base := object.union(base_binding, {
		"kind": "ClusterRoleBinding",
		"namespace": "",
		"roleRef": {"kind": "ClusterRole"},
		"subjects": [subject({"namespace": "prod"})],
	})
	b := object.union(base, overrides)
	valid_binding(b)
}

# cluster_role is a roleRef to a ClusterRole that every cluster has.
cluster_role(name) := role_ref({"kind": "ClusterRole", "name": name, "resolution": "builtin", "ref": null})

role_ref(overrides) := r if {
	r := object.union(base_role_ref, overrides)
	valid_role_ref(r)
}

# subject is ServiceAccount subject prod/web at the given index (default 0),
# with its paths following the index.
subject(overrides) := s if {
	i := object.get(overrides, "index", 0)
	at := object.union(base_subject, {"index": i, "path": ["subjects", i], "namePath": ["subjects", i, "name"]})
	s := object.union(at, overrides)
	valid_subject(s)
}

# group and user are subjects that are not ServiceAccounts: the account
# fields stay empty.
group(index, name) := subject({
	"index": index,
	"kind": "Group",
	"apiGroup": rbac_group,
	"name": name,
	"accountNamespace": "",
	"inInput": false,
	"ref": null,
})

user(index, name) := subject({
	"index": index,
	"kind": "User",
	"apiGroup": rbac_group,
	"name": name,
	"accountNamespace": "",
	"inInput": false,
	"ref": null,
})

# service_account is ServiceAccount subject namespace/name that is neither in
# the input nor known; pass overrides to change that.
service_account(index, namespace, name, overrides) := subject(object.union(
	{
		"index": index,
		"name": name,
		"namespace": namespace,
		"accountNamespace": namespace,
		"inInput": false,
		"ref": null,
	},
	overrides,
))

valid_binding(b) if {
	facts.conforms(base_binding, b)
	b.kind in {"RoleBinding", "ClusterRoleBinding"}
	cluster_scoped_has_no_namespace(b)
	valid_role_ref(b.roleRef)
	every i, s in b.subjects {
		s.index == i
		valid_subject(s)
	}
}

cluster_scoped_has_no_namespace(b) if b.kind == "RoleBinding"

cluster_scoped_has_no_namespace(b) if {
	b.kind == "ClusterRoleBinding"
	b.namespace == ""
}

valid_role_ref(r) if {
	facts.conforms(base_role_ref, r)
	r.resolution in {"input", "builtin", "known", "unresolved", "invalid"}
	ref_matches_resolution(r)
}

ref_matches_resolution(r) if {
	r.resolution == "input"
	r.ref != null
}

ref_matches_resolution(r) if {
	r.resolution != "input"
	r.ref == null
}

valid_subject(s) if {
	facts.conforms(base_subject, s)
	s.path == ["subjects", s.index]
	s.namePath == ["subjects", s.index, "name"]
	account_fields_fit_kind(s)
}

account_fields_fit_kind(s) if {
	s.kind == "ServiceAccount"
	account_ref_is_in_input(s)
}

# Users, groups and misspelled kinds resolve no account.
account_fields_fit_kind(s) if {
	s.kind != "ServiceAccount"
	s.accountNamespace == ""
	s.inInput == false
	s.known == false
	s.ref == null
}

account_ref_is_in_input(s) if {
	s.inInput == true
	s.ref != null
}

account_ref_is_in_input(s) if {
	s.inInput == false
	s.ref == null
}

test_base_binding_facts_are_valid if {
	role_binding({})
	cluster_role_binding({})
	role_ref({})
	cluster_role("cluster-admin")
	subject({})
	group(1, "system:authenticated")
	user(2, "alice")
	service_account(3, "ci", "builder", {})
	role_binding({"subjects": [subject({}), group(1, "devs"), service_account(2, "ci", "builder", {"known": true})]})
}

test_misspelled_binding_keys_are_rejected if {
	not role_binding({"roleref": {}})
	not role_binding({"roleRef": {"namepath": ["roleRef", "name"]}})
	not role_binding({"subjects": [object.union(base_subject, {"acountNamespace": "prod"})]})
	not subject({"inInput": false})
	not subject({"path": ["subjects", 1]})
	not role_binding({"subjects": [subject({"index": 1})]})
}

test_binding_enumerations_are_checked if {
	not role_binding({"kind": "Binding"})
	not role_ref({"resolution": "resolved"})
	not role_ref({"resolution": "builtin"})
	not cluster_role_binding({"namespace": "prod"})
	not subject({"kind": "Group"})
}
