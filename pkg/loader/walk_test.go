//go:build unix

package loader_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/salint/salint/pkg/loader"
)

// writeTree creates files (path -> content) below a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// discover runs Discover with a deadline, so that a walk that hangs (on a
// FIFO or a symlink loop) fails the test instead of stalling it.
func discover(t *testing.T, paths, exclude []string) (inputs []string, notes []string, errs []error) {
	t.Helper()
	done := make(chan struct{})
	var in []loader.Input
	go func() {
		defer close(done)
		in, notes, errs = loader.Discover(paths, exclude)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Discover hangs")
	}
	for _, i := range in {
		inputs = append(inputs, i.Path)
	}
	return inputs, notes, errs
}

func rel(t *testing.T, root string, paths []string) []string {
	t.Helper()
	var out []string
	for _, p := range paths {
		r, err := filepath.Rel(root, p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(r))
	}
	return out
}

func TestDiscover(t *testing.T) {
	root := writeTree(t, map[string]string{
		"a.yaml":                       "",
		"b.yml":                        "",
		"c.json":                       "",
		"d.txt":                        "",
		"E.YAML":                       "",
		"README.md":                    "",
		"yaml":                         "",
		".hidden/x.yaml":               "",
		".git/config.yaml":             "",
		"node_modules/pkg/x.yaml":      "",
		"sub/tests/t.yaml":             "",
		"sub/deep/z.yaml":              "",
		"sub/deep/.hidden.yaml":        "",
		"charts/web/templates/sa.yaml": "",
	})
	// A directory symlink to its parent makes a loop.
	if err := os.Symlink("..", filepath.Join(root, "sub", "loop")); err != nil {
		t.Fatal(err)
	}
	// A FIFO with no writer blocks whoever opens it.
	if err := syscall.Mkfifo(filepath.Join(root, "sub", "pipe.yaml"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}

	t.Run("walk", func(t *testing.T) {
		inputs, notes, errs := discover(t, []string{root}, nil)
		want := []string{
			"E.YAML", "a.yaml", "b.yml", "c.json",
			"charts/web/templates/sa.yaml",
			"sub/deep/.hidden.yaml", "sub/deep/z.yaml", "sub/tests/t.yaml",
		}
		if got := rel(t, root, inputs); !slices.Equal(got, want) {
			t.Errorf("inputs = %q\nwant     %q", got, want)
		}
		if len(errs) != 0 {
			t.Errorf("errors: %v", errs)
		}
		joined := strings.Join(notes, "\n")
		if !strings.Contains(joined, filepath.Join(root, "sub", "loop")+": skipped: symlink loop") {
			t.Errorf("notes = %q, want the symlink loop", notes)
		}
		if !strings.Contains(joined, filepath.Join(root, "sub", "pipe.yaml")+": skipped: not a regular file") {
			t.Errorf("notes = %q, want the FIFO", notes)
		}
	})

	t.Run("deterministic", func(t *testing.T) {
		first, _, _ := discover(t, []string{root}, nil)
		for range 3 {
			again, _, _ := discover(t, []string{root}, nil)
			if !slices.Equal(first, again) {
				t.Fatalf("order changed: %q then %q", first, again)
			}
		}
	})

	t.Run("exclude", func(t *testing.T) {
		inputs, _, errs := discover(t, []string{root}, []string{"**/tests/**", "*.json", "charts/*/templates/**"})
		want := []string{"E.YAML", "a.yaml", "b.yml", "sub/deep/.hidden.yaml", "sub/deep/z.yaml"}
		if got := rel(t, root, inputs); !slices.Equal(got, want) {
			t.Errorf("inputs = %q\nwant     %q", got, want)
		}
		if len(errs) != 0 {
			t.Errorf("errors: %v", errs)
		}
	})

	t.Run("brackets are literal in a pattern", func(t *testing.T) {
		_, _, errs := discover(t, []string{root}, []string{"[a"})
		if len(errs) != 0 {
			// Any pattern is valid: brackets are literal characters.
			t.Errorf("errors: %v", errs)
		}
	})

	t.Run("named files", func(t *testing.T) {
		named := []string{filepath.Join(root, "d.txt"), filepath.Join(root, ".hidden", "x.yaml"), filepath.Join(root, "a.yaml")}
		inputs, notes, errs := discover(t, append(named, filepath.Join(root, "a.yaml"), filepath.Join(root, "c.json")), []string{"*.json"})
		// Files named explicitly are read whatever their name, unless an
		// exclude glob matches them (a pre-commit hook names every changed
		// file); the same file named twice is read once.
		if !slices.Equal(inputs, named) {
			t.Errorf("inputs = %q, want %q", inputs, named)
		}
		if len(notes) != 0 || len(errs) != 0 {
			t.Errorf("notes %q, errors %v", notes, errs)
		}
	})

	t.Run("named FIFO", func(t *testing.T) {
		// Named, a FIFO is what the user asked to read: a stream (see
		// TestNamedStream); found by the walk, it is skipped (above).
		fifo := filepath.Join(root, "sub", "pipe.yaml")
		in, notes, errs := loader.Discover([]string{fifo}, nil)
		if len(in) != 1 || in[0].Path != fifo || !in[0].Stream || len(errs) != 0 || len(notes) != 0 {
			t.Errorf("inputs %+v, notes %q, errors %v; want the FIFO as a stream", in, notes, errs)
		}
	})

	t.Run("missing path", func(t *testing.T) {
		missing := filepath.Join(root, "nope.yaml")
		inputs, _, errs := discover(t, []string{missing, filepath.Join(root, "a.yaml")}, nil)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), missing) {
			t.Errorf("errors = %v, want one naming %s", errs, missing)
		}
		if len(inputs) != 1 {
			t.Errorf("inputs = %q, want the file that exists", inputs)
		}
	})

	t.Run("stdin", func(t *testing.T) {
		in, _, _ := loader.Discover([]string{"-"}, nil)
		if len(in) != 1 || !in[0].Stdin || in[0].Path != loader.StdinName {
			t.Errorf("inputs = %+v, want standard input", in)
		}
	})
}

