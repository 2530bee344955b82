package model

import "strings"

// builtinRoles are the ClusterRoles every cluster has whose permissions
// matter to salint, as the API server bootstraps them (Kubernetes 1.3x).
// admin and edit are listed by the rules that give them dangerous
// permissions, not in full: the rest only reads or writes ordinary objects.
// view reads no Secret and grants nothing salint flags, so it has no rules
// here; the system: roles are known to exist but their contents are not
// modelled.
var builtinRoles = map[string][]PolicyRule{
	"cluster-admin": builtinRules(
		rule([]string{"*"}, []string{"*"}, []string{"*"}),
		urlRule([]string{"*"}, []string{"*"}),
	),
	"admin": builtinRules(append(editRules(),
		rule([]string{"rbac.authorization.k8s.io"}, []string{"rolebindings", "roles"}, []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}),
	)...),
	"edit": builtinRules(editRules()...),
	"view": builtinRules(),
}

// editRules are the dangerous rules of the built-in edit role, which admin
// includes by aggregation.
func editRules() []PolicyRule {
	write := []string{"create", "delete", "deletecollection", "patch", "update"}
	return []PolicyRule{
		rule([]string{""}, []string{"pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"}, []string{"get", "list", "watch"}),
		rule([]string{""}, []string{"serviceaccounts"}, []string{"impersonate"}),
		rule([]string{""}, []string{"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"}, write),
		rule([]string{""}, []string{"serviceaccounts/token"}, []string{"create"}),
		rule([]string{""}, []string{"configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"}, write),
		rule([]string{"apps"}, []string{"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"}, write),
		rule([]string{"batch"}, []string{"cronjobs", "jobs"}, write),
	}
}

func rule(groups, resources, verbs []string) PolicyRule {
	return PolicyRule{APIGroups: groups, Resources: resources, Verbs: verbs, ResourceNames: []string{}, NonResourceURLs: []string{}}
}

func urlRule(urls, verbs []string) PolicyRule {
	return PolicyRule{APIGroups: []string{}, Resources: []string{}, Verbs: verbs, ResourceNames: []string{}, NonResourceURLs: urls}
}

// builtinRules numbers rules as a role's rules are numbered. A built-in
// role has no manifest, so its rules have no path.
func builtinRules(rules ...PolicyRule) []PolicyRule {
	for i := range rules {
		rules[i].Index = i
		rules[i].Path = nil
	}
	if rules == nil {
		rules = []PolicyRule{}
	}
	return rules
}

// isBuiltinRole says whether every cluster has a role of this kind and
// name: the default user-facing ClusterRoles and the system: roles.
func isBuiltinRole(kind, name string) bool {
	if strings.HasPrefix(name, "system:") {
		return true
	}
	_, ok := builtinRoles[name]
	return ok && kind == "ClusterRole"
}
