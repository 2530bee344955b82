package lint_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/engine"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/lint"
	"github.com/salint/salint/rules"
)

func newEngine(t *testing.T) *engine.Engine {
	t.Helper()
	eng, err := engine.New(context.Background(), rules.FS)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSummaryAddsUp: documents = objects + skipped + errors, whatever mix
// of objects, non-objects, broken documents, Lists and missing paths.
func TestSummaryAddsUp(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\n# comment only\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\nfoo: [bar\n")
	write(t, dir, "values.yaml", "replicas: 2\n")
	write(t, dir, "list.json", `{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"}}]}`)
	rep, err := lint.Run(context.Background(), newEngine(t), lint.Config{Paths: []string{dir, filepath.Join(dir, "missing.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Summary
	if s.Files != 3 || s.Objects != 2 || s.Skipped != 3 || s.Errors != 2 || s.Documents != 7 {
		t.Errorf("summary %+v, want 3 files, 7 documents = 2 objects + 3 skipped + 2 errors", s)
	}
	if s.Documents != s.Objects+s.Skipped+s.Errors {
		t.Errorf("documents %d != objects %d + skipped %d + errors %d", s.Documents, s.Objects, s.Skipped, s.Errors)
	}
	if len(rep.Errors) != 2 || !strings.HasSuffix(rep.Errors[0].File, "a.yaml") || rep.Errors[0].Line != 11 || !strings.HasSuffix(rep.Errors[1].File, "missing.yaml") {
		t.Errorf("errors %+v, want a.yaml:11 and missing.yaml", rep.Errors)
	}
}

// TestFindingsAreSortedAndLocated: findings come sorted by file and line
// with the offending source line, whatever the number of workers.
func TestFindingsAreSortedAndLocated(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.yaml", "a.yaml"} {
		write(t, dir, name, "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x, namespace: team}\nautomountServiceAccountToken: true\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: team}\nspec:\n  serviceAccountName: x\n  containers: []\n")
	}
	eng := newEngine(t)
	var first []finding.Finding
	for _, jobs := range []int{1, 2, 5} {
		rep, err := lint.Run(context.Background(), eng, lint.Config{Paths: []string{dir}, Jobs: jobs})
		if err != nil {
			t.Fatal(err)
		}
		fs := rep.Findings
		for i := 1; i < len(fs); i++ {
			if fs[i-1].File > fs[i].File || fs[i-1].File == fs[i].File && fs[i-1].Line > fs[i].Line {
				t.Fatalf("findings out of order: %s then %s", fs[i-1].Location, fs[i].Location)
			}
		}
		for _, f := range fs {
			if f.Rule.ID == "SA011" || f.Rule.ID == "SA012" {
				if f.Line != 4 || f.SourceLine != "automountServiceAccountToken: true" {
					t.Errorf("%s at %s shows %q", f.Rule.ID, f.Location, f.SourceLine)
				}
			}
		}
		if first == nil {
			first = fs
		} else if len(fs) != len(first) {
			t.Errorf("jobs=%d: %d findings, want %d", jobs, len(fs), len(first))
		}
	}
	if len(first) == 0 {
		t.Fatal("no findings")
	}
}

func TestMinSeverityAndParams(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "pod.yaml", `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  automountServiceAccountToken: false
  containers: []
  volumes:
  - name: t
    projected:
      sources:
      - serviceAccountToken: {path: t, audience: vault, expirationSeconds: 7200}
`)
	eng := newEngine(t)
	run := func(cfg lint.Config) []string {
		cfg.Paths = []string{dir}
		rep, err := lint.Run(context.Background(), eng, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range rep.Findings {
			ids = append(ids, f.Rule.ID)
		}
		return ids
	}
	if ids := run(lint.Config{}); strings.Join(ids, ",") != "" {
		t.Errorf("7200 s is within the default maximum, got %v", ids)
	}
	if ids := run(lint.Config{Params: map[string]map[string]any{"SA031": {"maxExpirationSeconds": 3600}}}); strings.Join(ids, ",") != "SA031" {
		t.Errorf("a 3600 s maximum must flag 7200 s, got %v", ids)
	}
	if ids := run(lint.Config{Params: map[string]map[string]any{"SA031": {"maxExpirationSeconds": 3600}}, MinSeverity: finding.High}); len(ids) != 0 {
		t.Errorf("--min-severity high must drop the medium SA031, got %v", ids)
	}
}

// TestManifestSuppression: the salint.io/ignore annotation and the
// "# salint:ignore" comment (on the offending line or the line above, in
// plain YAML and in helm template output) suppress findings, which are
// counted, kept with their reason, and do not count as findings.
func TestManifestSuppression(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "plain.yaml", `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: shop
  annotations:
    salint.io/ignore: "SA012, SA999"
    salint.io/ignore-reason: pods opt in one by one
---
# salint:ignore SA012 the first line of this document is suppressed from above
apiVersion: v1
kind: ServiceAccount
metadata: {name: batch, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: api
  automountServiceAccountToken: true # salint:ignore automount-token web calls the API
  containers: [{name: web, image: web}]
`)
	write(t, dir, "rendered.yaml", `---
# Source: shop/templates/worker.yaml
apiVersion: v1
kind: Pod
metadata: {name: worker, namespace: shop}
spec:
  serviceAccountName: api
  # salint:ignore SA010 the worker watches ConfigMaps
  automountServiceAccountToken: true
  containers: [{name: w, image: w}]
`)
	rep, err := lint.Run(context.Background(), newEngine(t), lint.Config{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		if f.Suppressed {
			got[f.Rule.ID+" "+f.Object.Name] = f.Justification
		}
	}
	want := map[string]string{
		"SA012 api":    "pods opt in one by one",
		"SA012 batch":  "the first line of this document is suppressed from above",
		"SA010 web":    "web calls the API",
		"SA010 worker": "the worker watches ConfigMaps",
	}
	if len(got) != len(want) {
		t.Errorf("suppressed %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: suppressed with %q, want %q", k, got[k], v)
		}
	}
	unsuppressed := 0
	for _, f := range rep.Findings {
		if !f.Suppressed {
			unsuppressed++
		}
	}
	if rep.Summary.Suppressed != 4 || rep.Summary.Findings != unsuppressed {
		t.Errorf("summary %+v: want 4 suppressed and findings counting only the rest (%d)", rep.Summary, unsuppressed)
	}
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], `"SA999"`) || !strings.Contains(rep.Notes[0], "plain.yaml:7:") {
		t.Errorf("notes %q, want one warning for SA999 at plain.yaml:7", rep.Notes)
	}
}

// TestNamedFilesReadSiblingsForReferences: a pre-commit hook names only the
// changed files. A Deployment's ServiceAccount in an unchanged sibling file
// is then still found (no SA003, and its automount opt-out counts), and no
// finding is reported on the sibling itself.
func TestNamedFilesReadSiblingsForReferences(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "account.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\nautomountServiceAccountToken: false\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: other, namespace: shop}\n")
	deploy := write(t, dir, "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n      containers: [{name: web, image: web}]\n")
	write(t, dir, "notes.txt", "not read")
	rep, err := lint.Run(context.Background(), newEngine(t), lint.Config{Paths: []string{deploy}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if !strings.HasSuffix(f.File, "deploy.yaml") {
			t.Errorf("finding on a file read for references only: %s %s", f.Rule.ID, f.File)
		}
		if f.Rule.ID == "SA003" || f.Rule.ID == "SA010" {
			t.Errorf("%s: the sibling's ServiceAccount was not used: %s", f.Rule.ID, f.Message)
		}
	}
	if rep.Summary.Files != 1 || rep.Summary.Objects != 1 {
		t.Errorf("summary %+v: siblings must not count as linted", rep.Summary)
	}
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "read 1 sibling files") {
		t.Errorf("notes %q, want one saying a sibling was read", rep.Notes)
	}
	// An excluded sibling is not read, with the walk's glob syntax (** across
	// directories): the exclude globs mean one thing everywhere.
	rep, err = lint.Run(context.Background(), newEngine(t), lint.Config{Paths: []string{deploy}, Exclude: []string{"**/account.yaml"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rep.Findings, func(f finding.Finding) bool { return f.Rule.ID == "SA003" }) || slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, "sibling") }) {
		t.Errorf("an excluded sibling was read: findings %d, notes %q", len(rep.Findings), rep.Notes)
	}
	// Named together with its directory, nothing is read twice.
	rep, err = lint.Run(context.Background(), newEngine(t), lint.Config{Paths: []string{dir, deploy}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range rep.Notes {
		if strings.Contains(n, "sibling") {
			t.Errorf("siblings read although the directory is linted: %q", n)
		}
	}
}
