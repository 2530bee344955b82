package engine_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/model"
)

const mainRego = `package salint.main

findings[name] := fs if {
	some name
	fs := data.salint.rules[name].findings
}
`

func rule(pkg, id, name, severity, body string) string {
	return fmt.Sprintf(`# METADATA
# title: Test rule %[2]s
# description: A rule for tests.
# custom:
#   id: %[2]s
#   name: %[3]s
#   severity: %[4]s
#   category: test
#   remediation: Fix it.
#   params:
#     limit: 3
package salint.rules.%[1]s

%[5]s
`, pkg, id, name, severity, body)
}

func newEngine(t *testing.T, files map[string]string) (*engine.Engine, error) {
	t.Helper()
	fsys := fstest.MapFS{"main/main.rego": {Data: []byte(mainRego)}}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return engine.New(context.Background(), fsys)
}

const everyWorkload = `findings contains {"ref": w.ref, "path": w.spec, "msg": sprintf("%s over %v", [w.name, input.params.SA901.limit])} if {
	some w in input.workloads
}`

func TestMetadataIsRead(t *testing.T) {
	eng, err := newEngine(t, map[string]string{"a/a.rego": rule("a", "SA901", "rule-a", "high", everyWorkload)})
	if err != nil {
		t.Fatal(err)
	}
	r := eng.Rule("rule-a")
	if r == nil || r.ID != "SA901" || r.Severity != finding.High || r.Title != "Test rule SA901" || r.Remediation != "Fix it." {
		t.Fatalf("rule = %+v", r)
	}
	if eng.Rule("sa901") != r {
		t.Error("rules are found by ID case-insensitively")
	}
	if got := eng.Params("SA901")["limit"]; fmt.Sprint(got) != "3" {
		t.Errorf("default param limit = %v", got)
	}
}

func TestBadRulesFailToLoad(t *testing.T) {
	tests := map[string]map[string]string{
		"duplicate ID": {
			"a/a.rego": rule("a", "SA901", "rule-a", "high", everyWorkload),
			"b/b.rego": rule("b", "SA901", "rule-b", "high", everyWorkload),
		},
		"bad severity": {"a/a.rego": rule("a", "SA901", "rule-a", "urgent", everyWorkload)},
		"no metadata":  {"a/a.rego": "package salint.rules.a\n\nfindings := set()\n"},
		"syntax error": {"a/a.rego": rule("a", "SA901", "rule-a", "high", "findings contains x if {")},
	}
	for name, files := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := newEngine(t, files); err == nil {
				t.Error("engine.New accepted a broken rule set")
			}
		})
	}
}

func workloads(n int) *model.Model {
	m := &model.Model{}
	for i := range n {
		m.Objects = append(m.Objects, &model.Extracted{})
		w := model.Workload{Spec: []any{"spec"}}
		w.Ref, w.Name = i, fmt.Sprintf("w%04d", i)
		m.Workloads = append(m.Workloads, w)
	}
	return m
}

// TestChunksAndJobsGiveTheSameFindings: facts are split into chunks
// evaluated in parallel; every fact must be seen exactly once.
func TestChunksAndJobsGiveTheSameFindings(t *testing.T) {
	eng, err := newEngine(t, map[string]string{"a/a.rego": rule("a", "SA901", "rule-a", "high", everyWorkload)})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, jobs := range []int{1, 2, 7} {
		m := workloads(5000) // Evaluate consumes the facts
		raws, err := eng.Evaluate(context.Background(), m, map[string]map[string]any{"SA901": {"limit": 9}}, jobs)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range raws {
			got = append(got, fmt.Sprintf("%d %s %s", r.Ref, r.Message, r.Path))
		}
		sort.Strings(got)
		if len(got) != 5000 {
			t.Fatalf("jobs=%d: %d findings, want 5000", jobs, len(got))
		}
		if !strings.HasSuffix(got[0], "w0000 over 9 spec") {
			t.Errorf("params did not reach the rule: %s", got[0])
		}
		if want == nil {
			want = got
		} else if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("jobs=%d gives other findings", jobs)
		}
	}
}

