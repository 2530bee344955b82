package helm

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/salint/salint/internal/testfs"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/render"
)

// writeChart writes a chart of the given files (a default Chart.yaml
// unless given) into a new temporary directory.
func writeChart(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := files["Chart.yaml"]; !ok {
		files["Chart.yaml"] = "apiVersion: v2\nname: test\nversion: 0.1.0\n"
	}
	for name, content := range files {
		testfs.WriteFile(t, filepath.Join(dir, name), content)
	}
	return dir
}

// copyTree copies the directory src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// writeArchive packs the directory src as a chart archive whose members
// sit under top/, as helm package writes them.
func writeArchive(t *testing.T, src, top, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	var names []string
	_ = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, p := range names {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(src, p)
		h := &tar.Header{Name: top + "/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []interface{ Close() error }{tw, zw, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// webChart copies testdata/charts/web to a temporary directory and
// vendors the archived subchart in it as charts/archived-0.2.0.tgz.
func webChart(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "web")
	copyTree(t, filepath.Join("testdata", "charts", "web"), dir)
	writeArchive(t, filepath.Join("testdata", "archived"), "archived", filepath.Join(dir, "charts", "archived-0.2.0.tgz"))
	return dir
}

// lowerLimits makes the limits of render passes small for one test.
func lowerLimits(t *testing.T, l limits) {
	old := passLimits
	passLimits = l
	t.Cleanup(func() { passLimits = old })
}

// renderOne renders the chart's default scenario.
func renderOne(t *testing.T, root string, opts Options) render.Unit {
	t.Helper()
	opts.NoScenarios = true
	res := Render(context.Background(), root, opts)
	if len(res.Units) != 1 {
		t.Fatalf("Render(%s) gave %d units, want 1", root, len(res.Units))
	}
	return res.Units[0]
}

func findDoc(t *testing.T, u render.Unit, name string) render.Doc {
	t.Helper()
	for _, d := range u.Docs {
		if d.Name == name {
			return d
		}
	}
	var names []string
	for _, d := range u.Docs {
		names = append(names, d.Name)
	}
	t.Fatalf("no document %s; have %s", name, strings.Join(names, ", "))
	return render.Doc{}
}

// anyObject loads a rendered stream the way salint's walk does, every kind
// decoded generically.
func anyObjects(d render.Doc) []*loader.Object {
	return loader.Parse(d.Name, d.Text, loader.Options{Kinds: anyKind}).Objects
}

// locate maps the node at path of the only (or the named) object of a
// document, as the linter would for a finding there.
func locate(t *testing.T, d render.Doc, objectName string, path loader.Path) render.Mapped {
	t.Helper()
	for _, o := range anyObjects(d) {
		if objectName != "" && o.Name != objectName {
			continue
		}
		pos, found := o.Positions.Find(path)
		return d.Map.Locate(render.Node{Path: path, Found: found == len(path), Pos: pos, Object: o.Pos(nil)})
	}
	t.Fatalf("%s: no object %q", d.Name, objectName)
	return render.Mapped{}
}

// walkPaths calls f with the path of every node of a decoded object.
func walkPaths(v any, p loader.Path, f func(loader.Path)) {
	f(p)
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkPaths(v[k], p.Child(k), f)
		}
	case []any:
		for i, e := range v {
			walkPaths(e, p.Child(i), f)
		}
	}
}

func errorsText(u render.Unit) string {
	var s []string
	for _, e := range u.Errors {
		s = append(s, e.Error())
	}
	return strings.Join(s, "\n")
}
