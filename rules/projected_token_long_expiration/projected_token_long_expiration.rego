# METADATA
# title: Projected token lives too long
# description: >-
#   Fires when a serviceAccountToken source of a projected volume sets
#   expirationSeconds above the maximum (parameter maxExpirationSeconds, default
#   86400, one day), or to exactly 3607. A stolen token stays usable for its
#   whole lifetime, and the API server, with --service-account-extend-token-expiration
#   on (the default), silently extends tokens requested for 3607 seconds to a
#   year. Values the API server rejects are left to SA032.
# custom:
#   id: SA031
#   name: projected-token-long-expiration
#   severity: medium
#   category: projected-tokens
#   remediation: >-
#     Lower expirationSeconds to at most the configured maximum and avoid 3607;
#     the kubelet refreshes projected tokens before they expire, so short
#     lifetimes cost nothing.
#   references:
#     - https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken
#     - https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
#     - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
#   params:
#     maxExpirationSeconds: 86400
package salint.rules.projected_token_long_expiration

import data.salint.lib.params
import data.salint.lib.tokens

findings contains {"ref": w.ref, "path": p.expirationPath, "msg": message(p.expirationSeconds, limit)} if {
	limit := params.param("SA031", "maxExpirationSeconds", 86400)
	some w in input.workloads
	some p in w.tokenProjections
	p.expirationSeconds != null
	tokens.valid_expiration(p.expirationSeconds)
	too_long(p.expirationSeconds, limit)
}

too_long(seconds, limit) if seconds > limit

too_long(seconds, _) if seconds == tokens.extended_expiration

message(seconds, limit) := sprintf(
	"expirationSeconds is %d, the value the API server may silently extend to a year",
	[seconds],
) if {
	seconds == tokens.extended_expiration
} else := sprintf("expirationSeconds is %d, more than the maximum of %d", [seconds, limit])
