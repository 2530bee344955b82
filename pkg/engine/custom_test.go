package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/lint"
	"github.com/salint/salint/pkg/model"
	"github.com/salint/salint/rules"
)

// joinPolicy is the custom rule that joins workloads, ServiceAccounts and
// bindings (docs/custom-rules.md).
const joinPolicy = "../../testdata/policies/acme_bound_default_account"

// mixedModel has more facts of each kind than one chunk holds: workloads,
// ServiceAccounts and bindings, one of each per app, each workload running
// as its app's account.
func mixedModel(apps int) *model.Model {
	m := &model.Model{}
	ref := func() int {
		m.Objects = append(m.Objects, &model.Extracted{})
		return len(m.Objects) - 1
	}
	for i := range apps {
		name := fmt.Sprintf("app%04d", i)
		var sa model.ServiceAccount
		sa.Ref, sa.Namespace, sa.Name = ref(), "apps", name
		m.ServiceAccounts = append(m.ServiceAccounts, sa)
		var w model.Workload
		w.Ref, w.Namespace, w.Name, w.Spec = ref(), "apps", name, []any{"spec"}
		w.ServiceAccount.Name = name
		m.Workloads = append(m.Workloads, w)
		var b model.Binding
		b.Ref, b.Namespace, b.Name = ref(), "apps", name
		m.Bindings = append(m.Bindings, b)
	}
	return m
}

