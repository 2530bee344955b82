package salint.rules.service_account_automount_test

import data.salint.lib.facts_test as facts
import data.salint.rules.service_account_automount as rule

findings_of(sa) := fs if {
	fs := rule.findings with input as facts.input_with({"serviceAccounts": [sa]})
}

test_fires_at_first_key_when_unset if {
	sa := facts.service_account({"automount": null, "automountPath": null})
	f := facts.single(findings_of(sa))
	f.ref == 1
	f.path == []
	contains(f.msg, "automountServiceAccountToken is unset")
}

test_fires_at_field_when_true if {
	f := facts.single(findings_of(facts.service_account({"automount": true})))
	f.path == ["automountServiceAccountToken"]
	contains(f.msg, "automountServiceAccountToken is true")
}

test_silent_when_false if {
	count(findings_of(facts.service_account({}))) == 0
}

test_silent_for_default_service_account if {
	count(findings_of(facts.service_account({"name": "default", "automount": null, "automountPath": null}))) == 0
	count(findings_of(facts.service_account({"name": "default", "automount": true}))) == 0
}

test_one_finding_per_service_account if {
	a := facts.service_account({"automount": null, "automountPath": null})
	b := facts.service_account({"ref": 2, "name": "api", "automount": true})
	fs := rule.findings with input as facts.input_with({"serviceAccounts": [a, b]})
	{f.ref | some f in fs} == {1, 2}
}
