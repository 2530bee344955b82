package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Groups every ServiceAccount of the cluster, of one namespace, or every
// authenticated identity belongs to; and the user name a ServiceAccount's
// token authenticates as.
const (
	groupAllAccounts       = "system:serviceaccounts"
	groupAccountsPrefix    = "system:serviceaccounts:"
	groupAuthenticated     = "system:authenticated"
	accountUserPrefix      = "system:serviceaccount:"
	rbacGroup              = rbacv1.GroupName
	kindRole, kindCluster  = "Role", "ClusterRole"
	kindRoleBinding        = "RoleBinding"
	kindClusterRoleBinding = "ClusterRoleBinding"
)

type roleKey struct{ kind, namespace, name string }

// sourceRole is a role whose own rules are granted: a Role or ClusterRole
// of the input, or a built-in role. The engine classifies each one's rules
// once, however many aggregated roles include it.
type sourceRole struct {
	name  string // "ClusterRole edit (built in)", "Role prod/web"
	ref   *int   // nil for a built-in role
	rules []PolicyRule
}

// effectiveRole is a bound role with the roles whose rules it really
// grants: itself, or for an aggregated ClusterRole the ClusterRoles it
// selects.
type effectiveRole struct {
	role  boundRole
	parts []int // indexes into rbacIndex.sources
	sum   *roleSummary
}

// roleSummary is what an effective role grants, by the classification: its
// most dangerous rule and how many of its rules are dangerous.
type roleSummary struct {
	rank        int
	danger      *Danger
	part, rule  int // the source (position in parts) and its rule
	dangerCount int
}

// boundRole names a role a binding grants; ref is nil for a built-in role.
type boundRole struct {
	ref                   *int
	kind, namespace, name string
	builtin               bool
}

// grantSource is a binding subject through which an account is granted a
// role.
type grantSource struct {
	binding, subject int // indexes into Model.Bindings and its Subjects
}

// rbacIndex resolves bindings to roles and accounts to bindings.
type rbacIndex struct {
	sources   []*sourceRole
	effective []*effectiveRole
	bindingTo []int // effective role of each binding, -1 when it grants nothing known
	bySA      map[nsName][]grantSource
	byGroup   map[string][]grantSource
	best      map[placeKey]bestGrant // per account and referring place, memoised
	bestGroup map[placeKey]bestGrant // per namespace and place, for the group subjects
	grants    map[[2]int]*Grant      // by binding and subject
	places    []place                // where each binding is defined
	defs      [][]int                // every definition of each binding's kind, namespace and name
}

// placeKey memoises what an account (or a namespace's groups) holds as seen
// from one place, which decides between duplicate definitions.
type placeKey struct {
	namespace, name string
	from            place
}

// counts says whether a binding counts as seen from a place: a binding
// defined more than once counts only in the definition nearest to it.
func (ix *rbacIndex) counts(bi int, from place) bool {
	defs := ix.defs[bi]
	if len(defs) < 2 {
		return true
	}
	chosen, _ := nearest(defs, from, func(i int) place { return ix.places[i] })
	return chosen == bi
}

