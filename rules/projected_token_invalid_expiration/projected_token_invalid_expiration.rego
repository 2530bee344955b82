# METADATA
# title: Projected token expiration is out of range
# description: >-
#   Fires when a serviceAccountToken source of a projected volume sets
#   expirationSeconds below 600 (10 minutes) or above 4294967296 (2^32
#   seconds). The API server rejects such a pod, so the workload never starts
#   and whatever token setup the author meant is not in place.
# custom:
#   id: SA032
#   name: projected-token-invalid-expiration
#   severity: high
#   category: projected-tokens
#   remediation: >-
#     Set expirationSeconds between 600 and 86400 seconds; the kubelet
#     refreshes the token before it expires.
#   references:
#     - https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken
#     - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
package salint.rules.projected_token_invalid_expiration

import data.salint.lib.tokens

findings contains {"ref": w.ref, "path": p.expirationPath, "msg": message(p.expirationSeconds)} if {
	some w in input.workloads
	some p in w.tokenProjections
	p.expirationSeconds != null
	not tokens.valid_expiration(p.expirationSeconds)
}

message(seconds) := sprintf(
	"expirationSeconds is %d, less than the minimum of %d that the API server accepts",
	[seconds, tokens.min_expiration],
) if {
	seconds < tokens.min_expiration
} else := sprintf(
	"expirationSeconds is %d, more than the maximum of %d that the API server accepts",
	[seconds, tokens.max_expiration],
)
