package salint.lib.rbac_test

import data.salint.lib.rbac
import data.salint.lib.roles_facts_test as rf

# dangers_of judges one rule as the only rule of its role.
dangers_of(spec) := rbac.dangers(r, [r]) if r := rf.rule(spec)

ids_of(spec) := {d.id | some d in dangers_of(spec)}

# danger_of is the danger of one ID; undefined unless the rule holds it.
danger_of(spec, id) := d if {
	some d in dangers_of(spec)
	d.id == id
}

core(resources, verbs) := {"apiGroups": [""], "resources": resources, "verbs": verbs}

in_group(group, resources, verbs) := {"apiGroups": [group], "resources": resources, "verbs": verbs}

# The check table

test_jobs_are_created_not_changed if {
	ids_of(in_group("batch", ["jobs"], ["create"])) == {"SA044"}
	count(dangers_of(in_group("batch", ["jobs"], ["update", "patch"]))) == 0
	ids_of(in_group("batch", ["cronjobs"], ["create"])) == {"SA044"}
	ids_of(in_group("batch", ["cronjobs"], ["patch"])) == {"SA044"}
	danger_of(in_group("batch", ["jobs", "cronjobs"], ["patch", "update"]), "SA044").what == "patch, update on cronjobs"
	danger_of(in_group("batch", ["jobs"], ["create", "patch"]), "SA044").what == "create jobs"
}

test_every_check_is_complete if {
	every check in rbac.checks {
		rbac.default_severity[check.id]
		count(check.groups) > 0
		count(check.resources) > 0
		count(check.verbs) > 0
	}
	every id, partner in rbac.partners {
		rbac.default_severity[id]
		is_string(partner.what)
	}
	ids := {c.id | some c in rbac.checks}
	ids | {"SA041"} == {id | some id, _ in rbac.default_severity}
}

test_severity_rank_orders_severities if {
	rbac.severity_rank.critical > rbac.severity_rank.high
	rbac.severity_rank.high > rbac.severity_rank.medium
	rbac.severity_rank.medium > rbac.severity_rank.low
	rbac.severity_rank.low > rbac.severity_rank.info
}

# Rules that grant nothing dangerous

test_harmless_rules_grant_nothing if {
	count(dangers_of(core(["configmaps", "services", "endpoints"], ["get", "list", "watch", "create", "delete"]))) == 0
	count(dangers_of(in_group("coordination.k8s.io", ["leases"], ["*"]))) == 0
	count(dangers_of(core(["pods", "pods/log"], ["get", "list", "watch", "delete"]))) == 0
	count(dangers_of(rf.rule({}))) == 0
}

test_empty_lists_grant_nothing if {
	count(dangers_of({"apiGroups": [], "resources": ["secrets"], "verbs": ["get"]})) == 0
	count(dangers_of(core([], ["*"]))) == 0
	count(dangers_of(core(["secrets"], []))) == 0
}

test_names_are_case_sensitive if {
	count(dangers_of(core(["Secrets"], ["get"]))) == 0
	count(dangers_of(core(["secrets"], ["GET"]))) == 0
}

# API groups: each resource lives in its own groups

test_secrets_outside_the_core_group_grant_nothing if {
	count(dangers_of(in_group("apps", ["secrets"], ["get", "create"]))) == 0
	count(dangers_of(in_group("rbac.authorization.k8s.io", ["secrets", "pods"], ["*"]))) == 0
}

test_secrets_in_any_group_match if {
	ids_of(in_group("*", ["secrets"], ["get"])) == {"SA042"}
	ids_of({"apiGroups": ["apps", ""], "resources": ["secrets"], "verbs": ["get"]}) == {"SA042"}
}

test_pod_controllers_live_in_their_groups if {
	ids_of(in_group("apps", ["deployments"], ["create"])) == {"SA044"}
	ids_of(in_group("extensions", ["deployments", "replicasets", "daemonsets"], ["patch"])) == {"SA044"}
	ids_of(in_group("batch", ["cronjobs"], ["update"])) == {"SA044"}
	ids_of(core(["replicationcontrollers"], ["create"])) == {"SA044"}
	count(dangers_of(core(["deployments"], ["create"]))) == 0
	count(dangers_of(in_group("extensions", ["statefulsets"], ["create"]))) == 0
	count(dangers_of(in_group("apps", ["jobs", "pods"], ["create"]))) == 0
}