func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	root := t.TempDir()
	fifo := filepath.Join(root, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan *loader.File)
	go func() { done <- loader.Read(loader.Input{Path: fifo}, nil, loader.Options{}) }()
	select {
	case f := <-done:
		if len(f.Errors) != 1 || f.Documents != 1 || !strings.Contains(f.Errors[0].Message, "not a regular file") {
			t.Errorf("errors = %v, want one: not a regular file", f.Errors)
		}
	case <-time.After(5 * time.Second):
		// Unblock the open so that the test can end.
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.Close()
		}
		<-done
		t.Fatal("Read waits on a FIFO")
	}
}

func TestReadSizeLimit(t *testing.T) {
	root := writeTree(t, map[string]string{
		"big.yaml":   "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: " + strings.Repeat("x", 200) + "}\n",
		"small.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: small}\n",
	})
	opts := loader.Options{MaxFileSize: 100}
	big := loader.Read(loader.Input{Path: filepath.Join(root, "big.yaml")}, nil, opts)
	if len(big.Errors) != 1 || !strings.Contains(big.Errors[0].Message, "larger than the 100 byte limit") {
		t.Errorf("big file: errors = %v", big.Errors)
	}
	small := loader.Read(loader.Input{Path: filepath.Join(root, "small.yaml")}, nil, opts)
	if len(small.Errors) != 0 || small.Documents != 1 {
		t.Errorf("small file: documents %d, errors %v", small.Documents, small.Errors)
	}
	stdin := loader.Read(loader.Input{Path: loader.StdinName, Stdin: true}, strings.NewReader(strings.Repeat("#", 101)), opts)
	if len(stdin.Errors) != 1 {
		t.Errorf("stdin over the limit: errors = %v", stdin.Errors)
	}
	missing := loader.Read(loader.Input{Path: filepath.Join(root, "gone.yaml")}, nil, opts)
	if len(missing.Errors) != 1 || missing.Documents != 1 {
		t.Errorf("missing file: errors = %v", missing.Errors)
	}
}

func TestWalkClaim(t *testing.T) {
	root := writeTree(t, map[string]string{
		"plain/a.yaml":                   "",
		"chart/Chart.yaml":               "",
		"chart/templates/sa.yaml":        "",
		"chart/charts/sub/Chart.yaml":    "",
		"archives/web-1.0.0.tgz":         "",
		"archives/notes.txt":             "",
		"kustomize/kustomization.yaml":   "",
		"kustomize/deployment.yaml":      "",
		"excluded/chart/Chart.yaml":      "",
		"excluded/chart/templates/x.yml": "",
	})
	var asked []string
	claim := func(p string, isDir bool, names []string) bool {
		r, _ := filepath.Rel(root, p)
		if !isDir {
			asked = append(asked, r)
			return strings.HasSuffix(p, ".tgz")
		}
		return slices.Contains(names, "Chart.yaml")
	}
	var got []string
	_, errs := loader.Walk([]string{root}, loader.WalkOptions{Exclude: []string{"excluded"}, Claim: claim}, func(in loader.Input) {
		r, _ := filepath.Rel(root, in.Path)
		if in.Claimed {
			r += " (claimed)"
		}
		got = append(got, r)
	})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	// A claimed directory is emitted whole and not walked; a claimed file
	// is emitted; what is not claimed is walked as ever.
	want := []string{"archives/web-1.0.0.tgz (claimed)", "chart (claimed)", "kustomize/deployment.yaml", "kustomize/kustomization.yaml", "plain/a.yaml"}
	if !slices.Equal(got, want) {
		t.Errorf("emitted %q\nwant    %q", got, want)
	}
	// Only files that are no manifests by their name are asked about.
	if wantAsked := []string{"archives/notes.txt", "archives/web-1.0.0.tgz"}; !slices.Equal(asked, wantAsked) {
		t.Errorf("asked about %q, want %q", asked, wantAsked)
	}
	// A named directory is asked about too.
	got = nil
	loader.Walk([]string{filepath.Join(root, "chart")}, loader.WalkOptions{Claim: claim}, func(in loader.Input) { got = append(got, in.Path) })
	if want := []string{filepath.Join(root, "chart")}; !slices.Equal(got, want) {
		t.Errorf("named chart: emitted %q, want %q", got, want)
	}
}
