# METADATA
# title: Pod has its ServiceAccount token automounted
# description: >-
#   Fires when a pod template effectively mounts its ServiceAccount's API
#   token: the pod sets automountServiceAccountToken to true, or leaves it unset
#   and its ServiceAccount (same namespace) does not set it to false, or the
#   ServiceAccount is not in the input so its setting cannot be checked.
#   Kubernetes mounts the token into every container at
#   /var/run/secrets/kubernetes.io/serviceaccount by default, so a compromised
#   container can call the API server with the account's permissions.
# custom:
#   id: SA010
#   name: automount-token
#   severity: medium
#   category: token-mounting
#   remediation: >-
#     Set automountServiceAccountToken: false in the pod spec (or on its
#     ServiceAccount) when the workload does not call the Kubernetes API; when
#     it does, keep the token and give the ServiceAccount only the permissions
#     it needs.
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
#     - https://kubernetes.io/docs/concepts/security/service-accounts/
#     - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
package salint.rules.automount_token

findings contains {"ref": w.ref, "path": w.automount.path, "msg": message(w), "related": related(w)} if {
	some w in input.workloads
	w.automount.mounted == true
}

message(w) := sprintf(
	"automountServiceAccountToken is true, so the API token of ServiceAccount %q is mounted",
	[w.serviceAccount.name],
) if {
	w.automount.source == "pod"
} else := sprintf(
	"token is mounted: the pod leaves automountServiceAccountToken unset and ServiceAccount %q sets it to true",
	[w.serviceAccount.name],
) if {
	w.automount.source == "serviceAccount"
} else := sprintf(
	"token is mounted: neither the pod nor ServiceAccount %q sets automountServiceAccountToken, and Kubernetes defaults it to true",
	[w.serviceAccount.name],
) if {
	w.automount.source == "default"
} else := sprintf(
	"token is mounted: ServiceAccount %q is not in the input, so its automountServiceAccountToken cannot be checked",
	[w.serviceAccount.name],
)

# The ServiceAccount explains the finding when the decision was its own.
related(w) := [{
	"ref": w.serviceAccount.ref,
	"path": ["automountServiceAccountToken"],
	"msg": sprintf("ServiceAccount %q sets automountServiceAccountToken: true", [w.serviceAccount.name]),
}] if {
	w.automount.source == "serviceAccount"
	w.serviceAccount.ref != null
} else := [{
	"ref": w.serviceAccount.ref,
	"path": ["metadata", "name"],
	"msg": sprintf("ServiceAccount %q leaves automountServiceAccountToken unset", [w.serviceAccount.name]),
}] if {
	w.automount.source == "default"
	w.serviceAccount.ref != null
} else := []
