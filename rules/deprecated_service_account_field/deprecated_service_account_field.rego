# METADATA
# title: Pod uses the deprecated serviceAccount field
# description: >-
#   Fires when a pod template sets serviceAccount, the deprecated alias of
#   serviceAccountName. Kubernetes uses serviceAccountName whenever it is set
#   and ignores serviceAccount then, so when the two differ the pod does not
#   run as the account a reader of the manifest sees, and its permissions are
#   not the ones that were reviewed.
# custom:
#   id: SA002
#   name: deprecated-service-account-field
#   severity: low
#   category: identity
#   remediation: >-
#     Remove serviceAccount from the pod spec and name the ServiceAccount in
#     serviceAccountName only.
#   references:
#     - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
package salint.rules.deprecated_service_account_field

findings contains {"ref": w.ref, "path": sa.deprecatedPath, "msg": msg} if {
	some w in input.workloads
	sa := w.serviceAccount
	sa.deprecated != null # the cheap test first: most pods never set it
	deprecated_field_set(sa)
	not conflicting(sa)
	msg := sprintf("deprecated field serviceAccount is set to %q; use serviceAccountName", [sa.deprecated])
}

findings contains {"ref": w.ref, "path": sa.deprecatedPath, "msg": msg, "severity": "high"} if {
	some w in input.workloads
	sa := w.serviceAccount
	sa.deprecated != null
	deprecated_field_set(sa)
	conflicting(sa)
	msg := sprintf(
		"deprecated field serviceAccount is %q but serviceAccountName is %q, and Kubernetes runs the pod as %q",
		[sa.deprecated, sa.serviceAccountName, sa.serviceAccountName],
	)
}

# An empty value is no value to Kubernetes: the field is then ignored.
deprecated_field_set(sa) if {
	sa.deprecated != null
	sa.deprecated != ""
}

conflicting(sa) if {
	sa.serviceAccountName != null
	sa.serviceAccountName != ""
	sa.serviceAccountName != sa.deprecated
}
