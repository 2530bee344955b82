package salint.rules.deprecated_service_account_field_test

import data.salint.lib.facts_test as facts
import data.salint.rules.deprecated_service_account_field as rule

name_path := array.concat(facts.spec, ["serviceAccountName"])

deprecated_path := array.concat(facts.spec, ["serviceAccount"])

# with_fields is a workload whose pod sets serviceAccountName and serviceAccount
# as given (null when absent), resolved the way Kubernetes does.
with_fields(name, deprecated) := facts.workload({"serviceAccount": {
	"name": effective(name, deprecated),
	"path": deciding_path(name, deprecated),
	"serviceAccountName": name,
	"serviceAccountNamePath": present_path(name, name_path),
	"deprecated": deprecated,
	"deprecatedPath": present_path(deprecated, deprecated_path),
}})

effective(name, deprecated) := name if {
	not name in {null, ""}
} else := deprecated if {
	not deprecated in {null, ""}
} else := "default"

deciding_path(name, deprecated) := name_path if {
	not name in {null, ""}
} else := deprecated_path if {
	not deprecated in {null, ""}
} else := facts.spec

present_path(null, _) := null

present_path(value, path) := path if value != null

findings_of(w) := fs if {
	fs := rule.findings with input as facts.input_with({"workloads": [w]})
}

test_fires_low_when_only_deprecated_field_is_set if {
	f := facts.single(findings_of(with_fields(null, "web")))
	f.ref == 3
	f.path == deprecated_path
	contains(f.msg, `"web"`)
	not f.severity
}

test_fires_low_when_both_fields_agree if {
	f := facts.single(findings_of(with_fields("web", "web")))
	f.path == deprecated_path
	not f.severity
}

test_fires_low_when_name_is_empty if {
	f := facts.single(findings_of(with_fields("", "web")))
	f.path == deprecated_path
	not f.severity
}

test_fires_high_when_fields_differ if {
	f := facts.single(findings_of(with_fields("web", "admin")))
	f.path == deprecated_path
	f.severity == "high"
	contains(f.msg, `"admin"`)
	contains(f.msg, `"web"`)
}

test_silent_without_deprecated_field if {
	count(findings_of(with_fields("web", null))) == 0
	count(findings_of(with_fields(null, null))) == 0
}

test_silent_when_deprecated_field_is_empty if {
	count(findings_of(with_fields("web", ""))) == 0
}
