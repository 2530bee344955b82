# METADATA
# title: Field is unknown or has the wrong type
# description: >-
#   Fires when strict decoding of a checked object finds, where salint's rules
#   look, a field Kubernetes does not know (such as automountServiceAcountToken)
#   or a value of the wrong type (such as automountServiceAccountToken:
#   "false"). The API server rejects the object or silently drops the field, so
#   a protection the author meant to configure is not in place. Salint looks at
#   the pod spec's serviceAccountName, serviceAccount and
#   automountServiceAccountToken, its volumes (their names, secret and
#   projected sources), the env, envFrom and volumeMounts of every container,
#   init container and ephemeral container, the whole of a ServiceAccount, a
#   Secret's type, the rules and aggregationRule of a Role or ClusterRole, the
#   subjects and roleRef of a binding, and the metadata of every checked object.
#   It also reports a misspelling of one of those fields (or of a field on the
#   way to them), one of the pod's three identity fields written in the wrong
#   place, and a value of the wrong type that takes one of those fields with
#   it. Schema problems elsewhere, such as a placeholder in a Secret's data or a
#   string containerPort, are not salint's to report.
# custom:
#   id: SA090
#   name: invalid-field
#   severity: high
#   category: validity
#   remediation: >-
#     Fix the field name or value so that it matches the Kubernetes API, for
#     example automountServiceAccountToken: false as an unquoted boolean.
#   references:
#     - https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
#     - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
package salint.rules.invalid_field

findings contains {"ref": f.ref, "path": f.path, "msg": message(f)} if {
	some f in input.invalidFields
	checked(f)
}

message(f) := sprintf("unknown field %q: Kubernetes rejects or drops it", [f.field]) if {
	f.problem == "unknown"
} else := sprintf("field %q has the wrong type: %s", [f.field, f.detail]) if {
	f.detail != ""
} else := sprintf("field %q has the wrong type", [f.field])

# checked holds for a rejected field the catalogue reads, or one that takes
# such a field with it, or stands for one misspelt: in the object's own
# fields, below its pod spec, on the way to its pod spec, or a pod identity
# field written in the wrong place.
checked(f) if f.kind == "ServiceAccount"

checked(f) if reads(object.union({"metadata": true}, object.get(by_kind, f.kind, {})), stars(f.path), f.problem)

checked(f) if {
	some spec in f.podSpecs
	count(spec) <= count(f.path)
	array.slice(f.path, 0, count(spec)) == spec
	reads(pod_tree, stars(array.slice(f.path, count(spec), count(f.path))), f.problem)
}

checked(f) if {
	some spec in f.podSpecs
	on_the_way(f.path, spec, f.problem)
}

checked(f) if {
	f.problem == "unknown"
	count(f.path) > 0
	some name in pod_fields
	near(f.path[count(f.path) - 1], name)
}

# by_kind is the tree of the fields the catalogue reads in an object of a
# kind besides its metadata (a ServiceAccount is read whole): true marks a
# field read whole, "*" any list index.
by_kind := {
	"Secret": {"type": true},
	"Role": {"rules": true},
	"ClusterRole": {"rules": true, "aggregationRule": true},
	"RoleBinding": {"subjects": true, "roleRef": true},
	"ClusterRoleBinding": {"subjects": true, "roleRef": true},
}

# The pod's identity and token fields.
pod_fields := ["serviceAccountName", "serviceAccount", "automountServiceAccountToken"]

# pod_tree is what the catalogue reads below a pod spec: its identity and
# token fields, each volume's name and its secret and projected sources, and
# the env, envFrom and volumeMounts of every kind of container.
pod_tree := object.union(
	{name: true | some name in pod_fields},
	object.union(
		{"volumes": {"*": {"name": true, "secret": true, "projected": true}}},
		{list: {"*": {"env": true, "envFrom": true, "volumeMounts": true}} |
			some list in ["containers", "initContainers", "ephemeralContainers"]
		},
	),
)

# reads holds when path (indexes as "*") lies at or below a watched field of
# tree; for a value of the wrong type, when it holds watched fields (they
# are dropped with it); for an unknown key, when it reads as a key of tree
# at its place, misspelt.
reads(tree, path, _) if {
	some i in numbers.range(0, count(path))
	object.get(tree, array.slice(path, 0, i), null) == true
}

reads(tree, path, "type") if is_object(object.get(tree, path, null))

reads(tree, path, "unknown") if {
	n := count(path) - 1
	n >= 0
	node := object.get(tree, array.slice(path, 0, n), null)
	is_object(node)
	some key, _ in node
	near(path[n], key)
}

# on_the_way holds for a value of the wrong type above the pod spec, and for
# an unknown key that reads as the next key on the way to it, misspelt.
on_the_way(path, spec, "type") if {
	count(path) < count(spec)
	array.slice(spec, 0, count(path)) == path
}

on_the_way(path, spec, "unknown") if {
	n := count(path) - 1
	n < count(spec)
	array.slice(spec, 0, n) == array.slice(path, 0, n)
	near(path[n], spec[n])
}

stars(path) := [step | some x in path; step := star(x)]

star(x) := "*" if is_number(x)

else := x

# near holds for a key that reads as target misspelt: the same letters in
# another case or with "-" or "_", one edit in one place (two for a target of
# more than five letters), or two neighbours swapped.
near(key, target) if {
	is_string(key)
	a := normal(key)
	b := normal(target)
	abs(count(a) - count(b)) <= edit_limit(count(b))
	p := common_prefix(a, b)
	s := common_prefix(strings.reverse(substring(a, p, -1)), strings.reverse(substring(b, p, -1)))
	edit_near(substring(a, p, (count(a) - p) - s), substring(b, p, (count(b) - p) - s), count(b))
}

edit_near(x, y, n) if {
	count(x) <= edit_limit(n)
	count(y) <= edit_limit(n)
}

edit_near(x, y, _) if {
	count(x) == 2
	x == strings.reverse(y)
}

edit_limit(n) := 1 if n <= 5

else := 2

normal(key) := lower(replace(replace(key, "-", ""), "_", ""))

# common_prefix is the length of the longest common prefix of a and b: the
# first position where they differ, found one letter at a time.
common_prefix(a, b) := 0 if {
	min([count(a), count(b)]) == 0
} else := min({i |
	some i in numbers.range(0, n - 1)
	substring(a, i, 1) != substring(b, i, 1)
} | {n}) if {
	n := min([count(a), count(b)])
}
