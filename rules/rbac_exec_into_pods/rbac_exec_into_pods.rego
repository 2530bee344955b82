# METADATA
# title: Role can exec into pods
# description: >-
#   Fires when a rule grants create or get on pods/exec, pods/attach or
#   pods/portforward, or update or patch on pods/ephemeralcontainers, in the
#   core API group. Each lets a subject run commands in, or talk to, containers
#   that already run, and so read their ServiceAccount tokens, environment and
#   mounted Secrets. Each request names the pod, so resourceNames limit every
#   one of these verbs, create included: the finding is low when they do, and
#   names the pods.
# custom:
#   id: SA045
#   name: rbac-exec-into-pods
#   severity: high
#   category: roles
#   remediation: >-
#     Remove the subresource from the role. Debugging access belongs to people,
#     granted for a limited time, not to ServiceAccounts that workloads mount.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
#     - https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
package salint.rules.rbac_exec_into_pods

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA045")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, consequence(x.danger)))
}

consequence(d) := "it can run commands in or connect to those pods and read their ServiceAccount tokens and Secrets" if {
	rbac.lowered(d)
} else := "it can run commands in or connect to running pods and read their ServiceAccount tokens and Secrets"
