package salint.rules.undefined_service_account_test

import data.salint.lib.facts_test as facts
import data.salint.rules.undefined_service_account as rule

name_path := array.concat(facts.spec, ["serviceAccountName"])

undefined := facts.workload({
	"serviceAccount": {"inInput": false, "known": false, "ref": null},
	"automount": {"mounted": true, "source": "unresolved", "serviceAccountValue": null},
})

findings_of(w) := fs if {
	fs := rule.findings with input as facts.input_with({"workloads": [w]})
}

test_fires_when_service_account_is_undefined if {
	f := facts.single(findings_of(undefined))
	f.ref == 3
	f.path == name_path
	contains(f.msg, `"prod/web"`)
}

test_fires_at_deprecated_field_when_it_decides if {
	path := array.concat(facts.spec, ["serviceAccount"])
	w := facts.workload(object.union(undefined, {"serviceAccount": {
		"path": path,
		"serviceAccountName": null,
		"serviceAccountNamePath": null,
		"deprecated": "web",
		"deprecatedPath": path,
	}}))
	f := facts.single(findings_of(w))
	f.path == path
}

test_silent_when_service_account_is_in_input if {
	count(findings_of(facts.workload({}))) == 0
}

test_silent_when_service_account_is_known if {
	w := facts.workload(object.union(undefined, {"serviceAccount": {"known": true}}))
	count(findings_of(w)) == 0
}

test_silent_for_default_service_account if {
	w := facts.workload({
		"serviceAccount": {
			"name": "default",
			"path": facts.spec,
			"serviceAccountName": null,
			"serviceAccountNamePath": null,
			"inInput": false,
			"ref": null,
		},
		"automount": {"mounted": true, "source": "default", "serviceAccountValue": null},
	})
	count(findings_of(w)) == 0
}

test_silent_for_explicit_default_service_account if {
	w := facts.workload({
		"serviceAccount": {"name": "default", "serviceAccountName": "default", "inInput": false, "ref": null},
		"automount": {"mounted": true, "source": "default", "serviceAccountValue": null},
	})
	count(findings_of(w)) == 0
}
