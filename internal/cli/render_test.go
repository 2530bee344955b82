package cli

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// jsonReport is the part of the JSON report these tests read.
type jsonReport struct {
	Summary struct {
		Files, Charts, Scenarios, Kustomizations, Documents, Objects, Skipped, Errors, Findings, Suppressed int
	}
	Findings []struct {
		RuleID        string `json:"ruleId"`
		File          string
		Line, Column  int
		Path          string
		Object        struct{ Kind, Namespace, Name string }
		Suppressed    bool
		Justification string
		Source        struct {
			Type, Root, Scenario string
			Rendered             struct {
				File         string
				Line, Column int
			}
		}
		Related []struct {
			File         string
			Line, Column int
			Message      string
		}
	}
	Errors []struct {
		File    string
		Line    int
		Message string
	}
	Notes []string
}

func lintJSON(t *testing.T, args ...string) (jsonReport, int) {
	t.Helper()
	out, stderr, code := runSalint(t, "", append([]string{"-f", "json", "--show-suppressed"}, args...)...)
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("exit %d, stderr %s: %v", code, stderr, err)
	}
	return r, code
}

// place is where a finding is expected: rule, file (relative to the case
// directory), line and column.
type place struct {
	rule, file   string
	line, column int
}

// TestRenderedFindingsSitOnTheEditedLine checks, finding by finding, that
// what a chart render or a kustomize build produces is reported at the
// template, base, patch or kustomization line that made it (each place
// below was checked by hand against the files), once however many
// scenarios or overlays produce it.
func TestRenderedFindingsSitOnTheEditedLine(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		dir  string
		want []place
		// related: a finding (by place) and a related location it must carry.
		related map[place]string
	}{{
		dir: "testdata/manifests/helm-chart",
		want: []place{
			{"SA001", "webshop/charts/cache/templates/statefulset.yaml", 14, 5},
			{"SA010", "webshop/charts/cache/templates/statefulset.yaml", 15, 7},
			{"SA001", "webshop/templates/debug-pod.yaml", 9, 1},
			{"SA010", "webshop/templates/debug-pod.yaml", 9, 1},
			{"SA010", "webshop/templates/deployment.yaml", 16, 5},
			{"SA070", "webshop/templates/deployment.yaml", 17, 7},
			{"SA030", "webshop/templates/deployment.yaml", 28, 17},
			{"SA042", "webshop/templates/rbac.yaml", 10, 17},
			{"SA053", "webshop/templates/rbac.yaml", 14, 17},
			{"SA044", "webshop/templates/rbac.yaml", 18, 16},
			{"SA012", "webshop/templates/serviceaccount.yaml", 8, 1},
		},
		related: map[place]string{
			{"SA012", "webshop/templates/serviceaccount.yaml", 8, 1}:            "webshop/values.yaml:11:3",
			{"SA010", "webshop/charts/cache/templates/statefulset.yaml", 15, 7}: "webshop/values.yaml:33:3",
			{"SA070", "webshop/templates/deployment.yaml", 17, 7}:               "webshop/templates/rbac.yaml:10:17",
			{"SA042", "webshop/templates/rbac.yaml", 10, 17}:                    "webshop/ci/debug-values.yaml:1:1",
		},
	}, {
		dir: "testdata/manifests/kustomize",
		want: []place{
			{"SA010", "base/deployment.yaml", 13, 5},
			{"SA070", "base/deployment.yaml", 14, 7},
			{"SA042", "base/rbac.yaml", 7, 17},
			{"SA053", "base/rbac.yaml", 11, 17},
			{"SA012", "base/serviceaccount.yaml", 1, 1},
			{"SA031", "components/vault-token/vault-token.yaml", 15, 19},
			{"SA010", "overlays/staging/debug-patch.yaml", 9, 7},
			{"SA070", "overlays/staging/kustomization.yaml", 4, 1},
		},
		related: map[place]string{
			{"SA042", "base/rbac.yaml", 7, 17}:                     "overlays/staging/kustomization.yaml:1:1",
			{"SA070", "overlays/staging/kustomization.yaml", 4, 1}: "base/deployment.yaml:14:7",
		},
	}}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.dir), func(t *testing.T) {
			r, code := lintJSON(t, tt.dir)
			if code != ExitFindings || len(r.Errors) != 0 {
				t.Fatalf("exit %d, errors %+v", code, r.Errors)
			}
			var got []place
			for _, f := range r.Findings {
				rel, err := filepath.Rel(tt.dir, f.File)
				if err != nil || strings.HasPrefix(rel, "..") {
					t.Errorf("%s at %s: not in a source file of the case", f.RuleID, f.File)
				}
				p := place{f.RuleID, filepath.ToSlash(rel), f.Line, f.Column}
				if slices.Contains(got, p) {
					t.Errorf("%v reported twice", p)
				}
				got = append(got, p)
				if f.Source.Type == "" || f.Source.Rendered.File == "" || f.Source.Rendered.Line < 1 {
					t.Errorf("%v: source %+v lacks the rendered position", p, f.Source)
				}
				if want, ok := tt.related[p]; ok && !slices.ContainsFunc(f.Related, func(r struct {
					File         string
					Line, Column int
					Message      string
				}) bool {
					return fmt.Sprintf("%s:%d:%d", filepath.ToSlash(r.File), r.Line, r.Column) == tt.dir+"/"+want
				}) {
					t.Errorf("%v: related %+v lacks %s", p, f.Related, want)
				}
				if f.RuleID == "SA053" && (!f.Suppressed || !strings.Contains(f.Justification, "SIEM")) {
					t.Errorf("%v: the # salint:ignore comment did not suppress it", p)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings at\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

// TestNamedFilesInsideCharts is what a pre-commit hook does: it names the
// changed files, and a template named alone is linted through its chart,
// reporting only what lies in it.
func TestNamedFilesInsideCharts(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		file  string
		rules []string
	}{
		{"testdata/manifests/helm-chart/webshop/templates/rbac.yaml", []string{"SA042", "SA053", "SA044"}},
		{"testdata/manifests/helm-chart/webshop/templates/legacy-token.yaml", nil},
		{"testdata/manifests/kustomize/base/serviceaccount.yaml", []string{"SA012"}},
		{"testdata/manifests/kustomize/overlays/staging/debug-patch.yaml", []string{"SA010"}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			r, code := lintJSON(t, tt.file)
			var rules []string
			for _, f := range r.Findings {
				if f.File != tt.file {
					t.Errorf("%s reported in %s, which was not named", f.RuleID, f.File)
				}
				rules = append(rules, f.RuleID)
			}
			if !slices.Equal(rules, tt.rules) || len(r.Errors) != 0 {
				t.Errorf("rules %v, errors %+v; want %v", rules, r.Errors, tt.rules)
			}
			if want := map[bool]int{true: ExitFindings, false: ExitOK}[len(tt.rules) > 1 || len(tt.rules) == 1 && tt.rules[0] != "SA053"]; code != want {
				t.Errorf("exit %d, want %d", code, want)
			}
		})
	}
}

// TestRenderingFetchesNothing: charts and kustomizations that ask for the
// network (a remote base, a remote patch, a chart repository, a schema
// reference, DNS) or for running a program get notes or errors, and nothing
// connects: the listener counts every connection made to it.
func TestRenderingFetchesNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var dials atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			dials.Add(1)
			c.Close()
		}
	}()
	addr := ln.Addr().String()
	repo := t.TempDir()
	// A secret outside the repository, which nothing may read.
	outside := filepath.Join(t.TempDir(), "secret.yaml")
	if err := os.WriteFile(outside, []byte("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: TOPSECRET}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	escape, err := filepath.Rel(filepath.Join(repo, "k2"), outside)
	if err != nil {
		t.Fatal(err)
	}
	ran := filepath.Join(repo, "plugin-ran")
	files := map[string]string{
		".git/HEAD": "ref: refs/heads/main\n",
		"k/kustomization.yaml": fmt.Sprintf(`resources:
  - sa.yaml
  - http://%[1]s/remote.yaml
  - https://%[1]s/org/repo.git
  - %[1]s/org/repo//base?ref=main
patches:
  - path: http://%[1]s/patch.yaml
transformers:
  - exec.yaml
`, addr),
		"k/sa.yaml":             "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: local, namespace: k}\n",
		"k2/kustomization.yaml": "resources:\n  - " + escape + "\n  - link.yaml\n",
		"k/exec.yaml": fmt.Sprintf(`apiVersion: example.com/v1
kind: Runner
metadata:
  name: run
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: /bin/sh
        args: ["-c", "touch %s"]
`, ran),
		"c/Chart.yaml":          fmt.Sprintf("apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n  - name: dep\n    version: 1.0.0\n    repository: http://%s/charts\n", addr),
		"c/values.yaml":         "x: 1\n",
		"c/templates/leak.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: leak-{{ .Files.Get \"secret.yaml\" | sha256sum | trunc 8 }}-{{ .Files.Get \"secret.yaml\" | len }}\n",
		"c/values.schema.json":  fmt.Sprintf(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"x": {"$ref": "http://%s/x.json"}}}`, addr),
		"c/templates/sa.yaml": `apiVersion: v1
kind: ServiceAccount
metadata:
  name: c-{{ getHostByName "` + strings.Split(addr, ":")[0] + `" }}
  annotations:
    found: {{ lookup "v1" "Secret" "default" "x" | toJson | quote }}
`,
	}
	for name, content := range files {
		p := filepath.Join(repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The links point at a file of their own: the plain walk, which follows
	// links to files (issue 11 bounds it), is not what is tested here.
	linked := filepath.Join(filepath.Dir(outside), "linked.yaml")
	if err := os.WriteFile(linked, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: linked}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, link := range []string{"k2/link.yaml", "c/secret.yaml"} {
		if err := os.Symlink(linked, filepath.Join(repo, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	r, code := lintJSON(t, repo)
	if n := dials.Load(); n != 0 {
		t.Errorf("%d connections were made", n)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("the exec plugin ran")
	}
	if code == ExitError && r.Summary.Charts == 0 {
		t.Errorf("exit %d: %+v", code, r.Errors)
	}
	notes := strings.Join(r.Notes, "\n")
	for _, want := range []string{"remote", "not vendored"} {
		if !strings.Contains(notes, want) {
			t.Errorf("no note says %q: %s", want, notes)
		}
	}
	// What could be read locally was still linted.
	names := map[string]bool{}
	for _, f := range r.Findings {
		names[f.Object.Name] = true
	}
	if !names["local"] || !names["c-"] {
		t.Errorf("findings on %v, want the local account of the kustomization and the chart's", names)
	}
	// Nothing outside the repository was read: not by a kustomization
	// naming it, nor through a symlink, nor by a chart's .Files.
	leak := ""
	for n := range names {
		if strings.HasPrefix(n, "leak-") {
			leak = n
		}
	}
	if names["TOPSECRET"] || !strings.HasSuffix(leak, "-0") {
		t.Errorf("findings on %v: a file outside the repository was read", names)
	}
	if !strings.Contains(notes+fmt.Sprint(r.Errors), "outside") {
		t.Errorf("nothing says a path outside the repository was refused: %s %+v", notes, r.Errors)
	}
}

// TestChartSettings: --values, --set, --release-name and the configuration's
// charts entry reach the render, in the order helm template applies them.
func TestChartSettings(t *testing.T) {
	chdirRoot(t)
	chart := "testdata/manifests/helm-chart/webshop"
	dir := t.TempDir()
	values := filepath.Join(dir, "prod-values.yaml")
	if err := os.WriteFile(values, []byte("serviceAccount:\n  automount: true\n  name: shop\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sa012 := func(r jsonReport) (string, string) {
		for _, f := range r.Findings {
			if f.RuleID == "SA012" {
				for _, rel := range f.Related {
					if strings.HasPrefix(rel.Message, "value ") {
						return f.Object.Name, fmt.Sprintf("%s:%d", rel.File, rel.Line)
					}
				}
				return f.Object.Name, ""
			}
		}
		return "", ""
	}
	// A --values file that sets the value is where it comes from.
	r, _ := lintJSON(t, "--values", values, "--release-name", "prod", chart)
	if name, at := sa012(r); name != "shop" || at != values+":2" {
		t.Errorf("with --values: SA012 on %q, value at %q; want shop, %s:2", name, at, values)
	}
	// --set comes after the values files: the account opts out.
	r, _ = lintJSON(t, "--values", values, "--set", "serviceAccount.automount=false", chart)
	if name, _ := sa012(r); name != "" {
		t.Errorf("--set serviceAccount.automount=false: SA012 still on %q", name)
	}
	// The release name names the objects.
	r, _ = lintJSON(t, "--release-name", "prod", chart)
	if name, _ := sa012(r); name != "prod-webshop" {
		t.Errorf("--release-name prod: SA012 on %q, want prod-webshop", name)
	}
	// The configuration's entry for the chart applies, relative to it.
	cfg := filepath.Join(dir, ".salint.yaml")
	if err := os.WriteFile(cfg, []byte("charts:\n  chart:\n    set: [\"serviceAccount.automount=false\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(mustGetwd(t), chart), filepath.Join(dir, "chart")); err != nil {
		t.Fatal(err)
	}
	r, _ = lintJSON(t, "-c", cfg, filepath.Join(dir, "chart"))
	if name, _ := sa012(r); name != "" || r.Summary.Charts != 1 {
		t.Errorf("charts: entry: SA012 on %q, %d charts", name, r.Summary.Charts)
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
