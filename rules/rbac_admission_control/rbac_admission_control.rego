# METADATA
# title: Role can change admission control
# description: >-
#   Fires when a rule grants create, update, patch, delete or deletecollection
#   on mutating or validating webhook configurations, or on mutating or
#   validating admission policies or their bindings (API group
#   admissionregistration.k8s.io). Whoever controls admission can switch off the
#   policies that protect the cluster, or register a webhook that sees and
#   rewrites every object the API server admits, Secrets included. When
#   resourceNames limit the rule the message names the configurations, and says
#   when create or deletecollection, which they cannot limit, remain granted;
#   the finding stays high, as rewriting even one's own webhook configuration
#   can widen what it intercepts.
# custom:
#   id: SA050
#   name: rbac-admission-control
#   severity: high
#   category: roles
#   remediation: >-
#     Keep admission configuration with cluster administrators. A component that
#     installs its own webhook should do so at install time, with permissions
#     that are removed afterwards or limited by resourceNames to its own
#     configuration.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks
#     - https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/
#     - https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
package salint.rules.rbac_admission_control

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA050")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, "it can disable admission policies or intercept and rewrite the objects the API server admits"))
}
