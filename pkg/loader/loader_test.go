package loader_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/model"
)

var checked = loader.Options{Kinds: model.Kinds}

func parseFixture(t *testing.T, name string, opts loader.Options) *loader.File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return loader.Parse(name, data, opts)
}

// checkCounts asserts the summary invariant: every document is exactly one
// of an object, a skipped document or an error.
func checkCounts(t *testing.T, f *loader.File) {
	t.Helper()
	if n := len(f.Objects) + len(f.Skipped) + len(f.Errors); f.Documents != n {
		t.Errorf("%s: Documents = %d, but %d objects + %d skipped + %d errors = %d",
			f.Path, f.Documents, len(f.Objects), len(f.Skipped), len(f.Errors), n)
	}
}

func errorLines(f *loader.File) []int {
	var lines []int
	for _, e := range f.Errors {
		lines = append(lines, e.Line)
	}
	return lines
}

func skippedLines(f *loader.File) []int {
	var lines []int
	for _, s := range f.Skipped {
		lines = append(lines, s.Line)
	}
	return lines
}

func objectNames(f *loader.File) []string {
	var names []string
	for _, o := range f.Objects {
		names = append(names, o.Kind+" "+o.Name)
	}
	return names
}

func TestParseCatalogue(t *testing.T) {
	tests := []struct {
		file      string
		opts      loader.Options
		documents int
		objects   []string // "Kind name", in file order
		skipped   []int    // lines of skipped documents
		errors    []int    // lines of errors (0: the whole file)
		message   string   // in the first error
		reason    string   // in the first skip reason
	}{
		{file: "blank.yaml"},
		{file: "whitespace.yaml"},
		{file: "comment-only.yaml"},
		{file: "empty-documents.yaml"},
		{file: "leading-trailing-separators.yaml", documents: 1, objects: []string{"ServiceAccount web"}},
		{file: "separator-with-content.yaml", documents: 3,
			objects: []string{"ServiceAccount inline", "ServiceAccount second", "ServiceAccount third"}},
		// kubectl (and helm) take "---#comment" as a separator too.
		{file: "separator-hash-comment.yaml", documents: 3,
			objects: []string{"ServiceAccount first", "ServiceAccount second", "ServiceAccount third"}},
		{file: "middle-broken.yaml", documents: 3, objects: []string{"ServiceAccount first", "ServiceAccount third"},
			errors: []int{9}, message: "YAML syntax error"},
		{file: "duplicate-keys.yaml", documents: 2, errors: []int{6, 15}, message: `mapping key "name" already defined at line 4`},
		{file: "list.yaml", documents: 3, objects: []string{"ServiceAccount web", "Role reader"}, skipped: []int{18},
			reason: "kind ConfigMap (v1) is not checked"},
		{file: "typed-list.yaml", documents: 2, objects: []string{"Role one", "Role two"}},
		{file: "helm-values.yaml", documents: 1, skipped: []int{2}, reason: "no apiVersion or kind"},
		{file: "missing-kind.yaml", documents: 2, skipped: []int{1, 5}, reason: "no apiVersion or kind"},
		{file: "unchecked-kind.yaml", documents: 1, skipped: []int{1}, reason: "not checked"},
		{file: "scalar-root.yaml", documents: 3, skipped: []int{1, 3, 6}, reason: "not a mapping"},
		{file: "deployment.json", documents: 1, objects: []string{"Deployment web"}},
		{file: "list.json", documents: 2, objects: []string{"ServiceAccount a", "ServiceAccount b"}},
		{file: "bom.yaml", documents: 1, objects: []string{"ServiceAccount bom"}},
		{file: "crlf.yaml", documents: 2, objects: []string{"ServiceAccount crlf", "ServiceAccount crlf2"}},
		{file: "cr.yaml", documents: 1, objects: []string{"ServiceAccount cr"}},
		{file: "crcrlf.yaml", documents: 2, objects: []string{"ServiceAccount crcrlf", "ServiceAccount second"}},
		{file: "merge-keys.yaml", documents: 3,
			objects: []string{"ServiceAccount merged", "ServiceAccount disguised", "ServiceAccount from-merge"}},
		{file: "latin1.yaml", documents: 3, objects: []string{"ServiceAccount ok", "ServiceAccount after"},
			errors: []int{9}, message: "not valid UTF-8"},
		{file: "nul.yaml", documents: 1, errors: []int{0}, message: "NUL"},
		{file: "alias-bomb.yaml", documents: 1, errors: []int{6}, message: "alias"},
		{file: "helm-source.yaml", documents: 3,
			objects: []string{"ServiceAccount web", "Deployment web", "ServiceAccount hand-written"}},
		{file: "tabs.yaml", documents: 2, objects: []string{"ServiceAccount tab\there"}, errors: []int{10},
			message: "YAML syntax error"},
		{file: "list.yaml", opts: loader.Options{Kinds: model.Kinds, MaxFileSize: 64}, documents: 1,
			errors: []int{0}, message: "larger than the 64 byte limit"},
		{file: "positions.yaml", documents: 2, objects: []string{"Deployment web", "Role reader"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			opts := tt.opts
			if opts.Kinds == nil {
				opts = checked
			}
			f := parseFixture(t, tt.file, opts)
			checkCounts(t, f)
			if f.Documents != tt.documents {
				t.Errorf("Documents = %d, want %d", f.Documents, tt.documents)
			}
			if got := objectNames(f); fmt.Sprint(got) != fmt.Sprint(tt.objects) {
				t.Errorf("objects = %q, want %q", got, tt.objects)
			}
			if got := skippedLines(f); fmt.Sprint(got) != fmt.Sprint(tt.skipped) {
				t.Errorf("skipped lines = %v, want %v (%+v)", got, tt.skipped, f.Skipped)
			}
			if got := errorLines(f); fmt.Sprint(got) != fmt.Sprint(tt.errors) {
				t.Errorf("error lines = %v, want %v (%v)", got, tt.errors, f.Errors)
			}
			if tt.message != "" && (len(f.Errors) == 0 || !strings.Contains(f.Errors[0].Message, tt.message)) {
				t.Errorf("errors = %v, want the first to contain %q", f.Errors, tt.message)
			}
			if tt.reason != "" && (len(f.Skipped) == 0 || !strings.Contains(f.Skipped[0].Reason, tt.reason)) {
				t.Errorf("skipped = %+v, want the first reason to contain %q", f.Skipped, tt.reason)
			}
			for _, e := range f.Errors {
				if e.File != tt.file {
					t.Errorf("error %v names file %q, want %q", e, e.File, tt.file)
				}
				if e.Line > 0 && e.Column < 1 {
					t.Errorf("error %v has a line but no column", e)
				}
			}
		})
	}
}

