package helm

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/salint/salint/internal/testfs"
	"github.com/salint/salint/internal/testshared"
	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/render"
)

func TestRenderWebChart(t *testing.T) {
	dir := webChart(t)
	res := Render(context.Background(), dir, Options{})
	if len(res.Units) != 2 {
		t.Fatalf("%d units, want the default and ci/locked-values.yaml", len(res.Units))
	}
	def, locked := res.Units[0], res.Units[1]
	if def.Scenario != "" || locked.Scenario != filepath.Join(dir, "ci", "locked-values.yaml") {
		t.Errorf("scenarios %q, %q", def.Scenario, locked.Scenario)
	}
	for _, u := range res.Units {
		if u.Kind != render.Helm || u.Root != dir || len(u.Errors) != 0 {
			t.Errorf("unit %q: kind %s, root %s, errors:\n%s", u.Scenario, u.Kind, u.Root, errorsText(u))
		}
		want := dir + `: dependency "redis" 17.3.0 (https://charts.example.com) is not vendored in charts/; the chart is rendered without it (helm dependency build vendors it)`
		if !slices.Equal(u.Notes, []string{want}) {
			t.Errorf("notes %q, want %q", u.Notes, want)
		}
	}
	var names []string
	for _, d := range def.Docs {
		names = append(names, d.Name)
	}
	wantDocs := []string{
		"web/charts/archived/templates/sa.yaml",
		"web/charts/sub/templates/sa.yaml",
		"web/templates/deployment.yaml",
		"web/templates/role.yaml",
		"web/templates/serviceaccount.yaml",
	}
	if !slices.Equal(names, wantDocs) {
		t.Errorf("documents %q, want %q (extra.yaml renders nothing, NOTES.txt and partials are not documents)", names, wantDocs)
	}
	if d := findDoc(t, locked, "web/templates/extra.yaml"); !strings.Contains(string(d.Text), "name: extra") {
		t.Errorf("the ci scenario renders extra.yaml as %q", d.Text)
	}
	deployment := string(findDoc(t, def, "web/templates/deployment.yaml").Text)
	for _, want := range []string{`resolved: ""`, `looked-up: "0"`} {
		if !strings.Contains(deployment, want) {
			t.Errorf("getHostByName and lookup must return nothing: no %q in\n%s", want, deployment)
		}
	}
	if want := []string{filepath.Join(dir, "examples", "example.yaml")}; !slices.Equal(res.Extra, want) {
		t.Errorf("extra %q, want %q", res.Extra, want)
	}
	for _, f := range []string{"Chart.yaml", "values.yaml", "templates/_helpers.tpl", "templates/NOTES.txt",
		"ci/locked-values.yaml", "charts/sub/Chart.yaml", "charts/sub/templates/sa.yaml", "charts/archived-0.2.0.tgz"} {
		if !slices.Contains(def.Consumed, filepath.Join(dir, f)) {
			t.Errorf("%s is not consumed", f)
		}
	}
	if slices.Contains(def.Consumed, filepath.Join(dir, "examples", "example.yaml")) {
		t.Error("examples/example.yaml is consumed, but Helm does not render it")
	}
	archived := filepath.Join(dir, "charts", "archived-0.2.0.tgz", "archived", "templates", "sa.yaml")
	for _, f := range []string{"templates/deployment.yaml", "templates/_helpers.tpl", "values.yaml", "charts/sub/values.yaml"} {
		if _, ok := def.Files[filepath.Join(dir, f)]; !ok {
			t.Errorf("Files lacks %s", f)
		}
	}
	if !strings.Contains(string(def.Files[archived]), "archived-sa") && !strings.Contains(string(def.Files[archived]), ".Values.serviceAccount.name") {
		t.Errorf("Files[%s] = %q, want the archive member", archived, def.Files[archived])
	}
	if _, ok := locked.Files[locked.Scenario]; !ok {
		t.Error("Files lacks the scenario's values file")
	}
}

