package model_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

// buildFiles builds a model from files (path -> YAML), in the order given.
func buildFiles(t *testing.T, files [][2]string) *model.Model {
	t.Helper()
	var xs []*model.Extracted
	for _, f := range files {
		pf := loader.Parse(f[0], []byte(f[1]), loader.Options{Kinds: model.Kinds})
		if len(pf.Errors) > 0 {
			t.Fatalf("%s: %v", f[0], pf.Errors)
		}
		for _, o := range pf.Objects {
			xs = append(xs, model.Extract(o, "default"))
		}
	}
	return model.Build(xs, model.Options{Namespace: "default"})
}

const variantAccount = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ctl, namespace: sys}\nautomountServiceAccountToken: %s\n"

func account(automount string) string {
	return strings.Replace(variantAccount, "%s", automount, 1)
}

const ctlPod = "apiVersion: v1\nkind: Pod\nmetadata: {name: ctl, namespace: sys}\nspec: {serviceAccountName: ctl}\n"

// TestNearestDefinitionWins: among several definitions of one
// ServiceAccount, a pod's resolves to the one of its own file, else its
// own directory, else the nearest ancestor directory, else the first.
func TestNearestDefinitionWins(t *testing.T) {
	sep := string(filepath.Separator)
	tests := []struct {
		name  string
		files [][2]string
		want  string // the file of the account the pod resolves to
	}{
		{"same file", [][2]string{
			{"a/sa.yaml", account("false")},
			{"b/pod.yaml", account("true") + "---\n" + ctlPod},
		}, "b/pod.yaml"},
		{"same directory", [][2]string{
			{"a/sa.yaml", account("false")},
			{"b/sa.yaml", account("true")},
			{"b/pod.yaml", ctlPod},
		}, "b/sa.yaml"},
		{"nearest ancestor", [][2]string{
			{"sa.yaml", account("false")},
			{"x/y/sa.yaml", account("true")},
			{"x/sa.yaml", account("true")},
			{"x/y/z/pod.yaml", ctlPod},
		}, "x/y/sa.yaml"},
		{"a sibling directory is no nearer than anywhere: the first", [][2]string{
			{"v1/sa.yaml", account("false")},
			{"v2/sa.yaml", account("true")},
			{"v3/pod.yaml", ctlPod},
		}, "v1/sa.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.files {
				tt.files[i][0] = strings.ReplaceAll(tt.files[i][0], "/", sep)
			}
			m := buildFiles(t, tt.files)
			w := workload(m, "ctl")
			if w == nil || w.ServiceAccount.Ref == nil {
				t.Fatalf("the pod resolves no account: %+v", w)
			}
			if got := m.Objects[*w.ServiceAccount.Ref].Source.File; got != strings.ReplaceAll(tt.want, "/", sep) {
				t.Errorf("the pod's account is %s's, want %s's", got, tt.want)
			}
		})
	}
}

// TestVariantsUseTheirOwnBindings: two variants of one install in sibling
// directories, each with its own binding and role of the same names: each
// variant's pod holds what its own variant grants, never the other's.
func TestVariantsUseTheirOwnBindings(t *testing.T) {
	variant := func(dir, verb string) [][2]string {
		return [][2]string{
			{filepath.Join(dir, "rbac.yaml"), `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ctl}
rules:
- {apiGroups: [""], resources: [pods], verbs: [` + verb + `]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ctl}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ctl}
subjects: [{kind: ServiceAccount, name: ctl, namespace: sys}]
`},
			{filepath.Join(dir, "deploy.yaml"), account("true") + "---\n" + ctlPod},
		}
	}
	m := buildFiles(t, append(variant("cluster-install", "get"), variant("namespace-install", "create")...))
	roles := m.GrantRoles()
	m.ResolveTokens(func(key, rule int) (int, *model.Danger) {
		if slices.Contains(roles[key].Rules[rule].Verbs, "create") {
			return 4, &model.Danger{ID: "SA044", Severity: "high", Field: "resources", What: "create pods"}
		}
		return 0, nil
	})
	for _, w := range m.Workloads {
		dir := filepath.Dir(m.Objects[w.Ref].Source.File)
		g := w.Tokens[0].Grant
		switch dir {
		case "cluster-install":
			if g != nil {
				t.Errorf("cluster-install's pod holds %+v through namespace-install's role", g)
			}
		case "namespace-install":
			if g == nil || filepath.Dir(m.Objects[g.BindingRef].Source.File) != dir || filepath.Dir(m.Objects[*g.RuleRef].Source.File) != dir {
				t.Errorf("namespace-install's pod: grant %+v, want its own binding and role", g)
			}
		}
	}
}

// TestNamespaceFromTheBindingNextToIt: an operator's manifests name no
// namespace, its ClusterRoleBinding names one for the operator's account;
// they are taken to be in that namespace, and the binding's subject is that
// account.
func TestNamespaceFromTheBindingNextToIt(t *testing.T) {
	op := [][2]string{
		{filepath.Join("op", "sa.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: op}\n"},
		{filepath.Join("op", "deploy.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: op}\nspec:\n  template:\n    spec: {serviceAccountName: op}\n"},
		{filepath.Join("op", "rbac.yaml"), `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: op}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: op, namespace: operators}]
`},
		// Another directory keeps the default namespace.
		{filepath.Join("other", "sa.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: op}\n"},
	}
	m := buildFiles(t, op)
	b := binding(m, "op")
	if s := b.Subjects[0]; !s.InInput || s.Ref == nil || m.Objects[*s.Ref].Source.File != op[0][0] {
		t.Errorf("the subject resolves to %+v, want op/sa.yaml's account", s)
	}
	w := workload(m, "op")
	if w.Namespace != "operators" || w.ServiceAccount.Ref == nil || m.Objects[w.Ref].NamespaceHint == nil {
		t.Errorf("the deployment is in %q with account %v and hint %v; want operators, op/sa.yaml's, and why",
			w.Namespace, w.ServiceAccount.Ref, m.Objects[w.Ref].NamespaceHint)
	}
	for _, sa := range m.ServiceAccounts {
		want := map[string]string{"op": "operators", "other": "default"}[filepath.Dir(m.Objects[sa.Ref].Source.File)]
		if sa.Namespace != want {
			t.Errorf("%s: account in %q, want %q", m.Objects[sa.Ref].Source.File, sa.Namespace, want)
		}
	}
	if len(m.Notes) != 1 || !strings.Contains(m.Notes[0], `namespace "operators"`) {
		t.Errorf("notes %q, want one saying what was assumed", m.Notes)
	}
	// Bindings naming two namespaces for the directory's accounts: nothing
	// is assumed.
	twice := append(op[:3:3], [2]string{filepath.Join("op", "rbac2.yaml"), `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: op2}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: op, namespace: elsewhere}]
`})
	m = buildFiles(t, twice)
	if w := workload(m, "op"); w.Namespace != "default" || len(m.Notes) != 0 {
		t.Errorf("two namespaces named: deployment in %q, notes %q", w.Namespace, m.Notes)
	}
}
