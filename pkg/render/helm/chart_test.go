package helm

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/salint/salint/internal/testfs"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
)

func TestReleaseOptions(t *testing.T) {
	dir := writeChart(t, map[string]string{"templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
data:
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  install: {{ .Release.IsInstall | quote }}
`})
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"defaults", Options{}, []string{"name: test\n", "namespace: default\n", `install: "true"`}},
		{"given", Options{ReleaseName: "rel", Namespace: "ns", KubeVersion: "1.31.0"}, []string{"name: rel\n", "namespace: ns\n", `kube: "v1.31.0"`}},
		{"version with v", Options{KubeVersion: "v1.29.3"}, []string{`kube: "v1.29.3"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := renderOne(t, dir, tc.opts)
			text := string(findDoc(t, u, "test/templates/cm.yaml").Text)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("no %q in\n%s", w, text)
				}
			}
		})
	}
	u := renderOne(t, dir, Options{KubeVersion: "one"})
	if len(u.Errors) != 1 || !strings.Contains(u.Errors[0].Message, `invalid Kubernetes version "one"`) {
		t.Errorf("errors:\n%s", errorsText(u))
	}
}

func TestFailRendersInLintMode(t *testing.T) {
	dir := writeChart(t, map[string]string{"templates/cm.yaml": `{{- if not .Values.ok }}{{ fail "set ok" }}{{ end -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
`})
	u := renderOne(t, dir, Options{})
	want := dir + `: rendered in lint mode because the chart fails with "set ok"; findings may reflect values the chart rejects`
	if !slices.Equal(u.Notes, []string{want}) || len(u.Docs) != 1 || len(u.Errors) != 0 {
		t.Errorf("notes %q, %d documents, errors:\n%s", u.Notes, len(u.Docs), errorsText(u))
	}
}

// TestSubchartPaths renders a subchart under another directory name than
// its chart name, twice under aliases: every template maps to the file it
// came from, and its values to the parent's key for the alias.
func TestSubchartPaths(t *testing.T) {
	dir := writeChart(t, map[string]string{
		"Chart.yaml": `apiVersion: v2
name: app
version: 1.0.0
dependencies:
  - name: worker
    version: ">=0.1.0"
    alias: first
  - name: worker
    version: ">=0.1.0"
    alias: second
`,
		"values.yaml":                          "first:\n  automount: false\nsecond:\n  enabled: true\n",
		"charts/worker-dir/Chart.yaml":         "apiVersion: v2\nname: worker\nversion: 0.3.0\n",
		"charts/worker-dir/values.yaml":        "automount: true\n",
		"charts/worker-dir/templates/sa.yaml":  "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Chart.Name }}\nautomountServiceAccountToken: {{ .Values.automount }}\n",
		"charts/worker-dir/crds/crd.yaml":      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: xs.example.com\n",
		"charts/worker-dir/examples/demo.yaml": "kind: Pod\n",
	})
	res := Render(context.Background(), dir, Options{})
	u := res.Units[0]
	if len(u.Errors) != 0 || len(u.Notes) != 0 {
		t.Fatalf("notes %q, errors:\n%s", u.Notes, errorsText(u))
	}
	sa := filepath.Join(dir, "charts", "worker-dir", "templates", "sa.yaml")
	for _, tc := range []struct {
		alias   string
		related string
	}{
		{"first", filepath.Join(dir, "values.yaml") + ":2:3"},
		{"second", filepath.Join(dir, "charts", "worker-dir", "values.yaml") + ":1:1"},
	} {
		d := findDoc(t, u, "app/charts/"+tc.alias+"/templates/sa.yaml")
		m := locate(t, d, "", loader.Path{"automountServiceAccountToken"})
		if want := (finding.Location{File: sa, Line: 5, Column: 1}); m.Location != want {
			t.Errorf("%s: located at %s, want %s", tc.alias, m.Location, want)
		}
		if len(m.Related) != 1 || m.Related[0].Location.String() != tc.related {
			t.Errorf("%s: related %v, want %s", tc.alias, m.Related, tc.related)
		}
	}
	crd := findDoc(t, u, "app/charts/first/crds/crd.yaml")
	if want := filepath.Join(dir, "charts", "worker-dir", "crds", "crd.yaml"); crd.File != want || crd.Map != nil || string(u.Files[want]) != string(crd.Text) {
		t.Errorf("crd document: file %s, want %s read as written", crd.File, want)
	}
	if want := []string{filepath.Join(dir, "charts", "worker-dir", "examples", "demo.yaml")}; !slices.Equal(res.Extra, want) {
		t.Errorf("extra %q, want %q", res.Extra, want)
	}
}

