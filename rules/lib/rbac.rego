# Package salint.lib.rbac is the single definition of what a Role or
# ClusterRole rule grants that matters to ServiceAccount security (SA041 to
# SA053). It matches as the API server's RBAC authorizer does: an API group, a
# resource and a verb must all match within the same rule; "*" matches every
# group, resource or verb, and "*/<sub>" the subresource <sub> of every
# resource, but "pods/*" is no wildcard. The rules SA040 to SA053, SA070 and
# the engine's classification of granted roles (classified) all read dangers.
package salint.lib.rbac

import data.salint.lib.k8s

# default_severity is each rule's catalogue severity, as in its METADATA.
default_severity := {
	"SA041": "critical",
	"SA042": "high",
	"SA043": "high",
	"SA044": "high",
	"SA045": "high",
	"SA046": "high",
	"SA047": "critical",
	"SA048": "critical",
	"SA049": "medium",
	"SA050": "high",
	"SA051": "high",
	"SA052": "medium",
	"SA053": "low",
}

# severity_rank orders severities: a higher rank is more severe.
severity_rank := {"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1}

# The verbs resourceNames cannot limit: a create or deletecollection request
# names no object, so salint reads a rule listing names as granting them all
# (but see limitable: create on some subresources names the parent).
unlimitable_verbs := {"create", "deletecollection"}

controller_writes := {"create", "update", "patch"}

admission_writes := {"create", "update", "patch", "delete", "deletecollection"}

# checks: a rule grants a check when one of its resources items matches one of
# the check's resources, one of its apiGroups a group those resources live in,
# and one of its verbs one of the check's verbs. "limited" is the severity when
# resourceNames limit every verb granted. A resource ending in "/*" stands for
# every subresource of its parent (userextras/<key>). A Job's pod template
# cannot change once created, so only creating Jobs runs a new pod.
checks := [
	{"id": "SA042", "groups": {""}, "resources": {"secrets"}, "verbs": {"get", "list", "watch"}, "limited": "low"},
	{"id": "SA043", "groups": {""}, "resources": {"secrets"}, "verbs": {"create", "update", "patch"}, "limited": "low"},
	{"id": "SA044", "groups": {""}, "resources": {"pods"}, "verbs": {"create"}},
	{"id": "SA044", "groups": {""}, "resources": {"replicationcontrollers"}, "verbs": controller_writes},
	{"id": "SA044", "groups": {"apps", "extensions"}, "resources": {"deployments", "replicasets", "daemonsets"}, "verbs": controller_writes},
	{"id": "SA044", "groups": {"apps"}, "resources": {"statefulsets"}, "verbs": controller_writes},
	{"id": "SA044", "groups": {"batch"}, "resources": {"jobs"}, "verbs": {"create"}},
	{"id": "SA044", "groups": {"batch"}, "resources": {"cronjobs"}, "verbs": controller_writes},
	{"id": "SA045", "groups": {""}, "resources": {"pods/exec", "pods/attach", "pods/portforward"}, "verbs": {"create", "get"}, "limited": "low"},
	{"id": "SA045", "groups": {""}, "resources": {"pods/ephemeralcontainers"}, "verbs": {"update", "patch"}, "limited": "low"},
	{"id": "SA046", "groups": {""}, "resources": {"nodes/proxy"}, "verbs": {"get", "create"}},
	{"id": "SA047", "groups": {"rbac.authorization.k8s.io"}, "resources": {"roles", "clusterroles"}, "verbs": {"escalate", "bind"}},
	{"id": "SA047", "groups": {""}, "resources": {"users", "groups", "serviceaccounts"}, "verbs": {"impersonate"}},
	{"id": "SA047", "groups": {"authentication.k8s.io"}, "resources": {"uids", "userextras/*"}, "verbs": {"impersonate"}},
	{"id": "SA048", "groups": {""}, "resources": {"serviceaccounts/token"}, "verbs": {"create"}, "limited": "low"},
	{"id": "SA049", "groups": {"rbac.authorization.k8s.io"}, "resources": {"rolebindings", "clusterrolebindings"}, "verbs": {"create", "update", "patch"}},
	{
		"id": "SA050",
		"groups": {"admissionregistration.k8s.io"},
		"resources": {
			"mutatingwebhookconfigurations", "validatingwebhookconfigurations",
			"mutatingadmissionpolicies", "mutatingadmissionpolicybindings",
			"validatingadmissionpolicies", "validatingadmissionpolicybindings",
		},
		"verbs": admission_writes,
	},
	{"id": "SA051", "groups": {"certificates.k8s.io"}, "resources": {"certificatesigningrequests/approval"}, "verbs": {"update", "patch"}},
	{"id": "SA052", "groups": {""}, "resources": {"services/status", "nodes/status", "pods/status"}, "verbs": {"update", "patch"}},
	{"id": "SA053", "groups": {"", "events.k8s.io"}, "resources": {"events"}, "verbs": {"delete", "deletecollection"}},
]

# partners are the second grants some rule of the same role must hold for a
# check to be dangerous: approving a request needs the signer as well.
partners := {"SA051": {"groups": {"certificates.k8s.io"}, "resources": {"signers"}, "verbs": {"approve"}, "what": "approve signers"}}

# dangers is the set of {"id", "severity", "field", "item", "what"} one rule
# fact grants: "field" ("resources" or "nonResourceURLs") and "item" (an index
# in it) locate the first matching item, "what" says the permission ("create
# pods", "get, list on secrets", "* on *"). role_rules is every rule of the
# same role, for grants that take two rules (SA051). A rule that grants
# everything holds SA041 only.
dangers(rule, role_rules) := dangers_with(rule, partnered_ids(role_rules))

# dangers_with is dangers given the partner grants the rule's role holds
# (partnered_ids), which callers compute once per role.
dangers_with(rule, partnered) := {d |
	some d in rule_dangers(rule)
	partner_ok(d.id, partnered)
}

# classified is what the engine reads before the rules run: for every
# dangerous rule of input.grantRoles ({"key", "rules"} objects), [role key,
# rule index, its most severe danger], which the engine hands to SA070 with
# the grant. It is an array: each entry comes once, and OPA hashes arrays
# and objects as the sum of their elements, so a set of [key, index] pairs
# would put every pair with the same sum in one bucket.
classified := [[role.key, r.index, highest(ds)] |
	some role in input.grantRoles
	partnered := partnered_ids(role.rules)
	some r in role.rules
	ds := dangers_with(r, partnered)
	count(ds) > 0
]

# role_dangers is every danger of input.roles, computed once per evaluation and
# shared by SA041 to SA053: {"role": <index in input.roles>, "rule": <index in
# its rules>, "danger": d}.
role_dangers := [{"role": i, "rule": k, "danger": d} |
	some i, role in input.roles
	partnered := partnered_ids(role.rules)
	some k, r in role.rules
	some d in dangers_with(r, partnered)
]

# role_dangers_of is role_dangers for one rule ID: {"role", "rule", "danger"}
# with the role and rule facts themselves.
role_dangers_of(id) := [{"role": role, "rule": r, "danger": x.danger} |
	some j in object.get(role_dangers_table, id, [])
	x := role_dangers[j]
	role := input.roles[x.role]
	r := role.rules[x.rule]
]

# role_dangers_table groups role_dangers by rule ID, once per evaluation, so
# that each of SA041 to SA053 reads only its own: positions in role_dangers,
# by ID. (A partial rule role_dangers_by_id[id] contains j would cost OPA a
# collision check against every earlier entry: quadratic on hostile input.)
role_dangers_table := {id: [j | some j, x in role_dangers; x.danger.id == id] |
	some id in {x.danger.id | some x in role_dangers}
}

# rule_dangers is dangers before partners are required: it judges one rule
# alone. (OPA caches calls by their arguments, and comparing a whole role per
# call would cost more than the judging; classified and role_dangers pass the
# role only for the rare rules that are dangerous.)
rule_dangers(rule) := {d} if {
	d := cluster_admin(rule)
} else := {danger(rule, id, id_hits) |
	hs := hits(rule)
	some id in {indexed_checks[h.check].id | some h in hs}
	id_hits := {h | some h in hs; indexed_checks[h.check].id == id}
}

partner_granted(id, _) if not partners[id]

partner_granted(id, role_rules) if count(partner_rules(id, role_rules)) > 0

# partnered_ids is the IDs whose partner grant some rule of a role holds. It
# is computed once per role: passing a role's every rule to a function once
# per rule would make OPA compare that argument with its cache each time,
# quadratic in the rules of a role.
partnered_ids(role_rules) := {id | some id, _ in partners; partner_granted(id, role_rules)}

partner_ok(id, _) if not partners[id]

partner_ok(id, partnered) if id in partnered

# partner_rules is the indexes of the rules of a role that hold the partner
# grant of a check ID, in order (empty for IDs without partner).
partner_rules(id, role_rules) := [other.index |
	wanted := partners[id]
	some other in role_rules
	names_any(other.apiGroups, wanted.groups | {"*"})
	names_any(other.verbs, wanted.verbs | {"*"})
	grants_resource(other.resources, wanted.resources)
]

grants_resource(items, resources) if {
	some item in items
	some resource in resources
	resource_matches(item, resource)
}

# cluster_admin is SA041's danger: every verb on every resource of every
# group, located at the "*" resources item, or every verb on every
# non-resource URL, located at the "*" nonResourceURLs item.
cluster_admin(rule) := d if {
	"*" in rule.verbs
	"*" in rule.apiGroups
	j := first_index(rule.resources, "*")
	d := {"id": "SA041", "severity": default_severity.SA041, "field": "resources", "item": j, "what": "* on *"}
} else := d if {
	"*" in rule.verbs
	j := first_index(rule.nonResourceURLs, "*")
	d := {"id": "SA041", "severity": default_severity.SA041, "field": "nonResourceURLs", "item": j, "what": "* on non-resource URLs *"}
}

first_index(items, x) := [j | some j, item in items; item == x][0]

# hits is every {"check", "resource", "item"} of a rule: a check it grants,
# the resource it grants it on, and the index of the resources item that
# matched. Items are looked up in an index, so a rule on resources no check
# names costs one lookup per item.
hits(rule) := {{"check": i, "resource": resource, "item": j} |
	some j, item in rule.resources
	some [i, resource] in targets(item)
	check := indexed_checks[i]
	names_any(rule.apiGroups, check.anyGroup)
	names_any(rule.verbs, check.anyVerb)
}

# indexed_checks are the checks with the group and verb names that select
# them, "*" included.
indexed_checks := [object.union(check, {"anyGroup": (check.groups | {"*"}), "anyVerb": (check.verbs | {"*"})}) |
	some check in checks
]

names_any(names, wanted) if {
	some name in names
	name in wanted
}

# targets is the [check index, resource] pairs a resources item may match.
targets(item) := t if {
	t := by_item[item]
} else := family_targets(item) if {
	contains(item, "/")
} else := []

# by_item indexes what each resource of the checks, "*" and each "*/<sub>"
# match. Other items can only match a family: see family_targets.
by_item := object.union(
	{item: array.concat([t | some t in all_targets; resource_matches(item, t[1])], family_targets(item)) |
		some [_, resource] in all_targets
		some item in item_keys(resource)
		not endswith(item, "/*")
	},
	{"*": all_targets},
)

all_targets := [[i, resource] | some i, check in checks; some resource in check.resources]

# item_keys are the items that name a resource: itself and "*/<sub>".
item_keys(resource) := {resource, concat("", ["*/", subresource(resource)])} if {
	contains(resource, "/")
} else := {resource}

# family_targets matches "<parent>/<sub>" and "*/<sub>" against the resources
# that stand for every subresource of a parent ("userextras/*").
family_targets(item) := [[i, concat("/", [parent, sub])] |
	[prefix, sub] := split(item, "/")
	some [i, resource] in all_targets
	endswith(resource, "/*")
	parent := split(resource, "/")[0]
	prefix in {parent, "*"}
]

subresource(resource) := split(resource, "/")[1]

# resource_matches says whether a resources item matches a resource or
# resource/subresource, as the authorizer does.
resource_matches("*", _)

resource_matches(item, resource) if item == resource

resource_matches(item, resource) if {
	startswith(item, "*/")
	contains(resource, "/")
	substring(item, 2, -1) == subresource(resource)
}

danger(rule, id, id_hits) := {
	"id": id,
	"severity": severity(rule, id, id_hits),
	"field": "resources",
	"item": min({h.item | some h in id_hits}),
	"what": what(rule, id, id_hits),
}

# severity is the check's "limited" severity when resourceNames limit every
# verb the rule grants of it, else the catalogue's.
severity(rule, id, id_hits) := lowered if {
	count(rule.resourceNames) > 0
	every h in id_hits {
		checks[h.check].limited
		every verb in expanded_verbs(rule.verbs, checks[h.check].verbs) {
			limitable(verb, h.resource)
		}
	}
	some h in id_hits
	lowered := checks[h.check].limited
} else := default_severity[id]

# limitable says whether resourceNames limit a verb on a resource: every verb
# whose request names an object, and create on a subresource whose URL names
# the parent object (serviceaccounts/<name>/token).
limitable(verb, _) if not verb in unlimitable_verbs

limitable("create", resource) if resource in k8s.parent_named_subresources

# unlimited_verbs is the verbs of the checks hit that the rule grants and
# resourceNames cannot limit, sorted.
unlimited_verbs(rule, id_hits) := sort({verb |
	some h in id_hits
	some verb in expanded_verbs(rule.verbs, checks[h.check].verbs)
	not limitable(verb, h.resource)
})

# limited_verbs is the verbs the rule grants of the checks hit that
# resourceNames limit: as written, or spelt out when "*" also grants an
# unlimited verb.
limited_verbs(rule, id_hits, unlimited) := [verb | some verb in granted_verbs(rule, id_hits); not verb in unlimited] if {
	not "*" in rule.verbs
} else := granted_verbs(rule, id_hits) if {
	count(unlimited) == 0
} else := sort({verb |
	some h in id_hits
	some verb in checks[h.check].verbs
	not verb in unlimited
})

# expanded_verbs is the verbs of wanted that the rule's verbs grant.
expanded_verbs(verbs, wanted) := wanted if {
	"*" in verbs
} else := {verb | some verb in verbs; verb in wanted}

# granted_verbs is the rule's own verbs, as written and in its order, that
# grant the checks hit.
granted_verbs(rule, id_hits) := [verb |
	some k, verb in rule.verbs
	verb in matched
	not verb in array.slice(rule.verbs, 0, k)
] if {
	matched := {verb |
		some h in id_hits
		some verb in rule.verbs
		verb in indexed_checks[h.check].anyVerb
	}
}

# what says the permission a danger grants: "get, list on secrets". When
# resourceNames limit the verbs it names the objects ("update secrets "a"
# only", "create serviceaccounts/token for ServiceAccount "web" only"), and
# apart the verbs they cannot limit ("... and create secrets of any name").
what(rule, id, id_hits) := concat(" and ", [granted(rule, id_hits), partners[id].what]) if {
	partners[id]
} else := granted(rule, id_hits)

granted(rule, id_hits) := p if {
	resources := sort({h.resource | some h in id_hits})
	unlimited := unlimited_verbs(rule, id_hits)
	limited := limited_verbs(rule, id_hits, unlimited)
	p := granted_phrase(granted_verbs(rule, id_hits), resources, rule.resourceNames, limited, unlimited)
}

# granted_phrase is the verbs as written when no name limits them (names_note
# then says why); else the limited verbs on the named objects, and apart the
# unlimited ones.
granted_phrase(verbs, resources, names, limited, unlimited) := phrase(verbs, resources) if {
	count(names) == 0
} else := phrase(verbs, resources) if {
	count(limited) == 0
} else := named_phrase(limited, resources, names) if {
	count(unlimited) == 0
} else := sprintf("%s and %s of any name", [named_phrase(limited, resources, names), phrase(unlimited, resources)])

# named_phrase is phrase limited to the objects resourceNames name: the
# objects themselves for resources ("update secrets "a", "b" only"), their
# parent for subresources of one kind ("create pods/exec for Pod "debug"
# only").
named_phrase(verbs, resources, names) := sprintf("%s %s only", [phrase(verbs, resources), k8s.quoted_list(names)]) if {
	every resource in resources {
		not contains(resource, "/")
	}
} else := sprintf("%s for %s %s only", [phrase(verbs, resources), kind_word(kind, names), k8s.quoted_list(names)]) if {
	parents := {split(resource, "/")[0] | some resource in resources}
	count(parents) == 1
	some parent in parents
	kind := k8s.resource_kinds[parent]
} else := sprintf("%s for objects named %s only", [phrase(verbs, resources), k8s.quoted_list(names)])

kind_word(kind, names) := kind if count(names) == 1

else := sprintf("%ss", [kind])

# phrase is "create pods" for one verb, "get, list on secrets" for several.
phrase(verbs, resources) := sprintf("%s %s", [verbs[0], concat(", ", resources)]) if {
	count(verbs) == 1
	verbs[0] != "*"
} else := sprintf("%s on %s", [concat(", ", verbs), concat(", ", resources)])

# wildcards is the set of [field, index] of every wildcard item of a rule:
# "*" in apiGroups, resources or verbs, and "*/<sub>" in resources (SA040).
wildcards(rule) := {[field, j] |
	some field in ["apiGroups", "resources", "verbs"]
	some j, item in rule[field]
	startswith(item, "*")
	is_wildcard(field, item)
}

is_wildcard(_, "*")

is_wildcard("resources", item) if startswith(item, "*/")

# highest is the most severe of a set of dangers (ties: the lowest id).
highest(ds) := d if {
	top := max({severity_rank[x.severity] | some x in ds})
	d := [x | some x in sort_by_id(ds); severity_rank[x.severity] == top][0]
}

sort_by_id(ds) := [x | some id in sort({y.id | some y in ds}); some x in ds; x.id == id]

# location is the path of the item a danger of rule points at.
location(rule, d) := array.concat(rule.path, [d.field, d.item])

# number names a rule as its author counts: "rule #2" for index 1.
number(rule) := sprintf("rule #%d", [rule.index + 1])

# scope says where a role grants a danger: a ClusterRole cluster-wide, a
# Role in its namespace, which leaves out the cluster-scoped resources it
# names (see cluster_scoped_in).
scope(role, d) := "cluster-wide" if {
	role.kind != "Role"
} else := sprintf("in namespace %s", [role.namespace]) if {
	count(cluster_scoped_in(d.what)) == 0
} else := sprintf("in namespace %s (%s: a Role grants %s nowhere)", [role.namespace, scoped_clause(cs), pronoun(cs)]) if {
	cs := cluster_scoped_in(d.what)
}

# names_note says which verbs resourceNames cannot limit, or is empty. The
# names themselves are in the danger's what when they limit some verb.
names_note(rule, d) := note if {
	count(rule.resourceNames) > 0
	d.field == "resources"
	id_hits := {h | some h in hits(rule); indexed_checks[h.check].id == d.id}
	unlimited := unlimited_verbs(rule, id_hits)
	count(unlimited) > 0
	note := unlimited_note(rule.resourceNames, unlimited, limited_verbs(rule, id_hits, unlimited))
} else := ""

unlimited_note(names, unlimited, limited) := sprintf(" (resourceNames %s cannot limit %s)", [k8s.quoted_list(names), concat(" or ", unlimited)]) if {
	count(limited) == 0
} else := sprintf(" (resourceNames cannot limit %s)", [concat(" or ", unlimited)])

# message is a finding's msg: "rule #2 grants get secrets in namespace prod:
# <consequence>". A Role whose danger lies only on cluster-scoped resources
# grants it nowhere; the message says so and what a ClusterRole with the same
# rule could do.
message(role, rule, d, consequence) := sprintf(
	"%s names %s%s; %s, so a Role grants %s nowhere, but in a ClusterRole %s",
	[number(rule), d.what, names_note(rule, d), scoped_clause(cs), pronoun(cs), consequence],
) if {
	role.kind == "Role"
	cs := cluster_scoped_in(d.what)
	count(cs) > 0
	count(cs) == count(resources_in(d.what))
} else := sprintf(
	"%s grants %s %s%s: %s",
	[number(rule), d.what, scope(role, d), names_note(rule, d), consequence],
)

# resources_in is the resources a danger's what names (its verbs, names and
# partner aside), and "non-resource URLs" for a rule on URLs. SA070 reads
# what alone, as the engine hands it on.
resources_in(what) := {word |
	some word in split(replace(what, ",", ""), " ")
	names_resource(word)
} | {"non-resource URLs" | contains(what, " non-resource URLs ")}

# cluster_scoped_in is the resources of resources_in that live outside
# namespaces, sorted: a RoleBinding cannot grant them.
cluster_scoped_in(what) := sort({r |
	some r in resources_in(what)
	outside_namespaces(r, what)
})

outside_namespaces("non-resource URLs", _)

outside_namespaces(r, what) if {
	k8s.is_cluster_scoped(r)
	not namespaced_bind(r, what)
}

# The authorizer asks for bind on a ClusterRole in the namespace of the
# RoleBinding that references it, so a Role can grant bind on clusterroles.
namespaced_bind("clusterroles", what) if {
	some word in split(replace(what, ",", ""), " ")
	word in {"bind", "*"}
}

names_resource(word) if word in known_resources

names_resource(word) if concat("", [split(word, "/")[0], "/*"]) in known_resources

known_resources := {r | some [_, r] in all_targets} | {r | some p in partners; some r in p.resources}

# scoped_clause is "nodes/proxy is cluster-scoped" for one resource, "a, b
# are cluster-scoped" for several.
scoped_clause(resources) := sprintf("%s is cluster-scoped", [resources[0]]) if {
	count(resources) == 1
	resources[0] != "non-resource URLs"
} else := sprintf("%s are cluster-scoped", [concat(", ", resources)])

# pronoun stands for the resources of scoped_clause.
pronoun(resources) := "it" if {
	count(resources) == 1
	resources[0] != "non-resource URLs"
} else := "them"

# lowered holds for a danger resourceNames limit to a lower severity, whose
# consequence concerns the named objects only.
lowered(d) if d.severity != default_severity[d.id]

# finding is the finding of danger d of a rule of role, with a severity only
# when resourceNames lowered it.
finding(role, rule, d, msg) := f if {
	d.severity == default_severity[d.id]
	f := {"ref": role.ref, "path": location(rule, d), "msg": msg}
} else := {"ref": role.ref, "path": location(rule, d), "msg": msg, "severity": d.severity}
