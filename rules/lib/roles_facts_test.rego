# Package salint.lib.roles_facts_test builds the role facts of
# docs/rule-input.md (input.roles, input.grantRoles) for the RBAC tests. Like
# salint.lib.facts_test, a builder is undefined when its result has a key the
# schema lacks, misses one, or holds a value of the wrong shape, so a typo in
# a test input fails that test.
package salint.lib.roles_facts_test

import data.salint.lib.facts_test as facts

base_role := {
	"ref": 4,
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "Role",
	"namespace": "prod",
	"name": "web",
	"aggregated": false,
	"rules": [],
}

base_rule := {
	"index": 0,
	"path": ["rules", 0],
	"apiGroups": [""],
	"resources": [],
	"verbs": [],
	"resourceNames": [],
	"nonResourceURLs": [],
}

# rule is one rule fact at index 0, apiGroups [""] unless overridden.
rule(overrides) := r if {
	r := object.union(base_rule, overrides)
	valid_rule(r)
}

# numbered turns rule overrides into rule facts indexed by their position.
numbered(specs) := [r |
	some i, spec in specs
	r := rule(object.union(spec, {"index": i, "path": ["rules", i]}))
]

# role is a Role in namespace prod holding the rules of specs, in order.
role(overrides, specs) := r if {
	rules := numbered(specs)
	count(rules) == count(specs)
	r := object.union(object.union(base_role, overrides), {"rules": rules})
	valid_role(r)
}

# cluster_role is a ClusterRole holding the rules of specs, in order.
cluster_role(overrides, specs) := role(object.union({"kind": "ClusterRole", "namespace": ""}, overrides), specs)

# input_with_roles is a complete rule input holding the given roles.
input_with_roles(roles) := facts.input_with({"roles": roles})

# grant_role is an element of input.grantRoles, as the engine builds it.
grant_role(key, specs) := {"key": key, "rules": rules} if {
	rules := numbered(specs)
	count(rules) == count(specs)
}

valid_role(r) if {
	facts.conforms(base_role, r)
	r.kind in {"Role", "ClusterRole"}
	valid_namespace(r)
	every x in r.rules {
		valid_rule(x)
	}
}

valid_namespace(r) if {
	r.kind == "Role"
	r.namespace != ""
}

valid_namespace(r) if {
	r.kind == "ClusterRole"
	r.namespace == ""
}

valid_rule(r) if {
	facts.conforms(base_rule, r)
	is_number(r.index)
	r.path == ["rules", r.index]
	every field in ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"] {
		strings(r[field])
	}
}

strings(xs) if {
	is_array(xs)
	every x in xs {
		is_string(x)
	}
}

test_base_role_facts_are_valid if {
	rule({})
	role({}, [{}])
	cluster_role({}, [{}, {"verbs": ["get"]}])
	grant_role(0, [{}])
}

test_rules_are_numbered_by_position if {
	r := role({}, [{"verbs": ["get"]}, {"verbs": ["list"]}])
	r.rules[1].index == 1
	r.rules[1].path == ["rules", 1]
	r.rules[1].verbs == ["list"]
	r.rules[1].apiGroups == [""]
}

test_misspelled_role_facts_are_rejected if {
	not rule({"verb": ["get"]})
	not rule({"verbs": "get"})
	not rule({"resourceNames": null})
	not role({"kind": "RoleBinding"}, [])
	not role({"namspace": "prod"}, [])
	not role({}, [{"apiGroup": [""]}])
	not cluster_role({"namespace": "prod"}, [])
	not role({"namespace": ""}, [])
	not grant_role(0, [{"resource": ["pods"]}])
}
