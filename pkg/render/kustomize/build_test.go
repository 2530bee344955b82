package kustomize

import (
	"bytes"
	"context"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/salint/salint/pkg/finding"
	"github.com/salint/salint/pkg/render"
)

const (
	app     = "testdata/app"
	prod    = "testdata/app/overlays/prod"
	staging = "testdata/app/overlays/staging"
)

func buildApp(t *testing.T, entry string) render.Unit {
	t.Helper()
	u := Build(context.Background(), entry, Options{Boundary: "testdata"})
	if len(u.Errors) > 0 || len(u.Notes) > 0 {
		t.Fatalf("build %s: errors %v, notes %v", entry, u.Errors, u.Notes)
	}
	return u
}

func TestLocateNodes(t *testing.T) {
	units := map[string]render.Unit{prod: buildApp(t, prod), staging: buildApp(t, staging)}
	base := app + "/base/"
	prodK := prod + "/kustomization.yaml"
	stagingK := staging + "/kustomization.yaml"
	tests := []struct {
		name      string
		entry     string
		kind, obj string
		path      string
		file      string
		line, col int
		exact     bool
		relatedTo string // a related location's file, when the build changed the resource's value
	}{
		{"unchanged from the base", prod, "Deployment", "prod-web", "spec.template.spec.containers[0].ports[0].containerPort", base + "deployment.yaml", 22, 15, true, ""},
		{"container matched by name, not index", prod, "Deployment", "prod-web", "spec.template.spec.containers[1].name", base + "deployment.yaml", 23, 11, true, ""},
		{"set by a strategic-merge patch", prod, "Deployment", "prod-web", "spec.template.spec.automountServiceAccountToken", prod + "/automount.yaml", 8, 7, true, ""},
		{"env added by the patch to a container", prod, "Deployment", "prod-web", "spec.template.spec.containers[0].env[0].value", prod + "/automount.yaml", 13, 15, true, ""},
		{"replaced by a JSON 6902 operation", prod, "Deployment", "prod-web", "spec.template.spec.containers[1].image", prod + "/proxy-json6902.yaml", 3, 3, true, base + "deployment.yaml"},
		{"inside a JSON 6902 value", prod, "Deployment", "prod-web", "spec.template.spec.securityContext.runAsNonRoot", prod + "/proxy-json6902.yaml", 7, 5, true, ""},
		{"projected token volume from the component", prod, "Deployment", "prod-web", "spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", app + "/components/projected-token/token-volume.yaml", 19, 19, true, ""},
		{"volume mount from the component", prod, "Deployment", "prod-web", "spec.template.spec.containers[0].volumeMounts[0].mountPath", app + "/components/projected-token/token-volume.yaml", 12, 15, true, ""},
		{"image renamed by images:", prod, "Deployment", "prod-web", "spec.template.spec.containers[0].image", prodK, 23, 5, true, base + "deployment.yaml"},
		{"replicas:", prod, "Deployment", "prod-web", "spec.replicas", prodK, 27, 5, true, base + "deployment.yaml"},
		{"namespace:", prod, "Deployment", "prod-web", "metadata.namespace", prodK, 3, 1, true, ""},
		{"namePrefix:", prod, "Deployment", "prod-web", "metadata.name", prodK, 4, 1, true, base + "deployment.yaml"},
		{"name reference rewritten by the prefix", prod, "Deployment", "prod-web", "spec.template.spec.serviceAccountName", prodK, 4, 1, true, base + "deployment.yaml"},
		{"absent node: its nearest present parent", prod, "Deployment", "prod-web", "spec.template.spec.hostNetwork", base + "deployment.yaml", 16, 5, true, ""},
		{"inline patch, inside its block scalar", prod, "ServiceAccount", "prod-web", "automountServiceAccountToken", prodK, 20, 7, true, base + "serviceaccount.yaml"},
		{"binding subject namespace filled by kustomize", prod, "RoleBinding", "prod-web-reader", "subjects[0].namespace", prodK, 3, 1, true, ""},
		{"cluster binding subject namespace filled by kustomize", prod, "ClusterRoleBinding", "prod-web-view", "subjects[0].namespace", prodK, 3, 1, true, ""},
		{"subject name rewritten by the prefix", prod, "RoleBinding", "prod-web-reader", "subjects[0].name", prodK, 4, 1, true, base + "rbac.yaml"},
		{"roleRef name rewritten by the prefix", prod, "RoleBinding", "prod-web-reader", "roleRef.name", prodK, 4, 1, true, base + "rbac.yaml"},
		{"roleRef to a ClusterRole outside the build", prod, "ClusterRoleBinding", "prod-web-view", "roleRef.name", base + "rbac.yaml", 29, 3, true, ""},
		{"third document of a file", prod, "ClusterRoleBinding", "prod-web-view", "subjects[0].kind", base + "rbac.yaml", 31, 5, true, ""},
		{"generated Secret", prod, "Secret", "prod-web-token-879htmcftm", "", prodK, 29, 5, true, ""},
		{"generated Secret's type", prod, "Secret", "prod-web-token-879htmcftm", "type", prodK, 30, 5, true, ""},
		{"generated Secret's key", prod, "Secret", "prod-web-token-879htmcftm", "data.token", prodK, 32, 9, true, ""},
		{"generated Secret's namespace", prod, "Secret", "prod-web-token-879htmcftm", "metadata.namespace", prodK, 3, 1, true, ""},
		{"patchesStrategicMerge", staging, "Deployment", "staging-web", "spec.template.spec.automountServiceAccountToken", staging + "/automount.yaml", 8, 7, true, ""},
		{"newTag", staging, "Deployment", "staging-web", "spec.template.spec.containers[0].image", stagingK, 15, 5, true, base + "deployment.yaml"},
		{"commonLabels on metadata", staging, "Deployment", "staging-web", "metadata.labels.env", stagingK, 6, 3, true, ""},
		{"commonLabels on the selector", staging, "Deployment", "staging-web", "spec.selector.matchLabels.env", stagingK, 6, 3, true, ""},
		{"commonAnnotations on the pod template", staging, "Deployment", "staging-web", "spec.template.metadata.annotations.team", stagingK, 8, 3, true, ""},
		{"label the base wrote", staging, "Deployment", "staging-web", "spec.template.metadata.labels.app", base + "deployment.yaml", 15, 9, true, ""},
		{"generated ConfigMap's literal", staging, "ConfigMap", "staging-web-config-fm74mct447", "data.LOG_LEVEL", stagingK, 19, 9, true, ""},
		{"generated ConfigMap's env file key", staging, "ConfigMap", "staging-web-config-fm74mct447", "data.REGION", staging + "/web.env", 2, 1, true, ""},
		{"generated ConfigMap's name", staging, "ConfigMap", "staging-web-config-fm74mct447", "metadata.name", stagingK, 17, 5, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := locateNode(t, units[tc.entry], tc.kind, tc.obj, nodePath(tc.path))
			want := finding.Location{File: tc.file, Line: tc.line, Column: tc.col}
			if got.Location != want || got.Exact != tc.exact {
				t.Errorf("%s %s %s: got %v exact=%v, want %v exact=%v", tc.kind, tc.obj, tc.path, got.Location, got.Exact, want, tc.exact)
			}
			var related []string
			for _, r := range got.Related {
				related = append(related, r.File)
			}
			if tc.relatedTo == "" && len(related) > 0 || tc.relatedTo != "" && !slices.Contains(related, tc.relatedTo) {
				t.Errorf("related locations %v, want %q", related, tc.relatedTo)
			}
		})
	}
}

