package salint.rules.rbac_create_workloads_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_create_workloads as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_fires_for_creating_pods if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["configmaps", "pods"], "verbs": ["create"]}]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "rule #1 grants create pods in namespace prod")
	contains(f.msg, "any ServiceAccount")
	not f.severity
}

test_fires_for_updating_pod_controllers if {
	f := facts.single(findings_for([
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": ["apps"], "resources": ["statefulsets", "deployments"], "verbs": ["patch"]},
	]))
	f.path == ["rules", 1, "resources", 0]
	contains(f.msg, "rule #2 grants patch deployments, statefulsets")
}

test_fires_for_every_controller_kind if {
	every spec in [
		{"apiGroups": ["apps"], "resources": ["daemonsets"], "verbs": ["create"]},
		{"apiGroups": ["apps"], "resources": ["replicasets"], "verbs": ["update"]},
		{"apiGroups": ["extensions"], "resources": ["deployments"], "verbs": ["create"]},
		{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create"]},
		{"apiGroups": ["batch"], "resources": ["cronjobs"], "verbs": ["patch"]},
		{"apiGroups": [""], "resources": ["replicationcontrollers"], "verbs": ["update"]},
	] {
		facts.single(findings_for([spec])).path == ["rules", 0, "resources", 0]
	}
}

test_jobs_count_when_created_only if {
	facts.single(findings_for([{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create"]}]))
	facts.single(findings_for([{"apiGroups": ["batch"], "resources": ["cronjobs"], "verbs": ["create"]}]))
	facts.single(findings_for([{"apiGroups": ["batch"], "resources": ["cronjobs"], "verbs": ["patch"]}]))
	count(findings_for([{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["patch"]}])) == 0
	count(findings_for([{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["update", "patch", "get"]}])) == 0
	f := facts.single(findings_for([{"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": ["patch"]}]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "rule #1 grants patch cronjobs in namespace prod")
}

test_one_finding_per_rule if {
	f := facts.single(findings_for([{"apiGroups": ["", "apps", "batch"], "resources": ["pods", "deployments", "jobs"], "verbs": ["create"]}]))
	f.path == ["rules", 0, "resources", 0]
	contains(f.msg, "create deployments, jobs, pods")
}

test_silent_for_updating_pods_or_reading_controllers if {
	count(findings_for([{"apiGroups": [""], "resources": ["pods"], "verbs": ["update", "patch", "delete"]}])) == 0
	count(findings_for([{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list", "delete"]}])) == 0
}

test_silent_for_controllers_in_the_wrong_group if {
	count(findings_for([{"apiGroups": [""], "resources": ["deployments"], "verbs": ["create"]}])) == 0
	count(findings_for([{"apiGroups": ["apps"], "resources": ["pods", "jobs"], "verbs": ["create"]}])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_for([everything])) == 0
}
