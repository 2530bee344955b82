package salint.rules.invalid_field_test

import data.salint.lib.facts_test as facts
import data.salint.rules.invalid_field as rule

findings_of(f) := fs if {
	fs := rule.findings with input as facts.input_with({"invalidFields": [f]})
}

# rejected is a rejected field of the Deployment prod/web (pod spec at
# spec.template.spec), or of another kind given by overrides, at path.
rejected(path, problem, overrides) := facts.invalid_field(object.union(
	{"path": path, "problem": problem, "field": last_key(path), "detail": ""},
	overrides,
))

# last_key is the last mapping key of a path, as the fact's field.
last_key(path) := k if {
	keys := [k | some k in path; is_string(k)]
	k := keys[count(keys) - 1]
}

pod(tail) := array.concat(facts.spec, tail)

reported(path, problem, overrides) if count(findings_of(rejected(path, problem, overrides))) == 1

ignored(path, problem, overrides) if count(findings_of(rejected(path, problem, overrides))) == 0

secret := {"kind": "Secret", "apiVersion": "v1", "podSpecs": []}

test_fires_at_unknown_field if {
	f := facts.single(findings_of(facts.invalid_field({})))
	f.ref == 3
	f.path == array.concat(facts.spec, ["automountServiceAcountToken"])
	contains(f.msg, `"automountServiceAcountToken"`)
	contains(f.msg, "unknown field")
}

test_fires_at_field_of_wrong_type if {
	path := ["automountServiceAccountToken"]
	invalid := facts.invalid_field({
		"ref": 1,
		"apiVersion": "v1",
		"kind": "ServiceAccount",
		"path": path,
		"problem": "type",
		"field": "automountServiceAccountToken",
		"detail": "json: cannot unmarshal string into Go value of type bool",
		"podSpecs": [],
	})
	f := facts.single(findings_of(invalid))
	f.ref == 1
	f.path == path
	contains(f.msg, `"automountServiceAccountToken"`)
	contains(f.msg, "wrong type")
	contains(f.msg, "cannot unmarshal string")
}

test_wrong_type_without_detail if {
	invalid := rejected(pod(["volumes", 0, "projected", "sources", 0, "serviceAccountToken", "expirationSeconds"]), "type", {})
	f := facts.single(findings_of(invalid))
	f.msg == `field "expirationSeconds" has the wrong type`
}

test_one_finding_per_field if {
	a := facts.invalid_field({})
	b := rejected(pod(["serviceAccountName"]), "type", {})
	fs := rule.findings with input as facts.input_with({"invalidFields": [a, b]})
	count(fs) == 2
}

test_fires_where_the_catalogue_looks_in_a_pod if {
	reported(pod(["automountServiceAccountToken"]), "type", {})
	reported(pod(["serviceAccount"]), "type", {})
	reported(pod(["volumes", 1, "secret", "secretName"]), "type", {})
	reported(pod(["volumes", 0, "projected", "sources", 0, "serviceAccountToken", "expirationSecond"]), "unknown", {})
	reported(pod(["volumes", 2, "name"]), "type", {})
	reported(pod(["containers", 0, "env", 3, "valueFrom", "secretKeyRef", "nme"]), "unknown", {})
	reported(pod(["initContainers", 1, "envFrom", 0, "secretRef"]), "type", {})
	reported(pod(["ephemeralContainers", 0, "volumeMounts", 0, "mountPth"]), "unknown", {})
}

test_fires_for_metadata_of_any_checked_object if {
	reported(["metadata", "annotations"], "type", secret)
	reported(["metadata", "labels"], "type", {})
	reported(["metadata", "nmae"], "unknown", {"kind": "ClusterRole", "podSpecs": []})
}

test_fires_for_service_accounts_secret_types_and_rbac if {
	reported(["imagePullSecret"], "unknown", {"kind": "ServiceAccount", "podSpecs": []})
	reported(["secrets", 0, "nme"], "unknown", {"kind": "ServiceAccount", "podSpecs": []})
	reported(["type"], "type", secret)
	reported(["rules", 0, "resourceName"], "unknown", {"kind": "Role", "podSpecs": []})
	reported(["aggregationRule", "clusterRoleSelectors"], "type", {"kind": "ClusterRole", "podSpecs": []})
	reported(["subjects", 0, "namspace"], "unknown", {"kind": "RoleBinding", "podSpecs": []})
	reported(["roleRef", "name"], "type", {"kind": "ClusterRoleBinding", "podSpecs": []})
}

