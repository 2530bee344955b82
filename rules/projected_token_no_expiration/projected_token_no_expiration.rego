# METADATA
# title: Projected token sets no expiration
# description: >-
#   Fires when a serviceAccountToken source of a projected volume has no
#   expirationSeconds. The API server then issues a token that lives one hour
#   (3600 seconds), a short lifetime, so the risk is low: the rule asks for the
#   lifetime to be stated in the manifest, where it is reviewed, rather than
#   left to a default.
# custom:
#   id: SA030
#   name: projected-token-no-expiration
#   severity: low
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
		"serviceAccountToken projection of volume %q sets no expirationSeconds: the API server then issues a one-hour token; set the lifetime you mean explicitly",
		[p.volume],
	)
}
