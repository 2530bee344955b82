package salint.rules.default_service_account_test

import data.salint.lib.facts_test as facts
import data.salint.rules.default_service_account as rule

# A pod that names no ServiceAccount and keeps the default automount.
unnamed := facts.workload({
	"serviceAccount": {
		"name": "default",
		"path": facts.spec,
		"serviceAccountName": null,
		"serviceAccountNamePath": null,
		"inInput": false,
		"ref": null,
	},
	"automount": {"mounted": true, "source": "default", "podValue": null, "serviceAccountValue": null},
})

named_default_path := array.concat(facts.spec, ["serviceAccountName"])

deprecated_path := array.concat(facts.spec, ["serviceAccount"])

test_fires_when_pod_names_no_service_account if {
	f := facts.single(rule.findings) with input as facts.input_with({"workloads": [unnamed]})
	f.ref == 3
	f.path == facts.spec
	contains(f.msg, `"default"`)
	contains(f.msg, `"prod"`)
	contains(f.msg, "names no ServiceAccount")
	not f.severity
}

test_fires_when_pod_names_default if {
	w := facts.workload({
		"serviceAccount": {"name": "default", "path": named_default_path, "serviceAccountName": "default", "inInput": true, "ref": 1},
		"automount": {"mounted": true, "source": "default", "serviceAccountValue": null},
	})
	f := facts.single(rule.findings) with input as facts.input_with({"workloads": [w]})
	f.path == named_default_path
	contains(f.msg, `"default"`)
	not contains(f.msg, "names no ServiceAccount")
}

test_fires_when_empty_name_falls_back_to_deprecated_default if {
	w := facts.workload({
		"serviceAccount": {
			"name": "default",
			"path": deprecated_path,
			"serviceAccountName": "",
			"deprecated": "default",
			"deprecatedPath": deprecated_path,
			"inInput": false,
			"ref": null,
		},
		"automount": {"mounted": true, "source": "default", "serviceAccountValue": null},
	})
	f := facts.single(rule.findings) with input as facts.input_with({"workloads": [w]})
	f.path == deprecated_path
}

test_fires_when_pod_sets_automount_true if {
	w := facts.workload(object.union(unnamed, {"automount": {
		"source": "pod",
		"path": array.concat(facts.spec, ["automountServiceAccountToken"]),
		"podValue": true,
	}}))
	f := facts.single(rule.findings) with input as facts.input_with({"workloads": [w]})
	f.path == facts.spec
}

test_silent_when_pod_disables_automount if {
	w := facts.workload(object.union(unnamed, {"automount": {
		"mounted": false,
		"source": "pod",
		"path": array.concat(facts.spec, ["automountServiceAccountToken"]),
		"podValue": false,
	}}))
	count(rule.findings) == 0 with input as facts.input_with({"workloads": [w]})
}

test_silent_when_default_service_account_disables_automount if {
	w := facts.workload(object.union(unnamed, {"serviceAccount": {"inInput": true, "ref": 1}, "automount": {
		"mounted": false,
		"source": "serviceAccount",
		"serviceAccountValue": false,
	}}))
	count(rule.findings) == 0 with input as facts.input_with({"workloads": [w]})
}

test_silent_for_another_service_account if {
	w := facts.workload({"automount": {"mounted": true, "source": "default", "serviceAccountValue": null}})
	count(rule.findings) == 0 with input as facts.input_with({"workloads": [w]})
}

test_one_finding_per_workload if {
	other := facts.workload(object.union(unnamed, {"ref": 4, "name": "api"}))
	fs := rule.findings with input as facts.input_with({"workloads": [unnamed, other]})
	{f.ref | some f in fs} == {3, 4}
}
