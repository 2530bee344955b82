# METADATA
# title: Token Secret names no existing ServiceAccount
# description: >-
#   Fires when a Secret of type kubernetes.io/service-account-token lacks the
#   kubernetes.io/service-account.name annotation, leaves it empty, or names a
#   ServiceAccount that is not in the input, not listed in known.serviceAccounts
#   and not "default". The API server rejects such a Secret without the
#   annotation, and the token controller deletes a token Secret whose account
#   does not exist; when the account is created outside the manifests, what the
#   token may do is decided where no one reviews it.
# custom:
#   id: SA021
#   name: token-secret-without-account
#   severity: medium
#   category: long-lived-tokens
#   remediation: >-
#     Prefer short-lived tokens and delete the Secret; if a legacy token is
#     unavoidable, set the kubernetes.io/service-account.name annotation to a
#     ServiceAccount defined with the manifests.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets
#     - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
package salint.rules.token_secret_without_account

import data.salint.lib.k8s

findings contains {"ref": s.ref, "path": location(s), "msg": msg} if {
	some s in input.secrets
	s.type == k8s.token_secret_type
	s.serviceAccountName in {null, ""}
	msg := sprintf("token Secret has %s %s annotation, so it belongs to no ServiceAccount", [absent(s), k8s.service_account_annotation])
}

findings contains {"ref": s.ref, "path": location(s), "msg": msg} if {
	some s in input.secrets
	s.type == k8s.token_secret_type
	not s.serviceAccountName in {null, ""}
	s.serviceAccountName != k8s.default_service_account
	not s.serviceAccount.inInput
	not s.serviceAccount.known
	msg := sprintf(
		"token Secret names ServiceAccount %q, which is neither in the input nor listed in known.serviceAccounts",
		[k8s.qualified_name(s.namespace, s.serviceAccountName)],
	)
}

absent(s) := "no" if s.serviceAccountName == null

else := "an empty"

# The annotation when present, else the annotations, else metadata.
location(s) := s.serviceAccountNamePath if {
	s.serviceAccountName != null
	s.serviceAccountNamePath != null
} else := s.annotationsPath if {
	s.annotationsPath != null
} else := ["metadata"]