// evaluate runs eng over a fresh model (Evaluate consumes it) and returns
// each finding as "rule ref path: message", in the order Evaluate gave.
func evaluate(t *testing.T, eng *engine.Engine, m *model.Model, jobs int) []string {
	t.Helper()
	raws, err := eng.Evaluate(context.Background(), m, map[string]map[string]any{"SA901": {"limit": 3}}, jobs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range raws {
		got = append(got, fmt.Sprintf("%s %d %s: %s", r.Rule.ID, r.Ref, r.Path, r.Message))
	}
	return got
}

// TestCustomRulesSeeEveryCollection: a custom rule sees every fact of every
// kind at once, however many chunks the built-in rules are given, and a
// join that finds no partner means there is none.
func TestCustomRulesSeeEveryCollection(t *testing.T) {
	counts := `findings contains {"ref": w.ref, "path": w.spec, "msg": msg} if {
	some w in input.workloads
	w.name == "app0000"
	msg := sprintf("%d workloads, %d accounts, %d bindings", [count(input.workloads), count(input.serviceAccounts), count(input.bindings)])
}`
	// An account no workload runs as: every account is used, so this must
	// not fire, although no chunk of accounts holds a workload.
	unused := `findings contains {"ref": sa.ref, "path": [], "msg": "no workload runs as it"} if {
	some sa in input.serviceAccounts
	not [sa.namespace, sa.name] in used
}

used := {[w.namespace, w.serviceAccount.name] | some w in input.workloads}`
	eng, err := newEngineWithPolicy(t, map[string]string{
		"counts/counts.rego": customRule("counts", "ACME001", "counts", counts),
		"unused/unused.rego": customRule("unused", "ACME002", "unused", unused),
	})
	if err != nil {
		t.Fatal(err)
	}
	const apps = 1300 // three chunks of each kind
	var want []string
	for _, jobs := range []int{1, 2, 7} {
		got := evaluate(t, eng, mixedModel(apps), jobs)
		var custom []string
		builtin := 0
		for _, f := range got {
			if strings.HasPrefix(f, "SA901 ") {
				builtin++
			} else {
				custom = append(custom, f)
			}
		}
		if builtin != apps {
			t.Errorf("jobs=%d: the built-in rule found %d workloads, want %d", jobs, builtin, apps)
		}
		if w := []string{"ACME001 1 spec: 1300 workloads, 1300 accounts, 1300 bindings"}; !slices.Equal(custom, w) {
			t.Errorf("jobs=%d: custom findings %q, want %q", jobs, custom, w)
		}
		if want == nil {
			want = got
		} else if !slices.Equal(got, want) {
			t.Errorf("jobs=%d gives other findings, or another order", jobs)
		}
	}
}

// TestPoliciesLeaveBuiltinFindingsAlone: loading a policy changes nothing
// in what the built-in rules find.
func TestPoliciesLeaveBuiltinFindingsAlone(t *testing.T) {
	plain, err := engine.New(context.Background(), mapFS(map[string]string{
		"main/main.rego": mainRego,
		"a/a.rego":       rule("a", "SA901", "rule-a", "high", everyWorkload),
	}))
	if err != nil {
		t.Fatal(err)
	}
	withPolicy, err := newEngineWithPolicy(t, map[string]string{"x/x.rego": customRule("x", "ACME001", "x", customFindings)})
	if err != nil {
		t.Fatal(err)
	}
	builtin := func(fs []string) []string {
		return slices.DeleteFunc(fs, func(f string) bool { return !strings.HasPrefix(f, "SA901 ") })
	}
	a, b := evaluate(t, plain, mixedModel(700), 2), builtin(evaluate(t, withPolicy, mixedModel(700), 2))
	slices.Sort(a)
	slices.Sort(b)
	if len(a) != 700 || !slices.Equal(a, b) {
		t.Errorf("built-in findings: %d without the policy, %d with it, or they differ", len(a), len(b))
	}
}

// TestCustomEvaluationErrorNamesThePolicy: an error raised while a custom
// rule runs over the whole input names the policy's file and line.
func TestCustomEvaluationErrorNamesThePolicy(t *testing.T) {
	// A complete rule with a value per workload: fine on one, a conflict on two.
	body := `findings contains {"ref": 0, "path": [], "msg": only_name} if true

only_name := w.name if {
	some w in input.workloads
}`
	eng, err := newEngineWithPolicy(t, map[string]string{"x/x.rego": customRule("x", "ACME001", "x", body)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = eng.Evaluate(context.Background(), mixedModel(2), nil, 2)
	want := filepath.Join("policy", "x", "x.rego") + ":14"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one naming %s", err, want)
	}
}

// TestCustomEvaluationReleasesFacts: with a policy too, the Go facts go once
// converted, and the objects findings are located with stay.
func TestCustomEvaluationReleasesFacts(t *testing.T) {
	eng, err := newEngineWithPolicy(t, map[string]string{"x/x.rego": customRule("x", "ACME001", "x", customFindings)})
	if err != nil {
		t.Fatal(err)
	}
	m := mixedModel(600)
	if got := evaluate(t, eng, m, 2); len(got) != 1200 {
		t.Fatalf("%d findings, want 1200 (600 built-in, 600 custom)", len(got))
	}
	for i := range m.Workloads {
		if m.Workloads[i].Name != "" || m.ServiceAccounts[i].Name != "" || m.Bindings[i].Name != "" {
			t.Fatalf("facts of app %d kept after evaluation", i)
		}
	}
	if len(m.Objects) != 1800 || m.Objects[0] == nil {
		t.Error("the objects findings are located with were released")
	}
}

// TestJoinPolicyAcrossFilesAndChunks lints, with the real rules and the
// join policy, a tree in which the workload, its default ServiceAccount and
// the binding that grants it a role are in three files, among more than a
// chunk of facts of each kind: the policy reports the workload, once,
// pointing at the two others, whatever the number of jobs.
func TestJoinPolicyAcrossFilesAndChunks(t *testing.T) {
	root := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// 600 apps: an account, a binding granting it view, a Deployment running
	// as it; every 100th app's Deployment runs as its namespace's default
	// account instead, declared and bound to nothing.
	var bulk strings.Builder
	for i := range 600 {
		ns, account := fmt.Sprintf("team%04d", i), "app"
		if i%100 == 0 {
			account = "default"
		}
		fmt.Fprintf(&bulk, `---
apiVersion: v1
kind: ServiceAccount
metadata: {name: %[2]s, namespace: %[1]s}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: app, namespace: %[1]s}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: %[1]s}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      serviceAccountName: %[2]s
      containers: [{name: app, image: registry.example/app:1.0.0}]
`, ns, account)
	}
	write("apps/bulk.yaml", bulk.String())
	write("shop/accounts/default.yaml", `apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: shop
automountServiceAccountToken: false
`)
	write("shop/rbac/deployer.yaml", `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: deployer
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: edit
subjects:
  - kind: ServiceAccount
    name: default
    namespace: shop
`)
	write("shop/workloads/report.yaml", `apiVersion: apps/v1
kind: Deployment
metadata:
  name: report
  namespace: shop
spec:
  selector:
    matchLabels: {app: report}
  template:
    metadata:
      labels: {app: report}
    spec:
      containers:
        - name: report
          image: registry.example/shop/report:3.1.0
`)
	eng, err := engine.NewWithPolicies(context.Background(), rules.FS, []engine.Policy{{Name: joinPolicy, FS: os.DirFS(joinPolicy)}})
	if err != nil {
		t.Fatal(err)
	}
	var first []string
	for _, jobs := range []int{1, 2} {
		rep, err := lint.Run(context.Background(), eng, lint.Config{Paths: []string{root}, Jobs: jobs})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) > 0 {
			t.Fatalf("input errors: %+v", rep.Errors)
		}
		var all, joined []string
		for _, f := range rep.Findings {
			line := fmt.Sprintf("%s:%d:%d %s %s/%s: %s", f.File, f.Line, f.Column, f.Rule.ID, f.Object.Namespace, f.Object.Name, f.Message)
			for _, r := range f.Related {
				line += fmt.Sprintf("\n  %s:%d:%d %s", r.File, r.Line, r.Column, r.Message)
			}
			all = append(all, line)
			if f.Rule.ID == "ACME002" {
				joined = append(joined, strings.ReplaceAll(line, root+string(filepath.Separator), ""))
			}
		}
		want := []string{filepath.FromSlash("shop/workloads/report.yaml") + `:12:5 ACME002 shop/report: runs as the default ServiceAccount of namespace "shop", to which RoleBinding shop/deployer grants ClusterRole edit
  ` + filepath.FromSlash("shop/accounts/default.yaml") + `:4:3 the default ServiceAccount is declared here
  ` + filepath.FromSlash("shop/rbac/deployer.yaml") + `:12:5 RoleBinding shop/deployer grants it ClusterRole edit`}
		if !slices.Equal(joined, want) {
			t.Errorf("jobs=%d: ACME002 findings\n%s\nwant\n%s", jobs, strings.Join(joined, "\n"), strings.Join(want, "\n"))
		}
		if rep.Summary.Objects != 1803 {
			t.Errorf("jobs=%d: %d objects read, want 1803", jobs, rep.Summary.Objects)
		}
		if first == nil {
			first = all
		} else if !slices.Equal(all, first) {
			t.Errorf("jobs=%d: the findings or their order differ from jobs=1", jobs)
		}
	}
}
