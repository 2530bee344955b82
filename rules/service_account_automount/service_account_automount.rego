# METADATA
# title: ServiceAccount does not disable token automounting
# description: >-
#   Fires when a ServiceAccount other than "default" does not set
#   automountServiceAccountToken to false. Kubernetes then mounts the account's
#   API token into every pod that runs as it and does not opt out itself, so the
#   credential reaches containers that never call the API server.
# custom:
#   id: SA012
#   name: service-account-automount
#   severity: low
#   category: token-mounting
#   remediation: >-
#     Set automountServiceAccountToken: false on the ServiceAccount and set
#     automountServiceAccountToken: true only in the pod specs that need the
#     API, since the pod's setting takes precedence.
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
#     - https://kubernetes.io/docs/concepts/security/service-accounts/
package salint.rules.service_account_automount

import data.salint.lib.k8s

findings contains {"ref": sa.ref, "path": k8s.automount_location(sa), "msg": msg} if {
	some sa in input.serviceAccounts
	sa.name != k8s.default_service_account
	sa.automount != false
	msg := sprintf(
		"automountServiceAccountToken is %s, so every pod that runs as this ServiceAccount gets its API token unless the pod opts out",
		[k8s.automount_setting(sa)],
	)
}
