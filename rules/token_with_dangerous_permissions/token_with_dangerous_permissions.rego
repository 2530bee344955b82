# METADATA
# title: Pod carries an API token that holds dangerous permissions
# description: >-
#   Fires when a pod template carries an API token (automounted, projected for
#   the API server, or read from a legacy token Secret) for a ServiceAccount
#   that, through the RoleBindings and ClusterRoleBindings in the input, holds
#   a permission that SA041 to SA053 flag. Bindings reach the account by name,
#   as the user system:serviceaccount:<namespace>:<name>, or through the groups
#   system:serviceaccounts, system:serviceaccounts:<namespace> and
#   system:authenticated; aggregated ClusterRoles and the built-in
#   cluster-admin, admin and edit roles are resolved. Anyone who takes over a
#   container of the pod can use the token, so the permission is one exploit
#   away. The finding takes the highest severity among the permissions granted,
#   and its message spells the chain from the pod to the rule that grants it.
# custom:
#   id: SA070
#   name: token-with-dangerous-permissions
#   severity: high
#   category: cross-resource
#   remediation: >-
#     Do not mount a token the workload does not need
#     (automountServiceAccountToken: false); when it does need one, give its
#     ServiceAccount a Role with only the verbs and resources it uses, and
#     remove the binding (or group subject) that grants the dangerous rule.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/
#     - https://kubernetes.io/docs/concepts/security/service-accounts/
package salint.rules.token_with_dangerous_permissions

# Go resolves, for every token a pod carries, the most dangerous grant of its
# account, and the RBAC library (salint.lib.rbac, the same that SA041 to
# SA053 apply) has judged the granting rule before the rules run: grant.danger
# is its verdict. This rule reports it and spells the chain.
findings contains {
	"ref": w.ref,
	"path": t.path,
	"msg": sprintf("%s can %s%s: %s: %s%s", [
		carrier(t),
		g.danger.what,
		scope(g),
		concat(" → ", t.chain),
		g.danger.what,
		more(t),
	]),
	"severity": g.danger.severity,
	"related": related(g),
} if {
	some w in input.workloads
	some t in w.tokens
	g := t.grant
	g != null
}

carrier(t) := sprintf("the legacy token in Secret %q", [t.secret]) if t.via == "secret"

else := carriers[t.via]

carriers := {"automount": "the automounted API token", "projected": "the projected API-server token"}

scope(g) := sprintf(" in namespace %s", [g.namespace]) if g.namespace != ""

else := " in every namespace"

more(t) := sprintf(" (and %d more dangerous grants)", [t.dangerousGrants - 1]) if t.dangerousGrants > 1

else := ""

# related: the binding subject that reaches the account, the roleRef, and
# the rule's matching item (a built-in role has no manifest to point at).
related(g) := [
	{"ref": g.bindingRef, "path": g.subjectPath, "msg": sprintf("%s binds %s", [g.bindingName, g.subject])},
	{"ref": g.bindingRef, "path": g.roleRefPath, "msg": sprintf("to %s", [g.roleName])},
	{"ref": g.ruleRef, "path": g.rulePath, "msg": sprintf("rule #%d of %s grants %s", [g.ruleIndex + 1, g.ruleHolder, g.danger.what])},
] if {
	g.ruleRef != null
} else := [
	{"ref": g.bindingRef, "path": g.subjectPath, "msg": sprintf("%s binds %s", [g.bindingName, g.subject])},
	{"ref": g.bindingRef, "path": g.roleRefPath, "msg": sprintf("to %s", [g.roleName])},
]