test_group_resource_and_verb_must_match_in_the_same_rule if {
	# Together the two rules would name core secrets and get; alone neither does.
	rules := rf.numbered([
		in_group("apps", ["secrets"], ["list"]),
		core(["configmaps"], ["get"]),
	])
	every r in rules {
		count(rbac.dangers(r, rules)) == 0
	}
	count(rbac.classified) == 0 with input as {"grantRoles": [{"key": 0, "rules": rules}]}
	count(rbac.role_dangers) == 0 with input as rf.input_with_roles([rf.role({}, [
		in_group("apps", ["secrets"], ["list"]),
		core(["configmaps"], ["get"]),
	])])
}

# Resources: "*" and "*/<sub>" are the only wildcards

test_pods_slash_star_is_not_a_wildcard if {
	count(dangers_of(core(["pods/*"], ["*"]))) == 0
	count(dangers_of(core(["serviceaccounts/*", "nodes/*"], ["create", "get"]))) == 0
}

test_star_subresource_matches_that_subresource_of_every_resource if {
	d := danger_of(core(["*/exec"], ["create"]), "SA045")
	d == {"id": "SA045", "severity": "high", "field": "resources", "item": 0, "what": "create pods/exec"}
	danger_of(core(["configmaps", "*/token"], ["create"]), "SA048").item == 1
	danger_of(core(["*/proxy"], ["get"]), "SA046").what == "get nodes/proxy"
	danger_of(core(["*/status"], ["patch"]), "SA052").what == "patch nodes/status, pods/status, services/status"
	danger_of(in_group("certificates.k8s.io", ["*/approval", "signers"], ["update", "approve"]), "SA051")
}

test_star_subresource_does_not_match_the_resource_itself if {
	count(dangers_of(core(["*/secrets", "*/pods"], ["*"]))) == 0
	count(dangers_of(core(["*/log", "*/scale"], ["*"]))) == 0
}

test_star_resource_matches_resources_and_subresources if {
	ids_of(core(["*"], ["*"])) == {"SA042", "SA043", "SA044", "SA045", "SA046", "SA047", "SA048", "SA052", "SA053"}
	ids_of(core(["*"], ["get"])) == {"SA042", "SA045", "SA046"}
	danger_of(core(["*"], ["create"]), "SA044").what == "create pods, replicationcontrollers"
}

# Verbs

test_star_verb_grants_every_verb if {
	ids_of(core(["secrets"], ["*"])) == {"SA042", "SA043"}
	ids_of(in_group("rbac.authorization.k8s.io", ["clusterroles"], ["*"])) == {"SA047"}
}

test_other_verbs_grant_nothing if {
	count(dangers_of(core(["secrets"], ["delete", "deletecollection"]))) == 0
	count(dangers_of(core(["pods"], ["update", "patch", "delete"]))) == 0
	count(dangers_of(in_group("apps", ["deployments"], ["get", "list", "delete"]))) == 0
}

# resourceNames

test_resource_names_lower_reading_secrets if {
	d := danger_of(object.union(core(["secrets"], ["get", "list", "watch"]), {"resourceNames": ["db"]}), "SA042")
	d.severity == "low"
	danger_of(core(["secrets"], ["get"]), "SA042").severity == "high"
}

test_resource_names_cannot_limit_create if {
	d := danger_of(object.union(core(["secrets"], ["create"]), {"resourceNames": ["db"]}), "SA043")
	d.severity == "high"
	danger_of(object.union(core(["secrets"], ["update", "create"]), {"resourceNames": ["db"]}), "SA043").severity == "high"
}

test_resource_names_lower_update_and_patch if {
	danger_of(object.union(core(["secrets"], ["update", "patch"]), {"resourceNames": ["db"]}), "SA043").severity == "low"
	danger_of(core(["secrets"], ["update"]), "SA043").severity == "high"
}

test_star_verb_with_resource_names_still_creates if {
	spec := object.union(core(["secrets"], ["*"]), {"resourceNames": ["db"]})
	danger_of(spec, "SA042").severity == "low"
	danger_of(spec, "SA043").severity == "high"
}

test_resource_names_do_not_lower_other_checks if {
	danger_of(object.union(in_group("apps", ["deployments"], ["patch"]), {"resourceNames": ["web"]}), "SA044").severity == "high"
	danger_of(object.union(core(["nodes/proxy"], ["get"]), {"resourceNames": ["node-1"]}), "SA046").severity == "high"
}