// TestMapping checks where findings on chosen nodes land.
func TestMapping(t *testing.T) {
	dir := webChart(t)
	u := renderOne(t, dir, Options{})
	in := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }
	tests := []struct {
		doc      string
		path     loader.Path
		file     string
		line     int
		col      int
		exact    bool
		valuesAt string // file:line:col of the related values key, "" for none
	}{
		{"web/templates/deployment.yaml", loader.Path{"spec", "template", "spec", "serviceAccountName"},
			"templates/deployment.yaml", 19, 7, true, ""},
		{"web/templates/deployment.yaml", loader.Path{"spec", "template", "spec", "automountServiceAccountToken"},
			"templates/deployment.yaml", 20, 7, true, "values.yaml:8:3"},
		// Printed by a helper through include | nindent, itself included.
		{"web/templates/deployment.yaml", loader.Path{"metadata", "labels", "helm.sh/chart"},
			"templates/_helpers.tpl", 16, 1, true, ""},
		{"web/templates/deployment.yaml", loader.Path{"metadata", "labels", "app.kubernetes.io/instance"},
			"templates/_helpers.tpl", 12, 1, true, ""},
		{"web/templates/deployment.yaml", loader.Path{"metadata", "labels", "app.kubernetes.io/version"},
			"templates/_helpers.tpl", 19, 1, true, "values.yaml:3:3"},
		// Inside toYaml .Values.podSecurityContext | nindent 8: the action.
		{"web/templates/deployment.yaml", loader.Path{"spec", "template", "spec", "securityContext", "runAsUser"},
			"templates/deployment.yaml", 22, 9, false, "values.yaml:12:3"},
		{"web/templates/deployment.yaml", loader.Path{"spec", "template", "spec", "securityContext"},
			"templates/deployment.yaml", 21, 7, true, "values.yaml:10:1"},
		{"web/templates/deployment.yaml", loader.Path{"spec", "template", "spec", "containers", 0, "image"},
			"templates/deployment.yaml", 25, 11, true, "values.yaml:2:3"},
		// A range: the third rule's verb is printed by the inner range's
		// action, and its value is the third rule's in values.yaml.
		{"web/templates/role.yaml", loader.Path{"rules", 2, "verbs", 0},
			"templates/role.yaml", 11, 9, true, "values.yaml:27:15"},
		{"web/templates/role.yaml", loader.Path{"rules", 1, "resources"},
			"templates/role.yaml", 8, 5, true, "values.yaml:23:7"},
		{"web/templates/role.yaml", loader.Path{"rules", 1},
			"templates/role.yaml", 7, 5, true, ""},
		// An absent node is located at its nearest present parent.
		{"web/templates/role.yaml", loader.Path{"rules", 1, "resourceNames"},
			"templates/role.yaml", 7, 5, true, ""},
		{"web/templates/serviceaccount.yaml", loader.Path{"automountServiceAccountToken"},
			"templates/serviceaccount.yaml", 8, 1, true, "values.yaml:8:3"},
		// A subchart's value set by its parent.
		{"web/charts/sub/templates/sa.yaml", loader.Path{"automountServiceAccountToken"},
			"charts/sub/templates/sa.yaml", 5, 1, true, "values.yaml:32:5"},
		{"web/charts/sub/templates/sa.yaml", loader.Path{"metadata", "name"},
			"charts/sub/templates/sa.yaml", 4, 3, true, "charts/sub/values.yaml:3:3"},
		// A subchart in an archive: the archive's path joined with the member's.
		{"web/charts/archived/templates/sa.yaml", loader.Path{"metadata", "name"},
			"charts/archived-0.2.0.tgz/archived/templates/sa.yaml", 4, 3, true, "charts/archived-0.2.0.tgz/archived/values.yaml:2:3"},
	}
	for _, tc := range tests {
		t.Run(tc.doc+" "+tc.path.String(), func(t *testing.T) {
			d := findDoc(t, u, tc.doc)
			m := locate(t, d, "", tc.path)
			want := finding.Location{File: in(tc.file), Line: tc.line, Column: tc.col}
			if m.Location != want || m.Exact != tc.exact {
				t.Errorf("located at %s (exact %v), want %s (exact %v)", m.Location, m.Exact, want, tc.exact)
			}
			if _, ok := u.Files[m.Location.File]; !ok {
				t.Errorf("%s is not in the unit's Files", m.Location.File)
			}
			var got string
			if len(m.Related) > 0 {
				got = m.Related[0].Location.String()
			}
			if want := ""; tc.valuesAt != "" {
				want = in(tc.valuesAt)
				if got != want {
					t.Errorf("related %v, want %s", m.Related, want)
				}
			} else if got != "" {
				t.Errorf("related %v, want none", m.Related)
			}
		})
	}
}