func TestFindingContract(t *testing.T) {
	tests := map[string]string{
		"no ref":       `findings contains {"path": [], "msg": "x"} if { some w in input.workloads }`,
		"no msg":       `findings contains {"ref": w.ref, "path": []} if { some w in input.workloads }`,
		"bad severity": `findings contains {"ref": w.ref, "path": [], "msg": "x", "severity": "urgent"} if { some w in input.workloads }`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			eng, err := newEngine(t, map[string]string{"a/a.rego": rule("a", "SA901", "rule-a", "high", body)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := eng.Evaluate(context.Background(), workloads(1), nil, 1); err == nil {
				t.Error("a finding that breaks the contract was accepted")
			}
		})
	}
}

func TestSeverityOverrideAndRelated(t *testing.T) {
	body := `findings contains {"ref": w.ref, "path": ["spec", 0], "msg": "x", "severity": "critical",
		"related": [{"ref": w.ref, "path": ["metadata"], "msg": "why"}]} if { some w in input.workloads }`
	eng, err := newEngine(t, map[string]string{"a/a.rego": rule("a", "SA901", "rule-a", "low", body)})
	if err != nil {
		t.Fatal(err)
	}
	raws, err := eng.Evaluate(context.Background(), workloads(1), nil, 1)
	if err != nil || len(raws) != 1 {
		t.Fatalf("%v %v", raws, err)
	}
	r := raws[0]
	if r.Severity != finding.Critical || r.Path.String() != "spec[0]" || len(r.Related) != 1 || r.Related[0].Message != "why" {
		t.Errorf("raw = %+v", r)
	}
}

func TestEvaluateReleasesFactsButNotObjects(t *testing.T) {
	eng, err := newEngine(t, map[string]string{"a/a.rego": rule("a", "SA901", "rule-a", "high", everyWorkload)})
	if err != nil {
		t.Fatal(err)
	}
	m := workloads(3)
	m.Objects = []*model.Extracted{{}, {}, {}}
	if _, err := eng.Evaluate(context.Background(), m, map[string]map[string]any{"SA901": {"limit": 9}}, 2); err != nil {
		t.Fatal(err)
	}
	for i, w := range m.Workloads {
		if w.Name != "" || w.Spec != nil {
			t.Errorf("workload %d kept after evaluation: %+v", i, w)
		}
	}
	if len(m.Objects) != 3 || m.Objects[0] == nil {
		t.Error("the objects findings are located with were released")
	}
}

// TestDisabledRulesAreNotEvaluated: a disabled rule costs nothing: its
// package is not evaluated (a rule that would fail on evaluation does not),
// and the others still are.
func TestDisabledRulesAreNotEvaluated(t *testing.T) {
	// Two values for one complete rule: an error whenever it is evaluated.
	failing := `conflict := 1 if true

conflict := 2 if true

findings contains {"ref": 0, "path": [], "msg": "x"} if conflict == 1
`
	eng, err := newEngine(t, map[string]string{
		"a/a.rego": rule("a", "SA901", "rule-a", "high", everyWorkload),
		"b/b.rego": rule("b", "SA902", "rule-b", "high", failing),
	})
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]map[string]any{"SA901": {"limit": 9}}
	if _, err := eng.Evaluate(context.Background(), workloads(3), params, 1); err == nil {
		t.Fatal("rule-b does not fail when it runs: the test proves nothing")
	}
	raws, err := eng.Evaluate(context.Background(), workloads(3), params, 1, "rule-b")
	if err != nil {
		t.Fatalf("the disabled rule was evaluated: %v", err)
	}
	if len(raws) != 3 || raws[0].Rule.ID != "SA901" {
		t.Errorf("findings %+v, want rule-a's three", raws)
	}
}
