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

import data.salint.lib.rbac

findings contains {
	"ref": w.ref,
	"path": t.path,
	"msg": message(w, t, d),
	"severity": d.severity,
	"related": related(t, d),
} if {
	some w in input.workloads
	some t in w.tokens
	t.grant != null
	d := worst(rbac.dangers(t.grant.rule, t.grant.roleRules))
}

# worst is the most severe of a rule's dangers, the lowest rule ID on a tie.
worst(ds) := d if {
	top := max({rbac.severity_rank[x.severity] | some x in ds})
	d := min({[x.id, x] | some x in ds; rbac.severity_rank[x.severity] == top})[1]
}

message(w, t, d) := sprintf("%s can %s%s: %s%s", [
	carrier(t),
	d.what,
	scope(t.grant),
	concat(" → ", chain(w, t, d)),
	more(t),
])

carrier(t) := "the automounted API token" if t.via == "automount"

carrier(t) := "the projected API-server token" if t.via == "projected"

carrier(t) := sprintf("the legacy token in Secret %q", [t.secret]) if t.via == "secret"

scope(g) := sprintf(" in namespace %s", [g.namespace]) if g.namespace != ""

else := " in every namespace"

more(t) := sprintf(" (and %d more dangerous grants)", [t.dangerousGrants - 1]) if t.dangerousGrants > 1

else := ""

chain(w, t, d) := array.concat(
	array.concat(
		[sprintf("%s %s", [w.kind, named(w.namespace, w.name)])],
		secret_link(w, t),
	),
	array.concat(
		array.concat(
			[sprintf("ServiceAccount %s/%s", [t.accountNamespace, t.accountName])],
			group_link(t.grant),
		),
		array.concat(
			[
				sprintf("%s %s", [t.grant.binding.kind, named(t.grant.binding.namespace, t.grant.binding.name)]),
				role_link(t.grant.role),
			],
			array.concat(aggregated_link(t.grant), [sprintf("rule #%d: %s", [t.grant.rule.index + 1, d.what])]),
		),
	),
)

secret_link(w, t) := [sprintf("Secret %s/%s", [w.namespace, t.secret])] if t.via == "secret"

else := []

# A grant through a group or user subject names it between the account and
# the binding.
group_link(g) := [] if startswith(g.subject, "ServiceAccount ")

else := [g.subject]

role_link(role) := sprintf("%s %s (built in)", [role.kind, role.name]) if role.builtin

else := sprintf("%s %s", [role.kind, named(role.namespace, role.name)])

aggregated_link(g) := [sprintf("ClusterRole %s (aggregated)", [g.aggregatedFrom])] if g.aggregatedFrom != ""

else := []

named(namespace, name) := sprintf("%s/%s", [namespace, name]) if namespace != ""

else := name

related(t, d) := array.concat(
	[
		{
			"ref": t.grant.binding.ref,
			"path": t.grant.subjectPath,
			"msg": sprintf("%s %s binds %s", [t.grant.binding.kind, named(t.grant.binding.namespace, t.grant.binding.name), t.grant.subject]),
		},
		{
			"ref": t.grant.binding.ref,
			"path": t.grant.roleRefPath,
			"msg": sprintf("to %s", [role_link(t.grant.role)]),
		},
	],
	rule_location(t.grant, d),
)

rule_location(g, d) := [{
	"ref": g.ruleRef,
	"path": array.concat(g.rule.path, [d.field, d.item]),
	"msg": sprintf("rule #%d of %s grants %s", [g.rule.index + 1, holder(g), d.what]),
}] if {
	g.ruleRef != null
} else := []

holder(g) := sprintf("ClusterRole %s", [g.aggregatedFrom]) if g.aggregatedFrom != ""

else := role_link(g.role)
