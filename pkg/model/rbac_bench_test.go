package model_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

// rbacApps builds n apps across 8 namespaces: a ServiceAccount, a Role, a
// RoleBinding and a Deployment each, and in every namespace a binding of
// the namespace's group, so that every account has direct and group grants.
func rbacApps(b *testing.B, n int) []*model.Extracted {
	b.Helper()
	var y strings.Builder
	for ns := range 8 {
		fmt.Fprintf(&y, `---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: all, namespace: ns%d}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: "system:serviceaccounts:ns%d"}]
`, ns, ns)
	}
	for i := range n {
		ns := i % 8
		fmt.Fprintf(&y, `---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app%d, namespace: ns%d}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: app%d, namespace: ns%d}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app%d, namespace: ns%d}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app%d}
subjects: [{kind: ServiceAccount, name: app%d}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app%d, namespace: ns%d}
spec: {template: {spec: {serviceAccountName: app%d}}}
`, i, ns, i, ns, i, ns, i, i, i, ns, i)
	}
	f := loader.Parse("apps.yaml", []byte(y.String()), loader.Options{Kinds: model.Kinds})
	if len(f.Errors) > 0 {
		b.Fatal(f.Errors)
	}
	xs := make([]*model.Extracted, len(f.Objects))
	for i, o := range f.Objects {
		xs[i] = model.Extract(o, "default")
	}
	return xs
}

// BenchmarkResolveRBAC measures the join of workloads, accounts, bindings
// and roles: the time per app stays flat as the number of apps grows.
func BenchmarkResolveRBAC(b *testing.B) {
	for _, n := range []int{1000, 4000, 16000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				xs := rbacApps(b, n) // Build consumes the extracted facts
				runtime.GC()         // not the parse's garbage
				b.StartTimer()
				m := model.Build(xs, model.Options{Namespace: "default"})
				m.ResolveTokens(classifyBy(m, map[string]int{"secrets": 4, "pods": 4, "serviceaccounts": 5}))
				if m.Workloads[0].Tokens[0].Grant == nil {
					b.Fatal("no grant resolved")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/app")
		})
	}
}