test_resource_names_limit_create_on_subresources_that_name_their_parent if {
	token := danger_of(object.union(core(["serviceaccounts/token"], ["create"]), {"resourceNames": ["cni-plugin"]}), "SA048")
	token.severity == "low"
	token.what == `create serviceaccounts/token for ServiceAccount "cni-plugin" only`
	exec := danger_of(object.union(core(["pods/exec", "pods/attach", "pods/portforward"], ["create", "get"]), {"resourceNames": ["debug", "shell"]}), "SA045")
	exec.severity == "low"
	exec.what == `create, get on pods/attach, pods/exec, pods/portforward for Pods "debug", "shell" only`
	danger_of(object.union(core(["*/token"], ["*"]), {"resourceNames": ["web"]}), "SA048").severity == "low"
	danger_of(object.union(core(["pods/exec"], ["get"]), {"resourceNames": ["web"]}), "SA045").severity == "low"
	danger_of(object.union(core(["pods/ephemeralcontainers"], ["patch"]), {"resourceNames": ["web"]}), "SA045").severity == "low"
}

test_subresources_without_resource_names_stay_severe if {
	danger_of(core(["serviceaccounts/token"], ["create"]), "SA048").severity == "critical"
	danger_of(core(["pods/exec"], ["get"]), "SA045").severity == "high"
	danger_of(object.union(core(["pods/exec"], ["create"]), {"resourceNames": []}), "SA045").severity == "high"
}

test_resource_names_limit_exec_but_not_creating_pods if {
	spec := object.union(core(["pods", "pods/exec"], ["create"]), {"resourceNames": ["web"]})
	danger_of(spec, "SA044") == {"id": "SA044", "severity": "high", "field": "resources", "item": 0, "what": "create pods"}
	danger_of(spec, "SA045") == {"id": "SA045", "severity": "low", "field": "resources", "item": 1, "what": `create pods/exec for Pod "web" only`}
}

test_what_names_the_objects_resource_names_limit if {
	danger_of(object.union(core(["secrets"], ["update", "patch"]), {"resourceNames": ["a", "b"]}), "SA043").what == `update, patch on secrets "a", "b" only`
	danger_of(object.union(core(["secrets"], ["update", "create"]), {"resourceNames": ["a"]}), "SA043").what == `update secrets "a" only and create secrets of any name`
	danger_of(object.union(core(["secrets"], ["*"]), {"resourceNames": ["a"]}), "SA043").what == `patch, update on secrets "a" only and create secrets of any name`
	danger_of(object.union(core(["secrets"], ["*"]), {"resourceNames": ["a"]}), "SA042").what == `* on secrets "a" only`
	danger_of(object.union(core(["secrets"], ["create"]), {"resourceNames": ["a"]}), "SA043").what == "create secrets"
	danger_of(object.union(core(["nodes/status", "services/status"], ["patch"]), {"resourceNames": ["x"]}), "SA052").what == `patch nodes/status, services/status for objects named "x" only`
	danger_of(object.union(core(["events"], ["delete", "deletecollection"]), {"resourceNames": ["e"]}), "SA053").what == `delete events "e" only and deletecollection events of any name`
}

# SA041 and what it hides

test_everything_is_cluster_admin_only if {
	dangers_of({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}) == {{"id": "SA041", "severity": "critical", "field": "resources", "item": 0, "what": "* on *"}}
	dangers_of({"apiGroups": ["apps", "*"], "resources": ["configmaps", "*"], "verbs": ["get", "*"]}) == {{"id": "SA041", "severity": "critical", "field": "resources", "item": 1, "what": "* on *"}}
}

