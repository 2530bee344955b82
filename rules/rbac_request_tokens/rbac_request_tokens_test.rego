package salint.rules.rbac_request_tokens_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_request_tokens as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_fires_for_token_requests if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["serviceaccounts", "serviceaccounts/token"], "verbs": ["get", "create"]}]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "rule #1 grants create serviceaccounts/token in namespace prod")
	contains(f.msg, "mint a token")
	not f.severity
}

test_fires_for_star_token if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["*/token"], "verbs": ["*"]}]))
	contains(f.msg, "* on serviceaccounts/token")
}

test_fires_low_for_tokens_of_named_accounts if {
	role := rf.role({"namespace": "kube-system"}, [{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"], "resourceNames": ["cni-plugin"]}])
	f := facts.single(findings_of([role]))
	f.severity == "low"
	f.path == ["rules", 0, "resources", 0]
	f.msg == `rule #1 grants create serviceaccounts/token for ServiceAccount "cni-plugin" only in namespace kube-system: it can mint tokens for those ServiceAccounts and act as them`
}

test_stays_critical_without_resource_names if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"], "resourceNames": []}])]))
	not f.severity
	f.msg == "rule #1 grants create serviceaccounts/token cluster-wide: it can mint a token for any ServiceAccount in scope and act as that account"
}

test_silent_for_reading_accounts if {
	count(findings_for([{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["create", "get"]}])) == 0
	count(findings_for([{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["get", "list"]}])) == 0
	count(findings_for([{"apiGroups": ["authentication.k8s.io"], "resources": ["serviceaccounts/token"], "verbs": ["create"]}])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_for([everything])) == 0
}
