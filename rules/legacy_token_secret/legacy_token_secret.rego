# METADATA
# title: Secret holds a legacy ServiceAccount token
# description: >-
#   Fires when a Secret has type kubernetes.io/service-account-token. Kubernetes
#   fills such a Secret with a token for the annotated ServiceAccount that never
#   expires and is not bound to any pod, so anyone who can read the Secret holds
#   the account's permissions until the Secret is deleted. The finding is
#   critical when the account is "default" or is bound to permissions by a
#   RoleBinding or ClusterRoleBinding in the input.
# custom:
#   id: SA020
#   name: legacy-token-secret
#   severity: high
#   category: long-lived-tokens
#   remediation: >-
#     Delete the Secret and obtain short-lived tokens instead: a
#     serviceAccountToken projected volume for pods, or the TokenRequest API
#     (kubectl create token) for clients outside the cluster.
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets
#     - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
#     - https://kubernetes.io/docs/concepts/security/service-accounts/
package salint.rules.legacy_token_secret

import data.salint.lib.k8s

findings contains {"ref": s.ref, "path": s.typePath, "msg": message(s)} if {
	some s in input.secrets
	s.type == k8s.token_secret_type
	not critical(s)
}

findings contains {"ref": s.ref, "path": s.typePath, "msg": message(s), "severity": "critical", "related": related(s)} if {
	some s in input.secrets
	s.type == k8s.token_secret_type
	critical(s)
}

critical(s) if s.serviceAccountName == k8s.default_service_account

critical(s) if s.serviceAccount.bound == true

message(s) := sprintf(
	"Secret holds a token that never expires for the %q ServiceAccount, which every pod that names no ServiceAccount runs as",
	[s.serviceAccountName],
) if {
	s.serviceAccountName == k8s.default_service_account
} else := sprintf(
	"Secret holds a token that never expires for ServiceAccount %q, which is bound to permissions in the input",
	[s.serviceAccountName],
) if {
	s.serviceAccount.bound == true
} else := sprintf(
	"Secret holds a token that never expires for ServiceAccount %q (type %s)",
	[s.serviceAccountName, s.type],
) if {
	s.serviceAccountName != null
	s.serviceAccountName != ""
} else := sprintf("Secret holds a ServiceAccount token that never expires (type %s)", [s.type])

# The account and, when it is bound, the binding subject that binds it
# explain a critical finding.
related(s) := array.concat(account_link(s), binding_link(s))

account_link(s) := [{
	"ref": s.serviceAccount.ref,
	"path": ["metadata", "name"],
	"msg": sprintf("ServiceAccount %q whose token the Secret holds", [s.serviceAccountName]),
}] if {
	s.serviceAccount.ref != null
} else := []

binding_link(s) := [{
	"ref": b.ref,
	"path": b.path,
	"msg": sprintf("%s binds %s", [b.name, b.subject]),
}] if {
	b := s.serviceAccount.boundBy
	b != null
} else := []
