# METADATA
# title: Binding references a role that cannot be resolved
# description: >-
#   Fires when a RoleBinding or ClusterRoleBinding references a Role or
#   ClusterRole that is not in the input, is not one every cluster has
#   (cluster-admin, admin, edit, view and the system: roles), and is not listed
#   in the configuration's known.roles. A RoleBinding's Role is looked up in
#   the binding's namespace, a ClusterRole by name. What the subjects may do
#   then cannot be checked, and if the role does not exist yet, whoever
#   creates it later decides what the binding grants.
# custom:
#   id: SA063
#   name: binding-unresolved-role
#   severity: low
#   category: bindings
#   remediation: >-
#     Add the Role or ClusterRole to the manifests next to the binding, fix the
#     name, kind or namespace if it is a typo, or list it in known.roles in
#     .salint.yaml (as ClusterRole/<name> or Role/<namespace>/<name>) when
#     another tool manages it.
#   references:
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings
package salint.rules.binding_unresolved_role

findings contains {"ref": b.ref, "path": b.roleRef.namePath, "msg": message(b)} if {
	some b in input.bindings
	b.roleRef.resolution == "unresolved"
}

message(b) := sprintf(
	"Role %q was looked up in namespace %q but is neither in the input there nor listed in known.roles as %q, so what the binding grants cannot be checked",
	[b.roleRef.name, b.namespace, sprintf("Role/%s/%s", [b.namespace, b.roleRef.name])],
) if {
	b.roleRef.kind == "Role"
} else := sprintf(
	"%s %q is not in the input, not built in, and not listed in known.roles as %q, so what the binding grants cannot be checked",
	[b.roleRef.kind, b.roleRef.name, sprintf("%s/%s", [b.roleRef.kind, b.roleRef.name])],
)
