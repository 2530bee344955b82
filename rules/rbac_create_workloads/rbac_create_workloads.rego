# METADATA
# title: Role can create workloads
# description: >-
#   Fires when a rule grants create on pods or on a pod controller (Deployments,
#   ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs,
#   ReplicationControllers), or update or patch on a pod controller whose pod
#   template can change after creation (every one but Jobs, whose template is
#   immutable). Whoever can create or change a pod template can run a pod as
#   any ServiceAccount of the namespace, mount its token, and mount any Secret
#   or ConfigMap there, so this permission amounts to every permission of every
#   account in scope.
# custom:
#   id: SA044
#   name: rbac-create-workloads
#   severity: high
#   category: roles
#   remediation: >-
#     Keep workload creation with deployment tooling and people, not with
#     ServiceAccounts that pods mount. Where a controller must manage workloads,
#     give it its own ServiceAccount in its own namespace and restrict which
#     accounts its pods may use with an admission policy.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
package salint.rules.rbac_create_workloads

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA044")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, "it can run a pod as any ServiceAccount in scope and use that account's token, Secrets and ConfigMaps"))
}
