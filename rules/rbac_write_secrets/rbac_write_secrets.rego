# METADATA
# title: Role can create or change Secrets
# description: >-
#   Fires when a rule grants create, update or patch on secrets in the core API
#   group. Creating a Secret of type kubernetes.io/service-account-token makes
#   the control plane fill it with a token for any ServiceAccount of the
#   namespace, and changing a Secret alters credentials other workloads trust.
#   resourceNames cannot limit create, so the finding is low only when
#   resourceNames limit every verb granted (update and patch, without create or
#   "*"); the message names the Secrets they limit it to, and says when create
#   remains granted on Secrets of any name.
# custom:
#   id: SA043
#   name: rbac-write-secrets
#   severity: high
#   category: roles
#   remediation: >-
#     Drop the permission, or grant only update or patch limited by
#     resourceNames to the Secrets the workload owns. Let a controller outside
#     the workload (e.g. an operator with its own account) manage Secrets.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request
#     - https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
package salint.rules.rbac_write_secrets

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA043")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, consequence(x.danger)))
}

consequence(d) := "it can change the credentials those Secrets hold, which other workloads use" if {
	rbac.lowered(d)
} else := "it can create a token Secret for any ServiceAccount in scope and act as that account, or change credentials that other workloads use"