func TestHelmignoreAndExtra(t *testing.T) {
	dir := writeChart(t, map[string]string{
		".helmignore":             "ci/\nignored/\n*.bak\n",
		"values.yaml":             "enabled: false\n",
		"values-prod.yaml":        "enabled: true\n",
		"ci/on-values.yaml":       "enabled: true\n",
		"ignored/manifest.yaml":   "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ignored\n",
		"templates/old.yaml.bak":  "not a template",
		"templates/cm.yaml":       "{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  files: {{ .Files.Glob \"ignored/*\" | len | quote }}\n{{- end }}\n",
		"files/dashboard.json":    "{}",
		".hidden/manifest.yaml":   "kind: x\n",
		"templates/.hidden.yaml":  "kind: x\n",
		"charts/_skipped/x.yaml":  "kind: x\n",
		"charts/README.txt":       "not a chart",
		"docs/example.yml":        "kind: x\n",
		"templates/_partial.tpl":  "{{ define \"x\" }}{{ end }}",
		"templates/tests/t.yaml":  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n",
		"templates/NOTES.txt":     "done",
		"templates/blank.yaml":    "# only a comment\n---\n",
		"templates/empty.yaml":    "{{- if false }}x{{ end }}",
		"templates/cm-files.yaml": "{{ range $p, $_ := .Files.Glob \"**\" }}# {{ $p }}\n{{ end }}",
	})
	res := Render(context.Background(), dir, Options{})
	if len(res.Units) != 2 {
		t.Fatalf("%d units: the helmignored ci/ file is still a scenario", len(res.Units))
	}
	in := func(rel ...string) []string {
		var out []string
		for _, r := range rel {
			out = append(out, filepath.Join(dir, filepath.FromSlash(r)))
		}
		return out
	}
	if want := in("charts/_skipped/x.yaml", "docs/example.yml", "files/dashboard.json", "ignored/manifest.yaml"); !slices.Equal(res.Extra, want) {
		t.Errorf("extra %q, want %q", res.Extra, want)
	}
	u := res.Units[1]
	for _, f := range in("values-prod.yaml", "ci/on-values.yaml", ".helmignore", "templates/cm.yaml") {
		if !slices.Contains(u.Consumed, f) {
			t.Errorf("%s is not consumed", f)
		}
	}
	var names []string
	for _, d := range u.Docs {
		names = append(names, d.Name)
	}
	if want := []string{"test/templates/cm.yaml", "test/templates/tests/t.yaml"}; !slices.Equal(names, want) {
		t.Errorf("documents %q, want %q", names, want)
	}
	if text := string(findDoc(t, u, "test/templates/cm.yaml").Text); !strings.Contains(text, `files: "0"`) {
		t.Errorf(".Files sees helmignored files:\n%s", text)
	}
	if len(u.Notes) != 1 || !strings.Contains(u.Notes[0], "README.txt: neither a chart directory nor a .tgz") {
		t.Errorf("notes %q", u.Notes)
	}
}

// TestLocateConcurrently maps nodes of one unit from many goroutines, as a
// parallel linter may (run with -race).
func TestLocateConcurrently(t *testing.T) {
	u := renderOne(t, webChart(t), Options{})
	var wg sync.WaitGroup
	for range 4 {
		for _, d := range u.Docs {
			wg.Go(func() {
				for _, o := range anyObjects(d) {
					walkPaths(*o.Value.(*map[string]any), nil, func(p loader.Path) { locate(t, d, o.Name, p) })
				}
			})
		}
	}
	wg.Wait()
}

