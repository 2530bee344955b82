package kustomize

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestPlanEntries(t *testing.T) {
	base := app + "/base"
	component := app + "/components/projected-token"
	all := []string{base, component, prod, staging}
	tests := []struct {
		name    string
		dirs    []string
		entries []string
		reaches map[string][]string
	}{
		{
			name:    "overlays are entry points, their base and component are not",
			dirs:    all,
			entries: []string{prod, staging},
			reaches: map[string][]string{
				prod:    {base, component, prod},
				staging: {base, staging},
			},
		},
		{
			name:    "a base given alone is an entry point",
			dirs:    []string{base},
			entries: []string{base},
			reaches: map[string][]string{base: {base}},
		},
		{
			name:    "a base used by an overlay not given is an entry point",
			dirs:    []string{base, component},
			entries: []string{base, component},
			reaches: map[string][]string{base: {base}},
		},
		{
			name:    "an overlay and the base it uses",
			dirs:    []string{prod, base},
			entries: []string{prod},
			reaches: map[string][]string{prod: {base, component, prod}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, errs := NewPlan(tc.dirs, Options{Boundary: "testdata"})
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if !slices.Equal(p.Entries, tc.entries) {
				t.Errorf("entries %q, want %q", p.Entries, tc.entries)
			}
			for entry, want := range tc.reaches {
				if got := p.Reaches(entry); !slices.Equal(got, want) {
					t.Errorf("Reaches(%s) = %q, want %q", entry, got, want)
				}
			}
		})
	}
}

func TestPlanIndirectUseAndCycles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"top/kustomization.yaml":     "resources:\n  - ../mid\n",
		"mid/kustomization.yaml":     "resources:\n  - ../base\n",
		"base/kustomization.yaml":    "resources:\n  - sa.yaml\n",
		"base/sa.yaml":               "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n",
		"cycle/a/kustomization.yaml": "resources:\n  - ../b\n",
		"cycle/b/kustomization.yaml": "resources:\n  - ../a\n",
		"outside/kustomization.yaml": "resources:\n  - ../../elsewhere\n",
		"plain/deployment.yaml":      "kind: Deployment\n",
	})
	j := func(p string) string { return filepath.Join(dir, p) }
	p, errs := NewPlan([]string{j("top"), j("base"), j("cycle/b"), j("cycle/a"), j("outside"), j("plain")}, Options{Boundary: dir})
	if len(errs) != 1 || errs[0].File != j("plain") {
		t.Errorf("errors %v, want one for the directory without a kustomization", errs)
	}
	want := []string{j("cycle/a"), j("outside"), j("top")}
	if !slices.Equal(p.Entries, want) {
		t.Errorf("entries %q, want %q", p.Entries, want)
	}
	if got, want := p.Reaches(j("top")), []string{j("base"), j("mid"), j("top")}; !slices.Equal(got, want) {
		t.Errorf("Reaches(top) = %q, want %q", got, want)
	}
	if got := p.Reaches(j("mid")); got != nil {
		t.Errorf("Reaches of a directory not given = %q, want nil", got)
	}
}
