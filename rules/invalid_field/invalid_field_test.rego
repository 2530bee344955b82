package salint.rules.invalid_field_test

import data.salint.lib.facts_test as facts
import data.salint.rules.invalid_field as rule

findings_of(f) := fs if {
	fs := rule.findings with input as facts.input_with({"invalidFields": [f]})
}

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
	})
	f := facts.single(findings_of(invalid))
	f.ref == 1
	f.path == path
	contains(f.msg, `"automountServiceAccountToken"`)
	contains(f.msg, "wrong type")
	contains(f.msg, "cannot unmarshal string")
}

test_wrong_type_without_detail if {
	invalid := facts.invalid_field({"problem": "type", "field": "expirationSeconds", "detail": ""})
	f := facts.single(findings_of(invalid))
	f.msg == `field "expirationSeconds" has the wrong type`
}

test_one_finding_per_field if {
	a := facts.invalid_field({})
	b := facts.invalid_field({"path": ["spec", "replicas"], "problem": "type", "field": "replicas"})
	fs := rule.findings with input as facts.input_with({"invalidFields": [a, b]})
	count(fs) == 2
}

test_silent_without_invalid_fields if {
	count(rule.findings) == 0 with input as facts.input_with({})
}
