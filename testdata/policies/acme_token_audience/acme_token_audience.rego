# METADATA
# title: Projected token for an audience the platform has not approved
# description: >-
#   Fires when a serviceAccountToken source of a projected volume asks for an
#   audience outside the platform team's list (parameter allowedAudiences).
#   An audience names the service trusted to accept the pod's identity: an
#   unknown one is a token minted for a service nobody reviewed, or a typo
#   that breaks the consumer. Projections without an audience are left to
#   SA033.
# custom:
#   id: ACME001
#   name: acme-token-audience
#   severity: medium
#   category: projected-tokens
#   remediation: >-
#     Request the token for one of the approved audiences, or ask the platform
#     team to add the service to allowedAudiences.
#   references:
#     - https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken
#   params:
#     allowedAudiences: ["vault", "sts.amazonaws.com"]
package salint.rules.acme_token_audience

findings contains {"ref": w.ref, "path": array.concat(p.path, ["audience"]), "msg": msg} if {
	allowed := object.get(input, ["params", "ACME001", "allowedAudiences"], ["vault", "sts.amazonaws.com"])
	some w in input.workloads
	some p in w.tokenProjections
	not p.audience in {null, ""}
	not p.audience in allowed
	msg := sprintf(
		"serviceAccountToken projection of volume %q is for audience %q, which is not one of %s",
		[p.volume, p.audience, concat(", ", [sprintf("%q", [a]) | some a in allowed])],
	)
}
