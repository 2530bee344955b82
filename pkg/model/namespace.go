package model

import (
	"fmt"
	"path/filepath"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/salint/salint/pkg/loader"
)

// inferNamespaces gives the objects of a directory that name no namespace
// the namespace that a binding of the same directory names for one of their
// ServiceAccounts (SPEC §1): an operator's install manifests leave the
// namespace to `kubectl apply -n`, but a ClusterRoleBinding must name it in
// its subject, and that is the namespace they are meant for. A directory
// whose bindings name several such namespaces is left as it is. Objects of a
// rendered unit already have their namespace from the render. It returns a
// note per directory it moved.
func inferNamespaces(objects []*Extracted, defaultNamespace string) []string {
	type dirFacts struct {
		unnamed    []*Extracted                // namespaced objects that name no namespace
		accounts   map[string]bool             // names of such ServiceAccounts
		namespaces map[string][]*NamespaceHint // namespace -> the subjects that name it for one
	}
	dirs := map[string]*dirFacts{}
	var order []string
	at := func(x *Extracted) *dirFacts {
		d := filepath.Dir(x.Source.File)
		if dirs[d] == nil {
			dirs[d] = &dirFacts{accounts: map[string]bool{}, namespaces: map[string][]*NamespaceHint{}}
			order = append(order, d)
		}
		return dirs[d]
	}
	for _, x := range objects {
		if x.Scope != "" || x.Source == nil || x.Source.Namespace != "" || clusterScoped(x.Kind) {
			continue
		}
		df := at(x)
		df.unnamed = append(df.unnamed, x)
		if x.serviceAccount != nil {
			df.accounts[x.Name] = true
		}
	}
	for _, x := range objects {
		if x.Scope != "" || x.Source == nil || x.binding == nil {
			continue
		}
		df := dirs[filepath.Dir(x.Source.File)]
		if df == nil {
			continue
		}
		for i, s := range x.binding.Subjects {
			if s.Kind == rbacv1.ServiceAccountKind && s.Namespace != "" && df.accounts[s.Name] {
				df.namespaces[s.Namespace] = append(df.namespaces[s.Namespace], &NamespaceHint{
					Binding: x, Path: loader.Path{"subjects", i, "namespace"},
					Message: fmt.Sprintf("namespace %s assumed: %s names ServiceAccount %s/%s, which names no namespace, in this directory",
						s.Namespace, x.Kind+" "+qualified(x.Namespace, x.Name), s.Namespace, s.Name),
				})
			}
		}
	}
	var notes []string
	for _, d := range order {
		df := dirs[d]
		if len(df.namespaces) != 1 || df.namespaces[defaultNamespace] != nil {
			continue // ambiguous, or what they are in anyway
		}
		for ns, hints := range df.namespaces {
			for _, x := range df.unnamed {
				x.setNamespace(ns)
				x.NamespaceHint = hints[0]
			}
			b := hints[0].Binding
			notes = append(notes, fmt.Sprintf("%s: objects that name no namespace are taken to be in namespace %q, which %s names for their ServiceAccount", d, ns, b.Kind+" "+qualified(b.Namespace, b.Name)))
		}
	}
	return notes
}

// NamespaceHint is why an object that names no namespace is taken to be in
// one: the binding subject that names it.
type NamespaceHint struct {
	Binding *Extracted
	Path    loader.Path // of the subject's namespace in the binding
	Message string
}

// setNamespace moves an object, and every fact extracted from it, to
// namespace ns.
func (x *Extracted) setNamespace(ns string) {
	old := x.Namespace
	x.Namespace = ns
	for i := range x.workloads {
		x.workloads[i].Namespace = ns
	}
	for i := range x.invalid {
		x.invalid[i].Namespace = ns
	}
	if x.serviceAccount != nil {
		x.serviceAccount.Namespace = ns
	}
	if x.secret != nil {
		x.secret.Namespace = ns
	}
	if x.role != nil {
		x.role.Namespace = ns
	}
	if b := x.binding; b != nil {
		b.Namespace = ns
		for i := range b.Subjects {
			// A RoleBinding's subject without namespace was given the
			// binding's.
			if s := &b.Subjects[i]; s.Namespace == "" && s.AccountNamespace == old && x.Kind == kindRoleBinding {
				s.AccountNamespace = ns
			}
		}
	}
}
