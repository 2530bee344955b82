# METADATA
# title: Binding grants permissions to a broad built-in group
# description: >-
#   Fires for each subject of a RoleBinding or ClusterRoleBinding that stands
#   for many identities at once: the group system:authenticated (every user
#   and ServiceAccount with valid credentials), system:serviceaccounts (every
#   ServiceAccount) or system:serviceaccounts:<namespace> (every
#   ServiceAccount of that namespace, so every pod there, whatever account it
#   runs as). The finding is critical for the group system:unauthenticated and
#   the user system:anonymous, which reach anyone who can connect to the API
#   server without credentials, and for the group system:masters, whose
#   members pass every authorization check, so whoever holds such credentials
#   cannot be restricted or revoked through RBAC.
# custom:
#   id: SA062
#   name: binding-broad-group
#   severity: high
#   category: bindings
#   remediation: >-
#     Bind the role to the individual ServiceAccounts, users or narrower groups
#     that need it; never bind anything to the anonymous identities, and issue
#     no credentials in system:masters beyond the cluster's break-glass access.
#   references:
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
#     - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests
package salint.rules.binding_broad_group

findings contains finding if {
	some b in input.bindings
	some s in b.subjects
	reach := audience(s)
	msg := sprintf("subject %s %q %s", [s.kind, s.name, consequence(b, reach)])
	finding := object.union({"ref": b.ref, "path": s.namePath, "msg": msg}, severity(reach))
}

# audience describes who a broad subject stands for, and how bad that is.
audience(s) := broad[s.kind][s.name]

audience(s) := {"who": sprintf("every ServiceAccount of namespace %q", [namespace]), "critical": false} if {
	s.kind == "Group"
	startswith(s.name, namespace_group_prefix)
	namespace := substring(s.name, count(namespace_group_prefix), -1)
	namespace != ""
}

namespace_group_prefix := "system:serviceaccounts:"

broad := {
	"Group": {
		"system:authenticated": {"who": "every user and ServiceAccount that holds valid credentials", "critical": false},
		"system:serviceaccounts": {"who": "every ServiceAccount of every namespace", "critical": false},
		"system:unauthenticated": {"who": "anyone who reaches the API server without credentials", "critical": true},
		"system:masters": {"superuser": true, "critical": true},
	},
	"User": {"system:anonymous": {"who": "anyone who reaches the API server without credentials", "critical": true}},
}

consequence(b, reach) := "is the superuser group whose members pass every authorization check, so its credentials cannot be restricted or revoked through RBAC" if {
	reach.superuser
} else := sprintf("gives %s the permissions of %s %s", [reach.who, role_named(b.roleRef), scope(b)])

# role_named names the role a roleRef refers to, and says so when the
# roleRef leaves its kind or name out.
role_named(ref) := sprintf("%s %q", [ref.kind, ref.name]) if {
	ref.kind != ""
	ref.name != ""
} else := sprintf("role %q (its roleRef names no kind)", [ref.name]) if {
	ref.name != ""
} else := sprintf("whatever %s its roleRef would name (it names none)", [kind_or_role(ref)])

kind_or_role(ref) := ref.kind if ref.kind != ""

else := "role"

severity(reach) := {"severity": "critical"} if reach.critical

else := {}

scope(b) := "cluster-wide" if {
	b.kind == "ClusterRoleBinding"
} else := sprintf("in namespace %q", [b.namespace])
