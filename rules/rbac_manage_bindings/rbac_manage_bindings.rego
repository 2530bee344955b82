# METADATA
# title: Role can create or change role bindings
# description: >-
#   Fires when a rule grants create, update or patch on rolebindings or
#   clusterrolebindings (API group rbac.authorization.k8s.io). The API server
#   only lets a subject bind permissions it holds (or may bind), but within that
#   limit it can hand them to any user, group or ServiceAccount, including ones
#   an attacker controls, and combined with bind or escalate (SA047) it can
#   grant anything.
# custom:
#   id: SA049
#   name: rbac-manage-bindings
#   severity: medium
#   category: roles
#   remediation: >-
#     Leave binding management to administrators and deployment tooling. If a
#     controller must manage bindings, limit update and patch with resourceNames
#     and keep its own permissions minimal, since those are what it can give
#     away.
#   references:
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb
package salint.rules.rbac_manage_bindings

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA049")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, "it can give the permissions it holds to any user, group or ServiceAccount"))
}