func TestHelmSourcePerDocument(t *testing.T) {
	f := parseFixture(t, "helm-source.yaml", checked)
	want := []string{"web/templates/serviceaccount.yaml", "web/templates/deployment.yaml", ""}
	if len(f.Objects) != len(want) {
		t.Fatalf("got %d objects, want %d", len(f.Objects), len(want))
	}
	for i, o := range f.Objects {
		if o.HelmSource != want[i] {
			t.Errorf("object %d (%s): HelmSource = %q, want %q", i, o.Name, o.HelmSource, want[i])
		}
	}
}

// TestLineEnds checks that positions count lines as the file does (LF),
// whatever else go-yaml takes for a line break.
func TestLineEnds(t *testing.T) {
	tests := []struct {
		file string
		path loader.Path
		want loader.Pos
	}{
		{"crlf.yaml", loader.Path{"metadata", "namespace"}, loader.Pos{Line: 5, Column: 3}},
		{"crlf.yaml", loader.Path{"automountServiceAccountToken"}, loader.Pos{Line: 6, Column: 1}},
		// A lone CR ends a line for YAML, not for the file or an editor.
		{"cr.yaml", loader.Path{"kind"}, loader.Pos{Line: 1, Column: 16}},
		{"cr.yaml", loader.Path{"metadata", "namespace"}, loader.Pos{Line: 1, Column: 60}},
		// CR CR LF, as a double conversion leaves it: one file line each.
		{"crcrlf.yaml", loader.Path{"metadata", "name"}, loader.Pos{Line: 4, Column: 3}},
		{"crcrlf.yaml", loader.Path{"automountServiceAccountToken"}, loader.Pos{Line: 5, Column: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.path.String(), func(t *testing.T) {
			f := parseFixture(t, tt.file, checked)
			if len(f.Objects) == 0 {
				t.Fatalf("no object: %v", f.Errors)
			}
			if got := f.Objects[0].Pos(tt.path); got != tt.want {
				t.Errorf("Pos(%s) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
	f := parseFixture(t, "crcrlf.yaml", checked)
	if len(f.Objects) != 2 {
		t.Fatalf("objects = %v", objectNames(f))
	}
	if fe := f.Objects[0].FieldErrors; len(fe) != 1 || f.Objects[0].Pos(fe[0].Path).Line != 5 {
		t.Errorf("field errors %+v, want one on line 5", fe)
	}
	if got := f.Objects[1].Pos(nil); got != (loader.Pos{Line: 7, Column: 1}) {
		t.Errorf("second document starts at %v, want 7:1", got)
	}
	// Errors stand on the same line whatever ends the lines.
	for _, bad := range []string{"a: 1\nb: 2\nc: [\nd: 1", "a: 1\nb: 2\n c: d\ne: 1", "a: 1\nb: 2\nc: {d\ne: 1"} {
		lf := loader.Parse("bad.yaml", []byte(bad), checked)
		for _, end := range []string{"\r\n", "\r\r\n"} {
			other := loader.Parse("bad.yaml", []byte(strings.ReplaceAll(bad, "\n", end)), checked)
			if fmt.Sprint(errorLines(other)) != fmt.Sprint(errorLines(lf)) || len(lf.Errors) != 1 {
				t.Errorf("%q: errors %v with LF, %v with %q", bad, lf.Errors, other.Errors, end)
			}
		}
		// With only CRs, the file has one line.
		cr := loader.Parse("bad.yaml", []byte(strings.ReplaceAll(bad, "\n", "\r")), checked)
		if fmt.Sprint(errorLines(cr)) != "[1]" {
			t.Errorf("%q with CR: errors %v, want one on line 1", bad, cr.Errors)
		}
	}
}

func TestMergedFields(t *testing.T) {
	f := parseFixture(t, "merge-keys.yaml", checked)
	if len(f.Objects) != 3 {
		t.Fatalf("objects = %v, skipped = %+v, errors = %v", objectNames(f), f.Skipped, f.Errors)
	}
	merged := f.Objects[0].Value.(*corev1.ServiceAccount)
	if merged.AutomountServiceAccountToken == nil || !*merged.AutomountServiceAccountToken {
		t.Errorf("automountServiceAccountToken = %v, want true", merged.AutomountServiceAccountToken)
	}
	if got := f.Objects[1].Kind; got != "ServiceAccount" {
		t.Errorf("a merge key that overrides kind gives %s, want ServiceAccount as kubectl reads it", got)
	}
	o := f.Objects[2]
	if o.Name != "from-merge" || o.Namespace != "prod" {
		t.Errorf("object %s/%s, want prod/from-merge", o.Namespace, o.Name)
	}
	if got := o.Pos(loader.Path{"metadata", "namespace"}); got != (loader.Pos{Line: 13, Column: 26}) {
		t.Errorf("a merged key stands where it is written: got %v, want 13:26", got)
	}
}

func TestCRLFValuesAndPositions(t *testing.T) {
	f := parseFixture(t, "crlf.yaml", checked)
	if len(f.Objects) != 2 {
		t.Fatalf("objects = %v, errors = %v", objectNames(f), f.Errors)
	}
	o := f.Objects[0]
	sa := o.Value.(*corev1.ServiceAccount)
	if sa.Name != "crlf" || sa.Namespace != "prod" {
		t.Errorf("name %q namespace %q: a CR is left in a value", sa.Name, sa.Namespace)
	}
	if sa.AutomountServiceAccountToken == nil || !*sa.AutomountServiceAccountToken {
		t.Errorf("automountServiceAccountToken: yes should decode as true, got %v", sa.AutomountServiceAccountToken)
	}
	for _, c := range []struct {
		path loader.Path
		want loader.Pos
	}{
		{loader.Path{"metadata", "namespace"}, loader.Pos{Line: 5, Column: 3}},
		{loader.Path{"automountServiceAccountToken"}, loader.Pos{Line: 6, Column: 1}},
	} {
		if got := o.Pos(c.path); got != c.want {
			t.Errorf("Pos(%s) = %v, want %v", c.path, got, c.want)
		}
	}
	if got := f.Objects[1].Pos(loader.Path{"metadata", "name"}); got != (loader.Pos{Line: 11, Column: 3}) {
		t.Errorf("second document: Pos(metadata.name) = %v, want 11:3", got)
	}
}

func TestBOMPositions(t *testing.T) {
	f := parseFixture(t, "bom.yaml", checked)
	if len(f.Objects) != 1 {
		t.Fatalf("objects = %v, errors = %v", objectNames(f), f.Errors)
	}
	o := f.Objects[0]
	if got := o.Pos(loader.Path{"kind"}); got != (loader.Pos{Line: 2, Column: 1}) {
		t.Errorf("Pos(kind) = %v, want 2:1", got)
	}
	if got := o.Pos(nil); got != (loader.Pos{Line: 1, Column: 1}) {
		t.Errorf("Pos() = %v, want 1:1", got)
	}
}

func TestJSONPositions(t *testing.T) {
	f := parseFixture(t, "deployment.json", checked)
	if len(f.Objects) != 1 {
		t.Fatalf("objects = %v, errors = %v", objectNames(f), f.Errors)
	}
	o := f.Objects[0]
	if o.Namespace != "prod" || o.Name != "web" {
		t.Errorf("object %s/%s, want prod/web", o.Namespace, o.Name)
	}
	for _, c := range []struct {
		path loader.Path
		want loader.Pos
	}{
		{nil, loader.Pos{Line: 2, Column: 3}}, // the first key, not the "{"
		{loader.Path{"metadata", "namespace"}, loader.Pos{Line: 4, Column: 31}},
		{loader.Path{"spec", "template", "spec", "automountServiceAccountToken"}, loader.Pos{Line: 8, Column: 9}},
		{loader.Path{"spec", "template", "spec", "containers", 0}, loader.Pos{Line: 9, Column: 24}},
		{loader.Path{"spec", "template", "spec", "containers", 0, "image"}, loader.Pos{Line: 9, Column: 40}},
	} {
		if got := o.Pos(c.path); got != c.want {
			t.Errorf("Pos(%s) = %v, want %v", c.path, got, c.want)
		}
	}
}

func TestFlowObjectStandsAtItsFirstKey(t *testing.T) {
	f := parseFixture(t, "separator-with-content.yaml", checked)
	if len(f.Objects) != 3 {
		t.Fatalf("objects = %v, errors = %v", objectNames(f), f.Errors)
	}
	if got := f.Objects[0].Pos(nil); got != (loader.Pos{Line: 1, Column: 6}) {
		t.Errorf("Pos() = %v, want 1:6", got)
	}
	if got := f.Objects[0].Pos(loader.Path{"metadata", "name"}); got != (loader.Pos{Line: 1, Column: 55}) {
		t.Errorf("Pos(metadata.name) = %v, want 1:55", got)
	}
	f = parseFixture(t, "list.json", checked)
	if len(f.Objects) != 2 {
		t.Fatalf("objects = %v, errors = %v", objectNames(f), f.Errors)
	}
	if got := f.Objects[1].Pos(nil); got != (loader.Pos{Line: 3, Column: 4}) {
		t.Errorf("second item: Pos() = %v, want 3:4", got)
	}
}

func TestListItemPositions(t *testing.T) {
	f := parseFixture(t, "list.yaml", checked)
	if len(f.Objects) != 2 {
		t.Fatalf("objects = %v, errors = %v", objectNames(f), f.Errors)
	}
	sa, role := f.Objects[0], f.Objects[1]
	if sa.Namespace != "prod" {
		t.Errorf("List item namespace = %q, want prod", sa.Namespace)
	}
	for _, c := range []struct {
		o    *loader.Object
		path loader.Path
		want loader.Pos
	}{
		{sa, nil, loader.Pos{Line: 4, Column: 3}},
		{sa, loader.Path{"metadata", "name"}, loader.Pos{Line: 7, Column: 5}},
		{sa, loader.Path{"automountServiceAccountToken"}, loader.Pos{Line: 9, Column: 3}},
		{role, nil, loader.Pos{Line: 10, Column: 3}},
		{role, loader.Path{"rules", 0, "verbs", 1}, loader.Pos{Line: 17, Column: 20}},
		{role, loader.Path{"rules", 0, "resourceNames"}, loader.Pos{Line: 15, Column: 5}},
		// a path of the List itself is not a path of the item
		{role, loader.Path{"items", 1}, loader.Pos{Line: 10, Column: 3}},
	} {
		if got := c.o.Pos(c.path); got != c.want {
			t.Errorf("%s: Pos(%s) = %v, want %v", c.o.Name, c.path, got, c.want)
		}
	}
}

func TestFind(t *testing.T) {
	f := parseFixture(t, "positions.yaml", checked)
	if len(f.Objects) != 2 {
		t.Fatalf("objects = %v, errors = %v", objectNames(f), f.Errors)
	}
	deploy, role := f.Objects[0], f.Objects[1]
	podSpec := loader.Path{"spec", "template", "spec"}
	tests := []struct {
		name  string
		o     *loader.Object
		path  loader.Path
		want  loader.Pos
		found int // elements of path present
	}{
		{"empty path is the first key", deploy, nil, loader.Pos{Line: 2, Column: 1}, 0},
		{"top-level key", deploy, loader.Path{"kind"}, loader.Pos{Line: 3, Column: 1}, 1},
		{"nested key", deploy, loader.Path{"metadata", "namespace"}, loader.Pos{Line: 6, Column: 3}, 2},
		{"dotted key", deploy, loader.Path{"metadata", "labels", "app.kubernetes.io/name"}, loader.Pos{Line: 8, Column: 5}, 3},
		{"flow mapping key", deploy, loader.Path{"spec", "template", "metadata", "labels", "app"}, loader.Pos{Line: 13, Column: 16}, 5},
		{"pod field", deploy, podSpec.Child("automountServiceAccountToken"), loader.Pos{Line: 16, Column: 7}, 4},
		{"sequence item", deploy, podSpec.Child("containers", 1), loader.Pos{Line: 23, Column: 11}, 5},
		{"key in an item", deploy, podSpec.Child("containers", 0, "image"), loader.Pos{Line: 19, Column: 11}, 6},
		{"nested item", deploy, podSpec.Child("containers", 0, "volumeMounts", 0, "mountPath"), loader.Pos{Line: 22, Column: 15}, 8},
		{"deep", deploy, podSpec.Child("volumes", 0, "projected", "sources", 0, "serviceAccountToken", "expirationSeconds"),
			loader.Pos{Line: 31, Column: 19}, 10},
		{"absent field falls back to the pod spec", deploy, podSpec.Child("serviceAccount"), loader.Pos{Line: 14, Column: 5}, 3},
		{"absent subtree", deploy, podSpec.Child("securityContext", "runAsUser"), loader.Pos{Line: 14, Column: 5}, 3},
		{"index out of range", deploy, podSpec.Child("containers", 7, "name"), loader.Pos{Line: 17, Column: 7}, 4},
		{"index of a mapping", deploy, loader.Path{"metadata", 0}, loader.Pos{Line: 4, Column: 1}, 1},
		{"key of a sequence", deploy, podSpec.Child("containers", "name"), loader.Pos{Line: 17, Column: 7}, 4},
		{"absent top-level field", deploy, loader.Path{"status"}, loader.Pos{Line: 2, Column: 1}, 0},
		{"flow list item", role, loader.Path{"rules", 0, "verbs", 1}, loader.Pos{Line: 40, Column: 20}, 4},
		{"flow list first item", role, loader.Path{"rules", 0, "verbs", 0}, loader.Pos{Line: 40, Column: 13}, 4},
		{"block list item", role, loader.Path{"rules", 1, "verbs", 1}, loader.Pos{Line: 47, Column: 9}, 4},
		{"empty string item", role, loader.Path{"rules", 0, "apiGroups", 0}, loader.Pos{Line: 38, Column: 17}, 4},
		{"second document starts at its first key", role, nil, loader.Pos{Line: 33, Column: 1}, 0},
		{"absent in a rule", role, loader.Path{"rules", 1, "resourceNames", 0}, loader.Pos{Line: 41, Column: 5}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := tt.o.Positions.Find(tt.path)
			if got != tt.want || n != tt.found {
				t.Errorf("Find(%s) = %v, %d; want %v, %d", tt.path, got, n, tt.want, tt.found)
			}
			if has := tt.o.Positions.Has(tt.path); has != (tt.found == len(tt.path)) {
				t.Errorf("Has(%s) = %v", tt.path, has)
			}
			if line := lineOf(f.Content, got.Line); got.Column > len(line) {
				t.Errorf("column %d is past the end of line %d %q", got.Column, got.Line, line)
			}
		})
	}
}

// deploymentWith returns a Deployment whose pod spec holds podSpec, indented
// by six spaces; the pod spec's first line is line 9.
func deploymentWith(podSpec string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata: {}
    spec:
` + podSpec
}

func TestStrictDecoding(t *testing.T) {
	type fieldError struct {
		path    string
		problem string
		line    int
	}
	tests := []struct {
		name    string
		podSpec string
		want    []fieldError
	}{
		{"valid", "      automountServiceAccountToken: false\n      containers: [{name: web, image: nginx}]\n", nil},
		{"yes is a boolean", "      automountServiceAccountToken: no\n", nil},
		{"misspelled field", "      containers: []\n      automountServiceAcountToken: false\n",
			[]fieldError{{"spec.template.spec.automountServiceAcountToken", "unknown", 10}}},
		{"quoted boolean", "      automountServiceAccountToken: \"false\"\n",
			[]fieldError{{"spec.template.spec.automountServiceAccountToken", "type", 9}}},
		{"case mismatch", "      AutomountServiceAccountToken: false\n",
			[]fieldError{{"spec.template.spec.AutomountServiceAccountToken", "unknown", 9}}},
		{"two wrong types", "      automountServiceAccountToken: \"false\"\n      serviceAccountName: 12\n      enableServiceLinks: \"true\"\n",
			[]fieldError{
				{"spec.template.spec.automountServiceAccountToken", "type", 9},
				{"spec.template.spec.enableServiceLinks", "type", 11},
				{"spec.template.spec.serviceAccountName", "type", 10},
			}},
		{"wrong type in a list item", "      containers:\n      - name: web\n        image: nginx\n      - name: 5\n        image: busybox\n",
			[]fieldError{{"spec.template.spec.containers[1].name", "type", 12}}},
		{"unknown field in a list item", "      containers:\n      - name: web\n        imagePullPolicy: Always\n        securityContext: {runAsUser: 0, privilegd: true}\n",
			[]fieldError{{"spec.template.spec.containers[0].securityContext.privilegd", "unknown", 12}}},
		{"mapping where a list belongs", "      containers: {name: web}\n",
			[]fieldError{{"spec.template.spec.containers", "type", 9}}},
		{"octal number", "      securityContext: {fsGroup: 0777}\n", nil},
		{"number too big for the field", "      securityContext: {runAsUser: 18446744073709551616}\n",
			[]fieldError{{"spec.template.spec.securityContext.runAsUser", "type", 9}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := loader.Parse("deploy.yaml", []byte(deploymentWith(tt.podSpec)), checked)
			if len(f.Objects) != 1 {
				t.Fatalf("objects = %v, skipped = %+v, errors = %v", objectNames(f), f.Skipped, f.Errors)
			}
			o := f.Objects[0]
			var got []fieldError
			for _, fe := range o.FieldErrors {
				got = append(got, fieldError{fe.Path.String(), fe.Problem, o.Pos(fe.Path).Line})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("field errors = %v\nwant %v\n(%+v)", got, tt.want, o.FieldErrors)
			}
		})
	}
}

// TestStrictDecodingKeepsValues checks that a wrong-typed field does not hide
// the fields around it.
func TestStrictDecodingKeepsValues(t *testing.T) {
	src := deploymentWith("      automountServiceAccountToken: \"false\"\n      serviceAccountName: api\n      containers: [{name: 5, image: nginx}]\n")
	f := loader.Parse("deploy.yaml", []byte(src), checked)
	if len(f.Objects) != 1 {
		t.Fatalf("objects = %v, errors = %v", objectNames(f), f.Errors)
	}
	spec := podSpecOf(t, f.Objects[0])
	if spec.AutomountServiceAccountToken != nil {
		t.Errorf("a wrong-typed automountServiceAccountToken decoded as %v, want it left out", *spec.AutomountServiceAccountToken)
	}
	if spec.ServiceAccountName != "api" {
		t.Errorf("serviceAccountName = %q, want api", spec.ServiceAccountName)
	}
	if len(spec.Containers) != 1 || spec.Containers[0].Image != "nginx" {
		t.Errorf("containers = %+v, want one with image nginx", spec.Containers)
	}
}

func podSpecOf(t *testing.T, o *loader.Object) *corev1.PodSpec {
	t.Helper()
	d, ok := o.Value.(*appsv1.Deployment)
	if !ok {
		t.Fatalf("value is a %T, want a Deployment", o.Value)
	}
	return &d.Spec.Template.Spec
}

func TestAliasBombIsBounded(t *testing.T) {
	for _, name := range []string{"alias-bomb.yaml", "merge-bomb.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range []loader.Options{checked, {}} {
			expandsBounded(t, name, data, opts)
		}
	}
}

func expandsBounded(t *testing.T, name string, data []byte, opts loader.Options) {
	t.Helper()
	{
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f := loader.Parse(name, data, opts)
		runtime.ReadMemStats(&after)
		if len(f.Errors) != 1 || len(f.Objects) != 0 || !strings.Contains(f.Errors[0].Message, "expands beyond the size limit") {
			t.Errorf("%s: errors = %v, objects = %v; want one error", name, f.Errors, objectNames(f))
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("%s: allocated %d MiB", name, alloc>>20)
		}
	}
}

func TestDeepNesting(t *testing.T) {
	const depth = 10000
	var block strings.Builder
	block.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n")
	for i := range depth {
		block.WriteString(strings.Repeat(" ", i+1))
		block.WriteString("a:\n")
	}
	header := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: deep}\nspec:\n  template:\n    spec:\n      x: "
	tests := []struct {
		name string
		data string
	}{
		{"flow sequences", header + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n"},
		{"flow mappings", header + strings.Repeat("{a: ", depth) + "1" + strings.Repeat("}", depth) + "\n"},
		{"compact block sequences", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  " +
			strings.Repeat("- ", depth) + "x\n"},
		{"block mappings", block.String()},
		{"just past the limit", header + strings.Repeat("[", loader.DefaultMaxDepth) + strings.Repeat("]", loader.DefaultMaxDepth) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := loader.Parse("deep.yaml", []byte(tt.data), checked)
			checkCounts(t, f)
			if len(f.Errors) != 1 || f.Documents != 1 {
				t.Errorf("documents = %d, errors = %v, skipped = %+v; want one error", f.Documents, f.Errors, f.Skipped)
			}
		})
	}
	// A document that is not an object is skipped without being walked.
	bare := strings.Repeat("[", depth) + strings.Repeat("]", depth)
	if f := loader.Parse("bare.yaml", []byte(bare), checked); len(f.Skipped) != 1 || f.Documents != 1 {
		t.Errorf("bare nested sequences: skipped = %+v, errors = %v; want skipped", f.Skipped, f.Errors)
	}
	// Nesting within the limit is fine.
	ok := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: {x: " + strings.Repeat("[", 50) + strings.Repeat("]", 50) + "}\n"
	if f := loader.Parse("ok.yaml", []byte(ok), checked); len(f.Errors) != 0 {
		t.Errorf("50 levels: %v", f.Errors)
	}
}

// TestWideMapping checks that a mapping with very many keys is not
// quadratic, whether its kind is decoded or only checked: ten times the
// keys must cost about ten times the memory, not a hundred (allocations
// are measured, not time, which a busy machine would make flaky).
func TestWideMapping(t *testing.T) {
	const keys = 100000
	wide := func(n int) string {
		var labels strings.Builder
		for i := range n {
			fmt.Fprintf(&labels, "    k%d: v\n", i)
		}
		return labels.String()
	}
	labels := wide(keys)
	for _, kind := range []string{"ServiceAccount", "ConfigMap"} {
		cost := func(labels string) (uint64, *loader.File) {
			src := "apiVersion: v1\nkind: " + kind + "\nmetadata:\n  name: wide\n  labels:\n" + labels
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			f := loader.Parse("wide.yaml", []byte(src), checked)
			runtime.ReadMemStats(&after)
			return after.TotalAlloc - before.TotalAlloc, f
		}
		small, _ := cost(wide(keys / 10))
		large, f := cost(labels)
		if large > 20*small {
			t.Errorf("%s: %d keys allocate %d bytes, %d keys %d: more than linear", kind, keys/10, small, keys, large)
		}
		if len(f.Errors) != 0 || f.Documents != 1 {
			t.Errorf("%s: documents %d, errors %v", kind, f.Documents, f.Errors)
		}
	}
	// A duplicate among many keys is still found.
	src := "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: wide\n  labels:\n" + labels + "    k7: again\n"
	f := loader.Parse("wide.yaml", []byte(src), checked)
	if len(f.Errors) != 1 || f.Errors[0].Line != keys+6 || !strings.Contains(f.Errors[0].Message, `"k7" already defined at line 13`) {
		t.Errorf("errors = %v, want the duplicate k7 on line %d", f.Errors, keys+6)
	}
}

// lineOf returns the text of the 1-based line n of data.
func lineOf(data []byte, n int) string {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimSuffix(lines[n-1], "\r")
}

// TestTypedListItemsTakeTheListsKind: the API returns typed lists whose
// items carry no apiVersion or kind; they are still objects.
func TestTypedListItemsTakeTheListsKind(t *testing.T) {
	src := "apiVersion: v1\nkind: ServiceAccountList\nitems:\n- metadata: {name: a, namespace: x}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b}\n"
	f := loader.Parse("list.yaml", []byte(src), loader.Options{Kinds: model.Kinds})
	if len(f.Objects) != 2 || len(f.Errors) != 0 || len(f.Skipped) != 0 {
		t.Fatalf("objects %d, errors %v, skipped %v", len(f.Objects), f.Errors, f.Skipped)
	}
	if o := f.Objects[0]; o.Kind != "ServiceAccount" || o.APIVersion != "v1" || o.Name != "a" {
		t.Errorf("first item is %s %s %s", o.APIVersion, o.Kind, o.Name)
	}
	if o := f.Objects[1]; o.Kind != "Secret" {
		t.Errorf("an item's own kind must win, got %s", o.Kind)
	}
}
