package kustomize

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/render"
)

// TestSharedKustomizations builds every kustomization of the shared corpus
// (argo-cd, kustomize-examples): each builds without errors or notes, an
// entry point into exactly what kustomize build prints, and every node of every built
// object maps into one of the unit's source files, on a line and column
// that exist there; a node mapped exactly to a mapping key points at that
// key. It logs the fraction of nodes mapped exactly.
func TestSharedKustomizations(t *testing.T) {
	charts := sharedCharts(t)
	dirs := kustomizationDirs(t, charts)
	if len(dirs) < 47 {
		t.Fatalf("found %d kustomizations under %s, want at least 47", len(dirs), charts)
	}
	plan, errs := NewPlan(dirs, Options{Boundary: charts})
	if len(errs) > 0 {
		t.Fatalf("plan: %v", errs)
	}
	for _, base := range []string{"argo-cd/base", "argo-cd/ha/base/redis-ha", "kustomize-examples/ldap/base", "kustomize-examples/wordpress/mysql"} {
		if slices.Contains(plan.Entries, filepath.Join(charts, base)) {
			t.Errorf("%s is used by other kustomizations, yet an entry point", base)
		}
	}
	for _, overlay := range []string{"argo-cd/ha/namespace-install-with-hydrator", "argo-cd/dev-tilt", "kustomize-examples/wordpress", "kustomize-examples/helloWorld"} {
		if !slices.Contains(plan.Entries, filepath.Join(charts, overlay)) {
			t.Errorf("%s is not an entry point", overlay)
		}
	}

	total, exact := 0, 0
	for _, dir := range dirs {
		u := Build(context.Background(), dir, Options{Boundary: charts})
		if len(u.Errors) > 0 || len(u.Notes) > 0 {
			t.Errorf("%s: errors %v, notes %v", dir, u.Errors, u.Notes)
			continue
		}
		if slices.Contains(plan.Entries, dir) {
			if got, want := string(u.Docs[0].Text), kustomizeBuild(t, dir); got != want {
				t.Errorf("%s: the built stream is not what kustomize build prints", dir)
			}
		}
		n, e := checkEveryNode(t, u)
		total, exact = total+n, exact+e
	}
	frac := float64(exact) / float64(total)
	t.Logf("%d kustomizations, %d entry points, %d nodes, %.4f mapped exactly", len(dirs), len(plan.Entries), total, frac)
	if frac < 0.99 {
		t.Errorf("only %.4f of the nodes mapped exactly", frac)
	}
}

// checkEveryNode maps every node of the unit's objects and checks where it
// lands; it returns how many nodes there were and how many mapped exactly.
func checkEveryNode(t *testing.T, u render.Unit) (total, exact int) {
	t.Helper()
	d, objs := builtObjects(t, u)
	lines := map[string][]string{}
	for name, content := range u.Files {
		lines[name] = strings.Split(string(content), "\n")
	}
	for _, o := range objs {
		v := *o.Value.(*map[string]any)
		eachNode(v, nil, func(p loader.Path) {
			total++
			m := d.Map.Locate(render.Node{Path: p, Found: true, Pos: o.Pos(p), Object: o.Pos(nil)})
			l := m.Location
			fl, ok := lines[l.File]
			if !ok || l.File == d.Name {
				t.Errorf("%s %s %s: located in %s, not a source file of the unit", o.Kind, o.Name, p, l)
				return
			}
			if l.Line < 1 || l.Line > len(fl) || l.Column < 1 || l.Column > utf8.RuneCountInString(fl[l.Line-1]) {
				t.Errorf("%s %s %s: %s is not a position of the file", o.Kind, o.Name, p, l)
				return
			}
			if !m.Exact {
				return
			}
			exact++
			key, ok := lastKey(p)
			if !ok || filepath.Base(l.File) == "kustomization.yaml" {
				return
			}
			at := strings.TrimLeft(string([]rune(fl[l.Line-1])[l.Column-1:]), `"'`)
			if !strings.HasPrefix(at, key) && !strings.HasPrefix(at, "value") {
				t.Errorf("%s %s %s: exact location %s reads %q", o.Kind, o.Name, p, l, at)
			}
		})
	}
	return total, exact
}

func lastKey(p loader.Path) (string, bool) {
	if len(p) == 0 {
		return "", false
	}
	k, ok := p[len(p)-1].(string)
	return k, ok
}

// BenchmarkBuildSharedKustomizations builds every entry point of the shared
// corpus.
func BenchmarkBuildSharedKustomizations(b *testing.B) {
	charts := sharedCharts(b)
	plan, errs := NewPlan(kustomizationDirs(b, charts), Options{Boundary: charts})
	if len(errs) > 0 || len(plan.Entries) == 0 {
		b.Fatalf("plan: %d entries, errors %v", len(plan.Entries), errs)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, e := range plan.Entries {
			if u := Build(context.Background(), e, Options{Boundary: charts}); len(u.Errors) > 0 {
				b.Fatalf("%s: %v", e, u.Errors)
			}
		}
	}
}