// TestIncludedTemplates includes whole top-level templates, whose marked
// copies carry their own markers: a checksum of one changes only its line,
// and one printed whole maps to the include, not to the other file.
func TestIncludedTemplates(t *testing.T) {
	dir := writeChart(t, map[string]string{
		"templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  annotations:
    checksum: {{ include (print $.Template.BasePath "/secret.yaml") . | sha256sum }}
data:
  key: value
`,
		"templates/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n",
		"templates/copy.yaml":   "{{ include \"test/templates/secret.yaml\" . }}\n",
	})
	u := renderOne(t, dir, Options{})
	tests := []struct {
		doc   string
		path  loader.Path
		want  finding.Location
		exact bool
	}{
		{"test/templates/cm.yaml", loader.Path{"data", "key"}, finding.Location{File: "templates/cm.yaml", Line: 8, Column: 3}, true},
		{"test/templates/cm.yaml", loader.Path{"metadata", "annotations", "checksum"}, finding.Location{File: "templates/cm.yaml", Line: 6, Column: 5}, true},
		{"test/templates/copy.yaml", loader.Path{"metadata", "name"}, finding.Location{File: "templates/copy.yaml", Line: 1, Column: 1}, false},
	}
	for _, tc := range tests {
		tc.want.File = filepath.Join(dir, tc.want.File)
		m := locate(t, findDoc(t, u, tc.doc), "", tc.path)
		if m.Location != tc.want || m.Exact != tc.exact {
			t.Errorf("%s %s: located at %s (exact %v), want %s (exact %v)", tc.doc, tc.path, m.Location, m.Exact, tc.want, tc.exact)
		}
	}
}

func TestInvalidChartYAML(t *testing.T) {
	dir := writeChart(t, map[string]string{"Chart.yaml": "apiVersion: v2\nname: broken\n", "templates/cm.yaml": "kind: ConfigMap\n"})
	u := renderOne(t, dir, Options{})
	if len(u.Errors) != 1 || u.Errors[0].File != filepath.Join(dir, "Chart.yaml") || !strings.Contains(u.Errors[0].Message, "version is required") {
		t.Errorf("errors:\n%s", errorsText(u))
	}
}

// TestValuesInRanges relates values printed through range variables to
// the list item of the iteration that printed them.
func TestValuesInRanges(t *testing.T) {
	dir := writeChart(t, map[string]string{
		"values.yaml": `accounts:
  - name: a
    automount: true
  - name: b
  - name: c
    automount: false
annotations:
  x: "1"
`,
		"templates/sa.yaml": `{{- range $i, $sa := .Values.accounts }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $sa.name }}
  {{- with $.Values.annotations }}
  annotations:
    {{- range $k, $v := . }}
    {{ $k }}: {{ $v | quote }}
    {{- end }}
  {{- end }}
{{- if $sa.automount | ne nil }}
automountServiceAccountToken: {{ $sa.automount }}
{{- end }}
{{- end }}
`,
	})
	u := renderOne(t, dir, Options{})
	d := findDoc(t, u, "test/templates/sa.yaml")
	values := filepath.Join(dir, "values.yaml")
	tests := []struct {
		object  string
		path    loader.Path
		related string
	}{
		{"a", loader.Path{"automountServiceAccountToken"}, values + ":3:5"},
		{"c", loader.Path{"automountServiceAccountToken"}, values + ":6:5"},
		{"c", loader.Path{"metadata", "name"}, values + ":5:5"},
		// A map is ranged in key order, which no file needs to follow.
		{"b", loader.Path{"metadata", "annotations", "x"}, ""},
	}
	for _, tc := range tests {
		m := locate(t, d, tc.object, tc.path)
		var got string
		if len(m.Related) > 0 {
			got = m.Related[0].Location.String()
		}
		if got != tc.related {
			t.Errorf("%s %s: related %v, want %q", tc.object, tc.path, m.Related, tc.related)
		}
	}
}

// TestNestedArchives vendors an archive that vendors an archive: each
// template is named by the outer archive's path joined with the member
// paths down to it.
func TestNestedArchives(t *testing.T) {
	outer := filepath.Join(t.TempDir(), "outer")
	testfs.WriteFile(t, filepath.Join(outer, "Chart.yaml"), "apiVersion: v2\nname: outer\nversion: 1.0.0\n")
	writeArchive(t, filepath.Join("testdata", "archived"), "archived", filepath.Join(outer, "charts", "archived-0.2.0.tgz"))
	dir := writeChart(t, map[string]string{})
	writeArchive(t, outer, "outer", filepath.Join(dir, "charts", "outer-1.0.0.tgz"))
	u := renderOne(t, dir, Options{})
	if len(u.Errors) != 0 {
		t.Fatalf("errors:\n%s", errorsText(u))
	}
	d := findDoc(t, u, "test/charts/outer/charts/archived/templates/sa.yaml")
	m := locate(t, d, "", loader.Path{"metadata", "name"})
	inner := filepath.Join(dir, "charts", "outer-1.0.0.tgz", "outer", "charts", "archived-0.2.0.tgz", "archived")
	if want := (finding.Location{File: filepath.Join(inner, "templates", "sa.yaml"), Line: 4, Column: 3}); m.Location != want {
		t.Errorf("located at %s, want %s", m.Location, want)
	}
	if _, ok := u.Files[m.Location.File]; !ok {
		t.Errorf("%s is not in Files", m.Location.File)
	}
	if want := filepath.Join(inner, "values.yaml") + ":2:3"; len(m.Related) != 1 || m.Related[0].Location.String() != want {
		t.Errorf("related %v, want %s", m.Related, want)
	}
}
