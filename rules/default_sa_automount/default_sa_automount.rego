# METADATA
# title: Default ServiceAccount does not disable token automounting
# description: >-
#   Fires when a ServiceAccount named "default" does not set
#   automountServiceAccountToken to false. Every pod in the namespace that names
#   no ServiceAccount runs as "default", and Kubernetes mounts its API token into
#   those pods unless the pod or the account opts out, so most workloads carry a
#   credential they never use.
# custom:
#   id: SA011
#   name: default-sa-automount
#   severity: medium
#   category: token-mounting
#   remediation: >-
#     Set automountServiceAccountToken: false on the default ServiceAccount, and
#     give workloads that need the API a dedicated ServiceAccount.
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
#     - https://kubernetes.io/docs/concepts/security/service-accounts/
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
package salint.rules.default_sa_automount

import data.salint.lib.k8s

findings contains {"ref": sa.ref, "path": k8s.automount_location(sa), "msg": msg} if {
	some sa in input.serviceAccounts
	sa.name == k8s.default_service_account
	sa.automount != false
	msg := sprintf(
		"automountServiceAccountToken is %s, so every pod of namespace %q that names no ServiceAccount gets this account's API token",
		[k8s.automount_setting(sa), sa.namespace],
	)
}
