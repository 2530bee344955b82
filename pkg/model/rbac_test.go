package model_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

// classifyBy is a stand-in for the Rego library: a rule is dangerous, with
// the given rank, when it names one of these resources.
func classifyBy(m *model.Model, ranks map[string]int) model.Classification {
	roles := m.GrantRoles()
	return func(key, rule int) (int, *model.Danger) {
		best, item := 0, 0
		for j, res := range roles[key].Rules[rule].Resources {
			if ranks[res] > best {
				best, item = ranks[res], j
			}
		}
		if best == 0 {
			return 0, nil
		}
		return best, &model.Danger{ID: "SA000", Severity: "high", Field: "resources", Item: item, What: "test " + roles[key].Rules[rule].Resources[item]}
	}
}

func resolve(t *testing.T, y string, opts model.Options, ranks map[string]int) *model.Model {
	t.Helper()
	m := build(t, y, opts)
	m.ResolveTokens(classifyBy(m, ranks))
	return m
}

func binding(m *model.Model, name string) *model.Binding {
	for i := range m.Bindings {
		if m.Bindings[i].Name == name {
			return &m.Bindings[i]
		}
	}
	return nil
}

func workload(m *model.Model, name string) *model.Workload {
	for i := range m.Workloads {
		if m.Workloads[i].Name == name {
			return &m.Workloads[i]
		}
	}
	return nil
}

const rbacDocs = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pods, namespace: a}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pods, namespace: b}
rules:
- {apiGroups: [""], resources: [pods], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web, namespace: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods}
subjects:
- {kind: ServiceAccount, name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-a, namespace: a}
spec:
  template:
    spec:
      serviceAccountName: web
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-b, namespace: b}
spec:
  template:
    spec:
      serviceAccountName: web
`

func TestRoleBindingResolvesRoleInItsOwnNamespace(t *testing.T) {
	m := resolve(t, rbacDocs, model.Options{}, map[string]int{"pods": 4})
	b := binding(m, "web")
	if b.RoleRef.Resolution != model.RoleInInput || b.RoleRef.Ref == nil || m.Objects[*b.RoleRef.Ref].Namespace != "a" {
		t.Fatalf("roleRef %+v resolves to the wrong Role", b.RoleRef)
	}
	if s := b.Subjects[0]; s.AccountNamespace != "a" || s.Namespace != "" || s.InInput {
		t.Errorf("subject %+v: a ServiceAccount without namespace is the binding's", s)
	}
	// Role b/pods grants create pods, but the binding is in a and binds a/web.
	for _, name := range []string{"web-a", "web-b"} {
		if tok := workload(m, name).Tokens; len(tok) != 1 || tok[0].Grant != nil {
			t.Errorf("%s tokens %+v: the permissions of namespace b's Role leaked", name, tok)
		}
	}
}

func TestRoleBindingPermissionsStayInTheirNamespace(t *testing.T) {
	y := strings.Replace(rbacDocs, "name: web, namespace: a}\nroleRef", "name: web, namespace: b}\nroleRef", 1)
	m := resolve(t, y, model.Options{}, map[string]int{"pods": 4})
	if g := workload(m, "web-b").Tokens[0].Grant; g == nil || g.Namespace != "b" || g.RoleName != "Role b/pods" || g.Danger.What != "test pods" {
		t.Fatalf("b/web holds %+v, want create pods in b", g)
	}
	if g := workload(m, "web-a").Tokens[0].Grant; g != nil {
		t.Errorf("a/web holds %+v through a binding of namespace b to b/web", g)
	}
}

func TestGroupSubjectReachesDefaultAccount(t *testing.T) {
	y := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-read, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:serviceaccounts:ci"}
---
apiVersion: v1
kind: Pod
metadata: {name: job, namespace: ci}
spec: {containers: []}
---
apiVersion: v1
kind: Pod
metadata: {name: job, namespace: prod}
spec: {containers: []}
`
	m := resolve(t, y, model.Options{}, map[string]int{"secrets": 3})
	var ci, prod *model.Workload
	for i := range m.Workloads {
		if m.Workloads[i].Namespace == "ci" {
			ci = &m.Workloads[i]
		} else {
			prod = &m.Workloads[i]
		}
	}
	g := ci.Tokens[0].Grant
	if g == nil || g.Subject != "Group system:serviceaccounts:ci" || g.SubjectPath.String() != "subjects[0].name" ||
		g.RoleRefPath.String() != "roleRef.name" || g.RoleName != "ClusterRole secret-reader" || g.Namespace != "ci" {
		t.Fatalf("ci/default holds %+v", g)
	}
	if prod.Tokens[0].Grant != nil {
		t.Errorf("prod/default holds %+v through a group of namespace ci", prod.Tokens[0].Grant)
	}
}

