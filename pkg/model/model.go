package model

import (
	"math"
	"path/filepath"
	"strings"
)

// Options are the facts about the world outside the input.
type Options struct {
	// Namespace is the namespace of objects that name none.
	Namespace string
	// KnownServiceAccounts are "namespace/name" ServiceAccounts defined
	// outside the input.
	KnownServiceAccounts []string
	// KnownRoles are roles defined outside the input, as
	// "ClusterRole/name" or "Role/namespace/name".
	KnownRoles []string
}

// Model is the resolved facts of a whole run. Refs index Objects.
type Model struct {
	Objects         []*Extracted
	Workloads       []Workload
	ServiceAccounts []ServiceAccount
	Secrets         []Secret
	InvalidFields   []InvalidField
	Roles           []Role
	Bindings        []Binding
	// Notes say what the model could not resolve in full.
	Notes []string

	rbac *rbacIndex
}

type nsName struct{ namespace, name string }

// byName indexes objects by namespace and name. A repository may define the
// same object more than once (variants of one install side by side, or the
// overlays of one base): a reference then resolves to the nearest
// definition (see nearest).
type byName[T any] map[nsName][]T

func (b byName[T]) get(k nsName, from place, placeOf func(T) place) (T, bool) {
	return nearest(b[k], from, placeOf)
}

// place is where an object was defined, for choosing among definitions of
// one object: its scope (a unit of deployment, a chart render or a kustomize
// build, else its file) and its directory (a unit's root).
type place struct{ scope, dir string }

// placeOf is where the object of ref was defined.
func (m *Model) placeOf(ref int) place {
	x := m.Objects[ref]
	p := place{scope: x.Scope, dir: x.Dir}
	if x.Source != nil {
		if p.scope == "" {
			p.scope = x.Source.File
		}
		if p.dir == "" {
			p.dir = filepath.Dir(x.Source.File)
		}
	}
	return p
}

// nearest picks among the definitions of one object the one nearest to the
// referring object's place (SPEC §1): the one of the same file or unit,
// then of the same directory, then of the nearest ancestor directory, then
// the first in input order. It is the one rule for every reference: to
// ServiceAccounts, Secrets, roles and bindings.
func nearest[T any](defs []T, from place, placeOf func(T) place) (T, bool) {
	if len(defs) == 0 {
		var zero T
		return zero, false
	}
	best, bestRank := 0, math.MaxInt
	if len(defs) > 1 {
		for i, d := range defs {
			if r := from.distance(placeOf(d)); r < bestRank {
				best, bestRank = i, r
			}
		}
	}
	return defs[best], true
}

// distance ranks a definition at p as seen from q: 0 in the same scope, 1
// in the same directory, 1+k in the directory k levels up, and past every
// such rank anywhere else (ties keep the first in input order).
func (q place) distance(p place) int {
	switch {
	case p.scope == q.scope:
		return 0
	case p.dir == q.dir:
		return 1
	}
	if rel, err := filepath.Rel(p.dir, q.dir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return 1 + len(strings.Split(rel, string(filepath.Separator)))
	}
	return math.MaxInt - 1
}