// resolveRBAC resolves every binding's roleRef and subjects and indexes who
// is granted what, in time linear in roles, bindings and subjects (plus
// ClusterRoles times bound aggregating ClusterRoles, within
// aggregationBudget).
func (m *Model) resolveRBAC(objects []*Extracted, accounts byName[*ServiceAccount], known map[nsName]bool, knownRoles map[string]bool) {
	roles := map[roleKey][]int{} // indexes into m.Roles, in input order
	for i := range m.Roles {
		r := &m.Roles[i]
		k := roleKey{r.Kind, r.Namespace, r.Name}
		roles[k] = append(roles[k], i)
	}
	// Aggregation: an aggregating ClusterRole grants the rules of every
	// other ClusterRole whose labels one of its selectors matches, and
	// those may aggregate in turn. Only bound roles are resolved, lazily,
	// and within a budget: hostile input could pair many aggregating roles
	// with many ClusterRoles.
	budget := aggregationBudget
	parts := map[int][]int{}
	partsOf := func(i int) []int {
		if p, ok := parts[i]; ok {
			return p
		}
		var p []int
		sels := selectors(objects[m.Roles[i].Ref].aggregation)
		for j := range m.Roles {
			if j == i || m.Roles[j].Kind != kindCluster {
				continue
			}
			if budget -= len(sels); budget < 0 {
				break
			}
			set := labels.Set(objects[m.Roles[j].Ref].roleLabels)
			for _, sel := range sels {
				if sel.Matches(set) {
					p = append(p, j)
					break
				}
			}
		}
		parts[i] = p
		return p
	}
	ix := &rbacIndex{
		bySA: map[nsName][]grantSource{}, byGroup: map[string][]grantSource{},
		best: map[placeKey]bestGrant{}, bestGroup: map[placeKey]bestGrant{},
		grants: map[[2]int]*Grant{}, places: make([]place, len(m.Bindings)),
		defs: make([][]int, len(m.Bindings)),
	}
	defs := map[roleKey][]int{}
	for bi := range m.Bindings {
		b := &m.Bindings[bi]
		ix.places[bi] = m.placeOf(b.Ref)
		k := roleKey{b.Kind, b.Namespace, b.Name}
		defs[k] = append(defs[k], bi)
	}
	for bi := range m.Bindings {
		b := &m.Bindings[bi]
		ix.defs[bi] = defs[roleKey{b.Kind, b.Namespace, b.Name}]
	}
	sourceOf := map[int]int{} // m.Roles index -> source role
	sourceIdx := func(i int) int {
		if k, ok := sourceOf[i]; ok {
			return k
		}
		r := &m.Roles[i]
		sourceOf[i] = len(ix.sources)
		ix.sources = append(ix.sources, &sourceRole{name: r.Kind + " " + qualified(r.Namespace, r.Name), ref: refTo(r.Ref), rules: r.Rules})
		return sourceOf[i]
	}
	inputRole := map[int]int{} // m.Roles index -> effective role
	builtin := map[string]int{}
	effectiveOf := func(i int) int {
		if e, ok := inputRole[i]; ok {
			return e
		}
		r := &m.Roles[i]
		er := &effectiveRole{role: boundRole{ref: refTo(r.Ref), kind: r.Kind, namespace: r.Namespace, name: r.Name}}
		if r.Aggregated {
			seen := map[int]bool{i: true}
			var walk func(int)
			walk = func(i int) {
				for _, j := range partsOf(i) {
					if seen[j] {
						continue
					}
					seen[j] = true
					if m.Roles[j].Aggregated {
						walk(j)
						continue
					}
					if budget--; budget < 0 {
						return
					}
					er.parts = append(er.parts, sourceIdx(j))
				}
			}
			walk(i)
		} else {
			er.parts = []int{sourceIdx(i)}
		}
		inputRole[i] = len(ix.effective)
		ix.effective = append(ix.effective, er)
		return inputRole[i]
	}
	builtinOf := func(name string) int {
		if e, ok := builtin[name]; ok {
			return e
		}
		ix.sources = append(ix.sources, &sourceRole{name: kindCluster + " " + name + " (built in)", rules: builtinRoles[name]})
		er := &effectiveRole{role: boundRole{kind: kindCluster, name: name, builtin: true}, parts: []int{len(ix.sources) - 1}}
		builtin[name] = len(ix.effective)
		ix.effective = append(ix.effective, er)
		return builtin[name]
	}

	ix.bindingTo = make([]int, len(m.Bindings))
	for bi := range m.Bindings {
		b := &m.Bindings[bi]
		ix.bindingTo[bi] = -1
		ref := &b.RoleRef
		switch {
		// The API server defaults an empty apiGroup to the RBAC group.
		case ref.Name == "" || (ref.APIGroup != rbacGroup && ref.APIGroup != "") ||
			(ref.Kind != kindRole && ref.Kind != kindCluster) ||
			(ref.Kind == kindRole && b.Kind == kindClusterRoleBinding):
			ref.Resolution = RoleInvalid
		default:
			ns := ""
			if ref.Kind == kindRole {
				ns = b.Namespace
			}
			if i, ok := nearest(roles[roleKey{ref.Kind, ns, ref.Name}], ix.places[bi], func(i int) place { return m.placeOf(m.Roles[i].Ref) }); ok {
				ref.Resolution, ref.Ref = RoleInInput, refTo(m.Roles[i].Ref)
				ix.bindingTo[bi] = effectiveOf(i)
			} else if isBuiltinRole(ref.Kind, ref.Name) {
				ref.Resolution = RoleBuiltin
				if _, modelled := builtinRoles[ref.Name]; modelled && ref.Kind == kindCluster {
					ix.bindingTo[bi] = builtinOf(ref.Name)
				}
			} else if knownRoles[roleName(ref.Kind, ns, ref.Name)] {
				ref.Resolution = RoleKnown
			} else {
				ref.Resolution = RoleUnresolved
			}
		}
		valid := ref.Resolution != RoleInvalid
		for si := range b.Subjects {
			s := &b.Subjects[si]
			src := grantSource{binding: bi, subject: si}
			switch s.Kind {
			case rbacv1.ServiceAccountKind:
				if s.AccountNamespace == "" {
					continue
				}
				key := nsName{s.AccountNamespace, s.Name}
				s.Known = known[key]
				if sa, ok := accounts.get(key, ix.places[bi], m.accountPlace); ok {
					s.InInput, s.Ref = true, refTo(sa.Ref)
				}
				if valid {
					ix.bySA[key] = append(ix.bySA[key], src)
				}
			case rbacv1.UserKind:
				// A ServiceAccount's token authenticates as this user name.
				if ns, name, ok := strings.Cut(strings.TrimPrefix(s.Name, accountUserPrefix), ":"); ok && valid &&
					strings.HasPrefix(s.Name, accountUserPrefix) && ns != "" && name != "" {
					ix.bySA[nsName{ns, name}] = append(ix.bySA[nsName{ns, name}], src)
				}
			case rbacv1.GroupKind:
				if valid {
					ix.byGroup[s.Name] = append(ix.byGroup[s.Name], src)
				}
			}
		}
	}
	if budget < 0 {
		m.Notes = append(m.Notes, fmt.Sprintf("aggregated ClusterRoles were resolved only in part: the input pairs more aggregation rules with ClusterRoles than salint examines (%d selector tests and roles); SA070 may miss permissions they grant", aggregationBudget))
	}
	m.rbac = ix
}

