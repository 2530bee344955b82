# METADATA
# title: Role can read Secrets
# description: >-
#   Fires when a rule grants get, list or watch on secrets in the core API
#   group. Secrets hold credentials, and legacy ServiceAccount token Secrets
#   hold tokens that never expire, so reading them lets a subject act as other
#   accounts. list and watch return the content of every Secret, not only the
#   names. The finding is low when resourceNames limit the rule to named
#   Secrets.
# custom:
#   id: SA042
#   name: rbac-read-secrets
#   severity: high
#   category: roles
#   remediation: >-
#     Drop the permission, or limit it with resourceNames to the Secrets the
#     workload reads. Prefer mounting a Secret into the pod, which needs no RBAC
#     permission at all.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
#     - https://kubernetes.io/docs/concepts/configuration/secret/#information-security-for-secrets
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
package salint.rules.rbac_read_secrets

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA042")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, "the Secrets it can read hold credentials, including ServiceAccount tokens"))
}