func TestBuildUnit(t *testing.T) {
	u := buildApp(t, prod)
	if u.Kind != render.Kustomize || u.Root != prod || u.Scenario != "" {
		t.Errorf("unit identity: kind %q root %q scenario %q", u.Kind, u.Root, u.Scenario)
	}
	if len(u.Docs) != 1 || u.Docs[0].Name != "kustomize build "+prod || u.Docs[0].File != "" || u.Docs[0].Map == nil {
		t.Fatalf("documents: %+v", u.Docs)
	}
	wantConsumed := []string{
		app + "/base/deployment.yaml",
		app + "/base/kustomization.yaml",
		app + "/base/rbac.yaml",
		app + "/base/serviceaccount.yaml",
		app + "/components/projected-token/kustomization.yaml",
		app + "/components/projected-token/token-volume.yaml",
		prod + "/automount.yaml",
		prod + "/kustomization.yaml",
		prod + "/proxy-json6902.yaml",
	}
	if !slices.Equal(u.Consumed, wantConsumed) {
		t.Errorf("consumed:\n got %q\nwant %q", u.Consumed, wantConsumed)
	}
	for _, f := range wantConsumed {
		disk, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(u.Files[f], disk) {
			t.Errorf("Files[%s] is not the file as on disk", f)
		}
	}
	// kustomize build's default legacy order, not the order of the files.
	_, objs := builtObjects(t, u)
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.Kind)
	}
	if want := []string{"ServiceAccount", "Role", "RoleBinding", "ClusterRoleBinding", "Secret", "Deployment"}; !slices.Equal(kinds, want) {
		t.Errorf("objects in order %q, want %q", kinds, want)
	}
	for _, annotation := range []string{"config.kubernetes.io/origin", "alpha.config.kubernetes.io/transformations", "internal.config.kubernetes.io"} {
		if bytes.Contains(u.Docs[0].Text, []byte(annotation)) {
			t.Errorf("the built stream still holds %s", annotation)
		}
	}
}