// aggregationBudget bounds the work of resolving aggregated ClusterRoles:
// selector tests plus roles gathered. Real clusters need a few thousand;
// past the budget the rest of the aggregation is left out, and the run
// says so (Model.Notes).
var aggregationBudget = 5_000_000

// roleName is how configuration names a role: "ClusterRole/name" or
// "Role/namespace/name".
func roleName(kind, namespace, name string) string {
	if kind == kindRole {
		return kind + "/" + namespace + "/" + name
	}
	return kind + "/" + name
}

// selectors turns an aggregationRule's label selectors into matchers; a
// selector the API server would reject matches nothing.
func selectors(in []metav1.LabelSelector) []labels.Selector {
	var out []labels.Selector
	for i := range in {
		if sel, err := metav1.LabelSelectorAsSelector(&in[i]); err == nil {
			out = append(out, sel)
		}
	}
	return out
}

// groupsOf are the groups a ServiceAccount of namespace ns belongs to.
func groupsOf(ns string) [3]string {
	return [3]string{groupAccountsPrefix + ns, groupAllAccounts, groupAuthenticated}
}

// boundBy returns the first valid binding subject in the input that
// reaches the account, directly or through one of its groups, or nil.
func (m *Model) boundBy(ns, name string, from place) *BindingLink {
	ix := m.rbac
	// A binding defined in several scopes counts in the one seen from here.
	first := func(sources []grantSource) (grantSource, bool) {
		for _, src := range sources {
			if ix.counts(src.binding, from) {
				return src, true
			}
		}
		return grantSource{}, false
	}
	src, ok := first(ix.bySA[nsName{ns, name}])
	for _, g := range groupsOf(ns) {
		if ok {
			break
		}
		src, ok = first(ix.byGroup[g])
	}
	if !ok {
		return nil
	}
	b := &m.Bindings[src.binding]
	s := &b.Subjects[src.subject]
	return &BindingLink{Ref: b.Ref, Name: b.Kind + " " + qualified(b.Namespace, b.Name), Subject: s.Kind + " " + s.Name, Path: s.NamePath}
}

// ClassifyRole is a granted role as the engine classifies it: a role whose
// own rules some binding grants, directly or by aggregation.
type ClassifyRole struct {
	Key   int          `json:"key"`
	Rules []PolicyRule `json:"rules"`
}

