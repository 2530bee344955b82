package salint.rules.rbac_admission_control_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_admission_control as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

group := "admissionregistration.k8s.io"

test_fires_for_writing_webhook_configurations if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [group], "resources": ["validatingwebhookconfigurations"], "verbs": ["get", "update"]}])]))
	f.path == ["rules", 0, "resources", 0]
	contains(f.msg, "rule #1 grants update validatingwebhookconfigurations cluster-wide")
	contains(f.msg, "admission")
	not f.severity
}

test_says_which_configurations_resource_names_limit if {
	f := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [group], "resources": ["mutatingwebhookconfigurations"], "verbs": ["get", "update", "delete"], "resourceNames": ["webhook.example.dev"]}])]))
	not f.severity
	startswith(f.msg, `rule #1 grants update, delete on mutatingwebhookconfigurations "webhook.example.dev" only cluster-wide: `)
	g := facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [group], "resources": ["validatingwebhookconfigurations"], "verbs": ["create", "patch"], "resourceNames": ["a"]}])]))
	startswith(g.msg, `rule #1 grants patch validatingwebhookconfigurations "a" only and create validatingwebhookconfigurations of any name cluster-wide (resourceNames cannot limit create): `)
}

test_fires_for_deleting_admission_policies if {
	every resource in [
		"mutatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings",
		"mutatingadmissionpolicies", "mutatingadmissionpolicybindings",
	] {
		facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [group], "resources": [resource], "verbs": ["delete"]}])]))
	}
	facts.single(findings_of([rf.cluster_role({}, [{"apiGroups": [group], "resources": ["*"], "verbs": ["deletecollection"]}])]))
}

test_silent_for_reading_admission_configuration if {
	count(findings_of([rf.cluster_role({}, [{"apiGroups": [group], "resources": ["mutatingwebhookconfigurations"], "verbs": ["get", "list", "watch"]}])])) == 0
	count(findings_of([rf.cluster_role({}, [{"apiGroups": [""], "resources": ["mutatingwebhookconfigurations"], "verbs": ["*"]}])])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_of([rf.cluster_role({}, [everything])])) == 0
}
