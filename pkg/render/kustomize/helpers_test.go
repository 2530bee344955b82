package kustomize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salint/salint/internal/testshared"
	"github.com/salint/salint/pkg/loader"
	"github.com/salint/salint/pkg/render"
)

// builtObjects parses the unit's single document as the loader would.
func builtObjects(t testing.TB, u render.Unit) (render.Doc, []*loader.Object) {
	t.Helper()
	if len(u.Docs) != 1 {
		t.Fatalf("unit %s: %d documents, want 1 (errors: %v)", u.Root, len(u.Docs), u.Errors)
	}
	d := u.Docs[0]
	f := loader.Parse(d.Name, d.Text, loader.Options{Kinds: anyKind})
	if len(f.Errors) > 0 {
		t.Fatalf("built stream does not parse: %v", f.Errors)
	}
	return d, f.Objects
}

// locateNode maps the node at path of the built object kind/name; found
// says whether the caller believes the node is present.
func locateNode(t testing.TB, u render.Unit, kind, name string, path loader.Path) render.Mapped {
	t.Helper()
	d, objs := builtObjects(t, u)
	for _, o := range objs {
		if o.Kind == kind && o.Name == name {
			pos, n := o.Positions.Find(path)
			return d.Map.Locate(render.Node{Path: path, Found: n == len(path), Pos: pos, Object: o.Pos(nil)})
		}
	}
	t.Fatalf("no %s %s in the built stream:\n%s", kind, name, d.Text)
	return render.Mapped{}
}

// eachNode calls f with every node path of v.
func eachNode(v any, p loader.Path, f func(loader.Path)) {
	f(p)
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			eachNode(c, p.Child(k), f)
		}
	case []any:
		for i, c := range v {
			eachNode(c, p.Child(i), f)
		}
	}
}

// nodePath builds a loader path from "spec.containers[0].image"-like text.
func nodePath(s string) loader.Path {
	var p loader.Path
	if s == "" {
		return p
	}
	for _, part := range strings.Split(s, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			p = append(p, name)
		}
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			n := 0
			for _, c := range idx {
				n = n*10 + int(c-'0')
			}
			p = append(p, n)
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return p
}

// sharedCharts finds the shared chart corpus beside the checkout.
func sharedCharts(t testing.TB) string {
	t.Helper()
	return testshared.Dir(t, "charts")
}

// kustomizationDirs lists the kustomization directories under root.
func kustomizationDirs(t testing.TB, root string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && IsKustomization(p) {
			dirs = append(dirs, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}
