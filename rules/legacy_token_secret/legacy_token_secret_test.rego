package salint.rules.legacy_token_secret_test

import data.salint.lib.facts_test as facts
import data.salint.rules.legacy_token_secret as rule

findings_of(s) := fs if {
	fs := rule.findings with input as facts.input_with({"secrets": [s]})
}

test_fires_high_for_token_secret if {
	f := facts.single(findings_of(facts.secret({})))
	f.ref == 7
	f.path == ["type"]
	contains(f.msg, "kubernetes.io/service-account-token")
	contains(f.msg, `"web"`)
	not f.severity
	not f.related
}

test_fires_high_for_unbound_account_outside_input if {
	s := facts.secret({"serviceAccountName": "ci", "serviceAccount": {"inInput": false, "ref": null}})
	f := facts.single(findings_of(s))
	contains(f.msg, `"ci"`)
	not f.severity
}

test_fires_high_without_annotation if {
	s := facts.secret({
		"serviceAccountName": null,
		"serviceAccountNamePath": null,
		"serviceAccount": null,
	})
	f := facts.single(findings_of(s))
	f.path == ["type"]
	contains(f.msg, "never expires")
	not f.severity
}

test_fires_critical_for_default_service_account if {
	s := facts.secret({"serviceAccountName": "default", "serviceAccount": {"inInput": false, "ref": null}})
	f := facts.single(findings_of(s))
	f.path == ["type"]
	f.severity == "critical"
	contains(f.msg, `"default"`)
	f.related == []
}

test_fires_critical_for_default_service_account_in_input if {
	s := facts.secret({"serviceAccountName": "default", "serviceAccount": {"ref": 2}})
	f := facts.single(findings_of(s))
	f.severity == "critical"
	f.related[0].ref == 2
}

test_fires_critical_for_bound_service_account if {
	s := facts.secret({"serviceAccount": {"bound": true, "boundBy": facts.bound_by}})
	f := facts.single(findings_of(s))
	f.path == ["type"]
	f.severity == "critical"
	contains(f.msg, `"web"`)
	contains(f.msg, "bound")
	f.related == [
		{"ref": 1, "path": ["metadata", "name"], "msg": `ServiceAccount "web" whose token the Secret holds`},
		{"ref": 9, "path": ["subjects", 0, "name"], "msg": "RoleBinding prod/web-read binds ServiceAccount web"},
	]
}

test_fires_critical_for_bound_service_account_outside_input if {
	s := facts.secret({"serviceAccount": {"inInput": false, "bound": true, "boundBy": facts.bound_by, "ref": null}})
	f := facts.single(findings_of(s))
	f.severity == "critical"
	f.related == [{"ref": 9, "path": ["subjects", 0, "name"], "msg": "RoleBinding prod/web-read binds ServiceAccount web"}]
}

test_silent_for_other_secret_types if {
	count(findings_of(facts.secret({"type": "Opaque"}))) == 0
	count(findings_of(facts.secret({"type": ""}))) == 0
	count(findings_of(facts.secret({"type": "kubernetes.io/dockerconfigjson", "serviceAccountName": "default"}))) == 0
}
