package salint.rules.token_secret_without_account_test

import data.salint.lib.facts_test as facts
import data.salint.rules.token_secret_without_account as rule

annotation_path := ["metadata", "annotations", "kubernetes.io/service-account.name"]

findings_of(s) := fs if {
	fs := rule.findings with input as facts.input_with({"secrets": [s]})
}

test_fires_at_annotations_when_annotation_is_absent if {
	s := facts.secret({"serviceAccountName": null, "serviceAccountNamePath": null, "serviceAccount": null})
	f := facts.single(findings_of(s))
	f.ref == 7
	f.path == ["metadata", "annotations"]
	contains(f.msg, "kubernetes.io/service-account.name")
}

test_fires_at_metadata_without_annotations if {
	s := facts.secret({
		"serviceAccountName": null,
		"serviceAccountNamePath": null,
		"annotationsPath": null,
		"serviceAccount": null,
	})
	f := facts.single(findings_of(s))
	f.path == ["metadata"]
}

test_fires_at_annotation_when_it_is_empty if {
	s := facts.secret({"serviceAccountName": "", "serviceAccount": {"inInput": false, "ref": null}})
	f := facts.single(findings_of(s))
	f.path == annotation_path
	contains(f.msg, "empty")
}

test_fires_at_annotation_when_account_is_undefined if {
	s := facts.secret({"serviceAccountName": "ci", "serviceAccount": {"inInput": false, "ref": null}})
	f := facts.single(findings_of(s))
	f.path == annotation_path
	contains(f.msg, `"prod/ci"`)
}

test_silent_when_account_is_in_input if {
	count(findings_of(facts.secret({}))) == 0
}

test_silent_when_account_is_known if {
	s := facts.secret({"serviceAccountName": "ci", "serviceAccount": {"inInput": false, "known": true, "ref": null}})
	count(findings_of(s)) == 0
}

test_silent_for_default_account_outside_input if {
	s := facts.secret({"serviceAccountName": "default", "serviceAccount": {"inInput": false, "ref": null}})
	count(findings_of(s)) == 0
}

test_silent_for_other_secret_types if {
	s := facts.secret({
		"type": "Opaque",
		"serviceAccountName": null,
		"serviceAccountNamePath": null,
		"serviceAccount": null,
	})
	count(findings_of(s)) == 0
}
