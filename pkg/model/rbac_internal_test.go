package model

import (
	"strings"
	"testing"

	"github.com/salint/salint/pkg/loader"
)

// Past its budget, aggregation stops and the model says so.
func TestAggregationBudget(t *testing.T) {
	y := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {part: "yes"}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg}
subjects: [{kind: ServiceAccount, name: s, namespace: n}]
` + strings.Repeat(`---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: part, labels: {part: "yes"}}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
`, 10)
	build := func() *Model {
		f := loader.Parse("agg.yaml", []byte(y), loader.Options{Kinds: Kinds})
		var xs []*Extracted
		for _, o := range f.Objects {
			xs = append(xs, Extract(o, "default"))
		}
		return Build(xs, Options{Namespace: "default"})
	}
	m := build()
	if got := len(m.GrantRoles()); got != 10 || len(m.Notes) != 0 {
		t.Fatalf("within budget: %d roles aggregated, notes %q; want 10 and none", got, m.Notes)
	}
	defer func(b int) { aggregationBudget = b }(aggregationBudget)
	aggregationBudget = 5
	m = build()
	if got := len(m.GrantRoles()); got >= 10 || len(m.Notes) != 1 || !strings.Contains(m.Notes[0], "aggregated ClusterRoles were resolved only in part") {
		t.Errorf("past the budget: %d roles aggregated, notes %q; want fewer than 10 and a note", got, m.Notes)
	}
}
