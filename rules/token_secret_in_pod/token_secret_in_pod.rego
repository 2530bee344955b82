# METADATA
# title: Pod reads a legacy ServiceAccount token Secret
# description: >-
#   Fires when a pod template reads a Secret of type
#   kubernetes.io/service-account-token through a secret volume, a projected
#   secret source, env[].valueFrom.secretKeyRef or envFrom[].secretRef.
#   Such a token never expires and is not bound to the pod, so if it leaks from
#   the container it stays valid after the pod is gone, unlike the short-lived
#   token the kubelet projects.
# custom:
#   id: SA022
#   name: token-secret-in-pod
#   severity: high
#   category: long-lived-tokens
#   remediation: >-
#     Stop reading the Secret and let the pod use a projected serviceAccountToken
#     volume (or the automounted token) of its own ServiceAccount, then delete
#     the Secret.
#   references:
#     - https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken
#     - https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets
#     - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
package salint.rules.token_secret_in_pod

import data.salint.lib.k8s

findings contains {"ref": w.ref, "path": r.path, "msg": msg, "related": [related]} if {
	some w in input.workloads
	some r in w.secretRefs
	r.secret != null
	r.secret.type == k8s.token_secret_type
	msg := sprintf(
		"pod reads Secret %q %s, and it holds a ServiceAccount token that never expires (type %s)",
		[r.name, how(r), r.secret.type],
	)
	related := {"ref": r.secret.ref, "path": ["type"], "msg": sprintf("Secret %q is a legacy ServiceAccount token", [r.name])}
}

how(r) := "through a secret volume" if {
	r.via == "volume"
} else := "through a projected volume" if {
	r.via == "projected"
} else := sprintf("into the environment of container %q", [r.container]) if {
	r.via in {"env", "envFrom"}
	r.container != null
} else := "into a container's environment"
