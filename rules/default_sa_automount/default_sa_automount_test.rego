package salint.rules.default_sa_automount_test

import data.salint.lib.facts_test as facts
import data.salint.rules.default_sa_automount as rule

findings_of(sa) := fs if {
	fs := rule.findings with input as facts.input_with({"serviceAccounts": [sa]})
}

test_fires_at_first_key_when_unset if {
	sa := facts.service_account({"name": "default", "automount": null, "automountPath": null})
	f := facts.single(findings_of(sa))
	f.ref == 1
	f.path == []
	contains(f.msg, "automountServiceAccountToken is unset")
	contains(f.msg, `"prod"`)
}

test_fires_at_field_when_true if {
	sa := facts.service_account({"name": "default", "automount": true})
	f := facts.single(findings_of(sa))
	f.path == ["automountServiceAccountToken"]
	contains(f.msg, "automountServiceAccountToken is true")
}

test_silent_when_false if {
	count(findings_of(facts.service_account({"name": "default"}))) == 0
}

test_silent_for_other_service_accounts if {
	count(findings_of(facts.service_account({"automount": null, "automountPath": null}))) == 0
	count(findings_of(facts.service_account({"automount": true}))) == 0
}