func TestAggregatedClusterRoleResolvesItsParts(t *testing.T) {
	y := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}
  - matchExpressions:
    - {key: tier, operator: In, values: [ops]}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: read-pods
  labels: {rbac.example.com/aggregate-to-monitoring: "true"}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: exec
  labels: {tier: ops}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
- {apiGroups: [""], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: unrelated
  labels: {tier: dev}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: mon}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
subjects:
- {kind: ServiceAccount, name: prom, namespace: mon}
---
apiVersion: v1
kind: Pod
metadata: {name: prom, namespace: mon}
spec: {serviceAccountName: prom}
`
	m := resolve(t, y, model.Options{}, map[string]int{"pods/exec": 4, "secrets": 5, "pods": 1})
	tok := workload(m, "prom").Tokens[0]
	g := tok.Grant
	if g == nil || g.RoleName != "ClusterRole monitoring" || g.Danger.What != "test pods/exec" || g.RuleIndex != 1 || g.RulePath.String() != "rules[1].resources[0]" {
		t.Fatalf("grant %+v, want rule 2 of exec through monitoring", g)
	}
	if g.RuleRef == nil || m.Objects[*g.RuleRef].Name != "exec" || g.RuleHolder != "ClusterRole exec" {
		t.Errorf("the granting rule is not located in ClusterRole exec: %v %q", g.RuleRef, g.RuleHolder)
	}
	if tok.DangerousGrants != 2 {
		t.Errorf("%d dangerous grants, want 2 (secrets of the unrelated role excluded)", tok.DangerousGrants)
	}
	want := []string{"Pod mon/prom", "ServiceAccount mon/prom", "ClusterRoleBinding mon", "ClusterRole monitoring", "ClusterRole exec (aggregated)", "rule #2"}
	if !slices.Equal(tok.Chain, want) {
		t.Errorf("chain %q, want %q", tok.Chain, want)
	}
}

func TestRoleRefResolution(t *testing.T) {
	y := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: ops, namespace: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: system, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: "system:controller:bootstrap-signer"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: vendor}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: vendor-admin}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: apps}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: missing, namespace: apps}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: nothere}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: to-role}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: empty, namespace: apps}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ""}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: group, namespace: apps}
roleRef: {apiGroup: rbac.example.com, kind: ClusterRole, name: view}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: admin-role, namespace: apps}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: admin}
---
apiVersion: v1
kind: Pod
metadata: {name: ops, namespace: ops}
spec: {serviceAccountName: ops}
`
	m := resolve(t, y, model.Options{KnownRoles: []string{"ClusterRole/vendor-admin", "Role/apps/reader"}}, map[string]int{"*": 5})
	want := map[string]string{
		"admin": model.RoleBuiltin, "system": model.RoleBuiltin, "vendor": model.RoleKnown,
		"reader": model.RoleKnown, "missing": model.RoleUnresolved, "to-role": model.RoleInvalid,
		"empty": model.RoleInvalid, "group": model.RoleInvalid,
		"admin-role": model.RoleUnresolved, // admin is a ClusterRole, not a Role
	}
	for name, res := range want {
		if got := binding(m, name).RoleRef.Resolution; got != res {
			t.Errorf("binding %s resolves %q, want %q", name, got, res)
		}
	}
	if s := binding(m, "to-role").Subjects[0]; s.AccountNamespace != "" {
		t.Errorf("a ClusterRoleBinding subject without namespace has namespace %q", s.AccountNamespace)
	}
	g := workload(m, "ops").Tokens[0].Grant
	if g == nil || g.RoleName != "ClusterRole cluster-admin (built in)" || g.RuleRef != nil || g.RulePath != nil {
		t.Fatalf("ops/ops holds %+v, want the built-in cluster-admin", g)
	}
}

func TestMostDangerousGrantIsChosen(t *testing.T) {
	y := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: low}
