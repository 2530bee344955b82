# METADATA
# title: Binding grants cluster-admin, or admin or edit cluster-wide
# description: >-
#   Fires when a RoleBinding or ClusterRoleBinding references the ClusterRole
#   cluster-admin, which allows every verb on every resource: through a
#   ClusterRoleBinding over the whole cluster, through a RoleBinding over
#   everything in the binding's namespace, its Secrets, Roles and
#   RoleBindings included. The finding is high when a ClusterRoleBinding
#   references the ClusterRole admin or edit: both read Secrets and run pods
#   as any ServiceAccount, and bound cluster-wide they do so in every
#   namespace. A RoleBinding to admin or edit is the usual way to hand one
#   namespace to its owners and is not reported.
# custom:
#   id: SA060
#   name: binding-cluster-admin
#   severity: critical
#   category: bindings
#   remediation: >-
#     Bind a Role or ClusterRole that lists only the resources and verbs the
#     subjects use, with a RoleBinding in each namespace where they need it;
#     keep cluster-admin for break-glass human access outside the manifests.
#   references:
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding
package salint.rules.binding_cluster_admin

findings contains {"ref": b.ref, "path": b.roleRef.namePath, "msg": msg} if {
	some b in input.bindings
	binds_cluster_role(b, "cluster-admin")
	msg := sprintf("%s, which gives its subjects every verb on every resource %s", [bound(b), reach(b)])
}

findings contains {"ref": b.ref, "path": b.roleRef.namePath, "msg": msg, "severity": "high"} if {
	some b in input.bindings
	b.kind == "ClusterRoleBinding"
	some name in {"admin", "edit"}
	binds_cluster_role(b, name)
	msg := sprintf("%s, which lets its subjects %s in every namespace", [bound(b), powers[name]])
}

binds_cluster_role(b, name) if {
	b.roleRef.kind == "ClusterRole"
	b.roleRef.name == name
}

powers := {
	"admin": "read Secrets, run pods as any ServiceAccount and grant roles",
	"edit": "read Secrets and run pods as any ServiceAccount",
}

bound(b) := sprintf("ClusterRole %q is bound cluster-wide", [b.roleRef.name]) if {
	b.kind == "ClusterRoleBinding"
} else := sprintf("ClusterRole %q is bound in namespace %q", [b.roleRef.name, b.namespace])

reach(b) := "of the cluster" if {
	b.kind == "ClusterRoleBinding"
} else := "of the namespace, its Secrets, Roles and RoleBindings included"
