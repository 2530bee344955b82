# METADATA
# title: Role grants every permission
# description: >-
#   Fires when a rule grants every verb on every resource of every API group
#   ("*" in verbs, resources and apiGroups), or every verb on every non-resource
#   URL ("*" in verbs and nonResourceURLs). A ClusterRole with such a rule is as
#   powerful as cluster-admin; a Role with it owns its namespace, Secrets,
#   workloads and RoleBindings included. SA042 to SA053 do not report the rule
#   again. The finding points at the "*" in resources (or nonResourceURLs).
# custom:
#   id: SA041
#   name: rbac-cluster-admin-equivalent
#   severity: critical
#   category: roles
#   remediation: >-
#     Replace the rule with rules that name the API groups, resources and verbs
#     the subject needs. If an administrator really needs full access, bind the
#     built-in cluster-admin or admin ClusterRole to that person explicitly
#     rather than to a ServiceAccount that workloads mount.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
package salint.rules.rbac_cluster_admin_equivalent

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA041")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, consequence(x.role, x.danger)))
}

consequence(role, d) := "it can call every non-resource endpoint of the API server, such as /debug/pprof, /logs and /metrics" if {
	d.field == "nonResourceURLs"
} else := "full control of the namespace, including its Secrets, workloads and RoleBindings" if {
	d.field == "resources"
	role.kind == "Role"
} else := "the same power as cluster-admin, including every permission added later"