// GrantRoles returns every role whose rules a binding in the input grants,
// each once, for the engine to classify before the rules run.
func (m *Model) GrantRoles() []ClassifyRole {
	if m.rbac == nil {
		return nil
	}
	out := make([]ClassifyRole, len(m.rbac.sources))
	for k, src := range m.rbac.sources {
		out[k] = ClassifyRole{Key: k, Rules: src.rules}
	}
	return out
}

// Classification gives the most severe danger of each rule of each role
// GrantRoles returned, by key and rule index, with its rank: 0 (and nil)
// for a rule nothing flags, higher for worse.
type Classification func(key, rule int) (rank int, danger *Danger)

// bestGrant is the most dangerous grant of an account, and how many of its
// grants are dangerous.
type bestGrant struct {
	rank       int
	danger     *Danger
	src        grantSource
	part, rule int // the source (position in the effective role's parts) and its rule
	count      int
	direct     bool
}

// better orders candidate grants: higher rank, then a direct subject before
// a group, then input order.
func (a bestGrant) better(b bestGrant) bool {
	if a.rank != b.rank {
		return a.rank > b.rank
	}
	if a.direct != b.direct {
		return a.direct
	}
	if c := cmp.Compare(a.src.binding, b.src.binding); c != 0 {
		return c < 0
	}
	return a.src.subject < b.src.subject
}

func (ix *rbacIndex) scan(from place, sources []grantSource, direct bool, cls Classification, acc *bestGrant) {
	for _, src := range sources {
		e := ix.bindingTo[src.binding]
		if e < 0 || !ix.counts(src.binding, from) {
			continue
		}
		sum := ix.summary(e, cls)
		if sum.rank == 0 {
			continue
		}
		acc.count += sum.dangerCount
		c := bestGrant{rank: sum.rank, danger: sum.danger, src: src, part: sum.part, rule: sum.rule, direct: direct}
		if acc.rank == 0 || c.better(*acc) {
			c.count = acc.count
			*acc = c
		}
	}
}

// summary judges an effective role once: its most dangerous rule (the first
// of the highest rank, in the order of its parts and rules) and how many of
// its rules are dangerous.
func (ix *rbacIndex) summary(e int, cls Classification) *roleSummary {
	er := ix.effective[e]
	if er.sum != nil {
		return er.sum
	}
	sum := &roleSummary{}
	for p, k := range er.parts {
		for r := range ix.sources[k].rules {
			rank, danger := cls(k, r)
			if rank <= 0 || danger == nil {
				continue
			}
			sum.dangerCount++
			if rank > sum.rank {
				sum.rank, sum.danger, sum.part, sum.rule = rank, danger, p, r
			}
		}
	}
	er.sum = sum
	return sum
}

// accountGrant finds the most dangerous grant of a ServiceAccount, as seen
// from a workload's place.
func (ix *rbacIndex) accountGrant(ns, name string, from place, cls Classification) bestGrant {
	key := placeKey{ns, name, from}
	if g, ok := ix.best[key]; ok {
		return g
	}
	var g bestGrant
	ix.scan(from, ix.bySA[nsName{ns, name}], true, cls, &g)
	grp, ok := ix.bestGroup[placeKey{ns, "", from}]
	if !ok {
		for _, name := range groupsOf(ns) {
			ix.scan(from, ix.byGroup[name], false, cls, &grp)
		}
		ix.bestGroup[placeKey{ns, "", from}] = grp
	}
	count := g.count + grp.count
	if grp.rank > 0 && (g.rank == 0 || grp.better(g)) {
		g = grp
	}
	g.count = count
	ix.best[key] = g
	return g
}