func TestValuesSourcePrecedence(t *testing.T) {
	dir := webChart(t)
	user := filepath.Join(t.TempDir(), "prod-values.yaml")
	testfs.WriteFile(t, user, "# production\nserviceAccount:\n  automount: false\n")
	later := filepath.Join(t.TempDir(), "other-values.yaml")
	testfs.WriteFile(t, later, "image:\n  tag: \"2.0\"\n")
	path := loader.Path{"automountServiceAccountToken"}
	tests := []struct {
		name    string
		opts    Options
		related string
		value   string
	}{
		{"values.yaml", Options{}, filepath.Join(dir, "values.yaml") + ":8:3", "true"},
		{"a values file wins", Options{ValuesFiles: []string{user, later}}, user + ":3:3", "false"},
		{"--set wins, with no file to point at", Options{ValuesFiles: []string{user}, Set: []string{"serviceAccount.automount=true"}}, "", "true"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := renderOne(t, dir, tc.opts)
			d := findDoc(t, u, "web/templates/serviceaccount.yaml")
			if !strings.Contains(string(d.Text), "automountServiceAccountToken: "+tc.value) {
				t.Errorf("rendered\n%s\nwant automount %s", d.Text, tc.value)
			}
			m := locate(t, d, "", path)
			var got string
			if len(m.Related) == 1 {
				got = m.Related[0].Location.String()
				if m.Related[0].Message != "value serviceAccount.automount set here" {
					t.Errorf("message %q", m.Related[0].Message)
				}
				if _, ok := u.Files[m.Related[0].File]; !ok {
					t.Errorf("%s is not in Files", m.Related[0].File)
				}
			}
			if got != tc.related {
				t.Errorf("related %v, want %q", m.Related, tc.related)
			}
		})
	}
}

func TestScenarioValuesAreRelated(t *testing.T) {
	dir := webChart(t)
	res := Render(context.Background(), dir, Options{})
	locked := res.Units[1]
	m := locate(t, findDoc(t, locked, "web/templates/serviceaccount.yaml"), "", loader.Path{"automountServiceAccountToken"})
	if want := locked.Scenario + ":2:3"; len(m.Related) != 1 || m.Related[0].Location.String() != want {
		t.Errorf("related %v, want %s", m.Related, want)
	}
}

func TestBadUserValues(t *testing.T) {
	dir := webChart(t)
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"unreadable values file", Options{ValuesFiles: []string{filepath.Join(dir, "missing.yaml")}}, "reading values file"},
		{"invalid --set", Options{Set: []string{"noequals"}}, "parsing --set noequals"},
		{"invalid values file", Options{ValuesFiles: []string{filepath.Join(dir, "templates", "_helpers.tpl")}}, "reading values file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := renderOne(t, dir, tc.opts)
			if len(u.Errors) != 1 || !strings.Contains(u.Errors[0].Message, tc.want) || len(u.Docs) != 0 {
				t.Errorf("errors:\n%s\n%d documents; want one error with %q and none", errorsText(u), len(u.Docs), tc.want)
			}
		})
	}
}

func TestRequiredValueRendersInLintMode(t *testing.T) {
	dir := filepath.Join("testdata", "charts", "required")
	u := renderOne(t, dir, Options{})
	if len(u.Errors) != 0 {
		t.Fatalf("errors:\n%s", errorsText(u))
	}
	want := dir + `: rendered in lint mode because a required value is missing: "image.tag is required" (pass it with --values or --set); findings may reflect the missing value`
	if !slices.Equal(u.Notes, []string{want}) {
		t.Errorf("notes %q, want %q", u.Notes, want)
	}
	if d := findDoc(t, u, "required/templates/deployment.yaml"); !strings.Contains(string(d.Text), "image: example/app:") {
		t.Errorf("rendered %q", d.Text)
	}
	u = renderOne(t, dir, Options{Set: []string{"image.tag=1.0"}})
	if len(u.Notes) != 0 || len(u.Errors) != 0 {
		t.Errorf("with the value set: notes %q, errors %s", u.Notes, errorsText(u))
	}
}

