package salint.rules.automount_token_test

import data.salint.lib.facts_test as facts
import data.salint.rules.automount_token as rule

pod_field := array.concat(facts.spec, ["automountServiceAccountToken"])

findings_of(w) := fs if {
	fs := rule.findings with input as facts.input_with({"workloads": [w]})
}

test_fires_at_pod_field_when_pod_sets_true if {
	w := facts.workload({"automount": {"mounted": true, "source": "pod", "path": pod_field, "podValue": true}})
	f := facts.single(findings_of(w))
	f.ref == 3
	f.path == pod_field
	contains(f.msg, "automountServiceAccountToken is true")
	contains(f.msg, `"web"`)
	f.related == []
}

test_pod_true_wins_over_service_account_false if {
	w := facts.workload({"automount": {
		"mounted": true, "source": "pod", "path": pod_field,
		"podValue": true, "serviceAccountValue": false,
	}})
	f := facts.single(findings_of(w))
	f.path == pod_field
}

test_fires_at_pod_spec_when_service_account_sets_true if {
	w := facts.workload({"automount": {"mounted": true, "source": "serviceAccount", "serviceAccountValue": true}})
	f := facts.single(findings_of(w))
	f.path == facts.spec
	contains(f.msg, `ServiceAccount "web" sets it to true`)
	f.related == [{
		"ref": 1,
		"path": ["automountServiceAccountToken"],
		"msg": `ServiceAccount "web" sets automountServiceAccountToken: true`,
	}]
}

test_fires_at_pod_spec_when_nothing_sets_it if {
	w := facts.workload({"automount": {"mounted": true, "source": "default", "serviceAccountValue": null}})
	f := facts.single(findings_of(w))
	f.path == facts.spec
	contains(f.msg, "Kubernetes defaults it to true")
	contains(f.msg, `"web"`)
	[r] := f.related
	r.ref == 1
	r.path == ["metadata", "name"]
}

test_default_service_account_outside_input_has_no_related if {
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
	f := facts.single(findings_of(w))
	f.path == facts.spec
	contains(f.msg, `"default"`)
	f.related == []
}

test_fires_when_service_account_is_unresolved if {
	w := facts.workload({
		"serviceAccount": {"inInput": false, "ref": null},
		"automount": {"mounted": true, "source": "unresolved", "serviceAccountValue": null},
	})
	f := facts.single(findings_of(w))
	f.path == facts.spec
	f.msg == `token is mounted: ServiceAccount "web" is not in the input, so its automountServiceAccountToken cannot be checked`
	f.related == []
}

test_fires_when_unresolved_service_account_is_known if {
	w := facts.workload({
		"serviceAccount": {"inInput": false, "known": true, "ref": null},
		"automount": {"mounted": true, "source": "unresolved", "serviceAccountValue": null},
	})
	f := facts.single(findings_of(w))
	contains(f.msg, "not in the input")
}

test_silent_when_pod_sets_false if {
	w := facts.workload({"automount": {
		"mounted": false, "source": "pod", "path": pod_field,
		"podValue": false, "serviceAccountValue": true,
	}})
	count(findings_of(w)) == 0
}

test_silent_when_service_account_sets_false if {
	count(findings_of(facts.workload({}))) == 0
}

test_one_finding_per_workload if {
	mounted := {"automount": {"mounted": true, "source": "default", "serviceAccountValue": null}}
	a := facts.workload(mounted)
	b := facts.workload(object.union(mounted, {"ref": 4, "name": "api"}))
	fs := rule.findings with input as facts.input_with({"workloads": [a, b]})
	{f.ref | some f in fs} == {3, 4}
}