rules:
- {apiGroups: [""], resources: [events], verbs: [delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: high}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: high}
subjects: [{kind: Group, name: "system:authenticated"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: direct-low, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: low}
subjects: [{kind: ServiceAccount, name: web}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: direct-high, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: high}
subjects: [{kind: User, name: "system:serviceaccount:prod:web"}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: prod}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod}
spec: {serviceAccountName: web}
`
	m := resolve(t, y, model.Options{}, map[string]int{"events": 2, "secrets": 4})
	tok := workload(m, "web").Tokens[0]
	if tok.Via != model.TokenAutomount || tok.Path.String() != "spec.serviceAccountName" {
		t.Errorf("token %+v, want the automounted one at the ServiceAccount reference", tok)
	}
	// secrets through the user name beats secrets through a group at the
	// same rank, and both beat events.
	if g := tok.Grant; g == nil || g.BindingName != "RoleBinding prod/direct-high" || g.Subject != "User system:serviceaccount:prod:web" || g.RuleIndex != 1 {
		t.Fatalf("grant %+v, want rule 2 of high through direct-high", g)
	}
	if tok.DangerousGrants != 3 {
		t.Errorf("%d dangerous grants, want 3", tok.DangerousGrants)
	}
	want := []string{"Pod prod/web", "ServiceAccount prod/web", "User system:serviceaccount:prod:web", "RoleBinding prod/direct-high", "ClusterRole high", "rule #2"}
	if !slices.Equal(tok.Chain, want) {
		t.Errorf("chain %q, want %q", tok.Chain, want)
	}
}

func TestTokensAPodCarries(t *testing.T) {
	y := `
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: prod}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Secret
metadata:
  name: deployer-token
  namespace: prod
  annotations: {kubernetes.io/service-account.name: deployer}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod}
spec:
  serviceAccountName: web
  containers: [{name: app, image: app}]
  volumes:
  - name: vault
    projected:
      sources:
      - serviceAccountToken: {audience: vault, path: t}
  - name: api
    projected:
      sources:
      - serviceAccountToken: {path: t}
  - name: legacy
    secret: {secretName: deployer-token}
`
	m := resolve(t, y, model.Options{}, nil)
	var got []string
	for _, tok := range workload(m, "web").Tokens {
		got = append(got, tok.Via+" "+tok.AccountNamespace+"/"+tok.AccountName+" "+tok.Path.String())
	}
	want := []string{
		"projected prod/web spec.volumes[1].projected.sources[0].serviceAccountToken",
		"secret prod/deployer spec.volumes[2].secret.secretName",
	}
	if !slices.Equal(got, want) {
		t.Errorf("tokens\n%q\nwant\n%q", got, want)
	}
}

func TestSecretAccountBoundOnlyByValidBindings(t *testing.T) {
	y := `
apiVersion: v1
kind: Secret
metadata:
  name: t
  namespace: ci
  annotations: {kubernetes.io/service-account.name: builder}
type: kubernetes.io/service-account-token
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: broken}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: x}
subjects: [{kind: ServiceAccount, name: builder, namespace: ci}]
`
	m := build(t, y, model.Options{})
	if m.Secrets[0].ServiceAccount.Bound {
		t.Error("a binding the API server rejects binds nothing")
	}
	m = build(t, strings.Replace(y, "kind: Role, name: x", "kind: ClusterRole, name: x", 1), model.Options{})
	if !m.Secrets[0].ServiceAccount.Bound {
		t.Error("a valid ClusterRoleBinding naming ci/builder does not bind it")
	}
}

func TestRoleRefWithoutAPIGroupIsDefaulted(t *testing.T) {
	y := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: ops, namespace: ops}]
`
	if got := build(t, y, model.Options{}).Bindings[0].RoleRef.Resolution; got != model.RoleBuiltin {
		t.Errorf("roleRef without apiGroup resolves %q, want builtin (the API server defaults the group)", got)
	}
}

