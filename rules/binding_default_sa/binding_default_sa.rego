# METADATA
# title: Binding grants permissions to a default ServiceAccount
# description: >-
#   Fires for each subject of a RoleBinding or ClusterRoleBinding that is the
#   ServiceAccount named default. Every namespace has one, and Kubernetes runs
#   every pod that names no ServiceAccount as it, so the permissions reach
#   all of those pods, including ones added later by people who never meant
#   to call the API server. A default subject that a ClusterRoleBinding names
#   without namespace is left to SA065, since the API server rejects it.
# custom:
#   id: SA061
#   name: binding-default-sa
#   severity: medium
#   category: bindings
#   remediation: >-
#     Create a dedicated ServiceAccount for the workload that needs the
#     permissions, set serviceAccountName to it in that workload's pod spec,
#     and bind the role to that ServiceAccount instead of default.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#service-account-permissions
#     - https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts
package salint.rules.binding_default_sa

import data.salint.lib.k8s

findings contains {"ref": b.ref, "path": s.namePath, "msg": msg} if {
	some b in input.bindings
	some s in b.subjects
	s.kind == "ServiceAccount"
	s.name == k8s.default_service_account
	s.accountNamespace != ""
	msg := sprintf(
		"subject is the %q ServiceAccount of namespace %q, so every pod in that namespace that names no ServiceAccount gets the permissions of %s %q %s",
		[s.name, s.accountNamespace, b.roleRef.kind, b.roleRef.name, scope(b)],
	)
}

scope(b) := "cluster-wide" if {
	b.kind == "ClusterRoleBinding"
} else := sprintf("in namespace %q", [b.namespace])
