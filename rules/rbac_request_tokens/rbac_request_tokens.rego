# METADATA
# title: Role can request ServiceAccount tokens
# description: >-
#   Fires when a rule grants create on serviceaccounts/token in the core API
#   group. The TokenRequest API returns a fresh token for the named
#   ServiceAccount, so the subject can act as any ServiceAccount in scope, with
#   all its permissions. The request names the account in its URL, so
#   resourceNames limit create here: a rule limited to named accounts is
#   reported at low severity, and its message names them.
# custom:
#   id: SA048
#   name: rbac-request-tokens
#   severity: critical
#   category: roles
#   remediation: >-
#     Remove the permission. Pods receive their own token through a projected
#     serviceAccountToken volume without any RBAC grant; components that must
#     mint tokens should be limited by resourceNames to the accounts they serve.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request
#     - https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/
package salint.rules.rbac_request_tokens

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA048")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, consequence(x.danger)))
}

consequence(d) := "it can mint tokens for those ServiceAccounts and act as them" if {
	rbac.lowered(d)
} else := "it can mint a token for any ServiceAccount in scope and act as that account"