// Build resolves the references between extracted objects: the
// ServiceAccount of every pod template (by name and namespace), its token
// mount, the Secrets pods read, and the account and bindings of token
// Secrets. The order of objects is kept, so refs are stable.
func Build(objects []*Extracted, opts Options) *Model {
	m := &Model{Objects: objects}
	m.Notes = append(m.Notes, inferNamespaces(objects, opts.Namespace)...)
	accounts := byName[*ServiceAccount]{}
	secrets := byName[*Secret]{}
	known := map[nsName]bool{}
	for _, k := range opts.KnownServiceAccounts {
		if ns, name, ok := strings.Cut(k, "/"); ok {
			known[nsName{ns, name}] = true
		}
	}
	// The facts are counted first: grown by doubling, the slices of a
	// large input would be copied over and over.
	var nWorkloads, nAccounts, nSecrets, nRoles, nBindings, nInvalid int
	for _, x := range objects {
		nWorkloads += len(x.workloads)
		nInvalid += len(x.invalid)
		nAccounts += btoi(x.serviceAccount != nil)
		nSecrets += btoi(x.secret != nil)
		nRoles += btoi(x.role != nil)
		nBindings += btoi(x.binding != nil)
	}
	m.Workloads = make([]Workload, 0, nWorkloads)
	m.ServiceAccounts = make([]ServiceAccount, 0, nAccounts)
	m.Secrets = make([]Secret, 0, nSecrets)
	m.Roles = make([]Role, 0, nRoles)
	m.Bindings = make([]Binding, 0, nBindings)
	m.InvalidFields = make([]InvalidField, 0, nInvalid)
	for i, x := range objects {
		x.Ref = i
		if x.serviceAccount != nil {
			x.serviceAccount.Ref = i
			m.ServiceAccounts = append(m.ServiceAccounts, *x.serviceAccount)
		}
		if x.secret != nil {
			x.secret.Ref = i
			m.Secrets = append(m.Secrets, *x.secret)
		}
		if x.role != nil {
			x.role.Ref = i
			m.Roles = append(m.Roles, *x.role)
		}
		if x.binding != nil {
			x.binding.Ref = i
			m.Bindings = append(m.Bindings, *x.binding)
		}
		for _, f := range x.invalid {
			f.Ref = i
			m.InvalidFields = append(m.InvalidFields, f)
		}
	}
	for i := range m.ServiceAccounts {
		sa := &m.ServiceAccounts[i]
		k := nsName{sa.Namespace, sa.Name}
		accounts[k] = append(accounts[k], sa)
	}
	for i := range m.Secrets {
		s := &m.Secrets[i]
		k := nsName{s.Namespace, s.Name}
		secrets[k] = append(secrets[k], s)
	}
	knownRoles := map[string]bool{}
	for _, r := range opts.KnownRoles {
		knownRoles[r] = true
	}
	m.resolveRBAC(objects, accounts, known, knownRoles)

	for i := range m.Secrets {
		s := &m.Secrets[i]
		if s.ServiceAccountName == nil {
			continue
		}
		key := nsName{s.Namespace, *s.ServiceAccountName}
		acc := &SecretAccount{Known: known[key], BoundBy: m.boundBy(key.namespace, key.name, m.placeOf(s.Ref))}
		acc.Bound = acc.BoundBy != nil
		if sa, ok := accounts.get(key, m.placeOf(s.Ref), m.accountPlace); ok {
			acc.InInput, acc.Ref = true, refTo(sa.Ref)
		}
		s.ServiceAccount = acc
	}

	for _, x := range objects {
		for _, w := range x.workloads {
			w.Ref = x.Ref
			m.resolveWorkload(&w, accounts, secrets, known)
			m.Workloads = append(m.Workloads, w)
		}
		x.workloads, x.serviceAccount, x.secret, x.invalid = nil, nil, nil, nil
		x.role, x.roleLabels, x.aggregation, x.binding = nil, nil, nil, nil
	}
	return m
}

func (m *Model) accountPlace(sa *ServiceAccount) place { return m.placeOf(sa.Ref) }

func (m *Model) secretPlace(s *Secret) place { return m.placeOf(s.Ref) }

func (m *Model) resolveWorkload(w *Workload, accounts byName[*ServiceAccount], secrets byName[*Secret], known map[nsName]bool) {
	key := nsName{w.Namespace, w.ServiceAccount.Name}
	from := m.placeOf(w.Ref)
	sa, _ := accounts.get(key, from, m.accountPlace)
	w.ServiceAccount.Known = known[key]
	if sa != nil {
		w.ServiceAccount.InInput, w.ServiceAccount.Ref = true, refTo(sa.Ref)
	}
	a := &w.Automount
	switch {
	case a.PodValue != nil:
		a.Mounted, a.Source = *a.PodValue, SourcePod
	case sa != nil && sa.Automount != nil:
		a.Mounted, a.Source, a.ServiceAccountValue = *sa.Automount, SourceServiceAccount, sa.Automount
	case sa != nil || w.ServiceAccount.Name == "default":
		a.Mounted, a.Source = true, SourceDefault
	default:
		a.Mounted, a.Source = true, SourceUnresolved
	}
	for i := range w.SecretRefs {
		r := &w.SecretRefs[i]
		if s, ok := secrets.get(nsName{w.Namespace, r.Name}, from, m.secretPlace); ok {
			r.Secret = &SecretLink{Ref: s.Ref, Type: s.Type}
		}
	}
}

// refTo returns a ref of its own: facts never point into one another, so
// that each can be released on its own (see engine.Evaluate).
func refTo(ref int) *int { return &ref }

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
