# METADATA
# title: Pod runs as a ServiceAccount that is not defined
# description: >-
#   Fires when a pod template names a ServiceAccount other than "default" that
#   is neither in the input (same name and namespace) nor listed in the
#   configuration's known.serviceAccounts. Kubernetes refuses to create the pod
#   until the account exists, and whoever creates it later decides what the
#   workload may do, so its permissions cannot be reviewed with the manifest.
# custom:
#   id: SA003
#   name: undefined-service-account
#   severity: low
#   category: identity
#   remediation: >-
#     Add the ServiceAccount to the manifests next to the workload, fix the name
#     or namespace if it is a typo, or list it as namespace/name under
#     known.serviceAccounts in .salint.yaml when it is managed elsewhere.
#   references:
#     - https://kubernetes.io/docs/concepts/security/service-accounts/
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
package salint.rules.undefined_service_account

import data.salint.lib.k8s

findings contains {"ref": w.ref, "path": sa.path, "msg": msg} if {
	some w in input.workloads
	sa := w.serviceAccount
	sa.name != k8s.default_service_account
	not sa.inInput
	not sa.known
	msg := sprintf(
		"ServiceAccount %q is neither in the input nor listed in known.serviceAccounts",
		[k8s.qualified_name(w.namespace, sa.name)],
	)
}
