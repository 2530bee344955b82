# METADATA
# title: Binding names a ServiceAccount that is not defined
# description: >-
#   Fires for each ServiceAccount subject of a RoleBinding or
#   ClusterRoleBinding whose account (same name, in the subject's namespace or
#   else the binding's) is neither in the input nor listed in the
#   configuration's known.serviceAccounts. The default ServiceAccount always
#   exists and is never reported. A misspelt subject silently grants nothing
#   while the workload that needs the permissions fails, and an account that
#   does not exist yet receives the permissions from whoever creates it.
# custom:
#   id: SA064
#   name: binding-undefined-subject
#   severity: low
#   category: bindings
#   remediation: >-
#     Add the ServiceAccount to the manifests next to the binding, fix the
#     subject's name or namespace if it is a typo, or list it as
#     namespace/name under known.serviceAccounts in .salint.yaml when it is
#     managed elsewhere.
#   references:
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects
#     - https://kubernetes.io/docs/concepts/security/service-accounts/
package salint.rules.binding_undefined_subject

import data.salint.lib.k8s

findings contains {"ref": b.ref, "path": s.namePath, "msg": msg} if {
	some b in input.bindings
	some s in b.subjects
	s.kind == "ServiceAccount"
	s.name != ""
	s.name != k8s.default_service_account
	s.accountNamespace != ""
	not s.inInput
	not s.known
	msg := sprintf(
		"ServiceAccount %q is neither in the input nor listed in known.serviceAccounts, so the permissions go to whoever creates it",
		[k8s.qualified_name(s.accountNamespace, s.name)],
	)
}
