package helm

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	commonutil "helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"

	"github.com/salint/salint/internal/testshared"
	sloader "github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/render"
)

// sharedChartsDir returns ../shared/charts beside the checkout.
func sharedChartsDir(tb testing.TB) string {
	tb.Helper()
	return testshared.Dir(tb, "charts")
}

// sharedCharts returns the chart roots of the shared charts: every
// directory holding a Chart.yaml that is not a subchart vendored in
// another chart's charts/.
func sharedCharts(tb testing.TB) []string {
	tb.Helper()
	root := sharedChartsDir(tb)
	var charts []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && IsChart(p) {
			charts = append(charts, p)
			return filepath.SkipDir // its charts/ are its subcharts
		}
		return nil
	})
	if err != nil || len(charts) == 0 {
		tb.Fatalf("no shared charts at %s: %v", root, err)
	}
	sort.Strings(charts)
	return charts
}

// TestSharedCharts renders every scenario of every shared chart: none may
// fail, and every node of every rendered object must map into a template
// of its chart, never into the rendered stream.
func TestSharedCharts(t *testing.T) {
	var total, exact int
	for _, root := range sharedCharts(t) {
		name, _ := filepath.Rel(sharedChartsDir(t), root)
		t.Run(name, func(t *testing.T) {
			res := Render(context.Background(), root, Options{})
			var nodes, exactNodes, docs int
			for _, u := range res.Units {
				if len(u.Errors) != 0 {
					t.Errorf("scenario %q:\n%s", u.Scenario, errorsText(u))
				}
				for _, d := range u.Docs {
					docs++
					if d.Map == nil {
						if _, ok := u.Files[d.File]; !ok || !strings.HasPrefix(d.File, root) {
							t.Errorf("%s: file %s is not the chart's", d.Name, d.File)
						}
						continue
					}
					for _, o := range anyObjects(d) {
						walkPaths(*o.Value.(*map[string]any), nil, func(p sloader.Path) {
							nodes++
							pos, found := o.Positions.Find(p)
							m := d.Map.Locate(render.Node{Path: p, Found: found == len(p), Pos: pos, Object: o.Pos(nil)})
							if m.Exact {
								exactNodes++
							}
							checkLocation(t, u, root, d.Name+" "+p.String(), m)
						})
					}
				}
			}
			t.Logf("%d units, %d documents, %d nodes, %.1f%% exact", len(res.Units), docs, nodes, 100*float64(exactNodes)/float64(max(nodes, 1)))
			total, exact = total+nodes, exact+exactNodes
		})
	}
	t.Logf("all shared charts: %d nodes, %d exact (%.1f%%)", total, exact, 100*float64(exact)/float64(max(total, 1)))
}

func checkLocation(t *testing.T, u render.Unit, root, what string, m render.Mapped) {
	t.Helper()
	l := m.Location
	src, ok := u.Files[l.File]
	switch {
	case !ok:
		t.Errorf("%s: located in %s, not a file of the unit", what, l.File)
	case !strings.HasPrefix(l.File, root+string(filepath.Separator)) || !strings.Contains(filepath.ToSlash(l.File), "/templates/"):
		t.Errorf("%s: located in %s, not a template of %s", what, l.File, root)
	case l.Line < 1 || l.Line > bytes.Count(src, []byte("\n"))+1 || l.Column < 1:
		t.Errorf("%s: located at %s, outside the file", what, l)
	}
	for _, r := range m.Related {
		if _, ok := u.Files[r.File]; !ok || r.Line < 1 {
			t.Errorf("%s: related %s is not in a file of the unit", what, r.Location)
		}
	}
}

// TestSharedChartsRenderAsHelmDoes compares every rendered template with
// what Helm's engine makes of the same chart, uninstrumented: salint's
// limits and markers must change nothing. Units where salint returned a
// placeholder key are left out, as they differ by design.
func TestSharedChartsRenderAsHelmDoes(t *testing.T) {
	for _, root := range sharedCharts(t) {
		for _, u := range Render(context.Background(), root, Options{}).Units {
			if strings.Contains(strings.Join(u.Notes, "\n"), "placeholder") {
				continue
			}
			want := helmRender(t, root, u.Scenario)
			for _, d := range u.Docs {
				if d.File == "" && want[d.Name] != string(d.Text) {
					t.Errorf("%s %s: salint rendered\n%s\nHelm renders\n%s", u.Scenario, d.Name, d.Text, want[d.Name])
				}
			}
		}
	}
}

// helmRender renders a chart directory the way helm template does.
func helmRender(t *testing.T, root, scenario string) map[string]string {
	t.Helper()
	c, err := loader.LoadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]any{}
	if scenario != "" {
		data, err := os.ReadFile(scenario)
		if err != nil {
			t.Fatal(err)
		}
		if vals, err = loader.LoadValues(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chartutil.ProcessDependencies(c, vals); err != nil {
		t.Fatal(err)
	}
	top, err := commonutil.ToRenderValuesWithSchemaValidation(c, vals,
		common.ReleaseOptions{Name: c.Name(), Namespace: "default", IsInstall: true, Revision: 1}, common.DefaultCapabilities, true)
	if err != nil {
		t.Fatal(err)
	}
	out, err := engine.Engine{}.RenderWithContext(context.Background(), c, top)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
