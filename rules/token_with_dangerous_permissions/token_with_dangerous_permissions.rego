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
#   away. The finding takes the highest severity among the permissions granted
#   (low for a grant resourceNames limit, as SA042 to SA053 judge it), and its
#   message says where the permission applies (cluster-wide through a
#   ClusterRoleBinding, in its namespace through a RoleBinding, which grants
#   no cluster-scoped resource) and spells the chain from the pod to the rule
#   that grants it.
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

import data.salint.lib.rbac

# Go resolves, for every token a pod carries, the most dangerous grant of its
# account, and the RBAC library (salint.lib.rbac, the same that SA041 to
# SA053 apply) has judged the granting rule before the rules run: grant.danger
# is its verdict. This rule reports it and spells the chain.
findings contains {
	"ref": w.ref,
	"path": t.path,
	"msg": sprintf("%s %s: %s: %s%s", [
		carrier(t),
		reach(g),
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

# reach says what the token can do, and where: a ClusterRoleBinding grants
# cluster-wide, a RoleBinding in its namespace only, where cluster-scoped
# resources are not (the grant is still reported, as SA045 to SA051 report
# such rules in a Role: the manifest says what its author meant).
reach(g) := sprintf("can %s cluster-wide", [g.danger.what]) if {
	g.namespace == ""
} else := sprintf("can %s in namespace %s", [g.danger.what, g.namespace]) if {
	count(rbac.cluster_scoped_in(g.danger.what)) == 0
} else := sprintf("is bound to %s, but %s, so a RoleBinding grants %s nowhere", [g.danger.what, rbac.scoped_clause(cs), rbac.pronoun(cs)]) if {
	cs := rbac.cluster_scoped_in(g.danger.what)
	count(cs) == count(rbac.resources_in(g.danger.what))
} else := sprintf("can %s in namespace %s (%s: a RoleBinding grants %s nowhere)", [g.danger.what, g.namespace, rbac.scoped_clause(cs), rbac.pronoun(cs)]) if {
	cs := rbac.cluster_scoped_in(g.danger.what)
}

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
