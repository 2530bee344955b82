package lint_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/lint"
	"github.com/salint/salint/pkg/render"
)

// The renderers here stand in for Helm and Kustomize, so that these tests
// are about what the pipeline does with rendered units: where findings
// land, which files are read on their own, how units resolve references
// and how the same finding from several units is reported once.

// lineMapper maps rendered line n to line n of one source file, as if the
// source were rendered as written.
type lineMapper struct{ file string }

func (m lineMapper) Locate(n render.Node) render.Mapped {
	return render.Mapped{Location: finding.Location{File: m.file, Line: n.Pos.Line, Column: n.Pos.Column}, Exact: true,
		Related: []finding.Related{{Location: finding.Location{File: m.file + ".values", Line: 1, Column: 1}, Message: "value set here"}}}
}

// fakeCharts renders a directory holding Chart.yaml: each file
// scenarios/NAME.yaml is one scenario, rendered as the text of the
// template source.yaml with every "$NAME" replaced by the scenario's
// content ("" for the default scenario, default.yaml).
type fakeCharts struct{}

func (fakeCharts) IsChart(_ string, names []string) bool { return slices.Contains(names, "Chart.yaml") }
func (fakeCharts) IsArchive(string) bool                 { return false }
func (fakeCharts) Render(_ context.Context, root string) render.ChartRender {
	src := filepath.Join(root, "source.yaml")
	text, _ := os.ReadFile(src)
	scenarios, _ := filepath.Glob(filepath.Join(root, "scenarios", "*.yaml"))
	var out render.ChartRender
	for _, s := range scenarios {
		extra, _ := os.ReadFile(s)
		rendered := strings.ReplaceAll(string(text), "$EXTRA", strings.TrimSpace(string(extra)))
		u := render.Unit{Kind: render.Helm, Root: root, Files: map[string][]byte{src: text},
			Consumed: []string{src, s, filepath.Join(root, "Chart.yaml")},
			Docs:     []render.Doc{{Name: "chart/templates/source.yaml", Text: []byte(rendered), Map: lineMapper{src}}}}
		if filepath.Base(s) != "default.yaml" {
			u.Scenario = s
		}
		out.Units = append(out.Units, u)
	}
	if extra := filepath.Join(root, "examples", "extra.yaml"); fileExists(extra) {
		out.Extra = []string{extra}
	}
	return out
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// fakeKustomize builds a directory holding kustomization.yaml whose name
// starts with "overlay": its build is the concatenation of the files that
// its kustomization.yaml lists, one per line, relative to it.
type fakeKustomize struct{}

func (fakeKustomize) IsKustomization(_ string, names []string) bool {
	return slices.Contains(names, "kustomization.yaml")
}

type fakePlan struct{ dirs []string }

func (p fakePlan) Entries() []string {
	var out []string
	for _, d := range p.dirs {
		if strings.HasPrefix(filepath.Base(d), "overlay") {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

func (p fakePlan) Reaches(entry string) []string {
	return []string{entry, filepath.Join(filepath.Dir(entry), "base")}
}

func (fakeKustomize) Plan(dirs []string, _ string) (render.Plan, []finding.InputError) {
	return fakePlan{dirs}, nil
}

func (fakeKustomize) Build(_ context.Context, entry, _ string) render.Unit {
	k := filepath.Join(entry, "kustomization.yaml")
	list, _ := os.ReadFile(k)
	base := filepath.Join(filepath.Dir(entry), "base", "kustomization.yaml")
	u := render.Unit{Kind: render.Kustomize, Root: entry, Files: map[string][]byte{}, Consumed: []string{k, base}}
	for _, line := range strings.Fields(string(list)) {
		p := filepath.Join(entry, line)
		text, _ := os.ReadFile(p)
		u.Files[p] = text
		u.Consumed = append(u.Consumed, p)
		u.Docs = append(u.Docs, render.Doc{Name: "kustomize build " + entry, Text: text, Map: lineMapper{p}})
	}
	return u
}

func writeAll(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func runRendered(t *testing.T, paths ...string) *finding.Report {
	t.Helper()
	rep, err := lint.Run(context.Background(), newEngine(t), lint.Config{
		Paths: paths, Charts: fakeCharts{}, Kustomizations: fakeKustomize{},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func findingsOf(rep *finding.Report, rule string) []finding.Finding {
	var out []finding.Finding
	for _, f := range rep.Findings {
		if f.Rule.ID == rule {
			out = append(out, f)
		}
	}
	return out
}

const account = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n"

func TestRenderedFindingsPointAtTheSource(t *testing.T) {
	root := t.TempDir()
	writeAll(t, root, map[string]string{
		"chart/Chart.yaml":              "name: chart\n",
		"chart/source.yaml":             account + "$EXTRA\n",
		"chart/scenarios/default.yaml":  "automountServiceAccountToken: true",
		"chart/scenarios/a-values.yaml": "automountServiceAccountToken: true\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}",
		"chart/templates/raw.yaml":      "{{ this is no YAML }}\n",
		"chart/examples/extra.yaml":     "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: example}\n",
	})
	rep := runRendered(t, root)
	if len(rep.Errors) != 0 {
		t.Fatalf("errors: %v (a chart's files must not be parsed raw)", rep.Errors)
	}
	src := filepath.Join(root, "chart", "source.yaml")
	sa012 := findingsOf(rep, "SA012")
	// The chart's finding is reported once, in the template, though both
	// scenarios produce it; the other is named, and so is the values key.
	var inChart *finding.Finding
	for i, f := range sa012 {
		if f.File == src {
			if inChart != nil {
				t.Errorf("SA012 reported twice in the chart: %v and %v", inChart.Location, f.Location)
			}
			inChart = &sa012[i]
		}
	}
	if inChart == nil {
		t.Fatalf("no SA012 in %s: %+v", src, sa012)
	}
	if inChart.Line != 4 || inChart.SourceLine != "$EXTRA" || inChart.Source == nil || inChart.Source.Type != "helm" ||
		inChart.Source.Rendered.File != "chart/templates/source.yaml" || inChart.Source.Rendered.Line != 4 {
		t.Errorf("SA012 at %v %q source %+v; want line 4 of the template, from the rendered stream's line 4", inChart.Location, inChart.SourceLine, inChart.Source)
	}
	var messages []string
	for _, r := range inChart.Related {
		messages = append(messages, r.Message)
	}
	if !slices.Contains(messages, "value set here") || !slices.ContainsFunc(messages, func(m string) bool {
		return strings.HasPrefix(m, "also found in chart "+filepath.Join(root, "chart"))
	}) {
		t.Errorf("related %q: want the values key and the other scenario", messages)
	}
	// A manifest of the chart directory that Helm does not render is
	// linted on its own.
	if !slices.ContainsFunc(sa012, func(f finding.Finding) bool {
		return strings.HasSuffix(f.File, filepath.Join("examples", "extra.yaml"))
	}) {
		t.Errorf("examples/extra.yaml was not linted: %+v", sa012)
	}
	if s := rep.Summary; s.Charts != 1 || s.Scenarios != 2 || len(rep.Units) != 2 || s.Documents != s.Objects+s.Skipped+s.Errors {
		t.Errorf("summary %+v, units %+v", s, rep.Units)
	}
}

func TestUnitsResolveAmongThemselvesFirst(t *testing.T) {
	root := t.TempDir()
	// Both scenarios define ServiceAccount shop/web; only the second
	// renders a pod, and its own account does not opt out of the token.
	writeAll(t, root, map[string]string{
		"chart/Chart.yaml":            "name: chart\n",
		"chart/source.yaml":           account + "$EXTRA\n",
		"chart/scenarios/a.yaml":      "automountServiceAccountToken: false",
		"chart/scenarios/b-pods.yaml": "automountServiceAccountToken: true\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {serviceAccountName: web, containers: []}",
	})
	rep := runRendered(t, root)
	sa010 := findingsOf(rep, "SA010")
	if len(sa010) != 1 || !strings.Contains(sa010[0].Message, "true") {
		t.Errorf("SA010 = %+v; want the pod's token mounted by its own scenario's account", sa010)
	}
}

func TestKustomizeConsumesItsFiles(t *testing.T) {
	root := t.TempDir()
	writeAll(t, root, map[string]string{
		"k/base/kustomization.yaml":      "sa.yaml\n",
		"k/base/sa.yaml":                 account,
		"k/base/unused.yaml":             "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: unused, namespace: shop}\n",
		"k/overlay-a/kustomization.yaml": "../base/sa.yaml\n",
		"k/overlay-b/kustomization.yaml": "../base/sa.yaml\n",
	})
	rep := runRendered(t, root)
	var files []string
	for _, f := range findingsOf(rep, "SA012") {
		rel, _ := filepath.Rel(root, f.File)
		files = append(files, rel)
	}
	slices.Sort(files)
	// The base's account is linted through the builds, once; the file no
	// build reads is linted on its own; kustomization files are not read.
	want := []string{filepath.Join("k", "base", "sa.yaml"), filepath.Join("k", "base", "unused.yaml")}
	if !slices.Equal(files, want) {
		t.Errorf("SA012 in %q, want %q", files, want)
	}
	if rep.Summary.Kustomizations != 2 || len(rep.Skipped) != 0 {
		t.Errorf("summary %+v, skipped %+v", rep.Summary, rep.Skipped)
	}
}

func TestNamedFilesInsideUnits(t *testing.T) {
	root := t.TempDir()
	writeAll(t, root, map[string]string{
		"chart/Chart.yaml":             "name: chart\n",
		"chart/source.yaml":            account,
		"chart/scenarios/default.yaml": "",
		"chart/templates/other.yaml":   "{{ not yaml }}\n",
		"k/base/kustomization.yaml":    "sa.yaml\n",
		"k/base/sa.yaml":               account,
		"k/base/other.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: other, namespace: shop}\n",
		"k/overlay/kustomization.yaml": "../base/sa.yaml\n",
	})
	t.Chdir(root)
	// A template named alone renders its chart; a base file named alone is
	// linted through the build that uses it; only findings in the named
	// files are reported.
	rep := runRendered(t, filepath.Join("chart", "templates", "other.yaml"), filepath.Join("k", "base", "sa.yaml"))
	var files []string
	for _, f := range rep.Findings {
		files = append(files, f.File)
	}
	if want := []string{filepath.Join("k", "base", "sa.yaml")}; !slices.Equal(files, want) || len(rep.Errors) != 0 {
		t.Errorf("findings in %q, errors %v; want only %q", files, rep.Errors, want)
	}
	rep = runRendered(t, filepath.Join("chart", "source.yaml"))
	if len(rep.Findings) != 1 || rep.Findings[0].File != filepath.Join("chart", "source.yaml") {
		t.Errorf("naming the template: %+v", rep.Findings)
	}
	// --exclude applies to named files.
	rep, err := lint.Run(context.Background(), newEngine(t), lint.Config{
		Paths: []string{filepath.Join("chart", "source.yaml")}, Exclude: []string{"chart/**"}, Charts: fakeCharts{}, Kustomizations: fakeKustomize{},
	})
	if err != nil || len(rep.Findings) != 0 || rep.Summary.Charts != 0 {
		t.Errorf("excluded named file: %v, %+v", err, rep.Summary)
	}
}

func TestRenderedErrorsPointAtTheSource(t *testing.T) {
	root := t.TempDir()
	writeAll(t, root, map[string]string{
		"chart/Chart.yaml":             "name: chart\n",
		"chart/source.yaml":            account + "---\nkey: [unclosed\n",
		"chart/scenarios/default.yaml": "",
	})
	rep := runRendered(t, root)
	src := filepath.Join(root, "chart", "source.yaml")
	if len(rep.Errors) != 1 || rep.Errors[0].File != src || rep.Errors[0].Line != 5 ||
		!strings.Contains(rep.Errors[0].Message, "chart/templates/source.yaml as rendered from chart") {
		t.Errorf("errors %+v, want one at %s:5 naming the rendered template", rep.Errors, src)
	}
}
