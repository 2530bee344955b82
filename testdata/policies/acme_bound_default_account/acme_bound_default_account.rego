# METADATA
# title: Workload runs as a default ServiceAccount that a binding grants a role
# description: >-
#   Fires for each workload that names no ServiceAccount (or names default)
#   when the input declares the default ServiceAccount of its namespace and
#   a RoleBinding or ClusterRoleBinding names that account as a subject. The
#   binding was likely meant for one workload, but every pod of the namespace
#   that names no account runs with its permissions. The rule joins three
#   kinds: the workload, the ServiceAccount (by namespace and name) and the
#   bindings, and points at each.
# custom:
#   id: ACME002
#   name: acme-bound-default-account
#   severity: high
#   category: bindings
#   remediation: >-
#     Give the workload a ServiceAccount of its own (serviceAccountName) and
#     bind the role to that account, not to default.
#   references:
#     - https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts
package salint.rules.acme_bound_default_account

# The lookups below are comprehensions filtered by plain variables bound
# before them, which OPA indexes once per evaluation. A key the index lacks
# makes OPA scan the whole collection again, so each lookup is guarded: the
# account is declared, and bound_accounts, built once, names it.
findings contains {"ref": w.ref, "path": w.serviceAccount.path, "msg": msg, "related": related} if {
	some w in input.workloads
	w.serviceAccount.name == "default"
	ns := w.namespace
	account := w.serviceAccount.name
	account_ref := w.serviceAccount.ref
	account_ref != null
	[ns, account] in bound_accounts

	# Of several declarations of the account, the one nearest the workload.
	accounts := [sa | some sa in input.serviceAccounts; sa.namespace == ns; sa.name == account; sa.ref == account_ref]
	count(accounts) > 0
	grants := [g |
		some b in input.bindings
		some s in b.subjects
		s.kind == "ServiceAccount"
		s.accountNamespace == ns
		s.name == account
		b.roleRef.resolution != "invalid"
		g := {"ref": b.ref, "path": s.namePath, "name": sprintf("%s %s", [b.kind, binding_name(b)]), "role": sprintf("%s %s", [b.roleRef.kind, b.roleRef.name])}
	]
	msg := sprintf(
		"runs as the default ServiceAccount of namespace %q, to which %s",
		[ns, concat("; ", [sprintf("%s grants %s", [g.name, g.role]) | some g in grants])],
	)
	related := array.concat(
		[{"ref": accounts[0].ref, "path": ["metadata", "name"], "msg": "the default ServiceAccount is declared here"}],
		[{"ref": g.ref, "path": g.path, "msg": sprintf("%s grants it %s", [g.name, g.role])} | some g in grants],
	)
}

# bound_accounts are the [namespace, name] of every ServiceAccount that a
# binding the API server accepts names as a subject.
bound_accounts contains [s.accountNamespace, s.name] if {
	some b in input.bindings
	b.roleRef.resolution != "invalid"
	some s in b.subjects
	s.kind == "ServiceAccount"
}

binding_name(b) := b.name if b.namespace == ""

else := sprintf("%s/%s", [b.namespace, b.name])
