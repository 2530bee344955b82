# METADATA
# title: Role can escalate, bind or impersonate
# description: >-
#   Fires when a rule grants escalate or bind on roles or clusterroles (API
#   group rbac.authorization.k8s.io), or impersonate on users, groups or
#   serviceaccounts (core group) or on uids or userextras
#   (authentication.k8s.io). escalate and bind switch off the API server's check
#   that a subject can only grant permissions it holds itself; impersonate lets
#   it act as another user, group or ServiceAccount. Either way the subject can
#   obtain permissions it does not have. bind on rolebindings is not reported
#   here: it grants nothing (see SA049 for creating bindings).
# custom:
#   id: SA047
#   name: rbac-escalate-bind-impersonate
#   severity: critical
#   category: roles
#   remediation: >-
#     Remove escalate, bind and impersonate. A controller that must create
#     bindings should hold exactly the permissions it hands out; where bind is
#     unavoidable, limit it with resourceNames to the roles it may bind.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
#     - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation
package salint.rules.rbac_escalate_bind_impersonate

import data.salint.lib.rbac

findings contains f if {
	some x in rbac.role_dangers_of("SA047")
	f := rbac.finding(x.role, x.rule, x.danger, rbac.message(x.role, x.rule, x.danger, "it can obtain permissions it does not hold, past the API server's privilege escalation checks"))
}
