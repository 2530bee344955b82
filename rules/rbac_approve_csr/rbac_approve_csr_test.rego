package salint.rules.rbac_approve_csr_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_approve_csr as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

group := "certificates.k8s.io"

approval := {"apiGroups": [group], "resources": ["certificatesigningrequests", "certificatesigningrequests/approval"], "verbs": ["update"]}

signers := {"apiGroups": [group], "resources": ["signers"], "verbs": ["approve"], "resourceNames": ["kubernetes.io/kube-apiserver-client"]}

test_fires_for_approval_and_signers_in_one_role if {
	f := facts.single(findings_of([rf.cluster_role({}, [signers, approval])]))
	f.ref == 4
	f.path == ["rules", 1, "resources", 1]
	contains(f.msg, "rule #2 grants update certificatesigningrequests/approval and approve signers cluster-wide")
	contains(f.msg, "approve on signers from rule #1")
	not f.severity
}

test_fires_for_both_in_one_rule if {
	both := {"apiGroups": [group], "resources": ["signers", "certificatesigningrequests/approval"], "verbs": ["approve", "patch"]}
	f := facts.single(findings_of([rf.cluster_role({}, [both])]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "patch certificatesigningrequests/approval and approve signers")
	not contains(f.msg, "from rule")
}

test_silent_for_only_one_half if {
	count(findings_of([rf.cluster_role({}, [approval])])) == 0
	count(findings_of([rf.cluster_role({}, [signers])])) == 0
}

test_silent_when_the_halves_are_in_different_roles if {
	count(findings_of([rf.cluster_role({"name": "approve"}, [approval]), rf.cluster_role({"ref": 5, "name": "sign"}, [signers])])) == 0
}

test_silent_for_other_verbs if {
	count(findings_of([rf.cluster_role({}, [signers, object.union(approval, {"verbs": ["get", "list"]})])])) == 0
}
