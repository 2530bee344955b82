package salint.main_test

import data.salint.lib.facts_test as facts
import data.salint.main

test_tags_each_finding_with_its_rule if {
	fs := main.findings with data.salint.rules as {
		"first": {"findings": {{"ref": 1, "path": [], "msg": "a"}}},
		"second": {"findings": {{"ref": 2, "path": ["spec"], "msg": "b", "severity": "high"}}},
		"helpers_only": {"other": true},
	}
	fs == {
		"first": {{"ref": 1, "path": [], "msg": "a"}},
		"second": {{"ref": 2, "path": ["spec"], "msg": "b", "severity": "high"}},
	}
}

test_routes_the_real_rules if {
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
	fs := main.findings with input as facts.input_with({
		"workloads": [w],
		"invalidFields": [facts.invalid_field({})],
	})
	{name | some name, found in fs; count(found) > 0} == {"default_service_account", "automount_token", "invalid_field"}
	every found in fs {
		every f in found {
			f.ref == 3
			is_string(f.msg)
			is_array(f.path)
		}
	}
}

test_no_findings_for_clean_input if {
	count({f | some found in main.findings; some f in found}) == 0 with input as facts.input_with({
		"workloads": [facts.workload({})],
		"serviceAccounts": [facts.service_account({})],
	})
}

test_routes_every_rule_package if {
	routed := {name | some name; data.salint.rules[name].findings}
	count(routed) == 36
	every name in routed {
		not endswith(name, "_test")
	}
}
