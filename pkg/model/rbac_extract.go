package model

import (
	rbacv1 "k8s.io/api/rbac/v1"
	rbacv1alpha1 "k8s.io/api/rbac/v1alpha1"
	rbacv1beta1 "k8s.io/api/rbac/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/salint/salint/pkg/loader"
)

// rbacObject is a Role, ClusterRole or binding of any RBAC API version,
// in the terms of rbac/v1: the older versions have the same fields.
type rbacObject struct {
	labels      map[string]string
	rules       []rbacv1.PolicyRule
	aggregation *rbacv1.AggregationRule
	roleRef     *rbacv1.RoleRef
	subjects    []rbacv1.Subject
}

// asRBAC reads the RBAC fields of v, or reports that v is not an RBAC
// object.
func asRBAC(v any) (rbacObject, bool) {
	switch o := v.(type) {
	case *rbacv1.Role:
		return rbacObject{labels: o.Labels, rules: o.Rules}, true
	case *rbacv1.ClusterRole:
		return rbacObject{labels: o.Labels, rules: o.Rules, aggregation: o.AggregationRule}, true
	case *rbacv1.RoleBinding:
		return rbacObject{roleRef: &o.RoleRef, subjects: o.Subjects}, true
	case *rbacv1.ClusterRoleBinding:
		return rbacObject{roleRef: &o.RoleRef, subjects: o.Subjects}, true
	case *rbacv1beta1.Role:
		return rbacObject{labels: o.Labels, rules: rulesV1(o.Rules, beta1Rule)}, true
	case *rbacv1beta1.ClusterRole:
		r := rbacObject{labels: o.Labels, rules: rulesV1(o.Rules, beta1Rule)}
		if o.AggregationRule != nil {
			r.aggregation = &rbacv1.AggregationRule{ClusterRoleSelectors: o.AggregationRule.ClusterRoleSelectors}
		}
		return r, true
	case *rbacv1beta1.RoleBinding:
		return rbacObject{roleRef: beta1Ref(o.RoleRef), subjects: subjectsV1(o.Subjects, beta1Subject)}, true
	case *rbacv1beta1.ClusterRoleBinding:
		return rbacObject{roleRef: beta1Ref(o.RoleRef), subjects: subjectsV1(o.Subjects, beta1Subject)}, true
	case *rbacv1alpha1.Role:
		return rbacObject{labels: o.Labels, rules: rulesV1(o.Rules, alpha1Rule)}, true
	case *rbacv1alpha1.ClusterRole:
		r := rbacObject{labels: o.Labels, rules: rulesV1(o.Rules, alpha1Rule)}
		if o.AggregationRule != nil {
			r.aggregation = &rbacv1.AggregationRule{ClusterRoleSelectors: o.AggregationRule.ClusterRoleSelectors}
		}
		return r, true
	case *rbacv1alpha1.RoleBinding:
		return rbacObject{roleRef: alpha1Ref(o.RoleRef), subjects: subjectsV1(o.Subjects, alpha1Subject)}, true
	case *rbacv1alpha1.ClusterRoleBinding:
		return rbacObject{roleRef: alpha1Ref(o.RoleRef), subjects: subjectsV1(o.Subjects, alpha1Subject)}, true
	}
	return rbacObject{}, false
}

func rulesV1[T any](in []T, conv func(T) rbacv1.PolicyRule) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, len(in))
	for i, r := range in {
		out[i] = conv(r)
	}
	return out
}

func subjectsV1[T any](in []T, conv func(T) rbacv1.Subject) []rbacv1.Subject {
	out := make([]rbacv1.Subject, len(in))
	for i, s := range in {
		out[i] = conv(s)
	}
	return out
}

func beta1Rule(r rbacv1beta1.PolicyRule) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames, NonResourceURLs: r.NonResourceURLs}
}

func alpha1Rule(r rbacv1alpha1.PolicyRule) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames, NonResourceURLs: r.NonResourceURLs}
}

func beta1Subject(s rbacv1beta1.Subject) rbacv1.Subject {
	return rbacv1.Subject{Kind: s.Kind, APIGroup: s.APIGroup, Name: s.Name, Namespace: s.Namespace}
}

func alpha1Subject(s rbacv1alpha1.Subject) rbacv1.Subject {
	return rbacv1.Subject{Kind: s.Kind, Name: s.Name, Namespace: s.Namespace}
}

func beta1Ref(r rbacv1beta1.RoleRef) *rbacv1.RoleRef {
	return &rbacv1.RoleRef{APIGroup: r.APIGroup, Kind: r.Kind, Name: r.Name}
}

func alpha1Ref(r rbacv1alpha1.RoleRef) *rbacv1.RoleRef {
	return &rbacv1.RoleRef{APIGroup: r.APIGroup, Kind: r.Kind, Name: r.Name}
}

// nonNil keeps absent lists as empty ones, so that rules need not test for
// null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// policyRules turns a role's rules into facts, with the path of each.
func policyRules(rules []rbacv1.PolicyRule) []PolicyRule {
	out := make([]PolicyRule, len(rules))
	for i, r := range rules {
		out[i] = PolicyRule{
			Index: i, Path: loader.Path{"rules", i},
			APIGroups: nonNil(r.APIGroups), Resources: nonNil(r.Resources), Verbs: nonNil(r.Verbs),
			ResourceNames: nonNil(r.ResourceNames), NonResourceURLs: nonNil(r.NonResourceURLs),
		}
	}
	return out
}

var (
	pathRoleRef = loader.Path{"roleRef"}
	pathRefKind = loader.Path{"roleRef", "kind"}
	pathRefName = loader.Path{"roleRef", "name"}
)

// extractRBAC reads the role or binding facts of v into x.
func extractRBAC(x *Extracted, v any, has func(loader.Path) bool) {
	o, ok := asRBAC(v)
	if !ok {
		return
	}
	if o.roleRef == nil {
		role := &Role{Ident: x.Ident, Rules: policyRules(o.rules)}
		if o.aggregation != nil {
			role.Aggregated = true
			x.aggregation = o.aggregation.ClusterRoleSelectors
			if x.aggregation == nil {
				x.aggregation = []metav1.LabelSelector{}
			}
		}
		x.role, x.roleLabels = role, o.labels
		return
	}
	b := &Binding{
		Ident: x.Ident,
		RoleRef: RoleRef{
			APIGroup: o.roleRef.APIGroup, Kind: o.roleRef.Kind, Name: o.roleRef.Name,
			Path: pathRoleRef, KindPath: pathRefKind, NamePath: pathRefName,
		},
		Subjects: make([]BindingSubject, len(o.subjects)),
	}
	if !has(pathRoleRef) {
		b.RoleRef.Path = loader.Path{}
	}
	for i, s := range o.subjects {
		bs := BindingSubject{
			Index: i, Kind: s.Kind, APIGroup: s.APIGroup, Name: s.Name, Namespace: s.Namespace,
			Path: loader.Path{"subjects", i}, NamePath: loader.Path{"subjects", i, "name"},
		}
		if s.Kind == rbacv1.ServiceAccountKind {
			// The authorizer reads a RoleBinding's ServiceAccount subject
			// without namespace as one of the binding's namespace; a
			// ClusterRoleBinding has none to lend, and the API server
			// rejects such a subject.
			bs.AccountNamespace = s.Namespace
			if bs.AccountNamespace == "" && x.Kind == "RoleBinding" {
				bs.AccountNamespace = x.Namespace
			}
		}
		b.Subjects[i] = bs
	}
	x.binding = b
}
