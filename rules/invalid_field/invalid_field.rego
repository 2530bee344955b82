# METADATA
# title: Field is unknown or has the wrong type
# description: >-
#   Fires when strict decoding of a checked object finds a field Kubernetes does
#   not know (such as automountServiceAcountToken) or a value of the wrong type
#   (such as automountServiceAccountToken: "false"). The API server rejects the
#   object or silently drops the field, so a protection the author meant to
#   configure is not in place.
# custom:
#   id: SA090
#   name: invalid-field
#   severity: high
#   category: validity
#   remediation: >-
#     Fix the field name or value so that it matches the Kubernetes API, for
#     example automountServiceAccountToken: false as an unquoted boolean.
#   references:
#     - https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
#     - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
package salint.rules.invalid_field

findings contains {"ref": f.ref, "path": f.path, "msg": message(f)} if {
	some f in input.invalidFields
}

message(f) := sprintf("unknown field %q: Kubernetes rejects or drops it", [f.field]) if {
	f.problem == "unknown"
} else := sprintf("field %q has the wrong type: %s", [f.field, f.detail]) if {
	f.detail != ""
} else := sprintf("field %q has the wrong type", [f.field])