test_fires_for_misspelt_fields_the_catalogue_reads if {
	reported(pod(["serviceAccountname"]), "unknown", {})
	reported(pod(["automountServiceAccountTokens"]), "unknown", {})
	reported(pod(["containers", 0, "evn"]), "unknown", {})
	reported(pod(["containers", 0, "volumeMount"]), "unknown", {})
	reported(pod(["volumes", 0, "secrets"]), "unknown", {})
	reported(pod(["volume"]), "unknown", {})
	reported(["spec", "template", "spce"], "unknown", {})
	reported(["metdata"], "unknown", {})
	reported(["typ"], "unknown", secret)
	reported(["roleref"], "unknown", {"kind": "RoleBinding", "podSpecs": []})
}

test_fires_for_identity_fields_in_the_wrong_place if {
	reported(pod(["containers", 0, "automountServiceAccountToken"]), "unknown", {})
	reported(["spec", "serviceAccountName"], "unknown", {})
	reported(["serviceAccountName"], "unknown", secret)
}

test_fires_when_a_wrong_type_drops_a_watched_field if {
	reported(pod(["containers"]), "type", {})
	reported(pod(["containers", 1]), "type", {})
	reported(["spec", "template"], "type", {})
	reported(pod(["volumes"]), "type", {})
}

test_silent_elsewhere if {
	ignored(["data", "token"], "type", object.union(secret, {"detail": "expected base64 data: illegal base64 data at input byte 4"}))
	ignored(["stringData", "x"], "type", secret)
	ignored(pod(["containers", 0, "ports", 0, "containerPort"]), "type", {})
	ignored(pod(["containers", 0, "resources", "limts"]), "unknown", {})
	ignored(pod(["containers", 0, "resourcess"]), "unknown", {})
	ignored(pod(["hostNetwrok"]), "unknown", {})
	ignored(pod(["volumes", 0, "rbd", "imageformat"]), "unknown", {})
	ignored(pod(["volumes", 0, "fc", "lun"]), "type", {})
	ignored(["spec", "completions"], "type", {"kind": "Job", "apiVersion": "batch/v1"})
	ignored(["spec", "template", "metadata", "labels"], "type", {})
	ignored(["spec", "replicas"], "type", {})
}

test_pod_fields_need_a_pod_spec if {
	ignored(["spec", "volumes", 0, "name"], "type", {"kind": "Service", "apiVersion": "serving.knative.dev/v1", "podSpecs": []})
	reported(["spec", "volumes", 0, "name"], "type", {"kind": "Pod", "apiVersion": "v1", "podSpecs": [["spec"]]})
	reported(["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "env"], "type", {"kind": "CronJob", "apiVersion": "batch/v1", "podSpecs": [["spec", "jobTemplate", "spec", "template", "spec"]]})
	ignored(["spec", "template", "spec", "containers", 0, "env"], "type", {"kind": "CronJob", "apiVersion": "batch/v1", "podSpecs": [["spec", "jobTemplate", "spec", "template", "spec"]]})
}

test_near_reads_misspellings if {
	rule.near("automountServiceAcountToken", "automountServiceAccountToken")
	rule.near("automountserviceaccounttoken", "automountServiceAccountToken")
	rule.near("automount_service_account_token", "automountServiceAccountToken")
	rule.near("automountServiceAccountTokn", "automountServiceAccountToken")
	rule.near("serviceAccountNmae", "serviceAccountName")
	rule.near("evn", "env")
	rule.near("en", "env")
	rule.near("envs", "env")
	not rule.near("ports", "env")
	not rule.near("hostNetwork", "serviceAccount")
	not rule.near("stringData", "type")
	not rule.near("data", "type")
	not rule.near("e", "env")
	not rule.near(0, "env")
}

test_silent_without_invalid_fields if {
	count(rule.findings) == 0 with input as facts.input_with({})
}