// grant spells out a grant for the rules, once for all the accounts that
// hold it.
func (m *Model) grant(g bestGrant) (out *Grant) {
	ix := m.rbac
	key := [2]int{g.src.binding, g.src.subject}
	if out, ok := ix.grants[key]; ok {
		return out
	}
	defer func() { ix.grants[key] = out }()
	b := &m.Bindings[g.src.binding]
	s := &b.Subjects[g.src.subject]
	er := ix.effective[ix.bindingTo[g.src.binding]]
	src := ix.sources[er.parts[g.part]]
	rule := src.rules[g.rule]
	out = &Grant{
		BindingRef: b.Ref, BindingName: b.Kind + " " + qualified(b.Namespace, b.Name),
		Subject: s.Kind + " " + s.Name, SubjectPath: s.NamePath,
		RoleRefPath: b.RoleRef.NamePath, RoleName: er.role.kind + " " + qualified(er.role.namespace, er.role.name),
		RuleIndex: rule.Index, RuleHolder: src.name, RuleRef: src.ref, Danger: *g.danger,
	}
	if s.Kind == rbacv1.ServiceAccountKind {
		out.Subject = s.Kind + " " + qualified(s.AccountNamespace, s.Name)
	}
	if er.role.builtin {
		out.RoleName += " (built in)"
	}
	if src.ref != nil {
		out.RulePath = rule.Path.Child(g.danger.Field, g.danger.Item)
	}
	if b.Kind == kindRoleBinding {
		out.Namespace = b.Namespace
	}
	return out
}

// chain spells the path from a workload to the rule that grants it a
// danger, one link per object.
func chain(w *Workload, t *Token) []string {
	g := t.Grant
	links := make([]string, 0, 7)
	links = append(links, w.Kind+" "+qualified(w.Namespace, w.Name))
	if t.Via == TokenSecret {
		links = append(links, "Secret "+qualified(t.AccountNamespace, t.Secret))
	}
	links = append(links, rbacv1.ServiceAccountKind+" "+qualified(t.AccountNamespace, t.AccountName))
	if !strings.HasPrefix(g.Subject, rbacv1.ServiceAccountKind+" ") {
		links = append(links, g.Subject) // the group or user name that reaches the account
	}
	links = append(links, g.BindingName, g.RoleName)
	if g.RuleHolder != g.RoleName {
		links = append(links, g.RuleHolder+" (aggregated)")
	}
	return append(links, fmt.Sprintf("rule #%d", g.RuleIndex+1))
}

func qualified(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

// API server audiences: a projected token without audience, or with one
// of these, is accepted by the API server (its default --api-audiences is
// the issuer, which these are in practice).
var apiServerAudiences = []string{"", "https://kubernetes.default.svc", "https://kubernetes.default.svc.cluster.local", "kubernetes.default.svc"}

// ResolveTokens fills every workload's Tokens: the API tokens it carries,
// each with the most dangerous grant of its account by cls.
func (m *Model) ResolveTokens(cls Classification) {
	secretAccount := map[int]*Secret{}
	for i := range m.Secrets {
		secretAccount[m.Secrets[i].Ref] = &m.Secrets[i]
	}
	for i := range m.Workloads {
		w := &m.Workloads[i]
		w.Tokens = []Token{}
		from := m.placeOf(w.Ref)
		add := func(via string, path []any, ns, name, secret string) {
			for _, t := range w.Tokens { // one token per account; a pod has few
				if t.AccountNamespace == ns && t.AccountName == name {
					return
				}
			}
			t := Token{Via: via, Path: path, AccountNamespace: ns, AccountName: name, Secret: secret}
			if m.rbac != nil {
				if g := m.rbac.accountGrant(ns, name, from, cls); g.rank > 0 {
					t.Grant, t.DangerousGrants = m.grant(g), g.count
					t.Chain = chain(w, &t)
				}
			}
			w.Tokens = append(w.Tokens, t)
		}
		if w.Automount.Mounted {
			add(TokenAutomount, w.ServiceAccount.Path, w.Namespace, w.ServiceAccount.Name, "")
		}
		for _, p := range w.TokenProjections {
			if p.Audience == nil || slices.Contains(apiServerAudiences, *p.Audience) {
				add(TokenProjected, p.Path, w.Namespace, w.ServiceAccount.Name, "")
			}
		}
		for _, r := range w.SecretRefs {
			if r.Secret == nil || r.Secret.Type != TokenSecretType {
				continue
			}
			if s := secretAccount[r.Secret.Ref]; s != nil && s.ServiceAccountName != nil && *s.ServiceAccountName != "" {
				add(TokenSecret, r.Path, s.Namespace, *s.ServiceAccountName, r.Name)
			}
		}
	}
	if m.rbac != nil {
		// The memos served this pass only.
		m.rbac.best, m.rbac.bestGroup, m.rbac.grants = map[placeKey]bestGrant{}, map[placeKey]bestGrant{}, map[[2]int]*Grant{}
	}
}