test_cluster_admin_needs_all_three_wildcards if {
	not "SA041" in ids_of({"apiGroups": [""], "resources": ["*"], "verbs": ["*"]})
	not "SA041" in ids_of({"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["*"]})
	ids_of({"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "create"]}) == {"SA042", "SA043", "SA044", "SA045", "SA046", "SA048", "SA049", "SA050"}
}

test_every_verb_on_every_url_is_cluster_admin if {
	dangers_of({"apiGroups": [], "nonResourceURLs": ["/healthz", "*"], "verbs": ["*"]}) == {{"id": "SA041", "severity": "critical", "field": "nonResourceURLs", "item": 1, "what": "* on non-resource URLs *"}}
	count(dangers_of({"apiGroups": [], "nonResourceURLs": ["*"], "verbs": ["get"]})) == 0
	count(dangers_of({"apiGroups": [], "nonResourceURLs": ["/metrics", "/logs/*"], "verbs": ["*"]})) == 0
}

# One check at a time

test_workload_creation if {
	danger_of(core(["pods"], ["create"]), "SA044") == {"id": "SA044", "severity": "high", "field": "resources", "item": 0, "what": "create pods"}
	danger_of({"apiGroups": ["", "apps"], "resources": ["configmaps", "pods", "deployments"], "verbs": ["create", "update"]}, "SA044") == {
		"id": "SA044", "severity": "high", "field": "resources", "item": 1,
		"what": "create, update on deployments, pods",
	}
}

test_exec_attach_portforward_and_ephemeral_containers if {
	ids_of(core(["pods/exec"], ["get"])) == {"SA045"}
	ids_of(core(["pods/attach"], ["create"])) == {"SA045"}
	ids_of(core(["pods/portforward"], ["create"])) == {"SA045"}
	ids_of(core(["pods/ephemeralcontainers"], ["patch"])) == {"SA045"}
	count(dangers_of(core(["pods/ephemeralcontainers"], ["get", "create"]))) == 0
	count(dangers_of(core(["pods/exec"], ["list", "watch"]))) == 0
	count(dangers_of(in_group("apps", ["pods/exec"], ["create"]))) == 0
}

test_node_proxy if {
	danger_of(core(["nodes/proxy"], ["get", "list"]), "SA046").what == "get nodes/proxy"
	ids_of(core(["nodes/proxy"], ["create"])) == {"SA046"}
	count(dangers_of(core(["nodes/proxy"], ["list", "watch"]))) == 0
	count(dangers_of(core(["nodes", "nodes/metrics", "nodes/stats"], ["get"]))) == 0
}

test_escalate_and_bind_apply_to_roles_only if {
	rbac_group := "rbac.authorization.k8s.io"
	danger_of(in_group(rbac_group, ["clusterroles"], ["bind"]), "SA047").severity == "critical"
	ids_of(in_group(rbac_group, ["roles"], ["escalate"])) == {"SA047"}
	count(dangers_of(in_group(rbac_group, ["rolebindings", "clusterrolebindings"], ["bind", "escalate"]))) == 0
	ids_of(in_group(rbac_group, ["rolebindings"], ["create"])) == {"SA049"}
	count(dangers_of(core(["roles"], ["bind"]))) == 0
}

test_impersonation if {
	danger_of(core(["users", "groups"], ["impersonate"]), "SA047").what == "impersonate groups, users"
	ids_of(core(["serviceaccounts"], ["impersonate"])) == {"SA047"}
	ids_of(in_group("authentication.k8s.io", ["uids"], ["impersonate"])) == {"SA047"}
	danger_of(in_group("authentication.k8s.io", ["userextras/scopes"], ["impersonate"]), "SA047").what == "impersonate userextras/scopes"
	danger_of(in_group("authentication.k8s.io", ["*/scopes"], ["impersonate"]), "SA047").what == "impersonate userextras/scopes"
	count(dangers_of(in_group("authentication.k8s.io", ["users", "userextras"], ["impersonate"]))) == 0
	count(dangers_of(core(["uids", "userextras/scopes"], ["impersonate"]))) == 0
	count(dangers_of(core(["users"], ["get", "list"]))) == 0
}

test_token_requests if {
	danger_of(core(["serviceaccounts/token"], ["create"]), "SA048") == {"id": "SA048", "severity": "critical", "field": "resources", "item": 0, "what": "create serviceaccounts/token"}
	count(dangers_of(core(["serviceaccounts/token"], ["get"]))) == 0
	count(dangers_of(core(["serviceaccounts"], ["create"]))) == 0
}

test_binding_management if {
	group := "rbac.authorization.k8s.io"
	danger_of(in_group(group, ["clusterrolebindings"], ["patch"]), "SA049").severity == "medium"
	count(dangers_of(in_group(group, ["rolebindings"], ["get", "delete"]))) == 0
	count(dangers_of(core(["rolebindings"], ["create"]))) == 0
}

test_admission_control if {
	group := "admissionregistration.k8s.io"
	every resource in [
		"mutatingwebhookconfigurations", "validatingwebhookconfigurations",
		"mutatingadmissionpolicies", "mutatingadmissionpolicybindings",
		"validatingadmissionpolicies", "validatingadmissionpolicybindings",
	] {
		ids_of(in_group(group, [resource], ["delete"])) == {"SA050"}
	}
	ids_of(in_group(group, ["validatingwebhookconfigurations"], ["deletecollection"])) == {"SA050"}
	count(dangers_of(in_group(group, ["mutatingwebhookconfigurations"], ["get", "list", "watch"]))) == 0
	count(dangers_of(core(["mutatingwebhookconfigurations"], ["*"]))) == 0
}

test_status_subresources if {
	ids_of(core(["services/status"], ["patch"])) == {"SA052"}
	danger_of(core(["nodes/status", "pods/status"], ["update"]), "SA052").what == "update nodes/status, pods/status"
	count(dangers_of(core(["services/status"], ["get"]))) == 0
	count(dangers_of(core(["services", "deployments/status"], ["update"]))) == 0
}

test_deleting_events if {
	danger_of(core(["events"], ["delete"]), "SA053").severity == "low"
	ids_of(in_group("events.k8s.io", ["events"], ["deletecollection"])) == {"SA053"}
	count(dangers_of(core(["events"], ["create", "patch"]))) == 0
	count(dangers_of(in_group("apps", ["events"], ["delete"]))) == 0
}

# SA051 takes two grants of the same role

approval := in_group("certificates.k8s.io", ["certificatesigningrequests/approval"], ["update"])

signers := in_group("certificates.k8s.io", ["signers"], ["approve"])

test_approval_with_signers_in_the_same_rule if {
	d := danger_of(in_group("certificates.k8s.io", ["signers", "certificatesigningrequests/approval"], ["approve", "update"]), "SA051")
	d == {"id": "SA051", "severity": "high", "field": "resources", "item": 1, "what": "update certificatesigningrequests/approval and approve signers"}
}

test_approval_with_signers_in_another_rule if {
	rules := rf.numbered([signers, approval])
	{d.id | some d in rbac.dangers(rules[1], rules)} == {"SA051"}
	count(rbac.dangers(rules[0], rules)) == 0
	rbac.partner_rules("SA051", rules) == [0]
}

test_approval_alone_is_not_dangerous if {
	count(dangers_of(approval)) == 0
	count(dangers_of(signers)) == 0
	rules := rf.numbered([approval, in_group("certificates.k8s.io", ["signers"], ["get", "list"])])
	count(rbac.dangers(rules[0], rules)) == 0
}

test_signers_in_another_group_do_not_count if {
	rules := rf.numbered([approval, core(["signers"], ["approve"])])
	count(rbac.dangers(rules[0], rules)) == 0
}

test_approval_with_signers_through_wildcards if {
	rules := rf.numbered([
		in_group("certificates.k8s.io", ["*/approval"], ["patch"]),
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["approve"]},
	])
	{d.id | some d in rbac.dangers(rules[0], rules)} == {"SA051"}
}

# classified and role_dangers

test_classified_names_each_dangerous_rule if {
	roles := [
		rf.grant_role(0, [core(["configmaps"], ["get"]), core(["pods"], ["create"])]),
		rf.grant_role(1, [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]),
		rf.grant_role(2, [object.union(core(["secrets"], ["get"]), {"resourceNames": ["db"]})]),
	]
	summary(rbac.classified) == {
		[0, 1, "SA044", "high"],
		[1, 0, "SA041", "critical"],
		[2, 0, "SA042", "low"],
	} with input as {"grantRoles": roles}
}

test_classified_gives_the_most_severe_danger_of_a_rule if {
	roles := [rf.grant_role(0, [core(["events", "secrets", "serviceaccounts/token"], ["get", "create", "delete"])])]
	rbac.classified == [[0, 0, {"id": "SA048", "severity": "critical", "field": "resources", "item": 2, "what": "create serviceaccounts/token"}]] with input as {"grantRoles": roles}
}

test_classified_ranks_a_limited_token_request_low if {
	roles := [rf.grant_role(0, [object.union(core(["serviceaccounts/token"], ["create"]), {"resourceNames": ["cni-plugin"]})])]
	rbac.classified == [[0, 0, {
		"id": "SA048", "severity": "low", "field": "resources", "item": 0,
		"what": `create serviceaccounts/token for ServiceAccount "cni-plugin" only`,
	}]] with input as {"grantRoles": roles}
}

test_classified_breaks_ties_by_rule_id if {
	roles := [rf.grant_role(0, [core(["secrets", "pods"], ["get", "create"])])]
	summary(rbac.classified) == {[0, 0, "SA042", "high"]} with input as {"grantRoles": roles}
}

test_classified_requires_partners_in_the_same_role if {
	roles := [rf.grant_role(0, [approval]), rf.grant_role(1, [signers]), rf.grant_role(2, [signers, approval])]
	summary(rbac.classified) == {[2, 1, "SA051", "high"]} with input as {"grantRoles": roles}
}

summary(classified) := {[key, index, d.id, d.severity] | some [key, index, d] in classified}

test_role_dangers_lists_dangers_by_position if {
	roles := [
		rf.role({}, [core(["configmaps"], ["get"])]),
		rf.cluster_role({"ref": 5}, [core(["configmaps"], ["get"]), core(["nodes/proxy"], ["get"])]),
	]
	rbac.role_dangers == [{"role": 1, "rule": 1, "danger": {"id": "SA046", "severity": "high", "field": "resources", "item": 0, "what": "get nodes/proxy"}}] with input as rf.input_with_roles(roles)
	x := rbac.role_dangers_of("SA046")[0] with input as rf.input_with_roles(roles)
	x.role.ref == 5
	x.rule.index == 1
	count(rbac.role_dangers_of("SA042")) == 0 with input as rf.input_with_roles(roles)
}

# SA040's wildcards

test_wildcards_are_each_item if {
	r := rf.rule({"apiGroups": ["*", "apps"], "resources": ["pods", "*/scale", "*"], "verbs": ["get", "*"]})
	rbac.wildcards(r) == {["apiGroups", 0], ["resources", 1], ["resources", 2], ["verbs", 1]}
}

test_wildcards_ignore_other_items if {
	count(rbac.wildcards(rf.rule({"apiGroups": [""], "resources": ["pods/*", "secrets"], "verbs": ["get"], "nonResourceURLs": ["*"]}))) == 0
	count(rbac.wildcards(rf.rule({"apiGroups": ["*.example.com"], "resources": ["pods"], "verbs": ["*get"]}))) == 0
}

# Helpers for messages and findings

test_highest_prefers_severity_then_id if {
	ds := {
		{"id": "SA053", "severity": "low", "field": "resources", "item": 0, "what": "delete events"},
		{"id": "SA044", "severity": "high", "field": "resources", "item": 0, "what": "create pods"},
		{"id": "SA042", "severity": "high", "field": "resources", "item": 0, "what": "get secrets"},
	}
	rbac.highest(ds).id == "SA042"
	not rbac.highest(set())
}

test_message_explains_resource_names if {
	limited := rf.rule(object.union(core(["secrets"], ["get", "list"]), {"resourceNames": ["db", "cache"]}))
	low := danger_of(limited, "SA042")
	rbac.message(rf.role({}, []), limited, low, "x") == `rule #1 grants get, list on secrets "db", "cache" only in namespace prod: x`
	creating := rf.rule(object.union(core(["secrets"], ["create"]), {"resourceNames": ["db"]}))
	high := danger_of(creating, "SA043")
	rbac.message(rf.cluster_role({}, []), creating, high, "x") == `rule #1 grants create secrets cluster-wide (resourceNames "db" cannot limit create): x`
	both := rf.rule(object.union(core(["secrets"], ["update", "create"]), {"resourceNames": ["db"]}))
	rbac.message(rf.role({}, []), both, danger_of(both, "SA043"), "x") == `rule #1 grants update secrets "db" only and create secrets of any name in namespace prod (resourceNames cannot limit create): x`
	token := rf.rule(object.union(core(["serviceaccounts/token"], ["create"]), {"resourceNames": ["cni-plugin"]}))
	rbac.message(rf.role({"namespace": "kube-system"}, []), token, danger_of(token, "SA048"), "x") == `rule #1 grants create serviceaccounts/token for ServiceAccount "cni-plugin" only in namespace kube-system: x`
}

test_message_of_a_role_on_cluster_scoped_resources if {
	proxy := rf.rule(core(["nodes/proxy"], ["get"]))
	d := danger_of(proxy, "SA046")
	rbac.message(rf.role({}, []), proxy, d, "it can x") == "rule #1 names get nodes/proxy; nodes/proxy is cluster-scoped, so a Role grants it nowhere, but in a ClusterRole it can x"
	rbac.message(rf.cluster_role({}, []), proxy, d, "it can x") == "rule #1 grants get nodes/proxy cluster-wide: it can x"
	hooks := rf.rule(in_group("admissionregistration.k8s.io", ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"], ["patch"]))
	startswith(rbac.message(rf.role({}, []), hooks, danger_of(hooks, "SA050"), "x"), "rule #1 names patch mutatingwebhookconfigurations, validatingwebhookconfigurations; mutatingwebhookconfigurations, validatingwebhookconfigurations are cluster-scoped, so a Role grants them nowhere")
	status := rf.rule(core(["nodes/status", "pods/status"], ["patch"]))
	rbac.message(rf.role({}, []), status, danger_of(status, "SA052"), "x") == "rule #1 grants patch nodes/status, pods/status in namespace prod (nodes/status is cluster-scoped: a Role grants it nowhere): x"
	everything := rf.rule({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]})
	rbac.message(rf.role({}, []), everything, danger_of(everything, "SA041"), "x") == "rule #1 grants * on * in namespace prod: x"
}

test_a_role_can_grant_bind_on_cluster_roles if {
	bind := rf.rule(in_group("rbac.authorization.k8s.io", ["clusterroles"], ["bind"]))
	rbac.message(rf.role({}, []), bind, danger_of(bind, "SA047"), "x") == "rule #1 grants bind clusterroles in namespace prod: x"
	escalate := rf.rule(in_group("rbac.authorization.k8s.io", ["clusterroles"], ["escalate"]))
	startswith(rbac.message(rf.role({}, []), escalate, danger_of(escalate, "SA047"), "x"), "rule #1 names escalate clusterroles; clusterroles is cluster-scoped, so")
}

test_cluster_scoped_in_reads_what if {
	rbac.cluster_scoped_in("get nodes/proxy") == ["nodes/proxy"]
	rbac.cluster_scoped_in("create pods") == []
	rbac.cluster_scoped_in(`update validatingwebhookconfigurations "nodes", "pods" only`) == ["validatingwebhookconfigurations"]
	rbac.cluster_scoped_in("impersonate groups, serviceaccounts, users") == ["groups", "users"]
	rbac.cluster_scoped_in("impersonate userextras/scopes") == ["userextras/scopes"]
	rbac.cluster_scoped_in("* on non-resource URLs *") == ["non-resource URLs"]
	rbac.cluster_scoped_in("* on *") == []
	rbac.cluster_scoped_in("update certificatesigningrequests/approval and approve signers") == ["certificatesigningrequests/approval", "signers"]
	rbac.cluster_scoped_in("escalate, bind on clusterroles, roles") == []
}

# Every resource a check names is read back from the what of its danger, and
# the names of resourceNames, quoted, never are.
test_resources_in_reads_every_check if {
	every check in rbac.checks {
		every resource in check.resources {
			named := replace(resource, "/*", "/scopes")
			spec := {"apiGroups": [min(check.groups)], "resources": [named, "signers"], "verbs": [min(check.verbs), "approve"]}
			plain := rbac.resources_in(danger_of(spec, check.id).what)
			named in plain
			every names in [["web"], [named, "signers", "secrets"]] {
				rbac.resources_in(danger_of(object.union(spec, {"resourceNames": names}), check.id).what) == plain
			}
		}
	}
}

test_finding_carries_severity_only_when_lowered if {
	role := rf.role({}, [])
	limited := rf.rule(object.union(core(["secrets"], ["get"]), {"resourceNames": ["db"]}))
	rbac.finding(role, limited, danger_of(limited, "SA042"), "m") == {"ref": 4, "path": ["rules", 0, "resources", 0], "msg": "m", "severity": "low"}
	open := rf.rule(core(["configmaps", "secrets"], ["get"]))
	rbac.finding(role, open, danger_of(open, "SA042"), "m") == {"ref": 4, "path": ["rules", 0, "resources", 1], "msg": "m"}
}

test_message_parts if {
	r := rf.numbered([{}, core(["pods"], ["create"])])[1]
	d := danger_of(core(["pods"], ["create"]), "SA044")
	rbac.number(r) == "rule #2"
	rbac.location(r, d) == ["rules", 1, "resources", 0]
	rbac.scope(rf.role({}, []), d) == "in namespace prod"
	rbac.scope(rf.cluster_role({}, []), d) == "cluster-wide"
	rbac.message(rf.role({}, []), r, d, "it can run pods") == "rule #2 grants create pods in namespace prod: it can run pods"
}