// TestBuiltStreamIsKustomizeBuild checks the stream is what kustomize build
// prints, without the annotations added for mapping.
func TestBuiltStreamIsKustomizeBuild(t *testing.T) {
	for _, entry := range []string{prod, staging, app + "/base"} {
		u := buildApp(t, entry)
		if got, want := string(u.Docs[0].Text), kustomizeBuild(t, entry); got != want {
			t.Errorf("%s: built stream differs from kustomize build:\n got:\n%s\nwant:\n%s", entry, got, want)
		}
	}
}

// kustomizeBuild runs kustomize as "kustomize build" does by default.
func kustomizeBuild(t testing.TB, dir string) string {
	t.Helper()
	o := krusty.MakeDefaultOptions()
	o.Reorder = krusty.ReorderOptionUnspecified
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	captureOutput(t, func() {
		m, err := krusty.MakeKustomizer(o).Run(filesys.MakeFsOnDisk(), abs)
		if err != nil {
			t.Fatalf("kustomize build %s: %v", dir, err)
		}
		y, err := m.AsYaml()
		if err != nil {
			t.Fatal(err)
		}
		out = string(y)
	})
	return out
}

// captureOutput runs f with the process's standard error and the standard
// logger sent to a pipe, and returns what they received.
func captureOutput(t testing.TB, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	prevStderr, prevLog := os.Stderr, log.Writer()
	os.Stderr = w
	log.SetOutput(w)
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() {
		os.Stderr = prevStderr
		log.SetOutput(prevLog)
	}()
	f()
	os.Stderr = prevStderr
	log.SetOutput(prevLog)
	w.Close()
	return <-done
}

// TestDeprecatedFieldsPrintNothing builds kustomizations using fields
// kustomize warns about (patchesStrategicMerge, commonLabels, vars) and
// checks nothing reaches the process's standard error or log.
func TestDeprecatedFieldsPrintNothing(t *testing.T) {
	charts := sharedCharts(t)
	for _, entry := range []string{staging, filepath.Join(charts, "kustomize-examples/wordpress"), filepath.Join(charts, "kustomize-examples/helloWorld")} {
		var u render.Unit
		printed := captureOutput(t, func() {
			u = Build(context.Background(), entry, Options{Boundary: filepath.Dir(filepath.Dir(entry))})
		})
		if printed != "" {
			t.Errorf("%s: printed %q", entry, printed)
		}
		if len(u.Errors) > 0 || len(u.Docs) != 1 {
			t.Errorf("%s: errors %v", entry, u.Errors)
		}
		for _, n := range u.Notes {
			if strings.Contains(n, "deprecated") {
				t.Errorf("%s: deprecation warning kept as a note: %s", entry, n)
			}
		}
	}
}

