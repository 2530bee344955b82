# METADATA
# title: Role rule uses a wildcard
# description: >-
#   Fires for each "*" in the apiGroups, resources or verbs of a Role or
#   ClusterRole rule, and for each "*/<subresource>" in its resources. A
#   wildcard grants more than its author can see today: every verb including
#   escalate, bind and impersonate, every resource including Secrets and
#   subresources such as pods/exec, every API group including those that CRDs
#   and new Kubernetes releases add later.
# custom:
#   id: SA040
#   name: rbac-wildcard
#   severity: medium
#   category: roles
#   remediation: >-
#     List the API groups, resources and verbs the workload needs by name.
#     "kubectl auth can-i --list --as system:serviceaccount:<namespace>:<name>"
#     and the API server audit log show what an account actually uses.
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
package salint.rules.rbac_wildcard

import data.salint.lib.rbac

findings contains {"ref": role.ref, "path": array.concat(r.path, [field, j]), "msg": msg} if {
	some role in input.roles
	some r in role.rules
	some [field, j] in rbac.wildcards(r)
	item := r[field][j]
	msg := sprintf("%s uses %q in %s: %s", [rbac.number(r), item, field, meaning(field, item)])
}

meaning("verbs", _) := "it grants every verb, including escalate, bind, impersonate and verbs added later"

meaning("apiGroups", _) := "it matches every API group, including those that CRDs and later Kubernetes releases add"

meaning("resources", "*") := "it matches every resource and subresource of the rule's API groups, including ones added later"

meaning("resources", item) := sprintf("it matches the %s subresource of every resource, including ones added later", [substring(item, 2, -1)]) if {
	item != "*"
}