// Two variants of one install define the same objects: each workload sees
// the definitions of its own file, and duplicates are not counted twice.
func TestDuplicateDefinitionsResolveInTheReferringFile(t *testing.T) {
	variant := func(verb string) string {
		return `
apiVersion: v1
kind: ServiceAccount
metadata: {name: ctl, namespace: sys}
automountServiceAccountToken: ` + map[string]string{"create": "true", "get": "false"}[verb] + `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: ctl, namespace: sys}
rules:
- {apiGroups: [""], resources: [pods], verbs: [` + verb + `]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ctl, namespace: sys}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ctl}
subjects: [{kind: ServiceAccount, name: ctl}]
---
apiVersion: v1
kind: Pod
metadata: {name: ctl, namespace: sys}
spec: {serviceAccountName: ctl, automountServiceAccountToken: true}
`
	}
	var xs []*model.Extracted
	for _, f := range []struct{ name, yaml string }{{"a.yaml", variant("get")}, {"b.yaml", variant("create")}} {
		for _, o := range loader.Parse(f.name, []byte(f.yaml), loader.Options{Kinds: model.Kinds}).Objects {
			xs = append(xs, model.Extract(o, "default"))
		}
	}
	m := model.Build(xs, model.Options{Namespace: "default"})
	roles := m.GrantRoles()
	m.ResolveTokens(func(key, rule int) (int, *model.Danger) {
		if slices.Contains(roles[key].Rules[rule].Verbs, "create") {
			return 4, &model.Danger{ID: "SA044", Severity: "high", Field: "resources", What: "create pods"}
		}
		return 0, nil
	})
	for _, w := range m.Workloads {
		file := m.Objects[w.Ref].Source.File
		g := w.Tokens[0].Grant
		switch file {
		case "a.yaml":
			if g != nil {
				t.Errorf("a.yaml's pod holds %+v through b.yaml's Role", g)
			}
		case "b.yaml":
			if g == nil || m.Objects[*g.RuleRef].Source.File != "b.yaml" || m.Objects[g.BindingRef].Source.File != "b.yaml" || w.Tokens[0].DangerousGrants != 1 {
				t.Errorf("b.yaml's pod: grant %+v, %d dangerous grants, want b.yaml's binding and role, once", g, w.Tokens[0].DangerousGrants)
			}
		}
		if w.ServiceAccount.Ref == nil || m.Objects[*w.ServiceAccount.Ref].Source.File != file {
			t.Errorf("%s's pod resolves its ServiceAccount in another file", file)
		}
	}
	for _, b := range m.Bindings {
		if m.Objects[*b.RoleRef.Ref].Source.File != m.Objects[b.Ref].Source.File {
			t.Errorf("binding of %s resolves its Role in another file", m.Objects[b.Ref].Source.File)
		}
	}
}

// The engine releases facts chunk by chunk while others are still to be
// read, so no fact may point into another.
func TestFactsDoNotPointIntoOneAnother(t *testing.T) {
	y := rbacDocs + `
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: a}
---
apiVersion: v1
kind: Secret
metadata:
  name: t
  namespace: a
  annotations: {kubernetes.io/service-account.name: web}
type: kubernetes.io/service-account-token
`
	m := build(t, y, model.Options{})
	w := workload(m, "web-a")
	b := binding(m, "web")
	wantSA, wantRole, wantSecret := *w.ServiceAccount.Ref, *b.RoleRef.Ref, *m.Secrets[0].ServiceAccount.Ref
	wantSubject := *b.Subjects[0].Ref
	clear(m.ServiceAccounts)
	clear(m.Roles)
	if *w.ServiceAccount.Ref != wantSA || *b.RoleRef.Ref != wantRole || *m.Secrets[0].ServiceAccount.Ref != wantSecret || *b.Subjects[0].Ref != wantSubject {
		t.Error("a ref changed when the facts it was taken from were released")
	}
}

// A ClusterRole that several bound roles aggregate is handed to the engine
// once, so hostile input cannot multiply the work by aggregating it often.
func TestAggregatedPartIsClassifiedOnce(t *testing.T) {
	var y strings.Builder
	y.WriteString(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: part, labels: {agg: "yes"}}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
`)
	for i := range 5 {
		fmt.Fprintf(&y, `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg%d}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: "yes"}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b%d}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg%d}
subjects: [{kind: ServiceAccount, name: s, namespace: ns1}]
`, i, i, i)
	}
	y.WriteString(`---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec: {serviceAccountName: s}
`)
	m := resolve(t, y.String(), model.Options{}, map[string]int{"secrets": 4})
	if got := len(m.GrantRoles()); got != 1 {
		t.Errorf("%d roles to classify, want the one part once", got)
	}
	if tok := workload(m, "p").Tokens[0]; tok.Grant == nil || tok.Grant.RuleHolder != "ClusterRole part" || tok.DangerousGrants != 5 {
		t.Errorf("token %+v, want the part's rule through five bindings", tok)
	}
}