func TestRenderErrorNamesTemplateLine(t *testing.T) {
	tests := []struct {
		name  string
		root  string
		files map[string]string
		want  finding.InputError
	}{
		{name: "execution", root: filepath.Join("testdata", "charts", "broken"), want: finding.InputError{
			Location: finding.Location{File: filepath.Join("testdata", "charts", "broken", "templates", "service.yaml"), Line: 8, Column: 16},
			Message:  `chart "broken": broken/templates/service.yaml does not render: error calling index: index out of range: 3`,
		}},
		{name: "in a helper", files: map[string]string{
			"templates/_helpers.tpl": "{{- define \"x\" -}}\nname: {{ .Values.a.b.c }}\n{{- end }}\n",
			"templates/cm.yaml":      "metadata:\n  {{- include \"x\" . | nindent 2 }}\n",
			"values.yaml":            "a: 1\n",
		}, want: finding.InputError{
			Location: finding.Location{File: "templates/_helpers.tpl", Line: 2, Column: 17},
			Message:  `chart "test": test/templates/cm.yaml does not render: can't evaluate field b in type interface {}`,
		}},
		{name: "parse", files: map[string]string{
			"templates/cm.yaml": "a: 1\nb: {{ .x | nosuchfunc }}\n",
		}, want: finding.InputError{
			Location: finding.Location{File: "templates/cm.yaml", Line: 2, Column: 1},
			Message:  `chart "test": test/templates/cm.yaml does not parse: function "nosuchfunc" not defined`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := tc.root
			if root == "" {
				root = writeChart(t, tc.files)
				tc.want.File = filepath.Join(root, tc.want.File)
			}
			u := renderOne(t, root, Options{})
			if len(u.Errors) != 1 || u.Errors[0] != tc.want {
				t.Errorf("errors:\n%s\nwant\n%s", errorsText(u), tc.want)
			}
			if len(u.Docs) != 0 {
				t.Errorf("%d documents, want none", len(u.Docs))
			}
		})
	}
}

func TestLimitsOnReading(t *testing.T) {
	dir := writeChart(t, map[string]string{
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
		"files/big.txt":     strings.Repeat("x", 2000),
	})
	u := renderOne(t, dir, Options{MaxFileSize: 1000})
	if len(u.Errors) != 1 || !strings.Contains(u.Errors[0].Message, "big.txt is larger than the 1000 byte limit") {
		t.Errorf("errors:\n%s", errorsText(u))
	}
	if len(u.Docs) != 1 {
		t.Errorf("%d documents: the rest of the chart renders", len(u.Docs))
	}
}

func TestArchiveRoot(t *testing.T) {
	archive := filepath.Join(t.TempDir(), "archived-0.2.0.tgz")
	writeArchive(t, filepath.Join("testdata", "archived"), "archived", archive)
	if !IsArchive(archive) || IsChart(archive) {
		t.Fatalf("IsArchive %v, IsChart %v", IsArchive(archive), IsChart(archive))
	}
	u := renderOne(t, archive, Options{})
	d := findDoc(t, u, "archived/templates/sa.yaml")
	m := locate(t, d, "", loader.Path{"metadata", "name"})
	want := finding.Location{File: filepath.Join(archive, "archived", "templates", "sa.yaml"), Line: 4, Column: 3}
	if m.Location != want {
		t.Errorf("located at %s, want %s", m.Location, want)
	}
	if _, ok := u.Files[want.File]; !ok || !slices.Equal(u.Consumed, []string{archive}) {
		t.Errorf("files %v, consumed %v", u.Files, u.Consumed)
	}
}

func TestIsChart(t *testing.T) {
	web := filepath.Join("testdata", "charts", "web")
	if !IsChart(web) || IsChart(filepath.Join(web, "templates")) || IsArchive(filepath.Join(web, "values.yaml")) {
		t.Error("IsChart or IsArchive is wrong on testdata/charts/web")
	}
	notChart := filepath.Join(t.TempDir(), "x.tgz")
	writeArchive(t, filepath.Join(web, "templates"), "templates", notChart)
	if IsArchive(notChart) {
		t.Error("an archive without Chart.yaml is a chart archive")
	}
}

func TestTemplatelessChartWithUnvendoredRequirement(t *testing.T) {
	dir := testshared.Dir(t, "charts", "argo-cd", "ha", "base", "redis-ha", "chart")
	u := renderOne(t, dir, Options{})
	if len(u.Errors) != 0 || len(u.Docs) != 0 {
		t.Errorf("errors:\n%s\n%d documents", errorsText(u), len(u.Docs))
	}
	if len(u.Notes) != 1 || !strings.Contains(u.Notes[0], `dependency "redis-ha" 4.35.10 (https://dandydeveloper.github.io/charts) is not vendored`) {
		t.Errorf("notes %q", u.Notes)
	}
}
