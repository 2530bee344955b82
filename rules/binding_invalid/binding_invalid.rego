# METADATA
# title: Binding is rejected by the API server
# description: >-
#   Fires for each problem that makes the API server refuse a RoleBinding or
#   ClusterRoleBinding: a ServiceAccount subject without namespace in a
#   ClusterRoleBinding (there is no binding namespace to default to), a
#   ClusterRoleBinding whose roleRef.kind is Role or anything but
#   ClusterRole, a RoleBinding whose roleRef.kind is neither Role nor
#   ClusterRole, an empty or malformed roleRef.name, a roleRef.apiGroup
#   other than rbac.authorization.k8s.io, and subjects with an unsupported
#   kind, no name, a ServiceAccount name that is not a valid object name, or
#   the wrong apiGroup. The apply fails, so the permissions the manifests
#   describe are not what the cluster enforces, and whatever the binding was
#   meant to replace stays in place.
# custom:
#   id: SA065
#   name: binding-invalid
#   severity: high
#   category: bindings
#   remediation: >-
#     Fix the field the finding points at: give ServiceAccount subjects of a
#     ClusterRoleBinding their namespace, reference a ClusterRole from a
#     ClusterRoleBinding (or bind the Role with a RoleBinding in its
#     namespace), name the role, set roleRef.apiGroup to
#     rbac.authorization.k8s.io, and leave apiGroup out of ServiceAccount
#     subjects.
#   references:
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects
#     - https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/cluster-role-binding-v1/
package salint.rules.binding_invalid

rbac_group := "rbac.authorization.k8s.io"

findings contains {"ref": b.ref, "path": s.path, "msg": msg} if {
	some b in input.bindings
	b.kind == "ClusterRoleBinding"
	some s in b.subjects
	s.kind == "ServiceAccount"
	s.namespace == ""
	msg := sprintf(
		"ServiceAccount subject %q names no namespace, which the API server requires in a ClusterRoleBinding as there is no binding namespace to fall back to",
		[s.name],
	)
}

findings contains {"ref": b.ref, "path": b.roleRef.kindPath, "msg": msg} if {
	some b in input.bindings
	b.kind == "ClusterRoleBinding"
	b.roleRef.kind == "Role"
	msg := "roleRef.kind is \"Role\", which the API server rejects in a ClusterRoleBinding because a Role exists in one namespace only: bind a ClusterRole, or the Role with a RoleBinding in its namespace"
}

findings contains {"ref": b.ref, "path": b.roleRef.kindPath, "msg": msg} if {
	some b in input.bindings
	not b.roleRef.kind in {"Role", "ClusterRole"}
	msg := sprintf("roleRef.kind is %s, which the API server rejects: %s", [shown(b.roleRef.kind), allowed_kinds[b.kind]])
}

allowed_kinds := {
	"RoleBinding": "a RoleBinding references a Role or a ClusterRole",
	"ClusterRoleBinding": "a ClusterRoleBinding references a ClusterRole",
}

findings contains {"ref": b.ref, "path": b.roleRef.namePath, "msg": msg} if {
	some b in input.bindings
	b.roleRef.name == ""
	msg := "roleRef.name is empty, which the API server rejects because a binding must name the role it grants"
}

findings contains {"ref": b.ref, "path": b.roleRef.namePath, "msg": msg} if {
	some b in input.bindings
	b.roleRef.name != ""
	not valid_role_name(b.roleRef.name)
	msg := sprintf(
		"roleRef.name %q is not a valid role name (it may not be \".\" or \"..\" nor contain \"/\" or \"%%\"), so the API server rejects it",
		[b.roleRef.name],
	)
}

findings contains {"ref": b.ref, "path": array.concat(b.roleRef.path, ["apiGroup"]), "msg": msg} if {
	some b in input.bindings
	not b.roleRef.apiGroup in {"", rbac_group}
	msg := sprintf("roleRef.apiGroup is %q, which the API server rejects: it must be %s, without a version", [b.roleRef.apiGroup, rbac_group])
}

findings contains {"ref": b.ref, "path": array.concat(s.path, ["kind"]), "msg": msg} if {
	some b in input.bindings
	some s in b.subjects
	not s.kind in subject_kinds
	msg := sprintf("subject kind is %s, which the API server rejects: it must be ServiceAccount, User or Group", [shown(s.kind)])
}

subject_kinds := {"ServiceAccount", "User", "Group"}

findings contains {"ref": b.ref, "path": s.namePath, "msg": msg} if {
	some b in input.bindings
	some s in b.subjects
	s.name == ""
	msg := "subject has no name, which the API server rejects"
}

findings contains {"ref": b.ref, "path": s.namePath, "msg": msg} if {
	some b in input.bindings
	some s in b.subjects
	s.kind == "ServiceAccount"
	s.name != ""
	not valid_object_name(s.name)
	msg := sprintf(
		"ServiceAccount name %q is not a valid object name (lowercase letters, digits, \"-\" and \".\", at most 253 characters), so the API server rejects the subject",
		[s.name],
	)
}

findings contains {"ref": b.ref, "path": array.concat(s.path, ["apiGroup"]), "msg": msg} if {
	some b in input.bindings
	some s in b.subjects
	s.kind == "ServiceAccount"
	s.apiGroup != ""
	msg := sprintf("ServiceAccount subject has apiGroup %q, which the API server rejects: a ServiceAccount subject takes no apiGroup", [s.apiGroup])
}

findings contains {"ref": b.ref, "path": array.concat(s.path, ["apiGroup"]), "msg": msg} if {
	some b in input.bindings
	some s in b.subjects
	s.kind in {"User", "Group"}
	not s.apiGroup in {"", rbac_group}
	msg := sprintf("%s subject has apiGroup %q, which the API server rejects: it must be %s", [s.kind, s.apiGroup, rbac_group])
}

# valid_role_name is the API server's rule for role names: a usable URL path segment.
valid_role_name(name) if {
	not name in {".", ".."}
	not contains(name, "/")
	not contains(name, "%")
}

# valid_object_name is a DNS subdomain (RFC 1123), which ServiceAccount names must be.
valid_object_name(name) if {
	count(name) <= 253
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, name)
}

shown(value) := "empty" if value == ""

else := sprintf("%q", [value])
