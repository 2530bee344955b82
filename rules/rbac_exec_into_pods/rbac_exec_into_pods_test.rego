package salint.rules.rbac_exec_into_pods_test

import data.salint.lib.facts_test as facts
import data.salint.lib.roles_facts_test as rf
import data.salint.rules.rbac_exec_into_pods as rule

findings_of(roles) := fs if {
	fs := rule.findings with input as rf.input_with_roles(roles)
}

# findings_for judges a Role in namespace prod holding the rules of specs.
findings_for(specs) := findings_of([rf.role({}, specs)])

everything := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_fires_for_exec if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["pods", "pods/exec"], "verbs": ["get", "create"]}]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "rule #1 grants get, create on pods/exec in namespace prod")
	contains(f.msg, "run commands")
}

test_fires_for_attach_portforward_and_ephemeral_containers if {
	facts.single(findings_for([{"apiGroups": [""], "resources": ["pods/attach"], "verbs": ["create"]}]))
	facts.single(findings_for([{"apiGroups": [""], "resources": ["pods/portforward"], "verbs": ["get"]}]))
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["patch"]}]))
	contains(f.msg, "patch pods/ephemeralcontainers")
}

test_fires_low_for_named_pods if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["get", "create"], "resourceNames": ["debug"]}]))
	f.severity == "low"
	f.msg == `rule #1 grants get, create on pods/exec for Pod "debug" only in namespace prod: it can run commands in or connect to those pods and read their ServiceAccount tokens and Secrets`
	g := facts.single(findings_for([{"apiGroups": [""], "resources": ["pods/portforward"], "verbs": ["get"], "resourceNames": ["db-0", "db-1"]}]))
	g.severity == "low"
	contains(g.msg, `get pods/portforward for Pods "db-0", "db-1" only`)
	h := facts.single(findings_for([{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["get"]}]))
	not h.severity
	contains(h.msg, "running pods")
}

test_fires_for_star_exec if {
	f := facts.single(findings_for([{"apiGroups": [""], "resources": ["configmaps", "*/exec"], "verbs": ["create"]}]))
	f.path == ["rules", 0, "resources", 1]
	contains(f.msg, "create pods/exec")
}

test_silent_for_pods_slash_star if {
	count(findings_for([{"apiGroups": [""], "resources": ["pods/*"], "verbs": ["*"]}])) == 0
}

test_silent_for_other_verbs_and_subresources if {
	count(findings_for([{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["list", "watch"]}])) == 0
	count(findings_for([{"apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["get"]}])) == 0
	count(findings_for([{"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}])) == 0
}

test_silent_when_cluster_admin_equivalent if {
	count(findings_for([everything])) == 0
}
