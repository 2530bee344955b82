package salint.rules.service_account_secrets_list_test

import data.salint.lib.facts_test as facts
import data.salint.rules.service_account_secrets_list as rule

findings_of(sa) := fs if {
	fs := rule.findings with input as facts.input_with({"serviceAccounts": [sa]})
}

test_fires_at_secrets_field if {
	sa := facts.service_account({"secrets": ["web-token", "web-dockercfg"], "secretsPath": ["secrets"]})
	f := facts.single(findings_of(sa))
	f.ref == 1
	f.path == ["secrets"]
	contains(f.msg, `"web-token"`)
	contains(f.msg, `"web-dockercfg"`)
}

test_silent_without_secrets_field if {
	count(findings_of(facts.service_account({}))) == 0
}

test_silent_for_empty_secrets_list if {
	count(findings_of(facts.service_account({"secrets": [], "secretsPath": ["secrets"]}))) == 0
}

test_fires_for_default_service_account_too if {
	sa := facts.service_account({"name": "default", "secrets": ["default-token-abcde"], "secretsPath": ["secrets"]})
	f := facts.single(findings_of(sa))
	contains(f.msg, `"default-token-abcde"`)
}