func TestBuildErrorNamesEntryAndLine(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"app/kustomization.yaml": "resources:\n  - sa.yaml\npatches:\n  - path: bad-patch.yaml\n",
		"app/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
		"app/bad-patch.yaml":     "this is: [not, a, patch\n",
	})
	t.Chdir(dir)
	u := Build(context.Background(), "app", Options{Boundary: "."})
	if len(u.Errors) != 1 || len(u.Docs) != 0 {
		t.Fatalf("errors %v, %d documents; want one error, no document", u.Errors, len(u.Docs))
	}
	e := u.Errors[0]
	want := finding.Location{File: filepath.Join("app", "kustomization.yaml"), Line: 4, Column: 5}
	if e.Location != want || !strings.HasPrefix(e.Message, "kustomize build app: ") || !strings.Contains(e.Message, "bad-patch.yaml") {
		t.Errorf("error %v; want at %v naming the entry point and the patch", e, want)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.Message, real) {
		t.Errorf("error names absolute paths: %s", e.Message)
	}
	if !slices.Contains(u.Consumed, filepath.Join("app", "kustomization.yaml")) {
		t.Errorf("a failed build still consumed its kustomization: %v", u.Consumed)
	}
}

func TestBrokenKustomizationIsAnErrorAtItsLine(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"app/kustomization.yaml":     "resources:\n  - sa.yaml\nnamePrefix: [oops\n",
		"app/sa.yaml":                "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
		"unknown/kustomization.yaml": "resources:\n  - sa.yaml\nresourcez:\n  - x\n",
		"unknown/sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
	})
	tests := []struct {
		entry string
		line  int
		text  string
	}{
		{"app", 3, "invalid kustomization"},
		{"unknown", 0, "resourcez"},
	}
	for _, tc := range tests {
		u := Build(context.Background(), filepath.Join(dir, tc.entry), Options{Boundary: dir})
		if len(u.Errors) != 1 || len(u.Docs) != 0 {
			t.Fatalf("%s: errors %v, %d documents", tc.entry, u.Errors, len(u.Docs))
		}
		e := u.Errors[0]
		if e.File != filepath.Join(dir, tc.entry, "kustomization.yaml") || e.Line != tc.line || !strings.Contains(e.Message, tc.text) {
			t.Errorf("%s: error %v; want line %d mentioning %q", tc.entry, e, tc.line, tc.text)
		}
	}
}

func TestBuildNamesFilesAsTheCallerDoes(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(wd, prod)
	u := Build(context.Background(), abs, Options{Boundary: filepath.Join(wd, "testdata")})
	if !slices.Contains(u.Consumed, filepath.Join(wd, app, "base/deployment.yaml")) {
		t.Errorf("absolute entry point: consumed %v", u.Consumed)
	}
	got := locateNode(t, u, "Deployment", "prod-web", nodePath("spec.template.spec.automountServiceAccountToken"))
	if got.Location.File != filepath.Join(abs, "automount.yaml") {
		t.Errorf("absolute entry point: located in %s", got.Location.File)
	}
}

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestUserBuildMetadataIsKept checks that annotations the kustomization
// itself asks for stay in the built stream, and only those.
func TestUserBuildMetadataIsKept(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"kustomization.yaml": "resources:\n  - sa.yaml\nbuildMetadata: [originAnnotations]\nnamespace: x\n",
		"sa.yaml":            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
	})
	u := Build(context.Background(), dir, Options{Boundary: dir})
	d, _ := builtObjects(t, u)
	if text := string(d.Text); !strings.Contains(text, "config.kubernetes.io/origin") || strings.Contains(text, "alpha.config.kubernetes.io/transformations") {
		t.Errorf("built stream:\n%s", text)
	}
	if got := locateNode(t, u, "ServiceAccount", "web", nodePath("metadata.namespace")); got.Location.Line != 4 {
		t.Errorf("namespace located at %v", got.Location)
	}
}

// TestComponentAloneIsNotBuilt checks a Component no kustomization uses is
// not built (kustomize cannot build one alone) yet consumes its files, so
// that its patches are not linted as manifests.
func TestComponentAloneIsNotBuilt(t *testing.T) {
	component := app + "/components/projected-token"
	u := Build(context.Background(), component, Options{Boundary: "testdata"})
	if len(u.Errors) > 0 || len(u.Docs) > 0 || len(u.Notes) != 1 || !strings.Contains(u.Notes[0], "Component") {
		t.Errorf("errors %v, %d documents, notes %q", u.Errors, len(u.Docs), u.Notes)
	}
	want := []string{component + "/kustomization.yaml", component + "/token-volume.yaml"}
	if !slices.Equal(u.Consumed, want) {
		t.Errorf("consumed %q, want %q", u.Consumed, want)
	}
}
