# METADATA
# title: Projected token sets no expiration
# description: >-
#   Fires when a serviceAccountToken source of a projected volume has no
#   expirationSeconds. The API server then defaults it to one hour (3600
#   seconds), so the lifetime of the credential is decided by an implicit
#   default rather than stated and reviewed in the manifest.
# custom:
#   id: SA030
#   name: projected-token-no-expiration
#   severity: medium
#   category: projected-tokens
#   remediation: >-
#     Set expirationSeconds on the serviceAccountToken source to the shortest
#     lifetime the consumer tolerates (at least 600 seconds); the kubelet
#     rotates the token before it expires.
#   references:
#     - https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
package salint.rules.projected_token_no_expiration

findings contains {"ref": w.ref, "path": p.path, "msg": msg} if {
	some w in input.workloads
	some p in w.tokenProjections
	p.expirationSeconds == null
	msg := sprintf(
		"serviceAccountToken projection of volume %q sets no expirationSeconds, so its lifetime is left to the API server's default",
		[p.volume],
	)
}
