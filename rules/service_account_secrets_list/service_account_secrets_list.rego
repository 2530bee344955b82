# METADATA
# title: ServiceAccount lists legacy token Secrets
# description: >-
#   Fires when a ServiceAccount lists Secrets in its secrets field. The field
#   is where Kubernetes recorded the auto-generated, non-expiring token Secrets
#   of an account before version 1.24; it is not meant to hand tokens out, and
#   the Secrets it names are usually legacy tokens that outlive any pod.
# custom:
#   id: SA023
#   name: service-account-secrets-list
#   severity: low
#   category: long-lived-tokens
#   remediation: >-
#     Remove the secrets field from the ServiceAccount and delete the legacy
#     token Secrets it names; pods receive short-lived projected tokens without it.
#   references:
#     - https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/service-account-v1/
#     - https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/
#     - https://kubernetes.io/docs/concepts/security/service-accounts/
package salint.rules.service_account_secrets_list

import data.salint.lib.k8s

findings contains {"ref": sa.ref, "path": sa.secretsPath, "msg": msg} if {
	some sa in input.serviceAccounts
	sa.secrets != null
	count(sa.secrets) > 0
	msg := sprintf("secrets lists legacy token references: %s", [k8s.quoted_list(sa.secrets)])
}
