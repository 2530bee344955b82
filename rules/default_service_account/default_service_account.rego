# METADATA
# title: Pod runs as the default ServiceAccount with its token mounted
# description: >-
#   Fires when a pod template runs as the default ServiceAccount of its
#   namespace (serviceAccountName absent, empty or "default", falling back to
#   the deprecated serviceAccount field) and its API token is mounted. Kubernetes
#   gives every pod that names no ServiceAccount the default one, so any
#   permission granted to it is shared by all of those pods, and the mounted
#   token lets a compromised container use them against the API server.
# custom:
#   id: SA001
#   name: default-service-account
#   severity: medium
#   category: identity
#   remediation: >-
#     Create a dedicated ServiceAccount for the workload and set
#     serviceAccountName to it, or set automountServiceAccountToken: false in
#     the pod spec when the workload does not call the Kubernetes API.
#   references:
#     - https://kubernetes.io/docs/concepts/security/service-accounts/
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
package salint.rules.default_service_account

import data.salint.lib.k8s

findings contains {"ref": w.ref, "path": w.serviceAccount.path, "msg": message(w)} if {
	some w in input.workloads
	w.serviceAccount.name == k8s.default_service_account
	w.automount.mounted == true
}

message(w) := sprintf(
	"pod names no ServiceAccount, so it runs as the %q ServiceAccount of namespace %q with its API token mounted",
	[w.serviceAccount.name, w.namespace],
) if {
	not names_service_account(w)
} else := sprintf(
	"pod runs as the %q ServiceAccount of namespace %q with its API token mounted",
	[w.serviceAccount.name, w.namespace],
)

names_service_account(w) if {
	w.serviceAccount.serviceAccountName != null
	w.serviceAccount.serviceAccountName != ""
}

names_service_account(w) if {
	w.serviceAccount.deprecated != null
	w.serviceAccount.deprecated != ""
}
